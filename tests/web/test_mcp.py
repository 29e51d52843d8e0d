"""The MCP server in process through the official SDK's client: same JSON as the CLI."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("mcp")

import anyio  # noqa: E402
from mcp import Client  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import anchorval  # noqa: E402
from anchorval.cli import app as cli_app  # noqa: E402
from anchorval.web import build_mcp_server  # noqa: E402

CASE = "anthropic-2026-06"


def _cli_json(*args: str):
    r = CliRunner().invoke(cli_app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _payload(result):
    assert not result.is_error, result.content
    if result.structured_content is not None:
        sc = result.structured_content
        return sc.get("result", sc) if isinstance(sc, dict) and set(sc) == {"result"} else sc
    return json.loads(result.content[0].text)


def test_mcp_tools_and_resources():
    server = build_mcp_server()

    async def main():
        async with Client(server) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert {"list_cases", "value_case", "market_structure", "simulate"} <= tools
            cases = _payload(await client.call_tool("list_cases", {}))
            assert cases == _cli_json("cases", "--format", "json")
            filed = _payload(await client.call_tool("value_case", {"case": CASE}))
            assert filed == _cli_json("value", CASE, "--format", "json")
            ov = {"arr_multiple.share": "50%"}
            what_if = _payload(await client.call_tool("value_case", {"case": CASE, "overrides": ov}))
            assert what_if == anchorval.value(CASE, overrides=ov).to_dict()
            market = _payload(await client.call_tool("market_structure", {"case": "zhipu-2026-06"}))
            assert market == _cli_json("market", "zhipu-2026-06", "--format", "json")
            sim = _payload(await client.call_tool("simulate", {"case": CASE, "draws": 5000, "seed": 3}))
            assert sim["outputs"] == anchorval.simulate(CASE, draws=5000, seed=3).to_dict()["outputs"]
            bad = await client.call_tool("value_case", {"case": CASE, "overrides": {"perps[0].reference_shares": -5}})
            assert bad.is_error
            # the SDK prefixes "Error executing tool value_case: "; the rest is the CLI's line
            assert bad.content[0].text.endswith(": perps[0].reference_shares: must be positive, got -5")
            unknown = await client.call_tool("value_case", {"case": "../../etc/passwd"})
            assert unknown.is_error and "unknown case '../../etc/passwd'" in unknown.content[0].text
            res = (await client.list_resources()).resources
            uris = sorted(str(r.uri) for r in res)
            assert uris == [f"case://{c['id']}" for c in cases]
            text = (await client.read_resource(f"case://{CASE}")).contents[0].text
            assert text.startswith("# Working copies") and "id: anthropic-2026-06" in text

    anyio.run(main)
