"""One error tree for anchorval.

Every error anchorval raises on purpose derives from :class:`AnchorvalError` and also from the
builtin exception it refines (``ValueError``, ``LookupError``, ...), so callers may catch either.
The CLI maps every :class:`AnchorvalError` to a single line on stderr and exit code 2.

Messages that tests match are module constants (the rateslib ``errors.py`` pattern).
"""

from __future__ import annotations

__all__ = [
    "AnchorvalError",
    "AmountParseError",
    "CaseError",
    "CurrencyError",
    "CurrencyMismatchError",
    "DistributionError",
    "FxRateMissingError",
    "MissingFigureError",
    "UnknownCaseError",
    "MSG_UNKNOWN_CURRENCY",
    "MSG_CURRENCY_MIX",
    "MSG_NO_FX_RATE",
    "MSG_BAD_AMOUNT",
    "MSG_UNKNOWN_CASE",
    "MSG_MISSING_FIGURE",
    "MSG_BAD_DISTRIBUTION",
]

MSG_UNKNOWN_CURRENCY = "unknown currency {code!r} (known: ISO 4217 codes with ECB rates, plus USDT)"
MSG_CURRENCY_MIX = "cannot combine {a} and {b} without an FX rate"
MSG_NO_FX_RATE = "no FX rate for {base}/{quote} on {date}{detail}"
MSG_BAD_AMOUNT = "cannot parse amount {text!r}: {why}"
MSG_UNKNOWN_CASE = "unknown case {name!r}: not a file and not a bundled case (bundled: {known})"
MSG_MISSING_FIGURE = "case {case!r} lacks figure {field!r} needed by {needed_by}"
MSG_BAD_DISTRIBUTION = "{where}{path}: {why}"


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
