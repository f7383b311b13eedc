"""The ``supplyscope trace`` contract checked from outside, and the HTML report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from network_helpers import EXAMPLES, write_graph
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.network import read_graph, tier_rollup

runner = CliRunner()


def test_trace_json_contract() -> None:
    res = runner.invoke(app, ["trace", str(EXAMPLES / "ev_battery.json"), "--format", "json", "--no-screen"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert {"tiers", "chokepoints", "flags", "total_by_country"} <= set(doc)
    for tier in doc["tiers"]:
        assert {"tier", "countries", "hhi"} <= set(tier)
        for c in tier["countries"]:
            assert set(c) == {"country", "share"}
    for c in doc["chokepoints"]:
        assert {"node", "kind", "reason"} <= set(c)
    assert doc["flags"] == []  # --no-screen
    # numbers agree with the library
    r = tier_rollup(read_graph(EXAMPLES / "ev_battery.json"))
    assert [t["tier"] for t in doc["tiers"]] == [t.tier for t in r.tiers]
    assert doc["total_by_country"] == [{"country": c.country, "share": c.share} for c in r.total]
    assert sum(c["share"] for c in doc["total_by_country"]) + doc["total"]["unknown"] + doc["total"][
        "undisclosed"
    ] == pytest.approx(1.0)
    # alternatives state their basis
    assert all("USA imports by partner" in a["basis"] for a in doc["alternatives"])


def test_trace_csv_directory_and_table_output() -> None:
    res = runner.invoke(app, ["trace", str(EXAMPLES / "ev_battery_csv"), "--no-screen", "--no-alternatives"])
    assert res.exit_code == 0, res.output
    assert "Country mix by tier" in res.stdout and "PACK_USA" in res.stdout


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    res = runner.invoke(app, ["trace", str(EXAMPLES / "ev_battery.json"), "--no-screen", "--html", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and "plotly.js v" in html  # the library is inlined
    assert "<script src" not in html  # nothing fetched from a CDN
    assert "Country mix by tier" in html and "CELL_CHN" in html


def test_export_commands(tmp_path: Path) -> None:
    p = write_graph(
        tmp_path / "g.json",
        [{"id": "P", "country": "USA", "input_value_usd": 50}, {"id": "A", "country": "CHN"}],
        [{"supplier": "A", "buyer": "P", "share": 1}],
        final_product="850760",
        final_value_usd=100,
    )
    res = runner.invoke(
        app,
        [
            "network",
            "export",
            str(p),
            "--ftm",
            str(tmp_path / "e.jsonl"),
            "--graphml",
            str(tmp_path / "g.graphml"),
            "--bom",
            str(tmp_path / "b.json"),
        ],
    )
    assert res.exit_code == 0, res.output
    bom = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert bom["materials"][0]["value"] == 50.0 and bom["materials"][0]["origin"] == "CHN"
    assert len((tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_example_command_copies_templates(tmp_path: Path) -> None:
    res = runner.invoke(app, ["network", "example", str(tmp_path / "ex")])
    assert res.exit_code == 0, res.output
    from_json = read_graph(tmp_path / "ex" / "ev_battery.json")
    assert from_json.n_edges == read_graph(tmp_path / "ex" / "ev_battery_csv").n_edges


def test_bad_input_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from supplyscope.cli import main

    p = write_graph(
        tmp_path / "bad.json",
        [{"id": "P", "country": "USA"}, {"id": "A", "country": "ZZZ"}],
        [{"supplier": "A", "buyer": "P", "share": 1}],
    )
    monkeypatch.setattr(sys, "argv", ["supplyscope", "trace", str(p), "--format", "json"])
    with pytest.raises(SystemExit) as exit_info:
        main()  # the console entry point: prints the error and exits
    assert exit_info.value.code == 5  # DataError
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert "row 2" in out.err and "nodes.country" in out.err and "ZZZ" in out.err
    assert out.out == ""
