"""The HS→ICIO concordance audit, checked against the raw HS→ISIC4 concordance."""

from __future__ import annotations

import pandas as pd

from supplyscope.codes.concordance import hs6_to_icio, icio_audit, isic4_to_icio
from supplyscope.data.paths import bundled


def test_rare_earth_metals_are_chemicals_not_petroleum() -> None:
    m = hs6_to_icio()
    assert m.loc[m["hs6"] == "280530", "industry"].tolist() == ["C20"]
    audit = icio_audit()
    row = audit[(audit["hs6"] == "280530") & (audit["dropped"] == "C19")]
    assert len(row) == 1 and "refined petroleum" in row["reason"].iloc[0]


def test_no_product_loses_its_mapping_and_weights_sum_to_one() -> None:
    m = hs6_to_icio()
    audit = icio_audit()
    assert set(audit["hs6"]) <= set(m["hs6"])
    assert (m.groupby("hs6")["weight"].sum() - 1.0).abs().max() < 1e-12
    # no kept pair breaks a rule for a product that has an alternative
    kept = m.merge(audit[["hs6", "dropped"]], left_on=["hs6", "industry"], right_on=["hs6", "dropped"])
    assert kept.empty


def test_sample_of_kept_pairs_matches_the_isic4_source() -> None:
    """Each kept (hs6, sector) of a sample comes from an ISIC4 class the raw concordance lists for the hs6."""
    raw = pd.read_parquet(bundled("codes/hs_isic4.parquet")).dropna(subset=["ISIC4_4d"])
    m = hs6_to_icio().sample(300, random_state=1)
    for hs6, sector in zip(m["hs6"], m["industry"], strict=True):
        rows = raw[raw["HS_6d"] == hs6]
        sectors = {isic4_to_icio(i, s) for i, s in zip(rows["ISIC4_4d"], rows["ISIC4_1d"], strict=True)}
        assert sector in sectors, (hs6, sector, sectors)
    # and the chemicals of chapters 28-29 no longer reach the petroleum sector
    chem = hs6_to_icio()
    chem = chem[chem["hs6"].str[:2].isin(["28", "29"])]
    assert (chem["industry"] == "C19").sum() == 0
    assert (chem["industry"] == "C20").sum() > 400
