"""Face-value and look-through exposure; product link; published-figure checks."""

from __future__ import annotations

import numpy as np
import pytest

from supplyscope.codes.concordance import hs6_to_icio
from supplyscope.errors import DataError, NotFoundError
from supplyscope.inputoutput import (
    IOTable,
    domestic_sourcing,
    exposure,
    exposure_table,
    foreign_value_added,
    import_exposure,
    load_bea,
    product_exposure,
)


def test_hand_worked_two_region(miller_blair: IOTable) -> None:
    row = exposure(miller_blair, "R2", "R1").iloc[0]
    # A[:, R2] = (0.25, 0.05): face value 0.25 / 0.30
    assert row["face_value"] == pytest.approx(0.25 / 0.30, rel=1e-12)
    # (L - I)[:, R2] = (0.25, 0.0925) / 0.7575: look-through 0.25 / 0.3425
    assert row["look_through"] == pytest.approx(0.25 / 0.3425, rel=1e-12)
    assert row["ratio"] == pytest.approx((0.25 / 0.3425) / (0.25 / 0.30), rel=1e-12)


def test_shares_sum_to_one_over_sources(icio: IOTable) -> None:
    full = exposure_table(icio, "USA")
    sums = full.groupby("industry")[["face_value", "look_through"]].sum(min_count=1).dropna()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-9)
    assert len(sums) == 49  # T (households as employers) has no inputs


def test_look_through_matches_explicit_leontief_column(icio: IOTable) -> None:
    j = icio.node("USA", "C26")
    col = icio.lu.solve(np.eye(icio.n)[:, j])
    col[j] -= 1.0
    chn = icio.regions == "CHN"
    expected = col[chn].sum() / col.sum()
    got = exposure(icio, "USA", "CHN").set_index("industry").loc["C26", "look_through"]
    assert got == pytest.approx(expected, rel=1e-10)
    face = icio.Z[chn, j].sum() / icio.Z[:, j].sum()
    assert exposure(icio, "USA", "CHN").set_index("industry").loc["C26", "face_value"] == pytest.approx(face)


def test_unknown_country_lists_choices(icio: IOTable) -> None:
    with pytest.raises(NotFoundError, match="unknown country 'XXX'; available: AGO"):
        exposure(icio, "XXX", "CHN")
    with pytest.raises(NotFoundError, match="unknown source country 'ZZZ'"):
        exposure(icio, "USA", "ZZZ")


def test_product_exposure_is_concordance_weighted(icio: IOTable) -> None:
    by_sector = exposure(icio, "USA", "CHN").set_index("industry")
    conc = hs6_to_icio()
    out = product_exposure(["854231", "810199"], table=icio).set_index("hs6")
    part = conc[conc["hs6"] == "854231"]
    expected = float((part["weight"].to_numpy() * by_sector.loc[part["industry"], "look_through"].to_numpy()).sum())
    assert out.loc["854231", "look_through"] == pytest.approx(expected, rel=1e-12)
    assert out.loc["810199", "sector"] == "C24B"
    assert out.loc["810199", "face_value"] == pytest.approx(by_sector.loc["C24B", "face_value"])
    with pytest.raises(DataError, match="not an HS 6-digit code: '8542'"):
        product_exposure(["8542"], table=icio)
    with pytest.raises(NotFoundError, match="000000"):
        product_exposure(["000000"], table=icio)


def test_bea_import_exposure_hand_identity() -> None:
    t = load_bea("summary2023")
    imp = import_exposure(t).set_index("industry")
    j = int(np.flatnonzero(t.sectors == "334")[0])
    assert t.Z_imports is not None
    face = t.Z_imports[:, j].sum() / t.Z[:, j].sum()
    assert imp.loc["334", "face_value"] == pytest.approx(face, rel=1e-12)
    assert 0.0 < imp.loc["334", "look_through"] < 1.0


def test_foreign_value_added_is_of_published_order(icio: IOTable) -> None:
    # OECD TiVA country note, United States: foreign content of US gross exports 8% (1995)
    # to 15% (2008); 11% in 2009 (domestic content 89%).
    usa = foreign_value_added(icio, "USA")
    assert 0.05 < usa.share_of_intermediate_exports < 0.15
    assert usa.share_of_output + usa.domestic_va_share_of_output == pytest.approx(1.0)
    # Baldwin, Freeman & Theodorakopoulos: over 80% of US industrial inputs are sourced at home.
    dom = domestic_sourcing(icio, "USA", "C")
    assert dom.face_value > 0.8
    assert dom.look_through < dom.face_value
