"""`supplyscope screen` and `supplyscope lists`: the JSON contract, output CSV, audit, bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.errors import DataError

runner = CliRunner()

SUPPLIERS = """name,country,address
XINJIANG ZHONGTAI CHEM CO,China,"Room 1, Urumqi"
,CN,
Acme Widgets Incorporated,USA,"1 Main St, Springfield"
新疆中泰化学股份有限公司,中国,
Aksu Cotton Trading,KZ,"Aksu, Kazakhstan"
"Shenzhen Bright Star Lighting Co., Ltd.",CN,"Kashgar Road 5, Shenzhen"
"""


@pytest.fixture
def suppliers(tmp_path: Path) -> Path:
    f = tmp_path / "suppliers.csv"
    f.write_text(SUPPLIERS, encoding="utf-8")
    return f


def run_json(args: list[str]) -> dict[str, object]:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, (res.output, res.exception)
    doc: dict[str, object] = json.loads(res.stdout)
    return doc


def test_contract_json_shape(suppliers: Path, tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    doc = run_json(
        [
            "screen",
            str(suppliers),
            "--name-col",
            "name",
            "--country-col",
            "country",
            "--format",
            "json",
            "--audit",
            str(audit),
        ]
    )
    rows = doc["rows"]
    assert isinstance(rows, list) and len(rows) == 6  # every input row, in order, none dropped
    for i, r in enumerate(rows, start=1):
        assert r["row"] == i and isinstance(r["row"], int)
        assert isinstance(r["input"], str) and isinstance(r["xinjiang_flag"], bool)
        # every row carries the list versions and the partial-list caveat (the bundled UFLPA list is partial)
        assert "UFLPA" in r["list_versions"] and "PARTIAL" in r["list_versions"]
        assert r["caveat"].startswith("UFLPA: PARTIAL")
        for h in r["hits"]:
            assert {"entity_id", "list", "name", "score", "explanation"} <= set(h)
            # context on every hit: program, type and source (and the listing date for UFLPA entries)
            assert h["programs"] and h["entity_type"] in ("person", "organisation", "vessel", "aircraft")
            assert h["source_url"].startswith("http")
            # a listing date, or null with a note saying why (never an unexplained empty string)
            assert (h["listed_on"] is None) == bool(h["listed_on_note"])
            if h["listed_on"] is not None:
                assert h["listed_on"][:2] == "20" and h["listed_on_note"] is None
            if h["list"] == "SDN":  # the bundled sdn.csv publishes no designation dates
                assert h["listed_on"] is None and "does not publish designation dates" in h["listed_on_note"]
            assert 0.0 <= h["score"] <= 1.0 and h["explanation"]
    assert rows[0]["hits"][0]["name"] == "Xinjiang Zhongtai Chemical Co., Ltd."
    assert rows[0]["hits"][0]["list"] == "UFLPA"
    assert rows[1]["input"] == "" and rows[1]["status"] == "empty name" and rows[1]["hits"] == []
    assert rows[2]["hits"] == [] and rows[2]["status"] == "no match"
    assert rows[3]["hits"][0]["entity_id"] == rows[0]["hits"][0]["entity_id"]
    # without --address-col, the Xinjiang flag comes from names only
    assert rows[0]["xinjiang_flag"] is True  # "XINJIANG" in the name
    assert rows[4]["xinjiang_flag"] is False


def test_address_column_drives_xinjiang_flag(suppliers: Path, tmp_path: Path) -> None:
    doc = run_json(
        [
            "screen",
            str(suppliers),
            "--country-col",
            "country",
            "--address-col",
            "address",
            "--format",
            "json",
            "--audit",
            str(tmp_path / "a.jsonl"),
        ]
    )
    flags = [r["xinjiang_flag"] for r in doc["rows"]]  # type: ignore[union-attr]
    # row 1 Urumqi; row 4 name has 新疆; row 5 Aksu in Kazakhstan: no; row 6 "Kashgar Road" in Shenzhen:
    # flagged (a street named after a Xinjiang city is a documented false positive of text matching)
    assert flags == [True, False, False, True, False, True]


def test_out_csv_and_audit_record(suppliers: Path, tmp_path: Path) -> None:
    out, audit = tmp_path / "hits.csv", tmp_path / "audit.jsonl"
    for _ in range(2):
        res = runner.invoke(
            app,
            [
                "screen",
                str(suppliers),
                "--country-col",
                "country",
                "--out",
                str(out),
                "--audit",
                str(audit),
                "--threshold",
                "0.6",
            ],
        )
        assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert {int(x["row"]) for x in lines} == {1, 2, 3, 4, 5, 6}
    assert [x["status"] for x in lines if x["row"] == "2"] == ["empty name"]
    records = [json.loads(x) for x in audit.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2  # appended, not overwritten
    rec = records[-1]
    import hashlib

    assert rec["input_sha256"] == hashlib.sha256(suppliers.read_bytes()).hexdigest()
    assert rec["threshold"] == 0.6
    assert rec["counts"]["rows"] == 6 and rec["counts"]["empty_names"] == 1
    assert rec["counts"]["rows_with_hits"] == len({x["row"] for x in lines if x["entity_id"]})
    assert {m["list"] for m in rec["lists"]} == {"SDN", "UFLPA"}
    assert "PARTIAL" in rec["list_versions"] and rec["caveat"].startswith("UFLPA: PARTIAL")
    assert rec["output_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    # an undated hit: empty listed_on with its reason in listed_on_note (CSV), and each list's note in the audit
    assert all(bool(x["listed_on"]) != bool(x["listed_on_note"]) for x in lines if x["entity_id"])
    assert "does not publish designation dates" in next(m for m in rec["lists"] if m["list"] == "SDN")["listed_on_note"]
    assert rec["prev"] == records[0]["hash"]  # hash chain


def test_default_audit_goes_to_supplyscope_home(
    suppliers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path / "home"))
    res = runner.invoke(app, ["screen", str(suppliers)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "home" / "audit" / "screening.jsonl").exists()


def test_missing_column_names_file_row_and_column(suppliers: Path) -> None:
    res = runner.invoke(app, ["screen", str(suppliers), "--name-col", "supplier"])
    err = res.exception
    assert isinstance(err, DataError)
    assert (err.source, err.row, err.field) == (str(suppliers), 1, "supplier")
    assert "name, country, address" in str(err)


def test_wrong_encoding_and_ragged_row(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("name\nAcme\nSoci\xe9t\xe9 G\xe9n\xe9rale\n".encode("latin-1"))
    res = runner.invoke(app, ["screen", str(latin)])
    assert isinstance(res.exception, DataError)
    assert (res.exception.row, res.exception.field) == (3, "encoding")
    ok = runner.invoke(
        app, ["screen", str(latin), "--encoding", "latin-1", "--format", "json", "--audit", str(tmp_path / "a.jsonl")]
    )
    assert json.loads(ok.stdout)["rows"][1]["input"] == "Société Générale"
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("name,country\nAcme,US\nBeta,US,extra\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(ragged)])
    assert isinstance(res.exception, DataError) and res.exception.row == 3


def test_threshold_out_of_range(suppliers: Path) -> None:
    for bad in ("1.5", "-0.1", "nan"):
        res = runner.invoke(app, ["screen", str(suppliers), "--threshold", bad])
        # rejected before any screening: a usage error (exit 2) naming the option, no traceback
        assert res.exit_code == 2 and "--threshold" in res.output, res.output


def test_lists_info_json_shows_versions_counts_and_partial_uflpa() -> None:
    doc = run_json(["lists", "info", "--format", "json"])
    lists = {x["list"]: x for x in doc["lists"]}  # type: ignore[union-attr]
    assert lists["SDN"]["version"] == "2024-05-03" and lists["SDN"]["entries"] > 14_000
    assert lists["UFLPA"]["partial"] is True and "PARTIAL" in lists["UFLPA"]["caveat"]


def test_lists_info_table_shows_the_caveat() -> None:
    res = runner.invoke(app, ["lists", "info"])
    assert res.exit_code == 0
    assert "PARTIAL" in res.output


def test_lists_load_then_screen_from_the_warehouse(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    doc = run_json(
        [
            "lists",
            "load",
            str(data_dir / "entities.ftm.json"),
            "--list-format",
            "ftm",
            "--db",
            str(db),
            "--format",
            "json",
        ]
    )
    assert doc["entries"] == 2 and doc["skipped"] == 1
    info = run_json(["lists", "info", "--db", str(db), "--format", "json"])
    assert {x["list"] for x in info["lists"]} >= {"us_bis_entity", "us_ofac_sdn"}  # type: ignore[union-attr]
    f = tmp_path / "s.csv"
    f.write_text("name\nGuangzhou Haige Communications Group\n", encoding="utf-8")
    out = run_json(["screen", str(f), "--db", str(db), "--format", "json", "--audit", str(tmp_path / "a.jsonl")])
    ids = [h["entity_id"] for h in out["rows"][0]["hits"]]  # type: ignore[index]
    assert "FTM:NK-ftm-haige" in ids


def test_entry_point_prints_clean_error_and_exit_code(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("supplier\nAcme\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("supplyscope")
    proc = subprocess.run([str(exe), "screen", str(f)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert "Traceback" not in proc.stderr
    assert "row 1" in proc.stderr and "'name'" in proc.stderr


def test_loading_the_same_file_again_replaces_its_rows(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    for _ in range(2):
        run_json(
            [
                "lists",
                "load",
                str(data_dir / "consolidated.json"),
                "--list-format",
                "csl",
                "--db",
                str(db),
                "--format",
                "json",
            ]
        )
    info = run_json(["lists", "info", "--db", str(db), "--format", "json"])
    loaded = [x for x in info["lists"] if x["origin"] != "bundled"]  # type: ignore[union-attr]
    assert sum(x["entries"] for x in loaded) == 2


def test_docs_example_file(data_dir: Path, tmp_path: Path) -> None:
    # The example used in docs/screening.md: which rows hit which list, by hand.
    doc = run_json(
        [
            "screen",
            str(data_dir / "suppliers_example.csv"),
            "--name-col",
            "supplier",
            "--country-col",
            "country",
            "--address-col",
            "address",
            "--format",
            "json",
            "--audit",
            str(tmp_path / "a.jsonl"),
        ]
    )
    rows = doc["rows"]  # type: ignore[index]
    lists = [r["hits"][0]["list"] if r["hits"] else r["status"] for r in rows]
    assert lists == [
        "no match",
        "UFLPA",
        "UFLPA",
        "UFLPA",
        "UFLPA",
        "SDN",
        "UFLPA",
        "empty name",
        "no match",
        "no match",
    ]
    assert [r["xinjiang_flag"] for r in rows] == [False, True, True, True, False, False, True, False, False, False]


def test_json_output_is_valid_or_empty_when_input_is_malformed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = str(tmp_path / "a.jsonl")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("name,country\nAcme,US\nBeta,US,extra\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(ragged), "--format", "json", "--audit", audit])
    assert isinstance(res.exception, DataError) and res.exception.row == 3
    assert res.stdout == ""  # the bad row is in the first batch: nothing was written
    # a bad row after a first batch was already streamed: the document is closed, marked incomplete
    import supplyscope.screening.batch as batch

    monkeypatch.setattr(batch, "BATCH_ROWS", 2)
    late = tmp_path / "late.csv"
    late.write_text("name,country\nAcme,US\nBeta,US\nGamma,US\nDelta,US,extra\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(late), "--format", "json", "--audit", audit])
    assert isinstance(res.exception, DataError) and res.exception.row == 5
    doc = json.loads(res.stdout)
    assert [r["input"] for r in doc["rows"]] == ["Acme", "Beta"]
    assert doc["complete"] is False
    assert doc["error"] == str(res.exception) and "row 5" in doc["error"]
