"""kb: answer questions about a Chinese knowledge base, offline, with cited passages.

Importing kb is cheap: torch, FAISS and jieba load only when first needed. Its one side
effect is OpenMP's waiting policy (`OMP_WAIT_POLICY=PASSIVE` unless already set), which has
to be in the environment before any of them loads (see `_openmp.py`).
"""

from ._openmp import sleep_while_waiting

sleep_while_waiting()

from ._version import __version__  # noqa: E402
from .errors import KbError  # noqa: E402
from .knowledge_base import KnowledgeBase  # noqa: E402
from .profile import Profile  # noqa: E402
from .types import Answer, Document, Hit, Mode, Passage  # noqa: E402

__all__ = ["Answer", "Document", "Hit", "KbError", "KnowledgeBase", "Mode", "Passage", "Profile", "__version__"]
