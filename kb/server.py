"""HTTP API over one loaded knowledge base (FastAPI). No business logic: it validates,
calls KnowledgeBase, and returns the same JSON as `kb ask --json`.

The index is loaded once, fully (so requests never pay a first-use cost), and swapped for a
new one when `kb ingest` replaces it — detected on the next request, or forced with POST
/reload — while requests already running finish on the index they started with.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ._version import __version__
from .embed import Embedder
from .errors import KbError
from .knowledge_base import KnowledgeBase
from .retrieve import MAX_K, MAX_QUESTION_CHARS
from .types import Mode

POINTER_CHECK_SECONDS = 1.0


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


def create_app(index_dir: str | Path, embedder: Embedder | None = None) -> FastAPI:
    """The app serving one index (with the embedder given, else the index's own model)."""
    live = LiveKnowledgeBase(Path(index_dir), embedder)
    app = FastAPI(
        title="kb",
        version=__version__,
        description=(
            "Ask a Chinese knowledge base; answers are extractive and cited. "
            f"Questions are limited to {MAX_QUESTION_CHARS} characters; k to 1–{MAX_K}."
        ),
    )

    @app.exception_handler(KbError)
    def _kb_error(_: Request, exc: KbError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.post("/search", summary="Ranked passages for a question")
    def search(query: Query) -> dict:
        hits = live.current().search(query.question, k=query.k, mode=query.mode)
        return {"question": query.question, "passages": [h.to_dict() for h in hits]}

    @app.post("/ask", summary="Cited extractive answer, same JSON as `kb ask --json`")
    def ask(query: Query) -> dict:
        return live.current().ask(query.question, k=query.k, mode=query.mode).to_dict()

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
