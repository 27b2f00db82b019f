"""The package layout: no import cycles, modules and functions small enough to read, and the import
paths of the flat layout still working (with a DeprecationWarning)."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb._moved import MOVED_MODULES
from tests.conftest import ROOT


def test_every_old_module_path_is_the_new_module_with_a_warning() -> None:
    # In a fresh interpreter: this one has imported most modules already.
    code = (
        "import importlib, json, sys, warnings\n"
        "from kb._moved import MOVED_MODULES\n"
        "seen = {}\n"
        "for old, new in MOVED_MODULES.items():\n"
        "    with warnings.catch_warnings(record=True) as caught:\n"
        "        warnings.simplefilter('always')\n"
        "        module = importlib.import_module(old)\n"
        "    said = [str(w.message) for w in caught if w.category is DeprecationWarning]\n"
        "    seen[old] = [module is importlib.import_module(new), said]\n"
        "print(json.dumps(seen))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    seen = json.loads(run.stdout)
    assert set(seen) == set(MOVED_MODULES)
    for old, (same, said) in seen.items():
        assert same, old
        assert f"{old} moved to {MOVED_MODULES[old]}; import it from there" in said


def test_names_of_the_old_ingest_and_study_modules_are_forwarded() -> None:
    with pytest.warns(DeprecationWarning, match=r"kb\.ingest\.ingest moved to kb\.ingest\.pipeline\.ingest"):
        from kb.ingest import ingest
    assert ingest is importlib.import_module("kb.ingest.pipeline").ingest
    with pytest.warns(DeprecationWarning, match=r"kb\.ingest\.sentence_text moved to kb\.ingest\.contents\."):
        from kb.ingest import sentence_text
    assert sentence_text is importlib.import_module("kb.ingest.contents").sentence_text
    with pytest.warns(DeprecationWarning, match=r"kb\.study\.build_study_guide moved"):
        from kb.study import build_study_guide
    assert build_study_guide is importlib.import_module("kb.study.guide").build_study_guide
    with pytest.raises(ImportError):
        from kb.ingest import no_such_name  # noqa: F401


def kb_modules() -> dict[str, Path]:
    """Every module of the kb package by dotted name."""
    modules = {}
    for path in sorted((ROOT / "kb").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The kb modules `name` imports anywhere in its text: at the top, in a function, for type checking."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            parent = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*parent, node.module] if node.module else parent)
            for alias in node.names:
                found |= {candidate for candidate in (f"{base}.{alias.name}", base) if candidate in modules}
    return found - {name}


def test_no_module_of_kb_imports_itself_through_others() -> None:
    modules = kb_modules()
    graph = {name: imported_modules(name, path, modules) for name, path in modules.items()}
    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    graph = {name: {m for m in targets if not name.startswith(m + ".")} for name, targets in graph.items()}
    cycles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            name, trail = stack.pop()
            for target in graph[name]:
                if target == start:
                    cycles.append(" → ".join((*trail, start)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, (*trail, target)))
    assert not cycles, "\n".join(sorted(cycles))


MODULE_LINES, FUNCTION_LINES = 400, 60


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for name, path in kb_modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MODULE_LINES:
            too_long.append(f"module {name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            # From `def` to the last line: a click command's option decorators are not counted.
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert not too_long, "\n".join(too_long)
