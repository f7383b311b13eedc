"""Issue 19: a warm ``supplyscope assess`` prints the stored ranking without pandas or plotly and leaves the
files written for the same stored assessment alone; a changed weight or warehouse recomputes and rewrites."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from supplyscope import api
from supplyscope.scoring import stored

STEM = "assess_USA_2024_product"
FILES = (f"{STEM}.csv", f"{STEM}.parquet", f"{STEM}.html")
PROBE = (
    "import atexit, sys\n"
    "heavy = ('pandas', 'numpy', 'scipy', 'plotly', 'pyarrow')\n"
    "atexit.register(lambda: print('LOADED', sorted(m for m in sys.modules if m in heavy), file=sys.stderr))\n"
    "from supplyscope.cli import main\n"
    "main()\n"
)


def _flat(text: str) -> str:
    """Console output with Rich's line wrapping undone (a long path wraps the status line at 80 columns)."""
    return " ".join(text.split())


def _assess(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SUPPLYSCOPE_HOME": str(home), "COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "assess", *args], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _body(stdout: str) -> str:
    """Everything before the status line (which names the files, and says whether they were rewritten)."""
    return stdout[: stdout.rindex("ranking: ")]


def _files(out: Path) -> dict[str, tuple[bytes, int]]:
    return {name: ((out / name).read_bytes(), (out / name).stat().st_mtime_ns) for name in FILES}


@dataclass(frozen=True)
class Cold:
    home: Path
    db: Path
    out: Path
    stdout: str
    files: dict[str, tuple[bytes, int]]


@pytest.fixture(scope="module")
def cold(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Cold:
    """One cold ``assess`` (nothing stored yet) in a private home: what every warm run is compared with."""
    tmp = tmp_path_factory.mktemp("assess_warm")
    db = tmp / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    out = tmp / "out"
    proc = _assess(tmp / "home", "--top", "12", "--db", str(db), "--out", str(out))
    assert "unchanged" not in proc.stdout
    return Cold(tmp / "home", db, out, proc.stdout, _files(out))


def test_a_warm_assess_prints_the_cold_table_and_leaves_the_files(cold: Cold) -> None:
    warm = _assess(cold.home, "--top", "12", "--db", str(cold.db), "--out", str(cold.out))
    assert _body(warm.stdout) == _body(cold.stdout)
    assert "report unchanged" in _flat(warm.stdout) and "report unchanged" not in _flat(cold.stdout)
    assert _files(cold.out) == cold.files  # same bytes, and not even rewritten (same mtimes)


def test_a_warm_assess_command_imports_no_pandas(cold: Cold) -> None:
    warm = _assess(cold.home, "--top", "12", "--db", str(cold.db), "--out", str(cold.out))
    assert "report unchanged" in _flat(warm.stdout)
    assert "LOADED []" in warm.stderr


def test_warm_json_equals_the_full_path_json(cold: Cold, tmp_path: Path) -> None:
    """The JSON read from the stored files equals what the full path (pandas) prints and writes."""
    common = ("--top", "12", "--format", "json", "--db", str(cold.db))
    warm = _assess(cold.home, *common, "--out", str(cold.out))
    assert "report unchanged" in _flat(warm.stderr) and "LOADED []" in warm.stderr
    full = _assess(cold.home, *common, "--out", str(tmp_path / "other"))  # no files there yet: written
    assert "report unchanged" not in _flat(full.stderr) and "'pandas'" in full.stderr
    assert warm.stdout == full.stdout
    assert len(json.loads(warm.stdout)["entities"]) == 12
    assert (tmp_path / "other" / f"{STEM}.csv").read_bytes() == cold.files[f"{STEM}.csv"][0]


def test_a_changed_or_missing_file_is_written_again(cold: Cold, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(cold.out, out, copy_function=shutil.copy2)  # same bytes and mtimes, another directory
    again = _assess(cold.home, "--top", "12", "--db", str(cold.db), "--out", str(out))
    assert "report unchanged" in _flat(again.stdout)  # the sidecar names files, not directories
    (out / f"{STEM}.csv").write_text("edited", encoding="utf-8")
    again = _assess(cold.home, "--top", "12", "--db", str(cold.db), "--out", str(out))
    assert "report unchanged" not in _flat(again.stdout)
    assert (out / f"{STEM}.csv").read_bytes() == cold.files[f"{STEM}.csv"][0]
    other_top = _assess(cold.home, "--top", "5", "--db", str(cold.db), "--out", str(out))
    assert "report unchanged" not in _flat(other_top.stdout)  # the report lists the top entities in detail
    assert (out / f"{STEM}.html").read_bytes() != cold.files[f"{STEM}.html"][0]


def _marker(report: Path) -> str:
    head = report.read_text(encoding="utf-8")[:4096]
    start = head.index('name="supplyscope-assessment" content="') + len('name="supplyscope-assessment" content="')
    return head[start : head.index('"', start)]


def test_a_new_weight_or_warehouse_recomputes_and_rewrites(cold: Cold, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(cold.out, out, copy_function=shutil.copy2)
    report = out / f"{STEM}.html"
    before = _marker(report)
    cfg = tmp_path / "weights.toml"
    cfg.write_text("[indicators.import_hhi]\nweight = 3.0\n", encoding="utf-8")
    weighted = _assess(cold.home, "--top", "12", "--db", str(cold.db), "--out", str(out), "--config", str(cfg))
    assert "report unchanged" not in _flat(weighted.stdout)
    assert _body(weighted.stdout) != _body(cold.stdout)  # the weight changes scores
    assert _marker(report) != before
    assert (out / f"{STEM}.csv").read_bytes() != cold.files[f"{STEM}.csv"][0]
    db = tmp_path / "wh.duckdb"
    shutil.copy2(cold.db, db)
    rebuilt = _assess(cold.home, "--top", "12", "--db", str(db), "--out", str(out))  # another warehouse file
    assert "report unchanged" not in _flat(rebuilt.stdout)
    st = db.stat()
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # as a rebuild leaves it
    mtime = report.stat().st_mtime_ns
    touched = _assess(cold.home, "--top", "12", "--db", str(db), "--out", str(out))
    assert "report unchanged" not in _flat(touched.stdout) and report.stat().st_mtime_ns != mtime
    assert _body(touched.stdout) == _body(cold.stdout)


@pytest.mark.parametrize("level", ["product", "industry"])
def test_the_stored_ranking_is_the_assessments_json(
    level: str, bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path / "home"))
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    result, ctx = api.assessment(db=db, level=level, draws=20)  # computed, and stored
    ctx.warehouse.close()
    for top in (None, 3):
        got = stored.cached_ranking(top, stored.AssessmentRequest(db=db, level=level, draws=20))
        assert got is not None
        assert json.dumps(got.doc) == json.dumps(result.to_dict(top), default=str)
        assert got.reasons == result.reasons
    other = stored.AssessmentRequest(db=db, level=level, draws=21)  # another request: not stored
    assert stored.cached_ranking(3, other) is None
