"""Orchestration for ``anchorval dcf``: load a case, run the DCF and the reverse DCF.

The reverse DCF runs against a given target or against the case's own marks.

Examples
--------
>>> from anchorval.fundamental import run_dcf
>>> run = run_dcf("anthropic-2026-06-dcf", solve_for="growth", target="1.7T USD")
>>> f"{run.solutions[0].value:.1%}"
'74.2%'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from ..anchors import AnchorContext
from ..anchors._base import Derivation
from ..anchors._dcf_math import DcfResult, DcfSolution, dcf_value, solve_dcf
from ..anchors.dcf import dcf_params, dcf_targets
from ..cases import resolve_case
from ..domain import Case
from ..errors import SolveError
from ..money import Money, jsonable, parse_amount

__all__ = ["DcfRun", "run_dcf"]


@dataclass(frozen=True)
class DcfRun:
    """A case's DCF with its reverse-DCF solutions.

    Attributes
    ----------
    case : Case
    currency : str
        DCF currency (the revenue's); every amount of ``result`` is in it.
    result : DcfResult
        The base DCF (``result.to_frame()`` is the year table).
    solutions : tuple of DcfSolution
        One per target that was solved.
    targets : tuple of (str, Money)
        Label and target value (in the DCF currency) of each solution, same order.
    failures : tuple of (str, str)
        Targets with no solution in the search interval, and why.
    """

    case: Case
    currency: str
    result: DcfResult
    solutions: tuple[DcfSolution, ...] = ()
    targets: tuple[tuple[str, Money], ...] = ()
    failures: tuple[tuple[str, str], ...] = ()

    def to_frame(self) -> Any:
        """Year-by-year table (pandas DataFrame), as :meth:`DcfResult.to_frame`."""
        return self.result.to_frame()

    def year_labels(self) -> list[str]:
        """Label of each row of the year table: ``'base'``, ``'1'`` .. ``'10'``, ``'terminal'``.

        Examples
        --------
        >>> labels = run_dcf("anthropic-2026-06-dcf").year_labels()
        >>> labels[:2], labels[-1], len(labels)
        (['base', '1'], 'terminal', 12)
        """
        return ["base" if y.year == 0 else "terminal" if y.year == 11 else str(y.year) for y in self.result.years]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON structure (``anchorval.dcf/1``; amounts as decimal strings).

        Amounts are totals in :attr:`currency`; growth, margins and rates are decimals
        (0.742 = 74.2%); ``reverse_dcf`` lists each target with the input that reaches it.

        Examples
        --------
        >>> d = run_dcf("anthropic-2026-06-dcf", solve_for="growth", target="1.7T USD").to_dict()
        >>> d["schema"], d["reverse_dcf"][0]["solve_for"], d["reverse_dcf"][0]["implied"][:5]
        ('anchorval.dcf/1', 'growth', '0.742')
        """
        r = self.result
        return {
            "schema": "anchorval.dcf/1",
            "case": self.case.id,
            "currency": self.currency,
            "years": [
                {**jsonable(asdict(y)), "year": label} for y, label in zip(r.years, self.year_labels(), strict=True)
            ],
            "pv_fcff": jsonable(r.pv_fcff),
            "terminal_value": jsonable(r.terminal_value),
            "pv_terminal_value": jsonable(r.pv_terminal_value),
            "terminal_roic": jsonable(r.terminal_roic),
            "operating_assets": jsonable(r.operating_assets),
            "equity_value": jsonable(r.equity_value),
            "value_per_share": jsonable(r.value_per_share),
            "reverse_dcf": [
                {
                    "target": label,
                    "value": jsonable(m.amount),
                    "solve_for": s.solve_for,
                    "implied": jsonable(s.value),
                    "case_value": jsonable(s.base_value),
                }
                for (label, m), s in zip(self.targets, self.solutions, strict=True)
            ],
            "not_solved": [{"target": k, "why": v} for k, v in self.failures],
        }


def run_dcf(
    case: str | Path | Case,
    solve_for: Literal["growth", "margin"] | None = None,
    target: str | Money | None = None,
) -> DcfRun:
    """Run a case's DCF and, optionally, the reverse DCF.

    Parameters
    ----------
    case : str, Path or Case
        Bundled case id, case file, or a Case.
    solve_for : {'growth', 'margin'}, optional
        Reverse DCF: solve for revenue growth in years 1-5 or for the target operating margin.
    target : str or Money, optional
        Equity value to match (``'1.7T USD'``); default: every mark in the case (last round
        post-money, perp marks, listed market cap). Converted to the DCF currency at the case date.

    Returns
    -------
    DcfRun

    Raises
    ------
    UnknownCaseError, CaseError
        If the case cannot be loaded.
    MissingFigureError
        If the case has no ``dcf`` section.
    ModelInputError
        On out-of-domain inputs.
    SolveError
        If an explicit ``target`` cannot be reached.
    """
    loaded = resolve_case(case)
    c = loaded.case
    ctx = AnchorContext(fx=loaded.fx, peers=dict(loaded.peers))
    d = Derivation(c, ctx, "dcf")
    spec = d.require(c.dcf, "dcf")
    cur = spec.revenue.unit
    p = dcf_params(spec)
    result = dcf_value(p)
    sols, tgts, fails = [], [], []
    if solve_for is not None:
        marks = [("target", parse_amount(target))] if target is not None else dcf_targets(c)
        for label, m in marks:
            tm, _ = d.convert(m, c.as_of, to=cur)
            try:
                sols.append(solve_dcf(p, tm.amount, solve_for))
                tgts.append((label, tm))
            except SolveError as exc:
                if target is not None:
                    raise
                fails.append((label, str(exc)))
    return DcfRun(c, cur, result, tuple(sols), tuple(tgts), tuple(fails))
