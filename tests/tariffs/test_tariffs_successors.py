"""Section 301 successor codes: hand-checked against the HS 2017 -> 2022 correlation file and the HTS 2026 lines."""

from __future__ import annotations

import csv

import pytest

from supplyscope.data.paths import bundled
from supplyscope.data.sources.hs_concordance import BUNDLED_HS_CHANGES, HsChange, load_hs_changes
from supplyscope.errors import DataError
from supplyscope.tariffs import default_index, duty_stack
from supplyscope.tariffs.schedule import HtsSchedule
from supplyscope.tariffs.section301 import HS2022, SAME_HS6, Section301Index

ROWS = [
    ("8507", 0, "Batteries", None, None, None, None),
    ("85076000", 1, "Li-ion", "3.4%", None, None, None),
    ("0309", 0, "Flours of fish", None, None, None, None),
    ("03091005", 1, "Of fish, a", "Free", None, None, None),
    ("03091090", 1, "Of fish, b", "Free", None, None, None),
    ("3816", 0, "Refractory cements", None, None, None, None),
    ("38160000", 1, "Refractory", "Free", None, None, None),
]


def test_hand_checked_rows_of_the_bundled_correlation() -> None:
    # grep '^030510\|^080290\|^251830' src/supplyscope/data/bundled/tariffs/hs2017_to_hs2022_section301.csv
    rows = {(c.hs2017, c.hs2022): c for c in load_hs_changes()}
    assert rows[("030510", "030910")].weight == 1.0 and not rows[("030510", "030910")].hs2022_in_hs2017
    assert {h for (o, h) in rows if o == "080290"} == {"080291", "080292", "080299"}
    assert sum(c.weight for (o, _h), c in rows.items() if o == "080290") == pytest.approx(1.0)
    assert rows[("251830", "381600")].hs2022_in_hs2017  # agglomerated dolomite went into an existing heading


def test_mapping_rules_on_a_small_schedule() -> None:
    listed = {"85076000": ["List 3"], "85073000": ["List 4A"], "03051020": ["List 3"], "25183000": ["List 3"]}
    changes = [
        HsChange("030510", "030910", 1.0, False),
        HsChange("251830", "381600", 1.0, True),
    ]
    idx = Section301Index(listed, HtsSchedule(ROWS), changes)
    assert idx.lists_for("85076000") == {"List 3"}  # still exists: direct
    assert "85073000" not in idx.successors and "85073000" in idx.unmapped  # no HS6 8507.30 left, no row
    fish = idx.successors["03051020"]
    assert (fish.method, fish.successors, fish.one_to_many) == (HS2022, ("03091005", "03091090"), True)
    assert idx.lists_for("0309100500") == {"List 3"}
    assert idx.successor_of("03091090") == ("03051020",)
    assert "25183000" in idx.unmapped and "381600" in idx.unmapped_reason["25183000"]
    assert idx.lists_for("38160000") == frozenset()  # a continuing subheading keeps its own status


def test_bundled_successor_counts() -> None:
    idx = default_index()
    by_method = {m: [s for s in idx.successors.values() if s.method == m] for m in (SAME_HS6, HS2022)}
    # issue 13 counted 422 listed HTS8 absent from HTS 2026; 151 share an HS6 that still exists
    assert len(idx.successors) + len(idx.unmapped) == 422
    assert len(by_method[SAME_HS6]) == 151
    assert len(by_method[HS2022]) == 422 - 151 - len(idx.unmapped)
    assert sorted(idx.unmapped) == ["25183000", "68129200", "68129300"]
    with bundled(BUNDLED_HS_CHANGES).open(encoding="utf-8") as fh:
        continuing = {r["hs2017"] for r in csv.DictReader(fh) if r["hs2022_in_hs2017"] == "true"}
    assert {c[:6] for c in idx.unmapped} <= continuing


def test_successor_applies_301_and_says_it_is_approximate() -> None:
    d = duty_stack("0802921000", "CHN", 1000, on="2024-06-01")
    assert set(d.section301_lists) == {"List 3", "List 4A"}
    text = next(r for r in d.reasons if "successor mapping" in r)
    assert "080290->080292 (share 0.42)" in text and "one-to-many" in text and "approximate" in text


def test_malformed_correlation_row_names_row_and_field(tmp_path: object) -> None:
    from pathlib import Path

    p = Path(str(tmp_path)) / "bad.csv"
    p.write_text("hs2017,hs2022,weight,group_id,hs2022_in_hs2017\n030510,030910,1.0,,false\n03051,030910,1,,false\n")
    with pytest.raises(DataError) as e:
        load_hs_changes(p)
    assert e.value.row == 2 and e.value.field == "hs2017"
