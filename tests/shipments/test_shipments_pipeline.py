"""The screening pipeline on DuckDB, checked against results worked by hand for the fixture.

Rates used below are read from the bundled HTSUS 2026 Revision 4 and the USTR Section 301 lists:
6110.20.20.79 general 16.5%, column 2 50%, List 4A (7.5%); 9403.20.00.50 Free, List 3 (25%);
7326.90.86.88 general 2.9%, column 2 45%; 7208.51.00.30 Free and a Section 232 steel product;
0201.10.05.00 4.4¢/kg (specific: not computable); 8471.30.01.00 and 8517.13.00.00 Free.
The fixture's entry dates are 2024-06-03/04: no IEEPA or Section 122 duty yet, de minimis not suspended,
Section 232 steel at 25% with Canada excepted (Proclamation 9894, as printed in heading 9903.80.01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from supplyscope.engine import DuckDBEngine
from supplyscope.shipments import (
    IndexScreener,
    TariffLayer,
    ad_valorem,
    load_settings,
    screen_file,
    tariff_facts,
)

HTS_FILE = "tariffs/hts_2026_revision_4.parquet"

DATA = Path(__file__).parent / "data"
SMALL = DATA / "shipments_small.csv"


@pytest.fixture(scope="module")
def screener() -> IndexScreener:
    return IndexScreener()


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, screener: IndexScreener) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = tmp_path_factory.mktemp("out")
    with DuckDBEngine() as eng:
        res = screen_file(SMALL, out, eng, screener=screener, coverage=TariffLayer())
    flagged = pd.read_parquet(out / "flagged.parquet").set_index("shipment_id")
    return flagged, res.aggregates


def test_ad_valorem_parsing() -> None:
    assert ad_valorem("Free") == 0.0
    assert ad_valorem("16.5%") == pytest.approx(0.165)
    assert ad_valorem("Free (A,AU,BH)") == 0.0
    assert ad_valorem("4.4¢/kg") is None
    assert ad_valorem("1.5¢/kg + 2%") is None
    assert ad_valorem(None) is None


def test_tariff_facts_match_the_schedule_text() -> None:
    raw = pd.read_parquet(Path(__import__("supplyscope").__file__).parent / "data" / "bundled" / HTS_FILE)
    general = dict(zip(raw["HTS Number"], raw["General Rate of Duty"], strict=False))
    assert general["6110.20.20"] == "16.5%"  # the 8-digit line carries the rate the 10-digit inherits
    day = date(2024, 6, 3)
    keys = [(c, "CHN", day) for c in ("6110202079", "9403200050", "0201100500", "8471300100")]
    f = tariff_facts(keys, load_settings(), TariffLayer()).set_index("hts10")
    assert f.loc["6110202079", "base_rate"] == pytest.approx(0.165)
    assert f.loc["6110202079", "s301_lists"] == "List 4A"
    assert f.loc["6110202079", "section301_rate"] == pytest.approx(0.075)
    assert f.loc["9403200050", "section301_rate"] == pytest.approx(0.25)
    assert pd.isna(f.loc["0201100500", "base_rate"]) and pd.isna(f.loc["0201100500", "duty_rate"])
    assert pd.isna(f.loc["8471300100", "s301_lists"])  # on List 4B only, which never took effect


def test_tariff_facts_follow_the_entry_date() -> None:
    # 7208.51.00.30 from Canada: excepted from 232 in 2024 (9903.80.01), 50% from 2025-06-04 (Procl. 10947)
    keys = [("7208510030", "CAN", date(2024, 6, 4)), ("7208510030", "CAN", date(2026, 6, 1))]
    f = tariff_facts(keys, load_settings(), TariffLayer()).set_index("entry_date")
    assert f.loc[date(2024, 6, 4), "section232_rate"] == 0.0 and not f.loc[date(2024, 6, 4), "s232"]
    assert f.loc[date(2026, 6, 1), "section232_rate"] == pytest.approx(0.50)
    # de minimis: available in 2024, suspended for all countries from 2025-08-29 (EO 14324)
    assert f.loc[date(2024, 6, 4), "de_minimis_available"]
    assert not f.loc[date(2026, 6, 1), "de_minimis_available"]
    assert f.loc[date(2026, 6, 1), "de_minimis_suspended_since"] == "2025-08-29"


def test_no_de_minimis_after_the_2025_suspensions(tmp_path: Path, stub_screener: Any) -> None:
    moved = pd.read_csv(SMALL, dtype=str)
    moved["entry_date"] = "2026-06-01"
    path = tmp_path / "late.csv"
    moved.to_csv(path, index=False)
    with DuckDBEngine() as eng:
        res = screen_file(path, tmp_path / "o", eng, screener=stub_screener(), coverage=TariffLayer())
    total = res.aggregates[res.aggregates["level"] == "total"].iloc[0]
    assert total["de_minimis_claimed"] == 8
    assert total["claimed_eligible_current"] == 0
    assert total["duty_forgone_current_usd"] == 0.0


def test_flagged_shipments_and_reasons(result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    flagged, _ = result
    assert sorted(flagged.index) == ["S01", "S02", "S04", "S05", "S07", "S09"]
    reasons = flagged["risk_reasons"].to_dict()
    assert reasons["S01"] == "de_minimis_excluded_proposed"  # claimed, 301 List 4A, China
    assert reasons["S02"] == "de_minimis_over_threshold"  # 1,200 > 800
    assert "S08" not in reasons  # exactly 800 is eligible; Canadian steel was excepted from 232 in 2024
    assert reasons["S09"] == "de_minimis_over_threshold"  # 800.01 > 800
    assert "listed_entity" in reasons["S04"] and "xinjiang_address" in reasons["S04"]
    assert flagged.loc["S04", "shipper_hit_list"] == "UFLPA"
    assert flagged.loc["S04", "shipper_hit_name"] == "Changji Esquel Textile Co., Ltd."
    assert flagged.loc["S05", "xinjiang_term"] == "urumqi"
    assert not flagged.loc["S05", "shipper_hit_list"] or pd.isna(flagged.loc["S05", "shipper_hit_list"])


def test_duty_forgone_by_hand(result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    flagged, agg = result
    # S01: 40 x (16.5% MFN + 7.5% List 4A) = 9.60; S05: 200 x (0% + 25% List 3) = 50.00;
    # S08 (CAN, 2024, excepted from 232): 800 x 0% = 0.00; S06 (RUS, column 2 45%): 100 x 45% = 45.00;
    # S03 (SWE): 100 x 16.5% = 16.50; S07: specific rate, not computable.
    assert flagged.loc["S01", "duty_forgone_current_usd"] == pytest.approx(9.6)
    assert flagged.loc["S05", "duty_forgone_current_usd"] == pytest.approx(50.0)
    assert pd.isna(flagged.loc["S07", "duty_forgone_current_usd"])
    total = agg[agg["level"] == "total"].iloc[0]
    assert total["shipments"] == 10
    assert total["flagged"] == 6
    assert total["de_minimis_claimed"] == 8
    assert total["claimed_eligible_current"] == 6  # S02 and S09 are over 800
    assert total["claimed_eligible_proposed"] == 3  # S03, S06, S08: not covered by 301/232 on their dates
    assert total["duty_forgone_current_usd"] == pytest.approx(9.6 + 50 + 0 + 45 + 16.5)
    assert total["duty_forgone_proposed_usd"] == pytest.approx(45 + 16.5)
    assert total["duty_not_computable"] == 1
    assert total["section301_covered"] == 4  # S01, S04, S05, S07 (China origin, on a list)


def test_aggregate_levels_add_up(result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, agg = result
    numeric = [c for c in agg.columns if c not in ("level", "origin", "hts_chapter", "mode")]
    total = agg[agg["level"] == "total"][numeric].iloc[0]
    for level in ("origin x hts_chapter x mode", "origin", "hts_chapter", "mode"):
        sums = agg[agg["level"] == level][numeric].sum()
        assert sums.to_numpy() == pytest.approx(total.to_numpy()), level
    assert set(agg.loc[agg["level"] == "mode", "mode"]) == {"air", "express", "mail", "ocean", "truck"}


def test_distinct_shippers_screened_once_and_settings_switch(tmp_path: Path, stub_screener: Any) -> None:
    stub = stub_screener()
    cfg = tmp_path / "s.toml"
    cfg.write_text("[de_minimis]\nthreshold_usd = 100.0\napply_proposed_exclusions = true\n")
    with DuckDBEngine() as eng:
        res = screen_file(
            SMALL, tmp_path / "o", eng, settings=load_settings(cfg), screener=stub, coverage=TariffLayer()
        )
    assert len(stub.calls) == len(set(stub.calls)) == 6  # 10 shipments, 6 distinct shipper keys
    total = res.aggregates[res.aggregates["level"] == "total"].iloc[0]
    # threshold 100 and exclusions applied now: claimed and eligible = S06 (100, RUS, not covered) only;
    # S03 (100, SWE) is also at the threshold and not covered
    assert total["claimed_eligible_current"] == 2
    assert total["duty_forgone_current_usd"] == pytest.approx(45 + 16.5)
    assert total["listed_entity"] == 3  # the stub lists Nordic Knit AB: S03, S09, S10
    assert res.summary["screening_source"] == "stub"
