"""Issue 19: on DuckDB the world top-3 share is a top-k aggregate; it equals the portable ROW_NUMBER query.

Also the context's one catalogue scan gives the same years and sources as asking the flows directly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from supplyscope.data.warehouse import Warehouse
from supplyscope.errors import NotFoundError
from supplyscope.indicators import tables
from supplyscope.indicators.context import Context


def _world(ctx: Context, top_k: bool) -> pd.DataFrame:
    base = (
        tables.baci_world_shares_sql(ctx.y, ctx.world_sources) if ctx.world_sources else tables.icio_world_shares_sql()
    )
    shares = tables.usgs_world_shares_sql(ctx.mineral_stages, base)
    sql = tables.world_stats_sql(shares, ctx.importer, ctx.y, ctx.importer_sources, top_k=top_k)
    return ctx.warehouse.query(sql).set_index("hs6").sort_index()


def test_top_k_and_window_give_the_same_world_statistics(bundled_wh: Warehouse) -> None:
    ctx = Context(bundled_wh, importer="USA")
    fast, portable = _world(ctx, top_k=True), _world(ctx, top_k=False)
    assert "ROW_NUMBER" not in tables.world_stats_sql("SELECT 1", "USA", 2024, ["x"], top_k=True)
    assert len(fast) == len(portable) > 1000
    assert list(fast.index) == list(portable.index)
    numeric = [c for c in portable.columns if c != "world_basis"]
    np.testing.assert_allclose(
        fast[numeric].to_numpy(float),
        portable[numeric].to_numpy(float),
        rtol=1e-12,
        atol=1e-15,
    )
    assert (fast["world_basis"] == portable["world_basis"]).all()
    top3 = fast["world_top3_share"]
    assert ((top3 > 0) & (top3 <= 1 + 1e-12)).all() and (top3 >= fast["world_export_hhi"] - 1e-12).all()
    # the context uses the top-k form on DuckDB (DuckDB's parallel sums may differ in the last bit between runs)
    np.testing.assert_allclose(ctx.world_stats["world_top3_share"].sort_index().to_numpy(float), top3, rtol=1e-12)


def test_one_catalogue_scan_gives_the_years_and_sources(bundled_wh: Warehouse) -> None:
    ctx = Context(bundled_wh, importer="USA")
    con = bundled_wh.con
    years = [
        y for (y,) in con.execute("SELECT DISTINCT year FROM trade_flows WHERE importer = 'USA' ORDER BY 1").fetchall()
    ]
    assert ctx.years_available() == years and ctx.y == max(years)
    own = con.execute(
        "SELECT DISTINCT source FROM trade_flows WHERE importer = 'USA' AND year = ? AND reporter = 'importer'",
        [ctx.y],
    ).fetchall()
    assert own and sorted(ctx.importer_sources) == sorted(s for (s,) in own)


def test_an_importer_without_flows_names_the_known_ones(bundled_db: Path) -> None:
    with Warehouse.open(bundled_db, read_only=True) as wh, pytest.raises(NotFoundError) as err:
        Context(wh, importer="ZZZ")
    assert "USA" in str(err.value)
