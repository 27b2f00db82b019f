"""Progress of long work (embedding) on stderr: a bar on a terminal, and otherwise — a CI log,
a pipe, a launcher script — one line per stage with counts, rate and time left, so nobody
stares at a silent first run."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

import click

LABELS = {"embed": "Embedding passages", "embed sentences": "Embedding sentences", "store": "Writing to the store"}
UNITS = {"store": "rows to write"}  # what a stage's total counts (default: texts to embed)
LINE_EVERY_SECONDS = 10.0  # without a terminal: at most one line per this many seconds


class ProgressReport:
    """An ingest progress callback (stage, done, total) for the stages in LABELS."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.bar: Any = None  # click's progress bar of the current stage, on a terminal
        self.stage = ""
        self.started = self.last_line = 0.0
        self.reported = False  # a status line of this stage printed yet

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in LABELS:
            self.close()
            return
        if stage != self.stage:
            self.close()
            self.stage, self.started, self.last_line = stage, time.monotonic(), time.monotonic()
            self.reported = False
            if self.terminal:
                self.bar = click.progressbar(length=total, label=LABELS[stage], file=self.stream)
                self.bar.__enter__()
            else:
                self._line(f"{LABELS[stage]}: {total:,} {UNITS.get(stage, 'to embed')}")
        if self.bar is not None:
            self.bar.update(done - self.bar.pos)
        elif done and (done == total or not self.reported or time.monotonic() - self.last_line >= LINE_EVERY_SECONDS):
            # The first batch gives the rate: say early how long the whole stage will take.
            self.reported = True
            self._line(self._status(done, total))

    def _status(self, done: int, total: int) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        if done == total:
            return f"{LABELS[self.stage]}: {done:,}/{total:,} in {elapsed:.0f} s ({rate:.1f}/s)"
        left = (total - done) / rate
        share = f"{done:,}/{total:,} ({100 * done / total:.0f} %)"
        return f"{LABELS[self.stage]}: {share}, {rate:.1f}/s, about {left:.0f} s left"

    def _line(self, text: str) -> None:
        self.last_line = time.monotonic()
        click.echo(text, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        self.stage = ""

    def __enter__(self) -> ProgressReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
