"""Orchestration of the market-structure analysis: load a case, parse human inputs, analyse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..cases import resolve_case
from ..domain import Case
from ..errors import AmountParseError, MissingFigureError, ModelInputError
from ..market import MarketStructureResult, analyse_market
from ..money import Money, parse_amount, parse_number

__all__ = ["market_structure", "parse_volume"]


def parse_volume(text: Any) -> Decimal | Money:
    """Parse an average daily volume: shares per day (``'1.2M'``) or value per day (``'2B HKD'``).

    Parameters
    ----------
    text : str, number, Decimal or Money

    Returns
    -------
    Decimal or Money
        A share count, or an amount of money.

    Raises
    ------
    AmountParseError
        If the text is neither.
    """
    if isinstance(text, Money | Decimal):
        return text
    if isinstance(text, int | float):
        return parse_number(text)
    try:
        return parse_number(text)
    except AmountParseError:
        return parse_amount(text)


def _money(x: Any) -> Money:
    return x if isinstance(x, Money) else parse_amount(x)


def _share(x: Any) -> Decimal:
    if isinstance(x, str):
        return parse_number(x if "%" in x else x)
    return parse_number(x)


def market_structure(
    case: str | Path | Case,
    *,
    currency: str | None = None,
    tracking_assets: Sequence[Any] | None = None,
    average_daily_volume: Any = None,
    target_ps: Any = None,
    by: Sequence[date | str] = (),
    fundamental: Any = None,
    structural_share: Any = None,
    peers: Mapping[str, Case] | None = None,
) -> MarketStructureResult:
    """Market structure of a listed company: free float, lock-ups, index demand, P/S path, premium.

    Parameters
    ----------
    case : str, Path or Case
        Bundled case id (``'zhipu-2026-06'``), case file path, or a Case built in code.
    currency : str, optional
        Second currency for values (default: the case's report currency); USD is always shown.
    tracking_assets : sequence of str or Money, optional
        Assets tracking the index (totals, ``'150B HKD'``), overriding the case figure; two or
        more levels span a sensitivity range.
    average_daily_volume : str, number or Money, optional
        ADV: shares per day (``'1.2M'``) or traded value per day (``'2B HKD'``).
    target_ps : str or number, optional
        Target P/S (x), ``100`` or ``'100x'``.
    by : sequence of date or ISO str
        Dates for the growth-needed table.
    fundamental : str, Money or ``'anchors'``, optional
        Fundamental value (total) to split the market cap against; ``'anchors'`` uses the
        blended view of :func:`anchorval.value` on the same case (needs blend weights).
    structural_share : str or number, optional
        Share of the premium from structural amplification: ``'60%'`` or ``0.6``.
    peers : mapping of str to Case, optional
        Peer cases built in code.

    Returns
    -------
    MarketStructureResult
        ``.tables()`` gives every table as a pandas DataFrame; ``.to_dict()`` the JSON structure.

    Raises
    ------
    UnknownCaseError, CaseError
        If the case cannot be found or is invalid.
    MissingFigureError
        Naming every figure the analysis lacks.
    ContradictoryInputError
        An unlock larger than the locked shares, a date before the listing, and the like.
    AmountParseError, CurrencyError
        If an input amount cannot be parsed.

    Examples
    --------
    >>> import anchorval
    >>> r = anchorval.market_structure("zhipu-2026-06")
    >>> f"{r.free_float.total_shares / 10**6:.1f}M"
    '439.6M'
    """
    loaded = resolve_case(case, peers)
    c = loaded.case
    fund: Money | None = None
    if isinstance(fundamental, str) and fundamental.strip().lower() == "anchors":
        from .value import value_loaded

        t = value_loaded(
            loaded,
            currency=c.capital.share_price.unit if c.capital and c.capital.share_price else None,
        )
        if t.blended is None:
            raise MissingFigureError(
                f"case {c.id!r}: no blended anchor view to use as fundamental value "
                "(give blend_weights)"
            )
        fund = t.blended.base
    elif fundamental is not None:
        fund = _money(fundamental)
        if fund.amount <= 0:
            raise ModelInputError("fundamental value", f"must be positive, got {fundamental}")
    tps = None
    if target_ps is not None:
        tps = (
            parse_number(str(target_ps).rstrip("xX"))
            if isinstance(target_ps, str)
            else parse_number(target_ps)
        )
    return analyse_market(
        c,
        loaded.fx,
        currency=currency,
        tracking_assets=[_money(a) for a in tracking_assets] if tracking_assets else None,
        average_daily_volume=parse_volume(average_daily_volume)
        if average_daily_volume is not None
        else None,
        target_ps=tps,
        by=[d if isinstance(d, date) else date.fromisoformat(d) for d in by],
        fundamental=fund,
        structural_share=_share(structural_share) if structural_share is not None else None,
    )
