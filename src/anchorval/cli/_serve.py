"""``anchorval serve`` (the local web app) and ``anchorval mcp`` (tools for AI agents over stdio)."""

from __future__ import annotations

import typer

from ._common import fail, handle_errors

_NEEDS_WEB = "{what} needs the web extra ({missing} is not installed): pip install 'anchorval[web]'"


def _web(what: str):  # noqa: ANN202 - the anchorval.web module
    try:
        from .. import web
    except ImportError as exc:
        raise fail(_NEEDS_WEB.format(what=what, missing=exc.name or exc)) from None
    return web


@handle_errors
def serve_cmd(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. Default: this machine only; any other address prints a "
        "warning (the app has no authentication).",
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port (0 picks a free one)."),
    cases: str | None = typer.Option(
        None, "--cases", help="Folder of your case files (*.yaml), listed beside the bundled cases."
    ),
    db: str | None = typer.Option(
        None, "--db", help="History database for the History page (default: $ANCHORVAL_DB or the user data dir)."
    ),
) -> None:
    """Local web app: cases, what-if valuation, market, simulation, compare; JSON API at /api/v1.

    Example: anchorval serve --cases ./my-cases   (then open the printed URL)
    """
    from pathlib import Path

    if cases is not None and not Path(cases).is_dir():
        raise typer.BadParameter(f"{cases!r} is not a folder", param_hint="--cases")
    web = _web("anchorval serve")
    try:
        web.serve(host, port, cases, db, echo=typer.echo)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@handle_errors
def mcp_cmd(
    cases: str | None = typer.Option(
        None, "--cases", help="Folder of your case files (*.yaml), listed beside the bundled cases."
    ),
) -> None:
    """MCP server on stdio: tools list_cases, value_case, market_structure, simulate; case resources.

    Example: anchorval mcp   (client config: {"command": "anchorval", "args": ["mcp"]})
    """
    from pathlib import Path

    if cases is not None and not Path(cases).is_dir():
        raise typer.BadParameter(f"{cases!r} is not a folder", param_hint="--cases")
    _web("anchorval mcp").run_mcp(cases)
