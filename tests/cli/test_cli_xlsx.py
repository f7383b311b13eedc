"""``--xlsx`` on every ranking or table command: the workbook read back, checked against the same run's JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from supplyscope.cli import app

ROOT = Path(__file__).resolve().parents[2]
BOM = ROOT / "tests" / "origin" / "data" / "battery_fails.json"
GRAPH = ROOT / "src" / "supplyscope" / "network" / "examples" / "ev_battery.json"
SUPPLIERS = ROOT / "examples" / "suppliers_example.csv"
SHIPMENTS = ROOT / "tests" / "shipments" / "data" / "shipments_small.csv"


def run(tmp_path: Path, *args: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Run one command with ``--format json --xlsx``; return its JSON and the workbook as {sheet: records}."""
    book = tmp_path / "out.xlsx"
    result = CliRunner().invoke(app, [*args, "--format", "json", "--xlsx", str(book)])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    wb = openpyxl.load_workbook(book, read_only=True)
    sheets: dict[str, list[dict[str, Any]]] = {}
    for name in wb.sheetnames:
        rows = list(wb[name].iter_rows(values_only=True))
        sheets[name] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]] if rows else []
    return doc, sheets


def test_minerals_concentration(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "minerals", "concentration", "--mineral", "gallium")
    assert list(book) == ["about", "concentration"]
    rows = book["concentration"]
    assert len(rows) == len(doc["minerals"]) > 0
    for got, want in zip(rows, doc["minerals"], strict=True):
        assert (got["mineral"], got["stage"]) == (want["mineral"], want["stage"])
        assert got["hhi"] == pytest.approx(want["hhi"])
        assert got["top_country"] == want["top_country"]


def test_minerals_coverage(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "minerals", "coverage", "--mineral", "gallium")
    assert set(book) == {"about", "supply", "demand (US imports, USD)", "candidates"}
    about = {r["item"]: r["value"] for r in book["about"]}
    assert about["members"] == ", ".join(doc["members"])
    gap = {(r["stage"], r["gap_usd"]) for r in book["demand (US imports, USD)"]}
    assert gap == {(r["stage"], r["gap_usd"]) for r in doc["demand"]}


def test_minerals_price_floor_worked_by_hand(tmp_path: Path) -> None:
    args = ["gallium", "--floor", "500", "--price", "400", "--price", "600", "--volume", "10"]
    doc, book = run(tmp_path, "minerals", "price-floor", *args)
    assert list(book) == ["about", "price floor", "totals"]
    # period 1: duty (500 - 400) x 10 = 1000; period 2: price above the floor, no duty
    assert [r["duty_revenue"] for r in book["price floor"]] == [1000, 0]
    totals = {r["total"]: r["value"] for r in book["totals"]}
    assert totals["duty_revenue"] == doc["totals"]["duty_revenue"] == 1000


def test_minerals_subsidy_and_stockpile(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "minerals", "subsidy", "gallium", "--strike", "500", "--price", "400", "--volume", "2")
    assert [r["budget_cost"] for r in book["contract for difference"]] == [200]  # (500 - 400) x 2
    doc, book = run(tmp_path, "minerals", "stockpile", "gallium", "--price", "439", "--budget", "1000000")
    (row,) = book["stockpile"]
    assert row["days_cover"] == pytest.approx(doc["days_cover"])
    assert "8112.92.10.00" in row["volume_basis"]


def test_minerals_reliance_and_flags(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "minerals", "reliance", "--mineral", "gallium")
    assert list(book) == ["about", "lists", "net import reliance", "import sources"]
    assert len(book["import sources"]) == len(doc["sources"]) > 0
    doc, book = run(tmp_path, "minerals", "flags")
    assert [(r["hs6"], r["flag"]) for r in book["chokepoint flags"]] == [(r["hs6"], r["flag"]) for r in doc["flags"]]


def test_trace(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "trace", str(GRAPH), "--no-alternatives")
    assert list(book) == ["about", "tiers (share of inputs)", "total by country", "chokepoints", "screening flags"]
    first = doc["tiers"][0]
    tier1 = [r for r in book["tiers (share of inputs)"] if r["tier"] == first["tier"]]
    assert [(r["country"], r["share"]) for r in tier1] == [(c["country"], c["share"]) for c in first["countries"]]
    assert sum(r["share"] for r in tier1) + first["unknown"] + first["undisclosed"] == pytest.approx(1.0)
    assert [r["node"] for r in book["chokepoints"]] == [c["node"] for c in doc["chokepoints"]]


def test_screen_rows_lists_and_caveat(tmp_path: Path) -> None:
    cols = ["--name-col", "supplier", "--country-col", "country", "--address-col", "address"]
    audit = ["--audit", str(tmp_path / "audit.jsonl")]
    doc, book = run(tmp_path, "screen", str(SUPPLIERS), *cols, *audit)
    rows = book["screening results"]
    assert {r["row"] for r in rows} == {r["row"] for r in doc["rows"]}
    hits = {r["row"]: r for r in rows if r["rank"] == 1}
    for r in doc["rows"]:
        if r["hits"]:
            assert hits[r["row"]]["entity_id"] == r["hits"][0]["entity_id"]
            assert hits[r["row"]]["score"] == pytest.approx(r["hits"][0]["score"], abs=1e-4)
    assert any(r["xinjiang_flag"] is True for r in rows)
    about = {r["item"]: r["value"] for r in book["about"]}
    assert about["list versions"] == doc["list_versions"] and about["caveat"] == doc["caveat"]
    assert int(about["count: rows"]) == doc["summary"]["rows"]


def test_screen_without_xlsx_writes_no_workbook(tmp_path: Path) -> None:
    """Streaming is untouched: without --xlsx nothing is staged or written."""
    args = ["screen", str(SUPPLIERS), "--name-col", "supplier", "--audit", str(tmp_path / "a.jsonl")]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_lists_info(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "lists", "info")
    rows = book["screening lists"]
    assert [(r["list"], r["entries"], r["partial"]) for r in rows] == [
        (x["list"], x["entries"], x["partial"]) for x in doc["lists"]
    ]


def test_origin_duty_and_coverage(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "origin", str(BOM), "--agreement", "USMCA", "--date", "2025-06-01")
    assert list(book) == ["about", "rule trace", "duty layers", "flips"]
    assert [(r["rule"], r["passed"]) for r in book["rule trace"]] == [(s["rule"], s["passed"]) for s in doc["trace"]]
    assert [r["rate"] for r in book["duty layers"]] == [ly["rate"] for ly in doc["duties"]["layers"]]
    assert len(book["flips"]) == len(doc["flip"])
    doc, book = run(tmp_path, "duty", "8507.60.0020", "--origin", "CHN", "--value", "1000", "--date", "2025-06-01")
    layers = book["duty layers"]
    assert [r["duty_usd"] for r in layers] == [ly["duty_usd"] for ly in doc["layers"]]
    assert sum(r["duty_usd"] or 0 for r in layers if r["applied"]) == pytest.approx(doc["duty_usd"])
    doc, book = run(tmp_path, "origin-coverage")
    assert [r["agreement"] for r in book["US agreements"]] == [r["agreement"] for r in doc["us_agreements"]]
    assert sum(r["rule_sets"] for r in book["UK schemes"]) == doc["total"]["rule_sets"]


def test_shipments_summary_and_aggregates(tmp_path: Path) -> None:
    doc, book = run(tmp_path, "shipments", "screen", str(SHIPMENTS), "--out", str(tmp_path / "out"))
    measures = {r["measure"]: r["value"] for r in book["summary"]}
    assert measures["shipments"] == doc["rows"] == 10 and measures["flagged"] == doc["flagged"] == 6
    assert len(book["aggregates"]) == len((tmp_path / "out" / "aggregates.csv").read_text().splitlines()) - 1


def test_dependence(tmp_path: Path, bundled_db: Path) -> None:
    doc, book = run(tmp_path, "dependence", "--importer", "USA", "--top", "5", "--db", str(bundled_db))
    rows = book["dependence"]
    assert [r["partner"] for r in rows] == [r["partner"] for r in doc["partners"]]
    for got, want in zip(rows, doc["partners"], strict=True):
        assert got["import_share"] == pytest.approx(want["import_share"])
        assert got["io_look_through_share"] == pytest.approx(want["io_look_through_share"])
    about = {r["item"]: r["value"] for r in book["about"]}
    assert about["importer"] == "USA" and str(doc["year"]) == about["year"]


def test_a_workbook_name_must_end_in_xlsx(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["minerals", "flags", "--xlsx", str(tmp_path / "flags.csv")])
    assert result.exit_code != 0
    assert "must end in .xlsx" in str(result.exception)
