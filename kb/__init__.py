"""kb: answer questions about a Chinese knowledge base, offline, with cited passages.

Importing kb is cheap: torch, FAISS and jieba load only when first needed. Its one side
effect is OpenMP's waiting policy (`OMP_WAIT_POLICY=PASSIVE` unless already set), which has
to be in the environment before any of them loads (see `_openmp.py`).
"""

from kb import _moved
from kb._openmp import sleep_while_waiting

sleep_while_waiting()
_moved.install()

from kb._version import __version__  # noqa: E402
from kb.errors import KbError  # noqa: E402
from kb.ingest.options import IngestOptions  # noqa: E402
from kb.knowledge_base import KnowledgeBase  # noqa: E402
from kb.profile import Profile  # noqa: E402
from kb.types import Answer, Document, Hit, Mode, Passage  # noqa: E402

__all__ = [
    "Answer",
    "Document",
    "Hit",
    "IngestOptions",
    "KbError",
    "KnowledgeBase",
    "Mode",
    "Passage",
    "Profile",
    "__version__",
]
