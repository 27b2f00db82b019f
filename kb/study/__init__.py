"""Study material and its measurement: study guides, quizzes, their exports, and `kb eval`."""


def __getattr__(name: str) -> object:
    """`from kb.study import build_study_guide` of the flat layout: forwarded to `kb.study.guide`,
    with a DeprecationWarning."""
    import importlib

    from kb._moved import warn_moved

    module = importlib.import_module("kb.study.guide")
    if name.startswith("__") or not hasattr(module, name):
        raise AttributeError(f"module 'kb.study' has no attribute {name!r}")
    warn_moved(f"kb.study.{name}", f"kb.study.guide.{name}")
    return getattr(module, name)
