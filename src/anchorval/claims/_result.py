"""Results of a claims audit: per article (claims, checks, verdicts) and for the whole run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..money import FxRate
from ._checks import CONSISTENT, INCONSISTENT, NOT_CHECKABLE, Check, Reference, verdict_of
from ._extract import Claim
from ._text import Sentence

__all__ = ["AUDIT_SCHEMA_ID", "ArticleAudit", "AuditResult", "ClaimRow"]

#: Identifier and version of the JSON output of ``anchorval audit`` (docs/audit.md).
AUDIT_SCHEMA_ID = "anchorval.audit/1"


def _s(d: Decimal | None) -> str | None:
    if d is None:
        return None
    if not d.is_finite():
        return None
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One row of the claims table: a claim, its verdict and the check that decided it."""

    claim: Claim
    verdict: str
    check: Check
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class ArticleAudit:
    """The audit of one article.

    Attributes
    ----------
    name : str
        File name (or ``'<text>'``).
    text : str
        The article text as decoded.
    sentences : tuple of Sentence
    claims : tuple of Claim
    checks : tuple of Check
        Every check, claims in text order.
    """

    name: str
    text: str
    sentences: tuple[Sentence, ...]
    claims: tuple[Claim, ...]
    checks: tuple[Check, ...]

    def checks_of(self, claim_id: str) -> tuple[Check, ...]:
        """Return the checks of one claim."""
        return tuple(k for k in self.checks if k.claim == claim_id)

    def verdict(self, claim_id: str) -> str:
        """Return a claim's verdict (``consistent``, ``inconsistent`` or ``cannot_check``)."""
        return verdict_of(self.checks_of(claim_id))

    def rows(self) -> list[ClaimRow]:
        """One row per claim, with the deciding check (the first inconsistent, else consistent)."""
        out = []
        for c in self.claims:
            ks = self.checks_of(c.id)
            v = verdict_of(ks)
            main = next((k for k in ks if k.verdict == v), ks[0])
            out.append(ClaimRow(c, v, main, ks))
        return out

    def counts(self) -> dict[str, int]:
        """Count the claims by verdict."""
        n = Counter(r.verdict for r in self.rows())
        return {v: n.get(v, 0) for v in (CONSISTENT, INCONSISTENT, NOT_CHECKABLE)}

    def claim(self, claim_id: str) -> Claim:
        """Return the claim with this id."""
        return next(c for c in self.claims if c.id == claim_id)


@dataclass(frozen=True)
class AuditResult:
    """A claims audit of one or more articles against zero or more cases.

    Attributes
    ----------
    articles : tuple of ArticleAudit
    cases : tuple of str
        Case ids the references came from.
    as_of : date or None
        Date of the FX rates (the first case's as-of date).
    references : tuple of Reference
        Every figure, computed value and anchor claims were checked against.
    fx_rates : tuple of FxRate
        Rates used to compare currencies (dated, sourced).
    sources : dict of str to dict
        Cited sources by ``'case:source_id'``: title, publisher, date, assumption flag.
    """

    articles: tuple[ArticleAudit, ...]
    cases: tuple[str, ...] = ()
    as_of: date | None = None
    references: tuple[Reference, ...] = ()
    fx_rates: tuple[FxRate, ...] = ()
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Count the claims by verdict over all articles."""
        total: Counter[str] = Counter()
        for a in self.articles:
            total.update(a.counts())
        return {v: total.get(v, 0) for v in (CONSISTENT, INCONSISTENT, NOT_CHECKABLE)}

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON structure documented in ``docs/audit.md`` (schema ``anchorval.audit/1``).

        Returns
        -------
        dict
            Values are decimal strings in the claim's unit (totals for money, decimals for
            percentages, x for multiples); gaps are decimals (0.1 = printed 10% above).
        """
        return {
            "schema": AUDIT_SCHEMA_ID,
            "cases": list(self.cases),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "counts": self.counts(),
            "articles": [
                {
                    "name": a.name,
                    "sentences": len(a.sentences),
                    "counts": a.counts(),
                    "claims": [
                        {
                            **r.claim.to_dict(),
                            "verdict": r.verdict,
                            "checks": [_check_dict(k) for k in r.checks],
                        }
                        for r in a.rows()
                    ],
                }
                for a in self.articles
            ],
            "references": [
                {
                    "quantity": r.quantity,
                    "entity": r.entity,
                    "low": _s(r.low),
                    "high": _s(r.high),
                    "unit": r.unit,
                    "bound": r.bound,
                    "label": r.label,
                    "origin": r.origin,
                    "method": r.method,
                    "period": r.period,
                    "citations": list(r.citations),
                }
                for r in self.references
            ],
            "fx_rates": [
                {
                    "pair": r.pair,
                    "rate": str(r.rate),
                    "on": r.on.isoformat(),
                    "source": r.source,
                    "assumption": r.assumption,
                }
                for r in self.fx_rates
            ],
            "sources": self.sources,
        }

    def to_frame(self) -> Any:
        """Return the claims table as a pandas DataFrame (one row per claim)."""
        import pandas as pd

        rows = []
        for a in self.articles:
            for r in a.rows():
                rows.append(
                    {
                        "article": a.name,
                        "claim": r.claim.id,
                        "text": r.claim.text,
                        "kind": r.claim.kind,
                        "quantity": r.claim.quantity,
                        "entity": r.claim.entity,
                        "verdict": r.verdict,
                        "against": r.check.against,
                        "gap": float(r.check.gap) if r.check.gap is not None else None,
                        "slip": r.check.slip,
                        "reason": r.check.reason,
                    }
                )
        return pd.DataFrame(rows)


def _check_dict(k: Check) -> dict[str, Any]:
    return {
        "scope": k.scope,
        "verdict": k.verdict,
        "against": k.against,
        "expected_low": _s(k.expected_low),
        "expected_high": _s(k.expected_high),
        "unit": k.unit,
        "gap": _s(k.gap.quantize(Decimal("0.0001"))) if k.gap is not None else None,
        "slip": k.slip,
        "reason": k.reason,
        "citations": list(k.citations),
        "other": k.other,
    }
