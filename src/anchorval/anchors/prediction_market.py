"""Prediction-market anchor: an IPO market-cap ladder read as a distribution of the IPO valuation.

A ladder (Polymarket's "<Company> IPO closing market cap?" events) lists mutually exclusive
outcomes, each a YES share priced in dollars between 0 and 1: brackets of the closing market cap
on the first trading day ("$1T-$1.5T", "Under $500B", "Above $2T") and often "No IPO by <date>".

How the ladder becomes a distribution (each step is shown in the derivation):

1. **Normalise.** The YES prices of one event rarely sum to exactly 1 (bid/ask, fees, stale
   quotes): each price is divided by their sum, so the probabilities sum to 1. The sum's gap
   from 1 (the overround) is reported, and warned about past :data:`MAX_OVERROUND`.
2. **No IPO.** The normalised price of the "no IPO by date" outcome is P(no IPO by date). It is
   not a valuation: the bracket probabilities are divided by 1 - P(no IPO), giving the
   distribution of the IPO valuation *given* an IPO by that date.
3. **Brackets.** Within a bracket the valuation is uniform between its bounds, so the CDF is
   piecewise linear through the bracket edges (the usual histogram reading of a ladder). An open
   bracket ("Under $500B", "Above $2T") is closed at the width of its neighbouring bracket:
   ``[low - width, low)`` below (not under zero) and ``[high, high + width)`` above. This is an
   anchorval ASSUMPTION (the market says nothing about the tails); it is stated in the
   derivation.
4. **Quantiles.** low / base / high are the :data:`QUANTILES` (10%, 50%, 90%) of that
   distribution, read off the piecewise-linear CDF.

Thin-book warnings: a bracket whose best ask - best bid exceeds :data:`MAX_BID_ASK` (10 cents),
or whose liquidity is under :data:`MIN_LIQUIDITY` (10,000 in the market currency), and a
ladder whose total liquidity is under that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from ..domain import Case, FigureRef, PredictionLadder, is_assumption_source
from ..errors import MSG_NO_PREDICTION_BRACKET, ModelInputError
from ..money import Money, format_money
from ._base import Anchor, AnchorContext, AnchorResult, Derivation, ModelInputs
from ._formulas import prod

__all__ = [
    "MAX_BID_ASK",
    "MAX_OVERROUND",
    "MIN_LIQUIDITY",
    "QUANTILES",
    "LadderDistribution",
    "ladder_distribution",
    "ladder_quantile",
    "prediction_market",
    "thin_book_warnings",
]

#: Quantiles reported as low / base / high (decimals).
QUANTILES = (Decimal("0.1"), Decimal("0.5"), Decimal("0.9"))
#: Warn when the YES prices sum further than this from 1 (0.05 = 5 cents).
MAX_OVERROUND = Decimal("0.05")
#: Warn when a bracket's best ask - best bid exceeds this (dollars per YES share).
MAX_BID_ASK = Decimal("0.10")
#: Warn when a bracket's (or the ladder's) liquidity is below this (market currency, total).
MIN_LIQUIDITY = Decimal(10_000)

CAVEAT = (
    "A prediction market prices the closing market cap on the IPO day, not today's value; books "
    "are thin and brackets coarse; inside a bracket anchorval assumes a uniform spread."
)


@dataclass(frozen=True)
class LadderDistribution:
    """The IPO-valuation distribution a ladder implies.

    Attributes
    ----------
    edges : tuple of (Decimal, Decimal, Decimal)
        ``(low, high, probability)`` per valuation bracket, ascending, open ends closed (totals
        in the market currency; probabilities conditional on an IPO, summing to 1).
    p_no_ipo : Decimal or None
        Normalised probability of no IPO by the date (None when the ladder lists no such outcome).
    raw_sum : Decimal
        Sum of the YES prices before normalising (1 = no overround).
    closed_tails : tuple of str
        Labels of the open brackets that were closed at their neighbour's width.
    """

    edges: tuple[tuple[Decimal, Decimal, Decimal], ...]
    p_no_ipo: Decimal | None
    raw_sum: Decimal
    closed_tails: tuple[str, ...]

    def quantile(self, q: Decimal) -> Decimal:
        """Valuation at probability ``q`` of the piecewise-linear CDF (total, market currency).

        Parameters
        ----------
        q : Decimal
            Probability in [0, 1] (0.5 = median).

        Returns
        -------
        Decimal
            The valuation x with P(V <= x | IPO) = q.

        Raises
        ------
        ModelInputError
            If ``q`` is outside [0, 1].

        Examples
        --------
        >>> d = ladder_distribution([("a", Decimal(0), Decimal(10), False, Decimal("0.5")),
        ...                          ("b", Decimal(10), Decimal(20), False, Decimal("0.5"))])
        >>> d.quantile(Decimal("0.25")), d.quantile(Decimal("0.75"))
        (Decimal('5.0'), Decimal('15.0'))
        """
        if not 0 <= q <= 1:
            raise ModelInputError(f"quantile: must be within [0, 1], got {q}", figure="quantile")
        lows, highs, probs = (np.array([e[k] for e in self.edges], dtype=object) for k in range(3))
        out = ladder_quantile(np.array([q], dtype=object), lows, highs, probs)
        return out[0]

    def knots(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bracket lows, highs and probabilities as float64 arrays (for :func:`ladder_quantile`).

        Returns
        -------
        tuple of ndarray of shape (n_brackets,)
            Totals in the market currency, and decimals summing to 1.
        """
        return tuple(np.array([float(e[k]) for e in self.edges]) for k in range(3))  # type: ignore[return-value]


def ladder_quantile(q: Any, lows: np.ndarray, highs: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Inverse CDF of a piecewise-uniform ladder: the one formula for a number and for draws.

    The CDF rises linearly across each bracket by its probability; the value at probability
    ``q`` is ``low_i + (high_i - low_i) x (q - P(below bracket i)) / p_i`` in the first bracket
    whose cumulative probability reaches ``q``. Works on float64 arrays (simulation draws) and
    on object arrays of Decimals (exact deterministic quantiles).

    Parameters
    ----------
    q : ndarray of shape (n_draws,) or 0-d
        Probabilities in [0, 1].
    lows, highs : ndarray of shape (n_brackets,)
        Bracket bounds, ascending and contiguous (totals, market currency).
    probs : ndarray of shape (n_brackets,)
        Bracket probabilities (decimals, summing to 1).

    Returns
    -------
    ndarray of the shape of ``q``
        Valuations (totals, market currency).

    Examples
    --------
    >>> ladder_quantile(np.array([0.25, 0.5, 1.0]), np.array([0.0, 10.0]), np.array([10.0, 20.0]),
    ...                 np.array([0.5, 0.5]))
    array([ 5., 10., 20.])
    """
    q = np.asarray(q)
    cum_hi = np.cumsum(probs)
    cum_lo = cum_hi - probs
    last = len(probs) - 1
    i = np.minimum(np.searchsorted(cum_hi, q, side="left"), last)
    # a zero-probability bracket is never chosen unless q sits on its edge: its low then
    p = probs[i]
    zero = p == 0
    safe = np.where(zero, 1, p)
    frac = np.where(zero, 0, (q - cum_lo[i]) / safe)
    return lows[i] + (highs[i] - lows[i]) * frac


def ladder_distribution(
    brackets: Sequence[tuple[str, Decimal | None, Decimal | None, bool, Decimal]],
    market: str = "ladder",
) -> LadderDistribution:
    """Normalise a ladder and turn its brackets into a piecewise-uniform distribution.

    Parameters
    ----------
    brackets : sequence of (label, low, high, no_ipo, price)
        Bounds in the market currency (totals; None = open), ``no_ipo`` True for the "no IPO by
        date" outcome, price = YES price (decimal 0..1).
    market : str
        Name for error messages.

    Returns
    -------
    LadderDistribution

    Raises
    ------
    ModelInputError
        If no bracket has a bound, bounds are reversed, brackets overlap, every price is zero,
        or an open bracket has no neighbour to take a width from.

    Examples
    --------
    >>> d = ladder_distribution([
    ...     ("Under $1T", None, Decimal("1e12"), False, Decimal("0.2")),
    ...     ("$1T-$2T", Decimal("1e12"), Decimal("2e12"), False, Decimal("0.5")),
    ...     ("No IPO", None, None, True, Decimal("0.3"))])
    >>> d.p_no_ipo, [str(p) for _, _, p in d.edges]
    (Decimal('0.3'), ['0.2857142857142857142857142857', '0.7142857142857142857142857143'])
    """

    def bad(label: str, why: str) -> ModelInputError:
        return ModelInputError(MSG_NO_PREDICTION_BRACKET.format(market=market, label=label, why=why), figure=label)

    total = sum((b[4] for b in brackets), Decimal(0))
    if total <= 0:
        raise ModelInputError(f"{market}: every outcome is priced at zero", figure=market)
    no_ipo = [b for b in brackets if b[3]]
    p_no = sum((b[4] for b in no_ipo), Decimal(0)) / total if no_ipo else None
    vals = [b for b in brackets if not b[3]]
    if not vals:
        raise ModelInputError(f"{market}: no valuation bracket (only 'no IPO')", figure=market)
    for label, lo, hi, _, _ in vals:
        if lo is None and hi is None:
            raise bad(label, "neither a lower nor an upper bound")
        if lo is not None and hi is not None and hi <= lo:
            raise bad(label, f"upper bound {hi} is not above lower bound {lo}")
    vals.sort(key=lambda b: b[1] if b[1] is not None else b[2] - 1)  # type: ignore[operator]
    for a, b in zip(vals, vals[1:], strict=False):
        if a[2] is None or (b[1] is not None and b[1] < a[2]) or (b[1] is None):
            raise bad(b[0], f"overlaps {a[0]!r}")
    cond = sum((b[4] for b in vals), Decimal(0))
    if cond <= 0:
        raise ModelInputError(f"{market}: every valuation bracket is priced at zero", figure=market)
    edges = []
    tails = []
    for i, (label, lo, hi, _, p) in enumerate(vals):
        if lo is None or hi is None:
            nb = vals[i + 1] if lo is None and i + 1 < len(vals) else vals[i - 1] if hi is None and i > 0 else None
            if nb is None or nb[1] is None or nb[2] is None:
                raise bad(label, "open bracket with no closed neighbour to take a width from")
            width = nb[2] - nb[1]
            lo = max(Decimal(0), hi - width) if lo is None else lo  # type: ignore[operator]
            hi = lo + width if hi is None else hi
            tails.append(label)
        edges.append((lo, hi, p / cond))
    return LadderDistribution(tuple(edges), p_no, total, tuple(tails))


def _brackets(ladder: PredictionLadder) -> list[tuple[str, Decimal | None, Decimal | None, bool, Decimal]]:
    return [(b.label, b.low, b.high, b.no_ipo, b.probability) for b in ladder.brackets]


def thin_book_warnings(ladder: PredictionLadder) -> list[str]:
    """Warn about thin books: wide bid/ask, low liquidity per bracket and for the whole ladder.

    Parameters
    ----------
    ladder : PredictionLadder
        Brackets with optional ``best_bid``, ``best_ask`` (decimals) and ``liquidity`` (total).

    Returns
    -------
    list of str
        One line per problem (:data:`MAX_BID_ASK`, :data:`MIN_LIQUIDITY`); empty when none.
    """
    out = []
    for b in ladder.brackets:
        if b.best_bid is not None and b.best_ask is not None and b.best_ask - b.best_bid > MAX_BID_ASK:
            out.append(
                f"{ladder.event} {b.label!r}: bid {b.best_bid} / ask {b.best_ask} is "
                f"{b.best_ask - b.best_bid:.2f} wide (limit {MAX_BID_ASK}); thin book"
            )
        if b.liquidity is not None and b.liquidity < MIN_LIQUIDITY:
            out.append(
                f"{ladder.event} {b.label!r}: liquidity {b.liquidity:,.0f} {ladder.currency} "
                f"(under {MIN_LIQUIDITY:,.0f}); thin book"
            )
    liq = [b.liquidity for b in ladder.brackets if b.liquidity is not None]
    if liq and sum(liq) < MIN_LIQUIDITY:
        out.append(f"{ladder.event}: whole ladder has {sum(liq):,.0f} {ladder.currency} of liquidity")
    return out


def prediction_market(case: Case, ctx: AnchorContext) -> AnchorResult:
    """Value a company from prediction-market IPO market-cap ladders.

    low / base / high = the 10% / 50% / 90% quantiles of the IPO closing market cap implied by
    the (first) ladder, given an IPO by its date (module docstring: normalisation, "no IPO",
    open brackets). P(no IPO by date) is a metric and a derivation step.

    Parameters
    ----------
    case : Case
        Needs ``prediction_markets`` (one or more ladders; the first is valued, the others are
        listed as steps).
    ctx : AnchorContext
        FX to the report currency.

    Returns
    -------
    AnchorResult
        Totals in the report currency; ``metrics['p_no_ipo']`` (decimal or None),
        ``metrics['overround']`` (sum of YES prices - 1, decimal).

    Raises
    ------
    MissingFigureError
        If the case has no ladder.
    ModelInputError
        If a ladder cannot be read (see :func:`ladder_distribution`).

    Examples
    --------
    >>> from anchorval.cases import resolve_case
    >>> lc = resolve_case("anthropic-2026-06")
    >>> prediction_market(lc.case, AnchorContext.for_case(lc.case))
    Traceback (most recent call last):
    ...
    anchorval.errors.MissingFigureError: case 'anthropic-2026-06' lacks figure 'prediction_markets' ...
    """
    d = Derivation(case, ctx, "prediction_market")
    d.require(case.prediction_markets or None, "prediction_markets")
    results = []
    for i, lad in enumerate(case.prediction_markets):
        src = case.sources[lad.source]
        ref = FigureRef(
            case_id=case.id,
            path=f"prediction_markets[{i}]",
            display=f"{len(lad.brackets)} outcomes",
            as_of=lad.as_of,
            source_id=lad.source,
            source=src,
            note=lad.question,
            assumption=is_assumption_source(lad.source, src),
        )
        dist = ladder_distribution(_brackets(lad), lad.event)
        over = dist.raw_sum - 1
        d.step(
            f"Normalise {lad.venue} {lad.event}",
            "probability = YES price / sum of YES prices",
            f"sum of YES prices {dist.raw_sum} (overround {over:+.3f})",
            (ref,),
        )
        if abs(over) > MAX_OVERROUND:
            d.warnings.append(
                f"{lad.event}: YES prices sum to {dist.raw_sum} (limit 1 +/- {MAX_OVERROUND}); "
                "prices are stale or the book is thin"
            )
        if dist.p_no_ipo is not None:
            d.step(
                f"P(no IPO by {lad.resolves_by or 'the date'}), {lad.event}",
                "normalised price of the 'no IPO' outcome; the brackets are divided by 1 - P(no IPO)",
                f"{dist.p_no_ipo:.4f}",
                (ref,),
            )
        if dist.closed_tails:
            d.step(
                "Open brackets (ASSUMPTION)",
                "an open bracket is closed at its neighbour's width (anchorval assumption)",
                ", ".join(dist.closed_tails),
            )
        d.warnings.extend(thin_book_warnings(lad))
        qs = []
        for q in QUANTILES:
            v, rate = d.convert(Money(dist.quantile(q), lad.currency), lad.as_of)
            qs.append(v)
        d.step(
            f"Quantiles given an IPO, {lad.event}",
            "piecewise-linear CDF through the bracket edges (uniform within a bracket)",
            " / ".join(f"{int(q * 100)}%: {format_money(v)}" for q, v in zip(QUANTILES, qs, strict=True)),
            (ref,),
            (rate,),
        )
        age = (case.as_of - lad.as_of).days
        if age > 3:
            d.warnings.append(f"{lad.event}: ladder prices are {age} days older than the case date {case.as_of}.")
        results.append((qs, dist))
    (lo, base, hi), dist = results[0]
    lad = case.prediction_markets[0]
    return d.result(
        "prediction_market",
        f"Prediction market ({lad.venue} {lad.event})",
        "market-implied distribution (prediction market)",
        lo,
        base,
        hi,
        CAVEAT,
        metrics={"p_no_ipo": dist.p_no_ipo, "overround": dist.raw_sum - 1},
    )


def prediction_model(case: Case, m: ModelInputs) -> Callable[[Any], Any]:
    """Vectorised model of the prediction-market anchor: the first ladder drawn by its inverse CDF.

    The draws come from the same piecewise-uniform distribution the deterministic quantiles read
    (:func:`ladder_quantile`, one formula for both), converted to the report currency at the
    ladder's date.

    Parameters
    ----------
    case : Case
        With ``prediction_markets``.
    m : ModelInputs
        The simulation's inputs (or :class:`~anchorval.anchors.PointInputs` for the base).

    Returns
    -------
    callable
        ``fn(x) -> ndarray of shape (n_draws,)``: the IPO valuation per draw, total in the report
        currency.
    """
    lad = case.prediction_markets[0]
    dist = ladder_distribution(_brackets(lad), lad.event)
    lows, highs, probs = dist.knots()

    def ppf(u: Any) -> Any:
        return ladder_quantile(np.asarray(u, dtype=float), lows, highs, probs)

    base = float(ppf(np.array([0.5]))[0])
    path = m.use_drawn(
        "prediction_markets[0]",
        lad.currency,
        base,
        ppf,
        f"prediction-market ladder ({len(probs)} brackets, uniform within each)",
        lad.source,
    )
    k = m.fx(lad.currency, lad.as_of)
    return lambda x: prod(k, x[path])


#: The registry entry: derivation and vectorised model.
PREDICTION_MARKET = Anchor("prediction_market", prediction_market, prediction_model)
