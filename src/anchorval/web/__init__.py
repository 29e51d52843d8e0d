"""The local web app (FastAPI + Jinja2 + HTMX), its JSON API and the MCP server.

``anchorval serve`` runs :func:`serve`; ``anchorval mcp`` runs :func:`run_mcp`. Both sit beside the
command line and call the same workflows and report modules. Needs the ``web`` extra.
"""

from ._app import API_PREFIX, CSP, create_app
from ._mcp import build_mcp_server, run_mcp
from ._serve import LOCAL_HOSTS, bind, serve

__all__ = ["API_PREFIX", "CSP", "LOCAL_HOSTS", "bind", "build_mcp_server", "create_app", "run_mcp", "serve"]
