"""Ingest: files → documents (loaders, formats) → cleaned text → passages → vectors → a stored index version."""


def __getattr__(name: str) -> object:
    """`from kb.ingest import ingest` of the flat layout: forwarded to `kb.ingest.pipeline`,
    with a DeprecationWarning."""
    import importlib

    from kb._moved import warn_moved

    module = importlib.import_module("kb.ingest.pipeline")
    if name.startswith("__") or not hasattr(module, name):
        raise AttributeError(f"module 'kb.ingest' has no attribute {name!r}")
    warn_moved(f"kb.ingest.{name}", f"kb.ingest.pipeline.{name}")
    return getattr(module, name)
