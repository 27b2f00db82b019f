"""HTTP API over one loaded knowledge base (FastAPI). No business logic: it validates,
calls KnowledgeBase, and returns the same JSON as `kb ask --json`.

The index is kept current by LiveKnowledgeBase (live.py; POST /reload forces it), the limits on
exposure are http_bounds.py's (shared with `kb mcp --http`), and long questions take turns.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb._version import __version__
from kb.answering.retrieve import MAX_K, MAX_QUESTION_CHARS
from kb.embedding.models import CPU, Embedder
from kb.errors import IndexDamaged, KbError
from kb.interfaces import api_models as api
from kb.interfaces.access import LOOPBACK_NAMES, OPEN_PATHS, OPEN_PREFIXES
from kb.interfaces.http_bounds import MAX_BODY_BYTES, Surface, error_response, guard
from kb.interfaces.live import LiveKnowledgeBase
from kb.interfaces.script_display import shown_in_script
from kb.language.text import Script, in_script

LONG_QUESTION_CHARS = 200  # questions longer than this take the long-question lane
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 503: "unavailable"}
# Every status the API answers with, each in the one error shape: declared on every operation.
ERRORS = {
    400: "Malformed request: a body that is not JSON (`invalid_json`), or a Host this server does not answer for.",
    401: "Missing or wrong `Authorization: Bearer <token>` (servers started with a token).",
    404: "No such path (`not_found`).",
    405: "Wrong method for the path (`method_not_allowed`).",
    413: f"Body over {MAX_BODY_BYTES} bytes (`too_large`).",
    422: "A field out of range, of the wrong type or unknown (`invalid_request`, naming it), or a question "
    "kb cannot ask (`invalid_question`).",
    503: "The index is damaged or could not be reloaded (`index_damaged`, `unavailable`).",
}
PAGE = Path(__file__).parent / "web"  # the page for trainees: plain HTML, CSS and JS
# The page, the docs and liveness hold no index data: open without a token.
SURFACE = Surface(open_paths=OPEN_PATHS, open_prefixes=OPEN_PREFIXES)


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
    index_dir: str | Path,
    embedder: Embedder | None = None,
    allowed_hosts: Sequence[str] = LOOPBACK_NAMES,
    token: str | None = None,
    cors_origins: Sequence[str] = (),
    device: str = CPU,
    reranker: str | None = None,
) -> FastAPI:
    """The app serving one index (with the embedder given, else the index's own model), to
    requests whose Host header names one of `allowed_hosts` ("*" for any): the JSON API, the
    page for trainees at /, and the API docs at /docs, all without a network. With `token`, the
    API needs `Authorization: Bearer <token>` (see access.py); pages on `cors_origins` may call it.
    `device`: where the index's model encodes questions (see embed.load_embedder); `reranker`:
    a registered reranker's name (kb/answering/rerank.py)."""
    live = LiveKnowledgeBase(index_dir, embedder, device=device, reranker=reranker)
    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": api.Error, "description": description} for status, description in ERRORS.items()
    }
    app = FastAPIOffline(  # FastAPI serving its Swagger UI and ReDoc assets itself: /docs works offline
        title="kb",
        version=__version__,
        description=(
            "Ask a Chinese knowledge base; answers are extractive and cited. "
            f"Questions are limited to {MAX_QUESTION_CHARS} characters; k to 1–{MAX_K}. "
            'Every error is {"error": {"code", "message", "field"}}.'
        ),
        responses=errors,
    )
    guard(app, SURFACE, allowed_hosts, token, cors_origins)
    app.mount("/static/page", StaticFiles(directory=str(PAGE)), name="page")
    _answer_errors(app)
    _question_routes(app, live)
    _index_routes(app, live)
    if token is not None:
        _declare_token(app)
    return app


def _answer_errors(app: FastAPI) -> None:
    """Every error in kb's one shape, naming the field at fault and never quoting the input."""

    @app.exception_handler(KbError)
    def _kb_error(_: Request, exc: KbError) -> JSONResponse:
        if isinstance(exc, IndexDamaged):  # the server's problem, not the question's
            return error_response(503, "index_damaged", str(exc))
        return error_response(422, "invalid_question", str(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Without the offending input: it may be NaN, a lone surrogate or 1,000 characters.
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":  # loc is (body, character offset), not a field
            problem = first.get("ctx", {}).get("error", "not JSON")
            message = f"the body is not valid JSON: {problem} at character {first['loc'][-1]}"
            return error_response(400, "invalid_json", message)
        location = [str(part) for part in first.get("loc", ()) if part != "body"]
        if not location:  # the body as a whole: empty, or not an object
            return error_response(422, "invalid_request", 'the body must be a JSON object such as {"question": "…"}')
        message = str(first.get("msg", "invalid request"))
        return error_response(422, "invalid_request", message, ".".join(location) or None)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not read the body as text (not UTF-8)
            return error_response(400, "invalid_json", "the body is not valid JSON: it is not UTF-8 text")
        return error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail))


def _question_routes(app: FastAPI, live: LiveKnowledgeBase) -> None:
    """POST /search, /ask and /ask/batch: answered in a worker thread, long questions in turn."""
    lanes = QuestionLanes()

    @app.post(
        "/search",
        summary="Ranked passages for a question",
        response_model=api.SearchResult,
        response_model_exclude_none=True,
    )
    async def search(query: api.Query) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            with live.using() as kb:
                hits = kb.search(query.question, k=query.k, mode=query.mode)
            return {"question": query.question, "passages": [h.to_dict() for h in hits]}

        async with lanes.slot(query.question):
            return await run_in_threadpool(run)

    @app.post(
        "/ask",
        summary="Cited extractive answer, same JSON as `kb ask --json`",
        response_model=api.Answer,
        response_model_exclude_none=True,  # absent, not null, as in `kb ask --json`
    )
    async def ask(
        query: api.Query, script: Literal["original", "simplified", "traditional"] = "original"
    ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            with live.using() as kb:
                answer = kb.ask(
                    query.question, k=query.k, mode=query.mode, explain=query.explain, previous=query.previous
                )
            data = shown_in_script(answer).to_dict()
            return data if script == "original" else _in_script(data, script)

        async with lanes.slot(query.question):
            return await run_in_threadpool(run)

    @app.post("/ask/batch", summary=f"Answer up to {api.MAX_BATCH} questions", response_model=api.BatchAnswers)
    async def ask_batch(batch: api.BatchQuery) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            answers: list[dict[str, Any]] = []
            with live.using() as kb:
                for question in batch.questions:
                    try:
                        answer = kb.ask(question, k=batch.k, mode=batch.mode, previous=batch.previous)
                        answers.append(shown_in_script(answer).to_dict())
                    except KbError as exc:
                        answers.append({"error": {"code": "invalid_question", "message": str(exc), "field": None}})
            return {"answers": answers}

        async with lanes.slot(max(batch.questions, key=len)):
            return await run_in_threadpool(run)


def _index_routes(app: FastAPI, live: LiveKnowledgeBase) -> None:
    """Liveness, what is served (/info), reloading it, and the page."""

    @app.get("/healthz", summary="Liveness", response_model=api.Health)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/info", summary="Manifest of the index being served, its title and example questions", response_model=api.Info
    )
    def info() -> dict[str, Any]:
        with live.using() as kb:
            title, examples = live.described(kb)
            return kb.info() | {"title": title, "examples": list(examples)}

    @app.post("/reload", summary="Load the index again now (after `kb ingest`)", response_model=api.Reloaded)
    def reload() -> dict[str, str]:
        try:
            kb = live.reload()
        except KbError as exc:
            raise HTTPException(
                status_code=503, detail=f"reload failed, still serving the previous index: {exc}"
            ) from exc
        return {"status": "ok", "version": kb.index.version}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(PAGE / "index.html")


def _declare_token(app: FastAPI) -> None:
    """The schema says the API needs the token: generated clients and /docs' Authorize send it."""
    schema = app.openapi()  # built once and cached by FastAPI; completed here
    schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    schema["security"] = [{"bearer": []}]
    schema["paths"]["/healthz"]["get"]["security"] = []


def _in_script(data: Any, script: Script) -> Any:
    """Every string of an answer shown in one script, except the question as asked, file names
    and ids."""
    if isinstance(data, str):
        return in_script(data, script)
    if isinstance(data, list):
        return [_in_script(item, script) for item in data]
    if isinstance(data, dict):
        kept = {"doc_id", "source", "label", "question"}
        return {key: value if key in kept else _in_script(value, script) for key, value in data.items()}
    return data
