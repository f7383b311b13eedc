"""Chokepoint flags and restriction scenarios."""

from __future__ import annotations

import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.errors import ConfigError, NotFoundError
from supplyscope.minerals.links import FLAG_COLUMNS, chokepoint_flags, scenario_from_restriction


def test_flags_shape_and_rule() -> None:
    df = chokepoint_flags()
    assert list(df.columns) == FLAG_COLUMNS
    have = df[df["top_share"].notna()]
    rule = (have["top_share"] >= 0.5) | (have["concern_share"] >= 0.5)
    assert (have["flag"] == rule).all()
    assert not df.loc[df["top_share"].isna(), "flag"].any()
    re = df[(df["hs6"] == "284690")].iloc[0]
    assert re["flag"]
    assert re["chn_share"] == pytest.approx(270000 / 390000)
    assert "mining data used" in re["reason"]
    ge = df[(df["mineral"] == "germanium")]
    assert not ge["flag"].any()
    assert ge["reason"].str.contains("no production data").all()


def test_scenario_format() -> None:
    doc = scenario_from_restriction("gallium", 0.5)
    sectors = set(pd.read_parquet(bundled("io/oecd_icio2025_sector_codes.parquet"))["code"])
    (sc,) = doc["scenario"]  # type: ignore[misc]
    assert set(sc) == {"name", "description", "shock"}
    assert sc["shock"] == [{"country": "CHN", "sector": "C24B", "cut": 0.5}]
    assert all(s["sector"] in sectors for s in sc["shock"])
    multi = scenario_from_restriction("rare earths", 0.25)["scenario"][0]  # type: ignore[index]
    assert {s["sector"] for s in multi["shock"]} == {"B07", "C20"}


@pytest.mark.parametrize("cut", [0.0, -0.1, 1.5])
def test_bad_cut(cut: float) -> None:
    with pytest.raises(ConfigError):
        scenario_from_restriction("gallium", cut)


def test_unknown_country() -> None:
    with pytest.raises(NotFoundError, match="ICIO country"):
        scenario_from_restriction("gallium", 0.5, country="XXX")


def test_flags_use_stage_tables() -> None:
    """With the synthetic refinery fixture, rare-earth compounds are flagged on refining data."""
    from pathlib import Path

    fixture = Path(__file__).parent / "data" / "synthetic_stage_table.csv"
    df = chokepoint_flags(stage_tables=[fixture])
    row = df[(df["hs6"] == "284690")].iloc[0]
    assert row["top_share"] == pytest.approx(0.9)
    assert "mining data used" not in row["reason"]
