"""Valuation anchors: each a pure function ``(Case, AnchorContext) -> AnchorResult``.

``ANCHORS`` maps anchor keys to their one implementation, in the order reports show them: an
:class:`Anchor` holding the deterministic derivation (calling the entry values a case) and the
vectorised model the simulation draws from. Both call the same formula functions.
"""

from collections.abc import Callable

from ..domain import Case
from ._base import (
    Anchor,
    AnchorContext,
    AnchorResult,
    Derivation,
    FigureRef,
    GridCell,
    ModelInputs,
    PointInputs,
    Step,
)
from .arr_multiple import ARR_MULTIPLE, arr_multiple
from .dcf import DCF, dcf
from .last_round import LAST_ROUND, last_round
from .market_value import MARKET_VALUE, market_value
from .opm_backsolve import OPM_LAST_ROUND, OPM_PERP, opm_last_round, opm_perp
from .peer_multiple import PEER_MULTIPLE, peer_multiple, price_to_sales
from .perp_implied import PERP_IMPLIED, perp_implied
from .prediction_market import PREDICTION_MARKET, prediction_market

AnchorFn = Callable[[Case, AnchorContext], AnchorResult]

#: Registered anchors by key, in report order: derivation and vectorised model of each.
ANCHORS: dict[str, Anchor] = {
    a.key: a
    for a in (
        MARKET_VALUE,
        PEER_MULTIPLE,
        PERP_IMPLIED,
        ARR_MULTIPLE,
        LAST_ROUND,
        DCF,
        OPM_LAST_ROUND,
        OPM_PERP,
        PREDICTION_MARKET,
    )
}

__all__ = [
    "ANCHORS",
    "Anchor",
    "AnchorContext",
    "AnchorFn",
    "AnchorResult",
    "Derivation",
    "FigureRef",
    "GridCell",
    "ModelInputs",
    "PointInputs",
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
