"""`supplyscope assess | cat` at 80 columns: code, description, score and main driver are never cut."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path


def _run(*args: str, cwd: Path, columns: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    code = "from supplyscope.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=True
    )


def test_assess_table_at_80_columns(bundled_db: Path, tmp_path: Path) -> None:
    common = ["assess", "--top", "20", "--db", str(bundled_db), "--out", str(tmp_path / "out")]
    table = _run(*common, cwd=tmp_path, columns=80).stdout  # stdout is a pipe, as with `| cat`
    doc = json.loads(_run(*common, "--format", "json", cwd=tmp_path, columns=200).stdout)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in table
    words = re.findall(r"\S+", table)
    for rec in doc["entities"]:
        row = next(line for line in lines if line.split()[:1] == [rec["hs6"]])
        assert f"{rec['score']:.1f}" in row.split() and row.split()[-1] == rec["main_driver"]
        assert all(w in words for w in rec["description"].split()), rec["description"]
    assert any("dimension scores left out at 80 columns" in line for line in lines)


def test_assess_table_when_wide_has_dimensions(bundled_db: Path, tmp_path: Path) -> None:
    out = _run("assess", "--top", "5", "--db", str(bundled_db), "--out", str(tmp_path), cwd=tmp_path, columns=160)
    header = next(line for line in out.stdout.splitlines() if line.strip().startswith("hs6"))
    assert header.split() == [
        "hs6",
        "description",
        "score",
        "rank",
        "90%",
        "div.",
        "sec.",
        "sus.",
        "tra.",
        "main",
        "driver",
    ]


def test_explain_indicator_table_at_80_columns(bundled_db: Path, tmp_path: Path) -> None:
    """Every indicator's name, value, weight, risk and part on one line within 80 columns; bases as notes."""
    common = ["explain", "850760", "--db", str(bundled_db)]
    table = _run(*common, cwd=tmp_path, columns=80).stdout
    rec = json.loads(_run(*common, "--format", "json", cwd=tmp_path, columns=200).stdout)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in table
    notes = {m.group(1): m.group(2) for line in lines if (m := re.match(r"\[(\d+)\] (.*)", line))}
    words = re.findall(r"\S+", table)
    for name, item in rec["indicators"].items():
        row = next(line for line in lines if line.split()[:1] == [name]).split()
        value = "n/a" if item["value"] is None else f"{item['value']:.3g}"
        risk = "–" if item["risk"] is None else f"{item['risk']:.1f}"
        part = "–" if item["contribution"] is None else f"{item['contribution']:.2f}"
        assert row[1] == value and row[-3:-1] == [risk, part] and f"{item['weight']:g}" in row, (name, row)
        basis = item.get("reason", item.get("basis", ""))
        ref = row[-1].strip("[]")
        assert basis.split()[0] in notes[ref] and all(w in words for w in basis.split()), (name, basis)
    assert any(line.startswith("thresholds: value at risk 0") for line in lines)
