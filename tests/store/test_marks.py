"""Recorded marks: add, import (all-or-nothing), value --store, history --chart offline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from anchorval.cli import app
from anchorval.errors import MSG_BAD_MARKS_ROW, MarksImportError
from anchorval.store import Store
from anchorval.workflows.marks import import_marks, read_marks_csv

pytestmark = pytest.mark.block_network
CASE = "anthropic-2026-06"


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_mark_add_and_history_chart_offline(tmp_path):
    db = str(tmp_path / "h.duckdb")
    r = run(
        "mark",
        "add",
        CASE,
        "--value",
        "1.2T USD",
        "--source",
        "Forge Price (test)",
        "--as-of",
        "2026-06-20",
        "--db",
        db,
    )
    assert r.exit_code == 0, r.output
    r = run(
        "mark",
        "add",
        CASE,
        "--value",
        "965B USD",
        "--source",
        "Series H",
        "--as-of",
        "2026-05-15",
        "--kind",
        "round",
        "--db",
        db,
    )
    assert r.exit_code == 0, r.output
    m = Store(db).marks(CASE)
    assert list(m["value"]) == [Decimal("965000000000"), Decimal("1200000000000")]  # oldest first
    assert list(m["kind"]) == ["round", "secondary"] and m["as_of"].iloc[1] == date(2026, 6, 20)
    # the README's history example, with only offline data: value --store, then history --chart
    assert run("value", CASE, "--store", "--db", db).exit_code == 0
    out = tmp_path / "history.html"
    r = run("history", CASE, "--since", "2026-05-01", "--chart", str(out), "--db", db)
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "mark: secondary" in html and "mark: round" in html and "perp_implied" in html
    assert "1 snapshots, 2 marks" in html
    j = run("history", CASE, "--format", "json", "--db", db)
    assert '"kind": "round"' in j.output and '"value": "965000000000' in j.output


def test_mark_add_bad_kind_is_one_line_exit_2(tmp_path):
    r = run(
        "mark",
        "add",
        CASE,
        "--value",
        "1.2T USD",
        "--source",
        "x",
        "--as-of",
        "2026-06-20",
        "--kind",
        "rumour",
        "--db",
        str(tmp_path / "h.duckdb"),
    )
    assert r.exit_code == 2 and "--kind" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "h.duckdb").exists()


def test_import_all_or_nothing_names_the_line(tmp_path):
    db = Store(tmp_path / "h.duckdb")
    good = tmp_path / "good.csv"
    good.write_text(
        "case,value,as_of,source,kind,note\n"
        f"{CASE},1.1T USD,2026-06-10,Caplight (test),secondary,\n"
        f"{CASE},1.25T USD,2026-06-30,Fund X Q2 mark,fund_mark,quarter end\n"
    )
    assert import_marks(good, db) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(f"case,value,as_of,source\n{CASE},1.3T USD,2026-07-01,ok row\n{CASE},1.3T USD,2026-13-01,bad date\n")
    with pytest.raises(MarksImportError) as e:
        import_marks(bad, db)
    assert str(e.value) == MSG_BAD_MARKS_ROW.format(
        file=bad, line=3, field="as_of", why="not an ISO date (YYYY-MM-DD): '2026-13-01'"
    )
    assert len(db.marks(CASE)) == 2  # nothing from the bad file, the earlier import intact
    r = run("mark", "import", str(bad), "--db", str(db.path))
    assert r.exit_code == 2 and f"{bad}:3: as_of" in r.output and "Traceback" not in r.output
    with pytest.raises(MarksImportError, match=":1: header: missing column"):
        (tmp_path / "nohdr.csv").write_text("case,value\nx,1T USD\n")
        read_marks_csv(tmp_path / "nohdr.csv")


@pytest.mark.parametrize("missing", ["duckdb", "tenacity"])
@pytest.mark.parametrize(
    "cmd",
    [
        ["history", CASE, "--chart", "h.html"],
        ["mark", "add", CASE, "--value", "1T USD", "--source", "s", "--as-of", "2026-06-01"],
        ["value", CASE, "--store"],
    ],
)
def test_store_commands_without_the_extra_name_it(tmp_path, monkeypatch, missing, cmd):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a))
    monkeypatch.chdir(tmp_path)
    r = run(*cmd, "--db", str(tmp_path / "h.duckdb"))
    assert r.exit_code == 2 and "pip install 'anchorval[live]'" in r.output and repr(missing) in r.output
    assert "Traceback" not in r.output and not (tmp_path / "h.duckdb").exists()


def test_history_of_nothing_says_how_to_record(tmp_path):
    r = run("history", CASE, "--db", str(tmp_path / "h.duckdb"))
    assert r.exit_code == 2 and "mark add" in r.output and "--store" in r.output


def test_readme_history_example_runs_offline(tmp_path, monkeypatch):
    """The README's store / mark / history lines, run as written, produce a chart with no network."""
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    lines = [
        ln.split("#")[0].strip()
        for ln in readme.splitlines()
        if ln.startswith(("anchorval value anthropic-2026-06 --store", "anchorval mark add", "anchorval history"))
    ]
    assert [ln.split()[1] for ln in lines] == ["value", "mark", "history"]
    monkeypatch.setenv("ANCHORVAL_DB", str(tmp_path / "h.duckdb"))
    monkeypatch.chdir(tmp_path)
    for ln in lines:
        r = run(*shlex.split(ln)[1:])
        assert r.exit_code == 0, (ln, r.output)
    assert "mark: secondary" in (tmp_path / "history.html").read_text()


def test_failed_marks_write_stores_nothing(tmp_path):
    from anchorval.errors import StoreError
    from anchorval.workflows.marks import make_mark

    s = Store(tmp_path / "h.duckdb")
    a = make_mark(CASE, "1T USD", "a", "2026-06-01")
    s.write_marks([a])
    b = make_mark(CASE, "1.1T USD", "b", "2026-06-02")
    with pytest.raises(StoreError):
        s.write_marks([b, a])  # a's id is taken: the whole batch rolls back, b included
    assert list(s.marks(CASE)["source"]) == ["a"]


def test_marks_writer_killed_mid_import_keeps_every_committed_batch(tmp_path):
    """SIGKILL during a marks import: committed batches stay whole, the in-flight one all or nothing."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    tests = str(Path(__file__).resolve().parents[1])
    src = str(Path(__file__).resolve().parents[2] / "src")
    p = tmp_path / "h.duckdb"
    n = 20_000
    w = subprocess.Popen(
        [sys.executable, "-m", "store._writer", str(p), "1000", str(n), "marks"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([src, tests])},
        cwd=tests,
    )
    assert w.stdout.readline().strip() == "ready"
    committed: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = w.stdout.readline().strip()
        if line.startswith("writing ") and len(committed) >= 2:
            break
        if line.startswith("batch "):
            committed.append(line)
    time.sleep(0.05)
    w.send_signal(signal.SIGKILL)
    w.communicate()
    assert w.returncode == -signal.SIGKILL
    sizes = Store(p).marks("anthropic-2026-06").groupby("source").size()
    assert set(committed) <= set(sizes.index)
    assert (sizes == n).all()  # no batch is partly stored
    assert len(sizes) - len(committed) <= 1
