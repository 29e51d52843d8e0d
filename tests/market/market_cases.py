"""Hand-made market-structure cases (all USD, so no FX enters the closed-form checks)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from anchorval.domain import Case

S = {"as_of": "2026-06-30", "source": "s"}


def fig(value: Any, **kw: Any) -> dict[str, Any]:
    """A figure citing the test source."""
    d = {"value": value, **S}
    d.update(kw)
    return d


BASE: dict[str, Any] = {
    "id": "tiny-2026-06",
    "as_of": "2026-06-30",
    "report_currency": "USD",
    "company": {"name": "Tiny", "status": "listed", "listing_date": "2026-01-02"},
    "sources": {
        "s": {"title": "Test document", "publisher": "Test", "date": "2026-06-30"},
        "assumption": {
            "title": "Assumptions",
            "publisher": "anchorval case author",
            "date": "2026-06-30",
        },
    },
    "capital": {"share_price": fig("10 USD"), "shares_outstanding": fig("1000")},
    "financials": {"revenue": fig("100 USD", as_of="2025-12-31"), "revenue_period": "FY2025"},
    "market": {
        "free_float": {"unrestricted_shares": fig("100"), "unrestricted_pct": fig("10%")},
        "lockups": [
            {"date": "2026-07-01", "shares": fig("200"), "source": "s"},
            {"date": "2027-01-01", "size": "unknown", "source": "s"},
        ],
        "index_inclusions": [
            {
                "index": "IDX",
                "effective": "2026-03-01",
                "weight": fig("1%"),
                "tracking_assets": {
                    "low": "1000 USD",
                    "value": "2000 USD",
                    "high": "3000 USD",
                    "as_of": "2026-03-01",
                    "source": "assumption",
                },
                "source": "s",
            }
        ],
        "average_daily_volume": fig("10", unit="count"),
        "reflexivity": {
            "target_ps": fig("10x"),
            "scenarios": [
                {"name": "doubling", "start": fig("100%"), "periods": 5},
                {
                    "name": "fading",
                    "start": fig("100%"),
                    "end": fig("50%"),
                    "fade_periods": 2,
                    "periods": 6,
                },
            ],
            "revenue_targets": [
                {
                    "name": "FY2027",
                    "period_end": "2027-12-31",
                    "revenue": fig("400 USD"),
                    "stated_ps": fig("25x"),
                }
            ],
        },
        "premium_attributions": [
            {
                "name": "forty-sixty",
                "fundamental_share": fig("40%"),
                "structural_share_of_premium": fig("25%"),
            }
        ],
    },
}


def make(**patch: Any) -> dict[str, Any]:
    """A deep copy of BASE with dotted-path patches (``'market.lockups': [...]``); None deletes."""
    d = copy.deepcopy(BASE)
    for path, val in patch.items():
        keys = path.split("__")
        cur = d
        for k in keys[:-1]:
            cur = cur[k]
        if val is None:
            cur.pop(keys[-1], None)
        else:
            cur[keys[-1]] = val
    return d


def tiny_case(**patch: Any) -> Case:
    """The hand-made case (with patches) as a Case."""
    return Case.model_validate(make(**patch))


def write_yaml(tmp_path: Path, data: dict[str, Any], name: str = "tiny.yaml") -> Path:
    """Write a case dict as YAML (ruamel) and return its path."""
    from ruamel.yaml import YAML

    p = tmp_path / name
    y = YAML()
    with p.open("w", encoding="utf-8") as fh:
        y.dump(data, fh)
    return p
