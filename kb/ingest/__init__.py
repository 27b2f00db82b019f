"""Ingest: files → documents (loaders, formats) → cleaned text → passages → vectors → a stored index version."""

# Where the names of the flat layout's `kb.ingest` module live now.
_FORMER_NAMES_IN = ("kb.ingest.pipeline", "kb.ingest.contents")


def __getattr__(name: str) -> object:
    """`from kb.ingest import ingest` of the flat layout: forwarded to `kb.ingest.pipeline` (or
    `kb.ingest.contents`, for what building the contents needs), with a DeprecationWarning."""
    import importlib

    from kb._moved import warn_moved

    if not name.startswith("__"):
        for module_name in _FORMER_NAMES_IN:
            module = importlib.import_module(module_name)
            if hasattr(module, name):
                warn_moved(f"kb.ingest.{name}", f"{module_name}.{name}")
                return getattr(module, name)
    raise AttributeError(f"module 'kb.ingest' has no attribute {name!r}")
