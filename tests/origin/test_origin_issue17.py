"""Issue 17: 19 CFR 102.18(b)(1) and 102.21 hand cases, 301 origin modes, minimal flips, rule files, strict input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from supplyscope.cli.origin import register
from supplyscope.errors import DataError, RuleError
from supplyscope.origin import bom_from_dict, evaluate_bom, evaluate_nonpreferential, get_agreement, what_flips
from supplyscope.origin.agreements import agreement_coverage, agreement_from_dict, load_agreement
from supplyscope.origin.flip import rvc_gap
from supplyscope.origin.nonpreferential import section301_origin
from supplyscope.origin.preferential import evaluate_preferential

runner = CliRunner()
app = typer.Typer()  # only the origin commands: the tests do not depend on other areas' front ends
register(app)

VIETNAM_PACK = {
    "name": "Battery pack assembled in Vietnam (hand case, issue 17)",
    "hts": "8507.60.00.10",
    "value": 100,
    "country": "VNM",
    "materials": [
        {"id": "cells", "hts": "8507.60", "value": 30, "origin": "CHN"},
        {"id": "board", "hts": "8537.10", "value": 40, "origin": "KOR"},
    ],
}


def test_vietnam_pack_is_chinese_and_301_applies() -> None:
    # 102.20 for 8507.60: change from any other subheading. The board (8537.10) shifts, the cells (8507.60)
    # do not; 102.18(b)(1) leaves only the cells for essential character -> CHN, although the board is dearer.
    b = bom_from_dict(VIETNAM_PACK)
    r = evaluate_nonpreferential(b)
    assert r.origin == "CHN" and "102.18(b)(1)" in r.basis
    rep = evaluate_bom(b)
    assert rep.duties is not None and rep.duties.origin == "CHN"
    assert rep.duties.section301 is not None and rep.duties.section301 > 0  # 8507.60 is on List 4A


def test_essential_character_considers_domestic_materials_too() -> None:
    # 102.18(b)(1) keeps domestic materials: a VNM frame worth more than the failing cells decides.
    d = json.loads(json.dumps(VIETNAM_PACK))
    d["value"] = 200
    d["materials"].append({"id": "frame", "hts": "8507.60", "value": 35, "origin": "VNM"})
    assert evaluate_nonpreferential(bom_from_dict(d)).origin == "VNM"


def test_moroccan_shirt_is_moroccan() -> None:
    # 102.21(e)(1) 6201-6208 (87 FR 68356): wholly assembled in a single country; fabric from China.
    b = bom_from_dict(
        {
            "hts": "6205.20",
            "value": 20,
            "country": "MAR",
            "processes": ["cut_or_knit_to_shape", "sewn_or_assembled"],
            "materials": [{"id": "fabric", "hts": "5208.32", "value": 8, "origin": "CHN"}],
        }
    )
    r = evaluate_nonpreferential(b)
    assert r.origin == "MAR" and r.rule_id == "102.21(e)(1)/6201-6208"
    # without the declared assembly the fabric (5208, excluded) fails alternative 2 -> essential character CHN
    undeclared = bom_from_dict({**_shirt(), "processes": []})
    assert evaluate_nonpreferential(undeclared).origin == "CHN"


def _shirt() -> dict:
    return {
        "hts": "6205.20",
        "value": 20,
        "country": "MAR",
        "materials": [{"id": "fabric", "hts": "5208.32", "value": 8, "origin": "CHN"}],
    }


def test_section301_substantial_transformation_mode_is_labelled() -> None:
    # Good 8507.60 made in VNM from CHN cells of the same heading: no change of heading -> CHN, judgement call.
    b = bom_from_dict(VIETNAM_PACK)
    st = section301_origin(b, evaluate_nonpreferential(b), "substantial_transformation")
    assert st.origin == "CHN" and st.judgement and "judgement call" in st.basis
    p102 = section301_origin(b, evaluate_nonpreferential(b))
    assert p102.mode == "part102" and not p102.judgement
    out = evaluate_bom(b, origin_301_mode="substantial_transformation").to_dict()
    assert out["section301_origin"]["mode"] == "substantial_transformation"
    assert any("judgement call" in r for r in out["duties"]["reasons"])


def test_mexican_laptop_gets_a_usmca_decision_with_its_rule() -> None:
    # GN 11 ch. 84 rule 200: 8471.30 from any other subheading except 8471.41-8471.50.
    usmca = get_agreement("USMCA")
    mats = [
        {"id": "board", "hts": "8473.30", "value": 120, "origin": "CHN"},
        {"id": "display", "hts": "8524.11", "value": 80, "origin": "KOR"},
    ]
    ok = bom_from_dict({"hts": "8471.30.01.00", "value": 600, "country": "MEX", "materials": mats})
    r = evaluate_preferential(ok, usmca)
    assert r.qualifies and r.rule_id == "usmca-8471.30" and "GN 11" in r.legal
    bad = [*mats, {"id": "desktop", "hts": "8471.41", "value": 80, "origin": "CHN"}]
    r2 = evaluate_preferential(
        bom_from_dict({"hts": "8471.30", "value": 600, "country": "MEX", "materials": bad}), usmca
    )
    assert not r2.qualifies  # $80 of $600 = 13.3% > the 10% de minimis of Art. 4.12


def test_partial_flip_prints_the_dollar_gap() -> None:
    # 8507.10 path B: RVC(TV) >= 60%. VNM 45 of 100 -> 55%: $5 must become originating (not a $30/$45 line).
    usmca = get_agreement("USMCA")
    b = bom_from_dict(
        {
            "hts": "8507.10",
            "value": 100,
            "country": "MEX",
            "materials": [
                {"id": "plates", "hts": "8507.90", "value": 30, "origin": "CHN"},
                {"id": "sep", "hts": "3921.90", "value": 15, "origin": "CHN"},
            ],
        }
    )
    gap = rvc_gap(b, evaluate_preferential(b, usmca))
    assert gap is not None and gap[0] == pytest.approx(5.0)
    assert gap[1].startswith("RVC 55.0% needs 60.0%: $5.00 of non-originating value must become originating.")
    flips = what_flips(b, usmca)
    assert flips[0].partial and flips[0].value_moved_usd == pytest.approx(5.0)
    assert flips[0].materials == ("sep",)  # the smallest line that holds $5


def test_cli_origin_prints_the_gap(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_text(
        json.dumps(
            {
                "hts": "8507.10.00.30",
                "value": 100,
                "country": "MEX",
                "materials": [
                    {"id": "plates", "hts": "8507.90", "value": 30, "origin": "CHN"},
                    {"id": "sep", "hts": "3921.90", "value": 15, "origin": "CHN"},
                ],
            }
        )
    )
    res = runner.invoke(app, ["origin", str(p), "--agreement", "USMCA"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "RVC 55.0% needs 60.0%: $5.00 of non-originating value must become originating." in res.output


RULES = """
agreement: My FTA
parties: [USA, MEX]
legal: test rule set
rules:
  - id: a
    hts: ["8507.10-8507.80"]
    legal: x
    rule: {tariff_shift: {level: heading}}
"""


def test_user_rule_file_loads_and_is_used(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(RULES)
    a = load_agreement(p)
    cov = agreement_coverage(a)
    assert cov["hs6_covered"] == 6  # 8507.10, .20, .30, .50, .60, .80 exist in HTS 2026 (no 8507.40, .70)
    res = runner.invoke(app, ["origin", "tests/origin/data/battery_usmca.json", "--rules", str(p), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["agreement"] == "My FTA"


def test_reversed_range_is_an_error_naming_the_node(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(RULES.replace("8507.10-8507.80", "8507.80-8507.10"))
    with pytest.raises(DataError) as e:
        load_agreement(p)
    assert e.value.field == "rules[0].hts[0]" and e.value.source == str(p) and "reversed" in str(e.value)


def test_overlapping_rules_are_an_error(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    extra = '  - id: b\n    hts: ["8507.50-8507.90"]\n    legal: x\n    rule: {no_shift: {}}\n'
    p.write_text(RULES + extra)
    with pytest.raises(DataError, match="overlaps rules\\[0\\]") as e:
        load_agreement(p)
    assert e.value.field == "rules[1].hts[0]"
    # a finer rule nested inside a coarser one is the legal texts' own pattern and is allowed
    nested = '  - id: b\n    hts: ["8507.60.00"]\n    legal: x\n    rule: {no_shift: {}}\n'
    p.write_text(RULES + nested)
    assert load_agreement(p).rule_for("85076000").id == "b"


def test_bad_rule_node_names_its_path(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(RULES.replace("level: heading", "level: heeding"))
    with pytest.raises(RuleError) as e:
        load_agreement(p)
    assert isinstance(e.value, DataError) and e.value.field == "rules[0].rule.tariff_shift.level"


def test_bad_de_minimis_percent_is_a_data_error() -> None:
    d = {
        "agreement": "X",
        "parties": ["USA"],
        "legal": "x",
        "rules": [],
        "de_minimis": {"percent": "ten", "legal": "y"},
    }
    with pytest.raises(DataError) as e:
        agreement_from_dict(d, source="x.yaml")
    assert e.value.field == "de_minimis.percent" and e.value.source == "x.yaml"


GOOD = {
    "hts": "8507.10",
    "value": 100,
    "country": "MEX",
    "costs": {"net_cost": 90},
    "materials": [{"id": "plates", "hts": "8507.90", "value": 30, "origin": "CHN"}],
}


def _bad(path: str, value: object) -> dict:
    d = json.loads(json.dumps(GOOD))
    node = d
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if k.isdigit() else node[k]
    node[keys[-1]] = value
    return d


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("materials.0.hts", "9999.99", "materials[0].hts", "not in the HTS schedule"),
        ("hts", "8507.99", "hts", "not in the HTS schedule"),
        ("materials.0.origin", "XXX", "materials[0].origin", "not an ISO 3166"),
        ("country", "XXX", "country", "not an ISO 3166"),
        ("materials.0.value", float("inf"), "materials[0].value", "finite"),
        ("value", float("inf"), "value", "finite"),
        ("costs.net_cost", 120, "costs.net_cost", "exceeds the transaction value"),
        ("value", 0, "value", "above zero"),
    ],
)
def test_strict_bom_input(path: str, value: object, field: str, words: str) -> None:
    with pytest.raises(DataError) as e:
        bom_from_dict(_bad(path, value), source="bom.json")
    assert e.value.field == field and e.value.source == "bom.json" and words in str(e.value)


def test_strict_input_from_a_file_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_text(json.dumps(_bad("materials.0.hts", "9999.99")))
    res = runner.invoke(app, ["origin", str(p)])
    # the main app maps a DataError to a one-line message; here the command's own error is checked
    assert isinstance(res.exception, DataError)
    assert res.exception.source == str(p) and res.exception.field == "materials[0].hts"


def test_coverage_lists_every_us_agreement() -> None:
    res = runner.invoke(app, ["origin-coverage", "--scheme", "japan", "--format", "json"])
    assert res.exit_code == 0, res.output
    us = {r["agreement"]: r for r in json.loads(res.stdout)["us_agreements"]}
    assert len(us) == 14 and {"USMCA", "KORUS FTA", "US-Peru TPA"} <= set(us)
    for r in us.values():
        assert 0.0 <= r["coverage"] <= 1.0 and (r["coverage"] == 1.0 or r["unsupported"])
    assert us["KORUS FTA"]["coverage"] == 0.0 and "GN 33" in us["KORUS FTA"]["unsupported"]


@pytest.mark.parametrize(
    "patch",
    [
        {},
        {"materials.0.key_input": True},
        {"materials.0.originating": False},
        {"materials.0.weight_kg": 1.5},
        {"materials.0.value": "30"},  # a string number: only the full check accepts it, same result
        {"processes": ["sewn_or_assembled"]},
    ],
)
def test_fast_validation_builds_the_same_bom_as_the_full_check(patch: dict) -> None:
    d = json.loads(json.dumps(GOOD))
    for k, v in patch.items():
        d = _bad(k, v) if "." in k else {**d, k: v}
    assert bom_from_dict(d) == bom_from_dict(d, fast=False)


@pytest.mark.parametrize(("key", "value"), [("materials.0.key_input", 1.0), ("materials.0.value", float("nan"))])
def test_fast_validation_rejects_what_the_full_check_rejects(key: str, value: object) -> None:
    for fast in (True, False):
        with pytest.raises(DataError):
            bom_from_dict(_bad(key, value), fast=fast)


def test_undisclosed_origin_never_becomes_the_origin() -> None:
    # XXX is accepted only for a material declared non-originating; if it would decide origin -> DataError
    d = _bad("materials.0.origin", "XXX")
    d["materials"][0]["originating"] = False
    b = bom_from_dict(d)
    assert b.materials[0].origin == "XXX"
    assert not evaluate_preferential(b, get_agreement("USMCA")).status["plates"]
    pack = json.loads(json.dumps(VIETNAM_PACK))
    pack["materials"][0].update(origin="XXX", originating=False)
    with pytest.raises(DataError, match="not disclosed"):
        evaluate_nonpreferential(bom_from_dict(pack))


def test_good_without_a_compiled_rule_is_reported_not_crashed() -> None:
    # USMCA 8711.60 (e-bikes): the GN 11 text was not obtained, so there is no rule; the report says so
    # and still gives the non-preferential origin and the duty stack (preference not evaluated).
    b = bom_from_dict(
        {
            "hts": "8711.60.00.50",
            "value": 900,
            "country": "MEX",
            "materials": [{"id": "motor", "hts": "8501.31", "value": 120, "origin": "CHN"}],
        }
    )
    rep = evaluate_bom(b, "USMCA")
    assert rep.preferential is None and rep.preferential_unsupported is not None
    assert "no rule encoded for HTS 8711600050" in rep.preferential_unsupported
    assert rep.non_preferential.origin == "MEX" and rep.duties is not None and rep.duties.preferential is None
