"""Every HTML report prints its inputs: each file read, with a checksum that matches the file's bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from supplyscope import __version__
from supplyscope.cli import app
from supplyscope.data.sources.census_hts10 import hts10_path
from supplyscope.data.sources.io_tables import icio_npz_path
from supplyscope.data.sources.usgs import mcs_world_path
from supplyscope.report.inputs import file_version, versions_lines

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "examples" / "shock_gallium_export_restriction.toml"
GRAPH = ROOT / "src" / "supplyscope" / "network" / "examples" / "ev_battery.json"


def _sha12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _inputs(html: str) -> str:
    """The report's "Inputs" section, tags stripped."""
    assert html.count("<h2 id=inputs>Inputs</h2>") == 1
    return re.sub(r"<[^>]+>", " ", html.split("<h2 id=inputs>Inputs</h2>", 1)[1])


def _invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_exposure_report_names_the_table_file(tmp_path: Path) -> None:
    out = tmp_path / "exposure.html"
    _invoke("exposure", "--format", "json", "--out", str(out))
    text = _inputs(out.read_text(encoding="utf-8"))
    assert f"supplyscope {__version__}" in text
    assert "input-output table: OECD ICIO" in text and _sha12(icio_npz_path()) in text


def test_shock_report_and_workbook_name_table_and_scenarios(tmp_path: Path) -> None:
    out, book = tmp_path / "shock.html", tmp_path / "shock.xlsx"
    _invoke("shock", str(SCENARIO), "--top", "3", "--format", "json", "--out", str(out), "--xlsx", str(book))
    text = _inputs(out.read_text(encoding="utf-8"))
    assert _sha12(icio_npz_path()) in text
    assert SCENARIO.name in text and _sha12(SCENARIO) in text
    rows = list(openpyxl.load_workbook(book, read_only=True)["about"].iter_rows(values_only=True))
    lines = [str(v) for k, v in rows if str(k).startswith("input ")]
    assert lines[0] == f"supplyscope {__version__}"
    assert any(_sha12(SCENARIO) in line and line.startswith("scenarios:") for line in lines)


def test_minerals_report_names_production_trade_and_prices(tmp_path: Path) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(  # SYNTHETIC price path, only to have the price file among the inputs
        '[minerals.gallium]\nperiods = ["2025", "2026"]\nprices = [400.0, 500.0]\nunit = "USD/kg"\n'
        'volume = 10.0\nsource = "SYNTHETIC test path"\n',
        encoding="utf-8",
    )
    out = tmp_path / "minerals.html"
    _invoke("minerals", "report", "--out", str(out), "--prices", str(prices))
    text = _inputs(out.read_text(encoding="utf-8"))
    for path in (mcs_world_path(), hts10_path(), prices):
        assert _sha12(path) in text, path
    assert "USGS Mineral Commodity Summaries" in text and "US Census Bureau" in text


def test_trace_report_names_map_lists_and_warehouse(tmp_path: Path, bundled_db: Path) -> None:
    out = tmp_path / "trace.html"
    _invoke("trace", str(GRAPH), "--html", str(out), "--db", str(bundled_db), "--format", "json")
    text = _inputs(out.read_text(encoding="utf-8"))
    assert "supply map" in text and _sha12(GRAPH) in text
    assert "screening lists: SDN" in text and "UFLPA" in text  # the lists' versions
    assert re.search(r"\bbaci\b|\bcensus\b|trade", text, re.I)  # the warehouse's sources (trade flows)


def test_folder_checksum_changes_with_any_file(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("y\n2\n", encoding="utf-8")
    before = file_version("map", tmp_path)
    (tmp_path / "b.csv").write_text("y\n3\n", encoding="utf-8")
    after = file_version("map", tmp_path)
    assert before["checksum"] != after["checksum"] and before["rows"] is None
    assert versions_lines([after])[1].startswith("map: checksum ")
