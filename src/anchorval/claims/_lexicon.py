"""Words the rule-based claim extractor reads: quantities, hedges, currencies, periods, methods.

Every rule is a regular expression over the article text (full-width forms already folded to
ASCII), so each claim can show the words it was read from and the rule that tagged it.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = [
    "COUNT_NOUNS",
    "CURRENCY_WORDS",
    "FORWARD_MARKERS",
    "HEDGES",
    "KNOWN_ORGANISATIONS",
    "METHODS",
    "PAST_MARKERS",
    "QUANTITIES",
    "SCALE_WORDS",
    "SMALL_NUMBERS",
    "WORD_MULTIPLES",
]

#: Scale words and suffixes after a number -> multiplier (short scale; 亿 = 10^8, 万亿 = 10^12).
SCALE_WORDS: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "k": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "b": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "t": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "十亿": Decimal(10) ** 9,
    "百亿": Decimal(10) ** 10,
    "千亿": Decimal(10) ** 11,
    "万亿": Decimal(10) ** 12,
}

#: Currency words, symbols and codes -> ISO code (``dollars`` alone is read as USD).
CURRENCY_WORDS: dict[str, str] = {
    "usdt": "USDT",
    "usd": "USD",
    "hkd": "HKD",
    "rmb": "CNY",
    "cny": "CNY",
    "eur": "EUR",
    "jpy": "JPY",
    "港元": "HKD",
    "港币": "HKD",
    "港幣": "HKD",
    "美元": "USD",
    "美金": "USD",
    "人民币": "CNY",
    "人民幣": "CNY",
    "日元": "JPY",
    "元": "CNY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "hong kong dollars": "HKD",
    "hong kong dollar": "HKD",
    "hk dollars": "HKD",
    "us dollars": "USD",
    "dollars": "USD",
    "dollar": "USD",
}

#: Hedge words before (or, for 以上/多, after) a number -> bound.
HEDGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?:just |well )?(?:over|more than|above|exceed(?:ed|s)?|surpass(?:ed|ing)?|at least)\s*$", re.I),
        "over",
    ),
    (re.compile(r"(?:breaking through|broke through)\s*$", re.I), "over"),
    (re.compile(r"(?:超过|超|逾|突破)\s*$"), "over"),
    (re.compile(r"(?:less than|under|below|fewer than|at most)\s*$", re.I), "under"),
    (re.compile(r"(?:不到|不足|低于)\s*$"), "under"),
    (re.compile(r"(?:about|approximately|around|roughly|nearly|almost|some|circa|estimated|near)\s*$", re.I), "about"),
    (re.compile(r"(?:约|大约|近|接近)\s*$"), "about"),
)

#: Multiples written in words -> (low, high) in x (``hundreds of times`` = 200x to 999x).
WORD_MULTIPLES: tuple[tuple[re.Pattern[str], Decimal, Decimal], ...] = (
    (re.compile(r"\b(?:several|a few) hundred times\b", re.I), Decimal(200), Decimal(999)),
    (re.compile(r"\bhundreds of times\b", re.I), Decimal(200), Decimal(999)),
    (re.compile(r"\bthousands of times\b", re.I), Decimal(2000), Decimal(9999)),
    (re.compile(r"\b(?:several|a few) times\b", re.I), Decimal(2), Decimal(9)),
    (re.compile(r"\btens of times\b", re.I), Decimal(20), Decimal(99)),
    (re.compile(r"[数几]百倍"), Decimal(200), Decimal(999)),
    (re.compile(r"[数几]千倍"), Decimal(2000), Decimal(9999)),
    (re.compile(r"[数几]十倍"), Decimal(20), Decimal(99)),
    (re.compile(r"\bfourfold\b", re.I), Decimal(4), Decimal(4)),
    (re.compile(r"\bthreefold\b|\btripled\b", re.I), Decimal(3), Decimal(3)),
    (re.compile(r"\btwofold\b|\bdoubl(?:ed|ing)\b", re.I), Decimal(2), Decimal(2)),
)

#: English number words.
SMALL_NUMBERS: dict[str, int] = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
} | {"a": 1, "an": 1, "half": 0, "twenty": 20, "thirty": 30, "fifty": 50}

#: Nouns after which a small number word is a count or a duration (``four words``, ``two months``).
COUNT_NOUNS = (
    r"words?|days?|years?|months?|weeks?|quarters?|hours?|things|variables|methods|anchors|"
    r"conditions|companies|consecutive|people|sentences|steps|times|dimensions"
)

#: Quantity keywords -> quantity name, by the kind of claim they qualify. Order matters: the more
#: specific phrase first (``adjusted net loss`` before ``net loss``; ``annualized revenue``
#: before ``revenue``).
QUANTITIES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "amount": (
        (re.compile(r"(?:times|x|倍)\s*ARR", re.I), "valuation"),
        (re.compile(r"post-money|valuation|valued|worth|估值", re.I), "valuation"),
        (re.compile(r"combined ARR|合计ARR", re.I), "combined_arr"),
        (
            re.compile(r"(?<![A-Za-z])ARR(?![A-Za-z])|annualized revenue|annualised revenue|run rate|年化收入", re.I),
            "arr",
        ),
        (re.compile(r"adjusted net loss|经调整净亏损", re.I), "adjusted_net_loss"),
        (re.compile(r"net loss|total loss|净亏损|亏损", re.I), "net_loss"),
        (re.compile(r"R&D|研发", re.I), "rd_expense"),
        (re.compile(r"market cap(?:italization)?|market value|total market|milestone|市值", re.I), "market_cap"),
        (re.compile(r"(?<!times )revenue|sales|收入|营收", re.I), "revenue"),
        (re.compile(r"financing|funding round|fundrais|raised|融资", re.I), "funding"),
        (re.compile(r"trading volume|24-hour|24 hours|交易量", re.I), "volume"),
        (re.compile(r"cash out", re.I), "tender"),
        (re.compile(r"trading at|stock price|share price|breaking through|股价", re.I), "share_price"),
    ),
    "percent": (
        (re.compile(r"(?:of|relative to) the (?:free |unrestricted )?float", re.I), "unlock_float_pct"),
        (re.compile(r"revenue share|份额|占", re.I), "revenue_share"),
        (re.compile(r"unrestricted|in circulation|circulat|free float|流通", re.I), "float_pct"),
        (re.compile(r"unlock", re.I), "unlock_pct"),
        (re.compile(r"weight", re.I), "index_weight"),
        (re.compile(r"API prices?", re.I), "price_growth"),
        (re.compile(r"year-on-year|year-over-year|同比", re.I), "revenue_growth"),
        (re.compile(r"growth|grew|grow|increase|surge|rose|gain|涨", re.I), "growth"),
        (re.compile(r"component|belongs to|attributed", re.I), "premium_share"),
    ),
    "multiple": (
        (re.compile(r"(?<![A-Za-z])ARR(?![A-Za-z])", re.I), "arr_multiple"),
        (re.compile(r"(?<![A-Za-z])P/?S(?![A-Za-z])|price-to-sales|times revenue|multiple", re.I), "ps"),
        (re.compile(r"revenue|token", re.I), "growth_multiple"),
    ),
    "count": (
        (re.compile(r"unrestricted|H-shares", re.I), "float_shares"),
        (re.compile(r"unlock", re.I), "unlock_shares"),
        (re.compile(r"share count|shares|股", re.I), "share_count"),
    ),
}

#: Valuation methods a sentence may name -> anchor key (to pick which computed value to check).
METHODS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?<![A-Za-z])ARR(?![A-Za-z]).{0,40}(?:multiple|times|\d+x)|(?:times|倍|\d\s?x)\s*ARR|ARR倍数", re.I
        ),
        "arr_multiple",
    ),
    (re.compile(r"Binance|perp|contract|on-chain|low liquidity|链上|合约", re.I), "perp_implied"),
    (
        re.compile(
            r"(?<![A-Za-z])P/?S(?![A-Za-z])|times revenue|price-to-sales|倍PS|re-?rating"
            r"|emotional (?:ceiling|cap)|reassessment|revaluation|重估",
            re.I,
        ),
        "peer_multiple",
    ),
    (re.compile(r"post-money|funding round|financing round|融资", re.I), "last_round"),
)

#: Words that place a figure at an earlier date than the article's (not checked against the case).
PAST_MARKERS = re.compile(r"when it was|even when|was at \$|in 2000|in 2001|dot-com", re.I)

#: Words that make a figure forward-looking (a forecast, not today's run rate).
FORWARD_MARKERS = re.compile(r"\bwould\b|\bcould\b|\bwill\b|expect|by the end of|forecast|projected|预期|预计", re.I)

#: Organisations the articles name besides the cases' companies, so a figure about one of them
#: (OpenAI's $852 billion, Alibaba's market cap) is not read as the case company's.
KNOWN_ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "OpenAI": ("OpenAI",),
    "Alibaba Cloud": ("Alibaba Cloud",),
    "Alibaba": ("Alibaba",),
    "Amazon": ("Amazon",),
    "Google": ("Google",),
    "DeepSeek": ("DeepSeek",),
}
