"""Bad input on every command: one error line naming the problem, exit code 2, no traceback.

Every input here fails before any provider is reached; a socket guard makes sure of it.
"""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from anchorval.cli import app
from anchorval.cli._common import EXIT_BAD_INPUT

runner = CliRunner()

UNKNOWN = "nope-2026-06"  # looks like a case id (not a market symbol), so fetch does not look it up


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Record and refuse every outgoing connection."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield
    assert attempts == [], f"a provider was reached: {attempts}"


@pytest.fixture()
def bad_yaml(tmp_path):
    """A case file whose YAML breaks on line 2."""
    p = tmp_path / "broken.yaml"
    p.write_text("id: broken\n  name: [unclosed\n", encoding="utf-8")
    return p


@pytest.fixture()
def not_a_case(tmp_path):
    """Well-formed YAML that is not a case (required fields missing)."""
    p = tmp_path / "not-a-case.yaml"
    p.write_text("foo: 1\n", encoding="utf-8")
    return p


def bad(args: list[str], *names: str, output_first: bool = False) -> str:
    """Invoke the CLI; check exit 2, no traceback, one error line naming all ``names``.

    Nothing may reach stdout unless ``output_first`` (the report is written after the table).
    """
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == EXIT_BAD_INPUT, (res.exit_code, res.output, res.exception)
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    if not output_first:
        assert res.stdout == ""
    lines = [ln for ln in res.stderr.splitlines() if ln.lower().startswith("error")]
    assert len(lines) == 1, res.stderr
    for n in names:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# -- case files and case ids: every command that takes a case ------------------------------------

CASE_COMMANDS = ["value", "market", "dcf", "simulate", "sensitivity", "fetch"]


@pytest.mark.parametrize("cmd", CASE_COMMANDS + ["watch"])
def test_malformed_case_file_names_file_and_line(cmd, bad_yaml, tmp_path):
    extra = ["--db", str(tmp_path / "h.duckdb")] if cmd == "watch" else []
    bad([cmd, str(bad_yaml), *extra], f"{bad_yaml}:2:", "malformed YAML")


@pytest.mark.parametrize("cmd", ["value", "market", "dcf", "simulate", "sensitivity"])
def test_case_file_missing_fields_names_file_line_and_field(cmd, not_a_case):
    bad([cmd, str(not_a_case)], f"{not_a_case}:1:", "id")


@pytest.mark.parametrize("cmd", CASE_COMMANDS + ["watch"])
def test_unknown_case_id(cmd, tmp_path):
    extra = ["--db", str(tmp_path / "h.duckdb")] if cmd == "watch" else []
    line = bad([cmd, UNKNOWN, *extra], "unknown case", repr(UNKNOWN))
    assert "anthropic-2026-06" in line  # lists the bundled cases


def test_history_unknown_case(tmp_path):
    bad(["history", UNKNOWN, "--db", str(tmp_path / "h.duckdb")], "no snapshots", repr(UNKNOWN))


# -- option values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["value", "anthropic-2026-06", "--currency", "XYZ"], ["unknown currency", "'XYZ'"]),
        (["value", "anthropic-2026-06", "--weights", "arr_multiple=abc"], ["--weights", "'abc'"]),
        (["value", "anthropic-2026-06", "--weights", "abc"], ["--weights", "'abc'"]),
        (["value", "anthropic-2026-06", "--anchors", "nope"], ["unknown anchor", "'nope'"]),
        (["cases", "--format", "xml"], ["--format", "'xml'"]),
        (["market", "zhipu-2026-06", "--adv", "abc"], ["--adv", "'abc'"]),
        (["market", "zhipu-2026-06", "--target-ps", "x"], ["--target-ps", "'x'"]),
        (["market", "zhipu-2026-06", "--tracking-assets", "abc"], ["--tracking-assets", "'abc'"]),
        (["market", "zhipu-2026-06", "--fundamental", "abc"], ["--fundamental", "'abc'"]),
        (["market", "zhipu-2026-06", "--structural-share", "abc"], ["--structural-share", "'abc'"]),
        (["market", "zhipu-2026-06", "--structural-share", "2"], ["structural share", "200%"]),
        (["market", "zhipu-2026-06", "--by", "zz"], ["--by", "'zz'"]),
        (["market", "anthropic-2026-06"], ["anthropic-2026-06", "listed"]),
        (["dcf", "anthropic-2026-06-dcf", "--target", "x USD"], ["'x USD'", "not a number"]),
        (["dcf", "anthropic-2026-06-dcf", "--target", "5e11"], ["'5e11'", "no currency"]),
        (["dcf", "anthropic-2026-06-dcf", "--solve-for", "wacc"], ["--solve-for", "'wacc'"]),
        (["dcf", "anthropic-2026-06"], ["anthropic-2026-06", "dcf"]),
        (["simulate", "anthropic-2026-06", "--draws", "-5"], ["draws", "'-5'"]),
        (["simulate", "anthropic-2026-06", "--draws", "0"], ["draws", "'0'"]),
        (["simulate", "anthropic-2026-06", "--draws", "abc"], ["draws", "'abc'"]),
        (["simulate", "anthropic-2026-06", "--draws", "1.5"], ["draws", "'1.5'"]),
        (["simulate", "anthropic-2026-06", "-n", "1000", "--threshold", "abc"], ["threshold", "'abc'"]),
        (["simulate", "anthropic-2026-06", "-n", "1000", "--threshold", "1T ZZZ"], ["'ZZZ'"]),
        (["simulate", "anthropic-2026-06", "-n", "1000", "--seed", "-1"], ["seed", "-1"]),
        (["simulate", "anthropic-2026-06", "-n", "1000", "--threads", "-1"], ["threads", "-1"]),
        (["simulate", "anthropic-2026-06", "-n", "1000", "--currency", "ZZZ"], ["'ZZZ'"]),
        (["sensitivity", "anthropic-2026-06", "--method", "zzz"], ["sensitivity method", "'zzz'"]),
        (["sensitivity", "anthropic-2026-06", "--method", "sobol", "--n", "0"], ["n:", "0"]),
        (["sensitivity", "anthropic-2026-06", "--method", "sobol", "--n", "-3"], ["n:", "-3"]),
        (["sensitivity", "anthropic-2026-06", "--output", "zz"], ["zz", "unknown output"]),
        (["sensitivity", "anthropic-2026-06", "--method", "grid", "--grid", "a"], ["grid", "'a'"]),
        (["fetch", "anthropic-2026-06", "--venue", "zz"], ["unknown provider", "'zz'"]),
        (["fetch", "SOMEUSDT", "--venue", "zz"], ["unknown provider", "'zz'"]),
        (["fetch", "anthropic-2026-06", "--max-age", "abc"], ["--max-age"]),
        (["watch", "anthropic-2026-06", "--count", "0"], ["--count"]),
        (["history", "anthropic-2026-06", "--since", "abc"], ["--since", "'abc'"]),
    ],
)
def test_bad_option_value(args, names, tmp_path):
    db = ["--db", str(tmp_path / "h.duckdb")] if args[0] in ("watch", "history") else []
    bad([*args, *db], *names)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--every", "0s"),
        ("--every", "0"),
        ("--every", "abc"),
        ("--every", "-1s"),
        ("--max-backoff", "0ms"),
        ("--max-backoff", "abc"),
    ],
)
def test_watch_bad_duration_fails_before_the_store_opens(option, value, tmp_path):
    # a zero interval used to poll without pause; now it is refused before anything happens
    db = tmp_path / "h.duckdb"
    bad(["watch", "anthropic-2026-06", option, value, "--db", str(db)], option, repr(value))
    assert not db.exists()


def test_spec_file_missing(tmp_path):
    missing = tmp_path / "missing.yaml"
    bad(["simulate", "anthropic-2026-06", "-n", "1000", "--spec", str(missing)], str(missing))


def test_spec_file_malformed(bad_yaml):
    bad(["simulate", "anthropic-2026-06", "-n", "1000", "--spec", str(bad_yaml)], f"{bad_yaml}:2:")


@pytest.mark.parametrize(
    ("weights", "names"),
    [
        ("perp_implied=-1", ["blend weights", "perp_implied=-1"]),
        ("nope=1", ["blend weights", "unknown anchor 'nope'", "arr_multiple"]),
        # a misspelled key used to be dropped silently and the blended value changed (exit 0)
        ("arr_multipel=0.5,last_round=0.5", ["blend weights", "unknown anchor 'arr_multipel'", "arr_multiple"]),
        ("arr_multiple=0,last_round=0", ["blend weights", "sum to zero"]),
        ("arr_multiple=nan", ["--weights", "not a finite number"]),
        ("arr_multiple=inf", ["--weights", "not a finite number"]),
        ("arr_multiple=1e400", ["--weights", "not a finite number"]),
    ],
)
def test_value_bad_weights(weights, names):
    bad(["value", "anthropic-2026-06", "--weights", weights], *names)


@pytest.mark.parametrize("cmd", [["value", "anthropic-2026-06"], ["simulate", "anthropic-2026-06", "-n", "1000"]])
def test_report_path_that_is_a_directory_is_named(cmd, tmp_path):
    bad([*cmd, "--report", str(tmp_path)], str(tmp_path), "is a directory", output_first=True)


@pytest.mark.parametrize("cmd", ["value", "market", "dcf", "simulate", "sensitivity", "fetch"])
@pytest.mark.parametrize(
    ("content", "names"),
    [
        (None, ["unknown case", "not a file"]),  # the file does not exist
        (b"\xff\xfe\x00bad", ["not UTF-8"]),
        (b"", [":1:", "YAML mapping"]),
    ],
)
def test_unreadable_case_file_is_named(cmd, content, names, tmp_path):
    p = tmp_path / "case.yaml"
    if content is not None:
        p.write_bytes(content)
    bad([cmd, str(p)], str(p), *names)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["value", "anthropic-2026-06", "--format", "xml"], "'xml' is not one of 'table', 'json', 'markdown'"),
        (["value"], "Missing argument 'case'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["value", "anthropic-2026-06", "--weights", "x"], "expected anchor=weight, got 'x'"),
    ],
)
def test_usage_errors_are_one_line(args, needle):
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], res.stderr
    assert "--help" in lines[0]
