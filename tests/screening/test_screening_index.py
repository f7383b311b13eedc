"""Matching against the bundled real lists: variants found, hard negatives rejected, hits explained."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from supplyscope.screening import DEFAULT_THRESHOLD, Hit, ScreeningIndex
from supplyscope.screening.features import FEATURES, Pair, evaluate, sigmoid
from supplyscope.screening.normalize import normalize_name


def top(index: ScreeningIndex, name: str, **kw: object) -> Hit | None:
    hits = index.screen(name, **kw)  # type: ignore[arg-type]
    return hits[0] if hits else None


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # abbreviations and legal forms (UFLPA entries)
        ("XINJIANG ZHONGTAI CHEM CO", "Xinjiang Zhongtai Chemical Co., Ltd."),
        ("Camel Grp Company Limited", "Camel Group Co., Ltd."),
        ("COFCO SUGAR HLDG CO LTD", "COFCO Sugar Holding Co. Ltd."),
        # Chinese characters -> pinyin words
        ("新疆中泰化学股份有限公司", "Xinjiang Zhongtai Chemical Co., Ltd."),
        # another romanisation of the place name (Hotan = Hetian), via the listed alias
        ("Hotan Haolin Hair Accessories", "Hetian Haolin Hair Accessories Co. Ltd."),
        # typo and reordered words (SDN entries)
        ("CHINA CONCORD PETROLEM CO LTD", "CHINA CONCORD PETROLEUM CO., LIMITED"),
        ("CONCORD PETROLEUM CHINA CO LIMITED", "CHINA CONCORD PETROLEUM CO., LIMITED"),
        # Cyrillic -> Latin, Russian legal form
        ("АО «Банк Уралсиб»", "PUBLIC JOINT STOCK COMPANY BANK URALSIB"),
        # an alias that is an acronym
        ("BNC", "BANCO NACIONAL DE CUBA"),
    ],
)
def test_real_list_entries_are_found_from_variants(index: ScreeningIndex, query: str, listed: str) -> None:
    hit = top(index, query)
    assert hit is not None, f"no hit for {query!r}"
    assert hit.name == listed
    assert DEFAULT_THRESHOLD <= hit.score <= 1.0


@pytest.mark.parametrize(
    "query",
    [
        "Acme Widgets Incorporated",
        "Shenzhen Bright Star Lighting Co., Ltd.",  # city prefix + industry words only
        "Guangdong Textile Import and Export Co Ltd",
    ],
)
def test_unrelated_suppliers_do_not_hit(index: ScreeningIndex, query: str) -> None:
    assert index.screen(query) == []


def test_same_group_different_city_is_not_confused(index: ScreeningIndex) -> None:
    # Turpan Esquel and Changji Esquel are two different UFLPA entities: the right one must win,
    # and the other (if it passes the threshold at all) must score lower.
    hits = index.screen("Turpan Esquel Textile Company Limited")
    assert hits and hits[0].name == "Turpan Esquel Textile Co., Ltd."
    others = [h for h in hits[1:] if "Esquel" in h.name]
    assert all(h.score < hits[0].score for h in others)


def test_hit_explains_which_parts_matched(index: ScreeningIndex) -> None:
    hit = top(index, "GUANGZHOU HOTAN HAOLIN HAIR ACCESSORIES CO")
    assert hit is not None
    assert "via alias 'Hotan Haolin Hair Accessories'" in hit.explanation
    assert "only in input: guangzhou" in hit.explanation
    assert f"score {hit.score:.2f}" in hit.explanation


def test_country_mismatch_lowers_and_match_raises_the_score(index: ScreeningIndex) -> None:
    name = "SHENZHEN CASPRO TECHNOLOGY COMPANY"
    listed = index.entities.set_index("name").loc["SHENZHEN CASPRO TECHNOLOGY CO., LTD"]
    assert listed["country"] == "HKG"  # inferred from "Business Registration Number ... (Hong Kong)"
    plain = top(index, name, threshold=0.0)
    same = top(index, name, country=listed["country"], threshold=0.0)
    other = top(index, name, country="BRA", threshold=0.0)
    assert plain and same and other
    assert other.score < plain.score < same.score
    assert top(index, name, country="Hong Kong", threshold=0.0) == same  # names are resolved to ISO3
    assert top(index, name, country="Atlantis", threshold=0.0) == plain  # unknown: not a mismatch
    assert "country BRA not among HKG" in other.explanation


def test_website_cctld_is_country_evidence_and_a_conflict_removes_the_exact_floor(index: ScreeningIndex) -> None:
    from supplyscope.screening.cctld import web_countries

    assert web_countries("Website www.example.gov.sy; Email Address info@example.ir.") == ["SYR", "IRN"]
    assert web_countries("Website www.example.com; http://example.io; a@b.org") == []  # generic: no country
    listed = index.entities.set_index("entity_id").loc["SDN:17243"]  # a real entry with only a website
    assert "gov.sy" in listed["remarks"] and len(listed["countries"]) == 0
    name = str(listed["name"])
    plain, same, other = (top(index, name, country=c, threshold=0.0) for c in (None, "SYR", "CHN"))
    assert plain and same and plain.score >= 0.95 and same.score >= plain.score  # exact name: missing is neutral
    assert other and other.score < DEFAULT_THRESHOLD  # the same exact name in another country
    assert "country CHN not among SYR" in other.explanation


def test_score_is_the_documented_logistic_combination(index: ScreeningIndex) -> None:
    q, c = normalize_name("Camel Grp"), normalize_name("Camel Group Co., Ltd.")
    score, values = evaluate(Pair(index._side(q), index._side(c)))
    from supplyscope.screening.features import BIAS, EXACT_FLOOR

    p = sigmoid(BIAS + sum(f.weight * values[f.name][0] for f in FEATURES))
    assert values["exact"][0] == 1.0  # same core name: the exact tier, [EXACT_FLOOR, 1]
    assert score == pytest.approx(EXACT_FLOOR + (1 - EXACT_FLOOR) * p)
    fuzzy, v2 = evaluate(Pair(index._side(normalize_name("Camel Grop")), index._side(c)))
    assert v2["exact"][0] == 0.0
    from supplyscope.screening.calibration import FUZZY_P, FUZZY_RATE

    raw = sigmoid(BIAS + sum(f.weight * v2[f.name][0] for f in FEATURES))
    # fuzzy tier: the logistic probability through the isotonic breakpoints (numpy's interpolation as the check)
    assert fuzzy == pytest.approx(min(EXACT_FLOOR - 0.001, float(np.interp(raw, FUZZY_P, FUZZY_RATE))))
    assert values["token_set"][0] == pytest.approx(1.0)  # camel=camel, grp=group


def test_calibration_is_a_monotone_probability_map() -> None:
    from supplyscope.screening.calibration import ACRONYM_RATE, FUZZY_P, FUZZY_RATE
    from supplyscope.screening.features import ACRONYM_SCORE, calibrated

    assert len(FUZZY_P) == len(FUZZY_RATE) >= 2
    assert all(a <= b for a, b in itertools.pairwise(FUZZY_P))
    assert all(a <= b for a, b in itertools.pairwise(FUZZY_RATE))
    assert FUZZY_RATE[0] >= 0.0 and FUZZY_RATE[-1] <= 1.0
    grid = np.linspace(0, 1, 1001)
    ours = [calibrated(float(x)) for x in grid]
    assert ours == pytest.approx(np.interp(grid, FUZZY_P, FUZZY_RATE).tolist())
    # the initials-only score is the (smoothed) observed rate, far below the default threshold
    assert ACRONYM_SCORE == ACRONYM_RATE < 0.1


def test_screen_many_keeps_order_and_length(index: ScreeningIndex) -> None:
    names = ["Camel Group Co., Ltd.", "", "Acme Widgets Incorporated", "BNC"]
    res = index.screen_many(names)
    assert len(res) == 4
    assert res[0][0].name == "Camel Group Co., Ltd."
    assert res[1] == [] and res[2] == []
    assert res[3][0].name == "BANCO NACIONAL DE CUBA"
    assert res == [index.screen(n) for n in names]


def test_screen_many_screens_repeated_rows_once_with_the_same_result(index: ScreeningIndex) -> None:
    caspro = "SHENZHEN CASPRO TECHNOLOGY COMPANY"  # a listed entry with a country (HKG)
    names = [caspro, "BNC", caspro, caspro, "BNC"]
    countries = ["HKG", None, "HKG", "BRA", None]
    res = index.screen_many(names, countries, threshold=0.0, chunk=4)  # the last repeat falls in the next chunk
    assert res == [index.screen(n, c, threshold=0.0) for n, c in zip(names, countries, strict=True)]
    assert res[0] == res[2] and res[0][0].score > res[3][0].score  # another country is another row
    res[2].clear()  # each row gets its own list
    assert res[0]


def test_threshold_filters_hits(index: ScreeningIndex) -> None:
    loose = index.screen("Zhongtai Chemical", threshold=0.0)
    strict = index.screen("Zhongtai Chemical", threshold=0.99)
    assert all(h.score >= 0.99 for h in strict)
    assert len(loose) >= len(strict)


def test_every_listed_name_finds_its_own_entry(index: ScreeningIndex) -> None:
    # Independent check of the blocking: each bundled UFLPA name (and 300 SDN names), screened as
    # is, must return its own entity first or tied first.
    ents = index.entities
    sample = pd.concat([ents[ents["list"] == "UFLPA"], ents[ents["list"] == "SDN"].sample(300, random_state=7)])
    results = index.screen_many(sample["name"].tolist())
    missed = []
    for eid, hits in zip(sample["entity_id"], results, strict=True):
        if not hits or eid not in {h.entity_id for h in hits if h.score == hits[0].score}:
            missed.append(eid)
    assert missed == []


def test_warehouse_lists_join_the_index(tmp_path: object, data_dir: object) -> None:
    from pathlib import Path

    from supplyscope.data.warehouse import Warehouse, file_checksum
    from supplyscope.screening import load_index, load_list
    from supplyscope.screening.lists import canonical

    db = Path(str(tmp_path)) / "wh.duckdb"
    f = Path(str(data_dir)) / "consolidated.json"
    load = load_list(f, "csl")
    frame = load.frame.copy()
    frame["source"] = "csl test"
    with Warehouse.open(db) as wh:
        wh.load({"screening_entities": canonical(frame)}, source="csl test", checksum=file_checksum(f))
    idx = load_index(db)
    hit = idx.screen("GUANGZHOU HAIGE COMM GRP INC CO")
    assert hit and hit[0].entity_id == "EL:a1b2c3" and hit[0].list == "EL"
    assert any("csl test" in k for k in idx.versions)
    only_wh = load_index(db, include_bundled=False)
    assert len(only_wh) == 2


def test_upper_bound_never_below_the_full_score(index: ScreeningIndex) -> None:
    # The index skips candidates whose upper bound is under the threshold; that is only safe if the
    # bound really bounds the score, with and without country and address evidence.
    from supplyscope.screening.features import upper_bound

    names = index.names[:: max(1, len(index.names) // 150)]
    queries = ["Camel Grp", "XINJIANG ZHONGTAI CHEM", "BNC", "Acme Trading LLC", "BANK URALSIB", *names[:20]]
    for qn in queries:
        for cn in names:
            for ctry, addr in ((None, ()), ("CHN", ("Urumqi",))):
                q = index._side(normalize_name(qn), ctry, addr)
                c = index._side(normalize_name(cn), "CHN", ("No. 1 Road, Urumqi",))
                assert upper_bound(Pair(q, c)) >= evaluate(Pair(q, c))[0] - 1e-12


def test_one_and_two_character_aliases_do_not_match_short_names() -> None:
    """Real SDN aliases such as 'P' and 'M1' are too short to be evidence; they are not indexed."""
    from supplyscope.screening import load_index

    idx = load_index()
    assert idx.skipped_short_aliases > 0
    assert idx.screen("P") == [] and idx.screen("M1") == []
    hit = idx.screen("Kong PO")
    assert hit and hit[0].name == "PO, Kong"
