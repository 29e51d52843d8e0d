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
from ._formulas import Arr, exp, expm1, is_scalar, log, maximum, norm_cdf, sqrt

__all__ = [
    "Breakpoint",
    "BsMarket",
    "Waterfall",
    "backsolve_equity",
    "bs_call",
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


def _check_positive(name: str, x: float, allow_zero: bool = False) -> None:
    if not isinstance(x, int | float) or math.isnan(x) or math.isinf(x):
        raise ModelInputError(name, f"must be a finite number, got {x!r}")
    if x < 0 or (x == 0 and not allow_zero):
        raise ModelInputError(name, f"must be {'non-negative' if allow_zero else 'positive'}, got {x}")


class BsMarket:
    """Black-Scholes constants of a market: volatility, term, risk-free rate, dividend yield.

    ``sd = sigma sqrt(T)``, ``drift = (r - q + sigma^2 / 2) T``, ``disc = e^{-rT}``,
    ``disc_q = e^{-qT}``; scalars, or arrays of shape (n_draws,) (one market per draw). They do
    not depend on the spot or the strike, so an allocation over many strikes, or a Newton
    backsolve, computes them once.

    Parameters
    ----------
    volatility : float or ndarray of shape (n_draws,)
        Annual volatility (decimal, 0.20 = 20%).
    term : float or ndarray of shape (n_draws,)
        Years to expiry.
    rate : float or ndarray of shape (n_draws,)
        Continuously compounded risk-free rate (decimal per year).
    dividend_yield : float
        Continuous dividend yield (decimal per year).
    """

    __slots__ = ("disc", "disc_q", "drift", "q", "rate", "sd", "term", "vol")

    def __init__(self, volatility: Arr, term: Arr, rate: Arr, dividend_yield: float = 0.0) -> None:
        self.vol, self.term, self.rate, self.q = volatility, term, rate, dividend_yield
        self.sd = volatility * sqrt(term)
        carry = rate if dividend_yield == 0 else rate - dividend_yield
        self.drift = (carry + 0.5 * volatility**2) * term
        self.disc = exp(-rate * term)
        self.disc_q = 1.0 if dividend_yield == 0 else exp(-dividend_yield * term)

    def take(self, idx: Any) -> BsMarket:
        """Return the constants of draws ``idx`` (scalars stay scalars)."""
        out = object.__new__(BsMarket)
        for k in BsMarket.__slots__:
            v = getattr(self, k)
            setattr(out, k, v if is_scalar(v) else v[idx])
        return out


def bs_call(spot: Arr, strike: float, mk: BsMarket) -> tuple[Arr, Arr]:
    """Black-Scholes-Merton call on ``spot`` and its delta ``N(d1)`` (scalars or arrays).

    ``C = S e^{-qT} N(d1) - K e^{-rT} N(d2)``, ``d1 = (ln(S/K) + (r - q + sigma^2/2) T) /
    (sigma sqrt(T))``, ``d2 = d1 - sigma sqrt(T)`` (Black and Scholes 1973; Hull, "The
    Black-Scholes-Merton model"); strike 0 gives ``(S e^{-qT}, 1)``. The one implementation
    behind :func:`black_scholes`, :func:`opm_allocate` and the simulation's OPM.

    Parameters
    ----------
    spot : float or ndarray of shape (n_draws,)
        Value of the underlying (money), positive.
    strike : float
        Exercise price (money), non-negative.
    mk : BsMarket
        Volatility, term, rates.

    Returns
    -------
    tuple of (float or ndarray, float or ndarray)
        Call price (money, as ``spot``) and ``N(d1)`` (the delta when ``q = 0``).

    Examples
    --------
    >>> c, _ = bs_call(42.0, 40.0, BsMarket(0.20, 0.5, 0.10))
    >>> round(c, 2)  # Hull's example: 4.76
    4.76
    """
    s = spot if mk.q == 0 else spot * mk.disc_q
    if strike == 0:
        return s, 1.0
    d1 = (log(spot / strike) + mk.drift) / mk.sd
    n1 = norm_cdf(d1)
    return s * n1 - strike * mk.disc * norm_cdf(d1 - mk.sd), n1


def black_scholes(
    spot: Arr,
    strike: float,
    rate: Arr,
    volatility: Arr,
    term: Arr,
    kind: Literal["call", "put"] = "call",
    dividend_yield: float = 0.0,
) -> Arr:
    """Black-Scholes-Merton price of a European option (scalars, or arrays of draws).

    ``call = S e^{-qT} N(d1) - K e^{-rT} N(d2)``, ``put = K e^{-rT} N(-d2) - S e^{-qT} N(-d1)``,
    ``d1 = (ln(S/K) + (r - q + sigma^2/2) T) / (sigma sqrt(T))``, ``d2 = d1 - sigma sqrt(T)``.

    Parameters
    ----------
    spot : float or ndarray of shape (n_draws,)
        Price of the underlying (money, positive).
    strike : float
        Exercise price (money, non-negative; 0 gives ``call = S e^{-qT}``).
    rate : float or ndarray of shape (n_draws,)
        Continuously compounded risk-free rate (decimal per year, 0.10 = 10%).
    volatility : float or ndarray of shape (n_draws,)
        Annual volatility of the underlying (decimal, 0.20 = 20%), positive.
    term : float or ndarray of shape (n_draws,)
        Time to expiry in years, positive.
    kind : {'call', 'put'}
        Option type.
    dividend_yield : float
        Continuous dividend yield (decimal per year).

    Returns
    -------
    float or ndarray of shape (n_draws,)
        Option price, in the units of ``spot``.

    Raises
    ------
    ModelInputError
        If a scalar spot, volatility or term is not positive, or strike is negative (arrays of
        draws are not checked: the simulation checks each distribution's range).

    Examples
    --------
    >>> round(black_scholes(42, 40, 0.10, 0.20, 0.5), 2)  # Hull's example: 4.76
    4.76
    """
    for name, x in (("spot", spot), ("volatility", volatility), ("term", term)):
        if is_scalar(x):
            _check_positive(name, x)
    _check_positive("strike", strike, allow_zero=True)
    if kind not in ("call", "put"):
        raise ModelInputError("kind", f"must be 'call' or 'put', got {kind!r}")
    mk = BsMarket(volatility, term, rate, dividend_yield)
    if kind == "call":
        return bs_call(spot, strike, mk)[0]
    if strike == 0:
        return 0.0
    d1 = (log(spot / strike) + mk.drift) / mk.sd
    d2 = d1 - mk.sd
    return strike * mk.disc * norm_cdf(-d2) - spot * mk.disc_q * norm_cdf(-d1)


# -- DLOM ---------------------------------------------------------------------------------


def finnerty_volatility_term(volatility: Arr, term: Arr) -> Arr:
    """Finnerty's (2012) ``v sqrt(T)``: volatility over the term of the average-strike put.

    ``v^2 T = sigma^2 T + ln[2 (e^{sigma^2 T} - sigma^2 T - 1)] - 2 ln[e^{sigma^2 T} - 1]``
    (Finnerty 2012, eq. for the arithmetic average-strike put; ``expm1`` keeps it exact for
    small ``sigma^2 T``, where ``v^2 T -> sigma^2 T / 3``).

    Parameters
    ----------
    volatility : float or ndarray of shape (n_draws,)
        Annual volatility (decimal), positive.
    term : float or ndarray of shape (n_draws,)
        Restriction period / time to liquidity in years, positive.

    Returns
    -------
    float or ndarray of shape (n_draws,)
        ``v sqrt(T)`` (decimal).

    Raises
    ------
    ModelInputError
        If a scalar volatility or term is not positive (arrays of draws are not checked).
    """
    if is_scalar(volatility):
        _check_positive("volatility", volatility)
    if is_scalar(term):
        _check_positive("time_to_liquidity", term)
    x = volatility**2 * term
    v2t = x + log(2.0 * (expm1(x) - x)) - 2.0 * log(expm1(x))
    return sqrt(maximum(v2t, 0.0))


def dlom_finnerty(volatility: Arr, term: Arr, dividend_yield: float = 0.0) -> Arr:
    """DLOM by Finnerty's (2012) average-strike put, as a fraction of the marketable value.

    ``DLOM = e^{-qT} [N(v sqrt(T) / 2) - N(-v sqrt(T) / 2)]`` with ``v sqrt(T)`` from
    :func:`finnerty_volatility_term` (Finnerty 2012, The Journal of Derivatives 19(4)).

    Parameters
    ----------
    volatility : float or ndarray of shape (n_draws,)
        Annual volatility of the equity (decimal, 0.6 = 60%).
    term : float or ndarray of shape (n_draws,)
        Expected time to liquidity in years.
    dividend_yield : float
        Continuous dividend yield (decimal; 0 for AI start-ups).

    Returns
    -------
    float or ndarray of shape (n_draws,)
        Discount as a decimal (0.15 = 15%), in [0, 1).

    Raises
    ------
    ModelInputError
        If a scalar volatility or term is not positive (arrays of draws are not checked).

    Examples
    --------
    >>> round(dlom_finnerty(0.6, 2.0), 4)
    0.182
    """
    vt = finnerty_volatility_term(volatility, term)
    put = norm_cdf(vt / 2.0) - norm_cdf(-vt / 2.0)
    return put if dividend_yield == 0 else exp(-dividend_yield * term) * put


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
            raise ModelInputError(f"{self.name}.kind", f"must be common, preferred or option, got {self.kind!r}")
        if self.kind == "preferred":
            _check_positive(f"{self.name}.issue_price", self.issue_price, allow_zero=True)
            _check_positive(f"{self.name}.preference_multiple", self.preference_multiple, allow_zero=True)
            _check_positive(f"{self.name}.conversion_ratio", self.conversion_ratio)
            if self.seniority < 1:
                raise ModelInputError(f"{self.name}.seniority", f"must be 1 or more, got {self.seniority}")
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


class Waterfall:
    """A cap table's breakpoints, valued by Black-Scholes call spreads (scalars or arrays).

    The value of a class is ``sum_j fraction_j (C(start_j) - C(start_{j+1}))`` with ``C`` the
    Black-Scholes call on the total equity value (:func:`bs_call`; ``C(0) = V``,
    ``C(inf) = 0``), the OPM of the AICPA (2013) guide. :func:`opm_allocate`,
    :func:`opm_backsolve` and the simulation's OPM all value classes through this one class.

    Parameters
    ----------
    classes : sequence of OpmClass
        The cap table.
    names : sequence of str, optional
        Classes to value (default: all); only the calls they need are priced.
    """

    def __init__(self, classes: Sequence[OpmClass], names: Sequence[str] | None = None) -> None:
        self.breakpoints = opm_breakpoints(classes)
        self.starts = [b.start for b in self.breakpoints]
        names = [c.name for c in classes] if names is None else list(names)
        self.fracs = {k: [b.shares.get(k, 0.0) for b in self.breakpoints] for k in names}
        self.shares = {c.name: c.shares for c in classes}
        # the calls a class's value needs: C(start_j) and C(start_{j+1}) where its fraction > 0
        self.needed = {
            k: {i for j, f in enumerate(fr) if f != 0.0 for i in (j, j + 1) if i < len(fr)}
            for k, fr in self.fracs.items()
        }

    def calls(self, v: Arr, mk: BsMarket, which: Any) -> dict[int, tuple[Arr, Arr]]:
        """Price the calls ``C(start_j)`` on the total equity value ``v`` (with deltas), ``j`` in ``which``."""
        return {j: bs_call(v, self.starts[j], mk) for j in sorted(which)}

    def class_value(self, name: str, calls: dict[int, tuple[Arr, Arr]], delta: bool = False) -> tuple[Arr, Arr]:
        """Value of class ``name`` (money, total) and, with ``delta``, its derivative in V."""
        val: Arr = 0.0
        der: Arr = 0.0
        fr = self.fracs[name]
        for j in range(len(fr)):
            if fr[j] == 0.0:
                continue
            c_next, d_next = calls[j + 1] if j + 1 < len(fr) else (0.0, 0.0)
            val = val + fr[j] * (calls[j][0] - c_next)
            if delta:
                der = der + fr[j] * (calls[j][1] - d_next)
        return val, der

    def per_share(self, name: str, v: Arr, mk: BsMarket, delta: bool = False) -> tuple[Arr, Arr]:
        """Value per share of class ``name`` at total equity value ``v``, and its derivative.

        Parameters
        ----------
        name : str
            Class name.
        v : float or ndarray of shape (n_draws,)
            Total equity value (money).
        mk : BsMarket
            Volatility, term and rate (scalars or per draw).
        delta : bool
            Also compute the derivative (else it is returned as 0.0).

        Returns
        -------
        tuple of (float or ndarray, float or ndarray)
            Money per share, and its derivative in ``v`` (per share per unit of equity value).
        """
        val, der = self.class_value(name, self.calls(v, mk, self.needed[name]), delta)
        return val / self.shares[name], der / self.shares[name]


#: Newton steps at most per draw in :func:`backsolve_equity` (it needs 5-12).
OPM_MAX_ITER = 200
#: Relative Newton step below which a draw has converged (the next error is ~ its square).
OPM_RTOL = 1e-10


def backsolve_equity(w: Waterfall, name: str, price: Arr, mk: BsMarket, start: Arr) -> Any:
    """Total equity value per draw at which class ``name`` is worth ``price`` a share.

    Solves ``w.per_share(name, V) = price`` on arrays of draws: safeguarded Newton (the class
    value rises strictly with V; its derivative is the fraction-weighted sum of the call deltas
    ``N(d1)``) from ``start``, keeping a bracket ``[lo, hi]`` per draw: a step that leaves the
    bracket is replaced by doubling (no upper end yet), halving (no lower end yet) or the
    geometric midpoint. Each draw stops on its own once its relative step is below
    :data:`OPM_RTOL`, so a draw's result does not depend on the other draws in its block.
    :func:`opm_backsolve` solves the same equation for one scenario with Brent's method.

    Parameters
    ----------
    w : Waterfall
        The cap table's waterfall (valuing ``name``).
    name : str
        Class priced in the round.
    price : float or ndarray of shape (n_draws,)
        Round price per share (money per share), positive.
    mk : BsMarket
        Volatility, term, rate (scalars or per draw).
    start : float or ndarray of shape (n_draws,)
        First guess (the post-money: price x fully diluted shares).

    Returns
    -------
    ndarray of shape (n_draws,)
        Total equity value (money).

    Raises
    ------
    SolveError
        If some draw has not converged after :data:`OPM_MAX_ITER` steps.
    """
    import numpy as np

    n = max(np.size(a) for a in (price, mk.sd, start))
    price = np.broadcast_to(np.asarray(price, dtype=float), (n,))
    v = np.array(np.broadcast_to(np.asarray(start, dtype=float), (n,)))
    full = object.__new__(BsMarket)
    for k in BsMarket.__slots__:
        a = getattr(mk, k)
        setattr(full, k, a if is_scalar(a) else np.broadcast_to(np.asarray(a, float), (n,)))
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    idx = np.arange(n)
    for _ in range(OPM_MAX_ITER):
        vi = v[idx]
        ps, der = w.per_share(name, vi, full.take(idx) if idx.size < n else full, True)
        fv = ps - price[idx]
        neg = fv < 0
        li = lo[idx] = np.where(neg, vi, lo[idx])
        hj = hi[idx] = np.where(neg, hi[idx], vi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = fv / der
        newton = vi - step
        small = np.abs(step) <= OPM_RTOL * vi  # False for nan
        ok = small | (np.isfinite(newton) & (newton > li) & (newton < hj))
        fallback = np.where(np.isinf(hj), vi * 2.0, np.where(li == 0, vi * 0.5, np.sqrt(li * hj)))
        v[idx] = np.where(fv == 0, vi, np.where(ok, newton, fallback))
        idx = idx[~((fv == 0) | small)]
        if idx.size == 0:
            return v
    raise SolveError(
        MSG_NO_SOLUTION.format(
            what="OPM backsolve",
            lo=0,
            hi="inf",
            target="the round price",
            detail=f"class {name!r}: some draws did not converge in {OPM_MAX_ITER} steps",
        )
    )


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
    w = Waterfall(classes)
    bps = w.breakpoints
    calls = w.calls(equity_value, BsMarket(volatility, term, rate), range(len(bps)))
    values = {c.name: w.class_value(c.name, calls)[0] for c in classes}
    per_share = {c.name: values[c.name] / c.shares for c in classes}
    calls = [calls[j][0] for j in range(len(bps))]
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
        raise ModelInputError("round_class", f"{round_class!r} is not a class of the cap table ({', '.join(by_name)})")
    _check_positive("round_price", round_price)
    shares = by_name[round_class].shares
    post_money = round_price * sum(c.as_converted for c in classes)

    _check_positive("volatility", volatility)
    _check_positive("time_to_liquidity", term)
    w = Waterfall(classes, [round_class])
    mk = BsMarket(volatility, term, rate)

    def f(v: float) -> float:
        return w.per_share(round_class, v, mk)[0] / round_price - 1.0

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
