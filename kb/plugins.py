"""Plug-ins: embedders, document formats, stores and rerankers, found through entry points.

The design is simonw/llm's: a plug-in is a module that implements one or more of the hooks below,
made known by an entry point in the `kb` group of its package:

    [project.entry-points.kb]
    my_format = "my_package.kb_plugin"

kb's own embedders, formats, stores and rerankers are registered through the same hooks, so a
plug-in is found, listed and chosen exactly like a built-in. Each hook is handed a `register`
function: `register(name, thing)`; what `thing` must be is said by the registry of that kind.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import pluggy

from kb.errors import KbError

hookspec = pluggy.HookspecMarker("kb")
hookimpl = pluggy.HookimplMarker("kb")

Register = Callable[[str, Any], None]

BUILT_INS: tuple[str, ...] = ("kb.embedding.models", "kb.formats", "kb.stores.builtin")
"""kb's own plug-in modules, registered before any installed one."""

KINDS = ("embedders", "formats", "stores", "rerankers")


class Hooks:
    """What a plug-in module may implement (each with `@kb.plugins.hookimpl`)."""

    @hookspec
    def register_embedders(self, register: Register) -> None:
        """Embedding models by name (`kb ingest --model NAME`)."""

    @hookspec
    def register_formats(self, register: Register) -> None:
        """Document formats by file extension (".txt")."""

    @hookspec
    def register_stores(self, register: Register) -> None:
        """Index stores by location scheme ("milvus")."""

    @hookspec
    def register_rerankers(self, register: Register) -> None:
        """Rerankers of fused passages by name (`kb ask --reranker NAME`)."""


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The built-ins, then every installed plug-in; loaded once per process, on first use."""
    manager = pluggy.PluginManager("kb")
    manager.add_hookspecs(Hooks)
    for name in BUILT_INS:
        manager.register(importlib.import_module(name), name=name)
    try:
        manager.load_setuptools_entrypoints("kb")
    except Exception as error:  # an installed plug-in that does not import: say which
        raise KbError(
            f"a kb plug-in failed to load ({type(error).__name__}: {error}); "
            "fix or uninstall it (`pip list` shows what is installed)"
        ) from error
    return manager


def registered(kind: str) -> dict[str, Any]:
    """Everything of one kind the built-ins and plug-ins register, by name; a name taken twice is an error."""
    if kind not in KINDS:
        raise ValueError(f"unknown plug-in kind {kind!r}; kinds: {', '.join(KINDS)}")
    found: dict[str, Any] = {}

    def register(name: str, thing: Any) -> None:
        if name in found:
            raise KbError(f"two kb plug-ins register the {kind[:-1]} {name!r}; uninstall one of them")
        found[name] = thing

    getattr(plugin_manager().hook, f"register_{kind}")(register=register)
    return found
