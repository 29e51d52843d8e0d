"""Dated per-symbol conventions from a case file, perp readings and the prediction ladder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from anchorval.anchors.prediction_market import ladder_distribution
from anchorval.anchors.venues import annualised_funding, convention_for, conventions_from_case, read_perps
from anchorval.cases import resolve_case
from anchorval.errors import UnknownConventionError

CASE = """\
id: spacex-test
as_of: 2026-10-01
company: {name: SpaceX, status: private}
sources:
  notice-a: {title: "OKX listing notice (test)", publisher: OKX, date: 2026-06-01}
  notice-b: {title: "Binance rebase notice (test)", publisher: Binance, date: 2026-09-01}
  assumption: {title: "test assumptions", publisher: anchorval assumption, date: 2026-06-01}
venue_conventions:
  - venue: okx
    symbol: SPACEX-USDT-SWAP
    kind: valuation_per_1e9
    source: notice-a
  - venue: binance
    symbol: SPACEXUSDT
    kind: reference_shares
    reference_shares: {value: 11.87B, as_of: 2026-06-01, source: notice-b}
    valid_from: 2026-06-01
    source: notice-b
    rebases:
      - effective: 2026-09-15
        reference_shares: {value: 13.08B, as_of: 2026-09-01, source: notice-b}
        source: notice-b
  - venue: hyperliquid
    symbol: xyz:SPACEX
    kind: per_share
    reference_shares: {value: 12.5B, as_of: 2026-06-01, source: assumption, note: "ASSUMPTION: test count"}
    source: assumption
"""


@pytest.fixture()
def case(tmp_path: Path):
    p = tmp_path / "spacex.yaml"
    p.write_text(CASE)
    return resolve_case(str(p)).case


def q(venue, symbol, mark, on, index=None, **kw):
    t = datetime.combine(on, datetime.min.time(), tzinfo=UTC)
    base = dict(
        venue=venue,
        symbol=symbol,
        quote_currency="USDT",
        time=t,
        mark_price=mark,
        index_price=index,
        last_price=None,
        funding_rate=None,
        open_interest_value=None,
        volume_quote_24h=None,
    )
    return SimpleNamespace(**{**base, **kw})


def test_three_venues_three_conventions_same_valuation(case):
    # $1.5T company: per 1e9 -> 1500; 11.87B reference shares -> 1.5e12/11.87e9; per-share on 12.5B -> 120
    table = conventions_from_case(case)
    on = date(2026, 9, 1)
    v = Decimal("1.5e12")
    quotes = [
        q("okx", "SPACEX-USDT-SWAP", v / Decimal("1e9"), on),
        q("binance", "SPACEXUSDT", v / Decimal("11.87e9"), on),
        q("hyperliquid", "xyz:SPACEX", v / Decimal("12.5e9"), on),
    ]
    r = read_perps(quotes, table)
    assert [round(x.from_mark, 6) for x in r.rows] == [v, v, v]
    assert abs(r.spread - 1) < Decimal("1e-20") and not r.unconverted
    kinds = {f.kind for f in r.warnings}
    assert "share_bases_differ" in kinds  # 1e9 vs 11.87e9 vs 12.5e9
    assert "assumed_convention" in kinds  # the xyz entry cites the assumption source
    assert "venues_disagree" not in kinds


def test_rebase_applies_from_its_date_only(case):
    table = conventions_from_case(case)

    def mult(on):
        return convention_for("binance", "SPACEXUSDT", table, on=on).multiplier(on)

    assert mult(date(2026, 9, 14)) == Decimal("11.87e9")
    assert mult(date(2026, 9, 15)) == Decimal("13.08e9")  # exactly the new count, from its date
    assert mult(date(2026, 10, 1)) == Decimal("13.08e9")


def test_entry_not_yet_valid_and_unknown_symbol_name_the_fix(case):
    table = conventions_from_case(case)
    with pytest.raises(UnknownConventionError, match="on 2026-05-31.*venue_conventions:"):
        convention_for("binance", "SPACEXUSDT", table, on=date(2026, 5, 31))
    r = read_perps([q("binance", "OPENAIUSDT", Decimal(1), date(2026, 9, 1))], table)
    assert r.rows == () and "venue_conventions:" in r.unconverted[0][2]


def test_perp_reading_premium_funding_oi():
    on = date(2026, 6, 22)
    r = read_perps(
        [
            q(
                "binance",
                "ANTHROPICUSDT",
                Decimal("1750"),
                on,
                index=Decimal("1700"),
                funding_rate=Decimal("0.0002"),
                funding_interval_hours=Decimal(8),
                open_interest_value=Decimal("8.75e6"),
            )
        ]
    ).rows[0]
    assert r.from_mark == Decimal("1.75e12") and r.from_index == Decimal("1.7e12")
    assert r.premium == Decimal("1750") / Decimal("1700") - 1
    assert r.funding_annualised == Decimal("0.0002") * 3 * 365 == annualised_funding(Decimal("0.0002"), Decimal(8))
    assert r.oi_ratio == Decimal("8.75e6") / Decimal("1.75e12")
    flags = read_perps([q("binance", "ANTHROPICUSDT", Decimal("1750"), on, index=Decimal("1700"))]).warnings
    assert [f.kind for f in flags] == ["premium"]  # 2.9% over the index > 2%


def test_ladder_quantiles_by_hand():
    # brackets ($T): <0.5: 0.04, 0.5-1: 0.10, 1-1.5: 0.18, 1.5-2: 0.12, >2: 0.06, no IPO: 0.52; sum 1.02
    T = Decimal("1e12")
    ladder = [
        ("<$500B", None, T / 2, False, Decimal("0.04")),
        ("$500B-$1T", T / 2, T, False, Decimal("0.10")),
        ("$1T-$1.5T", T, T * Decimal("1.5"), False, Decimal("0.18")),
        ("$1.5T-$2T", T * Decimal("1.5"), 2 * T, False, Decimal("0.12")),
        (">$2T", 2 * T, None, False, Decimal("0.06")),
        ("No IPO", None, None, True, Decimal("0.52")),
    ]
    d = ladder_distribution(ladder)
    assert d.raw_sum == Decimal("1.02")
    assert d.p_no_ipo == Decimal("0.52") / Decimal("1.02")
    # given an IPO, weights are 4, 10, 18, 12, 6 out of 50: 0.08, 0.20, 0.36, 0.24, 0.12
    assert [p for _, _, p in d.edges] == [
        Decimal("0.08"),
        Decimal("0.2"),
        Decimal("0.36"),
        Decimal("0.24"),
        Decimal("0.12"),
    ]
    # open ends closed at the neighbour's width (0.5T): [0, 0.5T] and [2T, 2.5T]
    assert (d.edges[0][0], d.edges[-1][1]) == (0, Decimal("2.5e12"))
    # median: cum 0.28 at 1T; 0.22 more of 0.36 over 0.5T -> 1T + 0.5T x 0.22/0.36 = 1.30556T
    assert d.quantile(Decimal("0.5")) == T + T / 2 * Decimal("0.22") / Decimal("0.36")
    # 10%: cum 0.08 at 0.5T; 0.02 of 0.20 over 0.5T -> 0.55T
    assert d.quantile(Decimal("0.1")) == Decimal("0.55e12")
    # 90%: cum 0.88 at 2T; 0.02 of 0.12 over 0.5T -> 2T + 0.5T/6
    assert d.quantile(Decimal("0.9")) == 2 * T + T / 2 * Decimal("0.02") / Decimal("0.12")
