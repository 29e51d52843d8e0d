"""Claim extraction on the three source articles and on short texts written for the test."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorval.claims import extract_claims, split_sentences

from .conftest import ENTITIES, MT, TENCENT, ZH

EXPECTED = json.loads((Path(__file__).parent / "expected_claims.json").read_text(encoding="utf-8"))

# What counts as "a number" in a sentence, defined here independently of the extractor: digits
# (ASCII or full-width), English number words from two up (not 'one' or 'a', which are mostly
# pronouns and articles), scale words, -fold and double/triple (not the idiom 'double-edged'),
# and Chinese numerals before a classifier or a scale, 万亿, 数百/几十.
HAS_NUMBER = re.compile(
    r"[0-9０-９]|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundreds?|thousands?|"
    r"millions?|billions?|trillions?|half|double(?!-edged)|triple|twofold|threefold|fourfold|tripled|doubling)\b"
    r"|[一二三四五六七八九十两][种个者倍万亿]|万亿|[数几][十百千]",
    re.I,
)

#: Claims per article (the full list, id, kind and words, is in expected_claims.json; regenerate
#: it only on purpose, after reading the diff).
EXPECTED_COUNTS = {MT.name: 46, ZH.name: 70, TENCENT.name: 124}


@pytest.mark.parametrize("path", [MT, ZH, TENCENT], ids=lambda p: p.name[:3])
def test_every_sentence_with_a_number_yields_a_claim(path):
    text = path.read_text(encoding="utf-8")
    claims = extract_claims(text, ENTITIES)
    with_claims = {c.sentence for c in claims}
    missing = [
        text[s.start : s.end]
        for s in split_sentences(text)
        if HAS_NUMBER.search(text[s.start : s.end]) and s.index not in with_claims
    ]
    assert missing == []


@pytest.mark.parametrize("path", [MT, ZH, TENCENT], ids=lambda p: p.name[:3])
def test_claims_per_article(path):
    text = path.read_text(encoding="utf-8")
    claims = extract_claims(text, ENTITIES)
    assert len(claims) == EXPECTED_COUNTS[path.name]
    assert [[c.id, c.kind, c.text] for c in claims] == EXPECTED[path.name]
    for c in claims:  # each claim shows the words it was read from
        assert text[c.start : c.end] == c.text
        assert c.rules


def one(text, **kw):
    cs = [c for c in extract_claims(text, kw.pop("entities", {"Acme": []})) if c.kind not in ("date", "label")]
    assert len(cs) == 1, [c.text for c in cs]
    return cs[0]


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "unit"),
    [
        # amounts with currency and scale (values: printed number x scale, by hand)
        ("revenue of 724.33 million RMB", "amount", "724330000", "724330000", "CNY"),
        ("revenue of 7.2433 billion RMB", "amount", "7243300000", "7243300000", "CNY"),
        ("a HK$1 trillion market cap", "amount", "1e12", "1e12", "HKD"),
        ("市值1万亿港元", "amount", "1e12", "1e12", "HKD"),
        ("收入3.5亿元", "amount", "3.5e8", "3.5e8", "CNY"),
        ("raised $65 billion", "amount", "65e9", "65e9", "USD"),
        ("trading at 1718 USDT", "amount", "1718", "1718", "USDT"),
        ("市值约43亿港元", "amount", "4.3e9", "4.3e9", "HKD"),
        ("市值约４３亿港元", "amount", "4.3e9", "4.3e9", "HKD"),  # full-width digits
        ("估值三千五百亿美元", "amount", "3.5e11", "3.5e11", "USD"),  # Chinese numeral via cn2an
        ("ARR of $82 billion to $118 billion", "amount", "82e9", "118e9", "USD"),
        ("ARR达820-1180亿美元", "amount", "82e9", "118e9", "USD"),
        ("revenue of $6 to $8 billion", "amount", "6e9", "8e9", "USD"),
        # counts
        ("11.7379 million H-shares", "count", "11737900", "11737900", "count"),
        ("a share count of 1 billion shares", "count", "1e9", "1e9", "count"),
        ("按10亿股估算", "count", "1e9", "1e9", "count"),
        # percentages and changes
        ("about 2.67% of the total", "percent", "0.0267", "0.0267", "ratio"),
        ("it has surged +1900%", "change", "19", "19", "ratio"),
        ("a 131.9% year-on-year increase", "change", "1.319", "1.319", "ratio"),
        # multiples in digits and words, ratios
        ("a P/S of 1,200 times", "multiple", "1200", "1200", "x"),
        ("over 100x P/S", "multiple", "100", "100", "x"),
        ("hundreds of times PS", "multiple", "200", "999", "x"),
        ("数百倍PS", "multiple", "200", "999", "x"),
        ("涨超5倍", "multiple", "5", "5", "x"),
        ("about 1/218 of it", "ratio", str(Decimal(1) / Decimal(218)), str(Decimal(1) / Decimal(218)), "ratio"),
        # amounts in words
        ("the tens of trillions of dollars", "amount", "20e12", "99e12", "USD"),
        ("a trillion-dollar market cap", "amount", "1e12", "1e12", "USD"),
        ("十万亿美元", "amount", "1e13", "1e13", "USD"),
    ],
)
def test_reading(text, kind, low, high, unit):
    c = one(text)
    assert (c.kind, c.low, c.high, c.unit) == (kind, Decimal(low), Decimal(high), unit)


def test_hedges_and_tags():
    c = one("Acme's market cap exceeded 1 trillion Hong Kong dollars.")
    assert (c.bound, c.quantity, c.entity) == ("over", "market_cap", "Acme")
    c = one("less than 4% of Acme's shares are in circulation")
    assert (c.bound, c.quantity) == ("under", "float_pct")
    c = one("Acme is trading at approximately 1718 USDT")
    assert (c.bound, c.quantity) == ("about", "share_price")
    c = one("a $10 trillion valuation for Anthropic after Acme's re-rating", entities={"Acme": [], "Anthropic": []})
    assert (c.entity, c.quantity, c.method) == ("Anthropic", "valuation", "peer_multiple")


def test_dates_and_labels_are_claims_but_not_quantities():
    cs = extract_claims("On June 22, GLM-5.2 scored 81.0 in Q1 2026, 24 hours after the 2025 results.")
    assert [(c.kind, c.text) for c in cs] == [
        ("date", "June 22"),
        ("label", "GLM-5.2"),
        ("number", "81.0"),
        ("date", "Q1 2026"),
        ("date", "24 hours"),
        ("date", "2025"),
    ]


def test_from_to_is_two_claims_not_a_range():
    cs = extract_claims("growth goes from 150% to 70%")
    assert [c.text for c in cs] == ["150%", "70%"]


@settings(max_examples=60)
@given(
    st.lists(
        st.sampled_from(
            [
                "Acme's revenue was",
                "about",
                "$65 billion",
                "3.5亿元",
                "hundreds of times",
                "1,200 times",
                "2.67%",
                "GLM-5.2",
                "June 22",
                "十万亿美元",
                "and",
                ",",
                ".",
                "\n",
                "智谱",
                "ＨＫ＄１ trillion",
                "over",
                "1/218",
            ]
        ),
        max_size=25,
    )
)
def test_spans_hold_and_never_overlap(words):
    text = " ".join(words)
    claims = extract_claims(text, ENTITIES)
    end = -1
    for c in claims:
        assert text[c.start : c.end] == c.text and c.start >= end
        end = c.end
        assert c.low is None or c.high is None or c.low <= c.high
