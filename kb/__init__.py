"""kb: answer questions about a Chinese knowledge base, offline, with cited passages.

Importing kb is cheap: torch, FAISS and jieba load only when first needed.
"""

__version__ = "0.1.0"

from .errors import KbError  # noqa: E402
from .knowledge_base import KnowledgeBase  # noqa: E402
from .types import Answer, Document, Hit, Passage  # noqa: E402

__all__ = ["Answer", "Document", "Hit", "KbError", "KnowledgeBase", "Passage", "__version__"]
