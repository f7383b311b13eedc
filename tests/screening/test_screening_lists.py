"""List loaders on mock files in the published formats, the bundled lists, and bad input."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.data.schema import table
from supplyscope.errors import DataError
from supplyscope.screening import bundled_meta, load_list
from supplyscope.screening.bundle import bundled_entities
from supplyscope.screening.lists import csl_list_code, infer_sdn_country

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "screening"
COLUMNS = table("screening_entities").column_names


def row(df: pd.DataFrame, entity_id: str) -> pd.Series:
    hits = df[df["entity_id"] == entity_id]
    assert len(hits) == 1, f"{entity_id} not found once"
    return hits.iloc[0]


def test_sdn_csv_with_alt_and_add_files(data_dir: Path) -> None:
    load = load_list(data_dir / "sdn" / "sdn.csv", "sdn-csv")
    df = load.frame
    assert list(df.columns[: len(COLUMNS)]) == COLUMNS
    assert len(df) == 3  # the trailing EOF (0x1a) line is not an entry
    bnc = row(df, "SDN:306")
    assert bnc["aliases"] == ["BNC", "NATIONAL BANK OF CUBA"]  # remarks a.k.a. + alt.csv, deduplicated
    assert bnc["addresses"] == ["Avenida de la Independencia, Havana, Cuba"]
    assert bnc["country"] == "CUB"
    person = row(df, "SDN:99001")
    assert person["programs"] == ["GLOMAG", "UKRAINE-EO13660"]
    assert person["country"] == "UKR"  # from "nationality Ukraine" in the remarks
    assert row(df, "SDN:36")["aliases"] == ["AERO-CARIBBEAN"]


def test_sdn_xml(data_dir: Path) -> None:
    load = load_list(data_dir / "sdn.xml", "sdn-xml")
    assert load.version == "2024-05-03"
    df = load.frame
    assert row(df, "SDN:306")["aliases"] == ["BNC", "NATIONAL BANK OF CUBA"]
    assert row(df, "SDN:99001")["name"] == "EXAMPLE, Ivan Testovich"
    assert row(df, "SDN:99001")["country"] == "UKR"


@pytest.mark.parametrize("name", ["consolidated.csv", "consolidated.json"])
def test_csl_csv_and_json_give_the_same_rows(data_dir: Path, name: str) -> None:
    df = load_list(data_dir / name, "csl").frame
    assert sorted(df["entity_id"]) == ["EL:a1b2c3", "SDN:306"]
    el = row(df, "EL:a1b2c3")
    assert el["list"] == "EL"
    assert el["country"] == "CHN"
    assert el["listed_on"] == date(2019, 8, 19)
    assert "广州海格通信集团股份有限公司" in el["aliases"]
    assert row(df, "SDN:306")["programs"] == ["CUBA"]


def test_ftm_lines_skip_non_parties_and_count_them(data_dir: Path) -> None:
    load = load_list(data_dir / "entities.ftm.json", "ftm")
    assert len(load.frame) == 2
    assert load.skipped == [(3, "schema Sanction is not a party")]
    haige = row(load.frame, "FTM:NK-ftm-haige")
    assert haige["country"] == "CHN" and haige["list"] == "us_bis_entity"
    assert haige["listed_on"] == date(2019, 8, 19)
    assert row(load.frame, "FTM:ofac-306")["listed_on"] == date(2024, 5, 3)  # from first_seen


def test_csl_list_code() -> None:
    assert csl_list_code("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert csl_list_code("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"


def test_infer_sdn_country_prefers_nationality() -> None:
    remarks = "DOB 1960; nationality Russia; Passport 123 (Cyprus); Tax ID No. 77 (Cyprus)."
    assert infer_sdn_country(remarks)[0] == "RUS"
    assert infer_sdn_country("Tax ID No. 1 (China); Registration 2 (China); C.R. 3 (Hong Kong)")[0] == "CHN"


# ----------------------------------------------------------------- bundled real lists


def test_bundled_sdn_matches_the_source_file() -> None:
    if not SHARED.exists():
        pytest.skip("shared data not present")
    with gzip.open(SHARED / "ofac_sdn_2024-05-03.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        src = [r for r in csv.DictReader(fh) if r["ent_num"].strip().isdigit()]
    df = bundled_entities()
    sdn = df[df["list"] == "SDN"]
    assert len(sdn) == len(src) == bundled_meta()["SDN"]["entries"]
    by_id = dict(zip(sdn["entity_id"], sdn["name"], strict=True))
    for r in src[:: max(1, len(src) // 200)]:
        assert by_id[f"SDN:{r['ent_num'].strip()}"] == r["sdn_name"].strip()


def test_bundled_uflpa_is_flagged_partial() -> None:
    meta = bundled_meta()["UFLPA"]
    with bundled("screening/PROVENANCE.md").open(encoding="utf-8") as fh:
        provenance = fh.read()
    assert meta["partial"] is True and meta["entries"] < meta["expected_entries"]
    assert "PARTIAL" in meta["caveat"] and "PARTIAL" in provenance
    if SHARED.exists():
        with (SHARED / "uflpa_entity_list_v2.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert meta["entries"] == len(rows)  # the fuller v2 file, every row
        df = bundled_entities()
        u = df[df["list"] == "UFLPA"].set_index("name")
        for r in rows:  # each entry keeps its listing date and FR document from the source row
            e = u.loc[r["name"]]
            assert (str(e["listed_on"])[:10] if e["listed_on"] is not None else "") == r["added_on"]
            assert (f"FR:{r['fr_document']}" in list(e["identifiers"])) == bool(r["fr_document"])


def test_bundled_frames_fit_the_canonical_table() -> None:
    from supplyscope.data.validate import problems

    df = bundled_entities()
    assert problems(df, table("screening_entities")) == []
    assert df["entity_id"].is_unique


# ----------------------------------------------------------------- bad input


def test_wrong_field_count_names_file_and_row(tmp_path: Path) -> None:
    f = tmp_path / "sdn.csv"
    f.write_text('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_list(f, "sdn-csv")
    assert err.value.row == 1 and err.value.source == str(f)


def test_bad_encoding_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "consolidated.csv"
    header = (Path(__file__).parent / "data" / "consolidated.csv").read_bytes().split(b"\n")[0]
    f.write_bytes(header + b"\n" + b"x,Entity List (EL) - BIS,1,Entity,,Soci\xe9t\xe9 X" + b"," * 23 + b"\n")
    with pytest.raises(DataError) as err:
        load_list(f, "csl")
    assert err.value.row == 2 and err.value.field == "encoding"


def test_missing_csl_column(tmp_path: Path) -> None:
    f = tmp_path / "consolidated.csv"
    f.write_text("source,name\nEntity List (EL),X\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_list(f, "csl")
    assert err.value.field == "entity_number" and err.value.row == 1


def test_malformed_csv_quote(tmp_path: Path) -> None:
    f = tmp_path / "uflpa.csv"
    f.write_text('name,aliases,list_section,date_added,source\n"Unclosed, Ltd,,,2024-01-01,x\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_list(f, "uflpa")
    assert err.value.source == str(f) and err.value.row is not None


def test_bad_date_names_the_field(tmp_path: Path) -> None:
    f = tmp_path / "uflpa.csv"
    f.write_text("name,aliases,list_section,date_added,source\nX Co Ltd,,,31/31/2024,x\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_list(f, "uflpa")
    assert (err.value.row, err.value.field) == (2, "date_added")


def test_malformed_json_line(tmp_path: Path) -> None:
    f = tmp_path / "x.ftm.json"
    f.write_text(json.dumps({"id": "a", "schema": "Company", "properties": {"name": ["A"]}}) + "\n{oops\n")
    with pytest.raises(DataError) as err:
        load_list(f, "ftm")
    assert err.value.row == 2


def test_duplicate_entity_id(tmp_path: Path) -> None:
    f = tmp_path / "x.ftm.json"
    line = json.dumps({"id": "a", "schema": "Company", "properties": {"name": ["A"]}})
    f.write_text(line + "\n" + line + "\n")
    with pytest.raises(DataError) as err:
        load_list(f, "ftm")
    assert (err.value.row, err.value.field) == (2, "entity_id")
