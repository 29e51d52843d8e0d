"""Market structure of a newly listed company: float, lock-ups, index demand, P/S path, premium.

Pure maths on frozen models: every function takes numbers, :class:`~anchorval.money.Money` or a
:class:`~anchorval.domain.Case` and returns frozen results; nothing here reads files or the network.

Examples
--------
>>> from decimal import Decimal
>>> from anchorval.market import implied_total_shares
>>> f"{implied_total_shares(Decimal('11.7379e6'), Decimal('0.0267')):,.0f}"
'439,621,723'
"""

from ._common import ASSUMPTION_SOURCE_ID, Cited, add_months, periods_between
from ._decomposition import DecompositionResult, PremiumSplit, decompose
from ._float import (
    FloatRow,
    FreeFloatResult,
    ShareBasis,
    ShareCounts,
    float_pct,
    float_value,
    free_float,
    implied_total_shares,
    share_counts,
)
from ._index import (
    IndexDemandResult,
    IndexDemandRow,
    days_of_volume,
    index_demand,
    passive_demand,
    sensitivity_points,
    shares_for_value,
)
from ._lockups import LockUpCalendar, LockUpRow, float_after_unlocks, lockup_calendar
from ._reflexivity import (
    PSPath,
    PSPoint,
    ReflexivityResult,
    RequiredGrowthRow,
    RevenueTargetRow,
    growth_path,
    periods_to_target_ps,
    ps_multiple,
    ps_path,
    required_growth,
    revenue_path,
)
from ._structure import MarketStructureResult, analyse_market, missing_market_figures

__all__ = [
    "ASSUMPTION_SOURCE_ID",
    "Cited",
    "DecompositionResult",
    "FloatRow",
    "FreeFloatResult",
    "IndexDemandResult",
    "IndexDemandRow",
    "LockUpCalendar",
    "LockUpRow",
    "MarketStructureResult",
    "PSPath",
    "PSPoint",
    "PremiumSplit",
    "ReflexivityResult",
    "RequiredGrowthRow",
    "RevenueTargetRow",
    "ShareBasis",
    "ShareCounts",
    "add_months",
    "analyse_market",
    "days_of_volume",
    "decompose",
    "float_after_unlocks",
    "float_pct",
    "float_value",
    "free_float",
    "growth_path",
    "implied_total_shares",
    "index_demand",
    "lockup_calendar",
    "missing_market_figures",
    "passive_demand",
    "periods_between",
    "periods_to_target_ps",
    "ps_multiple",
    "ps_path",
    "required_growth",
    "revenue_path",
    "sensitivity_points",
    "share_counts",
    "shares_for_value",
]
