"""Provenance of case figures: stated, derived or assumed; derived formulas; cited dates; checks.

A figure is one of three kinds:

- ``stated``: the source prints this number (the figure's note quotes it);
- ``derived``: computed from other figures of the case; the case gives the formula and its inputs
  (``derived: {formula: a / b, inputs: {a: path, b: path}}``) and the loader recomputes it and
  refuses a mismatch beyond the stated tolerance;
- ``assumption``: no source gives it; it cites the case's ``assumption`` source, with a range and
  the author's reasoning.

Dates that matter to a valuation (listing date, round dates, perp launch dates, lock-up expiries,
horizons) carry a :class:`DateCite` the same way, in a sibling field ``<name>_cite``.

The checks here only read a case; they return warnings with the numbers and never raise.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ._figure import FIGURE_KINDS, DateCite, DerivedSpec, Figure, FigureKind, iter_figures

if TYPE_CHECKING:  # pragma: no cover
    from ._case import Case

__all__ = [
    "FIGURE_KINDS",
    "PEER_AGE_DAYS",
    "STATED_TOTAL_TOLERANCE",
    "DateCite",
    "DerivedSpec",
    "FigureKind",
    "check_derived",
    "evaluate_formula",
    "iter_all_figures",
    "iter_date_cites",
    "provenance_warnings",
    "scale_slip",
]

#: Relative gap (decimal, 0.10 = 10%) above which a stated total and its recomputation disagree.
#: anchorval's own threshold: wide enough for the rounding and "over"/"about" wording of articles.
STATED_TOTAL_TOLERANCE = Decimal("0.10")
#: A peer case older than the target case by more than this many days is flagged as stale.
#: anchorval's own threshold (one year: a listed peer's P/S moves a lot in a year).
PEER_AGE_DAYS = 365


_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def evaluate_formula(formula: str, values: Mapping[str, Decimal]) -> Decimal:
    """Evaluate a derived figure's formula exactly, in Decimal.

    Parameters
    ----------
    formula : str
        ``+ - * /``, unary minus, parentheses, numbers and the names in ``values``.
    values : mapping of str to Decimal
        Input values (each in its figure's unit: totals, counts, decimals for ratios).

    Returns
    -------
    Decimal
        The result (28 significant digits, Python's default Decimal context).

    Raises
    ------
    ValueError
        For any other syntax (calls, attributes, powers...), an unknown name, or a division by zero.

    Examples
    --------
    >>> from decimal import Decimal
    >>> evaluate_formula("a / b", {"a": Decimal("11.7379e6"), "b": Decimal("0.0267")})
    Decimal('439621722.8464419475655430712')
    >>> evaluate_formula("__import__('os')", {})
    Traceback (most recent call last):
    ...
    ValueError: formula: only + - * /, numbers and input names are allowed, not Call
    """
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"formula: cannot read {formula!r}") from None

    def ev(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            a, b = ev(node.left), ev(node.right)
            op = _BINOPS[type(node.op)]
            if op == "/":
                if b == 0:
                    raise ValueError(f"formula: division by zero in {formula!r}")
                return a / b
            return a + b if op == "+" else a - b if op == "-" else a * b
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise ValueError(f"formula: unknown input {node.id!r} (inputs: {', '.join(sorted(values)) or 'none'})")
            return values[node.id]
        raise ValueError(f"formula: only + - * /, numbers and input names are allowed, not {type(node).__name__}")

    try:
        return ev(tree)
    except (InvalidOperation, DivisionByZero, OverflowError):
        raise ValueError(f"formula: {formula!r} has no finite value") from None


def iter_all_figures(model: BaseModel) -> Iterator[tuple[str, Figure]]:
    """Yield every figure of a case with its path, alternatives included (``'<path>.alternatives[i]'``).

    Parameters
    ----------
    model : pydantic.BaseModel
        A case or any part of it.

    Yields
    ------
    tuple of (str, Figure)
    """
    for path, fig in iter_figures(model):
        yield path, fig
        for i, alt in enumerate(fig.alternatives):
            yield f"{path}.alternatives[{i}]", alt


def iter_date_cites(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, DateCite | None]]:
    """Yield ``(path, cite)`` for every date field that can carry a citation (``<name>_cite``).

    A date with no citation yields ``None``; a date field left empty is skipped.

    Parameters
    ----------
    model : pydantic.BaseModel
        A case or any part of it.
    prefix : str
        Path prefix (used in recursion).

    Yields
    ------
    tuple of (str, DateCite or None)
        Paths such as ``'company.listing_date'``, ``'funding_rounds[0].date'``.
    """
    fields = type(model).model_fields
    for name in fields:
        val = getattr(model, name)
        if f"{name}_cite" in fields and val is not None:
            yield f"{prefix}{name}", getattr(model, f"{name}_cite")
        items = enumerate(val) if isinstance(val, tuple | list) else [(None, val)]
        for i, item in items:
            if isinstance(item, BaseModel) and not isinstance(item, Figure | DateCite):
                path = f"{prefix}{name}" + (f"[{i}]" if i is not None else "")
                yield from iter_date_cites(item, path + ".")


def check_derived(case: Case) -> None:
    """Recompute every derived figure of a case and refuse a mismatch.

    Parameters
    ----------
    case : Case

    Raises
    ------
    ValueError
        ``'<path>: ...'`` (the loader turns the path into file:line) for a derived figure whose
        value differs from its formula beyond its tolerance, an input path that is not a figure
        of the case, inputs in different units where the formula adds them, or a bad formula.
    """
    figures = dict(iter_all_figures(case))
    for path, fig in figures.items():
        spec = fig.derived
        if spec is None:
            continue
        vals: dict[str, Decimal] = {}
        for name, ref in spec.inputs.items():
            src = figures.get(ref)
            if src is None:
                raise ValueError(f"{path}.derived.inputs.{name}: {ref!r} is not a figure of this case")
            vals[name] = src.base
        try:
            computed = evaluate_formula(spec.formula, vals)
        except ValueError as exc:
            raise ValueError(f"{path}.derived: {exc}") from None
        stated = fig.base
        gap = abs(stated - computed) / abs(computed) if computed else abs(stated)
        if gap > spec.tolerance:
            shown = ", ".join(f"{k} = {v.normalize():,f}" for k, v in vals.items())
            raise ValueError(
                f"{path}: derived value {stated.normalize():,f} does not match {spec.formula} = "
                f"{computed:,.6g} ({shown}); gap {gap * 100:.4g}% exceeds the tolerance "
                f"{spec.tolerance * 100:.4g}%"
            )


def scale_slip(ratio: Decimal | float) -> str | None:
    """Name the likely scale slip when two readings differ by a factor near a power of ten.

    Parameters
    ----------
    ratio : Decimal or float
        One reading divided by the other (positive).

    Returns
    -------
    str or None
        ``'x10 (e.g. million vs ten million, 亿 vs 千万)'`` and the like when ``ratio`` lies within
        10% of 10**k for k != 0; otherwise None.

    Examples
    --------
    >>> scale_slip(10.0)
    'x10: a slipped decimal (e.g. 724.33 million read as 7.2433 billion)'
    >>> scale_slip(0.001)
    'x1/1000: million vs billion (or thousand vs million)'
    >>> scale_slip(1.04) is None
    True
    """
    r = float(ratio)
    if not (r > 0 and math.isfinite(r)):
        return None
    k = round(math.log10(r))
    if k == 0 or abs(r / 10**k - 1) > 0.10:
        return None
    names = {
        1: "a slipped decimal (e.g. 724.33 million read as 7.2433 billion)",
        2: "a slipped two places (e.g. percent read as a decimal)",
        3: "million vs billion (or thousand vs million)",
        4: "万 vs 亿 (1e4)",
        6: "million vs trillion",
        8: "亿 vs 万亿 (1e8) or unit vs 亿",
    }
    text = names.get(abs(k), f"a factor of 10^{abs(k)}")
    return f"x{10**k}: {text}" if k > 0 else f"x1/{10**-k}: {text}"


def _rel_gap(stated: Decimal, computed: Decimal) -> Decimal:
    return abs(stated - computed) / abs(computed) if computed else Decimal(0)


def provenance_warnings(case: Case, peers: Mapping[str, Case] | None = None) -> list[str]:
    """Check a case's figures: stated totals vs their recomputation, stale peers, scale slips.

    Parameters
    ----------
    case : Case
        The case to check.
    peers : mapping of str to Case, optional
        Its resolved peer cases (for the peer-age check).

    Returns
    -------
    list of str
        One warning per finding, each with the numbers. Thresholds:
        :data:`STATED_TOTAL_TOLERANCE` (relative gap of a stated total), :data:`PEER_AGE_DAYS`,
        and a factor within 10% of a power of ten for two readings of one quantity.

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> provenance_warnings(lc.case, lc.peers)
    []
    """
    out: list[str] = []
    cap = case.capital
    if cap is not None and cap.market_cap is not None and cap.share_price is not None:
        shares = cap.shares_outstanding
        if shares is not None and cap.market_cap.unit == cap.share_price.unit:
            computed = cap.share_price.base * shares.base
            stated = cap.market_cap.base
            if computed and _rel_gap(stated, computed) > STATED_TOTAL_TOLERANCE:
                slip = scale_slip(stated / computed)
                out.append(
                    f"capital.market_cap: stated {stated.normalize():,f} {cap.market_cap.unit} differs from "
                    f"share price x shares = {cap.share_price.base.normalize():,f} x {shares.base.normalize():,f} = "
                    f"{computed.normalize():,f} by {_rel_gap(stated, computed) * 100:.3g}%"
                    + (f"; likely scale slip {slip}" if slip else "")
                )
    mkt = case.market
    total = cap.shares_outstanding if cap is not None else None
    if mkt is not None and total is not None and total.base:
        ff = mkt.free_float
        pairs = []
        if ff is not None and ff.unrestricted_shares is not None and ff.unrestricted_pct is not None:
            pairs.append(("market.free_float.unrestricted_pct", ff.unrestricted_pct, ff.unrestricted_shares))
        for i, lu in enumerate(mkt.lockups):
            if lu.shares is not None and lu.pct_of_total is not None:
                pairs.append((f"market.lockups[{i}].pct_of_total", lu.pct_of_total, lu.shares))
        for path, pct_fig, count_fig in pairs:
            computed = count_fig.base / total.base
            if _rel_gap(pct_fig.base, computed) > STATED_TOTAL_TOLERANCE:
                slip = scale_slip(pct_fig.base / computed)
                out.append(
                    f"{path}: stated {pct_fig.base * 100:.4g}% differs from shares / total = "
                    f"{count_fig.base.normalize():,f} / {total.base.normalize():,f} = {computed * 100:.4g}%"
                    + (f"; likely scale slip {slip}" if slip else "")
                )
    for pid, peer in (peers or {}).items():
        age = (case.as_of - peer.as_of).days
        if age > PEER_AGE_DAYS:
            out.append(
                f"peer case {pid} is dated {peer.as_of.isoformat()}, {age} days before this case "
                f"({case.as_of.isoformat()}; threshold {PEER_AGE_DAYS} days): its multiple may be stale"
            )
    for path, fig in iter_figures(case):
        for i, alt in enumerate(fig.alternatives):
            if alt.unit != fig.unit or not fig.base or not alt.base:
                continue
            slip = scale_slip(alt.base / fig.base)
            if slip:
                out.append(
                    f"{path}: two readings a power of ten apart: {fig.display()} ({fig.source}) vs "
                    f"{alt.display()} ({alt.source}, alternatives[{i}]); likely scale slip {slip}"
                )
    return out
