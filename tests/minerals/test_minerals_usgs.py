"""USGS MCS loader: raw markers, country codes, all-or-nothing errors, canonical production rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from supplyscope.data.paths import bundled
from supplyscope.data.sources.usgs import MCS_FILE
from supplyscope.data.sources.usgs_mcs import (
    OTHER,
    WORLD,
    country_code,
    parse_value,
    read_mcs_world,
    read_stage_table,
    to_production,
)
from supplyscope.errors import DataError

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("raw", "value", "status"),
    [
        ("12,000", 12000.0, "reported"),
        ("839000", 839000.0, "reported"),
        ("W", None, "withheld"),
        ("—", 0.0, "zero"),
        ("NA", None, "not_available"),
        (">85,000,000", 85_000_000.0, "lower_bound"),
        ("( )", None, "in_world_total"),
        ("Small", None, "small"),
        ("", None, "missing"),
    ],
)
def test_markers(raw: str, value: float | None, status: str) -> None:
    parsed = parse_value(raw)
    assert parsed.value == value
    assert parsed.status == status


def test_withheld_is_never_zero() -> None:
    assert parse_value("W").value is None


@pytest.mark.parametrize("raw", ["about 5", "1,00", "5e3", "W*"])
def test_bad_cell_raises(raw: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_value(raw)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Congo (Kinshasa)", ("COD", "country")),
        ("Burma", ("MMR", "country")),
        ("Korea, Republic of", ("KOR", "country")),
        ("Korea, North", ("PRK", "country")),
        ("Other countries", (OTHER, "other")),
        ("World total (rounded)", (WORLD, "world")),
        ("Australia", ("AUS", "country")),
        ("Côte d’Ivoire", ("CIV", "country")),
    ],
)
def test_country_codes(label: str, expected: tuple[str, str]) -> None:
    assert country_code(label) == expected


def test_should_not_match() -> None:
    assert country_code("Narnia") is None
    assert country_code("Korea") is None


def test_bundled_table_loads_every_cell() -> None:
    raw = pq.read_table(bundled(MCS_FILE)).to_pylist()
    long = read_mcs_world()
    # every non-empty value cell of the source is one row of the long frame
    cells = sum(
        1
        for r in raw
        for c in ("production_prev_raw", "production_latest_raw", "reserves_raw", "capacity_latest_raw")
        if r[c].strip()
    )
    assert len(long) == cells
    assert set(long["_row"]) == set(range(2, len(raw) + 2))
    withheld = long[long["status"] == "withheld"]
    assert withheld["amount"].isna().all()
    assert {("lithium", "USA")} <= set(zip(withheld["mineral"], withheld["country"], strict=True))


def test_vanadium_units_differ() -> None:
    long = read_mcs_world()
    v = long[(long["mineral"] == "vanadium") & (long["country"] == "CHN")]
    units = dict(zip(v["measure"], v["unit"], strict=False))
    assert units["reserves"] == "thousand metric tons"
    assert units["production"] == "metric tons vanadium content"


def test_copper_is_refining_stage() -> None:
    long = read_mcs_world()
    cu = long[(long["mineral"] == "copper") & (long["measure"] == "production")]
    assert set(cu["stage"]) == {"refining"}


def test_unknown_country_names_file_row_field() -> None:
    with pytest.raises(DataError) as err:
        read_mcs_world(DATA / "mcs_bad_country.csv")
    assert err.value.row == 3
    assert err.value.field == "country"
    assert "Narnia" in str(err.value)
    assert "mcs_bad_country.csv" in str(err.value)


def test_to_production_is_canonical() -> None:
    prod = to_production(read_mcs_world())
    assert list(prod.columns) == ["year", "country", "commodity", "stage", "amount", "unit", "status", "source"]
    assert prod.loc[prod["amount"].isna(), "status"].ne("reported").all()  # markers are kept, never zero
    raw = pq.read_table(bundled(MCS_FILE)).to_pylist()
    expected = sum(1 for r in raw for c in ("production_prev_raw", "production_latest_raw") if r[c].strip())
    assert len(prod) == expected


def test_stage_table_loader() -> None:
    """Uses a synthetic fixture (labelled so in the file)."""
    long = read_stage_table(DATA / "synthetic_stage_table.csv")
    assert list(long["country"]) == ["CHN", "MYS", "USA", OTHER, WORLD]
    assert long.loc[long["country"] == "USA", "status"].item() == "withheld"
    assert long.loc[long["country"] == WORLD, "amount"].item() == 1000.0


@pytest.mark.parametrize(
    ("name", "row", "field"),
    [
        ("synthetic_bad_stage.csv", 3, "country"),
        ("synthetic_bad_amount.csv", 2, "amount"),
        ("synthetic_bad_stage_name.csv", 2, "stage"),
    ],
)
def test_stage_table_errors(name: str, row: int, field: str) -> None:
    with pytest.raises(DataError) as err:
        read_stage_table(DATA / name)
    assert (err.value.row, err.value.field) == (row, field)
    assert name in str(err.value)
