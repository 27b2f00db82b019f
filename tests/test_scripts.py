"""Every script in scripts/ runs: on the session's stub index (the stand-in model, resolved in
each process the script starts by tests/stub_model/sitecustomize.py) or tiny inputs, with the
fewest options that exercise it, in a subprocess under a time budget. Scripts whose data is
absent here (the eval sets, the course files, their mirrors) must say so in one line and exit
non-zero. Numbers are not checked: a script must run and print its table; speed and quality
are read from the numbers themselves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = ROOT / "scripts"
BUDGET_SECONDS = 240  # each quick script takes seconds on an idle machine
SLOW_BUDGET_SECONDS = 600  # the real model's full ingest of the corpus is in one of them
COURSE = Path("/work/bench_docs/course")
SEED = "tests/data/seed_questions.jsonl"

# name → (arguments, where "{index}" is the stub index; what the output must show). Each takes
# a few seconds on two cores.
QUICK = {
    "calibrate_answerable": (["--index", "{index}"], r"in: coverage min [\d.]+ max [\d.]+; dense min"),
    "tune_retrieval": (
        ["--index", "{index}", "--queries", SEED, "--dense-weights", "1", "--lead-gains", "1", "--limit", "10"],
        r"(?m)^zscore +1\.00 .*\n^rrf +1\.00 ",
    ),
    "tune_answers": (
        ["--index", "{index}", "--queries", SEED, "--margins", "3", "--limit", "10"],
        r"default weights +seed_questions +[\d.]+.*tuned dense=.*margin 3\.0 +seed_questions",
    ),
    "bench_study": (["--index", "{index}"], r"main contrast +营销和销售的区别"),
    "bench_clean": (
        ["--mb", "0.05", "--repeats", "1", "--min-mbps", "0"],
        r"adversarial \(0\.05 M characters\) +[\d.]+ MB/s",
    ),
    "check_trainee_set": ([], r"total: 104 .*\nok"),
    "bench_scale": (["--n", "2000", "--queries", "5"], r"ivf-flat-ip +build .* recall@10 [\d.]+"),
    "attack": (["-k", "replace = 5"], r"held +5 replace = 5 .*\n1 of 1 held, 0 failed"),
    "load_test": (
        ["--index", "{index}", "--requests", "4", "--time-limit", "10", "--levels", "1", "--neighbours", "1"],
        r"(?m)^ +1 +4 +0 .*\none client, p50: alone",
    ),
    "bench_quality": (
        ["--sets", "seed", "--modes", "bm25", "--index", "{index}"],
        r"seed +bm25 +[\d.]+ .*\n+seed corpus, hybrid: on-topic questions it cannot answer refused \d+/20",
    ),
}
# Slower: a cold process per mode, OCR of three pages, the real model.
SLOW = {
    "bench_query": (
        ["--index", "{index}", "--repeats", "1"],
        r"ask, first time asked +p50 +[\d.]+ ms.*total \(p50\) +[\d.]+ ms",
    ),
    "bench_ocr": (["--pages", "1", "--engine", "rapidocr", "--min-accuracy", "0"], r"rapidocr +traditional +[\d.]+%"),
    "bench_ingest": (
        ["--repeats", "1", "--limit", "16", "--model", "test-bigram"],
        r"encode passages .*one file changed .*passages embedded",
    ),
}
# Data that is not in the repository: what each says when it is absent.
MISSING_DATA = {
    "bench_quality": (["--sets", "cmrc2018", "--eval", "{empty}"], r"no eval set cmrc2018 in .*: give --eval DIR"),
    "bench_peer": (["--sets", "cmrc2018", "--eval", "{empty}"], r"no eval set cmrc2018 in .*: give --eval DIR"),
    "check_course_questions": (["--docs", "{empty}/course"], r"no course documents at .*fetch_course_corpus\.py"),
    "fetch_course_corpus": (
        ["--out", "{empty}/out", "--mirrors", "{empty}"],
        r"no mirror of [\w/-]+; run the fetch tool on github:.*\n0 of \d+ files",
    ),
}


def _run(
    name: str, arguments: list[str], budget: float = BUDGET_SECONDS, **paths: Path
) -> subprocess.CompletedProcess[str]:
    """The script in its own process, the stub model resolvable in it and its children."""
    python_path = os.pathsep.join([str(ROOT), str(ROOT / "tests" / "stub_model")])
    environment = os.environ | {"PYTHONPATH": python_path, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, str(SCRIPTS / f"{name}.py"), *(a.format(**paths) for a in arguments)]
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=budget, check=False
    )


def _check(result: subprocess.CompletedProcess[str], expected: str, succeeds: bool = True) -> None:
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeeds, output[-3000:]
    assert re.search(expected, output, re.DOTALL), output[-3000:]


def test_every_script_has_a_smoke_run():
    covered = {*QUICK, *SLOW, *MISSING_DATA}
    assert {path.stem for path in SCRIPTS.glob("*.py")} == covered


@pytest.mark.parametrize("name", QUICK)
def test_the_script_runs_on_the_stub_index(name, stub_index):
    arguments, expected = QUICK[name]
    _check(_run(name, arguments, index=stub_index[0]), expected)


@pytest.mark.model
@pytest.mark.parametrize("name", SLOW)
def test_the_slower_script_runs(name, stub_index):
    arguments, expected = SLOW[name]
    _check(_run(name, arguments, SLOW_BUDGET_SECONDS, index=stub_index[0]), expected)


@pytest.mark.parametrize("name", MISSING_DATA)
def test_absent_data_is_named_with_what_to_do(name, tmp_path):
    arguments, expected = MISSING_DATA[name]
    result = _run(name, arguments, empty=tmp_path)
    _check(result, expected, succeeds=False)
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not COURSE.is_dir(), reason=f"course documents not at {COURSE}: scripts/fetch_course_corpus.py")
def test_the_course_questions_check_on_one_document():
    _check(_run("check_course_questions", ["--doc", "作业5.docx"]), r"1 questions, .*; 0 failures")
