"""The public entry point, the JSON schema, and the docstring examples of the audit modules."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pytest

import anchorval

from .conftest import CASES, MT

MODULES = [
    "anchorval.claims._text",
    "anchorval.claims._extract",
    "anchorval.claims._checks",
    "anchorval.workflows.audit",
    "anchorval.report.audit",
    "anchorval.money",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    res = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
    assert res.attempted > 0


def test_public_name_takes_text_or_path():
    assert "audit" in anchorval.__all__ and anchorval.__all__ == sorted(anchorval.__all__)
    by_text = anchorval.audit(MT.read_text(encoding="utf-8"), cases=CASES)
    by_path = anchorval.audit(str(MT), cases=CASES)
    by_pathlib = anchorval.audit(Path(MT), cases=CASES)
    rows = [[(r.claim.text, r.verdict) for r in x.articles[0].rows()] for x in (by_text, by_path, by_pathlib)]
    assert rows[0] == rows[1] == rows[2]
    frame = by_path.to_frame()
    assert list(frame["text"]) == [t for t, _ in rows[0]]
    assert set(frame["verdict"]) <= {"consistent", "inconsistent", "cannot_check"}


def test_without_cases_only_arithmetic_and_the_article_decide():
    r = anchorval.audit("Acme's 2025 revenue is 7.2433 billion RMB. Acme's 2025 revenue was 724.33 million RMB.")
    a = r.articles[0]
    assert r.cases == () and r.fx_rates == ()
    assert [a.verdict(c.id) for c in a.claims if c.kind == "amount"] == ["inconsistent", "inconsistent"]


DOC = (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")


def test_json_schema_is_documented():
    d = anchorval.audit(str(MT), cases=CASES).to_dict()
    assert d["schema"] == "anchorval.audit/1"
    claim = d["articles"][0]["claims"][0]
    check = claim["checks"][0]
    for key in [*d, *d["articles"][0], *claim, *check, *d["references"][0], *d["fx_rates"][0]]:
        assert f"`{key}`" in DOC, key
    json.dumps(d)  # plain JSON types only
