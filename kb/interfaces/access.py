"""Who may use a kb HTTP server (`kb serve`, `kb mcp --http`) that leaves loopback: a bearer
token, checked on every request that reads or changes the knowledge base.

A server bound to loopback is reachable only from this machine (and the Host check keeps web
pages out); one bound to another address is reachable by anyone on the network, so it does not
start without a token. The page, the API docs and /healthz hold no knowledge-base data and stay
open, so a browser can load the page and then ask for the token; everything else needs
`Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import KbError

MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = ("localhost", "127.0.0.1")
ALL_INTERFACES = ("0.0.0.0", "::")
# Paths of `kb serve` answered without a token: liveness, and static content that holds no index data.
OPEN_PATHS = frozenset({"/healthz", "/", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
OPEN_PREFIXES = ("/static/page/", "/static-offline-docs/")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Reject = Callable[[], Callable[[Scope, Receive, Send], Awaitable[None]]]


def is_loopback(host: str) -> bool:
    """Whether an address to listen on is reachable only from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def read_token(token_file: Path | None) -> str | None:
    """The token from --token-file (its first line), else $KB_TOKEN, else None; KbError for an
    unreadable file or a token too short to resist guessing."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise KbError(f"cannot read the token file {token_file}: {exc}") from exc
    else:
        token = os.environ.get("KB_TOKEN", "").strip()
        if not token:
            return None
    if len(token) < MIN_TOKEN_CHARS or not token.isascii() or any(c.isspace() for c in token):
        raise KbError(
            f"the token must be at least {MIN_TOKEN_CHARS} printable ASCII characters without spaces; "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    return token


@dataclass(frozen=True)
class Exposure:
    """Whom a server started on `host` answers: the Host names it accepts, the token it needs
    (None: none), and a warning to print when it answers any Host."""

    allowed_hosts: list[str]
    token: str | None
    warning: str | None = None


def exposure(host: str, allow_hosts: Sequence[str], token_file: Path | None) -> Exposure:
    """What `--host`, `--allow-host` and `--token-file` (or KB_TOKEN) ask for; KbError for an
    address other than loopback without a token, before anything is loaded."""
    token = read_token(token_file)
    if token is None and not is_loopback(host):
        raise KbError(
            f"--host {host} is reachable from other machines: give a token with --token-file FILE or KB_TOKEN"
        )
    if host in ALL_INTERFACES and not allow_hosts:
        warning = "Warning: any Host header is accepted on all interfaces; restrict it with --allow-host NAME"
        return Exposure(["*"], token, warning)
    return Exposure([*LOOPBACK_NAMES, host, *allow_hosts], token)


class TokenCheck:
    """ASGI middleware: requests outside `open_paths` (and `open_prefixes`) need
    `Authorization: Bearer <token>`, compared in constant time; others get `reject()`'s
    response (401 in kb's error shape)."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        token: str,
        reject: Reject,
        open_paths: frozenset[str],
        open_prefixes: tuple[str, ...],
    ) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode("ascii")
        self.reject = reject
        self.open_paths = open_paths
        self.open_prefixes = open_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path not in self.open_paths and not path.startswith(self.open_prefixes):
            given = next((value for name, value in scope.get("headers") or [] if name == b"authorization"), b"")
            if not hmac.compare_digest(given, self.expected):
                await self.reject()(scope, receive, send)
                return
        await self.app(scope, receive, send)
