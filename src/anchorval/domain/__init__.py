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
from ._simulation import CorrelationSpec, SimulationSpec

__all__ = [
    "ArrMultipleSpec",
    "CapitalStructure",
    "Case",
    "Company",
    "CorrelationSpec",
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
    "SimulationSpec",
    "Source",
    "iter_figures",
]
