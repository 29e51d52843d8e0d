"""Regressions of the hardening issue: each class of failure found against main, kept fixed.

Every test here failed on main before the fix (a traceback, an unbounded run, a silent wrong
result, or an error without file:line).
"""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from anchorval.cases import parse_case_text
from anchorval.cases._loader import MAX_CASE_BYTES, MAX_CASE_DEPTH, MAX_CASE_NODES, MAX_INT_DIGITS, _bundled_text
from anchorval.cli import app
from anchorval.cli._common import MAX_ERROR_CHARS, one_line
from anchorval.errors import CaseError
from anchorval.workflows.simulate import MAX_DRAWS

from ._mutate import alias_bomb, deep_nesting

runner = CliRunner()
ANTHROPIC = _bundled_text("anthropic-2026-06")
ZHIPU = _bundled_text("zhipu-2026-06")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def one_error(args: list[str]) -> str:
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == 2, (res.exit_code, res.output[-500:], res.exception)
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err[:500]
    return err


def write(tmp_path, text: str, name: str = "case.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# -- case files and YAML ----------------------------------------------------------------------


def test_alias_bomb_is_refused_quickly(tmp_path):
    text = alias_bomb(levels=9, fan=9)  # 9**9 = 387M leaves from ~400 bytes
    assert len(text) < 600
    p = write(tmp_path, text)
    t0 = time.perf_counter()
    err = one_error(["value", p])
    assert time.perf_counter() - t0 < 5  # main: ~58 s and 464 MB before failing
    assert f"too many YAML nodes after alias expansion (limit {MAX_CASE_NODES:,})" in err and str(p) in err


def test_deep_nesting_is_one_line(tmp_path):
    p = write(tmp_path, deep_nesting(1000))  # main: RecursionError traceback from the scanner
    assert f"nesting deeper than {MAX_CASE_DEPTH} levels" in one_error(["value", p])


def test_long_integer_literal_is_one_line(tmp_path):
    p = write(tmp_path, "id: x\nas_of: 2026-06-22\nn: " + "9" * 5000 + "\n")  # main: ValueError traceback
    assert f"{p}:3: a number with more than {MAX_INT_DIGITS} digits" in one_error(["value", p])


def test_nul_byte_is_one_line_with_its_line(tmp_path):
    p = write(tmp_path, ANTHROPIC.replace("  name: Anthropic", "  name: Anthro\x00pic", 1))
    line = _line_of(ANTHROPIC, "  name: Anthropic")
    assert f"{p}:{line}: control character U+0000" in one_error(["value", p])


def test_huge_value_is_not_echoed_whole(tmp_path):
    p = write(tmp_path, ANTHROPIC.replace("value: 965B USD", "value: " + "9x" * 200_000, 1))
    err = one_error(["value", p])
    assert len(err) < MAX_ERROR_CHARS + 100 and "more characters)" in err


def test_oversized_file_is_refused(tmp_path):
    p = write(tmp_path, ANTHROPIC + "#" * MAX_CASE_BYTES + "\n")
    assert f"case files are limited to {MAX_CASE_BYTES:,} bytes" in one_error(["value", p])


def test_str_tag_is_plain_yaml_1_2(tmp_path):
    # valid YAML 1.2; main refused it with ruamel internals in the message
    c = parse_case_text(ANTHROPIC.replace("value: 1e9\n", "value: !!str 1e9\n", 1), "a.yaml")
    assert c.perps[0].reference_shares.base == 10**9


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("value: 965B USD", "value: 1e400 USD", "magnitude outside"),
        ("value: 965B USD", "value: .inf", "not a finite number"),
        ("value: 59%", "value: 0%", "must be positive"),
    ],
)
def test_absurd_numbers_are_refused_at_load_with_file_line(tmp_path, old, new, why):
    text = ANTHROPIC.replace(old, new, 1)
    p = write(tmp_path, text)
    err = one_error(["value", p])
    # the line of the figure (its key, one above the value); main: DivisionByZero / Overflow traceback
    assert f"{p}:{_line_of(text, new) - 1}:" in err and why in err


def test_negative_issue_price_has_file_line(tmp_path):
    text = _bundled_text("anthropic-2026-06-dcf")
    i = text.index("issue_price")
    j = text.index("value:", i)
    k = text.index(" ", j + 7)
    bad = text[: j + 7] + "-" + text[j + 7 :] if text[j + 7] != "-" else text
    assert bad != text and k > j
    p = write(tmp_path, bad)
    err = one_error(["value", p])
    assert str(p) + ":" in err and "issue_price" in err and "must be positive" in err


def test_all_zero_blend_weights_in_a_case_have_file_line(tmp_path):
    text = ANTHROPIC.replace(
        "  arr_multiple: 0.5\n  last_round: 0.3\n  perp_implied: 0.2\n",
        "  arr_multiple: 0\n  last_round: 0\n  perp_implied: 0\n",
        1,
    )
    p = write(tmp_path, text)
    err = one_error(["value", p])
    assert f"{p}:{_line_of(text, 'blend_weights:')}: blend_weights: every weight is zero" in err


def test_misspelled_blend_weight_key_in_a_case_is_an_error(tmp_path):
    text = ANTHROPIC.replace("  arr_multiple: 0.5\n", "  arr_multipel: 0.5\n", 1)
    p = write(tmp_path, text)
    err = one_error(["value", p])
    assert f"{p}:{_line_of(text, 'arr_multipel')}: blend_weights.arr_multipel: unknown anchor" in err
    assert "arr_multiple" in err


def test_missing_peer_case_has_file_line_field(tmp_path):
    text = ANTHROPIC.replace("  case: zhipu-2026-06", "  case: zhipu-2099-01", 1)
    p = write(tmp_path, text)
    err = one_error(["value", p])
    assert f"{p}:{_line_of(text, 'case: zhipu-2099-01')}: peer.case: peer case 'zhipu-2099-01' not found" in err


def test_peer_cycle_has_file_line_field(tmp_path):
    a = ANTHROPIC.replace("  case: zhipu-2026-06", "  case: b-case", 1)
    b = ANTHROPIC.replace("id: anthropic-2026-06", "id: b-case", 1).replace(
        "  case: zhipu-2026-06", "  case: anthropic-2026-06", 1
    )
    pa = write(tmp_path, a, "anthropic-2026-06.yaml")
    write(tmp_path, b, "b-case.yaml")
    err = one_error(["value", pa])
    assert "peer cycle: anthropic-2026-06 -> b-case -> anthropic-2026-06" in err
    assert f"b-case.yaml:{_line_of(b, 'case: anthropic-2026-06')}: peer.case" in err


def test_every_error_is_shown_unknown_fields_first():
    text = ANTHROPIC.replace("    value: 65B USD\n", "    value: -65B USD\n", 1).replace(
        "  status: private", "  staus: private", 1
    )
    with pytest.raises(CaseError) as ei:
        parse_case_text(text, "a.yaml")
    msg = str(ei.value)
    assert msg.startswith(f"a.yaml:{_line_of(text, 'staus')}: company.staus: unknown field (check the spelling)")
    assert "and 2 more" in msg and "company.status" in msg and "money_raised" in msg


# -- command-line options ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["simulate", "anthropic-2026-06", "--draws", "1e12"], f"over the limit of {MAX_DRAWS:,} draws"),
        (["simulate", "anthropic-2026-06", "--draws", "1e400"], "magnitude outside"),
        (["simulate", "anthropic-2026-06", "--draws", "9" * 20], "magnitude outside"),
        (["simulate", "anthropic-2026-06", "--draws", "1000", "--threshold", "1e400 USD"], "magnitude outside"),
        (["simulate", "anthropic-2026-06", "--draws", "1000", "--threads", "100000"], "threads: must be 0"),
        (["market", "zhipu-2026-06", "--tracking-assets", "1e30 HKD"], "magnitude outside"),
        (["market", "zhipu-2026-06", "--fundamental", "0 HKD"], "fundamental value: must be positive"),
        (["dcf", "anthropic-2026-06-dcf", "--solve-for", "growth", "--target", "1e400 USD"], "magnitude outside"),
        (["value", "anthropic-2026-06", "--weights", "arr_multiple=nan"], "not a finite number"),
    ],
)
def test_absurd_option_values(args, needle):
    assert needle in one_error(args)


def test_weights_accept_percentages_and_name_ignored_anchors():
    import anchorval

    t = anchorval.value("anthropic-2026-06", weights={"arr_multiple": "50%", "last_round": "50%", "dcf": "10%"})
    assert t.blended.ignored == ("dcf",)  # no dcf section in this case: said, not silently renormalised
    arr, last = t.anchor("arr_multiple").base.amount, t.anchor("last_round").base.amount
    assert t.blended.base.amount == (arr + last) / 2
    res = runner.invoke(app, ["value", "anthropic-2026-06", "--weights", "arr_multiple=50%,last_round=50%,dcf=1"])
    assert res.exit_code == 0 and "blend weights of dcf ignored (not computed)" in res.stdout


# -- output paths -----------------------------------------------------------------------------


def test_report_path_errors_name_the_report(tmp_path):
    err = one_error(["value", "anthropic-2026-06", "--report", ""])
    assert "an output path is empty" in err
    missing = tmp_path / "no-such-dir" / "r.html"
    err = one_error(["value", "anthropic-2026-06", "--report", missing])
    assert str(missing) in err and "does not exist" in err
    assert not missing.parent.exists()  # main created the directory silently


def test_one_line_escapes_terminal_controls():
    assert one_line("a\x1b[2Jb\x07c\u202ed") == "a\\x1b[2Jb\\x07c\\u202ed"


# -- output -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["value"], ["simulate", "--draws", "2000"], ["market"], ["dcf"]])
def test_markup_and_escapes_in_case_text_print_as_text(tmp_path, command):
    # main: MarkupError traceback on every table; the clear-screen sequence reached the terminal raw
    hostile = 'name: "Acme [/bold] Corp [red]x[/red] \\e[2J"'
    base = (
        ZHIPU
        if command[0] == "market"
        else _bundled_text("anthropic-2026-06-dcf")
        if command[0] == "dcf"
        else ANTHROPIC
    )
    text = base.replace("  name: " + base.split("  name: ", 1)[1].split("\n", 1)[0], "  " + hostile, 1)
    p = write(tmp_path, text)
    res = runner.invoke(app, [command[0], str(p), *command[1:]], env={"COLUMNS": "200"})
    assert res.exit_code == 0, (res.output[-800:], res.exception)
    assert "\x1b" not in res.stdout
    if command[0] != "market":  # the market tables do not print the company name
        assert "Acme [/bold] Corp [red]x[/red] \\x1b[2J" in res.stdout
