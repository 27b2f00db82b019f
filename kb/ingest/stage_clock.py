"""CPU seconds per ingest stage, so a slow ingest says where its time goes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# In pipeline order; `IngestReport.stage_seconds` holds those an ingest ran.
STAGES = ("extract", "clean", "chunk", "tokenise", "encode passages", "encode sentences", "calibrate", "write")


class StageClock:
    """Adds up CPU seconds (this process, all its threads: the encoder's OpenMP threads
    included) per stage. CPU time rather than wall time: on a shared machine it measures
    the work, not the neighbours. Worker processes (--workers, --ray) are not counted."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Counts the CPU time of the block towards `name` (repeated blocks add up)."""
        started = time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.process_time() - started
