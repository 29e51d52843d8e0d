"""Market-data providers: a query model, a data model and a fetcher each, registered by name.

>>> from anchorval.providers import provider_names
>>> provider_names()  # doctest: +NORMALIZE_WHITESPACE
['aster', 'binance', 'coinbaseinternational', 'cryptocom', 'ecb', 'ecb-daily', 'htx',
 'hyperliquid', 'okx', 'polymarket', 'yahoo']

Third-party packages may add providers through the ``anchorval.providers`` entry-point group
(each entry point names a :class:`Fetcher` subclass), as xarray does for its backends.
"""

from __future__ import annotations

from typing import Any

from ..errors import MSG_UNKNOWN_PROVIDER, UnknownProviderError
from ._base import Fetcher, ProviderData, ProviderQuery, RetryPolicy
from ._models import EquityQuery, EquityQuote, FxQuery, FxQuote, PerpMarket, PerpQuery
from .binance import BinanceUsdmFetcher
from .ccxt_perps import (
    AsterFetcher,
    CoinbaseInternationalFetcher,
    CryptocomFetcher,
    HtxFetcher,
    OkxFetcher,
)
from .ecb_daily import EcbDailyFxFetcher
from .fx import EcbFxFetcher
from .hyperliquid import HyperliquidFetcher
from .polymarket import PolymarketFetcher, PredictionMarketData, PredictionQuery
from .yahoo import YahooEquityFetcher

__all__ = [
    "AsterFetcher",
    "BinanceUsdmFetcher",
    "CoinbaseInternationalFetcher",
    "CryptocomFetcher",
    "EcbDailyFxFetcher",
    "EcbFxFetcher",
    "EquityQuery",
    "EquityQuote",
    "Fetcher",
    "FxQuery",
    "FxQuote",
    "HtxFetcher",
    "HyperliquidFetcher",
    "OkxFetcher",
    "PerpMarket",
    "PerpQuery",
    "PolymarketFetcher",
    "PredictionMarketData",
    "PredictionQuery",
    "ProviderData",
    "ProviderQuery",
    "RetryPolicy",
    "YahooEquityFetcher",
    "get_fetcher",
    "perp_provider_names",
    "provider_names",
    "registry",
]

_BUILTIN: dict[str, type[Fetcher[Any, Any]]] = {
    f.name: f
    for f in (
        BinanceUsdmFetcher,
        HyperliquidFetcher,
        OkxFetcher,
        HtxFetcher,
        CryptocomFetcher,
        CoinbaseInternationalFetcher,
        AsterFetcher,
        PolymarketFetcher,
        YahooEquityFetcher,
        EcbFxFetcher,
        EcbDailyFxFetcher,
    )
}


def registry() -> dict[str, type[Fetcher[Any, Any]]]:
    """All installed providers by name: the built-in ones plus entry points.

    Returns
    -------
    dict of str to Fetcher subclass
    """
    out = dict(_BUILTIN)
    from importlib.metadata import entry_points

    for ep in entry_points(group="anchorval.providers"):
        if ep.name not in out:
            out[ep.name] = ep.load()
    return out


def provider_names() -> list[str]:
    """Sorted names of the installed providers.

    Returns
    -------
    list of str
        Built-in names plus those of ``anchorval.providers`` entry points.
    """
    return sorted(registry())


def perp_provider_names() -> list[str]:
    """Sorted names of the installed providers that return :class:`PerpMarket`.

    Returns
    -------
    list of str
        The perpetual-futures venues (``'binance'``, ``'hyperliquid'``, and plugged-in ones).
    """
    return sorted(k for k, f in registry().items() if f.data_model is PerpMarket)


def get_fetcher(name: str, **kwargs: Any) -> Fetcher[Any, Any]:
    """Build the fetcher registered as ``name``.

    Parameters
    ----------
    name : str
        Provider name (``'binance'``); case-insensitive.
    **kwargs
        Passed to the fetcher (``session=``, ``retry=``, ``timeout=``).

    Returns
    -------
    Fetcher

    Raises
    ------
    UnknownProviderError
        If no provider has that name; the message lists the installed ones.

    Examples
    --------
    >>> get_fetcher("binance").name
    'binance'
    """
    reg = registry()
    cls = reg.get(name.strip().lower())
    if cls is None:
        raise UnknownProviderError(
            MSG_UNKNOWN_PROVIDER.format(name=name, known=", ".join(sorted(reg)))
        )
    return cls(**kwargs)
