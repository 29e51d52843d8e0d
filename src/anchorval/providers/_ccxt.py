"""Calling venues through ccxt's implicit (raw endpoint) API, with typed errors.

We call raw endpoints (``fapiPublicGetExchangeInfo``, ``publicPostInfo``) rather than
``load_markets``: ccxt's market parser drops or misreads contract types it does not know (Binance's
``TRADIFI_PERPETUAL``), and loading every market costs many requests.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import (
    MSG_MISSING_EXTRA,
    MSG_UNKNOWN_SYMBOL,
    ProviderError,
    ProviderNetworkError,
    ProviderServerError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    ProviderUnreachableError,
    RateLimitError,
    UnknownSymbolError,
)

__all__ = ["call_ccxt", "make_exchange", "retry_after_seconds"]


def make_exchange(exchange_id: str, session: Any, timeout: float) -> Any:
    """Build a ccxt exchange object that uses ``session`` for HTTP.

    Raises
    ------
    ProviderUnavailableError
        If ccxt is not installed (names the ``live`` extra).
    """
    try:
        import ccxt
    except ImportError:  # pragma: no cover - ccxt is in the live and test extras
        raise ProviderUnavailableError(
            MSG_MISSING_EXTRA.format(what=f"the {exchange_id} provider", package="ccxt")
        ) from None
    # ccxt's rate limiter on: it spaces requests by the exchange's documented rateLimit
    config: dict[str, Any] = {"enableRateLimit": True, "timeout": int(timeout * 1000)}
    if session is not None:
        config["session"] = session
    return getattr(ccxt, exchange_id)(config)


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not headers:
        return None
    value = None
    for k, v in dict(headers).items():
        if str(k).lower() == "retry-after":
            value = v
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(str(value)) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def call_ccxt(
    provider: str, exchange: Any, endpoint: str, fn: Callable[[], Any], symbol: str | None = None
) -> Any:
    """Call one ccxt implicit-API function and map ccxt's errors to anchorval's.

    Parameters
    ----------
    provider : str
        Provider name for messages.
    exchange : ccxt.Exchange
        The exchange object (its ``last_response_headers`` give ``Retry-After``).
    endpoint : str
        Endpoint path for messages (``'/fapi/v1/premiumIndex'``).
    fn : callable
        Zero-argument call.
    symbol : str, optional
        Symbol asked for, named in an unknown-symbol error.

    Returns
    -------
    object
        Parsed JSON (or the raw text when it did not parse).

    Raises
    ------
    ProviderTimeoutError, RateLimitError, ProviderServerError, ProviderNetworkError
        Transient errors (retryable).
    UnknownSymbolError
        If the venue rejects the symbol.
    ProviderError
        Any other venue error.
    """
    import ccxt

    where = f"{provider} {endpoint}"
    try:
        return fn()
    except ccxt.NetworkError as exc:
        if not isinstance(exc, ccxt.RequestTimeout | ccxt.DDoSProtection) and _unreachable(exc):
            raise ProviderUnreachableError(f"{where}: cannot connect: {_root(exc)[:120]}") from exc
        _raise_network(ccxt, exc, where, exchange)
    except ccxt.BadSymbol as exc:
        raise UnknownSymbolError(
            MSG_UNKNOWN_SYMBOL.format(
                provider=provider, symbol=symbol, detail=f" ({str(exc)[:120]})"
            )
        ) from exc
    except ccxt.BaseError as exc:
        raise ProviderError(f"{where}: {str(exc)[:200]}") from exc


def _root(exc: BaseException) -> str:
    """Return the innermost cause's message (``'[Errno 111] Connection refused'``)."""
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return str(seen)


def _unreachable(exc: BaseException) -> bool:
    """Tell whether the HTTP connection itself failed (no status code came back)."""
    import requests

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, requests.exceptions.ConnectionError) and not isinstance(
            seen, requests.exceptions.Timeout
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _raise_network(ccxt: Any, exc: Exception, where: str, exchange: Any) -> None:
    """Map a ccxt network error (not a refused connection) to anchorval's typed errors."""
    try:
        raise exc
    except ccxt.RequestTimeout as exc:
        raise ProviderTimeoutError(f"{where}: timed out ({exc.__class__.__name__})") from exc
    except ccxt.DDoSProtection as exc:  # RateLimitExceeded is a subclass; Binance 418/429
        ra = retry_after_seconds(getattr(exchange, "last_response_headers", None))
        raise RateLimitError(
            f"{where}: rate limited (HTTP 429), retry after {ra}s", retry_after=ra, status=429
        ) from exc
    except (ccxt.ExchangeNotAvailable, ccxt.OnMaintenance) as exc:
        raise ProviderServerError(f"{where}: venue unavailable: {str(exc)[:160]}") from exc
    except ccxt.NetworkError as exc:
        raise ProviderNetworkError(f"{where}: network error: {str(exc)[:160]}") from exc


def http_date(headers: Any) -> Any:
    """Return the HTTP ``Date`` header as an aware datetime, or None."""
    if not headers:
        return None
    for k, v in dict(headers).items():
        if str(k).lower() == "date":
            try:
                return parsedate_to_datetime(str(v))
            except (TypeError, ValueError):
                return None
    return None
