"""The notebook example runs end to end on the bundled data and writes its chart."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "assessment_walkthrough.py"


def test_walkthrough_is_percent_format() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("# %% [markdown]") and text.count("# %%") >= 8


@pytest.mark.usefixtures("bundled_db")
def test_walkthrough_runs_and_writes_a_chart(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:supplyscope"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    chart = tmp_path / "assessment_top30.html"
    html = chart.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and 'src="https://cdn' not in html
    assert "diversity" in html and "transparency" in html
    lines = proc.stdout.splitlines()
    assert lines[0].endswith("products scored for USA 2024")
    assert any(line.startswith("security weight 2:") for line in lines)


def test_runpy_namespace_is_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in-process: the re-weighted result keeps the same products, and ranks are a permutation."""
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), str(tmp_path)])
    ns = runpy.run_path(str(SCRIPT))
    a, b = ns["frame"], ns["security_first"].to_frame()
    assert set(a["hs6"]) == set(b["hs6"])
    assert sorted(b["rank"]) == list(range(1, len(b) + 1))
