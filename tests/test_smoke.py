from decimal import Decimal

import anchorval


def test_value_bundled_case_runs_all_four_anchors():
    t = anchorval.value("anthropic-2026-06")
    assert [a.anchor for a in t.anchors] == ["peer_multiple", "perp_implied", "arr_multiple", "last_round"]
    # BlockBeats (2026-06-22): 1718 USDT x 1e9 reference shares = $1.718T at USDT = USD
    assert t.anchor("perp_implied").base.amount == Decimal("1718") * Decimal("1e9")


def test_public_api_names_resolve():
    for name in anchorval.__all__:
        assert getattr(anchorval, name) is not None
    assert "value" in dir(anchorval)


def test_all_lists_every_lazy_export():
    assert set(anchorval.__all__) == set(anchorval._EXPORTS) | {"__version__"}


def test_version_matches_package_metadata():
    import tomllib
    from pathlib import Path

    meta = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert anchorval.__version__ == meta["project"]["version"]
