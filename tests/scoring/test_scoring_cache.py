"""Issue 19: the scored assessment is cached per warehouse, settings and filters; the ranking needs no scipy;
a warm explain reads the stored records without pandas and gives the record the full path gives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from supplyscope import api
from supplyscope.scoring import stored
from supplyscope.scoring.assessment import assess as run_assessment
from supplyscope.scoring.sensitivity import min_ranks


def test_min_ranks_hand_worked() -> None:
    # row 1: values 3, 1, 3, 2 -> ranks 3, 1, 3, 2 ("min": the tied 3s share rank 3, the next would be 5)
    x = np.array([[3.0, 1.0, 3.0, 2.0], [0.0, 0.0, 0.0, -1.0]])
    assert min_ranks(x).tolist() == [[3.0, 1.0, 3.0, 2.0], [2.0, 2.0, 2.0, 1.0]]


def test_min_ranks_matches_scipy() -> None:
    from scipy.stats import rankdata

    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(40, 300)), 1)  # rounded so that many values tie
    np.testing.assert_array_equal(min_ranks(x), rankdata(x, method="min", axis=1))


def test_the_entry_points_do_not_import_scipy() -> None:
    """explain and a cached assess pay no scipy import (the industry aggregation imports it when it runs)."""
    code = "import sys, supplyscope.api; print(any(m.split('.')[0] == 'scipy' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path / "home"))
    yield tmp_path / "home"


def _entries(home: Path) -> set[str]:
    d = home / "cache" / "assessment"
    return {p.name for p in d.iterdir() if p.is_dir() and p.name != "requests"} if d.exists() else set()


def test_cache_is_read_and_invalidated(home: Path, bundled_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    first, ctx = api.assessment(db=db, draws=20)
    ctx.warehouse.close()
    keys = _entries(home)
    assert len(keys) == 1

    calls: list[str] = []
    real = run_assessment  # what api.assessment calls on a cache miss

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("computed")
        return real(*args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(api, "run_assessment", counting)
    try:
        # same warehouse, settings and filters: read from the cache, not recomputed, same numbers
        again, ctx = api.assessment(db=db, draws=20)
        ctx.warehouse.close()
        assert calls == [] and _entries(home) == keys
        assert again.rank.equals(first.rank)
        rec = api.explain("850760", db=db, min_import=1e6)  # explain's filters differ (draws=200): one new entry
        assert calls == ["computed"] and rec["rank"] >= 1
        calls.clear()
        api.explain("850760", db=db)
        assert calls == [], "a warm explain reads the cached assessment"

        # filters: another floor is another entry
        res, ctx = api.assessment(db=db, draws=20, min_import=5e6)
        ctx.warehouse.close()
        assert calls == ["computed"] and res.count < first.count
        calls.clear()

        # settings: another weight is another entry
        cfg = tmp_path / "w.toml"
        cfg.write_text("[indicators.import_hhi]\nweight = 3.0\n", encoding="utf-8")
        api.assessment(db=db, draws=20, config=cfg)[1].warehouse.close()
        assert calls == ["computed"]
        calls.clear()

        # the warehouse: a changed file (new mtime) is recomputed
        before = _entries(home)
        st = db.stat()
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        api.assessment(db=db, draws=20)[1].warehouse.close()
        assert calls == ["computed"] and len(_entries(home)) == len(before) + 1
    finally:
        mp.undo()


def _same(a: object, b: object) -> bool:
    """Equal as JSON text (the records hold NaN, which is not equal to itself)."""
    return json.dumps(a) == json.dumps(b)


def test_cached_explain_equals_the_computed_record(home: Path, bundled_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    assert stored.cached_explain("850760", stored.AssessmentRequest(db=db)) is None  # nothing stored yet
    result, ctx = api.assessment(db=db)
    try:
        order = list(result.order())
        # the first, a middle and the last ranked product, and 850760 (lithium-ion batteries)
        codes = [order[0], order[len(order) // 2], order[-1], "850760"]
        computed = {c: api.explain_record(result, ctx, c) for c in codes}
        stats = ctx.importer_stats
        below = [c for c in stats.index if c not in result.scores.index][:3]
        computed_below = {c: api._below_floor(result, ctx, c) for c in below}
    finally:
        ctx.warehouse.close()
    assert below, "the bundled data has products under the $1M floor"
    for c in codes:
        rec = stored.cached_explain(c, stored.AssessmentRequest(db=db))
        assert rec is not None, c
        assert _same(rec, computed[c])
        assert rec["suppliers"] and rec["suppliers"][0]["value_usd"] >= rec["suppliers"][-1]["value_usd"]
    for c in below:
        rec = stored.cached_explain(c, stored.AssessmentRequest(db=db))
        assert rec is not None and rec["rank"] is None and _same(rec, computed_below[c])
    # not imported: the full path raises the error
    assert stored.cached_explain("999999", stored.AssessmentRequest(db=db)) is None
    # the frame-based record (what the report lists) and the stored one agree for every entity
    assert [r["hs6"] for r in result.entities(5)] == order[:5]


def test_a_weight_or_a_rebuilt_warehouse_is_not_read_from_the_cache(
    home: Path, bundled_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    api.assessment(db=db)[1].warehouse.close()
    before = stored.cached_explain("850760", stored.AssessmentRequest(db=db))
    assert before is not None
    cfg = tmp_path / "w.toml"
    cfg.write_text("[indicators.import_hhi]\nweight = 3.0\n", encoding="utf-8")
    assert stored.cached_explain("850760", stored.AssessmentRequest(db=db, config=cfg)) is None
    rec = api.explain("850760", db=db, config=cfg)  # computed under the new weight, then stored
    # import_hhi weighs 3 of its group's 6 (was 2 of 5), times the group's 2.0: 1.0 (was 0.8)
    assert rec["indicators"]["import_hhi"]["weight"] == 1.0 != before["indicators"]["import_hhi"]["weight"]
    assert rec["score"] != before["score"]
    again = stored.cached_explain("850760", stored.AssessmentRequest(db=db, config=cfg))
    assert _same(again, rec)
    st = db.stat()
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # as a rebuild leaves it
    assert stored.cached_explain("850760", stored.AssessmentRequest(db=db)) is None


def test_a_warm_explain_command_imports_no_pandas(home: Path, bundled_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    api.assessment(db=db)[1].warehouse.close()
    code = (
        "import atexit, sys\n"
        "heavy = ('pandas', 'numpy', 'scipy', 'plotly', 'pyarrow')\n"
        "atexit.register(lambda: print('LOADED', sorted(m for m in sys.modules if m in heavy), file=sys.stderr))\n"
        "from supplyscope.cli import main\n"
        f"sys.argv = ['supplyscope', 'explain', '850760', '--format', 'json', '--db', {str(db)!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "SUPPLYSCOPE_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"hs6": "850760"' in proc.stdout
    assert "LOADED []" in proc.stderr


def test_a_damaged_entry_is_recomputed_not_a_traceback(home: Path, bundled_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    api.assessment(db=db)[1].warehouse.close()
    before = stored.cached_explain("850760", stored.AssessmentRequest(db=db))
    assert before is not None
    [entry] = [home / "cache" / "assessment" / k for k in _entries(home)]
    (entry / "values.parquet").unlink()  # e.g. a disk clean-up that removed part of the cache
    assert stored.cached_explain("850760", stored.AssessmentRequest(db=db)) is None
    rec = api.explain("850760", db=db)  # recomputed and stored again
    assert rec["rank"] == before["rank"] and (entry / "values.parquet").exists()
