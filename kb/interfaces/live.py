"""The knowledge base a server answers from, kept current: loaded once, fully (so requests
never pay a first-use cost), and swapped for a new one when `kb ingest` replaces the index —
detected on the next request, or forced with reload() — while requests already running finish
on the one they started with. Shared by `kb serve` and `kb mcp`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kb.embedding.models import CPU, Embedder
from kb.errors import KbError
from kb.interfaces.examples import describe
from kb.knowledge_base import KnowledgeBase

POINTER_CHECK_SECONDS = 1.0


class LiveKnowledgeBase:
    """Holds the loaded knowledge base and replaces it when `kb ingest` replaces the index.

    Requests hold the one they use (`using`) for as long as they run; a replaced one is
    closed when its last request ends (its version pin, files or Milvus client released)."""

    def __init__(
        self,
        location: str | Path,
        embedder: Embedder | None = None,
        check_seconds: float = POINTER_CHECK_SECONDS,
        device: str = CPU,
        reranker: str | None = None,
    ) -> None:
        self.location = location  # an index folder or a store URI
        self._embedder = embedder
        self._device = device
        self._reranker = reranker
        self._check_seconds = check_seconds
        self._lock = threading.Lock()  # one reload at a time
        self._readers_lock = threading.Lock()  # guards _kb and _readers
        self._readers: Counter[KnowledgeBase] = Counter()  # requests running on each loaded one
        self._kb = self._load()
        self._checked = time.monotonic()
        self._described: tuple[KnowledgeBase, tuple[str, tuple[str, ...]]] | None = None

    def _load(self) -> KnowledgeBase:
        kb = KnowledgeBase.open(self.location, embedder=self._embedder, device=self._device, reranker=self._reranker)
        kb.warm_up()
        return kb

    def current(self) -> KnowledgeBase:
        if time.monotonic() - self._checked >= self._check_seconds:
            self._checked = time.monotonic()
            if not self._kb.is_live():
                try:
                    self.reload()
                except KbError:
                    pass  # a damaged new version: keep answering from the one loaded; /reload reports why
        return self._kb

    def described(self, kb: KnowledgeBase) -> tuple[str, tuple[str, ...]]:
        """The title and example questions of `kb` (the current one), drawn once per version."""
        if self._described is None or self._described[0] is not kb:
            self._described = (kb, describe(kb))
        return self._described[1]

    @contextlib.contextmanager
    def using(self) -> Iterator[KnowledgeBase]:
        """The current knowledge base, held until the block ends: if a reload replaced it
        meanwhile, the last of its readers to leave closes it."""
        self.current()  # swaps in a new version when one is due
        with self._readers_lock:
            kb = self._kb
            self._readers[kb] += 1
        try:
            yield kb
        finally:
            with self._readers_lock:
                self._readers[kb] -= 1
                retired_and_idle = self._readers[kb] == 0 and kb is not self._kb
                if self._readers[kb] == 0:
                    del self._readers[kb]
            if retired_and_idle:
                kb.close()

    def reload(self) -> KnowledgeBase:
        """Load the live version and swap it in; raises KbError (the old one stays in place).
        The old one is closed now if no request holds it, else when its last one ends."""
        with self._lock:
            if not self._kb.is_live():
                loaded = self._load()
                with self._readers_lock:
                    old, self._kb = self._kb, loaded
                    idle = self._readers[old] == 0
                if idle:
                    old.close()
        return self._kb
