"""Import reliance, import sources, critical-minerals lists, and the warehouse load."""

from __future__ import annotations

import pandas as pd
import pytest

from supplyscope.data.sources.refining import read_refining_shares
from supplyscope.data.sources.usgs_mcs import load_into_warehouse, load_production, read_mcs_world
from supplyscope.data.warehouse import Warehouse
from supplyscope.minerals.concentration import stage_concentration
from supplyscope.minerals.reliance import critical_lists, import_reliance, import_sources, list_status


def test_lists_have_the_published_sizes() -> None:
    lists = critical_lists()
    # 2022 list: 50 minerals (87 FR 10381); 2025 final list: 60, ten added
    assert int(lists["on_2022_list"].sum()) == 50
    assert int(lists["on_2025_list"].sum()) == 60
    assert set(lists.loc[lists["added_in_2025"], "mineral"]) >= {"copper", "silicon", "silver", "uranium"}


def test_list_status_of_catalogue() -> None:
    st = list_status().set_index("mineral")
    assert st.loc["copper", "on_2025_list"] and not st.loc["copper", "on_2022_list"]
    assert st.loc["rare-earths", "on_2022_list"]
    assert st.loc["gallium", "on_2022_list"]


def test_reliance_forms() -> None:
    rel = import_reliance().set_index(["mineral", "metal"])
    assert rel.loc[("lithium", "all"), "status"] == "lower_bound"
    assert rel.loc[("lithium", "all"), "net_import_reliance"] == pytest.approx(0.50)
    assert rel.loc[("pgm", "platinum"), "net_import_reliance"] == pytest.approx(0.89)
    assert rel.loc[("antimony", "all"), "status"] == "not_extracted"


def test_import_sources() -> None:
    src = import_sources()
    re = src[src["mineral"] == "rare-earths"].set_index("country")["share"]
    assert re["CHN"] == pytest.approx(0.71)
    full = src[~src["partial"]].groupby(["mineral", "category"])["share"].sum()
    # shares of complete categories add up to 100% within the rounding of the source
    assert ((full > 0.98) & (full < 1.02)).sum() >= 30


def test_load_into_warehouse() -> None:
    with Warehouse.open(":memory:") as wh:
        counts = load_into_warehouse(wh)
        long = read_mcs_world()
        refining = read_refining_shares()
        assert counts["production"] == int((long["measure"] == "production").sum()) + len(refining)
        ree = wh.query(
            "SELECT amount, unit, source FROM production WHERE commodity = 'rare-earths' AND stage = 'refining' "
            "AND country = 'CHN'"
        )
        assert float(ree["amount"].iloc[0]) == 92.0 and "percent" in ree["unit"].iloc[0]
        assert "[confidence M]" in ree["source"].iloc[0]
        row = wh.query(
            "SELECT amount FROM production WHERE commodity = 'rare-earths' AND country = 'CHN' AND year = 2025"
        )
        assert float(row["amount"].iloc[0]) == 270000.0
        null = wh.query(
            "SELECT count(*) AS n FROM production WHERE commodity = 'lithium' AND country = 'USA' AND amount IS NULL"
        )
        assert int(null["n"].iloc[0]) == 2  # withheld both years: null, not zero


def test_concentration_from_the_warehouse_equals_the_bundled_files() -> None:
    """Minerals can run on the warehouse's production table: same shares as from the source files."""
    with Warehouse.open(":memory:") as wh:
        load_into_warehouse(wh)
        from_wh = stage_concentration(load_production(warehouse=wh), minerals=["rare-earths", "gallium", "copper"])
    from_files = stage_concentration(load_production(), minerals=["rare-earths", "gallium", "copper"])
    cols = ["mineral", "stage", "year", "top_country", "top_share", "chn_share", "hhi", "world_total"]
    pd.testing.assert_frame_equal(from_wh[cols], from_files[cols])
