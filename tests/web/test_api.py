"""The web app through FastAPI's TestClient: JSON API = CLI JSON, what-if, uploads, security."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import anchorval  # noqa: E402
from anchorval.cases import apply_overrides, load_case, parse_case_text  # noqa: E402
from anchorval.cli import app as cli_app  # noqa: E402
from anchorval.errors import (  # noqa: E402
    MSG_UNKNOWN_OVERRIDE,
    MSG_UPLOAD_ALIASES,
    MSG_UPLOAD_TOO_LARGE,
)
from anchorval.money import format_money  # noqa: E402
from anchorval.web import CSP, create_app  # noqa: E402
from anchorval.web._registry import MAX_ALIASES, MAX_UPLOAD_BYTES  # noqa: E402

HERE = Path(__file__).parent
CASE = "anthropic-2026-06"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cases")
    (folder / "xss-case.yaml").write_text((HERE / "xss-case.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken.yaml").write_text("id: broken\nas_of: 2026-06-22\ncompany: {name: B, status: privat}\n")
    with TestClient(create_app(cases_dir=folder, db=tmp_path_factory.mktemp("db") / "h.duckdb")) as c:
        yield c


def _cli_json(*args: str):
    r = CliRunner().invoke(cli_app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_cases_api_rows_are_the_cli_rows(client):
    rows = client.get("/api/v1/cases").json()
    cli_rows = _cli_json("cases", "--format", "json")
    assert rows[: len(cli_rows)] == cli_rows
    assert "xss-test" in [r["id"] for r in rows]  # the --cases folder
    assert "broken" not in [r["id"] for r in rows]  # invalid files are only on the page, with their error


def test_value_api_is_the_cli_json(client):
    assert client.get(f"/api/v1/cases/{CASE}").json() == _cli_json("value", CASE, "--format", "json")
    market = client.get("/api/v1/cases/zhipu-2026-06/market", params={"structural_share": "60%"}).json()
    cli_market = _cli_json("market", "zhipu-2026-06", "--structural-share", "60%", "--format", "json")
    assert market == cli_market


def test_value_with_overrides_equals_library_call(client):
    body = {"overrides": {"arr_multiple.share": "50%", "perps[0].price": 1400}}
    got = client.post(f"/api/v1/cases/{CASE}/value", json=body).json()
    want = anchorval.value(CASE, overrides=body["overrides"]).to_dict()
    assert got == want
    arr = next(a for a in got["anchors"] if a["anchor"] == "arr_multiple")
    # 0.5 x (140B..200B) x (10x..20x): low 700B, base 0.5 x 170B x 15x = 1.275T (the base of a range
    # is its midpoint, of a set its median)
    assert arr["base"] == "1275000000000.00"
    perp = next(a for a in got["anchors"] if a["anchor"] == "perp_implied")
    assert perp["base"] == "1400000000000.00"  # 1400 USDT x 1e9 reference shares x 1 USD/USDT (case assumption)
    cites = {f["path"]: f["source"] for a in got["anchors"] for s in a["steps"] for f in s["figures"]}
    assert cites["arr_multiple.share"] == f"{CASE}:what-if"
    assert got["sources"][f"{CASE}:what-if"]["publisher"] == "anchorval case author"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"perps[0].reference_shares": -5}, "perps[0].reference_shares: must be positive, got -5"),
        ({"perps[0].price": "1400 XYZ"}, "perps[0].price: unknown currency 'XYZ'"),
        ({"arr_multiple.share": "150%"}, "arr_multiple.share: a share must lie in 0%-100%"),
    ],
)
def test_bad_override_is_the_case_file_message(client, overrides, message, tmp_path):
    r = client.post(f"/api/v1/cases/{CASE}/value", json={"overrides": overrides})
    assert r.status_code == 400
    assert r.json()["error"].startswith(message)
    # the same one-line message the CLI prints for a case file with that value (after file:line)
    path, value = next(iter(overrides.items()))
    text = (Path(anchorval.__file__).parent / "cases" / f"{CASE}.yaml").read_text(encoding="utf-8")
    bad = {
        "perps[0].reference_shares": ("      value: 1e9", "      value: -5"),
        "perps[0].price": ("      value: 1718 USDT", "      value: 1400 XYZ"),
        "arr_multiple.share": ("    value: 59%", "    value: 150%"),
    }[path]
    f = tmp_path / "c.yaml"
    f.write_text(text.replace(*bad), encoding="utf-8")
    res = CliRunner().invoke(cli_app, ["value", str(f)])
    assert res.exit_code == 2
    assert res.stderr.strip().endswith(r.json()["error"])


def test_unknown_override_lists_the_known_paths(client):
    r = client.post(f"/api/v1/cases/{CASE}/value", json={"overrides": {"arr_multiple.shares": 0.5}})
    assert r.status_code == 400
    prefix = MSG_UNKNOWN_OVERRIDE.split("{")[0]
    assert r.json()["error"].startswith(f"arr_multiple.shares: {prefix}")
    assert "arr_multiple.share," in r.json()["error"]


def test_whatif_fragment_shows_new_value_and_field_errors(client):
    r = client.post(f"/cases/{CASE}/whatif", data={"arr_multiple.share": "50", "perps[0].reference_shares": "-5"})
    assert r.status_code == 200
    want = anchorval.value(CASE, overrides={"arr_multiple.share": "50%"})
    base = f"{want.anchor('arr_multiple').base.amount:.2f}"
    assert 'data-anchor="arr_multiple"' in r.text and f'data-base="{base}"' in r.text
    # the bad input's message sits beside its field (out-of-band swap), the rest still values
    assert 'id="err-f-perps-0-reference-shares" role="alert" hx-swap-oob="true">must be positive, got -5<' in r.text
    assert "<script" not in r.text.lower()  # no inline script in what the page swaps in
    # a bound moved past the other: the range's message, beside the bound that moved
    r = client.post(f"/cases/{CASE}/whatif", data={"financials.arr_run_rate.low": "50B USD"})
    msg = "financials.arr_run_rate: low 50,000,000,000 is above high 47,000,000,000"
    assert f'id="err-f-financials-arr-run-rate-low" role="alert" hx-swap-oob="true">{msg}<' in r.text


def test_scenario_download_round_trips(client):
    q = {"arr_multiple.share": "50", "perps[0].price": "1400 USDT", "blend_weights.arr_multiple": "0.6"}
    r = client.get(f"/cases/{CASE}/scenario.yaml", params=q)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="{CASE}-what-if.yaml"'
    case = parse_case_text(r.text, "scenario.yaml")
    want = apply_overrides(
        load_case(CASE),
        {"arr_multiple.share": "50%", "perps[0].price": "1400 USDT", "blend_weights.arr_multiple": "0.6"},
    )
    assert case == want
    assert case.arr_multiple.share.source == "what-if" and case.perps[0].price.source == "what-if"
    assert "filed as 59%" in case.arr_multiple.share.note
    # every line the overrides do not touch is kept as filed (comments included)
    assert "# Anthropic, valued on 2026-06-22" in r.text
    # the scenario's valuation as a report and a CSV, the same numbers as anchorval.value()
    t = anchorval.value(CASE, overrides={"arr_multiple.share": "50%", "perps[0].price": "1400 USDT"})
    csv = client.get(f"/cases/{CASE}/scenario.csv", params=q).text
    assert (
        csv
        == anchorval.value(
            CASE,
            overrides={"arr_multiple.share": "50%", "perps[0].price": "1400 USDT", "blend_weights.arr_multiple": 0.6},
        )
        .to_frame()
        .to_csv()
    )
    html = client.get(f"/cases/{CASE}/scenario.html", params=q).text
    assert "what-if" in html and format_money(t.anchor("perp_implied").base) in html
    assert client.get(f"/cases/{CASE}/scenario.exe").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/cases/..%2F..%2F..%2Fetc%2Fpasswd",
        "/cases/%2Fetc%2Fpasswd",
        "/api/v1/cases/..%2Fpyproject",
        "/api/v1/cases/%2Fetc%2Fpasswd",
        "/cases/../../etc/passwd",
        "/static/..%2F_app.py",
        "/cases/%2E%2E%2Fzhipu-2026-06/market",
    ],
)
def test_no_path_from_a_request_is_opened(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text and "[project]" not in r.text and "import" not in r.text


def test_unknown_case_is_one_line(client):
    r = client.get("/api/v1/cases/nope")
    assert r.status_code == 404
    assert r.json()["error"].startswith("unknown case 'nope'")


def test_upload_good_bad_large_and_alias_bomb(client):
    ok = client.post("/api/v1/cases", files={"file": ("../../x/xss.yaml", (HERE / "xss-case.yaml").read_bytes())})
    assert ok.status_code == 201 and ok.json()["id"].startswith("xss-test")
    bad = client.post("/api/v1/cases", files={"file": ("bad-case.yaml", (HERE / "bad-case.yaml").read_bytes())})
    assert bad.status_code == 400
    assert bad.json()["error"] == "bad-case.yaml:12: perps[0].reference_shares: must be positive, got -5"
    big = client.post("/api/v1/cases", files={"file": ("big.yaml", b"#" * (MAX_UPLOAD_BYTES + 10))})
    assert big.status_code == 400
    assert big.json()["error"] == "big.yaml: " + MSG_UPLOAD_TOO_LARGE.format(limit=MAX_UPLOAD_BYTES)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 20)]
    bomb = client.post("/api/v1/cases", files={"file": ("bomb.yaml", "\n".join(lines).encode())})
    assert bomb.status_code == 400
    assert bomb.json()["error"].startswith("bomb.yaml:")
    assert bomb.json()["error"].endswith(MSG_UPLOAD_ALIASES.format(limit=MAX_ALIASES))
    # the page form shows the same line
    page = client.post("/upload", files={"file": ("bad-case.yaml", (HERE / "bad-case.yaml").read_bytes())})
    assert "bad-case.yaml:12: perps[0].reference_shares: must be positive, got -5" in page.text


INJECTED = ("<script>alert(", "<img src=x onerror", "<b>X</b>")


def test_case_text_is_escaped_on_every_page(client):
    for url in ("/", "/cases/xss-test", "/compare?case=xss-test&case=anthropic-2026-06", "/cases/xss-test/simulate"):
        r = client.get(url)
        assert r.status_code == 200, url
        for bad in INJECTED:
            assert bad not in r.text, (url, bad)
    page = client.get("/cases/xss-test").text
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;Evil Corp" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(&#39;title&#39;)&gt;" in page  # source title
    assert "&#34;&gt;&lt;img src=x onerror=alert(&#39;notes&#39;)&gt;" in page  # case notes
    r = client.post("/cases/xss-test/whatif", data={"funding_rounds[0].post_money": "12B USD"})
    for bad in INJECTED:
        assert bad not in r.text


def test_headers_and_pages(client):
    r = client.get(f"/cases/{CASE}")
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text and "onclick" not in r.text  # every script is a file from this server
    assert 'src="/static/htmx.min.js"' in r.text and 'src="/static-plotly/plotly.min.js"' in r.text
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/static-plotly/plotly.min.js").text.startswith("/**")
    assert "broken.yaml:3: company.status" in client.get("/").text  # an invalid folder file: its error line
    assert "/api/v1/cases/{key}/value" in client.get("/docs").text
    assert "/api/v1/cases/{key}/value" in client.get("/openapi.json").json()["paths"]
    assert "No snapshots" in client.get(f"/cases/{CASE}/history").text
    m = client.get("/cases/zhipu-2026-06/market", params={"structural_share": "60%"})
    assert m.status_code == 200 and 'data-figure="' in m.text and "<script" not in m.text.split("</head>")[1]


def test_simulation_job_runs_and_cancels(client):
    r = client.post(f"/api/v1/cases/{CASE}/simulate", json={"draws": 20000, "seed": 7})
    assert r.status_code == 202
    job = r.json()["job"]
    for _ in range(200):
        j = client.get(f"/api/v1/jobs/{job}").json()
        if j["status"] != "running":
            break
        time.sleep(0.05)
    assert j["status"] == "done" and j["done"] == 20000
    want = anchorval.simulate(CASE, draws=20000, seed=7, chunk_size=1000, threads=1).to_dict()
    got = j["result"]
    assert got["outputs"] == want["outputs"]  # same seed, same numbers (chunking does not matter)
    big = client.post(f"/api/v1/cases/{CASE}/simulate", json={"draws": "19M", "seed": 1}).json()["job"]
    client.delete(f"/api/v1/jobs/{big}")
    for _ in range(400):
        j = client.get(f"/api/v1/jobs/{big}").json()
        if j["status"] != "running":
            break
        time.sleep(0.05)
    assert j["status"] == "cancelled" and j["done"] < 19_000_000
    too_many = client.post(f"/api/v1/cases/{CASE}/simulate", json={"draws": "1e9"})
    assert too_many.status_code == 400 and too_many.json()["error"].startswith("draws: at most")
    assert client.get("/api/v1/jobs/nope").status_code == 404


def test_loopback_server_refuses_other_host_names():
    with TestClient(create_app(allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1") as c:
        assert c.get("/api/v1/cases").status_code == 200
        assert c.get("/api/v1/cases", headers={"host": "attacker.example"}).status_code == 400
