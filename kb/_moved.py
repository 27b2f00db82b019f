"""Import paths of kb 0.x that moved into packages: they keep working, with a DeprecationWarning.

Code written against the flat layout (`from kb.retrieve import FusionSettings`) gets the very
module object the new path names, so settings, monkeypatches and isinstance checks agree.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from collections.abc import Callable
from types import ModuleType

MOVED_MODULES = {
    "kb.access": "kb.interfaces.access",
    "kb.answer": "kb.answering.answer",
    "kb.api_models": "kb.interfaces.api_models",
    "kb.bm25_index": "kb.stores.bm25_index",
    "kb.chunk": "kb.ingest.chunk",
    "kb.clean": "kb.ingest.clean",
    "kb.cli": "kb.interfaces.cli",
    "kb.code": "kb.language.code",
    "kb.contrast": "kb.answering.contrast",
    "kb.decoding": "kb.ingest.decoding",
    "kb.embed": "kb.embedding.models",
    "kb.estimate": "kb.ingest.estimate",
    "kb.evaluate": "kb.study.evaluate",
    "kb.evidence": "kb.answering.evidence",
    "kb.examples": "kb.interfaces.examples",
    "kb.extract_worker": "kb.ingest.extract_worker",
    "kb.followup": "kb.answering.followup",
    "kb.glyphs": "kb.formats.glyphs",
    "kb.index_store": "kb.stores.base",
    "kb.integrity": "kb.stores.integrity",
    "kb.loaders": "kb.ingest.loaders",
    "kb.manifest": "kb.stores.manifest",
    "kb.markup": "kb.ingest.markup",
    "kb.mcp_server": "kb.interfaces.mcp_server",
    "kb.milvus_store": "kb.stores.milvus",
    "kb.parallel": "kb.answering.aspects",
    "kb.parallel_embed": "kb.embedding.parallel",
    "kb.passage_db": "kb.stores.passage_db",
    "kb.progress": "kb.interfaces.progress",
    "kb.question": "kb.answering.question",
    "kb.quiz": "kb.study.quiz",
    "kb.readable": "kb.ingest.readable",
    "kb.retrieve": "kb.answering.retrieve",
    "kb.script_display": "kb.interfaces.script_display",
    "kb.sentence_quality": "kb.answering.sentence_quality",
    "kb.server": "kb.interfaces.server",
    "kb.stage_clock": "kb.ingest.stage_clock",
    "kb.store": "kb.stores.local",
    "kb.study_export": "kb.study.export",
    "kb.text": "kb.language.text",
    "kb.typos": "kb.answering.typos",
    "kb.understand": "kb.answering.understand",
    "kb.vector_index": "kb.stores.vector_index",
    "kb.versions": "kb.stores.versions",
}
"""Old module → new module. `kb.ingest` and `kb.study` became packages: see their `__getattr__`."""


def warn_moved(old: str, new: str) -> None:
    """The one wording of the deprecation, pointing at the line that used the old path."""
    warnings.warn(f"{old} moved to {new}; import it from there", DeprecationWarning, stacklevel=3)


def forward_names(package: str, modules: tuple[str, ...]) -> Callable[[str], object]:
    """A package's `__getattr__` for a flat-layout module that became the package: a name it
    held is looked up in `modules` (where it went, first match), with a DeprecationWarning."""

    def forwarded(name: str) -> object:
        if not name.startswith("__"):
            for module_name in modules:
                module = importlib.import_module(module_name)
                if hasattr(module, name):
                    warn_moved(f"{package}.{name}", f"{module_name}.{name}")
                    return getattr(module, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return forwarded


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old module path and hands back the module at its new path."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED_MODULES[spec.name]
        warn_moved(spec.name, new)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """The module at the new path is already executed."""


def install() -> None:
    """Let the old paths import (once per process, however often kb is imported)."""
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedModuleFinder())
