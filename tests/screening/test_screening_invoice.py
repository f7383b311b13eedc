"""Invoice-style names, entity types, acronyms, evidence and the exact tier, on the bundled real lists."""

from __future__ import annotations

import pytest

from supplyscope.screening import DEFAULT_THRESHOLD, ScreeningIndex
from supplyscope.screening.features import ACRONYM_SCORE, EXACT_FLOOR
from supplyscope.screening.normalize import normalize_name


def hit_on(index: ScreeningIndex, entity_id: str, name: str, **kw: object) -> float | None:
    for h in index.screen(name, threshold=0.0, **kw):  # type: ignore[arg-type]
        if h.entity_id == entity_id:
            return h.score
    return None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Grupo Minero S A DE C V", "Grupo Minero, S.A. de C.V."),  # spaced vs dotted Mexican legal form
        ("Acme S. A.", "ACME SA"),
        ("ORION L L C", "Orion LLC"),
        ("Volga Sp. z o.o.", "VOLGA SP ZOO"),
    ],
)
def test_spaced_and_dotted_legal_forms_normalise_alike(a: str, b: str) -> None:
    na, nb = normalize_name(a), normalize_name(b)
    assert na.core == nb.core and na.legal and nb.legal
    assert "v" not in na.core  # the V of "C V" is part of the legal form, not a roman numeral


def test_branch_wording_english_and_chinese() -> None:
    en = normalize_name("Camel Group Co., Ltd. Shanghai Branch")
    zh = normalize_name("骆驼集团股份有限公司上海分公司")
    office = normalize_name("Camel Group Co Ltd Representative Office")
    assert en.core == ("camel", "group") and en.branch == ("shanghai",)
    assert zh.branch == ("shanghai",) and zh.core[-1] == "group"
    assert office.core == ("camel", "group") and office.is_branch


def test_branch_hit_names_the_parent(index: ScreeningIndex) -> None:
    hits = index.screen("Camel Group Co Ltd Wuhan Branch Office")
    assert hits and hits[0].name == "Camel Group Co., Ltd."
    assert hits[0].branch_of == "branch of Camel Group Co., Ltd."


def test_run_together_words_match(index: ScreeningIndex) -> None:
    hits = index.screen("CAMELGROUP CO LTD")
    assert hits and hits[0].name == "Camel Group Co., Ltd." and hits[0].score >= EXACT_FLOOR


def test_vessel_prefix_and_imo(index: ScreeningIndex) -> None:
    # SDN:4243 EBANO, vessel, "Vessel Registration Identification IMO 7406784"
    assert index.screen("M/V EBANO")[0].entity_id == "SDN:4243"
    assert normalize_name("MT EBANO").type_hint == "vessel"
    same = hit_on(index, "SDN:4243", "EBANO IMO 7406784")
    other = hit_on(index, "SDN:4243", "EBANO IMO 9999999")
    plain = hit_on(index, "SDN:4243", "EBANO")
    assert same is not None and plain is not None and other is not None
    assert same >= 0.99 and other < plain <= same  # a shared IMO raises, a conflicting one lowers
    # the IMO alone finds the vessel, whatever the name says
    assert hit_on(index, "SDN:4243", "ANY SHIP NAME IMO 7406784") == pytest.approx(0.99, abs=0.01)


def test_aircraft_tail_number_with_or_without_hyphen(index: ScreeningIndex) -> None:
    # SDN:15431 is the aircraft EP-GOM
    for q in ("EP-GOM", "EPGOM", "ep gom"):
        hits = index.screen(q)
        assert hits and hits[0].entity_id == "SDN:15431" and hits[0].entity_type == "aircraft"


def test_english_name_with_chinese_in_brackets(index: ScreeningIndex) -> None:
    hits = index.screen("Xinjiang Zhongtai Chemical (新疆某某有限公司)")
    assert hits and hits[0].name == "Xinjiang Zhongtai Chemical Co., Ltd."


def test_person_one_word_alias_never_matches_an_organisation(index: ScreeningIndex) -> None:
    # SDN:4107 RODRIGUEZ OREJUELA, Gilberto Jose has the one-word alias LUCAS
    assert hit_on(index, "SDN:4107", "Lucas Trading Co., Ltd.") is None
    assert hit_on(index, "SDN:4107", "LUCAS") is None  # type unknown: one token is not enough
    assert hit_on(index, "SDN:4107", "Gilberto Jose Rodriguez Orejuela", entity_type="person") is not None


def test_type_conflict_lowers_the_score(index: ScreeningIndex) -> None:
    as_vessel = hit_on(index, "SDN:4243", "EBANO", entity_type="vessel")
    as_org = hit_on(index, "SDN:4243", "EBANO", entity_type="organisation")
    assert as_vessel is not None and (as_org is None or as_org < as_vessel)


@pytest.mark.parametrize("name", ["DHL", "BP p.l.c.", "SAP SE", "3M Company", "HP Inc.", "IBM", "ABB Ltd"])
def test_famous_acronyms_are_not_hits(index: ScreeningIndex, name: str) -> None:
    assert index.screen(name) == []


def test_initials_only_match_scores_below_the_threshold(index: ScreeningIndex) -> None:
    # "XZC" is the initials of Xinjiang Zhongtai Chemical; an initials match alone is weak evidence
    hits = index.screen("XZC", threshold=0.0)
    ini = [h for h in hits if h.name == "Xinjiang Zhongtai Chemical Co., Ltd."]
    assert ini and ini[0].score == pytest.approx(ACRONYM_SCORE) and ini[0].score < DEFAULT_THRESHOLD
    assert "initials only" in ini[0].explanation
    # lower case is not written as an acronym: no initials match at all
    assert not [h for h in index.screen("xzc", threshold=0.0) if h.name.startswith("Xinjiang Zhongtai")]


def test_exact_names_outrank_every_fuzzy_match(index: ScreeningIndex) -> None:
    exact = index.screen("Xinjiang Zhongtai Chemical")[0]
    fuzzy = index.screen("Xinjang Zhongtai Chemical", threshold=0.0)[0]
    assert exact.score >= EXACT_FLOOR > fuzzy.score
    assert index.screen("Xinjiang Zhongtai Chemical", threshold=0.9)  # threshold 0.9 keeps exact names


def test_nationality_among_all_listed_countries_raises(index: ScreeningIndex) -> None:
    # SDN:3754 ABU MARZOOK, Mousa Mohammed: countries EGY and USA in the remarks
    name = "Mousa Mohammed Abu Marzook"
    plain = hit_on(index, "SDN:3754", name, entity_type="person")
    second = hit_on(index, "SDN:3754", name, entity_type="person", country="USA")
    other = hit_on(index, "SDN:3754", name, entity_type="person", country="JPN")
    assert plain is not None and second is not None and other is not None
    assert other < plain <= second


def test_missing_uflpa_entities_of_the_old_bundle_now_found(index: ScreeningIndex) -> None:
    hits = index.screen("Hoshine Silicon Industry (Shanshan) Co., Ltd.")
    assert hits and hits[0].list == "UFLPA" and hits[0].listed_on == "2022-06-21"


def test_undated_uflpa_entries_say_why(index: ScreeningIndex) -> None:
    # uflpa_entity_list_v2.csv leaves added_on empty for East Hope (and Daqo): null date, explicit note
    hits = index.screen("Xinjiang East Hope Nonferrous Metals Co., Ltd.")
    assert hits and hits[0].list == "UFLPA" and hits[0].listed_on == ""
    assert "give no listing date" in hits[0].listed_on_note
    dated = index.screen("Hoshine Silicon Industry (Shanshan) Co., Ltd.")[0]
    assert dated.listed_on and dated.listed_on_note == ""
