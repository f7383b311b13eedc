"""The duty stack as origin calls it: layers checked against the HTS and list files read independently here."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError
from supplyscope.origin import duty_stack, section232_covered, section301_lists_for
from supplyscope.origin.hts import load_hts
from supplyscope.origin.section301 import load_section301

D2024 = "2024-06-01"


@pytest.fixture(scope="module")
def lists() -> pd.DataFrame:
    return pd.read_parquet(bundled("tariffs/section301_china_lists_1_to_4.parquet"))


def test_301_lookup_matches_the_list_file(lists: pd.DataFrame) -> None:
    live = lists[(lists["list"] != "List 4B") & (lists["is_chapter98_99_header"].astype(str) != "True")]
    sample = live.drop_duplicates("hts8").sample(25, random_state=1)
    for hts8, lst in sample[["hts8", "list"]].itertuples(index=False):
        assert lst in section301_lists_for(hts8 + "00")


def test_list_4b_and_headers_are_not_applied(lists: pd.DataFrame) -> None:
    only_4b = set(lists.loc[lists["list"] == "List 4B", "hts8"]) - set(lists.loc[lists["list"] != "List 4B", "hts8"])
    m = load_section301()
    assert m.attrs["skipped_headers"] == 11
    assert set(m["list"]) == {"List 1", "List 2", "List 3", "List 4A"}
    assert m["rate"].notna().all()
    assert any(section301_lists_for(c) == [] for c in sorted(only_4b)[:20])


def test_301_rate_only_for_chn_origin() -> None:
    chn = duty_stack("8507600020", "CHN", 1000.0, on=D2024)
    mex = duty_stack("8507600020", "MEX", 1000.0, on=D2024)
    assert chn.section301 == pytest.approx(0.075)  # List 4A on 2024-06-01
    assert mex.section301 == 0.0
    assert chn.total_rate == pytest.approx(mex.total_rate + 0.075)


def test_301_origin_passed_by_the_origin_analysis() -> None:
    d = duty_stack(
        "8507600020", "MEX", 1000.0, on=D2024, origin_301="CHN", origin_301_basis="substantial transformation"
    )
    assert d.section301 == pytest.approx(0.075) and d.origin == "MEX" and d.origin_basis == "substantial transformation"


def test_mfn_inherited_from_8_digit_line() -> None:
    hts = load_hts()
    row = hts.loc[hts["hts"] == "61091000"].iloc[0]
    d = duty_stack("6109100012", "VNM", 100.0, on=D2024)
    assert row["general"] == "16.5%"
    assert d.mfn == pytest.approx(0.165)


def test_column2_for_russia() -> None:
    d = duty_stack("6109100012", "RUS", 100.0, on=D2024)
    assert d.mfn == pytest.approx(0.90)  # column 2 rate printed for 6109.10.00
    assert any("column 2" in r for r in d.reasons)


def test_preference_needs_qualification_and_program_code() -> None:
    base = duty_stack("8507100030", "MEX", 1000.0, on=D2024, agreement="USMCA")
    assert base.preferential is None and base.mfn == pytest.approx(0.035)
    yes = duty_stack("8507100030", "MEX", 1000.0, on=D2024, agreement="USMCA", qualifies=True)
    assert yes.preferential == 0.0 and yes.total_rate == 0.0
    no = duty_stack("8507100030", "MEX", 1000.0, on=D2024, agreement="USMCA", qualifies=False)
    assert no.total_rate == pytest.approx(0.035)


def test_usmca_goods_exempt_from_the_fentanyl_duty_in_2025() -> None:
    # EO 14194 as amended: Mexico 25% (9903.01.01), USMCA-qualifying goods exempt (9903.01.04)
    plain = duty_stack("8507100030", "MEX", 1000.0, on="2025-10-01")
    assert plain.ieepa == pytest.approx(0.25)
    usmca = duty_stack("8507100030", "MEX", 1000.0, on="2025-10-01", agreement="USMCA", qualifies=True)
    assert usmca.ieepa == 0.0 and usmca.duty_usd == 0.0


def test_232_coverage_and_rate_from_hts() -> None:
    hts = load_hts()
    steel_rate = hts.loc[hts["hts"] == "99038187", "general"].iloc[0]  # "... + 50%."
    assert section232_covered("7208.10.15.00") and section232_covered("7601.10.30")
    assert not section232_covered("8507.60.00.20")
    d = duty_stack("7208101500", "BRA", 500.0, on="2025-10-01")
    assert d.section232 == pytest.approx(float(steel_rate.split("+")[1].strip(" %.")) / 100)


def test_de_minimis_threshold_and_proposed_exclusion_in_2024() -> None:
    small = duty_stack("8507600020", "CHN", 800.0, on=D2024)
    assert small.de_minimis_eligible
    excluded = duty_stack("8507600020", "CHN", 800.0, on=D2024, de_minimis_exclusions=True)
    assert not excluded.de_minimis_eligible
    not_301 = duty_stack("8507600020", "MEX", 800.0, on=D2024, de_minimis_exclusions=True)
    assert not_301.de_minimis_eligible
    assert not duty_stack("8507600020", "MEX", 800.01, on=D2024).de_minimis_eligible


def test_entry_date_reaches_the_stack_and_defaults_to_today() -> None:
    d = duty_stack("8511100000", "CHN", 500.0, on=D2024)
    assert d.date == D2024 and d.de_minimis_eligible
    assert duty_stack("8511100000", "CHN", 500.0).date == date.today().isoformat()


def test_bad_inputs_name_fields() -> None:
    with pytest.raises(DataError) as e:
        duty_stack("8507.6", "CHN", 1.0)
    assert e.value.field == "hts10"
    with pytest.raises(DataError) as e2:
        duty_stack("8507600020", "China", 1.0)
    assert e2.value.field == "origin"
    with pytest.raises(DataError) as e3:
        duty_stack("8507600020", "CHN", -5.0)
    assert e3.value.field == "value"
