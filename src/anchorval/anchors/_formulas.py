"""Formula primitives that work on scalars and numpy arrays alike.

Every anchor formula is written once on top of these: called with ``Decimal`` or ``float``
scalars it gives the deterministic value (exact Decimal arithmetic stays Decimal, floats use
:mod:`math`); called with float64 arrays of shape ``(n_draws,)`` it gives the vectorised value
of every draw (numpy, ``scipy.special.erfc``). numpy and scipy are imported only when an array
is seen, so the deterministic anchors do not load them.

The simple anchors are products of money, counts and FX rates:

- ``perp_implied`` = contract price x reference shares x FX (several venues: the median);
- ``market_value`` = share price x shares outstanding x FX (or the stated market cap x FX);
- ``last_round`` = post-money x FX;
- ``arr_multiple`` = market ARR x FX x company share x revenue multiple (x gross-margin factor);
- ``peer_multiple`` = target figure x FX x peer multiple, the multiple being (peer market cap
  [+ debt x FX - cash x FX]) / (peer revenue x FX to the cap's currency).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "Arr",
    "Values",
    "erfc",
    "exp",
    "expm1",
    "is_scalar",
    "log",
    "maximum",
    "median",
    "norm_cdf",
    "prod",
    "sqrt",
    "where",
]

#: A scalar (``Decimal``, ``float``) or a float64 ndarray of shape (n_draws,).
Arr = Any
#: Inputs of a vectorised model by figure path: arrays of shape (n_draws,) or floats.
Values = Mapping[str, Any]

_SCALARS = (int, float, Decimal)  # numpy.float64 is a float, bool an int
_SQRT2 = math.sqrt(2.0)


def is_scalar(x: Any) -> bool:
    """Return True for a Python/numpy scalar or a 0-d array, False for an array of draws.

    Examples
    --------
    >>> is_scalar(1.5), is_scalar(Decimal("2"))
    (True, True)
    """
    return isinstance(x, _SCALARS) or getattr(x, "ndim", 1) == 0


def where(cond: Any, a: Arr, b: Arr) -> Arr:
    """Pick ``a`` where ``cond`` holds, else ``b`` (a plain branch on scalars, ``numpy.where`` on arrays).

    Examples
    --------
    >>> where(Decimal(1) > 0, "yes", "no")
    'yes'
    """
    if is_scalar(cond):
        return a if cond else b
    import numpy as np

    return np.where(cond, a, b)


def prod(*factors: Arr) -> Arr:
    """Product of the factors, the scalar ones folded first (left to right).

    On scalars this is the left-to-right product (Decimal inputs give the exact Decimal
    product of the deterministic anchors); with arrays, the scalars are multiplied together
    first so each array factor costs one pass.

    Examples
    --------
    >>> prod(Decimal("1718"), Decimal("1e9"), Decimal(1))
    Decimal('1.718E+12')
    """
    k: Any = None
    arrays = []
    for f in factors:
        if is_scalar(f):
            k = f if k is None else k * f
        else:
            arrays.append(f)
    if not arrays:
        return k
    out = arrays[0] * (1.0 if k is None else k)
    for a in arrays[1:]:
        out *= a
    return out


def median(values: Sequence[Arr]) -> Arr:
    """Median of several values, per draw for arrays (even count: mean of the middle two).

    Examples
    --------
    >>> median([Decimal(3), Decimal(1), Decimal(2), Decimal(10)])
    Decimal('2.5')
    """
    if len(values) == 1:
        return values[0]
    if all(is_scalar(v) for v in values):
        s = sorted(values)
        mid = len(s) // 2
        if len(s) % 2:
            return s[mid]
        half = Decimal("0.5") if isinstance(s[mid], Decimal) else 0.5
        return (s[mid - 1] + s[mid]) * half
    import numpy as np

    return np.median(np.stack(np.broadcast_arrays(*values)), axis=0)


def _np() -> Any:
    import numpy as np

    return np


def log(x: Arr) -> Arr:
    """Natural logarithm (``math.log`` on a scalar, ``numpy.log`` on an array)."""
    return math.log(x) if is_scalar(x) else _np().log(x)


def exp(x: Arr) -> Arr:
    """Exponential (``math.exp`` / ``numpy.exp``)."""
    return math.exp(x) if is_scalar(x) else _np().exp(x)


def expm1(x: Arr) -> Arr:
    """``e^x - 1``, exact for small x (``math.expm1`` / ``numpy.expm1``)."""
    return math.expm1(x) if is_scalar(x) else _np().expm1(x)


def sqrt(x: Arr) -> Arr:
    """Square root (``math.sqrt`` / ``numpy.sqrt``)."""
    return math.sqrt(x) if is_scalar(x) else _np().sqrt(x)


def maximum(x: Arr, floor: float) -> Arr:
    """``max(x, floor)`` elementwise."""
    return max(x, floor) if is_scalar(x) else _np().maximum(x, floor)


def erfc(x: Arr) -> Arr:
    """Complementary error function (``math.erfc`` / ``scipy.special.erfc``)."""
    if is_scalar(x):
        return math.erfc(x)
    from scipy.special import erfc as sp_erfc

    return sp_erfc(x)


def norm_cdf(x: Arr) -> Arr:
    """Return the standard normal CDF, ``0.5 erfc(-x / sqrt(2))``, accurate to about 1e-16.

    Parameters
    ----------
    x : float or ndarray of shape (n_draws,)

    Returns
    -------
    float or ndarray of shape (n_draws,)
        N(x).

    Examples
    --------
    >>> norm_cdf(0.0)
    0.5
    """
    return 0.5 * erfc(-x / _SQRT2)
