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
    assert re["chn_share"] == pytest.approx(0.92)  # the refining stage (IEA GCMO 2024 as reported), not mining
    assert "mining data used" not in re["reason"] and "confidence M" in re["reason"]
    # HS 811292 is flagged line by line: each line for its own mineral only
    ga = df[df["hs6"] == "811292"].set_index("hts10")
    assert ga.loc["8112921000", "mineral"] == "gallium"
    assert ga.loc["8112921000", "chn_share"] == pytest.approx(900_000 / 909_000)  # USGS MCS 2026, 2025
    assert set(ga.loc[["8112926000", "8112926500"], "mineral"]) == {"germanium"}
    assert "niobium" not in ga.loc[ga.index != "8112924000", "mineral"].tolist()
    raw = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    sel = raw[raw["hs6"] == "811292"]
    # EU27 includes Slovakia, which is also listed on its own: count Slovakia once
    eu_svk = sel.loc[sel["partner_iso3"] == "SVK"].groupby("hts10")["imports_for_consumption_usd"].sum()
    total = sel["imports_for_consumption_usd"].sum() - eu_svk.sum()
    gallium = sel.loc[sel["hts10"] == "8112921000", "imports_for_consumption_usd"].sum() - eu_svk.get("8112921000", 0)
    assert ga.loc["8112921000", "line_share"] == pytest.approx(gallium / total)
    ge = df[(df["mineral"] == "germanium")]
    assert ge["flag"].all()
    assert ge["chn_share"].to_numpy() == pytest.approx([0.592] * len(ge))
    assert ge["reason"].str.contains("mining.com, as reported").all()


def test_scenario_format() -> None:
    doc = scenario_from_restriction("gallium", 0.5)
    sectors = set(pd.read_parquet(bundled("io/oecd_icio2025_sector_codes.parquet"))["code"])
    (sc,) = doc["scenario"]  # type: ignore[misc]
    assert set(sc) == {"name", "description", "shock"}
    (shock,) = sc["shock"]
    assert (shock["country"], shock["sector"], shock["cut"], shock["target"]) == ("CHN", "C24B", 0.5, "exports")
    assert "domestic sales are untouched" in sc["description"]
    assert all(s["sector"] in sectors for s in sc["shock"])
    priced = scenario_from_restriction(
        "rare earths", 0.25, stages=["mining"], price=1.0, price_source="synthetic test price"
    )
    assert {s["sector"] for s in priced["scenario"][0]["shock"]} == {"B07"}  # type: ignore[index]
    with pytest.raises(ConfigError, match="no reported refining production"):  # a share table has no amount
        scenario_from_restriction("rare earths", 0.25, price=1.0, price_source="synthetic test price")
    trade = scenario_from_restriction("gallium", 0.5, basis="trade")["scenario"][0]["shock"][0]  # type: ignore[index]
    raw = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    from_chn = raw[(raw["partner_iso3"] == "CHN") & (raw["hts10"] == "8112921000")]["imports_for_consumption_usd"].sum()
    assert trade["share_basis"].startswith("trade value: 2024 US imports for consumption from CHN of gallium")
    assert f"{from_chn:,.0f}" in trade["share_basis"]


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
