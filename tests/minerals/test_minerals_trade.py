"""HS codes of each mineral and the US import table per mineral."""

from __future__ import annotations

import pandas as pd
import pytest

from supplyscope.codes.minerals import load_catalog, load_hs_codes, load_hs_lines
from supplyscope.data.paths import bundled
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


def test_lines_exist_in_hts_2026_with_their_description() -> None:
    hts = pd.read_parquet(bundled("tariffs/hts_2026_revision_4.parquet"))
    by_code = dict(zip(hts["HTS Number"].astype(str), hts["Description"].astype(str), strict=False))
    for line in load_hs_lines():
        assert line.dotted in by_code, line.hts10
        assert by_code[line.dotted].strip() == line.description, line.hts10
        assert line.dotted in line.citation


def test_shared_hs6_is_split_by_line() -> None:
    raw = pd.read_parquet(bundled(TRADE_FILE))
    imports = load_mineral_imports()
    sel = raw[raw["hts10"].isin(["8112926000", "8112926500"])]
    svk = sel.loc[sel["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
    ge = imports[(imports["mineral"] == "germanium") & (imports["hs6"] == "811292")]
    assert ge["value_usd"].sum() == pytest.approx(sel["imports_for_consumption_usd"].sum() - svk)
    assert not ge["shared"].any() and ge["basis"].str.contains("8112.92.60.00|8112.92.65.00").all()
    # the lines given to minerals plus indium and waste and scrap make up the whole HS6
    whole = raw[raw["hs6"] == "811292"]
    assigned = imports[imports["hs6"] == "811292"]["value_usd"].sum()
    rest = raw[raw["hts10"].isin(["8112923000", "8112920700"])]
    svk_all = whole.loc[whole["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
    svk_rest = rest.loc[rest["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
    assert assigned + rest["imports_for_consumption_usd"].sum() - svk_rest == pytest.approx(
        whole["imports_for_consumption_usd"].sum() - svk_all
    )


def test_mineral_totals_match_raw_sums() -> None:
    raw = pd.read_parquet(bundled(TRADE_FILE))
    imports = load_mineral_imports()
    split = {line.hs6 for line in load_hs_lines()}
    for mineral in ("rare-earths", "lithium", "gallium"):
        codes = {c.hs6 for c in load_hs_codes() if mineral in c.minerals} - split
        lines = {line.hts10 for line in load_hs_lines() if mineral in line.minerals}
        sel = raw[raw["hs6"].isin(codes) | raw["hts10"].isin(lines)]
        svk = sel.loc[sel["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
        expected = sel["imports_for_consumption_usd"].sum() - svk
        assert imports.loc[imports["mineral"] == mineral, "value_usd"].sum() == pytest.approx(expected)
