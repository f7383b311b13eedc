"""The assessment report and workbook, read back: readable numbers and labels, settings, inputs, grouped heat map."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.config import DIMENSIONS
from supplyscope.report import figures


@pytest.fixture(scope="module")
def written(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("assess")
    args = ["assess", "--top", "15", "--format", "json", "--out", str(out), "--db", str(bundled_db)]
    result = CliRunner().invoke(app, [*args, "--xlsx", str(out / "ranking.xlsx")])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    html = (out / f"assess_USA_{doc['year']}_product.html").read_text(encoding="utf-8")
    return {"doc": doc, "html": html, "xlsx": out / "ranking.xlsx"}


def _visible(html: str) -> str:
    """The page without its scripts (plotly.js and the figure data)."""
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


def _text(html: str) -> str:
    """What a reader sees: the text outside every tag (ids and attributes dropped)."""
    return re.sub(r"<[^>]+>", " ", _visible(html))


def test_no_raw_missing_values_exponents_or_dicts(written: dict[str, Any]) -> None:
    page = _visible(written["html"])
    assert "&lt;NA&gt;" not in page and "<NA>" not in page and ">nan<" not in page and ">None<" not in page
    words = _text(written["html"])
    assert not re.search(r"\d[eE][+-]\d", words), re.search(r".{40}\d[eE][+-]\d.{20}", words)
    assert "{'" not in page and "&#x27;:" not in page  # no Python dict printed


def test_header_settings_and_inputs(written: dict[str, Any]) -> None:
    page = _visible(written["html"])
    assert "Settings: import floor $1.0 M; dimension weights: diversity 1, security 1" in page
    inputs = page[page.index("<h2 id=inputs>") :]
    assert "supplyscope " in inputs
    assert "census:us_imports_hs10_by_partner_2024.parquet" in inputs and "bundled:icio" in inputs


def test_indicator_labels_and_units(written: dict[str, Any]) -> None:
    page = _visible(written["html"])
    assert "World export HHI <code>world_export_hhi</code>" in page
    assert "index 0-1" in page and "share of imports" in page and "risk (0–100)" in page


def test_heatmap_columns_grouped_by_dimension(written: dict[str, Any]) -> None:
    records = written["doc"]["entities"]
    fig = figures.heatmap(records, "hs6")
    dims, labels = fig.data[0].x
    positions = [DIMENSIONS.index(d) for d in dims]
    assert positions == sorted(positions) and set(dims) == set(DIMENSIONS)
    assert all("_" not in lab for lab in labels) and "Import HHI" in labels


def test_workbook_holds_the_whole_ranking(written: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(written["xlsx"], read_only=True)
    assert wb.sheetnames[:2] == ["about", "ranking"]
    rows = list(wb["ranking"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == written["doc"]["count"]
    col = {name: i for i, name in enumerate(header)}
    top = written["doc"]["entities"][0]
    assert str(body[0][col["hs6"]]) == top["hs6"] and round(float(body[0][col["score"]]), 2) == top["score"]
    assert not any(v == "<NA>" for row in body for v in row)
    about = dict(wb["about"].iter_rows(min_row=2, values_only=True))
    assert about["importer"] == "USA" and str(about["settings"]).startswith("import floor $1.0 M")
