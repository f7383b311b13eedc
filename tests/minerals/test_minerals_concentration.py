"""Stage concentration checked against an independent computation on the shipped data."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from supplyscope.codes.minerals import load_catalog
from supplyscope.data.paths import bundled
from supplyscope.data.sources.usgs import MCS_FILE
from supplyscope.data.sources.usgs_mcs import load_production, read_mcs_world
from supplyscope.errors import NotFoundError
from supplyscope.indicators.concentration import hhi
from supplyscope.minerals.concentration import stage_concentration

DATA = Path(__file__).parent / "data"
CONCERN = {"CHN", "HKG", "MAC", "CUB", "IRN", "PRK", "RUS", "VEN"}
NAMES = {  # independent map of the USGS labels of concern countries
    "China": "CHN",
    "Russia": "RUS",
    "Cuba": "CUB",
    "Iran": "IRN",
    "Korea, North": "PRK",
}


def _num(text: str) -> float | None:
    text = text.strip()
    if text in ("—",):
        return 0.0
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def independent(commodity: str) -> dict[str, float | str]:
    """Recompute the 2025 figures straight from the raw rows, without the package's loader."""
    rows = [r for r in pq.read_table(bundled(MCS_FILE)).to_pylist() if r["commodity"] == commodity]
    world = None
    parts = 0.0
    country_vals: dict[str, float] = {}
    for r in rows:
        v = _num(r["production_latest_raw"])
        label = r["country"]
        if label.startswith("World total"):
            world = v
            continue
        parts += v or 0.0
        if label not in ("Other countries", "Other") and v is not None:
            country_vals[label] = v
    total = max(world or 0.0, parts)
    shares = {k: v / total for k, v in country_vals.items()}
    top = max(shares, key=lambda k: shares[k])
    return {
        "hhi": sum(s**2 for s in shares.values()),
        "top_label": top,
        "top_share": shares[top],
        "chn_share": shares.get("China", float("nan")),
        "concern_share": sum(s for k, s in shares.items() if k in NAMES),
    }


def test_hhi_hand_example() -> None:
    # shares 50/30/20 -> 2500 + 900 + 400
    assert hhi([0.5, 0.3, 0.2]) == pytest.approx(0.38)
    assert hhi([1.0]) == pytest.approx(1.0)


@pytest.mark.parametrize("key", [k for k, m in load_catalog().items() if m.mcs_commodity])
def test_against_independent_computation(key: str) -> None:
    mineral = load_catalog()[key]
    expected = independent(mineral.mcs_commodity)
    got = stage_concentration(read_mcs_world(), minerals=[key], stage=mineral.production_stage, concern=CONCERN).iloc[0]
    assert got["status"] == "available"
    assert got["year"] == 2025
    assert got["hhi"] == pytest.approx(expected["hhi"])
    assert got["top_share"] == pytest.approx(expected["top_share"])
    assert got["concern_share"] == pytest.approx(expected["concern_share"])
    if got["chn_share"] is None or got["chn_share"] != got["chn_share"]:
        assert expected["chn_share"] != expected["chn_share"]  # China not listed in either
    else:
        assert got["chn_share"] == pytest.approx(expected["chn_share"])
    assert 0 <= got["hhi"] <= 1


def test_rare_earth_mining_seed_figure() -> None:
    """USGS MCS 2026: China 270,000 of 390,000 t REO in 2025 (about 70%)."""
    got = stage_concentration(read_mcs_world(), minerals=["rare earths"], concern=CONCERN)
    mining = got[got["stage"] == "mining"].iloc[0]
    assert mining["year"] == 2025
    assert mining["top_country"] == "CHN"
    assert mining["world_total"] == 390000.0
    assert mining["chn_share"] == pytest.approx(270000 / 390000)
    refining = got[got["stage"] == "refining"].iloc[0]
    assert refining["status"] == "unavailable"
    assert refining["hhi"] is None or refining["hhi"] != refining["hhi"]
    assert "no refining production data" in refining["note"]


def test_withheld_listed_not_zeroed() -> None:
    got = stage_concentration(read_mcs_world(), minerals=["lithium"], stage="mining").iloc[0]
    assert got["withheld"] == ["USA"]
    assert "withheld" in got["note"]


def test_stage_table_fills_unavailable_stage() -> None:
    """Synthetic refinery fixture: the refining row becomes available with its own shares."""
    long = load_production([DATA / "synthetic_stage_table.csv"])
    got = stage_concentration(long, minerals=["rare-earths"], stage="refining", concern=CONCERN).iloc[0]
    assert got["status"] == "available"
    assert got["chn_share"] == pytest.approx(0.9)
    assert got["hhi"] == pytest.approx(0.90**2 + 0.05**2)
    assert got["withheld"] == ["USA"]


def test_unknown_stage_and_mineral() -> None:
    long = read_mcs_world()
    with pytest.raises(NotFoundError, match="stage"):
        stage_concentration(long, stage="smelting")
    with pytest.raises(NotFoundError, match="mineral"):
        stage_concentration(long, minerals=["unobtainium"])


@pytest.mark.parametrize("year", [2024, 2025])
def test_panel_matches_per_stage_path(year: int) -> None:
    from supplyscope.minerals.concentration import concentration_panel

    long = read_mcs_world()
    panel = concentration_panel(long, concern=CONCERN).set_index(["mineral", "stage", "year"])
    loop = stage_concentration(long, year=year, concern=CONCERN)
    loop = loop[loop["status"] == "available"]
    assert len(loop) == 18
    for rec in loop.itertuples():
        got = panel.loc[(rec.mineral, rec.stage, year)]
        assert got["hhi"] == pytest.approx(rec.hhi)
        assert got["top_country"] == rec.top_country
        assert got["concern_share"] == pytest.approx(rec.concern_share)
        assert got["world_total"] == pytest.approx(rec.world_total)
