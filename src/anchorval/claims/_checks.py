"""Checks of extracted claims against references, within an article and across articles.

References are case figures, computed values and anchors. Each check gives a verdict, the gap and,
when one explains the gap, the named class of slip.

Pure maths over plain data: references and FX rates come in as values (the workflow builds them
from cases), so this module never reads a case or a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ._extract import Claim

__all__ = [
    "CONSISTENT",
    "INCONSISTENT",
    "NOT_CHECKABLE",
    "SLIPS",
    "Check",
    "Reference",
    "check_across",
    "check_article",
    "classify_slip",
    "claim_interval",
    "convert",
    "verdict_of",
]

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
NOT_CHECKABLE = "cannot_check"

#: Named classes of slip, each explaining a gap between a printed number and what it should be.
SLIPS = {
    "scale": "scale: a power of ten apart (x10, x1,000 million vs billion, 万 vs 亿)",
    "currency": "currency: the amount holds in another currency than the one printed",
    "period": "period: annual vs quarterly or monthly (x4, x12), trailing vs forward, run rate vs audited",
    "wording": "wording vs number: the words name a size the figures do not give",
    "rounding": "rounding: within a few percent, beyond the precision printed",
    "label": "label: the same number given two different labels",
}

#: Tolerance of a hedged claim ('about', 'approximately', 约): +-10% ('about $100 million' for
#: $107 million is the usual journalistic rounding).
ABOUT_TOLERANCE = Decimal("0.10")
#: Largest tolerance an exact print gets from its precision: +-5% ('1 trillion' is not 0.5-1.5T).
PRECISION_CAP = Decimal("0.05")
#: Smallest tolerance of an exact claim: +-1% (a figure printed as 820 for 826 still agrees).
EXACT_TOLERANCE = Decimal("0.01")
#: A gap this small with no other explanation is named rounding.
ROUNDING_GAP = Decimal("0.05")
#: Quantities that are facts of one period (compared within and across articles).
FACT_QUANTITIES = frozenset(
    {
        "revenue",
        "net_loss",
        "adjusted_net_loss",
        "rd_expense",
        "funding",
        "arr",
        "volume",
        "share_count",
        "float_shares",
        "unlock_shares",
        "share_price",
        "float_pct",
        "unlock_pct",
        "index_weight",
        "revenue_growth",
        "combined_arr",
        "revenue_share",
    }
)
#: Line items whose values must not be swapped between labels.
LINE_ITEMS = frozenset({"revenue", "net_loss", "adjusted_net_loss", "rd_expense", "funding", "arr"})
#: Quantities compared with each other (a private company's 'market value' is its valuation).
FAMILIES = {"valuation": {"valuation", "market_cap"}, "market_cap": {"market_cap", "valuation"}}
#: Quantities that belong to no single company (Anthropic + OpenAI combined ARR).
ENTITYLESS = frozenset({"combined_arr"})
_CURRENCIES_TRIED = ("USD", "HKD", "CNY")
_INF = Decimal("Infinity")


@dataclass(frozen=True, slots=True)
class Reference:
    """A value a claim can be checked against (plain data, built by the workflow).

    Attributes
    ----------
    quantity, entity : str
        What it measures and of which company (see :class:`~anchorval.claims.Claim`).
    low, high : Decimal
        Value interval in ``unit`` (totals for money, decimals for ratios, x for multiples).
    unit : str
        Currency code, ``'count'``, ``'ratio'`` or ``'x'``.
    label : str
        What it is, in words (``'Zhipu market cap = share price x shares outstanding'``).
    origin : str
        ``'case'`` (a cited figure), ``'computed'`` (anchorval arithmetic on figures) or
        ``'anchor'`` (an anchor's low-high).
    citations : tuple of str
        ``'case:path = value (source, as of date)'`` for each figure used.
    bound : str
        ``'exact'``, or ``'over'``/``'under'`` when the figure is a bound.
    method : str, optional
        Anchor key of a valuation (``'perp_implied'``), to match the method a sentence names.
    period : str, optional
        Year the figure describes (``'2025'``).
    """

    quantity: str
    entity: str
    low: Decimal
    high: Decimal
    unit: str
    label: str
    origin: str
    citations: tuple[str, ...] = ()
    bound: str = "exact"
    method: str | None = None
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """The result of checking one claim against one thing.

    Attributes
    ----------
    claim : str
        Claim id.
    scope : str
        ``'case'``, ``'computed'``, ``'anchor'``, ``'article'`` (another claim of the same
        article) or ``'across'`` (a claim of another article).
    verdict : str
        ``'consistent'``, ``'inconsistent'`` or ``'cannot_check'``.
    against : str
        What it was checked against, in words.
    expected_low, expected_high : Decimal or None
        The recomputed value (interval) in ``unit``.
    unit : str or None
        Unit of the expected value.
    gap : Decimal or None
        Printed / expected - 1 (decimal; 9.0 = printed ten times too large), between the nearest
        points of the two intervals; None when consistent or not checked.
    slip : str or None
        Key of :data:`SLIPS` when one explains the gap.
    reason : str
        One sentence: why this verdict.
    citations : tuple of str
        Figures and rates used.
    other : str or None
        Id of the other claim (``'article'``/``'across'`` scope), as ``'article:claim'``.
    """

    claim: str
    scope: str
    verdict: str
    against: str
    expected_low: Decimal | None
    expected_high: Decimal | None
    unit: str | None
    gap: Decimal | None
    slip: str | None
    reason: str
    citations: tuple[str, ...] = ()
    other: str | None = None


# -- intervals ---------------------------------------------------------------------------------
def claim_interval(c: Claim) -> tuple[Decimal, Decimal]:
    """Return the values a claim admits, from its hedge and printed precision.

    Parameters
    ----------
    c : Claim
        A claim with a value.

    Returns
    -------
    tuple of (Decimal, Decimal)
        ``(lo, hi)`` in the claim's unit; ``over`` opens the top (``Infinity``), ``under`` the
        bottom (``-Infinity``); ``about`` widens by 5%, an exact number by its printed precision
        or 1%, whichever is larger; words keep their stated span.

    Examples
    --------
    >>> from anchorval.claims import extract_claims
    >>> claim_interval(extract_claims("over $30 billion")[0])
    (Decimal('29500000000.0'), Decimal('Infinity'))
    """
    assert c.low is not None and c.high is not None
    lo, hi = c.low, c.high
    if c.bound == "words":
        return lo, hi
    tol = ABOUT_TOLERANCE if c.bound == "about" else EXACT_TOLERANCE
    lo_w = max(abs(lo) * tol, min(c.precision, abs(lo) * PRECISION_CAP))
    hi_w = max(abs(hi) * tol, min(c.precision, abs(hi) * PRECISION_CAP))
    lo, hi = lo - lo_w, hi + hi_w
    if c.bound == "over" and c.low == c.high:
        return lo, _INF
    if c.bound == "under":
        return -_INF, hi
    return lo, hi


def _ref_interval(r: Reference) -> tuple[Decimal, Decimal]:
    if r.bound == "over":
        return r.low, _INF
    if r.bound == "under":
        return -_INF, r.high
    return r.low, r.high


def _overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _nearest_gap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> Decimal | None:
    """Return printed / expected - 1 between the nearest points of two disjoint intervals."""
    if a[1] < b[0]:
        x, y = a[1], b[0]
    else:
        x, y = a[0], b[1]
    if y == 0 or not x.is_finite() or not y.is_finite():
        return None
    return x / y - 1


def convert(value: Decimal, from_unit: str, to_unit: str, rates: Mapping[tuple[str, str], Decimal]) -> Decimal | None:
    """Convert an amount between currencies with a table of rates.

    Parameters
    ----------
    value : Decimal
        Amount in ``from_unit`` (total).
    from_unit, to_unit : str
        Currency codes.
    rates : mapping of (str, str) to Decimal
        ``rates[(base, quote)]`` = units of quote per unit of base.

    Returns
    -------
    Decimal or None
        The amount in ``to_unit``, or None if no rate is known either way round.

    Examples
    --------
    >>> convert(Decimal(100), "USD", "HKD", {("USD", "HKD"): Decimal("7.8")})
    Decimal('780.0')
    """
    if from_unit == to_unit:
        return value
    if (from_unit, to_unit) in rates:
        return value * rates[(from_unit, to_unit)]
    if (to_unit, from_unit) in rates:
        return value / rates[(to_unit, from_unit)]
    return None


def _is_money(unit: str | None) -> bool:
    return unit not in (None, "count", "ratio", "x")


def _claim_in(
    c: Claim, unit: str, rates: Mapping[tuple[str, str], Decimal], as_unit: str | None = None
) -> tuple[Decimal, Decimal] | None:
    """Return the claim's interval in ``unit`` (reading it in ``as_unit`` if given)."""
    lo, hi = claim_interval(c)
    src = as_unit or c.unit
    if src is None or not _is_money(src) or not _is_money(unit):
        return (lo, hi) if (src == unit or src is None) else None
    lo2 = convert(lo, src, unit, rates) if lo.is_finite() else lo
    hi2 = convert(hi, src, unit, rates) if hi.is_finite() else hi
    if lo2 is None or hi2 is None:
        return None
    return lo2, hi2


def classify_slip(
    c: Claim,
    expected: tuple[Decimal, Decimal],
    unit: str | None,
    rates: Mapping[tuple[str, str], Decimal],
) -> tuple[str | None, str]:
    """Name the class of slip that explains a gap, if one does.

    Tried in order: currency (the printed amount read in USD, HKD or CNY agrees), wording (the
    value is given in words), scale (a ratio within 10% of 10, 100, 1,000, 10^4 or 10^8, either
    way), period (x4 or x12, either way), rounding (a gap under 3%).

    Parameters
    ----------
    c : Claim
        The printed claim.
    expected : tuple of (Decimal, Decimal)
        What the figures give, in ``unit``.
    unit : str or None
        Unit of ``expected``.
    rates : mapping of (str, str) to Decimal
        FX rates (units of quote per base).

    Returns
    -------
    tuple of (str or None, str)
        Slip key of :data:`SLIPS` (or None) and a phrase that explains it.

    Examples
    --------
    >>> from anchorval.claims import extract_claims
    >>> c = extract_claims("revenue of 7.2433 billion RMB")[0]
    >>> classify_slip(c, (Decimal("724.33e6"), Decimal("724.33e6")), "CNY", {})[0]
    'scale'
    """
    if _is_money(c.unit) and _is_money(unit):
        for cur in _CURRENCIES_TRIED:
            if cur == c.unit:
                continue
            alt = _claim_in(c, unit or cur, rates, as_unit=cur)
            if alt is not None and _overlap(alt, expected):
                return "currency", f"the printed amount holds if read in {cur}, not {c.unit}"
    if c.words:
        return "wording", f"the words '{c.text}' name a size the figures do not give"
    assert c.low is not None and c.high is not None
    base = (c.low + c.high) / 2
    mid = _mid(expected)
    if _is_money(c.unit) and _is_money(unit) and c.unit != unit:
        conv = convert(base, c.unit or "", unit or "", rates) if c.unit else base
        base = conv if conv is not None else base
    if mid is None or mid == 0 or base == 0:
        return None, ""
    r = base / mid
    for k, name in (
        (10, "x10"),
        (100, "x100"),
        (1000, "x1,000 (million vs billion)"),
        (10**4, "x10^4 (万)"),
        (10**8, "x10^8 (亿)"),
    ):
        for kk, word in ((Decimal(k), "larger"), (1 / Decimal(k), "smaller")):
            if abs(r / kk - 1) <= Decimal("0.1"):
                return "scale", f"printed {name} {word} than the figures give"
    for k, name in ((4, "quarterly vs annual (x4)"), (12, "monthly vs annual (x12)")):
        for kk in (Decimal(k), 1 / Decimal(k)):
            if abs(r / kk - 1) <= Decimal("0.1"):
                return "period", name
    if abs(r - 1) <= ROUNDING_GAP:
        return "rounding", "within a few percent, beyond the precision printed"
    return None, ""


def _mid(iv: tuple[Decimal, Decimal]) -> Decimal | None:
    lo, hi = iv
    if lo.is_finite() and hi.is_finite():
        return (lo + hi) / 2
    if lo.is_finite():
        return lo
    if hi.is_finite():
        return hi
    return None


def _fmt(d: Decimal | None, unit: str | None) -> str:
    if d is None:
        return "?"
    if not d.is_finite():
        return "unbounded"
    if unit == "ratio":
        return f"{float(d) * 100:.4g}%"
    if unit == "x":
        return f"{float(d):,.4g}x"
    a = abs(d)
    for suffix, scale in (("T", 12), ("B", 9), ("M", 6)):
        if a >= Decimal(10) ** scale:
            return f"{float(d) / 10**scale:.4g}{suffix}" + (f" {unit}" if _is_money(unit) else "")
    return f"{float(d):,.6g}" + (f" {unit}" if _is_money(unit) else "")


def _iv_text(iv: tuple[Decimal, Decimal], unit: str | None) -> str:
    lo, hi = iv
    if lo == hi:
        return _fmt(lo, unit)
    if not hi.is_finite():
        return f"at least {_fmt(lo, unit)}"
    if not lo.is_finite():
        return f"at most {_fmt(hi, unit)}"
    return f"{_fmt(lo, unit)} to {_fmt(hi, unit)}"


def _units_compatible(c: Claim, unit: str) -> bool:
    if _is_money(unit):
        return c.unit is None and c.kind == "amount" or _is_money(c.unit)
    if unit == "ratio":
        return c.unit == "ratio"
    return c.unit == unit


def _compare(
    c: Claim,
    expected: tuple[Decimal, Decimal],
    unit: str,
    rates: Mapping[tuple[str, str], Decimal],
    scope: str,
    against: str,
    citations: Sequence[str] = (),
    other: str | None = None,
) -> Check:
    got = _claim_in(c, unit, rates)
    note = " (no currency printed; read in the reference's)" if c.kind == "amount" and c.unit is None else ""
    if _is_money(c.unit) and _is_money(unit) and c.unit != unit and c.unit is not None:
        rate = convert(Decimal(1), c.unit, unit, rates)
        if rate is not None:
            citations = (*citations, f"FX 1 {c.unit} = {rate:.6g} {unit}")
    if got is None:
        return Check(
            c.id,
            scope,
            NOT_CHECKABLE,
            against,
            None,
            None,
            unit,
            None,
            None,
            f"no FX rate between {c.unit} and {unit}",
            tuple(citations),
            other,
        )
    ok = _overlap(got, expected)
    if ok and c.low != c.high and c.bound in ("range", "about", "over", "exact") and expected[0] != expected[1]:
        # a printed range against a range: both ends must agree
        lo_ok = _overlap(_claim_in(_endpoint(c, "low"), unit, rates) or got, (expected[0], expected[0]))
        hi_ok = not expected[1].is_finite() or _overlap(
            _claim_in(_endpoint(c, "high"), unit, rates) or got, (expected[1], expected[1])
        )
        ok = lo_ok and hi_ok
    exp_lo, exp_hi = expected
    if ok:
        return Check(
            c.id,
            scope,
            CONSISTENT,
            against,
            exp_lo if exp_lo.is_finite() else None,
            exp_hi if exp_hi.is_finite() else None,
            unit,
            None,
            None,
            f"printed {_iv_text(got, unit)} agrees with {_iv_text(expected, unit)}{note}",
            tuple(citations),
            other,
        )
    gap = _nearest_gap(got, expected) if not _overlap(got, expected) else _endpoint_gap(c, expected, unit, rates)
    slip, why = classify_slip(c, expected, unit, rates)
    gap_text = f"; gap {float(gap) * 100:+.1f}%" if gap is not None else ""
    reason = f"printed {_iv_text(got, unit)} but {against} gives {_iv_text(expected, unit)}{gap_text}{note}"
    if slip:
        reason += f"; {slip} slip: {why}"
    return Check(
        c.id,
        scope,
        INCONSISTENT,
        against,
        exp_lo if exp_lo.is_finite() else None,
        exp_hi if exp_hi.is_finite() else None,
        unit,
        gap,
        slip,
        reason,
        tuple(citations),
        other,
    )


def _endpoint(c: Claim, which: str) -> Claim:
    v = c.low if which == "low" else c.high
    from dataclasses import replace

    return replace(c, low=v, high=v, bound="exact" if c.bound in ("range", "over") else c.bound)


def _endpoint_gap(
    c: Claim, expected: tuple[Decimal, Decimal], unit: str, rates: Mapping[tuple[str, str], Decimal]
) -> Decimal | None:
    assert c.low is not None and c.high is not None
    lo = _claim_in(_endpoint(c, "low"), unit, rates)
    if lo is None or expected[0] == 0:
        return None
    return _mid(lo) / expected[0] - 1 if _mid(lo) is not None else None  # type: ignore[operator]


# -- checks against references ------------------------------------------------------------------
def _candidates(c: Claim, refs: Sequence[Reference]) -> list[Reference]:
    fam = FAMILIES.get(c.quantity or "", {c.quantity})
    out = [
        r
        for r in refs
        if r.quantity in fam
        and (r.entity == c.entity or c.quantity in ENTITYLESS)
        and _units_compatible(c, r.unit)
        and not (
            c.period not in (None, "forward") and r.period and c.period != r.period and c.quantity in FACT_QUANTITIES
        )
    ]
    if c.method is not None and any(r.method == c.method for r in out):
        out = [r for r in out if r.method == c.method]
    elif c.method is not None and any(r.method for r in out):
        out = [r for r in out if r.method is None] or out
    return out


def _check_refs(c: Claim, refs: Sequence[Reference], rates: Mapping[tuple[str, str], Decimal]) -> list[Check]:
    if c.low is None or c.quantity is None:
        return []
    if c.period == "past":
        return [
            Check(
                c.id,
                "case",
                NOT_CHECKABLE,
                "case figures",
                None,
                None,
                None,
                None,
                None,
                "the sentence describes an earlier state; case figures are as of the case date",
            )
        ]
    cands = _candidates(c, refs)
    exact = [r for r in cands if r.bound == "exact"]
    cands = exact or cands  # a bound (market cap 'exceeded 1 trillion') only when nothing tighter
    checks = [_compare(c, _ref_interval(r), r.unit, rates, r.origin, r.label, r.citations) for r in cands]
    if not checks:
        return []
    good = [k for k in checks if k.verdict == CONSISTENT]
    if good and c.method is None and len({r.method for r in cands}) > 1:
        from dataclasses import replace

        why = "; the sentence names no valuation method: the first of the values it agrees with"
        return [replace(good[0], reason=good[0].reason + why)]
    if good:
        return good[:1]
    bad = [k for k in checks if k.verdict == INCONSISTENT]
    if not bad:
        return checks[:1]
    # the most plausible reading: an explained slip first, then the smallest gap
    bad.sort(
        key=lambda k: (k.slip is None, abs(math.log(float(k.gap) + 1)) if k.gap is not None and k.gap > -1 else 1e9)
    )
    return bad[:1]


def _check_ps_from_revenue(
    c: Claim, claims: Sequence[Claim], refs: Sequence[Reference], rates: Mapping[tuple[str, str], Decimal], text: str
) -> list[Check]:
    """P/S printed beside a revenue: market cap (a reference) / that revenue."""
    if c.kind != "multiple" or c.quantity != "ps" or c.low is None:
        return []
    if re.search(r"\bfrom\s+(?:over\s+|about\s+)?$", text[max(0, c.start - 20) : c.start]):
        return []  # 'from over 1,200 times to ...': the starting value, not the one implied
    revs = [
        x
        for x in claims
        if x.sentence == c.sentence
        and x.kind == "amount"
        and x.quantity in ("revenue", "arr")
        and x.entity == c.entity
        and x.end <= c.start
        and x.low is not None
        and _is_money(x.unit)
    ]
    caps = [r for r in refs if r.quantity == "market_cap" and r.entity == c.entity and r.origin != "case"]
    caps = caps or [r for r in refs if r.quantity == "market_cap" and r.entity == c.entity]
    if not revs or not caps:
        return []
    rev, cap = revs[-1], caps[0]
    assert rev.low is not None and rev.high is not None and rev.unit is not None

    def implied(as_unit: str) -> tuple[Decimal, Decimal] | None:
        lo = convert(rev.low, as_unit, cap.unit, rates)  # type: ignore[arg-type]
        hi = convert(rev.high, as_unit, cap.unit, rates)  # type: ignore[arg-type]
        if not lo or not hi:
            return None
        return cap.low / hi, cap.high / lo

    exp = implied(rev.unit)
    if exp is None:
        return []
    against = f"{cap.label} / the revenue printed beside it ({rev.text})"
    chk = _compare(c, exp, "x", rates, "computed", against, cap.citations)
    if chk.verdict == INCONSISTENT and chk.slip is None or chk.slip == "wording":
        for cur in _CURRENCIES_TRIED:
            if cur == rev.unit:
                continue
            alt = implied(cur)
            if alt is not None and _overlap(claim_interval(c), alt):
                from dataclasses import replace

                return [
                    replace(
                        chk,
                        slip="currency",
                        reason=chk.reason.split("; ")[0]
                        + f"; currency slip: the P/S holds if the revenue '{rev.text}' is read in {cur}"
                        f" ({_iv_text(alt, 'x')}), not {rev.unit}",
                    )
                ]
    return [chk]


def _check_stated_ratio(c: Claim, claims: Sequence[Claim], text: str) -> list[Check]:
    """'1/218 of Alibaba Cloud's': the ratio of two amounts the article prints."""
    if c.kind != "ratio" or c.low is None:
        return []
    window = [
        x for x in claims if c.sentence - 2 <= x.sentence <= c.sentence and x.kind == "amount" and x.low is not None
    ]
    for a in window:
        for b in window:
            if a is b or a.quantity is None or a.quantity != b.quantity or a.entity == b.entity:
                continue
            if b.entity is None or b.entity not in text[c.end : c.end + 40]:
                continue
            if a.unit and b.unit and a.unit != b.unit:
                continue
            assert a.low is not None and b.low is not None
            v = a.low / b.low
            return [
                _compare(
                    c,
                    (v, v),
                    "ratio",
                    {},
                    "article",
                    f"{a.text} / {b.text} printed in the article",
                    other=f"{a.id},{b.id}",
                )
            ]
    return []


def _check_growth(c: Claim, claims: Sequence[Claim], text: str) -> list[Check]:
    """Check a change printed beside 'from A to B' against B / A - 1."""
    if c.kind != "change" or c.low is None:
        return []
    amts = [x for x in claims if x.sentence == c.sentence and x.kind in ("amount", "count") and x.low is not None]
    for a, b in zip(amts, amts[1:], strict=False):
        between = text[a.end : b.start]
        if (
            a.unit == b.unit
            and re.search(r"\bto\b|至|到", between)
            and re.search(r"\bfrom\b|从", text[max(0, a.start - 12) : a.start])
        ):
            assert a.low is not None and b.low is not None and a.low != 0
            g = b.low / a.low - 1
            return [
                _compare(c, (g, g), "ratio", {}, "article", f"growth from {a.text} to {b.text}", other=f"{a.id},{b.id}")
            ]
    return []


def check_article(
    claims: Sequence[Claim],
    text: str,
    refs: Sequence[Reference] = (),
    rates: Mapping[tuple[str, str], Decimal] | None = None,
) -> list[Check]:
    """Check every claim of one article.

    Parameters
    ----------
    claims : sequence of Claim
        The article's claims (from :func:`~anchorval.claims.extract_claims`).
    text : str
        The article text (for the words around a claim).
    refs : sequence of Reference
        Case figures, computed values and anchors (see :class:`Reference`).
    rates : mapping of (str, str) to Decimal, optional
        FX rates, ``rates[(base, quote)]`` = units of quote per base (dated by the caller).

    Returns
    -------
    list of Check
        Against references (the best reading per claim), the P/S implied by a revenue printed
        beside it, stated ratios and growth, and pairs of claims of the same fact that disagree
        (scope ``'article'``). Claims with no check get one ``cannot_check`` with the reason.

    Examples
    --------
    >>> from anchorval.claims import extract_claims
    >>> t = "Zhipu's 2025 revenue is 7.2433 billion RMB. Its approximately $100 million revenue in 2025."
    >>> cs = extract_claims(t, {"Zhipu": []})
    >>> [(k.claim, k.verdict, k.slip) for k in check_article(cs, t, rates={("USD", "CNY"): Decimal("7.2")})
    ...  if k.scope == "article"]
    [('c2', 'inconsistent', 'scale'), ('c3', 'inconsistent', 'scale')]
    """
    rates = dict(rates or {})
    out: list[Check] = []
    for c in claims:
        mine: list[Check] = []
        if c.kind in ("date", "label"):
            why = (
                "a name or version, not a quantity"
                if c.kind == "label"
                else "a date or duration; dates are listed, not checked"
            )
            out.append(Check(c.id, "case", NOT_CHECKABLE, "nothing", None, None, None, None, None, why))
            continue
        mine += _check_refs(c, refs, rates)
        mine += _check_ps_from_revenue(c, claims, refs, rates, text)
        mine += _check_stated_ratio(c, claims, text)
        mine += _check_growth(c, claims, text)
        out += mine
    out = _explain_by_words(out, claims, refs, rates)
    out += _within(claims, rates)
    checked = {k.claim for k in out}
    for c in claims:
        if c.id not in checked:
            out.append(Check(c.id, "case", NOT_CHECKABLE, "nothing", None, None, None, None, None, _why_not(c, refs)))
    return out


def _explain_by_words(
    checks: list[Check], claims: Sequence[Claim], refs: Sequence[Reference], rates: Mapping[tuple[str, str], Decimal]
) -> list[Check]:
    """Name the wording slip behind a peer-multiple valuation equal to (multiple in words) x ARR.

    '$10 trillion' follows from 'hundreds of times' x '$30 billion to $47 billion'; the gap comes
    from the words: the P/S the figures give is over a thousand.
    """
    from dataclasses import replace

    by_id = {c.id: c for c in claims}
    words = [c for c in claims if c.kind == "multiple" and c.words and c.quantity == "ps"]
    out = []
    for k in checks:
        c = by_id.get(k.claim)
        if (
            k.verdict == INCONSISTENT
            and k.slip is None
            and c is not None
            and c.quantity == "valuation"
            and c.method == "peer_multiple"
            and c.low is not None
        ):
            for w in words:
                arrs = [a for a in claims if a.quantity == "arr" and a.entity == c.entity and a.low is not None]
                if not arrs or w.low is None or w.high is None:
                    continue
                a = arrs[0]
                assert a.low is not None and a.high is not None
                prod = (w.low * a.low, w.high * a.high)
                got = _claim_in(c, a.unit or "USD", rates)
                if got is not None and _overlap(got, prod):
                    k = replace(
                        k,
                        slip="wording",
                        reason=k.reason
                        + f"; wording slip: it equals '{w.text}' ({_iv_text((w.low, w.high), 'x')}) x '{a.text}'"
                        f" ({_iv_text(prod, a.unit)}), but the P/S the figures give is not in 'hundreds'",
                    )
                    break
        out.append(k)
    return out


def _why_not(c: Claim, refs: Sequence[Reference]) -> str:
    if c.quantity is None:
        return "the sentence does not say what the number measures"
    if c.entity is None:
        return f"no company named for this {c.quantity}"
    if not any(r.entity == c.entity for r in refs):
        return f"no case for {c.entity}"
    return f"no case figure or computed value for the {c.quantity} of {c.entity}"


def _same_fact(a: Claim, b: Claim) -> bool:
    return (
        a.quantity is not None
        and a.quantity == b.quantity
        and a.quantity in FACT_QUANTITIES
        and (a.entity == b.entity or a.quantity in ENTITYLESS)
        and a.kind == b.kind
        and (a.period or "") == (b.period or "")
        and "past" not in (a.period, b.period)
        and a.low is not None
        and b.low is not None
    )


def _pair(
    a: Claim, b: Claim, rates: Mapping[tuple[str, str], Decimal], scope: str, a_ref: str, b_ref: str
) -> list[Check]:
    unit = a.unit or b.unit
    if unit is None:
        return []
    exp = _claim_in(a, unit, rates)
    if exp is None:
        return []
    chk = _compare(b, exp, unit, rates, scope, f"'{a.text}' ({a_ref})", other=a_ref)
    if chk.verdict != INCONSISTENT:
        return []
    back = _compare(a, _claim_in(b, unit, rates) or exp, unit, rates, scope, f"'{b.text}' ({b_ref})", other=b_ref)
    if back.verdict != INCONSISTENT:
        return [chk]
    return [back, chk]


def _within(claims: Sequence[Claim], rates: Mapping[tuple[str, str], Decimal]) -> list[Check]:
    out: list[Check] = []
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            if _same_fact(a, b) and a.method == b.method:
                out += _pair(a, b, rates, "article", a.id, b.id)
    return out


def check_across(
    articles: Mapping[str, Sequence[Claim]], rates: Mapping[tuple[str, str], Decimal] | None = None
) -> list[tuple[str, Check]]:
    """Compare the claims of several articles (or versions of one article).

    Two kinds of disagreement: the same fact printed with different values (an original and its
    machine translation), and the same number given two different labels (3.18 billion as the
    adjusted net loss in one, as R&D expenses in another).

    Parameters
    ----------
    articles : mapping of str to sequence of Claim
        Article name -> its claims.
    rates : mapping of (str, str) to Decimal, optional
        FX rates (units of quote per base).

    Returns
    -------
    list of (str, Check)
        The article each check belongs to, and the check (scope ``'across'``; ``other`` is
        ``'article:claim'``).

    Examples
    --------
    >>> from anchorval.claims import extract_claims
    >>> a = extract_claims("Zhipu's 2025 revenue is 7.2433 billion RMB.", {"Zhipu": []})
    >>> b = extract_claims("Zhipu's 2025 revenue was 724.33 million RMB.", {"Zhipu": []})
    >>> [(name, k.slip) for name, k in check_across({"mt": a, "zh": b})]
    [('mt', 'scale'), ('zh', 'scale')]
    """
    rates = dict(rates or {})
    names = list(articles)
    out: list[tuple[str, Check]] = []
    for i, na in enumerate(names):
        for nb in names[i + 1 :]:
            for a in articles[na]:
                for b in articles[nb]:
                    if _same_fact(a, b) and (a.method == b.method or a.quantity != "valuation"):
                        for k in _pair(a, b, rates, "across", f"{na}:{a.id}", f"{nb}:{b.id}"):
                            out.append((nb if k.claim == b.id and k.other == f"{na}:{a.id}" else na, k))
    # the same number under two labels (within or across articles)
    flat = [(n, c) for n in names for c in articles[n]]
    for i, (na, a) in enumerate(flat):
        for nb, b in flat[i + 1 :]:
            if (
                a.kind == b.kind == "amount"
                and a.quantity in LINE_ITEMS
                and b.quantity in LINE_ITEMS
                and a.quantity != b.quantity
                and a.entity == b.entity
                and a.low == b.low
                and a.high == b.high
                and (a.unit == b.unit or None in (a.unit, b.unit))
                and (a.period or "") == (b.period or "")
            ):
                why = (
                    f"the same {_fmt(a.low, a.unit or b.unit)} is '{a.quantity}' in {na} ({a.text}) and "
                    f"'{b.quantity}' in {nb} ({b.text}); label slip: one of the two labels is wrong"
                )
                for n, c, o in ((na, a, f"{nb}:{b.id}"), (nb, b, f"{na}:{a.id}")):
                    out.append(
                        (
                            n,
                            Check(
                                c.id,
                                "across",
                                INCONSISTENT,
                                f"'{(b if c is a else a).text}' ({o})",
                                a.low,
                                a.high,
                                a.unit or b.unit,
                                Decimal(0),
                                "label",
                                why,
                                (),
                                o,
                            ),
                        )
                    )
    return out


#: Scopes that check a claim against figures and arithmetic (they decide over other articles).
REFERENCE_SCOPES = frozenset({"case", "computed", "anchor"})


def verdict_of(checks: Iterable[Check]) -> str:
    """Return a claim's verdict from its checks.

    Checks against figures and arithmetic (case, computed, anchor) decide when there are any:
    a claim that agrees with the case stays consistent even where another article (or another
    sentence) printed the same fact differently; that disagreement is still listed, and the claim
    it convicts is the one the figures contradict. A label slip always counts. Without such
    checks, the article and cross-article comparisons decide. Inconsistent if any deciding check
    is, else consistent if any is, else cannot_check.

    Examples
    --------
    >>> verdict_of([])
    'cannot_check'
    """
    checks = list(checks)
    decided = [k for k in checks if k.scope in REFERENCE_SCOPES and k.verdict != NOT_CHECKABLE]
    if decided:
        checks = decided + [k for k in checks if k.slip == "label"]
    vs = {k.verdict for k in checks}
    if INCONSISTENT in vs:
        return INCONSISTENT
    if CONSISTENT in vs:
        return CONSISTENT
    return NOT_CHECKABLE
