"""HS codes of each mineral and the US import table per mineral."""

from __future__ import annotations

import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.minerals.catalog import load_catalog, load_hs_codes
from supplyscope.minerals.trade import TRADE_FILE, load_mineral_imports, read_us_imports


@pytest.fixture(scope="module")
def hs2022() -> pd.DataFrame:
    return pd.read_parquet(bundled("codes/hs2022_harmonized_system.parquet")).set_index("hscode")


def test_every_code_exists_with_its_heading(hs2022: pd.DataFrame) -> None:
    for code in load_hs_codes():
        assert code.hs6 in hs2022.index, code.hs6
        assert hs2022.loc[code.hs6, "level"] in ("6", 6)
        assert hs2022.loc[code.hs6, "description"] == code.heading, code.hs6


def test_every_mcs_mineral_has_codes() -> None:
    covered = {m for c in load_hs_codes() for m in c.minerals}
    assert covered == set(load_catalog())


def test_eu27_net_of_slovakia() -> None:
    raw = pd.read_parquet(bundled(TRADE_FILE))
    hs6 = "760110"  # unwrought aluminium: both EU27 and SVK appear
    sel = raw[raw["hs6"] == hs6]
    eu = sel.loc[sel["partner_iso3"] == "EU27", "imports_for_consumption_usd"].sum()
    svk = sel.loc[sel["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
    got = read_us_imports(hs6=[hs6]).set_index("partner")["value_usd"]
    assert got["EU27"] == pytest.approx(eu - svk)
    # summing partners now equals the raw total minus the double-counted Slovakia
    assert got.sum() == pytest.approx(sel["imports_for_consumption_usd"].sum() - svk)


def test_mineral_totals_match_raw_sums() -> None:
    raw = pd.read_parquet(bundled(TRADE_FILE))
    imports = load_mineral_imports()
    for mineral in ("rare-earths", "lithium", "gallium"):
        codes = {c.hs6 for c in load_hs_codes() if mineral in c.minerals}
        sel = raw[raw["hs6"].isin(codes)]
        svk = sel.loc[sel["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
        expected = sel["imports_for_consumption_usd"].sum() - svk
        assert imports.loc[imports["mineral"] == mineral, "value_usd"].sum() == pytest.approx(expected)
