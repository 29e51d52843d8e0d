"""The provider pattern: a query model, a data model and a fetcher.

A :class:`Fetcher` runs three stages (OpenBB's provider ``Fetcher``):

1. ``transform_query(params) -> Query``: validate and normalise what the user asked for;
2. ``extract_data(query) -> raw``: the venue's JSON, as received (no interpretation);
3. ``transform_data(query, raw) -> Data``: the standard, frozen data model.

Each stage is testable on its own, which the stage tests under ``tests/providers`` do on recorded
HTTP. Transient failures (timeouts, HTTP 429, 5xx) are retried by :mod:`tenacity` with
exponential backoff that honours ``Retry-After``; everything else raises a typed
:class:`~anchorval.errors.ProviderError` at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from ..errors import (
    MSG_EMPTY,
    MSG_MALFORMED,
    EmptyResponseError,
    MalformedResponseError,
    ProviderNetworkError,
)

__all__ = [
    "Fetcher",
    "ProviderData",
    "ProviderQuery",
    "RetryPolicy",
    "dec",
    "utc_ms",
]


class ProviderQuery(BaseModel):
    """Base of every query model (frozen; unknown keys rejected)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ProviderData(BaseModel):
    """Base of every standard data model (frozen)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


Q = TypeVar("Q", bound=ProviderQuery)
D = TypeVar("D", bound=ProviderData)


@dataclass(frozen=True)
class RetryPolicy:
    """How transient provider errors are retried (by :mod:`tenacity`).

    Attributes
    ----------
    attempts : int
        Total attempts including the first (1 = no retry).
    initial : float
        First backoff in seconds; doubles each retry (exponential backoff with jitter).
    maximum : float
        Cap on one wait, in seconds; a server's ``Retry-After`` is honoured up to this cap.
    sleep : callable or None
        Replacement for :func:`time.sleep` (tests record waits instead of sleeping).
    """

    attempts: int = 3
    initial: float = 0.5
    maximum: float = 30.0
    sleep: Callable[[float], None] | None = None

    def call(self, fn: Callable[[], Any]) -> Any:
        """Call ``fn`` and retry it on :class:`~anchorval.errors.ProviderNetworkError`.

        Parameters
        ----------
        fn : callable
            Zero-argument function doing one request.

        Returns
        -------
        object
            What ``fn`` returns.

        Raises
        ------
        ProviderNetworkError
            The last error, once the attempts are used up.
        """
        import tenacity

        expo = tenacity.wait_exponential_jitter(
            multiplier=self.initial, max=self.maximum, jitter=self.initial / 4
        )

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            ra = getattr(exc, "retry_after", None)
            if ra is not None:
                return min(float(ra), self.maximum)
            return expo(state)

        kwargs: dict[str, Any] = {}
        if self.sleep is not None:
            kwargs["sleep"] = self.sleep
        r = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(ProviderNetworkError),
            stop=tenacity.stop_after_attempt(max(1, self.attempts)),
            wait=wait,
            reraise=True,
            **kwargs,
        )
        return r(fn)


def dec(value: Any, field: str, provider: str, endpoint: str) -> Decimal:
    """Parse a venue number (usually a JSON string such as ``"1718.20"``) into a Decimal.

    Raises
    ------
    MalformedResponseError
        If the value is missing or not a finite number.
    """
    if value is None or isinstance(value, bool):
        raise MalformedResponseError(
            MSG_MALFORMED.format(
                provider=provider, endpoint=endpoint, why=f"field {field!r} is missing"
            )
        )
    try:
        d = Decimal(str(value))
    except Exception:
        d = Decimal("NaN")
    if not d.is_finite():
        raise MalformedResponseError(
            MSG_MALFORMED.format(
                provider=provider,
                endpoint=endpoint,
                why=f"field {field!r} is not a number: {value!r}",
            )
        )
    return d


def utc_ms(ms: Any, field: str, provider: str, endpoint: str) -> datetime:
    """Turn epoch milliseconds into an aware UTC datetime.

    Raises
    ------
    MalformedResponseError
        If the value is not an integer number of milliseconds.
    """
    try:
        return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError):
        raise MalformedResponseError(
            MSG_MALFORMED.format(
                provider=provider, endpoint=endpoint, why=f"field {field!r} is not epoch ms: {ms!r}"
            )
        ) from None


class Fetcher(Generic[Q, D]):
    """Base class of every provider: three stages, registered by :attr:`name`.

    Parameters
    ----------
    session : requests.Session, optional
        HTTP session to use (tests pass one that vcrpy records or a stand-in transport).
    retry : RetryPolicy, optional
        Retry policy for transient errors (default 3 attempts, 0.5 s doubling).
    timeout : float
        Per-request timeout in seconds.

    Notes
    -----
    Subclasses set ``name``, ``description``, ``query_model`` and ``data_model`` and implement
    the three stages. :meth:`fetch` chains them.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    query_model: ClassVar[type[ProviderQuery]]
    data_model: ClassVar[type[ProviderData]]
    #: Optional package the fetcher needs (for the "install the live extra" message).
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, session: Any = None, retry: RetryPolicy | None = None, timeout: float = 10.0
    ) -> None:
        self.session = session
        self.retry = retry or RetryPolicy()
        self.timeout = timeout

    def transform_query(self, params: dict[str, Any]) -> Q:
        """Validate user parameters into the query model.

        Parameters
        ----------
        params : dict of str to Any
            User parameters (``{'symbol': 'ANTHROPICUSDT'}``); subclasses normalise symbols.

        Returns
        -------
        ProviderQuery
            An instance of the fetcher's ``query_model``.

        Raises
        ------
        pydantic.ValidationError
            If a parameter does not fit the query model.
        """
        return self.query_model.model_validate(params)  # type: ignore[return-value]

    def extract_data(self, query: Q) -> Any:  # pragma: no cover - abstract
        """Fetch the venue's raw JSON for ``query`` (the only stage that touches the network).

        Parameters
        ----------
        query : ProviderQuery
            From :meth:`transform_query`.

        Returns
        -------
        Any
            The venue's answers as sent (parsed JSON), for :meth:`transform_data`.

        Raises
        ------
        ProviderNetworkError
            Timeouts, rate limits and server errors, after the retry policy's attempts.
        UnknownSymbolError, EmptyResponseError, MalformedResponseError
            When the venue does not list the symbol or answers with nothing usable.
        """
        raise NotImplementedError

    def transform_data(self, query: Q, raw: Any) -> D:  # pragma: no cover - abstract
        """Turn raw JSON into the standard data model (pure; no network).

        Parameters
        ----------
        query : ProviderQuery
            The query the data answers.
        raw : Any
            From :meth:`extract_data`.

        Returns
        -------
        ProviderData
            An instance of ``data_model``; numbers as exact Decimals from the venue's strings,
            prices per contract unit (perps) or per share (equities) in the quote currency.

        Raises
        ------
        MalformedResponseError
            If a field is missing or not a number.
        UnknownSymbolError
            Where the symbol is looked up in the answer (Hyperliquid's ``meta.universe``).
        """
        raise NotImplementedError

    def fetch(self, **params: Any) -> D:
        """Run the three stages: ``transform_query -> extract_data -> transform_data``.

        Parameters
        ----------
        **params
            Query parameters (see the fetcher's ``query_model``).

        Returns
        -------
        ProviderData
            The standard data model.

        Raises
        ------
        ProviderError
            A typed error for timeouts, rate limits, server errors, malformed or empty answers
            and unknown symbols (after retries, for the transient ones).
        """
        q = self.transform_query(params)
        raw = self.extract_data(q)
        return self.transform_data(q, raw)

    # -- helpers for subclasses --------------------------------------------------------
    def check_json(
        self, raw: Any, endpoint: str, kind: type | tuple[type, ...] = (dict, list)
    ) -> Any:
        """Reject empty and non-JSON answers with a typed error.

        Raises
        ------
        EmptyResponseError
            For ``''``, ``None``, ``[]`` or ``{}``.
        MalformedResponseError
            For text that did not parse as JSON, or JSON of the wrong type.
        """
        if raw is None or raw == "" or raw == [] or raw == {}:
            raise EmptyResponseError(MSG_EMPTY.format(provider=self.name, endpoint=endpoint))
        if isinstance(raw, str | bytes):
            text = raw[:60] if isinstance(raw, str) else raw[:60].decode("utf-8", "replace")
            raise MalformedResponseError(
                MSG_MALFORMED.format(
                    provider=self.name, endpoint=endpoint, why=f"not JSON: {text!r}"
                )
            )
        if not isinstance(raw, kind):
            raise MalformedResponseError(
                MSG_MALFORMED.format(
                    provider=self.name,
                    endpoint=endpoint,
                    why=f"expected {kind}, got {type(raw).__name__}",
                )
            )
        return raw
