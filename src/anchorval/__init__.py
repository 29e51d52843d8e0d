"""anchorval: valuation anchors for AI companies the market prices in strange ways.

Every anchor (peer multiple, perp-implied, ARR multiple, last round) side by side, each with its
derivation, sources and caveats. Names are imported lazily (PEP 562) so that the command line
starts fast; ``from anchorval import value`` works as usual.

Examples
--------
>>> import anchorval
>>> t = anchorval.value("anthropic-2026-06")
>>> sorted(a.anchor for a in t.anchors)
['arr_multiple', 'last_round', 'peer_multiple', 'perp_implied']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "ANCHORS": "anchorval.anchors",
    "AnchorContext": "anchorval.anchors",
    "AnchorResult": "anchorval.anchors",
    "AnchorvalError": "anchorval.errors",
    "Case": "anchorval.domain",
    "CaseError": "anchorval.errors",
    "DcfRun": "anchorval.workflows.dcf",
    "Figure": "anchorval.domain",
    "FxRate": "anchorval.money",
    "FxTable": "anchorval.money",
    "Money": "anchorval.money",
    "Source": "anchorval.domain",
    "Triangulation": "anchorval.anchors.triangulate",
    "audit": "anchorval.workflows.audit",
    "bundled_case_ids": "anchorval.cases",
    "load_case": "anchorval.cases",
    "market_structure": "anchorval.workflows.market",
    "parse_amount": "anchorval.money",
    "parse_number": "anchorval.money",
    "resolve_case": "anchorval.cases",
    "run_dcf": "anchorval.workflows.dcf",
    "sensitivity": "anchorval.workflows.simulate",
    "simulate": "anchorval.workflows.simulate",
    "triangulate": "anchorval.anchors.triangulate",
    "value": "anchorval.workflows.value",
    "value_live": "anchorval.workflows.live",
}

__all__ = [
    "ANCHORS",
    "AnchorContext",
    "AnchorResult",
    "AnchorvalError",
    "Case",
    "CaseError",
    "DcfRun",
    "Figure",
    "FxRate",
    "FxTable",
    "Money",
    "Source",
    "Triangulation",
    "__version__",
    "audit",
    "bundled_case_ids",
    "load_case",
    "market_structure",
    "parse_amount",
    "parse_number",
    "resolve_case",
    "run_dcf",
    "sensitivity",
    "simulate",
    "triangulate",
    "value",
    "value_live",
]


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'anchorval' has no attribute {name!r}")
    module = importlib.import_module(mod)
    obj = getattr(module, name)
    globals()[name] = obj
    return obj


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover
    from .anchors import ANCHORS, AnchorContext, AnchorResult
    from .anchors.triangulate import Triangulation, triangulate
    from .cases import bundled_case_ids, load_case, resolve_case
    from .domain import Case, Figure, Source
    from .errors import AnchorvalError, CaseError
    from .money import FxRate, FxTable, Money, parse_amount, parse_number
    from .workflows.audit import audit
    from .workflows.dcf import DcfRun, run_dcf
    from .workflows.live import value_live
    from .workflows.market import market_structure
    from .workflows.simulate import sensitivity, simulate
    from .workflows.value import value
