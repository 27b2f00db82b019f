"""Small things several test modules need: a free loopback port, a server in a thread, the seed
questions, and threads whose failures fail the test."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

SEED_QUESTIONS = ROOT / "tests/data/seed_questions.jsonl"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served_in_thread(config: Callable[[int], Any]) -> Iterator[int]:
    """A uvicorn server, configured by `config(port)` on a free loopback port, running in a
    thread of this process while the block runs; its port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(config(port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def seed_rows() -> list[dict]:
    """The rows of tests/data/seed_questions.jsonl (query, gold sentences, kind), in order."""
    with SEED_QUESTIONS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def seed_questions() -> list[str]:
    """The questions of tests/data/seed_questions.jsonl, in order."""
    return [row["query"] for row in seed_rows()]


class Workers:
    """Threads running one function, whose every exception (an assertion too) is kept and
    raised again by `join`: a failure in a thread fails the test, not a warning."""

    def __init__(self, target: Callable[[], None], count: int) -> None:
        self.failures: list[str] = []
        self._target = target
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _run(self) -> None:
        try:
            self._target()
        except BaseException:
            self.failures.append(traceback.format_exc())

    def start(self) -> Workers:
        for thread in self._threads:
            thread.start()
        return self

    def join(self, timeout: float) -> None:
        """Wait for every thread; fail on one still running or on any thread's exception."""
        for thread in self._threads:
            thread.join(timeout=timeout)
        running = sum(thread.is_alive() for thread in self._threads)
        assert running == 0, f"{running} thread(s) still running after {timeout} s"
        assert not self.failures, "a thread failed:\n" + "\n".join(self.failures)


def write_corpus(tmp_path: Path, files: dict[str, str]) -> Path:
    """A corpus folder `corpus` under tmp_path holding the given UTF-8 text files."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, "utf-8")
    return corpus


def installed_plugin(folder: Path, name: str, source: str) -> dict[str, str]:
    """A kb plug-in "installed" under `folder` as pip would leave it: the module `name` holding
    `source`, and a dist-info whose entry point in the `kb` group names it. Returns the environment
    for a `kb` subprocess that sees it (its PYTHONPATH puts `folder` first)."""
    import os
    import textwrap

    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist_info = folder / f"{name}-0.1.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(f"[kb]\n{name} = {name}\n", encoding="utf-8")
    path = os.pathsep.join(p for p in (str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}
