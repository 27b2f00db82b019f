"""kb's own stores, registered through the same hook as a plug-in's (kb.plugins.BUILT_INS)."""

from __future__ import annotations

from kb.plugins import Register, hookimpl
from kb.stores.local import LocalBackend
from kb.stores.milvus import MilvusBackend
from kb.stores.registry import FOLDER_SCHEME


@hookimpl
def register_stores(register: Register) -> None:
    """Folders (no scheme, or file://), and Milvus: Lite files (milvus://) and servers (http(s)://)."""
    register(FOLDER_SCHEME, LocalBackend())
    milvus = MilvusBackend()
    for scheme in ("milvus", "http", "https"):
        register(scheme, milvus)
