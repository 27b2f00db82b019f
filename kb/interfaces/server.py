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
import re
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.protocols.http.h11_impl import H11Protocol

from kb._version import __version__
from kb.answering.retrieve import MAX_K, MAX_QUESTION_CHARS
from kb.embedding.models import CPU, Embedder
from kb.errors import IndexDamaged, KbError
from kb.interfaces import api_models as api
from kb.interfaces.access import TokenCheck
from kb.interfaces.examples import describe
from kb.interfaces.script_display import shown_in_script
from kb.knowledge_base import KnowledgeBase
from kb.language.text import Script, in_script

POINTER_CHECK_SECONDS = 1.0
LONG_QUESTION_CHARS = 200  # questions longer than this take the long-question lane
HEADER_SECONDS = 5.0  # to send a request's headers, on a new or a kept-alive connection
MAX_WAITING_HEADS = 256  # connections open without a complete request head; past it the oldest is closed
PROMPT_HEAD_SECONDS = 1.0  # a client with a request sends its head within this
MAX_REQUESTS = 100  # requests in flight; past it 503
LOOPBACK_NAMES = ("localhost", "127.0.0.1")
MAX_BODY_BYTES = 1 << 20  # a full batch of 1,000-character questions, \u-escaped, is ≈ 250 KB
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
_HOST = re.compile(r"(?:(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])(?::\d{1,5})?")
PAGE = Path(__file__).parent / "web"  # the page for trainees: plain HTML, CSS and JS


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


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, keeping capacity for complete requests.

    A connection that has not sent a complete request head within HEADER_SECONDS of opening
    (or of its last response) is closed: uvicorn only times out idle kept-alive connections,
    and any byte resets that. An attacker who reopens each closed connection at once still
    keeps hundreds waiting, so past MAX_WAITING_HEADS each new connection closes the one
    waiting longest, if that one has had PROMPT_HEAD_SECONDS to send its head (a client with
    a request sends it at once; closing the newest would close legitimate ones while the
    attackers churn). Only requests whose head is complete count against MAX_REQUESTS
    (InFlightLimit): uvicorn's own limit_concurrency also counts open connections, so 300
    trickling ones made 89 of 90 legitimate requests fail with 503."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._deadline = self.loop.call_later(HEADER_SECONDS, self._close_if_waiting)
        waiting = [c for c in self.connections if isinstance(c, HeaderDeadlineProtocol) and c.waiting_for_head()]
        if len(waiting) > MAX_WAITING_HEADS:
            oldest = min(waiting, key=lambda c: c._deadline.when())
            if oldest._deadline.when() - HEADER_SECONDS <= self.loop.time() - PROMPT_HEAD_SECONDS:
                oldest.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._deadline.cancel()
        self._deadline = self.loop.call_later(HEADER_SECONDS, self._close_if_waiting)

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline.cancel()
        super().connection_lost(exc)

    def waiting_for_head(self) -> bool:
        """Open, and no request being answered: its next head has not arrived."""
        idle = self.cycle is None or self.cycle.response_complete
        return idle and not self.transport.is_closing()

    def _close_if_waiting(self) -> None:
        if self.waiting_for_head():
            self.transport.close()


class InFlightLimit:
    """Answer 503 (in kb's error shape) past MAX_REQUESTS requests in flight (ASGI middleware).
    A request reaches the app only once its head is complete, so connections that trickle
    bytes never take a place."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.in_flight = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= MAX_REQUESTS:
            await _error(503, "unavailable", "the server is answering too many requests; try again")(
                scope, receive, send
            )
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """How `kb serve` runs the app: header deadlines and bounds above (HeaderDeadlineProtocol),
    the request limit in the app (InFlightLimit) rather than uvicorn's."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", http=HeaderDeadlineProtocol)


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


def host_name(host: str) -> str | None:
    """The name in a Host header (RFC 9110: a name, an IPv4 address or a bracketed IPv6 one,
    then an optional :port), lowercased; None for anything else. `localhost:8765@evil.com` is
    not a Host with the name localhost: taking what stands before the last colon would say so."""
    match = _HOST.fullmatch(host)
    return None if match is None else (match["name"] or match["ipv6"]).lower()


class HostCheck:
    """Answer only requests whose Host header names this server (ASGI middleware). A web page
    on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own
    name, and gets 400 in kb's error shape."""

    def __init__(self, app: Any, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.allowed = [host.lower().strip("[]") for host in allowed_hosts]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.allowed:
            headers = dict(scope.get("headers") or [])
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if name is None or not any(
                name == allowed or (allowed.startswith("*.") and name.endswith(allowed[1:])) for allowed in self.allowed
            ):
                response = _error(400, "host_not_allowed", "this server does not answer for that Host name")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over MAX_BODY_BYTES (413 in kb's error shape) before they are read
    whole: by their Content-Length, or, when chunked, as soon as the running count passes it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            await _too_large()(scope, receive, send)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise HTTPException(status_code=413, detail=f"the body is over {MAX_BODY_BYTES} bytes")
            return message

        await self.app(scope, counted, send)


def _too_large() -> JSONResponse:
    return _error(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes")


def _unauthorized() -> JSONResponse:
    response = _error(401, "unauthorized", "this server needs Authorization: Bearer <token>")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """Every error response: {"error": {"code", "message", "field"}} (never the question)."""
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message, "field": field}})


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
    if token is not None:  # innermost: a 401 still gets the CORS headers a page needs to read it
        app.add_middleware(TokenCheck, token=token, reject=_unauthorized)
    if cors_origins:  # preflights from these origins only; others get no CORS headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    app.add_middleware(BodyLimit)
    app.add_middleware(HostCheck, allowed_hosts=list(allowed_hosts))
    app.add_middleware(InFlightLimit)  # outermost: a request over the limit costs nothing more
    app.mount("/static/page", StaticFiles(directory=str(PAGE)), name="page")

    @app.exception_handler(KbError)
    def _kb_error(_: Request, exc: KbError) -> JSONResponse:
        if isinstance(exc, IndexDamaged):  # the server's problem, not the question's
            return _error(503, "index_damaged", str(exc))
        return _error(422, "invalid_question", str(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Without the offending input: it may be NaN, a lone surrogate or 1,000 characters.
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":  # loc is (body, character offset), not a field
            problem = first.get("ctx", {}).get("error", "not JSON")
            return _error(400, "invalid_json", f"the body is not valid JSON: {problem} at character {first['loc'][-1]}")
        location = [str(part) for part in first.get("loc", ()) if part != "body"]
        if not location:  # the body as a whole: empty, or not an object
            return _error(422, "invalid_request", 'the body must be a JSON object such as {"question": "…"}')
        return _error(422, "invalid_request", str(first.get("msg", "invalid request")), ".".join(location) or None)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not read the body as text (not UTF-8)
            return _error(400, "invalid_json", "the body is not valid JSON: it is not UTF-8 text")
        return _error(exc.status_code, HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail))

    lanes = QuestionLanes()

    def shown(data: dict[str, Any], script: str) -> dict[str, Any]:
        return data if script == "original" else _in_script(data, script)  # type: ignore[arg-type]

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
            return shown(shown_in_script(answer).to_dict(), script)

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

    if token is not None:  # the schema says so: generated clients and /docs' Authorize send it
        schema = app.openapi()  # built once and cached by FastAPI; completed here
        schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        schema["security"] = [{"bearer": []}]
        schema["paths"]["/healthz"]["get"]["security"] = []
    return app


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
