"""CEPII BACI loader on tiny mock releases written in the real layout (mock figures, not real trade)."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyscope.data.sources.baci import iter_baci, read_baci
from supplyscope.data.sources.countrycodes import read_baci_country_codes
from supplyscope.data.sources.loadresult import store
from supplyscope.data.warehouse import Warehouse
from supplyscope.errors import DataError, NotFoundError

COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "4,Afghanistan,AF,AFG\n"
    "156,China,CN,CHN\n"
    "251,France,FR,FRA\n"
    '490,"Other Asia, nes",,S19\n'
    "842,USA,US,USA\n"
    "899,Not elsewhere specified,,\n"
)
PRODUCTS = 'code,description\n010121,"Horses: live, pure-bred breeding animals"\n850760,Lithium-ion accumulators\n'
# Values in thousands of USD, as BACI publishes them; q padded "NA" as in real releases.
Y2022 = (
    "t,i,j,k,v,q\n"
    "2022,156,842,850760,   1234.567,   210.5\n"
    "2022,251,842,10121,       2.5,           NA\n"
    "2022,842,490,850760,      0.001,       0.002\n"
    "2022,899,4,850760,       10,       1\n"
    "2022,777,156,10121,        3,\n"
)
Y2021 = "t,i,j,k,v,q\n2021,156,842,850760,1000,200\n"


def make_zip(
    folder: Path,
    *,
    hs: str = "22",
    version: str = "202501",
    years: dict[int, str] | None = None,
    countries: str | bytes = COUNTRIES,
) -> Path:
    years = {2022: Y2022, 2021: Y2021} if years is None else years
    path = folder / f"BACI_HS{hs}_V{version}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"country_codes_V{version}.csv", countries)
        zf.writestr(f"product_codes_HS{hs}_V{version}.csv", PRODUCTS)
        for year, text in years.items():
            zf.writestr(f"BACI_HS{hs}_Y{year}_V{version}.csv", text)
    return path


def test_one_year_hand_values(tmp_path: Path) -> None:
    res = read_baci(make_zip(tmp_path), years=[2022])
    f = res.flows
    assert res.source == "BACI_HS22_V202501:2022"
    assert list(f["_row"]) == [2, 3, 4, 5, 6]
    assert list(f["exporter"].astype(str)) == ["CHN", "FRA", "USA", "UNK:899", "UNK:777"]
    assert list(f["importer"].astype(str)) == ["USA", "USA", "S19", "AFG", "CHN"]
    # k=10121 lost its leading zero in the CSV; the canonical code has it back.
    assert list(f["hs6"].astype(str)) == ["850760", "010121", "850760", "850760", "010121"]
    # v is in thousands of USD: 1234.567 → 1,234,567 USD; 0.001 → 1 USD.
    np.testing.assert_allclose(f["value_usd"], [1_234_567.0, 2_500.0, 1.0, 10_000.0, 3_000.0])
    q = f["quantity"].to_numpy()
    assert q[0] == 210.5 and q[2] == 0.002 and np.isnan(q[1]) and np.isnan(q[4])
    assert list(f["unit"].astype(object).where(f["unit"].notna(), None)) == ["t", None, "t", "t", None]
    assert set(f["hs_version"].astype(str)) == {"HS2022"}
    assert set(f["reporter"].astype(str)) == {"reconciled"}
    assert set(f["year"]) == {2022}
    assert f["duty_usd"].isna().all()
    assert res.products["010121"].startswith("Horses")


def test_unknown_codes_are_kept_and_reported(tmp_path: Path) -> None:
    res = read_baci(make_zip(tmp_path), years=[2022])
    unk = res.unknown_codes.sort_values("code").reset_index(drop=True)
    assert list(unk["code"]) == ["777", "899"]
    assert list(unk["role"]) == ["exporter", "exporter"]
    assert list(unk["rows"]) == [1, 1]
    assert list(unk["value_usd"]) == [3_000.0, 10_000.0]
    assert unk.loc[1, "name"] == "Not elsewhere specified"  # in the list but without ISO3
    assert pd.isna(unk.loc[0, "name"])  # absent from the list
    assert len(res.flows) == 5  # nothing dropped


def test_checksum_is_sha256_of_the_zip(tmp_path: Path) -> None:
    path = make_zip(tmp_path)
    res = read_baci(path)
    assert res.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert res.source == "BACI_HS22_V202501"
    assert res.sources() == ["BACI_HS22_V202501:2021", "BACI_HS22_V202501:2022"]
    assert len(res.flows) == 6


@pytest.mark.parametrize(
    ("hs", "expected"),
    [
        ("92", "HS1992"),
        ("96", "HS1996"),
        ("02", "HS2002"),
        ("07", "HS2007"),
        ("12", "HS2012"),
        ("17", "HS2017"),
    ],
)
def test_hs_version_from_file_name(tmp_path: Path, hs: str, expected: str) -> None:
    res = read_baci(make_zip(tmp_path, hs=hs, years={2021: Y2021}))
    assert set(res.flows["hs_version"].astype(str)) == {expected}
    assert res.source == f"BACI_HS{hs}_V202501:2021"


def test_older_country_code_columns_and_latin1(tmp_path: Path) -> None:
    old = (
        "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n"
        "156,China,China,CN,CHN\n"
        "384,Côte d'Ivoire,Côte d'Ivoire,CI,CIV\n"
        "842,USA,United States of America,US,USA\n"
    ).encode("latin-1")
    text = "t,i,j,k,v,q\n2019,384,842,180100,5,2\n2019,156,842,850760,1,1\n"
    res = read_baci(make_zip(tmp_path, hs="17", version="202102", years={2019: text}, countries=old))
    assert list(res.flows["exporter"].astype(str)) == ["CIV", "CHN"]
    assert res.unknown_codes.empty
    codes = read_baci_country_codes(old, "c.csv")
    assert codes.name(384) == "Côte d'Ivoire"


def test_directory_and_single_csv(tmp_path: Path) -> None:
    folder = tmp_path / "extracted"
    folder.mkdir()
    with zipfile.ZipFile(make_zip(tmp_path)) as zf:
        zf.extractall(folder)
    from_dir = read_baci(folder, years=[2022])
    from_zip = read_baci(tmp_path / "BACI_HS22_V202501.zip", years=[2022])
    pd.testing.assert_frame_equal(from_dir.flows, from_zip.flows)
    csv_path = folder / "BACI_HS22_Y2022_V202501.csv"
    single = read_baci(csv_path)
    assert single.checksum == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    pd.testing.assert_frame_equal(single.flows, from_zip.flows)


def test_missing_year_and_missing_dictionary(tmp_path: Path) -> None:
    path = make_zip(tmp_path)
    with pytest.raises(NotFoundError, match="2019"):
        read_baci(path, years=[2019])
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "BACI_HS22_Y2022_V202501.csv").write_text(Y2022)
    with pytest.raises(DataError, match="country_codes"):
        read_baci(bare)


def test_two_releases_in_one_folder_refused(tmp_path: Path) -> None:
    (tmp_path / "BACI_HS22_Y2022_V202501.csv").write_text(Y2022)
    (tmp_path / "BACI_HS17_Y2022_V202501.csv").write_text(Y2022)
    with pytest.raises(DataError, match="several BACI releases"):
        read_baci(tmp_path)


GOOD = "2022,156,842,850760,1,1\n"


@pytest.mark.parametrize(
    ("bad_line", "field", "words"),
    [
        ("2022,156,842,850760,abc,1\n", "v", "not a number"),
        ("2022,156,842,850760,,1\n", "v", "value is missing"),
        ("2022,156,842,850760,-4,1\n", "v", "negative"),
        ("2022,156,842,850760,1,lots\n", "q", "not a number"),
        ("2022,,842,850760,1,1\n", "i", "country code is missing"),
        ("2022,156,842,,1,1\n", "k", "product code is missing"),
        ("2022,156,842,1234567,1,1\n", "k", "not an HS6"),
        ("2021,156,842,850760,1,1\n", "t", "does not match 2022"),
        ("20x2,156,842,850760,1,1\n", "t", "not a number"),
        ("\n", "t", "empty line"),
        ("2022,156,842,850760,1,1,9\n", None, "expected 6 columns, found 7"),
        ("2022,156,842,850760,1\n", None, "expected 6 columns, found 5"),
    ],
)
def test_bad_row_names_file_line_and_field(tmp_path: Path, bad_line: str, field: str | None, words: str) -> None:
    text = "t,i,j,k,v,q\n" + GOOD + "2022,842,156,850760,1,1\n" + bad_line + "2022,4,842,10121,1,1\n"
    path = make_zip(tmp_path, years={2022: text})
    with pytest.raises(DataError) as info:
        read_baci(path)
    err = info.value
    assert err.source == "BACI_HS22_Y2022_V202501.csv"
    assert err.row == 4
    assert err.field == field
    assert words in str(err)


def test_wrong_header(tmp_path: Path) -> None:
    path = make_zip(tmp_path, years={2022: "year,i,j,k,v,q\n" + GOOD})
    with pytest.raises(DataError) as info:
        read_baci(path)
    assert info.value.row == 1 and info.value.field == "t"


def test_warehouse_load_reload_and_atomic_failure(tmp_path: Path) -> None:
    res = read_baci(make_zip(tmp_path), years=[2022])
    wh = Warehouse.open(":memory:")
    wh.load({"trade_flows": res.flows}, source=res.source, checksum=res.checksum)
    assert wh.count("trade_flows") == 5
    wh.load({"trade_flows": res.flows}, source=res.source, checksum=res.checksum)
    assert wh.count("trade_flows") == 5  # replaced, not duplicated
    total = wh.query("SELECT sum(value_usd) AS v FROM trade_flows")["v"].iloc[0]
    assert total == pytest.approx(1_234_567 + 2_500 + 1 + 10_000 + 3_000)
    stored = wh.query("SELECT hs6, exporter FROM trade_flows WHERE importer = 'USA' ORDER BY hs6")
    assert list(stored["hs6"]) == ["010121", "850760"]

    # A bad file never reaches the warehouse.
    (tmp_path / "bad").mkdir()
    bad = make_zip(tmp_path / "bad", years={2022: Y2022 + "x\n"})
    with pytest.raises(DataError):
        read_baci(bad)
    # A bad frame for the same source (duplicate keys) is refused as a whole; old rows stay.
    doubled = pd.concat([res.flows.astype({c: str for c in ("exporter", "importer", "hs6")})] * 2, ignore_index=True)
    with pytest.raises(DataError, match="duplicate key"):
        wh.load({"trade_flows": doubled}, source=res.source, checksum="x")
    assert wh.count("trade_flows") == 5
    log = wh.query("SELECT source, checksum, rows FROM load_log")
    assert list(log["checksum"]) == [res.checksum] and list(log["rows"]) == [5]


def test_store_loads_each_year_as_its_own_source(tmp_path: Path) -> None:
    res = read_baci(make_zip(tmp_path))
    wh = Warehouse.open(":memory:")
    assert store(wh, res) == {"BACI_HS22_V202501:2021": 1, "BACI_HS22_V202501:2022": 5}
    store(wh, res)
    assert wh.count("trade_flows") == 6
    log = wh.query("SELECT source FROM load_log ORDER BY source")
    assert list(log["source"]) == ["BACI_HS22_V202501:2021", "BACI_HS22_V202501:2022"]


# --- independent reference: the csv module and plain Python on random (synthetic) rows ---------------

CODES = {4: "AFG", 156: "CHN", 251: "FRA", 490: "S19", 842: "USA"}


def reference(text: str) -> list[tuple[str, str, str, float, float | None]]:
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        q = row["q"].strip()
        out.append(
            (
                CODES.get(int(row["i"]), f"UNK:{int(row['i'])}"),
                CODES.get(int(row["j"]), f"UNK:{int(row['j'])}"),
                row["k"].strip().rjust(6, "0"),
                float(row["v"]) * 1000,
                None if q in ("", "NA") else float(q),
            )
        )
    return out


row_strategy = st.tuples(
    st.sampled_from([4, 156, 251, 490, 842, 999]),
    st.sampled_from([4, 156, 251, 490, 842, 5]),
    st.integers(min_value=10101, max_value=999999),
    st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda x: round(x, 3)),
    st.one_of(st.just("NA"), st.just(""), st.floats(min_value=0, max_value=1e6).map(lambda x: f"{x:.3f}")),
    st.integers(min_value=0, max_value=8),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row_strategy, min_size=1, max_size=30, unique_by=lambda r: (r[0], r[1], r[2])))
def test_matches_plain_python_reference(tmp_path: Path, rows: list[tuple[int, int, int, float, str, int]]) -> None:
    lines = ["t,i,j,k,v,q"]
    for i, j, k, v, q, pad in rows:
        lines.append(f"2020,{i},{j},{k},{' ' * pad}{v},{' ' * pad}{q}")
    text = "\n".join(lines) + "\n"
    folder = tmp_path / f"h{abs(hash(text))}"
    folder.mkdir()
    res = read_baci(make_zip(folder, years={2020: text}))
    f = res.flows
    got = list(
        zip(
            f["exporter"].astype(str),
            f["importer"].astype(str),
            f["hs6"].astype(str),
            f["value_usd"],
            [None if np.isnan(x) else x for x in f["quantity"]],
            strict=True,
        )
    )
    assert got == reference(text)  # same decimal strings parsed twice: exact equality
    unknown_value = sum(v * 1000 for i, _j, _k, v, _q, _p in rows if i not in CODES)
    reported = res.unknown_codes.query("role == 'exporter'")["value_usd"].sum()
    assert reported == pytest.approx(unknown_value)


def test_empty_year_selection_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_baci(make_zip(tmp_path), years=[])
    assert info.value.field == "years"


def test_iter_baci_gives_one_loadable_result_per_year(tmp_path: Path) -> None:
    path = make_zip(tmp_path)
    parts = list(iter_baci(path))
    assert [p.source for p in parts] == ["BACI_HS22_V202501:2021", "BACI_HS22_V202501:2022"]
    whole = read_baci(path)
    assert sum(len(p.flows) for p in parts) == len(whole.flows)
    wh = Warehouse.open(":memory:")
    for part in parts:
        wh.load({"trade_flows": part.flows}, source=part.source, checksum=part.checksum)
    assert wh.count("trade_flows") == 6
    total = wh.query("SELECT sum(value_usd) AS v FROM trade_flows")["v"].iloc[0]
    assert total == pytest.approx(whole.flows["value_usd"].sum())
