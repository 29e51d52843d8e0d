"""The MCP server (``anchorval mcp``, stdio): anchorval's valuations as tools for AI agents.

Tools ``list_cases``, ``value_case`` (with what-if overrides), ``market_structure`` and
``simulate`` return the same JSON as the CLI's ``--format json``; each bundled case is a resource
``case://<id>`` holding its case file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import AnchorvalError
from ._state import State, error_text, market

__all__ = ["MCP_MAX_DRAWS", "build_mcp_server", "run_mcp"]

#: Most draws one ``simulate`` tool call may ask for (the call blocks until done).
MCP_MAX_DRAWS = 2_000_000


def build_mcp_server(cases_dir: str | Path | None = None) -> Any:
    """Build the MCP server (the official ``mcp`` SDK's ``MCPServer``).

    Parameters
    ----------
    cases_dir : str or Path, optional
        Folder of the user's case files, listed beside the bundled cases.

    Returns
    -------
    mcp.server.mcpserver.MCPServer
        Run it with ``.run("stdio")``, or connect in process with ``mcp.Client(server)``.

    Examples
    --------
    >>> server = build_mcp_server()
    >>> server.name
    'anchorval'
    """
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.server.mcpserver.resources import TextResource

    from .. import __version__

    state = State(cases_dir)
    server = MCPServer(
        "anchorval",
        version=__version__,
        instructions=(
            "Valuation anchors for AI companies (peer P/S, pre-IPO perps, ARR multiples, last rounds, "
            "market structure). Amounts in the JSON are decimal strings, totals (not millions), in the "
            "currency the JSON names. Every figure cites a source and an as-of date."
        ),
    )

    def fail(exc: BaseException) -> ToolError:
        return ToolError(error_text(exc))

    @server.tool()
    def list_cases() -> list[dict[str, Any]]:
        """List the cases: id, company, status (private/listed), as_of date, report currency."""
        state.registry.refresh()
        return [
            {
                "id": e.key,
                "company": e.case.company.name,
                "status": e.case.company.status,
                "as_of": e.case.as_of.isoformat(),
                "currency": e.case.report_currency,
            }
            for e in state.registry.entries()
            if e.case is not None
        ]

    @server.tool()
    def value_case(
        case: str,
        overrides: dict[str, str | float | list[str]] | None = None,
        currency: str | None = None,
        weights: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """Value a case with every anchor (JSON of `anchorval value --format json`).

        overrides: what-if figures by path, e.g. {"arr_multiple.share": "50%", "perps[0].price": "1400 USDT"};
        a bare number is in the filed unit (a share as a decimal). Overridden figures cite the source
        'what-if'. weights: blend weights by anchor key. currency: report currency.
        """
        try:
            return state.what_if(case, overrides or {}, currency=currency, weights=weights).to_dict()
        except (AnchorvalError, KeyError) as exc:
            raise fail(exc) from None

    @server.tool()
    def market_structure(
        case: str,
        tracking_assets: list[str] | None = None,
        adv: str | None = None,
        target_ps: str | None = None,
        fundamental: str | None = None,
        structural_share: str | None = None,
    ) -> dict[str, Any]:
        """Market structure of a listed case (JSON of `anchorval market --format json`).

        tracking_assets: assets tracking the index, e.g. ["150B HKD"]; adv: average daily volume
        ('1.2M' shares or '2B HKD'); target_ps: e.g. '100x'; fundamental: '500B HKD' or 'anchors';
        structural_share: e.g. '60%'.
        """
        inputs = {
            "tracking_assets": ",".join(tracking_assets or []),
            "adv": adv or "",
            "target_ps": target_ps or "",
            "fundamental": fundamental or "",
            "structural_share": structural_share or "",
            "by": "",
        }
        try:
            return market(state, case, inputs).to_dict()
        except (AnchorvalError, KeyError, ValueError) as exc:
            raise fail(exc) from None

    @server.tool()
    def simulate(
        case: str, draws: int = 100_000, seed: int | None = None, thresholds: list[str] | None = None
    ) -> dict[str, Any]:
        """Monte Carlo of every anchor and the blended view (JSON of `anchorval simulate --format json`).

        draws: number of scenarios (at most 2,000,000 here); seed: for reproducible numbers;
        thresholds: values for P(value > threshold), e.g. ["1T USD"].
        """
        from ..workflows.simulate import simulate as run

        if draws > MCP_MAX_DRAWS or draws < 1:
            raise ToolError(f"draws: between 1 and {MCP_MAX_DRAWS:,} here, got {draws:,}")
        try:
            loaded = state.registry.loaded(case)
            return run(loaded, draws, seed=seed, thresholds=thresholds or None, threads=1).to_dict()
        except (AnchorvalError, KeyError) as exc:
            raise fail(exc) from None

    for e in state.registry.entries():
        if e.kind == "bundled" and e.case is not None:
            server.add_resource(
                TextResource(
                    uri=f"case://{e.key}",
                    name=e.key,
                    title=f"{e.case.company.name}, as of {e.case.as_of.isoformat()}",
                    description="anchorval case file (YAML 1.2): every figure with its source and as-of date",
                    mime_type="application/yaml",
                    text=e.text,
                )
            )
    return server


def run_mcp(cases_dir: str | Path | None = None) -> None:
    """Serve the MCP tools over stdio until the client disconnects.

    Parameters
    ----------
    cases_dir : str or Path, optional
        Folder of the user's case files.
    """
    build_mcp_server(cases_dir).run("stdio")
