"""Shared fixtures of the audit tests: the three source articles (copies) and their audit."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTICLES = Path(__file__).parent / "articles"
#: file -> the case source id that cites it (see articles/README.md)
MT = ARTICLES / "000_01728529fb4af55c.txt"  # blockbeats-en-mt: machine translation
ZH = ARTICLES / "001_bf65d17db90a765b.txt"  # blockbeats-zh: Chinese summary + English version
TENCENT = ARTICLES / "002_f5fd33a76300ccad.txt"  # tencent-zhipu
CASES = ["anthropic-2026-06", "zhipu-2026-06"]
#: Aliases as the bundled cases give them (kept here so extraction tests need no case).
ENTITIES = {
    "Zhipu": ["智谱", "Smartplus", "Metaverse", "SmartSpectrum", "Smart Spectrum", "Spectron", "Intelligence Spectrum"],
    "Anthropic": [],
}


@pytest.fixture(scope="session")
def sources_audit():
    """The three articles audited together against both bundled cases (one run per session)."""
    from anchorval.workflows.audit import audit

    r = audit([MT, ZH, TENCENT], cases=CASES)
    return {Path(a.name).name: a for a in r.articles}, r


def find(article, text, n=0):
    """The n-th claim of an article whose text is exactly ``text``."""
    hits = [c for c in article.claims if c.text == text]
    assert len(hits) > n, f"no claim {text!r} (#{n}) in {article.name}"
    return hits[n]
