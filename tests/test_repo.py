"""Repository-level promises: generated docs in sync, provenance complete, README and CI agree, lint clean."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from supplyscope.data.paths import BUNDLED_DIR
from supplyscope.indicators.docs import render_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_indicator_docs_match_registry(bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from supplyscope.cli.indicators import method_tables

    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path))
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert text == render_markdown(*method_tables(bundled_db)), (
        "run `supplyscope indicators docs --write docs/indicators.md`"
    )


def test_readme_and_validation_outputs_match_real_runs(bundled_db: Path, tmp_path: Path) -> None:
    """Sample outputs between `<!-- output: ... -->` markers are regenerated and must equal the files."""
    sys.path.insert(0, str(ROOT / "tools"))
    import readme_outputs

    for f in readme_outputs.FILES:
        text = f.read_text(encoding="utf-8")
        assert "<!-- output:" in text
        fresh = readme_outputs.render(text, bundled_db, tmp_path)
        assert fresh == text, f"{f.name} differs from a real run: python tools/readme_outputs.py --write"


def test_bundle_is_small_and_every_file_has_provenance() -> None:
    files = [
        p for p in BUNDLED_DIR.rglob("*") if p.is_file() and p.suffix not in (".md",) and p.name != "provenance.json"
    ]
    total = sum(p.stat().st_size for p in BUNDLED_DIR.rglob("*") if p.is_file())
    assert total <= 60 * 1024 * 1024
    documented = "\n".join(p.read_text(encoding="utf-8") for p in BUNDLED_DIR.rglob("PROVENANCE.md"))
    for p in files:
        rel = p.relative_to(BUNDLED_DIR).as_posix()
        name_in_area = p.relative_to(p.parent.parent).as_posix() if p.parent != BUNDLED_DIR else p.name
        assert rel in documented or p.name in documented or name_in_area in documented, f"{rel} lacks provenance"


def test_foundation_row_counts_match_provenance() -> None:
    entries = json.loads((BUNDLED_DIR / "provenance.json").read_text())
    for e in entries:
        path = BUNDLED_DIR / e["path"]
        if path.suffix == ".parquet":
            assert len(pd.read_parquet(path)) == e["rows"], e["path"]


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert "supplyscope assess" in blocks[0]
    test_cmd = blocks[1].strip()
    assert "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(), reason="ruff not installed"
)
def test_ruff_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    # the whole tree: code, and the Python examples in the docs' Markdown
    proc = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    fmt = [ruff, "format", "--check", "."]
    proc = subprocess.run(fmt, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, "run `ruff format`:\n" + proc.stdout[-3000:]


def test_mypy_strict_clean() -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:]
