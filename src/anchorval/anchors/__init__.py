"""Valuation anchors: each a pure function ``(Case, AnchorContext) -> AnchorResult``.

``ANCHORS`` maps anchor keys to functions, in the order reports show them.
"""

from collections.abc import Callable

from ..domain import Case
from ._base import AnchorContext, AnchorResult, Derivation, FigureRef, GridCell, Step
from .arr_multiple import arr_multiple
from .dcf import dcf
from .last_round import last_round
from .market_value import market_value
from .opm_backsolve import opm_last_round, opm_perp
from .peer_multiple import peer_multiple, price_to_sales
from .perp_implied import perp_implied
from .prediction_market import prediction_market

AnchorFn = Callable[[Case, AnchorContext], AnchorResult]

#: Registered anchors by key, in report order.
ANCHORS: dict[str, AnchorFn] = {
    "market_value": market_value,
    "peer_multiple": peer_multiple,
    "perp_implied": perp_implied,
    "arr_multiple": arr_multiple,
    "last_round": last_round,
    "dcf": dcf,
    "opm_last_round": opm_last_round,
    "opm_perp": opm_perp,
    "prediction_market": prediction_market,
}

__all__ = [
    "ANCHORS",
    "AnchorContext",
    "AnchorFn",
    "AnchorResult",
    "Derivation",
    "FigureRef",
    "GridCell",
    "Step",
    "arr_multiple",
    "dcf",
    "last_round",
    "market_value",
    "opm_last_round",
    "opm_perp",
    "peer_multiple",
    "perp_implied",
    "prediction_market",
    "price_to_sales",
]
