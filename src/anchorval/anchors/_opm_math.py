"""Black-Scholes, the option pricing method (OPM) with breakpoints, OPM backsolve, and DLOM.

Pure float maths, no I/O, usable directly from Python::

    from anchorval.anchors._opm_math import OpmClass, opm_allocate, opm_backsolve

References
----------
- Black, F. and Scholes, M. (1973), "The Pricing of Options and Corporate Liabilities",
  Journal of Political Economy 81(3); the closed form as in Hull, *Options, Futures, and Other
  Derivatives*, chapter "The Black-Scholes-Merton model".
- AICPA (2013), *Valuation of Privately-Held-Company Equity Securities Issued as Compensation*
  (the "cheap stock" guide): the option pricing method, breakpoints and the OPM backsolve.
- Finnerty, J. D. (2012), "An Average-Strike Put Option Model of the Marketability Discount",
  The Journal of Derivatives 19(4), 53-69.
- Chaffe, D. B. H. (1993), "Option Pricing as a Proxy for Discount for Lack of Marketability in
  Private Company Valuations", Business Valuation Review 12(4): the protective (European
  at-the-money) put.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import MSG_NO_SOLUTION, ModelInputError, SolveError

__all__ = [
    "Breakpoint",
    "OpmAllocation",
    "OpmBacksolve",
    "OpmClass",
    "black_scholes",
    "dlom_chaffe",
    "dlom_finnerty",
    "finnerty_volatility_term",
    "norm_cdf",
    "opm_allocate",
    "opm_backsolve",
    "opm_breakpoints",
]


def norm_cdf(x: float) -> float:
    """Return the standard normal CDF, ``0.5 * erfc(-x / sqrt(2))``.

    Parameters
    ----------
    x : float

    Returns
    -------
    float
        N(x), accurate to about 1e-16 (``math.erfc``).
    """
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _check_positive(name: str, x: float, allow_zero: bool = False) -> None:
    if not isinstance(x, int | float) or math.isnan(x) or math.isinf(x):
        raise ModelInputError(name, f"must be a finite number, got {x!r}")
    if x < 0 or (x == 0 and not allow_zero):
        raise ModelInputError(
            name, f"must be {'non-negative' if allow_zero else 'positive'}, got {x}"
        )


def black_scholes(
    spot: float,
    strike: float,
    rate: float,
    volatility: float,
    term: float,
    kind: Literal["call", "put"] = "call",
    dividend_yield: float = 0.0,
) -> float:
    """Black-Scholes-Merton price of a European option.

    ``call = S e^{-qT} N(d1) - K e^{-rT} N(d2)``, ``put = K e^{-rT} N(-d2) - S e^{-qT} N(-d1)``,
    ``d1 = (ln(S/K) + (r - q + sigma^2/2) T) / (sigma sqrt(T))``, ``d2 = d1 - sigma sqrt(T)``.

    Parameters
    ----------
    spot : float
        Price of the underlying (money, positive).
    strike : float
        Exercise price (money, non-negative; 0 gives ``call = S e^{-qT}``).
    rate : float
        Continuously compounded risk-free rate (decimal per year, 0.10 = 10%).
    volatility : float
        Annual volatility of the underlying (decimal, 0.20 = 20%), positive.
    term : float
        Time to expiry in years, positive.
    kind : {'call', 'put'}
        Option type.
    dividend_yield : float
        Continuous dividend yield (decimal per year).

    Returns
    -------
    float
        Option price, in the units of ``spot``.

    Raises
    ------
    ModelInputError
        If spot, volatility or term is not positive, or strike is negative.

    Examples
    --------
    >>> round(black_scholes(42, 40, 0.10, 0.20, 0.5), 2)  # Hull's example: 4.76
    4.76
    """
    _check_positive("spot", spot)
    _check_positive("strike", strike, allow_zero=True)
    _check_positive("volatility", volatility)
    _check_positive("term", term)
    disc_q = math.exp(-dividend_yield * term)
    disc_r = math.exp(-rate * term)
    if strike == 0:
        return spot * disc_q if kind == "call" else 0.0
    sd = volatility * math.sqrt(term)
    d1 = (math.log(spot / strike) + (rate - dividend_yield + 0.5 * volatility**2) * term) / sd
    d2 = d1 - sd
    if kind == "call":
        return spot * disc_q * norm_cdf(d1) - strike * disc_r * norm_cdf(d2)
    if kind == "put":
        return strike * disc_r * norm_cdf(-d2) - spot * disc_q * norm_cdf(-d1)
    raise ModelInputError("kind", f"must be 'call' or 'put', got {kind!r}")


# -- DLOM ---------------------------------------------------------------------------------


def finnerty_volatility_term(volatility: float, term: float) -> float:
    """Finnerty's (2012) ``v sqrt(T)``: volatility over the term of the average-strike put.

    ``v^2 T = sigma^2 T + ln[2 (e^{sigma^2 T} - sigma^2 T - 1)] - 2 ln[e^{sigma^2 T} - 1]``
    (Finnerty 2012, eq. for the arithmetic average-strike put; ``expm1`` keeps it exact for
    small ``sigma^2 T``, where ``v^2 T -> sigma^2 T / 3``).

    Parameters
    ----------
    volatility : float
        Annual volatility (decimal), positive.
    term : float
        Restriction period / time to liquidity in years, positive.

    Returns
    -------
    float
        ``v sqrt(T)`` (decimal).

    Raises
    ------
    ModelInputError
        If volatility or term is not positive.
    """
    _check_positive("volatility", volatility)
    _check_positive("time_to_liquidity", term)
    x = volatility**2 * term
    v2t = x + math.log(2.0 * (math.expm1(x) - x)) - 2.0 * math.log(math.expm1(x))
    return math.sqrt(max(v2t, 0.0))


def dlom_finnerty(volatility: float, term: float, dividend_yield: float = 0.0) -> float:
    """DLOM by Finnerty's (2012) average-strike put, as a fraction of the marketable value.

    ``DLOM = e^{-qT} [N(v sqrt(T) / 2) - N(-v sqrt(T) / 2)]`` with ``v sqrt(T)`` from
    :func:`finnerty_volatility_term` (Finnerty 2012, The Journal of Derivatives 19(4)).

    Parameters
    ----------
    volatility : float
        Annual volatility of the equity (decimal, 0.6 = 60%).
    term : float
        Expected time to liquidity in years.
    dividend_yield : float
        Continuous dividend yield (decimal; 0 for AI start-ups).

    Returns
    -------
    float
        Discount as a decimal (0.15 = 15%), in [0, 1).

    Raises
    ------
    ModelInputError
        If volatility or term is not positive.

    Examples
    --------
    >>> round(dlom_finnerty(0.6, 2.0), 4)
    0.182
    """
    vt = finnerty_volatility_term(volatility, term)
    return math.exp(-dividend_yield * term) * (norm_cdf(vt / 2.0) - norm_cdf(-vt / 2.0))


def dlom_chaffe(volatility: float, term: float, rate: float) -> float:
    """DLOM by the Chaffe (1993) protective put: an at-the-money European put over the value.

    ``DLOM = P(S=1, K=1, r, sigma, T)`` (Black-Scholes put on a unit value).

    Parameters
    ----------
    volatility : float
        Annual volatility (decimal).
    term : float
        Time to liquidity in years.
    rate : float
        Risk-free rate (decimal, continuously compounded).

    Returns
    -------
    float
        Discount as a decimal (usually above the Finnerty discount; an upper-bound style measure).

    Raises
    ------
    ModelInputError
        If volatility or term is not positive.
    """
    return black_scholes(1.0, 1.0, rate, volatility, term, "put")


# -- OPM ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpmClass:
    """One class of equity in the waterfall.

    Attributes
    ----------
    name : str
        Class name (``'Series H'``, ``'Common'``).
    kind : {'common', 'preferred', 'option'}
        Common stock, convertible preferred stock, or options/warrants on common.
    shares : float
        Number of shares (or options) outstanding, positive.
    issue_price : float
        Original issue price per preferred share (money per share); 0 for common.
    preference_multiple : float
        Liquidation preference as a multiple of the issue price (x, 1.0 = 1x).
    seniority : int
        Rank of the preference, 1 = paid first; equal ranks are paid pari passu (pro rata).
    participating : bool
        True: takes its preference *and* shares in the residual with common.
    participation_cap : float or None
        For participating preferred: total return cap as a multiple of the issue price (x);
        ``None`` = uncapped.
    conversion_ratio : float
        Common shares per preferred share on conversion.
    strike : float
        Exercise price per option (money per share); options only.
    """

    name: str
    kind: Literal["common", "preferred", "option"]
    shares: float
    issue_price: float = 0.0
    preference_multiple: float = 1.0
    seniority: int = 1
    participating: bool = False
    participation_cap: float | None = None
    conversion_ratio: float = 1.0
    strike: float = 0.0

    def __post_init__(self) -> None:
        _check_positive(f"{self.name}.shares", self.shares)
        if self.kind not in ("common", "preferred", "option"):
            raise ModelInputError(
                f"{self.name}.kind", f"must be common, preferred or option, got {self.kind!r}"
            )
        if self.kind == "preferred":
            _check_positive(f"{self.name}.issue_price", self.issue_price, allow_zero=True)
            _check_positive(
                f"{self.name}.preference_multiple", self.preference_multiple, allow_zero=True
            )
            _check_positive(f"{self.name}.conversion_ratio", self.conversion_ratio)
            if self.seniority < 1:
                raise ModelInputError(
                    f"{self.name}.seniority", f"must be 1 or more, got {self.seniority}"
                )
            if self.participation_cap is not None:
                if not self.participating:
                    raise ModelInputError(
                        f"{self.name}.participation_cap",
                        "a cap applies only to participating preferred",
                    )
                if self.participation_cap <= self.preference_multiple:
                    raise ModelInputError(
                        f"{self.name}.participation_cap",
                        f"cap {self.participation_cap}x must exceed the preference multiple "
                        f"{self.preference_multiple}x",
                    )
        if self.kind == "option":
            _check_positive(f"{self.name}.strike", self.strike, allow_zero=True)

    @property
    def preference(self) -> float:
        """Total liquidation preference (money): shares x issue price x preference multiple."""
        if self.kind != "preferred":
            return 0.0
        return self.shares * self.issue_price * self.preference_multiple

    @property
    def as_converted(self) -> float:
        """Common-equivalent shares (count): shares x conversion ratio (options: 1 per option)."""
        return self.shares * (self.conversion_ratio if self.kind == "preferred" else 1.0)


@dataclass(frozen=True)
class Breakpoint:
    """One segment of the waterfall between two total equity values.

    Attributes
    ----------
    start, end : float
        Total equity value at exit where the segment starts and ends (money; ``end`` is
        ``math.inf`` for the last one). The segment is the call spread C(start) - C(end).
    shares : dict of str to float
        Fraction of each dollar in the segment that goes to each class (sums to 1).
    label : str
        What happens at ``start`` (``'Series H preference'``, ``'Series A converts'``).
    """

    start: float
    end: float
    shares: Mapping[str, float]
    label: str


def opm_breakpoints(classes: Sequence[OpmClass]) -> tuple[Breakpoint, ...]:
    """Waterfall breakpoints of a capitalization table.

    Preferences are paid by seniority (pari passu within a rank, pro rata to preference); the
    residual is shared per common-equivalent share among common, participating preferred (until
    its cap), options in the money, and non-participating preferred once converting pays more
    than its preference (at a value per common share of preference / as-converted shares).

    Parameters
    ----------
    classes : sequence of OpmClass
        The cap table; at least one common class.

    Returns
    -------
    tuple of Breakpoint
        Contiguous segments from 0 to infinity; in each, allocation fractions sum to 1.

    Raises
    ------
    ModelInputError
        If there is no common stock, or two classes share a name.
    """
    names = [c.name for c in classes]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ModelInputError("classes", f"class name {dup!r} appears twice")
    if not any(c.kind == "common" for c in classes):
        raise ModelInputError("classes", "the cap table needs a common class")
    segs: list[Breakpoint] = []
    v = 0.0
    prefs = [c for c in classes if c.preference > 0]
    for rank in sorted({c.seniority for c in prefs}):
        group = [c for c in prefs if c.seniority == rank]
        total = sum(c.preference for c in group)
        segs.append(
            Breakpoint(
                v,
                v + total,
                {c.name: c.preference / total for c in group},
                f"preference rank {rank} ({', '.join(c.name for c in group)})",
            )
        )
        v += total
    # residual: events on x = value per common-equivalent share
    events: list[tuple[float, str, OpmClass]] = []
    active: dict[str, float] = {}
    for c in classes:
        n = c.as_converted
        if c.kind == "common":
            active[c.name] = n
        elif c.kind == "option":
            events.append((c.strike, "exercise", c))
        elif c.participating:
            active[c.name] = n
            if c.participation_cap is not None:
                cap_total = c.participation_cap * c.issue_price * c.shares
                events.append(((cap_total - c.preference) / n, "cap", c))
                events.append((cap_total / n, "convert", c))
        else:
            events.append((c.preference / n, "convert", c))
    events.sort(key=lambda e: (e[0], e[1]))
    x_prev = 0.0
    label = "residual shared"
    i = 0
    while i < len(events):
        x_k = events[i][0]
        if x_k > x_prev:
            total_n = sum(active.values())
            v_k = v + total_n * (x_k - x_prev)
            segs.append(Breakpoint(v, v_k, {k: n / total_n for k, n in active.items()}, label))
            v, x_prev = v_k, x_k
        done = []
        while i < len(events) and events[i][0] == x_k:
            _, what, c = events[i]
            if what == "cap":
                active.pop(c.name, None)
            else:
                active[c.name] = c.as_converted
            verb = {"cap": "reaches its cap", "convert": "converts"}.get(what, "exercises")
            done.append(f"{c.name} {verb}")
            i += 1
        label = "; ".join(done)
    total_n = sum(active.values())
    segs.append(Breakpoint(v, math.inf, {k: n / total_n for k, n in active.items()}, label))
    return tuple(segs)


@dataclass(frozen=True)
class OpmAllocation:
    """Value of each class under the OPM for one total equity value.

    Attributes
    ----------
    equity_value : float
        Total equity value today (money) that was allocated.
    class_values : dict of str to float
        Value of each class (money, total).
    per_share : dict of str to float
        Value per share (or per option) of each class (money per share).
    breakpoints : tuple of Breakpoint
        The waterfall used.
    calls : tuple of float
        Black-Scholes call value at each segment's start (``C(0) = equity_value``).
    """

    equity_value: float
    class_values: Mapping[str, float]
    per_share: Mapping[str, float]
    breakpoints: tuple[Breakpoint, ...]
    calls: tuple[float, ...] = field(default=())

    def to_frame(self) -> Any:
        """Per-class table as a pandas DataFrame (``value``, ``per_share``, ``share_of_equity``)."""
        import pandas as pd

        rows = [
            {
                "class": k,
                "value": v,
                "per_share": self.per_share[k],
                "share_of_equity": v / self.equity_value,
            }
            for k, v in self.class_values.items()
        ]
        return pd.DataFrame(rows).set_index("class")


def opm_allocate(
    classes: Sequence[OpmClass],
    equity_value: float,
    volatility: float,
    term: float,
    rate: float,
) -> OpmAllocation:
    """Allocate a total equity value across classes with the Black-Scholes OPM.

    Each class's value is the sum over breakpoint segments of its fraction of the segment times
    the call spread ``C(start) - C(end)``, where ``C(K)`` is a Black-Scholes call on the total
    equity value with strike ``K`` (``C(0) = equity value``, ``C(inf) = 0``).

    Parameters
    ----------
    classes : sequence of OpmClass
        The capitalization table.
    equity_value : float
        Total equity value today (money), positive.
    volatility : float
        Annual equity volatility (decimal).
    term : float
        Time to liquidity (exit) in years.
    rate : float
        Risk-free rate (decimal, continuously compounded) for the term.

    Returns
    -------
    OpmAllocation
        Class values sum to ``equity_value`` (to float rounding).

    Raises
    ------
    ModelInputError
        On a bad cap table or non-positive equity value, volatility or term.
    """
    _check_positive("equity_value", equity_value)
    _check_positive("volatility", volatility)
    _check_positive("time_to_liquidity", term)
    bps = opm_breakpoints(classes)
    calls = [
        equity_value
        if b.start == 0
        else black_scholes(equity_value, b.start, rate, volatility, term)
        for b in bps
    ]
    values = {c.name: 0.0 for c in classes}
    for j, b in enumerate(bps):
        spread = calls[j] - (calls[j + 1] if j + 1 < len(bps) else 0.0)
        for k, frac in b.shares.items():
            values[k] += frac * spread
    per_share = {c.name: values[c.name] / c.shares for c in classes}
    return OpmAllocation(equity_value, values, per_share, bps, tuple(calls))


@dataclass(frozen=True)
class OpmBacksolve:
    """Result of an OPM backsolve.

    Attributes
    ----------
    equity_value : float
        Total equity value today (money) at which the round's class is worth the round price.
    round_class : str
        Class priced in the round.
    round_price : float
        Price per share of that class in the round (money per share).
    allocation : OpmAllocation
        The allocation at ``equity_value``.
    """

    equity_value: float
    round_class: str
    round_price: float
    allocation: OpmAllocation

    def per_share(self, name: str) -> float:
        """Value per share of a class (money per share)."""
        return self.allocation.per_share[name]


def opm_backsolve(
    classes: Sequence[OpmClass],
    round_class: str,
    round_price: float,
    volatility: float,
    term: float,
    rate: float,
) -> OpmBacksolve:
    """Backsolve the total equity value implied by a round's price per preferred share.

    Solves ``per_share[round_class](V) = round_price`` for V with Brent's method
    (``scipy.optimize.brentq``; the class value rises strictly with V).

    Parameters
    ----------
    classes : sequence of OpmClass
        Capitalization table including the round's class.
    round_class : str
        Name of the class sold in the round.
    round_price : float
        Price paid per share of that class (money per share), positive.
    volatility, term, rate : float
        As :func:`opm_allocate`.

    Returns
    -------
    OpmBacksolve

    Raises
    ------
    ModelInputError
        If the round class is not in the cap table or an input is out of its domain.
    SolveError
        If no equity value up to 1e6 x the round's post-money reaches the price.

    Examples
    --------
    >>> cs = [OpmClass("Common", "common", 100.0)]
    >>> round(opm_backsolve(cs, "Common", 2.0, 0.5, 2.0, 0.04).equity_value, 6)
    200.0
    """
    from scipy.optimize import brentq

    by_name = {c.name: c for c in classes}
    if round_class not in by_name:
        raise ModelInputError(
            "round_class", f"{round_class!r} is not a class of the cap table ({', '.join(by_name)})"
        )
    _check_positive("round_price", round_price)
    shares = by_name[round_class].shares
    post_money = round_price * sum(c.as_converted for c in classes)

    def f(v: float) -> float:
        return (
            opm_allocate(classes, v, volatility, term, rate).per_share[round_class] / round_price
            - 1.0
        )

    scale = max(post_money, sum(c.preference for c in classes))
    lo, hi = scale * 1e-9, scale
    for _ in range(200):
        if f(hi) >= 0:
            break
        hi *= 2.0
    else:
        raise SolveError(
            MSG_NO_SOLUTION.format(
                what="OPM backsolve",
                lo=lo,
                hi=hi,
                target=round_price,
                detail=f"class {round_class!r} ({shares:g} shares) never reaches the round price",
            )
        )
    while f(lo) > 0 and lo > 1e-300:
        lo /= 1e3
    v = brentq(f, lo, hi, xtol=1e-15 * scale, rtol=1e-15, maxiter=500)
    alloc = opm_allocate(classes, v, volatility, term, rate)
    return OpmBacksolve(v, round_class, round_price, alloc)
