"""Rule-based claim extraction: every numeric statement of an article, with its span and reading.

A claim keeps the exact words it was read from (``text``, ``start``, ``end``), its value as a
closed interval (``low``/``high``: equal for a point, apart for a range or for words such as
``hundreds of times``), its unit, the hedge around it (``about``, ``over``, ``under``), and the
quantity, entity, valuation method and period the sentence attaches to it, each found by a
named rule of :mod:`._lexicon`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import CN_NUMERAL_CHARS, parse_number, to_halfwidth
from ._lexicon import (
    COUNT_NOUNS,
    CURRENCY_WORDS,
    FORWARD_MARKERS,
    HEDGES,
    KNOWN_ORGANISATIONS,
    METHODS,
    PAST_MARKERS,
    QUANTITIES,
    SCALE_WORDS,
    SMALL_NUMBERS,
    WORD_MULTIPLES,
)
from ._text import Sentence, split_sentences

__all__ = ["KINDS", "Claim", "extract_claims"]

#: Kinds of claim: money amounts, counts (shares, people), percentages (levels), changes
#: (growth, +1900%), multiples (x), ratios (1/218), dates, plain numbers (scores), and labels
#: (model versions such as GLM-5.2, which are names, not quantities).
KINDS = ("amount", "count", "percent", "change", "multiple", "ratio", "date", "number", "label")


@dataclass(frozen=True, slots=True)
class Claim:
    """One numeric statement of an article.

    Attributes
    ----------
    id : str
        ``'c1'``, ``'c2'``... in text order.
    kind : str
        One of :data:`KINDS`.
    text : str
        The exact words it was read from (``article[start:end]``).
    start, end : int
        Character span in the article.
    sentence : int
        Index of its sentence.
    low, high : Decimal or None
        The value as a closed interval, in units of ``unit``: totals for amounts (not
        millions), decimals for percentages (0.59 = 59%), x for multiples (15 = 15x). Equal for a
        point; None for dates and labels.
    unit : str or None
        Currency code, ``'count'``, ``'ratio'`` (percentages and fractions), ``'x'``, or None
        (an amount printed without a currency, a date, a label).
    bound : str
        ``'exact'``, ``'about'``, ``'over'``, ``'under'``, ``'range'`` or ``'words'``.
    precision : Decimal
        Half a unit of the last printed digit, in the claim's unit (0.005e9 for ``7.24 billion``).
    quantity : str or None
        What the number measures (``revenue``, ``market_cap``, ``valuation``, ``ps``...).
    entity : str or None
        Company the sentence attaches it to.
    method : str or None
        Valuation method the sentence names (``peer_multiple``, ``perp_implied``...).
    period : str or None
        Year the sentence names (``'2025'``), or ``'past'`` for an earlier state.
    words : bool
        True when the value is written in words (``hundreds of times``, ``a trillion``).
    rules : tuple of str
        The rules that read and tagged it (for the explanation).
    """

    id: str
    kind: str
    text: str
    start: int
    end: int
    sentence: int
    low: Decimal | None
    high: Decimal | None
    unit: str | None
    bound: str = "exact"
    precision: Decimal = Decimal(0)
    quantity: str | None = None
    entity: str | None = None
    method: str | None = None
    period: str | None = None
    words: bool = False
    rules: tuple[str, ...] = field(default_factory=tuple)

    @property
    def base(self) -> Decimal | None:
        """Point value: the midpoint of ``low``/``high`` (None for dates and labels)."""
        if self.low is None or self.high is None:
            return None
        return (self.low + self.high) / 2

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (Decimals as strings; see ``docs/audit.md``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "span": [self.start, self.end],
            "sentence": self.sentence,
            "low": _s(self.low),
            "high": _s(self.high),
            "unit": self.unit,
            "bound": self.bound,
            "quantity": self.quantity,
            "entity": self.entity,
            "method": self.method,
            "period": self.period,
            "words": self.words,
            "rules": list(self.rules),
        }


def _s(d: Decimal | None) -> str | None:
    if d is None:
        return None
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


# -- atoms -----------------------------------------------------------------------------------
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?\b"), "date: month day"),
    (re.compile(rf"\b(?:{_MONTHS}) \d{{4}}\b"), "date: month year"),
    (re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?[底末初]?"), "date: 年"),
    (re.compile(r"\bQ[1-4](?: \d{4})?\b|\b\d{4} ?Q[1-4]\b"), "date: quarter"),
    (re.compile(r"\bFY ?\d{2,4}\b"), "date: fiscal year"),
    (re.compile(r"\b\d{1,2}:\d{2}\b"), "date: time of day"),
)
_LABEL_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[A-Za-z][A-Za-z]*-\d+(?:\.\d+)?(?: (?:Max|Pro|Plus|Mini))?\b"), "label: name-version"),
    (re.compile(r"\b[a-z]\d+[a-z]\b"), "label: name with digits"),
    (
        re.compile(
            r"\b(?:Opus|Sonnet|Haiku|Fable|Mythos|Bench|GPT|GLM|Claude|Gemini|Llama|Qwen|Kimi|DeepSeek|Elo)"
            r" \d+(?:\.\d+)?\b"
        ),
        "label: model version",
    ),
)
_FRACTION = re.compile(r"(?<![\d/.])(\d+)/(\d+)(?![\d/])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(?:(?<![^\s(（:：])[-+])?\d(?:[\d,]*\d)?(?:\.\d+)?(?![\d])")
_CN_NUMBER = re.compile(
    rf"[{CN_NUMERAL_CHARS.replace('点', '')}]+(?:点[零〇一二两三四五六七八九]+)?(?:万亿|亿|万)?|万亿"
)
_CN_CLASSIFIERS = re.compile(r"^(?:万亿|亿|万)?(?:种|个|者|家|倍|年|月|日|天|小时|股|次|位|名|美元|港元|港币|元|%)")
_SCALE_AFTER = re.compile(
    r"^\s?(?P<scale>万亿|千亿|百亿|十亿|千万|百万|亿|万|千(?!米)|(?i:thousand|million|billion|trillion)s?\b"
    r"|(?i:bn|mn|tn)\b|[KMBT]\b)",
)
_CUR_AFTER = re.compile(
    r"^\s?(?:of\s+)?(?P<cur>USDT|USD|HKD|RMB|CNY|EUR|JPY|港元|港币|港幣|美元|美金|人民币|人民幣|日元|元|"
    r"(?i:yuan|renminbi|hong kong dollars?|hk dollars|us dollars|dollars?))(?![A-Za-z])",
)
_CUR_BEFORE = re.compile(r"(?P<cur>HK\$|US\$|\$|€|¥|\b(?:RMB|USD|HKD|CNY|USDT)\s?)$")
_PCT_AFTER = re.compile(r"^\s?(?P<pct>%|percent\b|per cent\b|percentage points?\b|个百分点)")
_MULT_AFTER = re.compile(r"^\s?(?P<mult>times\b|x\b|倍|-?fold\b)", re.I)
_COUNT_AFTER = re.compile(
    r"^\s?(?:[A-Za-z]+\s)?(?P<noun>(?:unrestricted\s)?(?:H-)?shares?\b|parameters\b|people\b|employees\b|"
    r"(?:current and former )?employees\b|小时|股|名|位|个|种|家|" + COUNT_NOUNS + r")",
    re.I,
)
_RANGE_SEP = re.compile(r"^\s?(?:-|–|~|至|to|and)\s?(?:over\s|more than\s|about\s)?(?=[-+$]?(?:HK\$|US\$)?\d)")
_CHANGE_CUES = re.compile(
    r"increase|growth|grow|grew|surge|rose|rise|gain|year-on-year|year-over-year|quarter-over-quarter|"
    r"improvement|losing|drop|fell|同比|增长|涨",
    re.I,
)
_WORD_AMOUNT = re.compile(
    r"\b(?P<q>(?:a|one|two|three|four|five|six|seven|eight|nine|ten|tens of|hundreds of|several|a few)[ -])?"
    r"(?P<scale>trillion|billion|million)s?"
    r"(?P<cur>(?:[- ]dollars?\b|\s+(?:of\s+)?(?:Hong Kong |HK |US )?dollars\b)?)",
    re.I,
)
_WORD_QTY = {"tens of": (Decimal(20), Decimal(99)), "hundreds of": (Decimal(200), Decimal(999))}
_WORD_PCT = (
    (re.compile(r"\btriple[- ]digits?\b", re.I), Decimal(1), Decimal("9.99")),
    (re.compile(r"\bdouble[- ]digits?\b", re.I), Decimal("0.10"), Decimal("0.99")),
)
_SMALL = re.compile(
    r"\b(?P<n>" + "|".join(k for k in SMALL_NUMBERS if k not in ("a", "an")) + r")"
    r"(?:(?: to | or )(?P<n2>" + "|".join(k for k in SMALL_NUMBERS if k not in ("a", "an")) + r"))?"
    r"(?:[- ](?:[a-z]+ ){0,2})(?P<noun>" + COUNT_NOUNS + r")\b",
    re.I,
)


@dataclass
class _Draft:
    kind: str
    start: int
    end: int
    low: Decimal | None
    high: Decimal | None
    unit: str | None
    bound: str = "exact"
    precision: Decimal = Decimal(0)
    words: bool = False
    rules: list[str] = field(default_factory=list)
    scale: Decimal = Decimal(1)


def _joins(t: str, a: _Draft, b: _Draft) -> bool:
    """Tell whether two numbers form one range ('A to B', 'A-B', 'A至B'), not 'from A to B'."""
    if b.start - a.end > 14 or not _RANGE_SEP.match(t[a.end : b.start + 8]):
        return False
    before = t[max(0, a.start - 45) : a.start]
    if re.search(r"\bfrom\b[^,.;]{0,40}$", before, re.I) and not re.search(r"range from\b[^,.;]{0,40}$", before):
        return False  # 'from 150% to 70%' is a change, not a range
    return a.kind in (b.kind, "number") and a.unit in (b.unit, None)


def _precision(num: str, scale: Decimal) -> Decimal:
    """Half a unit of the last printed digit (``'7.2433'`` x 1e9 -> 0.00005e9)."""
    digits = num.replace(",", "").lstrip("+-")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return Decimal(5) * Decimal(10) ** (-decimals - 1) * scale


def _hedge(t: str, start: int, line_start: int) -> str:
    before = t[max(line_start, start - 30) : start]
    before = re.sub(r"(?:HK\$|US\$|\$|RMB\s?|USD\s?)$", "", before)
    for rx, bound in HEDGES:
        if rx.search(before):
            return bound
    return "exact"


def _read_number(t: str, m: re.Match[str], line_start: int) -> _Draft | None:
    """Read a digit atom and the unit words around it."""
    num = m.group(0)
    start, end = m.start(), m.end()
    rules = ["number"]
    # a year on its own (1936, 2025) is a date unless a unit follows
    rest = t[end : end + 40]
    scale = Decimal(1)
    sm = _SCALE_AFTER.match(rest)
    if sm and not (sm["scale"] in "KMBT" and _MULT_AFTER.match(rest)):
        word = sm["scale"].lower().rstrip("s") if len(sm["scale"]) > 3 else sm["scale"].lower()
        scale = SCALE_WORDS[word]
        end += sm.end()
        rules.append(f"scale: {sm['scale'].strip()}")
    try:
        value = parse_number(num)
    except ValueError:
        value = Decimal(num.replace(",", "")) if re.fullmatch(r"[-+]?\d+", num.replace(",", "")) else None
        if value is None:
            return None
        rules.append("comma read as a thousands separator")
    value *= scale
    unit: str | None = None
    kind = "number"
    cm = _CUR_BEFORE.search(t[max(line_start, start - 5) : start])
    if cm:
        cur = cm["cur"].strip()
        if cur == "¥":
            rules.append("currency: bare ¥ is ambiguous (CNY or JPY)")
        else:
            unit = {"HK$": "HKD", "US$": "USD", "$": "USD", "€": "EUR"}.get(cur) or CURRENCY_WORDS[cur.lower()]
            start -= len(cm.group(0))
            rules.append(f"currency before: {cur}")
        kind = "amount"
    rest = t[end : end + 40]
    pm = _PCT_AFTER.match(rest)
    mm = _MULT_AFTER.match(rest)
    if pm:
        value = value / 100
        unit, kind = "ratio", "percent"
        end += pm.end()
        rules.append(f"percent: {pm['pct']}")
    elif mm:
        unit, kind = "x", "multiple"
        end += mm.end()
        rules.append(f"multiple: {mm['mult']}")
    else:
        um = _CUR_AFTER.match(rest)
        if um:
            unit = CURRENCY_WORDS[um["cur"].lower()]
            kind = "amount"
            end += um.end()
            rules.append(f"currency after: {um['cur']}")
        elif unit is None:
            nm = _COUNT_AFTER.match(rest)
            if nm and re.fullmatch(r"days?|years?|months?|weeks?|quarters?|hours?|小时", nm["noun"], re.I):
                end += nm.end()
                return _Draft("date", start, end, value, value, "count", rules=[*rules, f"duration: {nm['noun']}"])
            if nm:
                unit, kind = "count", "count"
                end += nm.end()
                rules.append(f"count: {nm['noun']}")
            elif scale != 1 and re.search(r"shares?(?: count)? (?:of )?$", t[max(line_start, start - 25) : start]):
                unit, kind = "count", "count"  # 'a share count of 1 billion'
                rules.append("count: share count")
            elif scale != 1:
                kind = "amount"  # '158.1 billion' with no currency
                rules.append("amount without a currency")
            elif re.fullmatch(r"(19|20)\d\d", num):
                return _Draft("date", start, end, None, None, None, rules=["date: year"])
    if kind == "percent" and (num.startswith("+") or _CHANGE_CUES.search(t[max(line_start, start - 30) : end + 25])):
        kind = "change"
        rules.append("change: growth word or sign")
    prec = _precision(num, scale)
    if kind == "percent" or kind == "change":
        prec = prec / 100
    return _Draft(kind, start, end, value, value, unit, _hedge(t, start, line_start), prec, rules=rules, scale=scale)


def _word_amount(m: re.Match[str]) -> _Draft | None:
    q = (m["q"] or "").strip(" -").lower()
    if not q and not m["cur"]:
        return None  # a bare 'trillion' with neither a quantifier nor 'dollars'
    scale = SCALE_WORDS[m["scale"].lower()]
    if q in _WORD_QTY:
        lo, hi = _WORD_QTY[q]
    elif q in ("several", "a few"):
        lo, hi = Decimal(2), Decimal(9)
    elif not q and m.group(0).lower().rstrip(" -").split()[0].endswith("s"):
        lo, hi = Decimal(2), Decimal(999)  # 'in the trillions of dollars'

    else:
        lo = hi = Decimal(SMALL_NUMBERS.get(q, 1))
    cur = (m["cur"] or "").lower()
    unit = "HKD" if "hong kong" in cur or "hk " in cur else ("USD" if "dollar" in cur else None)
    bound = "words" if lo != hi else "about"
    return _Draft(
        "amount", m.start(), m.end(), lo * scale, hi * scale, unit, bound, Decimal(0), True, ["words: scale word"]
    )


def _cn_number(t: str, m: re.Match[str]) -> _Draft | None:
    s = m.group(0)
    after = t[m.end() : m.end() + 4]
    if s == "万亿":  # 万亿港币市值: 'a trillion'
        value, rules = Decimal(10) ** 12, ["words: 万亿 alone = a trillion"]
    else:
        if len(s) < 2 and not _CN_CLASSIFIERS.match(after):
            return None
        try:
            value = parse_number(s)
        except ValueError:
            return None
        rules = ["Chinese numeral (cn2an)"]
    end = m.end()
    unit: str | None = None
    kind = "number"
    um = _CUR_AFTER.match(t[end : end + 6])
    if um:
        unit, kind, end = CURRENCY_WORDS[um["cur"].lower()], "amount", end + um.end()
    elif after.startswith("倍"):
        unit, kind, end = "x", "multiple", end + 1
    elif re.match(r"[种个者家股次位名]", after):
        unit, kind, end = "count", "count", end + 1
    elif value >= 10**4:
        kind = "amount"
    return _Draft(
        kind, m.start(), end, value, value, unit, "about" if value >= 10**4 else "exact", Decimal(0), True, rules
    )


def _entity_spans(t: str, entities: Mapping[str, Sequence[str]]) -> list[tuple[int, int, str]]:
    out = []
    names = {**KNOWN_ORGANISATIONS, **{k: tuple(v) for k, v in entities.items()}}
    for canon, aliases in names.items():
        for alias in {canon, *aliases}:
            pat = re.escape(alias) if not alias.isascii() else rf"(?<![A-Za-z0-9]){re.escape(alias)}(?![A-Za-z0-9])"
            flags = re.I if alias.isascii() and len(alias) >= 5 else 0  # ANTHROPIC, Anthropic
            for m in re.finditer(pat, t, flags):
                out.append((m.start(), m.end(), canon))
    # a longer name wins over one inside it (Alibaba Cloud over Alibaba)
    out.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, str]] = []
    for s, e, c in out:
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e, c))
    return kept


def _distance(s_text: str, m: re.Match[str], rel_s: int, rel_e: int) -> int:
    """Characters between a keyword and a claim; a keyword before it across ', ' or ' and ' counts triple."""
    if m.end() <= rel_s:
        between = s_text[m.end() : rel_s]
        if " and " in between:
            return (rel_s - m.end()) * 10  # 'calculated using PS and the $1.72 trillion': another conjunct
        return (rel_s - m.end()) * (3 if ", " in between else 1)
    if m.start() >= rel_e:
        return (m.start() - rel_e) * 2 + 1
    return 0


def _tag(
    d: _Draft, t: str, sent: Sentence, ents: list[tuple[int, int, str]], own: frozenset[str]
) -> tuple[str | None, str | None, str | None, str | None, list[str]]:
    """Quantity, entity, method and period of a claim from the words of its sentence."""
    rules: list[str] = []
    s_text = t[sent.start : sent.end]
    rel_s, rel_e = d.start - sent.start, d.end - sent.start
    quantity = None
    table = QUANTITIES.get("amount" if d.kind in ("amount",) else d.kind if d.kind != "change" else "percent", ())
    best: tuple[int, str, str] | None = None
    for rx, q in table:
        for m in rx.finditer(s_text):
            dist = _distance(s_text, m, rel_s, rel_e)
            if dist == 0 and d.kind == "count":
                dist = 10**6  # 'shares' in '25.6816 million shares': a fallback, 'unlocked' nearby wins
            if best is None or dist < best[0]:
                best = (dist, q, m.group(0))
    if best is not None:
        quantity = best[1]
        if (
            quantity == "growth"
            and re.search(r"year-on-year|year-over-year|同比", s_text)
            and re.search(r"revenue|收入", s_text, re.I)
        ):
            quantity = "revenue_growth"
        rules.append(f"quantity: '{best[2]}' -> {quantity}")
    entity = None
    in_sent = [(s, e, c) for s, e, c in ents if sent.start <= s < sent.end]
    after_for = re.compile(r"^\s*(?:valuation |market cap )?(?:for|of)\s+$")
    for s, _e, c in in_sent:  # 'a $10 trillion valuation for Anthropic'
        if s >= d.end and after_for.match(re.sub(r"^[\w\s-]{0,25}?(?=(?:for|of)\s)", "", t[d.end : s])):
            entity = c
            rules.append(f"entity: 'for/of {c}' after the number")
            break
    if entity is None:
        before = [x for x in in_sent if x[1] <= d.start]
        after = [x for x in in_sent if x[0] >= d.end]
        if before and re.search(r"其|\bits\b", t[before[-1][1] : d.start]) and before[0][2] != before[-1][2]:
            entity = before[0][2]  # '智谱...对标Anthropic,其万亿港币市值': 其 (its) is the subject's
            rules.append(f"entity: 'its' refers to the subject ({entity})")
        elif before:
            entity = before[-1][2]
            rules.append(f"entity: nearest name before ({entity})")
        elif after:
            entity = after[0][2]
            rules.append(f"entity: nearest name after ({entity})")
        else:
            earlier = [x for x in ents if x[1] <= sent.start and x[2] in own]
            if earlier:
                entity = earlier[-1][2]
                rules.append(f"entity: last name before the sentence ({entity})")
    method = None
    near: int | None = None
    for rx, key in METHODS:
        for m in rx.finditer(s_text):
            dist = _distance(s_text, m, rel_s, rel_e)
            if near is None or dist < near:
                near, method = dist, key
    if method is not None:
        rules.append(f"method: {method}")
    period = None
    if PAST_MARKERS.search(s_text[max(0, rel_s - 40) : rel_e]):
        period = "past"
        rules.append("period: earlier state")
    else:
        ym = re.search(r"(?<!\d)(20\d\d)(?!\d)", s_text)
        if ym and d.kind != "date":
            period = ym.group(1)
            rules.append(f"period: {period}")
        elif FORWARD_MARKERS.search(_clause(s_text, rel_s)):
            period = "forward"
            rules.append("period: forward-looking")
    return quantity, entity, method, period, rules


def extract_claims(
    text: str,
    entities: Mapping[str, Sequence[str]] | None = None,
    default_entity: str | None = None,
    headline: Mapping[str, str] | None = None,
) -> list[Claim]:
    """Read every numeric statement of an article.

    Parameters
    ----------
    text : str
        Article text (English, Chinese or both; full-width digits are read as ASCII).
    entities : mapping of str to sequence of str, optional
        Company name -> aliases (``{'Zhipu': ['智谱', 'Smartplus', ...]}``); a few other
        organisations the field names (OpenAI, Alibaba, Amazon...) are always known.
    default_entity : str, optional
        Company a claim belongs to when its text names none (the audit's only case).
    headline : mapping of str to str, optional
        Company -> the quantity an amount of money about it means when its sentence names none
        (``{'Zhipu': 'market_cap'}`` for a listed company: "it has now surged to a trillion
        dollars"). Only amounts with a currency.

    Returns
    -------
    list of Claim
        In text order; spans never overlap.

    Examples
    --------
    >>> cs = extract_claims("Zhipu's 2025 revenue was 724.33 million RMB, up 131.9% year-on-year.",
    ...                     {"Zhipu": ["智谱"]})
    >>> [(c.kind, c.text, c.quantity, c.entity) for c in cs]  # doctest: +NORMALIZE_WHITESPACE
    [('date', '2025', None, None), ('amount', '724.33 million RMB', 'revenue', 'Zhipu'),
     ('change', '131.9%', 'revenue_growth', 'Zhipu')]
    >>> cs[1].low
    Decimal('724330000.00')
    """
    t = to_halfwidth(text)
    sentences = split_sentences(t)
    taken = bytearray(len(t))
    drafts: list[_Draft] = []

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def add(d: _Draft) -> None:
        drafts.append(d)
        taken[d.start : d.end] = b"\x01" * (d.end - d.start)

    for rx, rule in _DATE_RES:
        for m in rx.finditer(t):
            if free(m.start(), m.end()):
                add(_Draft("date", m.start(), m.end(), None, None, None, rules=[rule]))
    for rx, rule in _LABEL_RES:
        for m in rx.finditer(t):
            if free(m.start(), m.end()):
                add(_Draft("label", m.start(), m.end(), None, None, None, rules=[rule]))
    for m in _FRACTION.finditer(t):
        if free(m.start(), m.end()) and int(m.group(2)) != 0:
            v = Decimal(m.group(1)) / Decimal(m.group(2))
            add(_Draft("ratio", m.start(), m.end(), v, v, "ratio", "about", Decimal(0), rules=["ratio: a/b"]))
    for rx, lo, hi in WORD_MULTIPLES:
        for m in rx.finditer(t):
            if free(m.start(), m.end()):
                b = "words" if lo != hi else "exact"
                add(_Draft("multiple", m.start(), m.end(), lo, hi, "x", b, Decimal(0), True, ["words: multiple"]))
    for rx, lo, hi in _WORD_PCT:
        for m in rx.finditer(t):
            if free(m.start(), m.end()):
                add(_Draft("change", m.start(), m.end(), lo, hi, "ratio", "words", Decimal(0), True, ["words: digits"]))
    line_starts = [0] + [i + 1 for i, ch in enumerate(t) if ch == "\n"]

    def line_start(pos: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return line_starts[lo]

    # numbers in digits, with range linking ('$30 billion to $47 billion', '820-1180亿美元')
    pending: _Draft | None = None
    for m in _NUMBER.finditer(t):
        if not free(m.start(), m.end()):
            continue
        d = _read_number(t, m, line_start(m.start()))
        if d is None:
            continue
        if pending is not None and _joins(t, pending, d):
            drafts.remove(pending)
            taken[pending.start : pending.end] = b"\x00" * (pending.end - pending.start)
            lo = pending.low
            if lo is not None and pending.scale == 1 and d.scale != 1:
                lo = lo * d.scale  # '$6 to $8 billion', '820-1180亿': the first number takes the scale
            if lo is not None and pending.kind == "number" and d.kind in ("percent", "change"):
                lo = lo / 100
            lo, hi = sorted((lo, d.high)) if lo is not None and d.high is not None else (lo, d.high)
            merged = _Draft(
                d.kind,
                pending.start,
                d.end,
                lo,
                hi,
                d.unit or pending.unit,
                "range" if pending.bound == "exact" else pending.bound,
                max(pending.precision, d.precision),
                rules=[*pending.rules, *d.rules, "range: a to b"],
                scale=d.scale,
            )
            add(merged)
            pending = None
            continue
        add(d)
        pending = d
    for m in _WORD_AMOUNT.finditer(t):
        if free(m.start(), m.end()):
            d = _word_amount(m)
            if d is not None:
                add(d)
    for m in _CN_NUMBER.finditer(t):
        if free(m.start(), m.end()):
            d = _cn_number(t, m)
            if d is not None:
                add(d)
    for m in _SMALL.finditer(t):
        if free(m.start(), m.end()):
            n = SMALL_NUMBERS[m["n"].lower()]
            n2 = SMALL_NUMBERS[m["n2"].lower()] if m["n2"] else n
            kind = "date" if re.match(r"days?|years?|months?|weeks?|quarters?|hours?", m["noun"], re.I) else "count"
            if m["n"].lower() == "one" and m["noun"].lower() == "times":
                continue
            add(
                _Draft(
                    kind,
                    m.start(),
                    m.end(),
                    Decimal(n),
                    Decimal(n2),
                    "count",
                    "exact",
                    Decimal(0),
                    True,
                    ["words: count"],
                )
            )

    drafts.sort(key=lambda d: d.start)
    respectively = _respectively(t, sentences, drafts)
    ents = _entity_spans(t, entities or {})
    own = frozenset(entities or {})
    sent_of = _sentence_index(sentences)
    out: list[Claim] = []
    for d in drafts:
        sent = sentences[sent_of(d.start)]
        if d.kind in ("date", "label", "number"):
            quantity, entity, method, period, rules = None, None, None, None, []
            if d.kind == "number":
                quantity, entity, method, period, rules = _tag(d, t, sent, ents, own)
                quantity = None
        else:
            quantity, entity, method, period, rules = _tag(d, t, sent, ents, own)
        if entity is None and default_entity is not None and d.kind not in ("date", "label", "number"):
            entity = default_entity
            rules.append(f"entity: the only case company ({entity})")
        if id(d) in respectively:
            method = respectively[id(d)]
            rules.append(f"method: {method}, by position in a 'respectively' list")
        if d.kind == "amount" and quantity in (None, "arr", "revenue") and out:
            prev = out[-1]
            if prev.sentence == sent.index and prev.kind == "multiple" and prev.quantity in ("arr_multiple", "ps"):
                quantity = "valuation"  # 'at 15 times, it corresponds to $1.23 trillion': a product
                method = "arr_multiple" if prev.quantity == "arr_multiple" else "peer_multiple"
                rules.append(f"quantity: amount after a multiple -> valuation ({method})")
        if d.kind == "amount" and quantity is None and method is None and sent.index > 0:
            prev_sent = sentences[sent.index - 1]
            carried = _sentence_method(t[prev_sent.start : prev_sent.end])
            if carried is not None:
                method = carried
                rules.append(f"method: {carried}, from the previous sentence")
        if (
            d.kind == "amount"
            and quantity is None
            and method is None
            and d.unit is not None
            and entity in (headline or {})
        ):
            quantity = (headline or {})[entity]
            rules.append(f"quantity: an amount about {entity} with no keyword -> {quantity}")
        if d.kind == "amount" and quantity is None and method is not None:
            quantity = "valuation"
            rules.append("quantity: a method named -> valuation")
        out.append(
            Claim(
                id=f"c{len(out) + 1}",
                kind=d.kind,
                text=text[d.start : d.end],
                start=d.start,
                end=d.end,
                sentence=sent.index,
                low=d.low,
                high=d.high,
                unit=d.unit,
                bound=d.bound,
                precision=d.precision,
                quantity=quantity,
                entity=entity,
                method=method,
                period=period,
                words=d.words,
                rules=(*d.rules, *rules),
            )
        )
    return out


def _respectively(t: str, sentences: list[Sentence], drafts: list[_Draft]) -> dict[int, str]:
    """'three methods ... give X, Y and Z respectively' (分别): the i-th amount takes the i-th method."""
    out: dict[int, str] = {}
    for s in sentences:
        st = t[s.start : s.end]
        m = re.search(r"分别|respectively", st)
        if not m:
            continue
        found = sorted((mm.start(), key) for rx, key in METHODS for mm in rx.finditer(st[: m.start()]))
        keys = list(dict.fromkeys(k for _, k in found))
        amounts = [d for d in drafts if d.kind == "amount" and s.start + m.end() <= d.start < s.end]
        if keys and len(keys) == len(amounts):
            out.update({id(d): k for d, k in zip(amounts, keys, strict=True)})
    return out


def _clause(s_text: str, pos: int) -> str:
    """Return the clause (between commas or semicolons) of a sentence that holds position ``pos``."""
    cuts = [0] + [m.end() for m in re.finditer(r"[,;，；](?!\d)", s_text)] + [len(s_text)]
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a <= pos < b:
            return s_text[a:b]
    return s_text


def _sentence_method(s_text: str) -> str | None:
    for rx, key in METHODS:
        if rx.search(s_text):
            return key
    return None


def _sentence_index(sentences: list[Sentence]) -> object:
    starts = [s.start for s in sentences]

    def find(pos: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    return find
