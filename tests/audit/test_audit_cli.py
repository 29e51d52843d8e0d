"""``anchorval audit``: formats, report, and bad input (one line, exit 2, nothing on stdout)."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from anchorval.cli import app
from anchorval.cli._common import EXIT_BAD_INPUT
from anchorval.errors import (
    MSG_ARTICLE_BAD_DECLARED,
    MSG_ARTICLE_BINARY,
    MSG_ARTICLE_EMPTY,
    MSG_ARTICLE_ENCODING,
    MSG_ARTICLE_TOO_LARGE,
)

from .conftest import MT, TENCENT

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(self, address, *args, **kwargs):
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def bad(args, *names):
    res = runner.invoke(app, ["audit", *[str(a) for a in args]])
    assert res.exit_code == EXIT_BAD_INPUT, (res.exit_code, res.output)
    assert "Traceback" not in res.output and res.stdout == ""
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    for n in names:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def prefix(msg: str) -> str:
    """The constant part of a message template, up to its first field after the file name."""
    return msg.split("{", 2)[1].split("}", 1)[1].split("{")[0]


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    bad([p], str(p), prefix(MSG_ARTICLE_EMPTY))
    p.write_text("  \n\n ", encoding="utf-8")
    bad([p], prefix(MSG_ARTICLE_EMPTY))


def test_binary_file(tmp_path):
    p = tmp_path / "image.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    bad([p], str(p), "not a text file", "NUL byte at byte 8")
    assert MSG_ARTICLE_BINARY.startswith("{file}: not a text file")


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: the size check happens before any read
    line = bad([p], str(p), "52,428,800 bytes")
    assert prefix(MSG_ARTICLE_TOO_LARGE).strip() in line


def test_mixed_encodings_name_line_and_byte(tmp_path):
    p = tmp_path / "mixed.txt"
    head = "Zhipu's revenue was 724.33 million RMB.\n智谱收入7.2433亿元。\n".encode()
    p.write_bytes(head + "市值约1万亿港元".encode("gbk"))  # a third line saved in GBK
    line = bad([p], f"{p}:3:", "not valid utf-8", f"byte {len(head)}")
    assert "mixed encodings" in line and "mixed encodings" in MSG_ARTICLE_ENCODING


def test_unknown_declared_encoding(tmp_path):
    p = tmp_path / "declared.txt"
    p.write_bytes(b"# -*- coding: klingon-8 -*-\nrevenue 1 billion USD\n")
    bad([p], f"{p}:1:", "klingon-8")
    assert "which Python does not know" in MSG_ARTICLE_BAD_DECLARED


def test_declared_and_bom_encodings_are_read(tmp_path):
    gb = tmp_path / "gb.txt"
    gb.write_bytes('<meta charset="gb18030">\n智谱市值约1万亿港元。'.encode("gb18030"))
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("智谱市值约1万亿港元。".encode("utf-16"))
    for p in (gb, u16):
        res = runner.invoke(app, ["audit", str(p), "--case", "zhipu-2026-06", "--format", "json"])
        assert res.exit_code == 0, res.output
        claims = json.loads(res.stdout)["articles"][0]["claims"]
        assert [(c["text"], c["low"], c["unit"]) for c in claims] == [("1万亿港元", "1000000000000", "HKD")]


def test_missing_file_and_unknown_case(tmp_path):
    bad([tmp_path / "nope.txt"], "nope.txt", "cannot read")
    bad([MT, "--case", "nope-2026-06"], "unknown case")


def test_formats_and_report(tmp_path):
    out = tmp_path / "audit.html"
    res = runner.invoke(
        app, ["audit", str(TENCENT), "--case", "zhipu-2026-06", "--format", "json", "--report", str(out)]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["schema"] == "anchorval.audit/1"
    art = data["articles"][0]
    assert sum(art["counts"].values()) == len(art["claims"]) == 124
    html = out.read_text(encoding="utf-8")
    assert '<mark id="a1-c' in html and 'class="inconsistent"' in html
    md = runner.invoke(app, ["audit", str(TENCENT), "--case", "zhipu-2026-06", "--format", "markdown"])
    assert md.exit_code == 0 and md.stdout.startswith("# Claims audit")
    table = runner.invoke(app, ["audit", str(TENCENT), "--case", "zhipu-2026-06"])
    assert table.exit_code == 0 and "inconsistent" in table.stdout


def test_article_text_is_data(tmp_path):
    p = tmp_path / "[bold]evil.txt"  # the name is printed in the table title
    p.write_text(
        "Zhipu's <script>alert(1)</script> revenue was 7.2433 billion RMB [bold]x[/bold] \x1b[31mred\x1b[0m.\n",
        encoding="utf-8",
    )
    out = tmp_path / "evil.html"
    res = runner.invoke(app, ["audit", str(p), "--case", "zhipu-2026-06", "--report", str(out)])
    assert res.exit_code == 0, res.output
    assert "[bold]evil.txt" in res.stdout.replace("\n", "")  # as written: no rich markup applied
    assert "\x1b[31m" not in res.stdout
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html


def test_two_versions_are_compared(tmp_path):
    res = runner.invoke(app, ["audit", str(MT), str(TENCENT), "--format", "json"])
    assert res.exit_code == 0, res.output
    arts = json.loads(res.stdout)["articles"]
    across = [k for a in arts for c in a["claims"] for k in c["checks"] if k["scope"] == "across"]
    # without cases: the MT's 7.2433 billion RMB against Tencent's 0.724 billion yuan (x10), and
    # 3.18 billion as adjusted net loss in one and R&D expenses in the other
    assert {k["slip"] for k in across} >= {"scale", "label"}
