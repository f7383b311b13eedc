"""Non-preferential origin, flips and the graduated-301 simulator on hand-built BOMs."""

from __future__ import annotations

import pytest

from supplyscope.origin import bom_from_dict, evaluate_nonpreferential, get_agreement, what_flips
from supplyscope.origin.graduated import simulate_graduated_301


def test_102_20_shift_through_sub_bom() -> None:
    # A Mexican battery from plates (8507.90) that Mexico itself made from Chinese lead (7801):
    # sub-BOM: 7801 -> 8507.90 is a heading change -> plates are MEX; good: all inputs MEX.
    b = bom_from_dict(
        {
            "hts": "8507.10",
            "value": 100,
            "country": "MEX",
            "materials": [
                {
                    "id": "plates",
                    "hts": "8507.90",
                    "value": 60,
                    "origin": "MEX",
                    "bom": {"materials": [{"id": "lead", "hts": "7801.10", "value": 30, "origin": "CHN"}]},
                }
            ],
        }
    )
    r = evaluate_nonpreferential(b)
    assert r.origin == "MEX" and "102.11(a)(2)" in r.basis


def test_102_20_exclusion_and_essential_character() -> None:
    # 8708.99: "... except from parts or accessories of 8708.40 ..." -> a Chinese 8708.40 part fails
    b = bom_from_dict(
        {
            "hts": "8708.99",
            "value": 100,
            "country": "MEX",
            "materials": [
                {"id": "gearpart", "hts": "8708.40", "value": 30, "origin": "CHN"},
                {"id": "bracket", "hts": "7326.90", "value": 20, "origin": "USA"},
            ],
        }
    )
    r = evaluate_nonpreferential(b)
    assert r.origin == "CHN" and "102.11(b)(1)" in r.basis and r.rule_id == "102.20/8708.99"


def test_override_wins_and_is_reported() -> None:
    b = bom_from_dict(
        {
            "hts": "8507.10",
            "value": 100,
            "country": "MEX",
            "non_preferential_override": {
                "origin": "CHN",
                "basis": "substantial transformation",
                "reference": "CBP ruling (user-supplied)",
            },
            "materials": [{"id": "plates", "hts": "8507.90", "value": 50, "origin": "CHN"}],
        }
    )
    r = evaluate_nonpreferential(b)
    assert r.origin == "CHN" and r.basis.startswith("override: substantial transformation")


def test_flip_picks_the_smallest_move() -> None:
    usmca = get_agreement("USMCA")
    # plates 8507.90 fail the heading shift (path A); path B needs RVC TV >= 60%.
    # VNM = 30 + 15 + 10 = 55 -> 45%. Moving 'case' (10) -> 55% no; 'sep' (15) -> 60% yes; plates alone -> 75%.
    b = bom_from_dict(
        {
            "hts": "8507.10",
            "value": 100,
            "country": "MEX",
            "materials": [
                {"id": "plates", "hts": "8507.90", "value": 30, "origin": "CHN"},
                {"id": "sep", "hts": "3921.90", "value": 15, "origin": "CHN"},
                {"id": "case", "hts": "3926.90", "value": 10, "origin": "CHN"},
            ],
        }
    )
    flips = what_flips(b, usmca, premium=0.1)
    assert flips[0].materials == ("sep",) and flips[0].value_moved_usd == 15
    assert flips[0].extra_cost_usd == pytest.approx(1.5) and flips[0].to_origin == "MEX"
    assert all(len(f.materials) == 1 for f in flips)
    assert "case" not in {m for f in flips for m in f.materials}


def test_graduated_301_steps_by_hand() -> None:
    # key inputs: CHN 60, KOR 40 -> PRC share 0.6 -> top step (>= 0.5) at 25% on a $1,000 good = $250.
    b = bom_from_dict(
        {
            "hts": "8507.60",
            "value": 1000,
            "country": "MEX",
            "materials": [
                {"id": "cells", "hts": "8507.90", "value": 60, "origin": "CHN", "key_input": True},
                {"id": "bms", "hts": "8537.10", "value": 40, "origin": "KOR", "key_input": True},
                {"id": "case", "hts": "7616.99", "value": 300, "origin": "CHN"},
            ],
        }
    )
    sim = simulate_graduated_301(b)
    assert sim["prc_key_input_share"] == pytest.approx(0.6)
    steps = sim["steps"]
    assert [s["rate"] for s in steps] == [0.25, 0.15, 0.075, 0.0]
    assert steps[0]["at_present_share"] and steps[0]["duty_usd"] == pytest.approx(250)
    assert not any("current" in k for s in steps for k in s) and "current_rate" not in sim
    # the schedule is hypothetical: with no 301 rate applied by the duty stack the note says so
    assert sim["applied_section301_rate"] is None and "applies no Section 301" in sim["note"]
    # to get below 0.5 share: move more than 60 - 0.5*100 = 10; below 0.25: 35; below 0.10: 50
    assert [s["move_more_than_usd"] for s in steps] == pytest.approx([0, 10, 35, 50])
    assert steps[3]["saving_vs_present_share_usd"] == pytest.approx(250)
    with_mfn = simulate_graduated_301(b, base_rate=0.034)["steps"]
    assert with_mfn[0]["total_duty_usd"] == pytest.approx(1000 * (0.25 + 0.034))


def test_textile_goods_use_102_21_first() -> None:
    # Cotton woven fabric 5208 made in VNM from Chinese cotton yarn 5205. The 102.21(e)(1) rule for
    # 5208-5212 has "a change from any heading outside that group, provided that the change is the
    # result of a fabric-making process": 5205 is outside the group -> VNM, with the proviso flagged.
    b = bom_from_dict(
        {
            "hts": "5208.12",
            "value": 10,
            "country": "VNM",
            "materials": [{"id": "yarn", "hts": "5205.12", "value": 6, "origin": "CHN"}],
        }
    )
    r = evaluate_nonpreferential(b)
    assert r.rule_id is not None and r.rule_id.startswith("102.21")
    assert r.origin == "VNM" and "needs judgement" in r.basis
