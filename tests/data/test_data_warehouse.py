"""Warehouse loads are all-or-nothing and idempotent; loaders name the file, row and field of bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from supplyscope.data.sources.census import read_census_imports
from supplyscope.data.warehouse import Warehouse
from supplyscope.errors import DataError

HEADER = "CTY_CODE,CTY_NAME,I_COMMODITY,I_COMMODITY_SDESC,CON_VAL_YR,CAL_DUT_YR,YEAR\n"


def census_csv(tmp_path: Path, rows: list[str], name: str = "census.csv") -> Path:
    """A tiny SYNTHETIC file in the Census International Trade API column layout."""
    p = tmp_path / name
    p.write_text(HEADER + "\n".join(rows) + "\n")
    return p


GOOD = [
    "5700,CHINA,8507600020,LITHIUM-ION BATTERIES EV,1000,34,2024",
    "0003,EUROPEAN UNION,8507600020,LITHIUM-ION BATTERIES EV,500,17,2024",
    "4359,SLOVAKIA,8507600020,LITHIUM-ION BATTERIES EV,100,3.4,2024",
    "5880,JAPAN,8507600010,LITHIUM-ION BATTERIES NESOI,200,7,2024",
]


def test_census_loader_nets_slovakia_out_of_eu(tmp_path: Path) -> None:
    res = read_census_imports(census_csv(tmp_path, GOOD))
    flows = res.frames["trade_flows"].set_index("exporter")
    assert flows.loc["EU27", "value_usd"] == 400
    assert flows.loc["SVK", "value_usd"] == 100
    assert flows["value_usd"].sum() == 1000 + 400 + 100 + 200
    assert set(flows["hs6"]) == {"850760"}


@pytest.mark.parametrize(
    ("bad", "row", "field"),
    [
        ("5700,CHINA,85076000,SHORT CODE,10,0,2024", 6, "hts10"),
        ("5700,CHINA,8507600030,X,ten,0,2024", 6, "imports_for_consumption_usd"),
        ("5700,CHINA,8507600030,X,-5,0,2024", 6, "imports_for_consumption_usd"),
        ("5700,CHINA,8507600030,X,10,0,", 6, "year"),
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path: Path, bad: str, row: int, field: str) -> None:
    path = census_csv(tmp_path, [*GOOD, bad])
    with pytest.raises(DataError) as err:
        read_census_imports(path)
    assert err.value.row == row and err.value.field == field and err.value.source == "census.csv"
    assert f"row {row}" in str(err.value)


def test_unknown_partner_codes_are_reported_not_dropped(tmp_path: Path) -> None:
    res = read_census_imports(census_csv(tmp_path, [*GOOD, "9999,NOWHERE,8507600020,X,50,0,2024"]))
    assert res.unknown_codes == {"9999": 50.0}
    assert "UNK:9999" in set(res.frames["trade_flows"]["exporter"])


def test_reload_does_not_duplicate_and_bad_load_changes_nothing(tmp_path: Path) -> None:
    wh = Warehouse.open(tmp_path / "w.duckdb")
    res = read_census_imports(census_csv(tmp_path, GOOD))
    wh.load(res.frames, source=res.source, checksum=res.checksum)
    wh.load(res.frames, source=res.source, checksum=res.checksum)
    assert wh.count("trade_flows") == 4 and wh.count("tariff_line_flows") == 4  # CHN, EU27, SVK, JPN
    before = wh.query("SELECT * FROM trade_flows ORDER BY exporter")
    broken = dict(res.frames)
    tf = broken["trade_flows"].copy()
    tf.loc[tf.index[-1], "exporter"] = None  # second table invalid: nothing of the first may be written
    broken["trade_flows"] = tf
    broken["tariff_line_flows"] = broken["tariff_line_flows"].assign(source="other-source")
    with pytest.raises(DataError, match="exporter"):
        wh.load(broken, source="other-source", checksum="x")
    pd.testing.assert_frame_equal(wh.query("SELECT * FROM trade_flows ORDER BY exporter"), before)
    assert wh.count("tariff_line_flows") == 4
    wh.close()


def test_conflicting_rows_roll_back(tmp_path: Path) -> None:
    wh = Warehouse.open(":memory:")
    res = read_census_imports(census_csv(tmp_path, GOOD))
    wh.load(res.frames, source=res.source, checksum=res.checksum)
    dup = pd.concat([res.frames["trade_flows"], res.frames["trade_flows"].head(1)])
    with pytest.raises(DataError, match="duplicate key"):
        wh.load({"trade_flows": dup}, source="again", checksum="x")
    assert wh.count("trade_flows") == 4
    wh.close()


def test_data_info_lists_tables_and_sources(bundled_wh: Warehouse) -> None:
    info = bundled_wh.info().set_index("table")
    assert info.loc["trade_flows", "rows"] > 80_000
    assert info.loc["trade_flows", "years"] == "2024"
    assert "census" in info.loc["trade_flows", "sources"]
