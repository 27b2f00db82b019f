"""kb: answer questions about a Chinese knowledge base, offline, with cited passages.

Importing kb is cheap and has no side effects: torch, FAISS and jieba load only when first
needed.
"""

from ._version import __version__
from .errors import KbError
from .knowledge_base import KnowledgeBase
from .profile import Profile
from .types import Answer, Document, Hit, Mode, Passage

__all__ = ["Answer", "Document", "Hit", "KbError", "KnowledgeBase", "Mode", "Passage", "Profile", "__version__"]
