"""The limits every kb HTTP server runs under (`kb serve` and `kb mcp --http`), whatever it
answers: one copy, so a fix to one is a fix to both.

Exposure is bounded: only the Host names the server was started for are answered (a web page
elsewhere cannot reach a loopback server through DNS rebinding), a connection that has not
sent a request's headers within HEADER_SECONDS is closed, at most MAX_REQUESTS requests run at
once, bodies over MAX_BODY_BYTES are refused before they are read, and with a token every
request outside the app's open paths needs it (access.py). Refusals are in kb's error shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from uvicorn.protocols.http.h11_impl import H11Protocol

from kb.interfaces.access import TokenCheck

HEADER_SECONDS = 5.0  # to send a request's headers, on a new or a kept-alive connection
MAX_WAITING_HEADS = 256  # connections open without a complete request head; past it the oldest is closed
PROMPT_HEAD_SECONDS = 1.0  # a client with a request sends its head within this
MAX_REQUESTS = 100  # requests in flight; past it 503
MAX_BODY_BYTES = 1 << 20  # a full batch of 1,000-character questions, \u-escaped, is ≈ 250 KB
_HOST = re.compile(r"(?:(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])(?::\d{1,5})?")


@dataclass(frozen=True)
class Surface:
    """What the guards need to know of the app behind them: the paths that hold no knowledge-base
    data (open without a token), and what a page on an allowed origin may send and read."""

    open_paths: frozenset[str]
    open_prefixes: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("GET", "POST")
    headers: tuple[str, ...] = ("authorization", "content-type")
    exposed_headers: tuple[str, ...] = ()


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """Every error response: {"error": {"code", "message", "field"}} (never the question)."""
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message, "field": field}})


def too_large() -> JSONResponse:
    return error_response(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes")


def unauthorized() -> JSONResponse:
    response = error_response(401, "unauthorized", "this server needs Authorization: Bearer <token>")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


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
            refusal = error_response(503, "unavailable", "the server is answering too many requests; try again")
            await refusal(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


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
                response = error_response(400, "host_not_allowed", "this server does not answer for that Host name")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over MAX_BODY_BYTES (413 in kb's error shape) before they are read
    whole: by their Content-Length, or, when chunked, as soon as the running count passes it.
    The body (at most MAX_BODY_BYTES) is gathered before the app runs, so the refusal never
    depends on how the app reads it: an app that turns a failing read into a 500 still gets none."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            await too_large()(scope, receive, send)
            return
        parts: list[bytes] = []
        received = 0
        message = await receive()
        while message["type"] == "http.request":
            parts.append(message.get("body", b""))
            received += len(parts[-1])
            if received > MAX_BODY_BYTES:
                await too_large()(scope, receive, send)
                return
            if not message.get("more_body", False):
                message = {"type": "http.request", "body": b"".join(parts), "more_body": False}
                break
            message = await receive()
        pending = [message]  # the whole body, or the disconnect that cut it short

        async def replayed() -> Any:
            return pending.pop() if pending else await receive()

        await self.app(scope, replayed, send)


def guard(
    app: Starlette,
    surface: Surface,
    allowed_hosts: Sequence[str],
    token: str | None = None,
    cors_origins: Sequence[str] = (),
) -> None:
    """Put the limits around `app`, outermost first: the request limit (a request over it costs
    nothing more), the Host check, the body limit, CORS for `cors_origins` only, and the token
    innermost (a 401 still gets the CORS headers a page needs to read it)."""
    if token is not None:
        app.add_middleware(
            TokenCheck,
            token=token,
            reject=unauthorized,
            open_paths=surface.open_paths,
            open_prefixes=surface.open_prefixes,
        )
    if cors_origins:  # preflights from these origins only; others get no CORS headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=list(surface.methods),
            allow_headers=list(surface.headers),
            expose_headers=list(surface.exposed_headers),
        )
    app.add_middleware(BodyLimit)
    app.add_middleware(HostCheck, allowed_hosts=list(allowed_hosts))
    app.add_middleware(InFlightLimit)


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """How kb runs an HTTP app: header deadlines and bounds above (HeaderDeadlineProtocol),
    the request limit in the app (InFlightLimit, see guard) rather than uvicorn's."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", http=HeaderDeadlineProtocol)
