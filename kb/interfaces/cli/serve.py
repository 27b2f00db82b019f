"""`kb serve` (HTTP) and `kb mcp` (MCP clients): the index as a service."""

from __future__ import annotations

from pathlib import Path

import click

from kb.interfaces.cli.options import DEVICE_OPTION, index_location


@click.command()
@index_location
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    help="A Host name clients use to reach the server (repeatable; '*.example.com' patterns). "
    "Default: localhost, 127.0.0.1 and the --host address.",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the token clients must send as `Authorization: Bearer …` (or set KB_TOKEN). "
    "Required on an address other than loopback.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="A web origin whose pages may call the API (repeatable), e.g. https://intranet.example.com.",
)
@DEVICE_OPTION
def serve(
    index_dir: Path | str,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token_file: Path | None,
    cors_origins: tuple[str, ...],
    device: str,
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

    from kb.interfaces.access import is_loopback, read_token
    from kb.interfaces.server import LOOPBACK_NAMES, create_app, server_config

    token = read_token(token_file)
    if token is None and not is_loopback(host):
        raise click.ClickException(
            f"--host {host} is reachable from other machines: give a token with --token-file FILE or KB_TOKEN"
        )

    allowed = [*LOOPBACK_NAMES, host, *allow_hosts]
    if host in ("0.0.0.0", "::") and not allow_hosts:
        click.echo(
            "Warning: any Host header is accepted on all interfaces; restrict it with --allow-host NAME", err=True
        )
        allowed = ["*"]
    app = create_app(index_dir, allowed_hosts=allowed, token=token, cors_origins=cors_origins, device=device)
    click.echo(f"Serving {index_dir} on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.Server(server_config(app, host, port)).run()


@click.command()
@index_location
@click.option("--http", is_flag=True, help="Serve streamable HTTP on 127.0.0.1 (at /mcp) instead of stdio.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="Port for --http.")
def mcp(index_dir: Path | str, http: bool, port: int) -> None:
    """Serve the index to MCP clients (desktop assistants, IDE agents) over stdio.

    \b
    Tools:     ask (cited answer + contrast table), search (passages), info
    Resources: kb://doc/<id> (a document), kb://doc/<id>#L12-L14 (its lines)

    A client starts it as a command: {"command": "kb", "args": ["mcp", "--index", "/path/to/index"]}.
    """
    from kb.interfaces.mcp_server import create_mcp_server

    server = create_mcp_server(index_dir)
    if http:
        click.echo(f"Serving {index_dir} to MCP clients on http://127.0.0.1:{port}/mcp", err=True)
        server.run("streamable-http", host="127.0.0.1", port=port)
    else:
        server.run("stdio")
