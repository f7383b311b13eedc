"""Issue 19: the scored assessment is cached per warehouse, settings and filters; the ranking needs no scipy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from supplyscope import api
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
    return {p.name for p in d.iterdir() if p.is_dir()} if d.exists() else set()


def test_cache_is_read_and_invalidated(home: Path, bundled_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(bundled_db, db)
    first, ctx = api.assessment(db=db, draws=20)
    ctx.warehouse.close()
    keys = _entries(home)
    assert len(keys) == 1

    calls: list[str] = []
    real = api.run_assessment

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
