"""The command-line contract, checked from outside through a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def run(*args: str, db: Path, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SUPPLYSCOPE_HOME": str(cwd / "home"), "COLUMNS": "160"}
    proc = subprocess.run(
        [sys.executable, "-c", "from supplyscope.cli import main; main()", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def assess_json(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cwd = tmp_path_factory.mktemp("cli")
    proc = run(
        "assess",
        "--importer",
        "USA",
        "--top",
        "20",
        "--format",
        "json",
        "--out",
        str(cwd / "out"),
        db=bundled_db,
        cwd=cwd,
    )
    doc: dict[str, Any] = json.loads(proc.stdout)
    doc["_out"] = str(cwd / "out")
    return doc


def test_assess_json_contract(assess_json: dict[str, Any]) -> None:
    doc = assess_json
    assert doc["importer"] == "USA" and isinstance(doc["year"], int)
    products = doc["entities"]
    assert len(products) == 20
    scores = [p["score"] for p in products]
    assert scores == sorted(scores, reverse=True)
    for p in products:
        assert set(p) >= {"hs6", "description", "score", "rank_interval", "dimensions", "indicators"}
        assert len(p["hs6"]) == 6 and p["hs6"].isdigit()
        lo, hi = p["rank_interval"]
        assert 1 <= lo <= hi
        assert set(p["dimensions"]) == {"diversity", "security", "sustainability", "transparency"}
        assert {"import_hhi", "top_supplier_share", "world_export_hhi"} <= set(p["indicators"])
        for name, ind in p["indicators"].items():
            assert set(ind) >= {"value", "risk", "weight"}
            if ind["value"] is None:
                assert ind.get("reason"), name
        for name in ("import_hhi", "top_supplier_share", "concern_share"):
            assert 0 <= p["indicators"][name]["value"] <= 1
        world = p["indicators"]["world_export_hhi"]["value"]
        assert world is None or 0 <= world <= 1
    assert products[0]["indicators"]["mirror_discrepancy"]["value"] is None


def test_assess_writes_ranking_and_report(assess_json: dict[str, Any]) -> None:
    out = Path(assess_json["_out"])
    html = (out / "assess_USA_2024_product.html").read_text()
    assert "Plotly.newPlot" in html and 'src="https://cdn' not in html
    top = assess_json["entities"][0]["hs6"]
    assert f"id='e{top}'" in html
    # the method tables: effective group weights and the indicator correlation matrix
    assert "<h2>Effective weights</h2>" in html and "governance" in html
    assert "Spearman correlation of indicators" in html
    assert "value* = sector proxy" in html
    import pandas as pd

    ranking = pd.read_csv(out / "assess_USA_2024_product.csv", dtype={"hs6": str})
    assert ranking["hs6"].iloc[0] == top
    assert len(ranking) == assess_json["count"]


def test_explain_json_has_suppliers(bundled_db: Path, tmp_path: Path) -> None:
    doc = json.loads(
        run("explain", "850760", "--importer", "USA", "--format", "json", db=bundled_db, cwd=tmp_path).stdout
    )
    assert doc["hs6"] == "850760" and "indicators" in doc
    sup = doc["suppliers"]
    assert sup[0]["country"] == "CHN"
    assert sum(s["share"] for s in sup) == pytest.approx(1.0)
    assert sup[0]["share"] == pytest.approx(doc["indicators"]["top_supplier_share"]["value"])


def test_industry_level_keyed_by_industry(bundled_db: Path, tmp_path: Path) -> None:
    doc = json.loads(
        run(
            "assess",
            "--level",
            "industry",
            "--top",
            "5",
            "--format",
            "json",
            "--out",
            str(tmp_path / "o"),
            db=bundled_db,
            cwd=tmp_path,
        ).stdout
    )
    assert len(doc["entities"]) == 5
    assert all("industry" in p and "hs6" not in p for p in doc["entities"])
    assert doc["count"] > 200  # goods-producing BEA detail industries with imports above the threshold


def test_unknown_inputs_list_what_exists(bundled_db: Path, tmp_path: Path) -> None:
    proc = run("explain", "999999", "--format", "json", db=bundled_db, cwd=tmp_path, ok=False)
    assert proc.returncode != 0 and "unknown hs6 '999999'" in proc.stderr and "available" in proc.stderr
    proc = run("assess", "--importer", "XYZ", db=bundled_db, cwd=tmp_path, ok=False)
    assert "unknown importer 'XYZ'" in proc.stderr and "USA" in proc.stderr
    proc = run("assess", "--year", "1999", db=bundled_db, cwd=tmp_path, ok=False)
    assert "1999" in proc.stderr and "2024" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_config_names_the_key(bundled_db: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[indicators.import_hhi]\nweight = -1\n")
    proc = run("assess", "--config", str(cfg), db=bundled_db, cwd=tmp_path, ok=False)
    assert "ConfigError" in proc.stderr and "indicators.import_hhi.weight" in proc.stderr
