"""kb as an MCP server (Model Context Protocol, the official `mcp` SDK): desktop assistants and
IDE agents call the tools `ask`, `search` and `info`, and read the documents as resources.

Tools return the same JSON as `kb ask --json` / HTTP, typed by the pydantic models of
`api_models` (so each tool has an output schema), plus, per passage, the resource URI that
opens its place: `kb://doc/<id>#L102-L107` (the lines of a text file) or `kb://doc/<id>#5209-5413`
(a span of the cleaned text). A question kb rejects is a tool error the model can read; an
unknown document is a protocol error (invalid params).

Over streamable HTTP (`kb mcp --http`) the server runs under the same limits as `kb serve`
(http_bounds.py: Host check, token, CORS, body and request limits, header deadlines).

Imported only by `kb mcp`: `kb ask` never pays for the SDK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.server.mcpserver.resources import FunctionResource
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from kb._version import __version__
from kb.answering.retrieve import MAX_K, MAX_QUESTION_CHARS
from kb.embedding.models import Embedder
from kb.errors import KbError
from kb.interfaces import api_models as api
from kb.interfaces.access import LOOPBACK_NAMES
from kb.interfaces.http_bounds import Surface, guard
from kb.interfaces.live import LiveKnowledgeBase
from kb.knowledge_base import KnowledgeBase
from kb.types import Hit, Mode

DOC_SCHEME = "kb://doc/"
# A fragment naming lines of the original file (L12, L12-L14; the en dash of labels too) or a
# span of the cleaned text (5209-5413, the `start`/`end` of the JSON contract).
LINES = re.compile(r"L(\d+)(?:[-–]L?(\d+))?")
SPAN = re.compile(r"(\d+)-(\d+)")

Question = Annotated[
    str, Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question, in Chinese (either script).")
]
PassageCount = Annotated[int, Field(ge=1, le=MAX_K, description="Number of passages.")]
Ranker = Annotated[Mode, Field(description="hybrid (fused, default), dense (embeddings) or bm25 (words).")]
MCP_PATH = "/mcp"
# Only liveness is open without a token; a page on an allowed origin may hold a session
# (the SDK's session and protocol headers) and close it (DELETE).
SURFACE = Surface(
    open_paths=frozenset({"/healthz"}),
    methods=("GET", "POST", "DELETE"),
    headers=("authorization", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id"),
    exposed_headers=("mcp-session-id",),
)


class LinkedPassage(api.Passage):
    uri: str = Field(description="The resource holding the passage's place: kb://doc/<id>#L12-L14 or #start-end.")


class Passages(BaseModel):
    question: str
    passages: list[LinkedPassage]


def doc_uri(doc_id: str, fragment: str = "") -> str:
    """The resource URI of a document (percent-encoded: ids may hold any character)."""
    return DOC_SCHEME + quote(doc_id, safe="") + (f"#{fragment}" if fragment else "")


def passage_uri(hit: Hit) -> str:
    """Lines of the original file when the index records them, else the cleaned span."""
    passage = hit.passage
    label = passage.location.label if passage.location else ""
    if match := LINES.fullmatch(label):
        first, last = match.group(1), match.group(2)
        return doc_uri(passage.doc_id, f"L{first}-L{last}" if last else f"L{first}")
    return doc_uri(passage.doc_id, f"{passage.start}-{passage.end}")


def document_text(kb: KnowledgeBase, doc_id: str, fragment: str = "") -> str:
    """A document's cleaned text, or the part a fragment names; ResourceNotFoundError for an
    unknown document or a fragment outside it."""
    texts = {doc.doc_id: doc.text for doc in kb.index.documents()}
    if doc_id not in texts:
        raise ResourceNotFoundError(f"no document {doc_id!r} in this index")
    text = texts[doc_id]
    if not fragment:
        return text
    if span := SPAN.fullmatch(fragment):
        start, end = int(span.group(1)), int(span.group(2))
    elif lines := LINES.fullmatch(fragment):
        first = int(lines.group(1))
        start, end = _line_span(kb, doc_id, len(text), first, int(lines.group(2) or first))
    else:
        raise ResourceNotFoundError(f"fragment {fragment!r} is neither L12-L14 (lines) nor 5209-5413 (a span)")
    if not 0 <= start < end <= len(text):
        raise ResourceNotFoundError(f"#{fragment} is outside document {doc_id!r} ({len(text)} characters)")
    return text[start:end]


def _line_span(kb: KnowledgeBase, doc_id: str, length: int, first: int, last: int) -> tuple[int, int]:
    """The cleaned characters that come from lines first..last of the original file. The index
    maps cleaned offsets to original lines (monotonically), so two binary searches invert it."""

    def line_of(offset: int) -> int:
        location = kb.index.locate(doc_id, offset, offset + 1)
        match = LINES.fullmatch(location.label) if location else None
        if match is None:
            raise ResourceNotFoundError(f"document {doc_id!r} has no line numbers; use #start-end")
        return int(match.group(1))

    def first_offset(at_least: Callable[[int], bool]) -> int:
        low, high = 0, length
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if at_least(middle) else (middle + 1, high)
        return low

    return first_offset(lambda o: line_of(o) >= first), first_offset(lambda o: line_of(o) > last)


def create_mcp_server(location: str | Path, embedder: Embedder | None = None) -> MCPServer:
    """The MCP server answering from one index (reloaded when `kb ingest` replaces it)."""
    live = LiveKnowledgeBase(location, embedder)
    server: MCPServer = MCPServer(
        name="kb",
        version=__version__,
        log_level="WARNING",  # stderr stays quiet: a client shows it as the server's log
        instructions=(
            "A Chinese knowledge base with extractive, cited answers. `ask` answers a question (each "
            "sentence ends in [n], the rank of the passage it quotes; comparisons get a contrast table); "
            "`search` returns ranked passages with their place; read kb://doc/<id>#L12-L14 for the context."
        ),
    )
    _add_tools(server, live)
    _add_resources(server, live)
    return server


def http_app(
    server: MCPServer,
    allowed_hosts: Sequence[str] = LOOPBACK_NAMES,
    token: str | None = None,
    cors_origins: Sequence[str] = (),
) -> Starlette:
    """The server over streamable HTTP at /mcp, with GET /healthz, under kb's HTTP limits
    (http_bounds.guard). The SDK's own Host check is off: kb's answers for the names given
    (the SDK's knows only loopback ones, and answers in another shape)."""
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app.add_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    guard(app, SURFACE, allowed_hosts, token, cors_origins)
    return app


def _add_tools(server: MCPServer, live: LiveKnowledgeBase) -> None:
    """ask, search and info: typed results, a question kb rejects as a tool error."""

    def answered(run: Callable[[KnowledgeBase], Any]) -> Any:
        try:
            with live.using() as kb:
                return run(kb)
        except KbError as exc:  # the question's fault or a damaged index: words for the model
            raise ToolError(str(exc)) from exc

    @server.tool(title="Ask the knowledge base")
    def ask(question: Question, k: PassageCount = 5, mode: Ranker = "hybrid") -> api.Answer:
        """Answer a question with sentences quoted verbatim from the knowledge base, each cited [n]
        (n = rank in `passages`); a comparison (「A和B的区别」) also gets `contrast`, a table of
        aspects with a cited cell per side. `found` is false when the knowledge base holds no answer."""
        return api.Answer.model_validate(answered(lambda kb: kb.ask(question, k=k, mode=mode).to_dict()))

    @server.tool(title="Search the knowledge base")
    def search(question: Question, k: PassageCount = 5, mode: Ranker = "hybrid") -> Passages:
        """The passages that best match a question, ranked, each with its file, place (lines, page,
        slide or section) and the resource URI that opens it."""
        hits = answered(lambda kb: kb.search(question, k=k, mode=mode))
        linked = [LinkedPassage.model_validate(hit.to_dict() | {"uri": passage_uri(hit)}) for hit in hits]
        return Passages(question=question, passages=linked)

    @server.tool(title="Describe the knowledge base")
    def info() -> api.Info:
        """The index being answered from: its title, example questions, model, document and passage
        counts, sources, profile."""

        def described(kb: KnowledgeBase) -> dict[str, Any]:
            title, examples = live.described(kb)
            return kb.info() | {"title": title, "examples": list(examples)}

        return api.Info.model_validate(answered(described))


def _add_resources(server: MCPServer, live: LiveKnowledgeBase) -> None:
    """Each document as a listed resource, and templates for a document or a part of one."""

    def read_document(doc_id: str, fragment: str = "") -> str:
        with live.using() as kb:
            return document_text(kb, doc_id, fragment)

    with live.using() as kb:
        documents = kb.index.documents()
    for doc in documents:
        server.add_resource(
            FunctionResource.from_function(
                fn=lambda doc_id=doc.doc_id: read_document(doc_id),
                uri=doc_uri(doc.doc_id),
                name=doc.doc_id,
                title=doc.title,
                description=f"{doc.title} ({doc.source}), cleaned text",
            )
        )

    @server.resource(f"{DOC_SCHEME}{{doc_id}}{{#fragment}}", name="passage", mime_type="text/plain")
    def document_part(doc_id: str, fragment: str) -> str:
        """Part of a document: #L12-L14 (lines of the original file) or #5209-5413 (cleaned span)."""
        return read_document(doc_id, fragment)

    @server.resource(f"{DOC_SCHEME}{{doc_id}}", name="document", mime_type="text/plain")
    def document(doc_id: str) -> str:
        """A whole document's cleaned text (also for documents added since the server started)."""
        return read_document(doc_id)
