"""The package layout: import paths of the flat layout keep working, with a DeprecationWarning."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

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
