"""One error tree for anchorval.

Every error anchorval raises on purpose derives from :class:`AnchorvalError` and also from the
builtin exception it refines (``ValueError``, ``LookupError``, ...), so callers may catch either.
The CLI maps every :class:`AnchorvalError` to a single line on stderr and exit code 2.

Messages that tests match are module constants (the rateslib ``errors.py`` pattern).
"""

from __future__ import annotations

__all__ = [
    "DistributionError",
    "MSG_BAD_DISTRIBUTION",
    "AnchorvalError",
    "AmountParseError",
    "CaseError",
    "CurrencyError",
    "CurrencyMismatchError",
    "FxRateMissingError",
    "MissingFigureError",
    "UnknownCaseError",
    "MSG_UNKNOWN_CURRENCY",
    "MSG_CURRENCY_MIX",
    "MSG_NO_FX_RATE",
    "MSG_BAD_AMOUNT",
    "MSG_UNKNOWN_CASE",
    "MSG_MISSING_FIGURE",
    "ProviderError",
    "UnknownProviderError",
    "ProviderUnavailableError",
    "ProviderNetworkError",
    "ProviderTimeoutError",
    "RateLimitError",
    "ProviderServerError",
    "MalformedResponseError",
    "EmptyResponseError",
    "UnknownSymbolError",
    "StoreError",
    "MSG_UNKNOWN_PROVIDER",
    "MSG_MISSING_EXTRA",
    "MSG_UNKNOWN_SYMBOL",
    "MSG_MALFORMED",
    "MSG_EMPTY",
    "MSG_BAD_INPUT",
    "MSG_NO_SOLUTION",
    "ModelInputError",
    "SolveError",
    "ContradictoryInputError",
    "MSG_UNLOCK_EXCEEDS_LOCKED",
    "MSG_DATE_BEFORE_LISTING",
    "MSG_MISSING_MARKET_FIGURES",
    "ArticleError",
    "MSG_ARTICLE_EMPTY",
    "MSG_ARTICLE_BINARY",
    "MSG_ARTICLE_ENCODING",
    "MSG_ARTICLE_BAD_DECLARED",
    "MSG_ARTICLE_TOO_LARGE",
    "MSG_ARTICLE_UNREADABLE",
]

MSG_UNKNOWN_CURRENCY = "unknown currency {code!r} (known: ISO 4217 codes with ECB rates, plus USDT)"
MSG_CURRENCY_MIX = "cannot combine {a} and {b} without an FX rate"
MSG_NO_FX_RATE = "no FX rate for {base}/{quote} on {date}{detail}"
MSG_BAD_AMOUNT = "cannot parse amount {text!r}: {why}"
MSG_UNKNOWN_CASE = "unknown case {name!r}: not a file and not a bundled case (bundled: {known})"
MSG_MISSING_FIGURE = "case {case!r} lacks figure {field!r} needed by {needed_by}"
MSG_BAD_DISTRIBUTION = "{where}{path}: {why}"
MSG_UNKNOWN_PROVIDER = "unknown provider {name!r}; installed: {known}"
MSG_MISSING_EXTRA = "{what} needs the {package!r} package: pip install 'anchorval[live]'"
MSG_UNKNOWN_SYMBOL = "{provider}: unknown symbol {symbol!r}{detail}"
MSG_MALFORMED = "{provider}: malformed response from {endpoint}: {why}"
MSG_EMPTY = "{provider}: empty response from {endpoint}"
MSG_UNLOCK_EXCEEDS_LOCKED = (
    "{field}: lock-up expiries release {unlocked} shares in total but only {locked} shares "
    "are locked ({total} total - {unrestricted} unrestricted at listing)"
)
MSG_DATE_BEFORE_LISTING = "{field}: date {date} is before the listing date {listing}"
MSG_MISSING_MARKET_FIGURES = "case {case!r} lacks figures needed by {needed_by}: {fields}"

# -- claims audit (articles) -------------------------------------------------------------------
MSG_ARTICLE_EMPTY = "{file}: the article is empty (no text to audit)"
MSG_ARTICLE_BINARY = "{file}: not a text file (NUL byte at byte {offset})"
MSG_ARTICLE_ENCODING = (
    "{file}:{line}: not valid {encoding} text at byte {offset} (mixed encodings?); "
    "save the article as UTF-8 or declare its encoding on the first line"
)
MSG_ARTICLE_BAD_DECLARED = "{file}:{line}: the article declares encoding {encoding!r}, which Python does not know"
MSG_ARTICLE_TOO_LARGE = "{file}: {size:,} bytes is more than an article may have ({limit:,} bytes)"
MSG_ARTICLE_UNREADABLE = "{file}: cannot read the article: {why}"


class AnchorvalError(Exception):
    """Base class of every error anchorval raises on purpose."""


class CurrencyError(AnchorvalError, ValueError):
    """An unknown or unsupported currency code."""


class CurrencyMismatchError(AnchorvalError, ValueError):
    """Two amounts in different currencies were combined without an FX rate."""


class FxRateMissingError(AnchorvalError, LookupError):
    """No FX rate is known for a currency pair on a date."""


class AmountParseError(AnchorvalError, ValueError):
    """A human amount such as ``'724.33M CNY'`` could not be parsed."""


class UnknownCaseError(AnchorvalError, LookupError):
    """A case id names neither a file nor a bundled case."""


class MissingFigureError(AnchorvalError, LookupError):
    """A case lacks a figure that a computation needs."""


class CaseError(AnchorvalError, ValueError):
    """A case file is malformed or invalid.

    Parameters
    ----------
    message : str
        What is wrong, in one line.
    file : str or None
        Path (or bundled id) of the case file.
    line : int or None
        1-based line number in the file, when known.
    field : str or None
        Dotted path of the offending field, e.g. ``perps[0].price``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
            where += ": "
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


# -- providers and store -----------------------------------------------------------------------
class ProviderError(AnchorvalError):
    """Base of every market-data provider error (subclasses add the builtin they refine)."""


class UnknownProviderError(ProviderError, LookupError):
    """A provider name is not registered; the message lists the installed ones."""


class ProviderUnavailableError(ProviderError, ImportError):
    """A provider needs an optional package that is not installed (the message names the extra)."""


class ProviderNetworkError(ProviderError, ConnectionError):
    """A transient transport failure; callers may retry.

    Parameters
    ----------
    message : str
        One line naming the provider and endpoint.
    retry_after : float or None
        Seconds the server asked to wait (``Retry-After``), when given.
    status : int or None
        HTTP status code, when there was a response.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ProviderTimeoutError(ProviderNetworkError, TimeoutError):
    """The venue did not answer in time."""


class RateLimitError(ProviderNetworkError):
    """HTTP 429 (or 418): the venue rate-limited us; ``retry_after`` says how long to wait."""


class ProviderServerError(ProviderNetworkError):
    """HTTP 5xx or the venue is down for maintenance."""


class MalformedResponseError(ProviderError, ValueError):
    """The venue answered with something that is not the documented JSON shape."""


class EmptyResponseError(ProviderError, LookupError):
    """The venue answered with an empty body or an empty list where data was expected."""


class UnknownSymbolError(ProviderError, LookupError):
    """The venue does not list the requested symbol; the message lists close matches."""


class StoreError(AnchorvalError, RuntimeError):
    """The history store cannot be opened, migrated or written."""
MSG_BAD_INPUT = "{field}: {why}"
MSG_NO_SOLUTION = "{what}: no value in [{lo}, {hi}] reaches the target {target}; {detail}"


class ModelInputError(AnchorvalError, ValueError):
    """An input to a valuation model (DCF, OPM, DLOM, unit economics) is out of its domain.

    Parameters
    ----------
    field : str
        Name (or dotted path) of the offending input, e.g. ``'target_margin'``.
    why : str
        What is wrong, in one line.
    """

    def __init__(self, field: str, why: str) -> None:
        self.field = field
        self.why = why
        super().__init__(MSG_BAD_INPUT.format(field=field, why=why))


class SolveError(AnchorvalError, ValueError):
    """A root search (reverse DCF, OPM backsolve) found no solution in its bracket."""
class ContradictoryInputError(AnchorvalError, ValueError):
    """Inputs that cannot all hold: an unlock above the locked shares, a date before listing."""


class DistributionError(AnchorvalError, ValueError):
    """A simulation input is invalid; the message names the figure path.

    Raised for bad distribution parameters (low above high, negative spread), unknown figure
    paths, and correlation matrices that are not symmetric positive semi-definite.

    Parameters
    ----------
    message : str
        The whole one-line message.
    figure : str, optional
        Figure path (or ``'correlation [a, b]'``) the error is about.
    why : str, optional
        The message without its location prefix.
    origin : {'figure', 'spec', 'correlation'}, optional
        Where the offending input was written (a figure's ``distribution``, a spec's
        ``distributions`` entry, or a correlation), so callers can add the file and line.
    """

    def __init__(
        self,
        message: str,
        *,
        figure: str | None = None,
        why: str | None = None,
        origin: str | None = None,
    ) -> None:
        super().__init__(message)
        self.figure = figure
        self.why = why
        self.origin = origin


class ArticleError(AnchorvalError, ValueError):
    """An article given to the claims audit cannot be read as text (empty, binary, bad encoding)."""
