"""Venue conventions, rebases, venue comparison and quality flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anchorval.anchors.venues import (
    Rebase,
    VenueConvention,
    compare_venues,
    convention_for,
    quality_flags,
)
from anchorval.errors import MissingFigureError

D = date(2026, 6, 22)
T = datetime(2026, 6, 22, 8, tzinfo=UTC)


def test_1718_on_both_conventions_is_1_718_trillion():
    # BlockBeats (2026-06-22): ANTHROPICUSDT ~1718 USDT x 1 billion reference shares = $1.718T
    target = Decimal("1.718e12")
    per_1e9 = convention_for("hyperliquid", "vntl:ANTHROPIC")
    ref_1b = convention_for("binance", "ANTHROPICUSDT")
    assert per_1e9.kind == "valuation_per_1e9" and ref_1b.kind == "reference_shares"
    assert per_1e9.implied_valuation(Decimal(1718), D) == target
    assert ref_1b.implied_valuation(Decimal(1718), D) == target


def test_rebase_applies_from_its_date_only():
    eff = date(2026, 7, 1)
    c = VenueConvention(
        "binance",
        "ANTHROPICUSDT",
        "reference_shares",
        "test",
        reference_shares=Decimal(10) ** 9,
        rebases=(Rebase(eff, Decimal("1.1"), "notice"),),
    )
    p = Decimal(1718)
    assert c.implied_valuation(p, eff - timedelta(days=1)) == p * Decimal(10) ** 9
    assert c.implied_valuation(p, eff) == p * Decimal("1.1") * Decimal(10) ** 9
    assert c.implied_valuation(p, eff + timedelta(days=30)) == p * Decimal("1.1e9")


@given(
    st.lists(
        st.tuples(st.dates(date(2026, 1, 1), date(2027, 1, 1)), st.decimals("0.5", "2", places=3)),
        max_size=4,
    ),
    st.dates(date(2025, 12, 1), date(2027, 2, 1)),
)
def test_rebases_compose_as_product_of_those_in_effect(rebases, on):
    c = VenueConvention(
        "x",
        "*",
        "reference_shares",
        "t",
        reference_shares=Decimal(1000),
        rebases=tuple(Rebase(d, f, "t") for d, f in rebases),
    )
    want = Decimal(1000)
    for d, f in rebases:
        if d <= on:
            want *= f
    assert c.multiplier(on) == want


def test_no_venue_wide_default_unknown_symbol_names_the_fix():
    from anchorval.errors import MSG_NO_CONVENTION, UnknownConventionError

    with pytest.raises(UnknownConventionError) as e:
        convention_for("binance", "OPENAIUSDT")
    assert str(e.value) == MSG_NO_CONVENTION.format(venue="binance", symbol="OPENAIUSDT", when="")
    assert "venue_conventions:" in str(e.value) and isinstance(e.value, MissingFigureError)


def test_per_share_venue_needs_share_count():
    c = convention_for("hyperliquid", "xyz:CBRS")
    with pytest.raises(MissingFigureError, match="share count"):
        c.multiplier(D)
    assert c.implied_valuation(Decimal(175), D, shares=Decimal(2_000_000)) == Decimal(350_000_000)


def test_unknown_venue_says_how_to_add_an_entry():
    with pytest.raises(MissingFigureError, match="venue_conventions:.*venue: okx, symbol: ANTHROPIC-USDT-SWAP"):
        convention_for("okx", "ANTHROPIC-USDT-SWAP")


def test_compare_venues_side_by_side_with_spread():
    cmp = compare_venues(
        [
            ("binance", "ANTHROPICUSDT", Decimal("1718.2"), "USDT", T),
            ("hyperliquid", "vntl:ANTHROPIC", Decimal("1702.5"), "USDC", T),
        ]
    )
    # both conventions price one contract as 1/1e9 of the company (1 billion reference shares)
    assert [r.valuation for r in cmp.rows] == [
        convention_for(r.venue, r.symbol).implied_valuation(r.price, T.date()) for r in cmp.rows
    ]
    assert [r.valuation for r in cmp.rows] == [Decimal("1718.2e9"), Decimal("1702.5e9")]
    assert cmp.spread == Decimal("1718.2") / Decimal("1702.5")
    assert list(cmp.to_frame()["venue"]) == ["binance", "hyperliquid"]


def test_quality_flags():
    v = Decimal("1.718e12")
    rows = [
        ("binance", "A", T - timedelta(hours=2), Decimal("1e6"), v),  # stale and thin
        (
            "hyperliquid",
            "B",
            T,
            Decimal("5e8"),
            v * Decimal("1.08"),
        ),  # fresh, 5e8/1.86e12 = 2.7e-4 ok
    ]
    flags = quality_flags(rows, now=T)
    kinds = [(f.kind, f.subject) for f in flags]
    assert ("stale", "binance A") in kinds and ("thin_volume", "binance A") in kinds
    assert ("venues_disagree", "venues") in kinds and ("stale", "hyperliquid B") not in kinds
    assert (
        quality_flags(
            rows,
            now=T,
            max_age_seconds=3 * 3600,
            min_volume_ratio=Decimal("1e-7"),
            max_disagreement=Decimal("0.1"),
        )
        == []
    )
