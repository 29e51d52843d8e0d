"""Money, amount parsing and FX (ECB reference values as oracles)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anchorval.errors import (
    AmountParseError,
    CurrencyError,
    CurrencyMismatchError,
    FxRateMissingError,
)
from anchorval.money import (
    USDT_ASSUMPTION_SOURCE,
    EcbRates,
    FxRate,
    FxTable,
    Money,
    format_money,
    normalize_currency,
    parse_amount,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("724.33M CNY", Decimal("724330000"), "CNY"),
        ("1.72T USD", Decimal("1720000000000"), "USD"),
        ("965B USD", Decimal("965000000000"), "USD"),
        ("1718 USDT", Decimal("1718"), "USDT"),
        ("7.2433亿 RMB", Decimal("724330000"), "CNY"),
        ("HK$2,380", Decimal("2380"), "HKD"),
        ("1 万亿 HKD", Decimal("1000000000000"), "HKD"),
        ("-3.18bn cny", Decimal("-3180000000"), "CNY"),
    ],
)
def test_parse_amount(text, amount, currency):
    m = parse_amount(text)
    assert m.amount == amount
    assert m.currency == currency


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e9", Decimal("1e9")),
        ("11.7379M", Decimal("11737900")),
        ("2.67%", Decimal("0.0267")),
        ("1,234.5", Decimal("1234.5")),
        (0.1, Decimal("0.1")),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("bad", ["", "abc", "12..3", "1.2.3M", "M"])
def test_parse_number_rejects(bad):
    with pytest.raises(AmountParseError, match="cannot parse amount"):
        parse_number(bad)


@pytest.mark.parametrize("bad", ["abc", "x USD", "1.2.3 HKD", "HK$abc"])
def test_parse_amount_error_quotes_the_whole_text(bad):
    # not the part left once the currency is split off (which was '' for 'abc')
    with pytest.raises(AmountParseError, match=f"^cannot parse amount {re.escape(repr(bad))}: not a number$"):
        parse_amount(bad)


def test_amount_without_currency_and_unknown_currency():
    with pytest.raises(AmountParseError, match="no currency"):
        parse_amount("965B")
    with pytest.raises(CurrencyError, match="unknown currency 'XYZ'"):
        parse_amount("965B XYZ")
    assert normalize_currency("rmb") == "CNY"


def test_money_mix_without_rate_raises():
    with pytest.raises(CurrencyMismatchError, match="cannot combine USD and HKD"):
        Money(Decimal(1), "USD") + Money(Decimal(1), "HKD")
    with pytest.raises(CurrencyMismatchError):
        _ = Money(Decimal(1), "USD") < Money(Decimal(2), "USDT")


def test_format_money():
    assert format_money(Money(Decimal("1718e9"), "USD")) == "1.718T USD"
    assert format_money(Money(Decimal("1718"), "USDT"), compact=False) == "1,718.00 USDT"
    assert format_money(Money(Decimal("965e9"), "USD"), compact=False) == "$965,000,000,000.00"


# ECB euro foreign exchange reference rates (ECB Statistical Data Warehouse, EXR.D.*.EUR.SP00.A),
# published values: 2021-12-31 USD 1.1326; 2023-12-29 USD 1.1050, HKD 8.6314, CNY 7.8509;
# 2022-12-30 USD 1.0666, JPY 140.66.
@pytest.mark.parametrize(
    ("day", "code", "per_eur"),
    [
        (date(2021, 12, 31), "USD", "1.1326"),
        (date(2023, 12, 29), "USD", "1.105"),
        (date(2023, 12, 29), "HKD", "8.6314"),
        (date(2023, 12, 29), "CNY", "7.8509"),
        (date(2022, 12, 30), "JPY", "140.66"),
    ],
)
def test_ecb_reference_values(day, code, per_eur):
    fx = FxTable()
    r = fx.rate("EUR", code, day)
    assert r.rate == Decimal(per_eur)
    assert r.on == day


def test_ecb_cross_rate_is_exact_decimal_ratio():
    # USD/HKD on 2023-12-29 = 8.6314 / 1.1050 (ECB publishes per-EUR rates; crosses go via EUR)
    r = FxTable().rate("USD", "HKD", date(2023, 12, 29))
    assert r.rate == Decimal("8.6314") / Decimal("1.105")
    m = FxTable().convert(Money(Decimal("1000000"), "USD"), "HKD", date(2023, 12, 29))
    assert m.amount.quantize(Decimal("0.01")) == (Decimal("1000000") * Decimal("8.6314") / Decimal("1.105")).quantize(
        Decimal("0.01")
    )


def test_weekend_uses_last_fixing():
    # 2023-12-30 is a Saturday: the Friday 2023-12-29 fixing applies and is reported as such
    r = FxTable().rate("EUR", "USD", date(2023, 12, 30))
    assert r.on == date(2023, 12, 29)
    assert r.rate == Decimal("1.105")


def test_case_rate_wins_over_ecb():
    own = FxRate("USD", "HKD", Decimal("7.85"), date(2026, 6, 22), "my-source")
    fx = FxTable(overrides=[own])
    assert fx.rate("USD", "HKD", date(2026, 6, 22)).rate == Decimal("7.85")
    assert fx.rate("HKD", "USD", date(2026, 6, 23)).rate == 1 / Decimal("7.85")
    # an override does not apply before its own date
    assert fx.rate("USD", "HKD", date(2026, 6, 19)).source != "my-source"


def test_missing_rate_names_pair_and_date():
    with pytest.raises(FxRateMissingError, match=r"no FX rate for CNY/USD on 2031-01-02"):
        FxTable().rate("CNY", "USD", date(2031, 1, 2))
    with pytest.raises(FxRateMissingError, match=r"no FX rate for CNY/HKD on 2026-06-22"):
        FxTable(ecb=None).rate("CNY", "HKD", date(2026, 6, 22))


def test_usdt_is_an_assumption_unless_given():
    fx = FxTable()
    r = fx.rate("USDT", "USD", date(2026, 6, 22))
    assert r.rate == 1 and r.assumption and r.source == USDT_ASSUMPTION_SOURCE
    given_rate = FxRate("USDT", "USD", Decimal("0.9995"), date(2026, 6, 22), "venue")
    fx2 = FxTable(overrides=[given_rate])
    assert fx2.rate("USDT", "USD", date(2026, 6, 22)).rate == Decimal("0.9995")
    # USDT -> HKD goes through USD: 0.9995 x USD/HKD(ECB)
    usd_hkd = FxTable().rate("USD", "HKD", date(2026, 6, 22)).rate
    assert fx2.rate("USDT", "HKD", date(2026, 6, 22)).rate == Decimal("0.9995") * usd_hkd


def test_ecb_rates_lazy():
    e = EcbRates()
    assert e._cc is None
    e.per_eur("USD", date(2023, 12, 29))
    assert e._cc is not None


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e15"), places=2, allow_nan=False)


@given(amounts, amounts)
def test_money_addition_commutes(a, b):
    assert Money(a, "USD") + Money(b, "USD") == Money(b, "USD") + Money(a, "USD")


@given(amounts)
def test_fx_round_trip_to_the_cent(a):
    fx = FxTable()
    day = date(2026, 6, 22)
    back = fx.convert(fx.convert(Money(a, "CNY"), "HKD", day), "CNY", day)
    assert abs(back.amount - a) < Decimal("0.005")


def test_format_number_rounds_half_up():
    # displayed figures round half up as a spreadsheet does: the bundled ARR-multiple base is
    # exactly 1,504,500,000,000 USD (170B market ARR x 59% x 15x) and reads 1.505T
    from anchorval.money import format_number

    assert format_number(Decimal("1504500000000"), 4) == "1.505T"
    assert format_number(Decimal("-1504500000000"), 4) == "-1.505T"
    assert format_number(Decimal("1504499999999"), 4) == "1.504T"
