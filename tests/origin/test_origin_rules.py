"""Hand-built cases for every rule type, hand-worked from the formulas the agreements publish.

RVC formulas: USMCA Art. 4.5 — transaction value (TV − VNM)/TV and net cost (NC − VNM)/NC;
US-Peru TPA Art. 4.2 — build-down (AV − VNM)/AV and build-up VOM/AV; Morocco — (VOM + DPC)/AV.
The figures below are worked by hand in the comments, not read back from the engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from supplyscope.errors import RuleError
from supplyscope.origin import bom_from_dict, evaluate_bom, evaluate_preferential, get_agreement
from supplyscope.origin.agreements import agreement_from_dict
from supplyscope.origin.rules import compile_rule


def mat(mid: str, hts: str, value: float, origin: str, originating: bool | None = None, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"id": mid, "hts": hts, "value": value, "origin": origin, **kw}
    if originating is not None:
        d["originating"] = originating
    return d


def toy(rule: dict[str, Any], *, de_minimis: dict[str, Any] | None = None) -> Any:
    """A two-party test agreement (AAA/BBB are placeholder codes) carrying one rule for chapter 84."""
    return agreement_from_dict(
        {
            "agreement": "TEST",
            "parties": ["USA", "MEX"],
            "legal": "test",
            "de_minimis": de_minimis,
            "rules": [{"id": "t", "hts": ["84"], "legal": "test", "rule": rule}],
        }
    )


def good(materials: list[dict[str, Any]], **kw: Any) -> Any:
    base = {"hts": "8481.80", "value": 100.0, "country": "MEX", "materials": materials}
    base.update(kw)
    return bom_from_dict(base)


# --- tariff shift -------------------------------------------------------------------------------


def test_cth_pass_and_fail() -> None:
    a = toy({"tariff_shift": {"level": "CTH"}})
    assert evaluate_preferential(good([mat("m", "7307.19", 40, "CHN")]), a).qualifies
    assert not evaluate_preferential(good([mat("m", "8481.90", 40, "CHN")]), a).qualifies


def test_ctsh_vs_cth_on_same_material() -> None:
    m = [mat("m", "8481.90", 40, "CHN")]
    assert evaluate_preferential(good(m), toy({"tariff_shift": {"level": "subheading"}})).qualifies
    assert not evaluate_preferential(good(m), toy({"tariff_shift": {"level": "heading"}})).qualifies
    assert not evaluate_preferential(
        good([mat("m", "8413.91", 40, "CHN")]), toy({"tariff_shift": {"level": "chapter"}})
    ).qualifies


def test_exception_from_heading() -> None:
    a = toy({"tariff_shift": {"level": "heading", "except_from": ["85.07"]}})
    res = evaluate_preferential(good([mat("m", "8507.60", 40, "CHN")]), a)
    assert not res.qualifies
    assert "excluded" in res.trace[-1].detail


def test_originating_materials_are_ignored_by_shift() -> None:
    a = toy({"tariff_shift": {"level": "heading"}})
    assert evaluate_preferential(good([mat("m", "8481.90", 40, "USA", True), mat("n", "7307", 10, "CHN")]), a).qualifies


def test_de_minimis_value_10_percent() -> None:
    a = toy(
        {"tariff_shift": {"level": "heading"}},
        de_minimis={"percent": 10, "base": "transaction_value", "legal": "Art. 4.12"},
    )
    # failing material 10 of 100 = 10% <= 10%: passes; 10.01 fails
    ok = evaluate_preferential(good([mat("m", "8481.90", 10, "CHN")]), a)
    assert ok.qualifies and ok.de_minimis_used
    assert not evaluate_preferential(good([mat("m", "8481.90", 10.01, "CHN")]), a).qualifies


# --- RVC ----------------------------------------------------------------------------------------


def test_rvc_transaction_value_and_net_cost_by_hand() -> None:
    a = toy({"rvc": {"methods": {"transaction_value": 60, "net_cost": 50}}})
    # TV 100, VNM 45 -> (100-45)/100 = 55% < 60; NC = total 95 - promotion 5 - royalties 2 = 88
    # -> (88-45)/88 = 48.86% < 50: fails both
    b = good([mat("m", "7307", 45, "CHN")], costs={"total_cost": 95, "sales_promotion": 5, "royalties": 2})
    r = evaluate_preferential(b, a)
    assert not r.qualifies
    # when no method passes the report shows the one closest to its threshold: NC (-1.14 pts) vs TV (-5)
    assert r.rvc is not None and r.rvc.method == "net_cost"
    assert r.rvc.value == pytest.approx(100 * 43 / 88)
    assert "transaction_value = 55.00%" in r.trace[-1].detail
    # with VNM 40: TV (100-40)/100 = 60% passes first
    r2 = evaluate_preferential(good([mat("m", "7307", 40, "CHN")]), a)
    assert r2.qualifies and r2.rvc is not None and r2.rvc.value == pytest.approx(60.0)
    # NC only: VNM 44, NC 88 -> 50% passes by net cost, TV 56% fails
    r3 = evaluate_preferential(good([mat("m", "7307", 44, "CHN")], costs={"net_cost": 88}), a)
    assert r3.qualifies and r3.rvc is not None
    assert (r3.rvc.method, r3.rvc.value) == ("net_cost", pytest.approx(50.0))


def test_rvc_build_up_build_down() -> None:
    a = toy({"rvc": {"methods": {"build_up": 35, "build_down": 45}}})
    # AV 100, VOM 30, VNM 56 -> build-up 30% < 35, build-down 44% < 45
    b = good([mat("o", "7307", 30, "USA", True), mat("n", "7308", 56, "CHN")])
    assert not evaluate_preferential(b, a).qualifies
    b2 = good([mat("o", "7307", 35, "USA", True), mat("n", "7308", 56, "CHN")])
    r = evaluate_preferential(b2, a)
    assert r.qualifies and r.rvc is not None and r.rvc.method == "build_up"


def test_tracing_list_counts_only_traced_materials() -> None:
    traced = toy({"rvc": {"methods": {"transaction_value": 60}, "traced": ["8501"]}})
    untraced = toy({"rvc": {"methods": {"transaction_value": 60}}})
    # VNM = 20 (motor, traced) + 30 (casting, not traced): traced RVC = 80%, untraced = 50%
    b = good([mat("motor", "8501.10", 20, "CHN"), mat("casting", "7325.99", 30, "CHN")])
    assert evaluate_preferential(b, traced).qualifies
    assert not evaluate_preferential(b, untraced).qualifies


def test_morocco_value_plus_processing_35() -> None:
    mfta = get_agreement("US-Morocco FTA")
    # valve made in Morocco: VOM 20 + direct processing 15 = 35 of 100 -> exactly 35%
    b = bom_from_dict(
        {
            "hts": "8481.80",
            "value": 100,
            "country": "MAR",
            "costs": {"direct_processing_costs": 15},
            "materials": [mat("body", "7325.99", 20, "MAR", True), mat("seal", "4016.93", 40, "CHN")],
        }
    )
    r = evaluate_preferential(b, mfta)
    assert r.qualifies and r.rvc is not None and r.rvc.value == pytest.approx(35.0)
    b2 = bom_from_dict(
        {
            "hts": "8481.80",
            "value": 100,
            "country": "MAR",
            "costs": {"direct_processing_costs": 14},
            "materials": [mat("body", "7325.99", 20, "MAR", True), mat("seal", "4016.93", 40, "CHN")],
        }
    )
    assert not evaluate_preferential(b2, mfta).qualifies


# --- other rule kinds ------------------------------------------------------------------------------


def test_max_non_originating_and_wholly_obtained() -> None:
    maxnom = toy({"max_non_originating": {"percent": 40}})
    assert evaluate_preferential(good([mat("m", "8481.90", 40, "CHN")]), maxnom).qualifies
    assert not evaluate_preferential(good([mat("m", "8481.90", 41, "CHN")]), maxnom).qualifies
    wo = toy({"wholly_obtained": {"of": ["72"]}})
    assert evaluate_preferential(good([mat("m", "8481.90", 41, "CHN")]), wo).qualifies
    assert not evaluate_preferential(good([mat("m", "7208.10", 1, "CHN")]), wo).qualifies


def test_process_rule_needs_declaration() -> None:
    a = toy({"process": {"processes": ["heat_treating"], "text": "heat treated in the territory"}})
    assert not evaluate_preferential(good([mat("m", "7307", 1, "CHN")]), a).qualifies
    assert evaluate_preferential(good([mat("m", "7307", 1, "CHN")], processes=["heat_treating"]), a).qualifies


def test_combination_and_hybrid() -> None:
    either = toy({"any_of": [{"tariff_shift": {"level": "heading"}}, {"rvc": {"methods": {"transaction_value": 50}}}]})
    both = toy({"all_of": [{"tariff_shift": {"level": "heading"}}, {"rvc": {"methods": {"transaction_value": 50}}}]})
    shift_only = good([mat("m", "7307", 60, "CHN")])  # shift yes, RVC 40%
    rvc_only = good([mat("m", "8481.90", 30, "CHN")])  # shift no, RVC 70%
    assert evaluate_preferential(shift_only, either).qualifies
    assert evaluate_preferential(rvc_only, either).qualifies
    assert not evaluate_preferential(shift_only, both).qualifies
    assert not evaluate_preferential(rvc_only, both).qualifies


def test_lvc_usmca_passenger_vehicle() -> None:
    usmca = get_agreement("USMCA")
    car = {
        "hts": "8703.80.00",
        "value": 30000,
        "country": "MEX",
        "materials": [mat("cells", "8507.60", 6000, "CHN"), mat("body", "8707.10", 9000, "USA", True)],
    }
    # RVC net cost: NC 28000, VNM 6000 -> 78.6% >= 75; LVC = 11,000 / 28,000 = 39.3% < 40 -> fails
    low = bom_from_dict({**car, "costs": {"net_cost": 28000, "high_wage_expenditure": 11000}})
    r = evaluate_preferential(low, usmca)
    assert not r.qualifies and any("LVC" in s.detail for s in r.trace)
    # Appendix Art. 6: >= 70% of the producer's steel/aluminum purchases originating (7,200/10,000 = 72%)
    steel = {"steel_aluminum_purchases": 10000, "steel_aluminum_originating_purchases": 7200}
    high = bom_from_dict({**car, "costs": {"net_cost": 28000, "high_wage_expenditure": 11200, **steel}})
    assert evaluate_preferential(high, usmca).qualifies
    no_steel = bom_from_dict({**car, "costs": {"net_cost": 28000, "high_wage_expenditure": 11200}})
    assert not evaluate_preferential(no_steel, usmca).qualifies  # the purchase figures are required
    steel["steel_aluminum_originating_purchases"] = 6900  # 69% < 70%
    short = bom_from_dict({**car, "costs": {"net_cost": 28000, "high_wage_expenditure": 11200, **steel}})
    r = evaluate_preferential(short, usmca)
    assert not r.qualifies and any("69.00%" in s.detail for s in r.trace)


def test_yarn_forward_and_textile_de_minimis_by_weight() -> None:
    usmca = get_agreement("USMCA")
    shirt = {
        "hts": "6109.10.00.12",
        "value": 20,
        "country": "MEX",
        "weight_kg": 0.2,
        "processes": ["cut_or_knit_to_shape", "sewn_or_assembled"],
    }
    ok = bom_from_dict(
        {
            **shirt,
            "materials": [
                mat("fabric", "6006.21", 8, "USA", True),
                mat("thread", "5204.11", 0.2, "CHN", weight_kg=0.01),
            ],
        }
    )
    r = evaluate_preferential(ok, usmca)  # thread fails (5204 excluded) but 0.01/0.2 = 5% <= 10% by weight
    assert r.qualifies and r.de_minimis_used
    bad = bom_from_dict({**shirt, "materials": [mat("fabric", "6006.21", 8, "CHN", weight_kg=0.18)]})
    assert not evaluate_preferential(bad, usmca).qualifies
    no_sew = bom_from_dict({**shirt, "processes": [], "materials": [mat("fabric", "6006.21", 8, "USA", True)]})
    # all materials originating -> qualifies as produced exclusively from originating materials
    assert evaluate_preferential(no_sew, usmca).qualifies


def test_sub_bom_rolls_up() -> None:
    a = toy({"tariff_shift": {"level": "heading"}})
    sub = {"materials": [mat("casting", "7325.99", 5, "CHN")]}  # 7325 -> 8481.90 passes
    b = good([{"id": "parts", "hts": "8481.90", "value": 40, "origin": "MEX", "bom": {**sub, "hts": "8481.90"}}])
    r = evaluate_preferential(b, toy({"tariff_shift": {"level": "heading"}}))
    assert r.status["parts"] is True and r.qualifies
    assert evaluate_preferential(b, a).qualifies


def test_rule_language_rejects_bad_rules() -> None:
    with pytest.raises(RuleError, match="unknown rule kind"):
        compile_rule({"tarif_shift": {"level": "heading"}})
    with pytest.raises(RuleError, match="percentage"):
        compile_rule({"rvc": {"methods": {"net_cost": 150}}})
    with pytest.raises(RuleError, match="unknown method"):
        compile_rule({"rvc": {"methods": {"focussed": 50}}})
    with pytest.raises(RuleError, match="legal"):
        agreement_from_dict(
            {
                "agreement": "X",
                "parties": ["USA"],
                "legal": "x",
                "rules": [{"id": "a", "hts": ["84"], "rule": {"no_shift": {}}}],
            }
        )


# --- preferential vs non-preferential --------------------------------------------------------------


def test_fta_qualifies_yet_prc_origin_for_301() -> None:
    # Spark plugs (8511.10) finished in Mexico from a Chinese spark-plug blank of the same subheading.
    # USMCA: the blank fails the heading shift but is 8% of TV <= 10% de minimis -> qualifies.
    # 19 CFR 102.20: no subheading change for the blank -> 102.11(b): the blank (highest value) is CHN.
    b = bom_from_dict(
        {
            "hts": "8511.10.00.00",
            "value": 100,
            "country": "MEX",
            "materials": [
                mat("blank", "8511.10", 8, "CHN"),
                mat("electrode", "7408.19", 6, "MEX", True),
                mat("gasket", "4016.93", 2, "USA", True),
            ],
        }
    )
    rep = evaluate_bom(b, "USMCA")
    assert rep.qualifies and rep.preferential is not None and rep.preferential.de_minimis_used
    assert rep.non_preferential.origin == "CHN"
    assert rep.duties is not None and rep.duties.section301 == pytest.approx(0.25)  # List 3
    assert rep.duties.preferential == 0.0


def test_fails_fta_yet_not_prc_origin() -> None:
    # Lead-acid battery (8507.10) from Chinese plates 8507.90 worth 50 of 100: USMCA (A) heading shift
    # fails, (B) RVC TV (100-50)/100 = 50% < 60 -> no preference. 102.20: 8507.90 -> 8507.10 is a
    # subheading change, so Mexico is the non-preferential origin and Section 301 does not apply.
    b = bom_from_dict(
        {"hts": "8507.10.00.30", "value": 100, "country": "MEX", "materials": [mat("plates", "8507.90.40", 50, "CHN")]}
    )
    rep = evaluate_bom(b, "USMCA")
    assert not rep.qualifies
    assert rep.non_preferential.origin == "MEX"
    assert rep.duties is not None and not rep.duties.section301  # None or 0.0: no 301 duty
    assert rep.flips and rep.flips[0].materials == ("plates",)


def test_sub_bom_without_rule_is_non_originating_not_a_crash() -> None:
    usmca = get_agreement("USMCA")
    # the sub-good 9401.61 (seat) has no encoded USMCA rule: it is treated as non-originating, and said so
    b = bom_from_dict(
        {
            "hts": "8507.10",
            "value": 100,
            "country": "MEX",
            "materials": [
                {
                    "id": "seat",
                    "hts": "9401.61",
                    "value": 5,
                    "origin": "MEX",
                    "bom": {"materials": [{"id": "foam", "hts": "3921.13", "value": 1, "origin": "CHN"}]},
                }
            ],
        }
    )
    r = evaluate_preferential(b, usmca)
    assert r.status["seat"] is False
    assert any("no rule encoded" in s.detail for s in r.trace)
    with pytest.raises(RuleError, match="no rule encoded"):
        evaluate_preferential(
            bom_from_dict(
                {"hts": "9401.61", "value": 10, "country": "MEX", "materials": [mat("foam", "3921.13", 1, "CHN")]}
            ),
            usmca,
        )
