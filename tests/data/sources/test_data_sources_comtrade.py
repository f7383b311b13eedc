"""UN Comtrade bulk-file loader and mirror pairs.

The fixture ``data/comtrade_final_mock_2022.csv`` has the real 47-column header of Comtrade+ "final"
bulk files; its rows and figures are mock values written for these tests (not real trade).
Its 12 rows, by hand: 5 become flows (lines 2, 6, 7, 9, 11); 7 are excluded, one per rule except
two non-HS6 lines (the HS4 heading on line 5 and the TOTAL on line 12).
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from supplyscope.data.sources.comtrade import (
    COMTRADE_HS_VERSIONS,
    RULE_BREAKDOWN,
    RULE_FLOW,
    RULE_HS6,
    RULE_WORLD,
    mirror_pairs,
    read_comtrade,
)
from supplyscope.data.sources.loadresult import store
from supplyscope.data.warehouse import Warehouse
from supplyscope.errors import DataError

FIXTURE = Path(__file__).parent / "data" / "comtrade_final_mock_2022.csv"
NAME = FIXTURE.name


def rows_of(path: Path = FIXTURE) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, delimiter=delimiter, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(buf.getvalue().encode()))
    else:
        path.write_text(buf.getvalue())
    return path


def edited(tmp_path: Path, line: int, **changes: str) -> Path:
    """The fixture with fields of one data line (file line number) changed."""
    header, rows = rows_of()
    rows[line - 2].update(changes)
    return write(tmp_path / "edited.csv", header, rows)


def test_hand_checked_flows() -> None:
    res = read_comtrade(FIXTURE)
    f = res.flows
    assert list(f["_row"]) == [2, 6, 7, 9, 11]
    assert list(f["exporter"].astype(str)) == ["CHN", "DEU", "UNK:899", "USA", "CHN"]
    assert list(f["importer"].astype(str)) == ["USA", "USA", "USA", "CHN", "USA"]
    assert list(f["reporter"].astype(str)) == ["importer", "importer", "importer", "exporter", "exporter"]
    assert list(f["hs6"].astype(str)) == [
        "850760",
        "010121",
        "850760",
        "850760",
        "850760",
    ]  # leading zero kept
    assert list(f["value_usd"]) == [1000.5, 200.0, 50.0, 300.0, 900.0]  # primaryValue, USD
    # netWgt kg → t (2500 kg = 2.5 t); line 6 has no netWgt: qty 3 in its own unit "u".
    np.testing.assert_allclose(f["quantity"], [2.5, 3.0, 0.1, 0.6, 2.4])
    assert list(f["unit"].astype(str)) == ["t", "u", "t", "t", "t"]
    assert set(f["hs_version"].astype(str)) == {"HS2022"}
    assert list(f["source"].astype(str)) == [f"{NAME}:M"] * 3 + [f"{NAME}:X"] * 2
    assert set(f["year"]) == {2022}


def test_excluded_rows_are_counted_by_rule() -> None:
    res = read_comtrade(FIXTURE)
    assert dict(res.excluded) == {
        RULE_FLOW: 1,
        RULE_HS6: 2,
        RULE_WORLD: 1,
        RULE_BREAKDOWN["partner2Code"][0]: 1,
        RULE_BREAKDOWN["customsCode"][0]: 1,
        RULE_BREAKDOWN["motCode"][0]: 1,
    }
    _, rows = rows_of()
    assert len(res.flows) + sum(res.excluded.values()) == len(rows)


def test_unknown_partner_code_reported() -> None:
    res = read_comtrade(FIXTURE)
    unk = res.unknown_codes
    assert len(unk) == 1
    row = unk.iloc[0]
    assert (row["source"], row["role"], row["code"], row["name"]) == (
        f"{NAME}:M",
        "exporter",
        "899",
        "Areas, nes",
    )
    assert (row["rows"], row["value_usd"]) == (1, 50.0)


@pytest.mark.parametrize(("code", "version"), sorted(COMTRADE_HS_VERSIONS.items()))
def test_hs_version_from_classification(tmp_path: Path, code: str, version: str) -> None:
    header, rows = rows_of()
    for r in rows:
        r["classificationCode"] = code
    res = read_comtrade(write(tmp_path / "c.csv", header, rows))
    assert set(res.flows["hs_version"].astype(str)) == {version}


def test_tab_separated_gzip_and_bom_read_the_same(tmp_path: Path) -> None:
    header, rows = rows_of()
    base = read_comtrade(FIXTURE).flows
    tsv = read_comtrade(write(tmp_path / "final.txt.gz", header, rows, delimiter="\t")).flows
    bom = tmp_path / NAME
    bom.write_bytes(b"\xef\xbb\xbf" + FIXTURE.read_bytes())
    for other in (tsv, read_comtrade(bom).flows):
        cols = ["year", "exporter", "importer", "hs6", "value_usd", "quantity", "_row"]
        pd.testing.assert_frame_equal(
            other[cols].astype({c: str for c in ("exporter", "importer", "hs6")}),
            base[cols].astype({c: str for c in ("exporter", "importer", "hs6")}),
        )


@pytest.mark.parametrize(
    ("line", "changes", "field", "words"),
    [
        (6, {"primaryValue": "12a"}, "primaryValue", "not a number"),
        (6, {"primaryValue": ""}, "primaryValue", "value is missing"),
        (6, {"primaryValue": "-5"}, "primaryValue", "negative"),
        (6, {"partnerCode": ""}, "partnerCode", "country code is missing"),
        (6, {"refYear": "20x2"}, "refYear", "not a number"),
        (6, {"refYear": "22"}, "refYear", "not a year"),
        (6, {"classificationCode": "S4"}, "classificationCode", "not an HS classification"),
        (6, {"freqCode": "M"}, "freqCode", "only annual"),
        (6, {"netWgt": "heavy"}, "netWgt", "not a number"),
        (6, {"aggrLevel": "6", "cmdCode": "8507AB"}, "cmdCode", "not an HS6 code"),
    ],
)
def test_bad_row_names_file_line_and_field(
    tmp_path: Path, line: int, changes: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(DataError) as info:
        read_comtrade(edited(tmp_path, line, **changes))
    err = info.value
    assert (err.source, err.row, err.field) == ("edited.csv", line, field)
    assert words in str(err)


def test_wrong_number_of_columns(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ",extra\n"
    path = tmp_path / "extra.csv"
    path.write_text("".join(lines))
    with pytest.raises(DataError) as info:
        read_comtrade(path)
    assert info.value.row == 5 and "expected 47 columns, found 48" in str(info.value)


def test_missing_column_and_conflicting_iso(tmp_path: Path) -> None:
    header, rows = rows_of()
    header.remove("primaryValue")
    for r in rows:
        del r["primaryValue"]
    with pytest.raises(DataError) as info:
        read_comtrade(write(tmp_path / "nocol.csv", header, rows))
    assert (info.value.row, info.value.field) == (1, "primaryValue")
    with pytest.raises(DataError) as info:
        read_comtrade(edited(tmp_path, 11, reporterISO="CHX"))  # CHN (156) is partner on lines 2 and 9
    assert (info.value.row, info.value.field) == (11, "reporterISO")
    assert "156 is CHX here but CHN" in str(info.value)


def test_warehouse_load_reload_and_bad_file(tmp_path: Path) -> None:
    header, rows = rows_of()
    imports_only = write(tmp_path / "imports.csv", header, [r for r in rows if r["flowCode"] == "M"])
    res = read_comtrade(imports_only)
    assert res.source == "imports.csv:M"
    wh = Warehouse.open(":memory:")
    wh.load({"trade_flows": res.flows}, source=res.source, checksum=res.checksum)
    wh.load({"trade_flows": res.flows}, source=res.source, checksum=res.checksum)
    assert wh.count("trade_flows") == 3
    assert store(wh, read_comtrade(FIXTURE)) == {f"{NAME}:M": 3, f"{NAME}:X": 2}
    assert store(wh, read_comtrade(FIXTURE)) == {f"{NAME}:M": 3, f"{NAME}:X": 2}
    assert wh.count("trade_flows") == 8
    before = wh.query("SELECT * FROM trade_flows ORDER BY ALL")
    with pytest.raises(DataError):
        store(wh, read_comtrade(edited(tmp_path, 9, primaryValue="n/a")))
    pd.testing.assert_frame_equal(wh.query("SELECT * FROM trade_flows ORDER BY ALL"), before)


def test_mirror_pairs_hand_discrepancy() -> None:
    pairs = mirror_pairs(read_comtrade(FIXTURE).flows)
    assert len(pairs) == 1  # only CHN→USA 850760 is reported by both sides
    p = pairs.iloc[0]
    assert (p["exporter"], p["importer"], p["hs6"]) == ("CHN", "USA", "850760")
    assert (p["importer_value_usd"], p["exporter_value_usd"]) == (1000.5, 900.0)
    assert p["discrepancy"] == pytest.approx((1000.5 - 900.0) / 1000.5)


def test_mirror_pairs_edge_cases() -> None:
    key = {"year": 2022, "exporter": "CHN", "importer": "USA", "hs_version": "HS2022"}
    flows = pd.DataFrame(
        [
            {**key, "hs6": "000001", "value_usd": 0.0, "reporter": "importer", "source": "a:M"},
            {**key, "hs6": "000001", "value_usd": 0.0, "reporter": "exporter", "source": "a:X"},
            {**key, "hs6": "000002", "value_usd": 50.0, "reporter": "importer", "source": "a:M"},
            {**key, "hs6": "000002", "value_usd": 200.0, "reporter": "exporter", "source": "a:X"},
            {**key, "hs6": "000003", "value_usd": 7.0, "reporter": "reconciled", "source": "baci"},
        ]
    )
    pairs = mirror_pairs(flows)
    assert list(pairs["hs6"]) == ["000001", "000002"]
    assert list(pairs["discrepancy"]) == [0.0, 0.75]  # |50-200|/200
    dup = pd.concat([flows, flows.iloc[[2]].assign(source="b:M")], ignore_index=True)
    with pytest.raises(DataError, match="several importer-reported rows"):
        mirror_pairs(dup)
    with pytest.raises(DataError) as info:
        mirror_pairs(flows.drop(columns="reporter"))
    assert info.value.field == "reporter"


def test_empty_line_is_an_error_not_a_silent_exclusion(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    path = tmp_path / "blank.csv"
    path.write_text("".join([*lines[:3], "\n", *lines[3:]]))
    with pytest.raises(DataError) as info:
        read_comtrade(path)
    assert (info.value.row, info.value.field) == (4, "flowCode")


def test_file_with_no_hs6_partner_rows_gives_an_empty_result(tmp_path: Path) -> None:
    header, rows = rows_of()
    world = write(tmp_path / "world.csv", header, [r for r in rows if r["partnerCode"] == "0"])
    res = read_comtrade(world)
    assert res.flows.empty and res.unknown_codes.empty
    assert res.source == "world.csv" and dict(res.excluded) == {RULE_WORLD: 1}
    wh = Warehouse.open(":memory:")
    assert store(wh, res) == {"world.csv": 0}
