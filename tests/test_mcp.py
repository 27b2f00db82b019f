"""`kb mcp`: an MCP client (the official SDK's own) starts the server as a desktop assistant
would, as a subprocess over stdio, and uses every tool and resource (real model index)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from tests.conftest import ROOT
from tests.helpers import free_port

pytestmark = pytest.mark.model


def _environment() -> dict[str, str]:
    """The child imports this checkout's kb and uses this test run's cache."""
    keep = ("XDG_CACHE_HOME", "HOME", "PATH")
    return {name: os.environ[name] for name in keep if name in os.environ} | {"PYTHONPATH": str(ROOT)}


def _session(index: Path, use: Callable[[Client], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        parameters = StdioServerParameters(
            command=sys.executable, args=["-m", "kb", "mcp", "--index", str(index)], env=_environment()
        )
        async with Client(parameters, read_timeout_seconds=60) as client:
            return await use(client)

    return asyncio.run(run())


def test_tools_are_listed_with_typed_schemas(real_index):
    tools = {tool.name: tool for tool in _session(real_index, lambda c: c.list_tools()).tools}
    assert set(tools) == {"ask", "search", "info"}
    question = tools["ask"].input_schema["properties"]["question"]
    assert question["type"] == "string" and question["maxLength"] == 1000
    assert tools["ask"].input_schema["properties"]["mode"]["enum"] == ["hybrid", "dense", "bm25"]
    assert tools["ask"].input_schema["required"] == ["question"]
    for tool in tools.values():  # each result is typed too, not free text
        assert tool.output_schema and tool.output_schema["type"] == "object"
    assert {"answer", "sentences", "passages", "contrast"} <= set(tools["ask"].output_schema["properties"])


def test_ask_answers_the_comparison_with_its_table_and_citations(real_index):
    result = _session(real_index, lambda c: c.call_tool("ask", {"question": "营销和销售的区别"}))
    assert not result.is_error
    answer = result.structured_content
    assert answer["found"] and re.search(r"\[\d+\]", answer["answer"])
    assert answer["contrast"]["sides"] == ["营销", "销售"] and len(answer["contrast"]["rows"]) >= 3
    ranks = {p["rank"] for p in answer["passages"]}
    for row in answer["contrast"]["rows"]:
        for cell in row["cells"]:
            assert set(cell["citations"]) <= ranks
            cited = answer["passages"][cell["citations"][0] - 1]
            assert cited["doc_id"] == cell["doc_id"] and cited["start"] <= cell["start"] < cell["end"] <= cited["end"]
    assert json.loads(result.content[0].text) == answer  # clients that read only text get the same


def test_search_passages_open_as_resources_at_their_lines(real_index):
    async def use(client: Client) -> tuple[Any, list[str], list[str]]:
        found = await client.call_tool("search", {"question": "销售漏斗", "k": 3, "mode": "bm25"})
        texts = []
        for passage in found.structured_content["passages"]:
            contents = await client.read_resource(passage["uri"])
            texts.append(contents.contents[0].text)
        listed = [str(resource.uri) for resource in (await client.list_resources()).resources]
        return found.structured_content, texts, listed

    found, texts, listed = _session(real_index, use)
    assert [p["rank"] for p in found["passages"]] == [1, 2, 3]
    for passage, text in zip(found["passages"], texts):
        assert passage["uri"].startswith(f"kb://doc/{passage['doc_id']}#L")
        assert passage["text"] in text  # the lines a citation names hold the quoted passage
    assert "kb://doc/02_marketing_vs_sales_meaning" in listed and len(listed) == 5


def test_a_whole_document_and_a_cleaned_span(real_index):
    async def use(client: Client) -> tuple[str, str, Any]:
        whole = await client.read_resource("kb://doc/02_marketing_vs_sales_meaning")
        span = await client.read_resource("kb://doc/02_marketing_vs_sales_meaning#5209-5413")
        info = await client.call_tool("info", {})
        return whole.contents[0].text, span.contents[0].text, info.structured_content

    whole, span, info = _session(real_index, use)
    assert span == whole[5209:5413] and span.startswith("营销与销售的区别与联系")
    assert info["counts"]["documents"] == 5 and info["model"]["name"] == "e5-small"


def test_errors_are_mcp_errors(real_index):
    async def use(client: Client) -> tuple[Any, Any, list[MCPError]]:
        rejected = await client.call_tool("ask", {"question": "？？？"})
        invalid = await client.call_tool("search", {"question": "营销", "k": 0})
        errors = []
        for uri in ("kb://doc/no_such_document", "kb://doc/02_marketing_vs_sales_meaning#99999999-99999999"):
            try:
                await client.read_resource(uri)
            except MCPError as exc:
                errors.append(exc)
        return rejected, invalid, errors

    rejected, invalid, errors = _session(real_index, use)
    assert rejected.is_error and "punctuation" in rejected.content[0].text  # the model reads why
    assert invalid.is_error and "k" in invalid.content[0].text
    assert len(errors) == 2 and all(error.error.code == -32602 for error in errors)  # invalid params
    assert "no_such_document" in str(errors[0])


def test_streamable_http_serves_the_same_tools(real_index):
    port = free_port()
    command = [sys.executable, "-m", "kb", "mcp", "--http", "--port", str(port), "--index", str(real_index)]
    process = subprocess.Popen(command, env=_environment(), stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        # kb serve's limits hold here too (tests/test_mcp_http.py tests each): the Host check, for one
        rebound = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "evil.example"}, timeout=10)
        assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "host_not_allowed"

        async def run() -> Any:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                return await client.call_tool("search", {"question": "销售漏斗", "k": 1})

        result = asyncio.run(run())
        assert not result.is_error and "漏斗" in result.structured_content["passages"][0]["text"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_missing_index_is_a_one_line_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kb", "mcp", "--index", str(tmp_path / "none")],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1 and result.stdout == ""  # stdout is the protocol's: nothing else there
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1 and "none" in result.stderr
