"""kb: answer questions about a Chinese knowledge base, offline, with cited passages.

Importing kb is cheap: torch, FAISS and jieba load only when first needed.
"""

import os

__version__ = "0.1.0"

# The e5 engine and FAISS use OpenMP, whose threads by default spin while waiting for work.
# With another busy process on a 2-core machine (an ingest, a test run) that turns a 20 ms
# query into 1.6 s; sleeping waiters cost nothing measurable when the machine is idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .errors import KbError
from .knowledge_base import KnowledgeBase
from .types import Answer, Document, Hit, Passage

__all__ = ["Answer", "Document", "Hit", "KbError", "KnowledgeBase", "Passage", "__version__"]
