"""`supplyscope shipments screen`: outputs, one JSON document, and clean errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.errors import DataError

DATA = Path(__file__).parent / "data"
SMALL = DATA / "shipments_small.csv"


def test_screen_writes_outputs_and_prints_one_json_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["shipments", "screen", str(SMALL), "--out", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)  # exactly one document: json.loads fails on trailing text
    assert doc["engine"] == "duckdb"
    assert doc["rows"] == 10 and doc["flagged"] == 6  # S08 (Canadian steel, 2024) is excepted from 232
    assert set(doc["reasons"]) == {
        "listed_entity",
        "xinjiang_address",
        "de_minimis_over_threshold",
        "de_minimis_excluded_proposed",
    }
    assert doc["de_minimis"]["threshold_usd"] == 800.0
    assert "1321" in doc["sources"]["de_minimis"]
    assert json.loads((out / "summary.json").read_text())["rows"] == 10
    assert len(pd.read_parquet(out / "flagged.parquet")) == 6
    agg = pd.read_csv(out / "aggregates.csv", dtype={"hts_chapter": str})
    assert set(agg["level"]) == {"origin x hts_chapter x mode", "origin", "hts_chapter", "mode", "total"}
    assert "02" in set(agg["hts_chapter"].dropna())  # chapters keep their leading zero


def test_bad_input_raises_data_error_and_writes_nothing(tmp_path: Path) -> None:
    lines = SMALL.read_text().splitlines()
    lines[2] = lines[2].replace(",air,", ",rail,")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    res = CliRunner().invoke(app, ["shipments", "screen", str(bad), "--out", str(tmp_path / "o")])
    # under the test runner the app raises; `main()` turns this into one line (tested through the entry point below)
    assert isinstance(res.exception, DataError), res.output
    assert (res.exception.row, res.exception.field) == (3, "mode")
    assert not (tmp_path / "o").exists()


def test_entry_point_prints_a_clean_error_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "none.csv"
    cmd = [
        sys.executable,
        "-c",
        "from supplyscope.cli import main; main()",
        "shipments",
        "screen",
        str(missing),
        "--out",
        str(tmp_path / "o"),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2  # a missing FILE argument is a usage error
    text = "".join(proc.stderr.split())  # Rich wraps long lines
    assert "doesnotexist" in text and "".join(str(missing).split()) in text
    assert "Traceback" not in proc.stderr
