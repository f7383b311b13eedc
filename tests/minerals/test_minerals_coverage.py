"""Partner coverage against independent sums."""

from __future__ import annotations

import pytest

from supplyscope.data.sources.usgs_mcs import read_mcs_world
from supplyscope.minerals.coverage import partner_coverage
from supplyscope.minerals.groups import CountryGroup, resolve_group
from supplyscope.minerals.trade import load_mineral_imports

CONCERN = CountryGroup("concern", frozenset({"CHN", "RUS", "PRK", "IRN", "CUB", "VEN", "HKG", "MAC"}), "test")


def test_coverage_rare_earths() -> None:
    coalition = CountryGroup("test", frozenset({"USA", "AUS", "JPN"}), "test")
    imports = load_mineral_imports()
    cov = partner_coverage(read_mcs_world(), imports, coalition, CONCERN, minerals=["rare-earths"])
    mining = cov.supply[cov.supply["stage"] == "mining"].iloc[0]
    # MCS 2026, 2025e: USA 51,000 + AUS 29,000 of 390,000 t REO
    assert mining["coalition_share"] == pytest.approx(80000 / 390000)
    assert mining["concern_share"] == pytest.approx((270000 + 2600) / 390000)
    ref = cov.demand[cov.demand["stage"] == "refining"].iloc[0]
    sel = imports[(imports["mineral"] == "rare-earths") & (imports["stage"] == "refining")]
    total = sel["value_usd"].sum()
    from_c = sel.loc[sel["partner"].isin({"USA", "AUS", "JPN"}), "value_usd"].sum()
    assert ref["us_imports_usd"] == pytest.approx(total)
    assert ref["gap_usd"] == pytest.approx(total - from_c)
    cands = cov.candidates
    assert list(cands["rank"]) == list(range(1, len(cands) + 1))
    assert cands["capacity"].is_monotonic_decreasing
    assert not set(cands["country"]) & (coalition.members | CONCERN.members)
    assert cands.iloc[0]["country"] == "MMR"  # Burma, 22,000 t, largest third-country producer


def test_group_resolution() -> None:
    g = resolve_group("USA,JPN,EU27")
    assert {"USA", "JPN", "DEU", "SVK"} <= g.members
    assert "EU27" in g.trade_partners
    assert "CHN" in resolve_group("concern").members
