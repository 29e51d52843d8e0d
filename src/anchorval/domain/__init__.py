"""Frozen, validated domain models: sources, figures, companies, rounds, quotes and cases."""

from ._case import (
    ArrMultipleSpec,
    CapitalStructure,
    Case,
    Company,
    Financials,
    FundingRound,
    FxRateSpec,
    PeerSpec,
    PerpQuote,
)
from ._figure import (
    CountFigure,
    Figure,
    FrozenModel,
    MoneyFigure,
    MultipleFigure,
    RatioFigure,
    Source,
    iter_figures,
)
from ._fundamental import (
    CapTable,
    DcfInputs,
    OpmInputs,
    ShareClass,
    SubscriptionPlan,
    UnitEconomics,
)

__all__ = [
    "CapTable",
    "DcfInputs",
    "OpmInputs",
    "ShareClass",
    "SubscriptionPlan",
    "UnitEconomics",
    "ArrMultipleSpec",
    "CapitalStructure",
    "Case",
    "Company",
    "CountFigure",
    "Figure",
    "Financials",
    "FrozenModel",
    "FundingRound",
    "FxRateSpec",
    "MoneyFigure",
    "MultipleFigure",
    "PeerSpec",
    "PerpQuote",
    "RatioFigure",
    "Source",
    "iter_figures",
]
