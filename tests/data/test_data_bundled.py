"""Indicators on the bundled real data, checked against independent computations inside the test."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.indicators.context import Context
from supplyscope.scoring.assessment import indicator_values


@pytest.fixture(scope="module")
def real(bundled_db):  # type: ignore[no-untyped-def]
    from supplyscope.data.warehouse import Warehouse

    wh = Warehouse.open(bundled_db, read_only=True)
    ctx = Context(wh, importer="USA")
    vals, reasons, bases = indicator_values(ctx)
    yield vals, reasons, bases, ctx
    wh.close()


def _independent_shares() -> pd.DataFrame:
    """Supplier shares straight from the raw bundled Parquet, Slovakia netted out of EU27 in SQL."""
    path = bundled("trade/us_imports_hs10_by_partner_2024.parquet")
    sql = f"""
    WITH raw AS (SELECT partner_iso3 AS p, hts10, hs6, imports_for_consumption_usd AS v FROM '{path}'),
    svk AS (SELECT hts10, v FROM raw WHERE p = 'SVK'),
    adj AS (
      SELECT raw.p, raw.hs6,
             CASE WHEN raw.p = 'EU27' THEN raw.v - COALESCE(svk.v, 0) ELSE raw.v END AS v
      FROM raw LEFT JOIN svk ON raw.hts10 = svk.hts10
    ),
    byp AS (SELECT hs6, p, SUM(v) AS v FROM adj GROUP BY 1, 2)
    SELECT hs6, p, v / SUM(v) OVER (PARTITION BY hs6) AS s, v FROM byp
    """
    return duckdb.sql(sql).df()


def test_import_concentration_matches_independent_sql(real) -> None:  # type: ignore[no-untyped-def]
    vals = real[0]
    sh = _independent_shares()
    sh = sh[sh["s"].notna()]
    hhi = sh.assign(s2=sh["s"] ** 2).groupby("hs6")["s2"].sum()
    top = sh.groupby("hs6")["s"].max()
    n1 = sh[sh["s"] > 0.01].groupby("hs6").size()
    common = vals.index.intersection(hhi.index)
    assert len(common) > 5000
    np.testing.assert_allclose(vals.loc[common, "import_hhi"], hhi[common], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(vals.loc[common, "top_supplier_share"], top[common], rtol=1e-9)
    np.testing.assert_array_equal(vals.loc[common, "suppliers_above_1pct"], n1.reindex(common).fillna(0))
    assert vals["import_hhi"].between(0, 1).all()


def test_slovakia_is_not_counted_twice(real) -> None:  # type: ignore[no-untyped-def]
    raw = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    ctx = real[3]
    total = ctx.warehouse.query("SELECT SUM(value_usd) AS v FROM trade_flows WHERE importer = 'USA'")["v"].iloc[0]
    svk = raw.loc[raw["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
    assert total == pytest.approx(raw["imports_for_consumption_usd"].sum() - svk, rel=1e-12)
    # the published total is 3,217 bn USD including the double-counted Slovakia
    assert raw["imports_for_consumption_usd"].sum() / 1e9 == pytest.approx(3217, abs=1)


def test_lithium_ion_batteries_china_share(real) -> None:  # type: ignore[no-untyped-def]
    vals = real[0]
    sh = _independent_shares()
    chn = sh[(sh["hs6"] == "850760") & (sh["p"] == "CHN")]["s"].iloc[0]
    assert vals.loc["850760", "concern_share"] == pytest.approx(
        chn + sh[(sh["hs6"] == "850760") & (sh["p"] == "HKG")]["s"].sum(), rel=1e-9
    )
    assert 0.6 < chn < 0.8  # China supplied about 70% of US lithium-ion battery imports in 2024


def test_section301_share_matches_independent_join(real) -> None:  # type: ignore[no-untyped-def]
    vals = real[0]
    imp = bundled("trade/us_imports_hs10_by_partner_2024.parquet")
    lists = bundled("tariffs/section301_china_lists_1_to_4.parquet")
    df = (
        duckdb.sql(f"""
      WITH l AS (SELECT DISTINCT hts8 FROM '{lists}' WHERE list <> 'List 4B' AND is_chapter98_99_header = 'False')
      SELECT hs6, SUM(CASE WHEN partner_iso3 = 'CHN' AND l.hts8 IS NOT NULL THEN imports_for_consumption_usd ELSE 0
             END) AS on_list,
             SUM(imports_for_consumption_usd) - SUM(CASE WHEN partner_iso3 = 'SVK' THEN imports_for_consumption_usd
             ELSE 0 END) AS total
      FROM '{imp}' t LEFT JOIN l ON substr(t.hts10, 1, 8) = l.hts8 GROUP BY hs6 HAVING total > 0
    """)
        .df()
        .set_index("hs6")
    )
    share = df["on_list"] / df["total"]
    common = vals.index.intersection(share.index)
    np.testing.assert_allclose(vals.loc[common, "section301_share"], share[common], rtol=1e-6, atol=1e-9)


def test_world_export_hhi_matches_numpy_on_icio(real) -> None:  # type: ignore[no-untyped-def]
    vals = real[0]
    from supplyscope.codes.concordance import hs6_to_icio

    with np.load(bundled("io/oecd_icio2025_y2022_80c50s.npz")) as z:
        go = z["gross_output"].reshape(50, 80)  # sector-major
        sectors = list(z["sectors"].astype(str))
    shares = go / go.sum(axis=1, keepdims=True)
    links = hs6_to_icio()
    for code in ("850760", "260300", "847130", "030324"):  # not mineral-linked: ICIO sector basis
        rows = links[links["hs6"] == code]
        blend = sum(w * shares[sectors.index(s)] for s, w in zip(rows["industry"], rows["weight"], strict=True))
        assert vals.loc[code, "world_export_hhi"] == pytest.approx(float((blend**2).sum()), rel=1e-9)


def test_shares_and_bases_are_reported(real) -> None:  # type: ignore[no-untyped-def]
    vals, reasons, bases, _ = real
    for col in (
        "top_supplier_share",
        "top3_share",
        "concern_share",
        "non_fta_share",
        "world_concern_share",
        "section301_share",
        "nes_basket_share",
        "undisclosed_partner_share",
    ):
        s = vals[col].dropna()
        assert ((s >= -1e-12) & (s <= 1 + 1e-12)).all(), col
    assert "ICIO" in bases["world_export_hhi"]
    assert set(reasons) == {"import_hhi_change", "mirror_discrepancy"}
