"""anchorval: valuation anchors for AI companies the market prices in strange ways.

Every anchor (peer multiple, perp-implied, ARR multiple, last round) side by side, each with its
derivation, sources and caveats.

Examples
--------
>>> import anchorval
>>> t = anchorval.value("anthropic-2026-06")
>>> sorted(a.anchor for a in t.anchors)
['arr_multiple', 'last_round', 'peer_multiple', 'perp_implied']
"""

from __future__ import annotations

# ``anchorval.simulate`` is the simulate package, callable as ``anchorval.simulate(case, ...)``
from . import simulate  # lazy: no numpy at import
from .anchors import ANCHORS, AnchorContext, AnchorResult
from .cases import bundled_case_ids, load_case, resolve_case
from .domain import Case, Figure, Source
from .errors import AnchorvalError, CaseError
from .money import FxRate, FxTable, Money, parse_amount, parse_number
from .triangulate import Triangulation, triangulate
from .uncertainty import sensitivity
from .workflows import value

__version__ = "0.1.0"

__all__ = [
    "ANCHORS",
    "AnchorContext",
    "AnchorResult",
    "AnchorvalError",
    "Case",
    "CaseError",
    "Figure",
    "FxRate",
    "FxTable",
    "Money",
    "Source",
    "Triangulation",
    "__version__",
    "bundled_case_ids",
    "load_case",
    "parse_amount",
    "parse_number",
    "resolve_case",
    "sensitivity",
    "simulate",
    "triangulate",
    "value",
]
