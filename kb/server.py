"""HTTP API over one loaded knowledge base (FastAPI). No business logic: it validates,
calls KnowledgeBase, and returns the same JSON as `kb ask --json`.

The index is loaded once, fully (so requests never pay a first-use cost), and swapped for a
new one when `kb ingest` replaces it — detected on the next request, or forced with POST
/reload — while requests already running finish on the index they started with.

Exposure is bounded: only the Host names the server was started for are answered (a web page
elsewhere cannot reach a loopback server through DNS rebinding), a connection that has not
sent a request's headers within HEADER_SECONDS is closed, and long questions take turns.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._version import __version__
from .embed import Embedder
from .errors import KbError
from .knowledge_base import KnowledgeBase
from .retrieve import MAX_K, MAX_QUESTION_CHARS
from .types import Mode

POINTER_CHECK_SECONDS = 1.0
LONG_QUESTION_CHARS = 200  # questions longer than this take the long-question lane
HEADER_SECONDS = 5.0  # to send a request's headers, on a new or a kept-alive connection
LOOPBACK_NAMES = ("localhost", "127.0.0.1")


class Query(BaseModel):
    question: str = Field(
        ...,
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        description=f"The question, at most {MAX_QUESTION_CHARS} characters.",
    )
    k: int = Field(5, ge=1, le=MAX_K, description="Number of passages.")
    mode: Mode = Field("hybrid", description="Ranker: fused, embeddings only, or BM25 only.")


class LiveKnowledgeBase:
    """Holds the loaded knowledge base and replaces it when `kb ingest` replaces the index."""

    def __init__(
        self, index_dir: Path, embedder: Embedder | None = None, check_seconds: float = POINTER_CHECK_SECONDS
    ) -> None:
        self.index_dir = Path(index_dir)
        self._embedder = embedder
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._kb = self._load()
        self._checked = time.monotonic()

    def _load(self) -> KnowledgeBase:
        kb = KnowledgeBase.open(self.index_dir, embedder=self._embedder)
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

    def reload(self) -> KnowledgeBase:
        """Load the live version and swap it in; raises KbError (the old one stays in place)."""
        with self._lock:
            if not self._kb.is_live():
                self._kb = self._load()
        return self._kb


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection that has not sent a complete request
    head within HEADER_SECONDS of opening (or of its last response). uvicorn only times out
    idle kept-alive connections, and any byte resets that: 200 silent or trickling
    connections would otherwise stay open for good."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._deadline = self.loop.call_later(HEADER_SECONDS, self._close_if_waiting)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._deadline.cancel()
        self._deadline = self.loop.call_later(HEADER_SECONDS, self._close_if_waiting)

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline.cancel()
        super().connection_lost(exc)

    def _close_if_waiting(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete  # no request being answered
        if waiting and not self.transport.is_closing():
            self.transport.close()


class QuestionLanes:
    """Long questions are answered one at a time, and after each the lane rests as long as the
    answer took: clients sending 1,000-character questions get at most half of one core between
    them, and short questions never queue behind them (scripts/load_test.py measures it). Those
    waiting hold no thread."""

    def __init__(self) -> None:
        self._long = asyncio.Semaphore(1)

    @contextlib.asynccontextmanager
    async def slot(self, question: str) -> AsyncIterator[None]:
        if len(question) <= LONG_QUESTION_CHARS:
            yield
            return
        await self._long.acquire()
        started = time.monotonic()
        try:
            yield
        finally:  # the response goes out now; the next long question waits out the rest
            asyncio.get_running_loop().call_later(time.monotonic() - started, self._long.release)


def create_app(
    index_dir: str | Path, embedder: Embedder | None = None, allowed_hosts: Sequence[str] = LOOPBACK_NAMES
) -> FastAPI:
    """The app serving one index (with the embedder given, else the index's own model), to
    requests whose Host header names one of `allowed_hosts` ("*" for any)."""
    live = LiveKnowledgeBase(Path(index_dir), embedder)
    app = FastAPI(
        title="kb",
        version=__version__,
        description=(
            "Ask a Chinese knowledge base; answers are extractive and cited. "
            f"Questions are limited to {MAX_QUESTION_CHARS} characters; k to 1–{MAX_K}."
        ),
    )

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.exception_handler(KbError)
    def _kb_error(_: Request, exc: KbError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Without the offending input: it may be NaN or a lone surrogate, which JSON cannot carry.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})

    lanes = QuestionLanes()

    @app.post("/search", summary="Ranked passages for a question")
    async def search(query: Query) -> dict:
        def run() -> dict:
            hits = live.current().search(query.question, k=query.k, mode=query.mode)
            return {"question": query.question, "passages": [h.to_dict() for h in hits]}

        async with lanes.slot(query.question):
            return await run_in_threadpool(run)

    @app.post("/ask", summary="Cited extractive answer, same JSON as `kb ask --json`")
    async def ask(query: Query) -> dict:
        def run() -> dict:
            return live.current().ask(query.question, k=query.k, mode=query.mode).to_dict()

        async with lanes.slot(query.question):
            return await run_in_threadpool(run)

    @app.get("/healthz", summary="Liveness")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/info", summary="Manifest of the index being served")
    def info() -> dict:
        return live.current().info()

    @app.post("/reload", summary="Load the index again now (after `kb ingest`)")
    def reload() -> dict:
        try:
            kb = live.reload()
        except KbError as exc:
            raise HTTPException(
                status_code=503, detail=f"reload failed, still serving the previous index: {exc}"
            ) from exc
        return {"status": "ok", "version": kb.index.dir.name}

    return app
