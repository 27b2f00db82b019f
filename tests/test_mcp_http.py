"""`kb mcp --http` runs under the limits of `kb serve` (issue 25): room for complete requests
under a slowloris, 503 past the requests in flight, 413 before an oversized body is read, the
Host check, the token (and no start beyond loopback without one), CORS for listed origins only;
and an MCP client still works through all of them. Every server is on loopback, in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

import httpx
import httpx2
import pytest
from click.testing import CliRunner
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.testclient import TestClient

import kb.interfaces.http_bounds
from kb.interfaces.cli import main
from kb.interfaces.http_bounds import MAX_BODY_BYTES, server_config
from kb.interfaces.mcp_server import create_mcp_server, http_app
from tests.helpers import served_in_thread
from tests.slowloris import slowloris

TOKEN = "s3cret-token-for-the-tests-only"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
INITIALIZE = (
    b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", '
    b'"capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}'
)
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server(stub_index):
    index, embedder = stub_index
    return create_mcp_server(index, embedder)


def _served(server, **guards: Any) -> contextlib.AbstractContextManager[int]:
    """The server over HTTP as `kb mcp --http` runs it (server_config), in a thread; its port."""
    return served_in_thread(lambda port: server_config(http_app(server, **guards), "127.0.0.1", port))


def _search(port: int, headers: dict[str, str]) -> Any:
    """A search through the SDK's own client (session, SSE and all), sending `headers`."""

    async def run() -> Any:
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async with Client(streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)) as client:
                return await client.call_tool("search", {"question": "销售漏斗", "k": 1, "mode": "bm25"})

    return asyncio.run(run())


def test_a_client_with_the_token_is_answered_and_one_without_is_refused(server):
    with _served(server, token=TOKEN) as port:
        found = _search(port, AUTH)
        base = f"http://127.0.0.1:{port}"
        refused = [
            httpx.post(f"{base}/mcp", content=INITIALIZE, headers=MCP_HEADERS | extra, timeout=10)
            for extra in ({}, {"Authorization": "Bearer wrong-token-of-some-length"}, {"Authorization": TOKEN})
        ]
        health = httpx.get(f"{base}/healthz", timeout=10)
    assert not found.is_error and "漏斗" in found.structured_content["passages"][0]["text"]
    for response in refused:
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert health.status_code == 200 and health.json() == {"status": "ok"}  # liveness stays open


def test_slowloris_with_reconnects_leaves_room_for_complete_requests(server):
    with _served(server) as port:
        outcome = slowloris(port, attackers=300, requests=30, seconds=10.0)
    assert outcome.attacker_connections > 300  # the server closed and the attackers reopened
    assert (outcome.answered, outcome.refused) == (30, 0)


def test_requests_past_the_limit_in_flight_get_503_in_the_error_shape(server, monkeypatch):
    client = TestClient(http_app(server, allowed_hosts=["testserver"]))
    assert client.get("/healthz").status_code == 200
    monkeypatch.setattr(kb.interfaces.http_bounds, "MAX_REQUESTS", 0)  # every place taken
    response = client.post("/mcp", content=INITIALIZE, headers=MCP_HEADERS)
    assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"


def _status_before_body(port: int, head: bytes, body: list[bytes]) -> bytes:
    """Send a head and as much body as the server takes; the status line it answers with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head)
        with contextlib.suppress(OSError):
            for chunk in body:
                connection.sendall(chunk)
        return connection.recv(4096).split(b"\r\n")[0]


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_body_is_refused_before_it_is_read(server, chunked):
    piece = b"x" * 65536
    head = b"POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    head += b"Accept: application/json, text/event-stream\r\n"
    if chunked:  # 1.5 MB of chunks, never terminated: the answer cannot wait for the end
        head += b"Transfer-Encoding: chunked\r\n\r\n"
        body = [b"%x\r\n%s\r\n" % (len(piece), piece)] * (MAX_BODY_BYTES * 3 // 2 // len(piece))
    else:
        head += b"Content-Length: 500000000\r\n\r\n"
        body = [piece]  # of 500 MB announced
    with _served(server) as port:
        assert _status_before_body(port, head, body) == b"HTTP/1.1 413 Request Entity Too Large"


@pytest.mark.parametrize("host", ["evil.example", "localhost:8765@evil.com", "localhost:x"])
def test_a_host_this_server_does_not_answer_for_is_refused(server, host):
    client = TestClient(http_app(server), base_url="http://localhost:8765")
    assert client.get("/healthz").status_code == 200
    response = client.post("/mcp", content=INITIALIZE, headers=MCP_HEADERS | {"Host": host})
    assert response.status_code == 400 and response.json()["error"]["code"] == "host_not_allowed"


def test_an_allowed_host_is_answered_beyond_the_loopback_names(server):
    client = TestClient(http_app(server, allowed_hosts=["kb.example.com"]), base_url="http://kb.example.com")
    assert client.get("/healthz").status_code == 200


def test_preflights_are_answered_for_listed_origins_only(server):
    client = TestClient(
        http_app(server, allowed_hosts=["testserver"], token=TOKEN, cors_origins=["https://tools.example"])
    )
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,mcp-session-id",
    }
    allowed = client.options("/mcp", headers={"Origin": "https://tools.example", **preflight})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://tools.example"
    assert "mcp-session-id" in allowed.headers["access-control-allow-headers"].lower()
    denied = client.options("/mcp", headers={"Origin": "https://evil.example", **preflight})
    assert denied.status_code != 200 and "access-control-allow-origin" not in denied.headers
    refused = client.post("/mcp", content=INITIALIZE, headers=MCP_HEADERS | {"Origin": "https://tools.example"})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "https://tools.example"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "kb.example.com"])
def test_serving_beyond_loopback_is_refused_without_a_token(stub_index, host, monkeypatch):
    monkeypatch.delenv("KB_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["mcp", "--http", "--index", str(stub_index[0]), "--host", host])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "--token-file" in result.output and result.output.count("\n") == 1


def test_a_short_or_unreadable_token_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_TOKEN", "short")
    result = CliRunner().invoke(main, ["mcp", "--http", "--index", str(tmp_path / "none"), "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "at least 16" in result.output
    monkeypatch.delenv("KB_TOKEN")
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(main, ["mcp", "--http", "--index", str(tmp_path), "--token-file", str(missing)])
    assert result.exit_code == 1 and "missing.txt" in result.output
