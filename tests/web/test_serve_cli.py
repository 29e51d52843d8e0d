"""``anchorval serve`` and ``anchorval mcp`` on the command line: URL, warning, bad options."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn")

import uvicorn  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from anchorval.cli import app  # noqa: E402
from anchorval.web import bind  # noqa: E402
from anchorval.web._serve import NO_AUTH_WARNING  # noqa: E402


@pytest.fixture()
def no_run(monkeypatch):
    calls = []

    def fake_run(self, sockets=None):
        calls.append(sockets[0].getsockname())
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    return calls


def test_serve_prints_url_on_loopback(no_run):
    r = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert r.exit_code == 0, r.output
    host, port = no_run[0][:2]
    assert host == "127.0.0.1"
    assert r.stdout.strip() == f"anchorval web app: http://127.0.0.1:{port}/  (Ctrl+C to stop)"
    assert "warning" not in r.output


def test_other_host_warns_no_authentication(no_run):
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == NO_AUTH_WARNING.format(host="0.0.0.0")


def test_busy_port_and_bad_folder_are_one_line(tmp_path):
    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--port", str(port)])
    finally:
        sock.close()
    assert r.exit_code == 2
    assert r.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ") and r.stderr.count("\n") == 1
    r = CliRunner().invoke(app, ["serve", "--cases", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "is not a folder" in r.stderr and r.stderr.count("\n") == 1
    r = CliRunner().invoke(app, ["mcp", "--cases", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "is not a folder" in r.stderr
