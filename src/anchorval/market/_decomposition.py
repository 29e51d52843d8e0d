"""Price decomposition: market cap = fundamental value + premium, and who the premium belongs to.

``premium = market cap - fundamental value``; ``premium share = premium / market cap``. The premium
may be attributed (an explicit input, never a constant) to structural amplification (float
scarcity, forced passive buying) and narrative: ``structural = premium x s``,
``narrative = premium x (1 - s)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import ContradictoryInputError
from ..money import Money
from ._common import Cited

__all__ = ["DecompositionResult", "PremiumSplit", "decompose"]


@dataclass(frozen=True)
class PremiumSplit:
    """One split of the market cap into fundamental value and premium.

    Attributes
    ----------
    scenario : str
        Where the fundamental value comes from (``'Tencent: about 50/50'``, ``'user input'``).
    market_cap : Money
        Market cap (total).
    fundamental : Money
        Fundamental value (total, same currency).
    premium : Money
        ``market_cap - fundamental`` (negative: a discount).
    premium_share : Decimal
        ``premium / market_cap`` (decimal).
    structural_share_of_premium : Decimal or None
        Input share of the premium due to structure (decimal); None when not split.
    structural, narrative : Money or None
        ``premium x s`` and ``premium x (1 - s)``; None when not split.
    figures : tuple of Cited
        Figures the scenario rests on.
    """

    scenario: str
    market_cap: Money
    fundamental: Money
    premium: Money
    premium_share: Decimal
    structural_share_of_premium: Decimal | None = None
    structural: Money | None = None
    narrative: Money | None = None
    figures: tuple[Cited, ...] = ()


def decompose(
    market_cap: Money,
    fundamental: Money,
    structural_share_of_premium: Decimal | None = None,
    scenario: str = "user input",
    figures: tuple[Cited, ...] = (),
) -> PremiumSplit:
    """Split a market cap into fundamental value and premium, the premium into structure and story.

    Parameters
    ----------
    market_cap : Money
        Market cap (total), positive.
    fundamental : Money
        Fundamental value (total), same currency, non-negative.
    structural_share_of_premium : Decimal, optional
        Share of the premium from structural amplification, decimal in [0, 1]; None leaves the
        premium unsplit.
    scenario : str
        Label.
    figures : tuple of Cited
        Citations.

    Returns
    -------
    PremiumSplit

    Raises
    ------
    CurrencyMismatchError
        If the currencies differ.
    ContradictoryInputError
        If the market cap is not positive, the fundamental value is negative, or the share is
        outside [0, 1].

    Examples
    --------
    >>> s = decompose(Money(Decimal(100), "HKD"), Money(Decimal(40), "HKD"), Decimal("0.25"))
    >>> (str(s.premium), s.premium_share, str(s.structural))
    ('60 HKD', Decimal('0.6'), '15 HKD')
    """
    if market_cap.amount <= 0:
        raise ContradictoryInputError(f"market cap must be positive, got {market_cap}")
    if fundamental.amount < 0:
        raise ContradictoryInputError(f"fundamental value cannot be negative, got {fundamental}")
    premium = market_cap - fundamental
    structural = narrative = None
    if structural_share_of_premium is not None:
        if not (0 <= structural_share_of_premium <= 1):
            raise ContradictoryInputError(
                "structural share of the premium must lie in 0%-100%, "
                f"got {structural_share_of_premium * 100}%"
            )
        structural = premium * structural_share_of_premium
        narrative = premium - structural
    return PremiumSplit(
        scenario,
        market_cap,
        fundamental,
        premium,
        premium / market_cap,
        structural_share_of_premium,
        structural,
        narrative,
        figures,
    )


@dataclass(frozen=True)
class DecompositionResult:
    """Every premium split of one market cap.

    Attributes
    ----------
    market_cap : Money
        Market cap (total).
    splits : tuple of PremiumSplit
        One per scenario.
    """

    market_cap: Money
    splits: tuple[PremiumSplit, ...]

    def to_frame(self) -> Any:
        """Return the splits as a pandas DataFrame (amounts are floats, totals in ``currency``)."""
        import pandas as pd

        def f(m: Money | None) -> float | None:
            return None if m is None else float(m.amount)

        return pd.DataFrame(
            [
                {
                    "scenario": s.scenario,
                    "market_cap": f(s.market_cap),
                    "fundamental": f(s.fundamental),
                    "premium": f(s.premium),
                    "premium_share": float(s.premium_share),
                    "structural_share_of_premium": None
                    if s.structural_share_of_premium is None
                    else float(s.structural_share_of_premium),
                    "structural": f(s.structural),
                    "narrative": f(s.narrative),
                    "currency": s.market_cap.currency,
                }
                for s in self.splits
            ]
        )
