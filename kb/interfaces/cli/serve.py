"""`kb serve` (HTTP) and `kb mcp` (MCP clients): the index as a service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from kb.interfaces.cli.options import DEVICE_OPTION, RERANKER_OPTION, index_location


def _http_options(port: int, port_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--host, --port, --allow-host, --token-file and --cors-origin: where an HTTP server listens
    and whom it answers (access.exposure)."""
    options = [
        click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
        click.option("--port", default=port, show_default=True, type=click.IntRange(1, 65535), help=port_help),
        click.option(
            "--allow-host",
            "allow_hosts",
            multiple=True,
            help="A Host name clients use to reach the server (repeatable; '*.example.com' patterns). "
            "Default: localhost, 127.0.0.1 and the --host address.",
        ),
        click.option(
            "--token-file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="File holding the token clients must send as `Authorization: Bearer …` (or set KB_TOKEN). "
            "Required on an address other than loopback.",
        ),
        click.option(
            "--cors-origin",
            "cors_origins",
            multiple=True,
            metavar="ORIGIN",
            help="A web origin whose pages may call the API (repeatable), e.g. https://intranet.example.com.",
        ),
    ]

    def decorated(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorated


@click.command()
@index_location
@_http_options(8000, "Port to listen on.")
@DEVICE_OPTION
@RERANKER_OPTION
def serve(
    index_dir: Path | str,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token_file: Path | None,
    cors_origins: tuple[str, ...],
    device: str,
    reranker: str | None,
) -> None:
    """Serve the index over HTTP (OpenAPI docs at /docs).

    \b
    POST /ask     {"question": "营销和销售的区别", "k": 5, "mode": "hybrid"} → kb ask --json
    POST /search  same body → {"question", "passages"}
    GET  /healthz, GET /info, POST /reload (after kb ingest; also picked up automatically)

    Requests naming another Host get 400 (a web page cannot reach the server through DNS
    rebinding); on --host 0.0.0.0, give the names clients use with --allow-host.

    On an address other than loopback the server needs a token (--token-file or KB_TOKEN): every
    request but /healthz, the page and the docs must send it; the page asks for it once.
    """
    import uvicorn

    from kb.interfaces.access import exposure
    from kb.interfaces.http_bounds import server_config
    from kb.interfaces.server import create_app

    exposed = exposure(host, allow_hosts, token_file)
    if exposed.warning:
        click.echo(exposed.warning, err=True)
    app = create_app(
        index_dir,
        allowed_hosts=exposed.allowed_hosts,
        token=exposed.token,
        cors_origins=cors_origins,
        device=device,
        reranker=reranker,
    )
    click.echo(f"Serving {index_dir} on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.Server(server_config(app, host, port)).run()


@click.command()
@index_location
@click.option("--http", is_flag=True, help="Serve streamable HTTP (at /mcp) instead of stdio.")
@_http_options(8765, "Port for --http.")
def mcp(
    index_dir: Path | str,
    http: bool,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token_file: Path | None,
    cors_origins: tuple[str, ...],
) -> None:
    """Serve the index to MCP clients (desktop assistants, IDE agents) over stdio.

    \b
    Tools:     ask (cited answer + contrast table), search (passages), info
    Resources: kb://doc/<id> (a document), kb://doc/<id>#L12-L14 (its lines)

    A client starts it as a command: {"command": "kb", "args": ["mcp", "--index", "/path/to/index"]}.

    With --http it runs under the limits of kb serve: requests naming another Host get 400, and
    on an address other than loopback it needs a token (--token-file or KB_TOKEN) on every
    request but /healthz. --host, --port, --allow-host, --token-file and --cors-origin are for --http.
    """
    from kb.interfaces.access import exposure
    from kb.interfaces.mcp_server import create_mcp_server

    exposed = exposure(host, allow_hosts, token_file) if http else None  # refused before the index loads
    server = create_mcp_server(index_dir)
    if exposed is None:
        server.run("stdio")
        return
    import uvicorn

    from kb.interfaces.http_bounds import server_config
    from kb.interfaces.mcp_server import http_app

    if exposed.warning:
        click.echo(exposed.warning, err=True)
    app = http_app(server, exposed.allowed_hosts, exposed.token, cors_origins)
    click.echo(f"Serving {index_dir} to MCP clients on http://{host}:{port}/mcp", err=True)
    uvicorn.Server(server_config(app, host, port)).run()
