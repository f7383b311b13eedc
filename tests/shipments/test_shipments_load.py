"""Loading shipment files: normalisation, and all-or-nothing validation naming file, row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from supplyscope.errors import DataError
from supplyscope.shipments import (
    COLUMNS,
    Shipment,
    find_problems,
    read_shipments,
    stage_shipments,
    to_table,
    validate_table,
)

DATA = Path(__file__).parent / "data"
SMALL = DATA / "shipments_small.csv"


def _lines() -> list[str]:
    return SMALL.read_text().splitlines()


def _write(tmp_path: Path, lines: list[str], name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _edit(line: str, column: str, value: str) -> str:
    # the fixture's quoted fields contain commas; rebuild the row with pandas to edit one cell safely
    row = pd.read_csv(pd.io.common.StringIO(_lines()[0] + "\n" + line), dtype=str, keep_default_na=False)
    row.loc[0, column] = value
    return str(row.to_csv(index=False, header=False)).strip()


def test_reads_and_normalises_the_fixture() -> None:
    t = read_shipments(SMALL).to_pandas()
    assert len(t) == 10
    assert t.columns.tolist() == list(COLUMNS)
    first = t.iloc[0]
    assert first["hts10"] == "6110202079"  # dots removed
    assert first["entry_date"] == date(2024, 6, 3)
    assert first["de_minimis_claimed"] is True or bool(first["de_minimis_claimed"]) is True
    assert sorted(t["mode"].unique()) == ["air", "express", "mail", "ocean", "truck"]
    assert t["value_usd"].sum() == pytest.approx(3850.01)
    assert t.loc[t["shipment_id"] == "S10", "de_minimis_claimed"].item() is False or not bool(
        t.loc[t["shipment_id"] == "S10", "de_minimis_claimed"].item()
    )
    assert pd.isna(t.loc[t["shipment_id"] == "S03", "consignee_address"].item())


@pytest.mark.parametrize(
    ("line_index", "column", "value", "message"),
    [
        (3, "entry_date", "2024-13-40", "not a date"),
        (2, "mode", "rail", "mode must be one of"),
        (5, "value_usd", "-3", "non-negative"),
        (5, "value_usd", "12,5", "non-negative"),
        (7, "origin", "XXX", "ISO 3166"),
        (4, "hts10", "6110.20", "10-digit"),
        (9, "de_minimis_claimed", "maybe", "not a boolean"),
        (1, "shipper_name", "", "required"),
        (6, "shipper_country", "Germany", "ISO 3166"),
    ],
)
def test_bad_cell_names_file_row_and_column(
    tmp_path: Path, line_index: int, column: str, value: str, message: str
) -> None:
    lines = _lines()
    lines[line_index] = _edit(lines[line_index], column, value)
    path = _write(tmp_path, lines)
    with pytest.raises(DataError, match=message) as err:
        read_shipments(path)
    assert err.value.source == str(path)
    assert err.value.row == line_index + 1  # CSV line number: header is line 1
    assert err.value.field == column
    # all or nothing: staging writes no file
    out = tmp_path / "staged.parquet"
    with pytest.raises(DataError):
        stage_shipments(path, out)
    assert not out.exists()


def test_duplicate_id_points_at_the_second_occurrence(tmp_path: Path) -> None:
    lines = _lines()
    lines[6] = _edit(lines[6], "shipment_id", "S02")
    with pytest.raises(DataError, match="duplicate shipment_id 'S02'") as err:
        read_shipments(_write(tmp_path, lines))
    assert (err.value.row, err.value.field) == (7, "shipment_id")


def test_every_problem_is_reported_with_counts(tmp_path: Path) -> None:
    lines = _lines()
    lines[2] = _edit(lines[2], "mode", "rail")
    lines[8] = _edit(lines[8], "mode", "bike")
    lines[8] = _edit(lines[8], "value_usd", "abc")
    found = find_problems(_write(tmp_path, lines))
    by_field = {p.field: p for p in found}
    assert by_field["mode"].row == 3 and by_field["mode"].count == 2
    assert by_field["value_usd"].row == 9 and by_field["value_usd"].count == 1
    assert find_problems(SMALL) == []


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    frame = pd.read_csv(SMALL, dtype=str)
    frame.drop(columns=["origin"]).to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(DataError, match="column is missing") as err:
        read_shipments(tmp_path / "a.csv")
    assert err.value.field == "origin"
    frame.assign(weight_kg="1").to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(DataError, match="unknown column") as err:
        read_shipments(tmp_path / "b.csv")
    assert err.value.field == "weight_kg"
    # optional columns may be left out entirely
    frame.drop(columns=["shipper_country", "consignee_address"]).to_csv(tmp_path / "c.csv", index=False)
    assert read_shipments(tmp_path / "c.csv").num_rows == 10


def test_ragged_csv_and_missing_file(tmp_path: Path) -> None:
    lines = _lines()
    lines[4] = lines[4] + ",extra"
    with pytest.raises(DataError, match="Expected Number of Columns: 13 Found: 14") as err:
        read_shipments(_write(tmp_path, lines))
    assert err.value.row == 5
    with pytest.raises(DataError, match="not found"):
        read_shipments(tmp_path / "none.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(DataError, match="unsupported file type"):
        read_shipments(tmp_path / "x.json")


def test_parquet_rows_are_record_numbers(tmp_path: Path) -> None:
    frame = pd.read_csv(SMALL, dtype=str)
    frame.loc[3, "value_usd"] = "-1"
    frame.to_parquet(tmp_path / "s.parquet")
    with pytest.raises(DataError) as err:
        read_shipments(tmp_path / "s.parquet")
    assert (err.value.row, err.value.field) == (4, "value_usd")


def test_typed_parquet_and_in_memory_tables_validate_the_same(tmp_path: Path) -> None:
    typed = read_shipments(SMALL)
    typed.to_pandas().to_parquet(tmp_path / "typed.parquet")
    again = read_shipments(tmp_path / "typed.parquet")
    assert again.equals(typed)
    ok = Shipment("X1", date(2024, 6, 3), "Mail", "4701", "A Co", "B", "6110.20.2079", 10.0, "chn", True)
    bad = Shipment("X2", date(2024, 6, 3), "mail", "4701", "A Co", "B", "6110202079", -1.0, "CHN", True)
    assert validate_table(to_table([ok])).to_pylist()[0]["origin"] == "CHN"
    with pytest.raises(DataError) as err:
        validate_table(to_table([ok, bad]), source="memory")
    assert (err.value.source, err.value.row, err.value.field) == ("memory", 2, "value_usd")


def _typed(tmp_path: Path) -> pd.DataFrame:
    frame = read_shipments(SMALL).to_pandas()
    assert str(frame["value_usd"].dtype) == "float64" and frame["de_minimis_claimed"].dtype == bool
    return frame


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value_usd", float("nan"), "non-negative"),
        ("value_usd", float("inf"), "non-negative"),
        ("value_usd", -0.5, "non-negative"),
        ("value_usd", None, "required"),
        ("entry_date", None, "required"),
        ("de_minimis_claimed", None, "required"),
    ],
)
def test_typed_parquet_columns_are_checked_without_text(
    tmp_path: Path, column: str, value: object, message: str
) -> None:
    table = pa.Table.from_pandas(_typed(tmp_path), preserve_index=False)
    values = table.column(column).to_pylist()
    values[6] = value
    i = table.schema.get_field_index(column)
    # from_pandas=False keeps NaN a NaN (pandas would store it as null)
    table = table.set_column(i, column, pa.array(values, table.schema.field(i).type, from_pandas=False))
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    assert str(table.schema.field(i).type) in ("double", "date32[day]", "bool")
    found = find_problems(path)
    assert [(p.row, p.field) for p in found] == [(7, column)]
    assert message in found[0].message
    out = tmp_path / "staged.parquet"
    with pytest.raises(DataError) as err:
        stage_shipments(path, out)
    assert (err.value.row, err.value.field) == (7, column)
    assert not out.exists()  # written in the checking pass, removed on refusal


def test_staging_typed_parquet_and_csv_give_the_same_rows(tmp_path: Path) -> None:
    typed = tmp_path / "typed.parquet"
    _typed(tmp_path).to_parquet(typed)
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert stage_shipments(SMALL, a) == stage_shipments(typed, b) == 10
    from_csv, from_typed = pd.read_parquet(a), pd.read_parquet(b)
    pd.testing.assert_frame_equal(from_csv[list(COLUMNS)], from_typed[list(COLUMNS)])
    assert (from_csv["_bad"] == 0).all() and from_typed["_row"].tolist() == list(range(1, 11))
