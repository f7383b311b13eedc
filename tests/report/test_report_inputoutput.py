"""Exposure and shock reports and workbooks: sector names next to codes, shares in %, no exponent notation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from supplyscope.cli import app

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "shock_gallium_export_restriction.toml"


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))


def test_shock_report_and_workbook(tmp_path: Path) -> None:
    args = ["shock", str(SCENARIO), "--top", "8", "--format", "json", "--out", str(tmp_path / "shock.html")]
    result = CliRunner().invoke(app, [*args, "--xlsx", str(tmp_path / "shock.xlsx")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    text = _text((tmp_path / "shock.html").read_text(encoding="utf-8"))
    assert not re.search(r"\d[eE][+-]\d", text) and "<NA>" not in text and " nan " not in text
    first = doc["scenarios"][0]["impacts"][0]
    assert first["industry_name"] and first["industry_name"] in text  # the name beside the code
    assert "Industry name" in text and "%" in text and "Source: OECD ICIO" in text
    wb = openpyxl.load_workbook(tmp_path / "shock.xlsx", read_only=True)
    rows = list(wb["1 industries"].iter_rows(values_only=True))
    assert len(rows) == 9 and rows[1][list(rows[0]).index("industry")] == first["industry"]


def test_exposure_report_shows_names_and_percentages(tmp_path: Path) -> None:
    out = tmp_path / "exposure.html"
    result = CliRunner().invoke(app, ["exposure", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    text = _text(out.read_text(encoding="utf-8"))
    row = doc["industries"][0]
    assert f"{100 * row['face_value']:.1f}%" in text and row["industry_name"] in text
    assert not re.search(r"\d[eE][+-]\d", text)
