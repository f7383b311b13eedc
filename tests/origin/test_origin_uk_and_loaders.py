"""UK rule compilation, coverage accounting, and the HTS / Section 301 / BOM loaders."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.data.schema import table
from supplyscope.data.sources.rules_of_origin import UK_DIR
from supplyscope.errors import DataError, NotFoundError
from supplyscope.origin import bom_from_dict, evaluate_preferential, get_agreement, load_bom, load_hts
from supplyscope.origin.section301 import load_section301
from supplyscope.origin.uk_psr import compile_uk_rule, uk_coverage

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        (
            "Manufacture from materials of any heading, except that of the product.",
            {"tariff_shift": {"level": "heading"}},
        ),
        (
            "Manufacture in which the value of all the materials used does not exceed **50%** of the ex-works price "
            "of the product.",
            {"max_non_originating": {"percent": 50.0}},
        ),
        (
            "A change to a good of [subheading&nbsp;090811](/subheading/0908110000-80) from any other chapter.",
            {"tariff_shift": {"level": "chapter"}},
        ),
        (
            "Manufacture from materials of any heading, except those of [heading&nbsp;0203](/headings/0203), "
            "[heading&nbsp;0206](/headings/0206) or [heading&nbsp;0207](/headings/0207).",
            {"tariff_shift": {"from": ["01-97"], "except_from": ["0203", "0206", "0207"]}},
        ),
        (
            "Manufacture from materials of any heading, except that of the product. However, materials of the same "
            "heading as the product may be used, provided that their total value does not exceed **20%** of the "
            "ex-works price of the product.",
            {"tariff_shift": {"level": "heading", "tolerance_percent": 20.0}},
        ),
        (
            "All the animals of [chapter&nbsp;1](/chapters/01) shall be wholly obtained.",
            {"wholly_obtained": {"of": ["01"]}},
        ),
    ],
)
def test_uk_rule_texts_compile(text: str, spec: dict) -> None:
    c = compile_uk_rule(text)
    assert c.reason is None and c.spec == spec


def test_uk_hybrid_bullets_become_all_of() -> None:
    text = (
        "Manufacture:\n\n- from materials of any heading, except that of the product, *and*\n\n- in which the "
        "value of all the materials of [chapter&nbsp;17](/chapters/17) used does not exceed **30%** of the "
        "ex-works price of the product."
    )
    c = compile_uk_rule(text)
    assert c.spec == {
        "all_of": [{"tariff_shift": {"level": "heading"}}, {"max_non_originating": {"percent": 30.0, "of": ["17"]}}]
    }


def test_uk_descriptive_rule_is_unsupported_with_reason() -> None:
    c = compile_uk_rule("Retanning of pre-tanned leather.", ["PROCESSING"])
    assert c.spec is None and c.reason is not None and "PROCESSING" in c.reason and "description" in c.reason


def test_uk_coverage_counts_every_rule_set() -> None:
    raw_total = 0
    for p in UK_DIR.glob("*.json.gz"):
        if "metadata" in p.name:
            continue
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            raw_total += len(json.load(fh)["rule_sets"])
    cov = uk_coverage()
    t = cov["total"]
    assert raw_total == 28535 == t["rule_sets"]
    assert t["compiled"] + t["partial"] + t["unsupported"] == t["rule_sets"]
    assert sum(n for _, n in cov["unsupported_reasons"]) == t["rules"] - t["rules_compiled"]
    assert 0.5 < t["coverage"] < 1.0


def test_uk_scheme_usable_as_agreement() -> None:
    jp = get_agreement("UK-japan")
    assert "GBR" in jp.parties and "JPN" in jp.parties
    entry = jp.rule_for("850760")
    assert entry.legal.startswith("UK japan")
    b = bom_from_dict(
        {
            "hts": "8507.60",
            "value": 100,
            "country": "JPN",
            "materials": [{"id": "cells", "hts": "8507.90", "value": 80, "origin": "CHN"}],
        }
    )
    assert evaluate_preferential(b, jp).trace  # evaluated with a trace, whatever the outcome
    with pytest.raises(NotFoundError):
        get_agreement("UK-atlantis")


def test_hts_loader_shape_and_errors(tmp_path: Path) -> None:
    df = load_hts()
    assert list(df.columns) == table("tariff_lines").column_names
    raw = pd.read_parquet(bundled("tariffs/hts_2026_revision_4.parquet"))
    assert df["hts"].is_unique
    # every raw row is either loaded or counted as a blank (number-less) row: nothing silently dropped
    assert len(df) + df.attrs["skipped_blank"] == len(raw) == 35733
    assert df.attrs["skipped_blank"] == int(raw["HTS Number"].isna().sum())
    bad = pd.DataFrame(
        {
            "HTS Number": ["0101", "0101.2X.00"],
            "Indent": ["0", "1"],
            "Description": ["a", "b"],
            "General Rate of Duty": [None, "Free"],
            "Special Rate of Duty": [None, None],
            "Column 2 Rate of Duty": [None, None],
        }
    )
    p = tmp_path / "hts.csv"
    bad.to_csv(p, index=False)
    with pytest.raises(DataError) as e:
        load_hts(p)
    assert e.value.row == 2 and e.value.field == "HTS Number"


def test_section301_loader_shape() -> None:
    m = load_section301()
    assert list(m.columns) == table("trade_measures").column_names
    assert not m.duplicated(["measure", "hts", "valid_from"]).any()


def test_bom_json_and_csv_agree() -> None:
    j = load_bom(DATA / "battery_usmca.json")
    c = load_bom(DATA / "battery_usmca.csv")
    assert (
        (j.hts, j.value, j.country, j.net_cost)
        == (c.hts, c.value, c.country, c.net_cost)
        == ("8507100030", 100.0, "MEX", 86.0)
    )
    assert [(m.id, m.hts, m.value, m.origin, m.originating) for m in j.materials] == [
        (m.id, m.hts, m.value, m.origin, m.originating) for m in c.materials
    ]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"hts": "85.07"}, "hts"),
        ({"country": "Mexico"}, "country"),
        ({"value": -1}, "value"),
        ({"materials": [{"id": "a", "hts": "8507.90", "value": 150, "origin": "CHN"}]}, "materials[].value"),
        (
            {"materials": [{"id": "a", "hts": "8507.90", "value": 1, "origin": "CHN", "originating": "maybe"}]},
            "materials[0].originating",
        ),
        ({"materials": [{"id": "a", "hts": "85X7.90", "value": 1, "origin": "CHN"}]}, "materials[0].hts"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bom_validation_names_the_field(patch: dict, field: str) -> None:
    base = {"hts": "8507.10", "value": 100, "country": "MEX", "materials": []}
    with pytest.raises(DataError) as e:
        bom_from_dict({**base, **patch}, source="x.json")
    assert e.value.field == field and e.value.source == "x.json"


def test_bom_csv_error_names_row(tmp_path: Path) -> None:
    text = (DATA / "battery_usmca.csv").read_text().replace("3926.90,10,CHN", "3926.90,ten,CHN")
    p = tmp_path / "b.csv"
    p.write_text(text)
    with pytest.raises(DataError) as e:
        load_bom(p)
    assert e.value.row == 4 and e.value.field == "value"


def test_hts_loader_reads_usitc_json_export(tmp_path: Path) -> None:
    rows = [
        {
            "htsno": "8507",
            "indent": "0",
            "description": "Electric storage batteries",
            "general": "",
            "special": "",
            "other": "",
        },
        {
            "htsno": "8507.60.00",
            "indent": "1",
            "description": "Lithium-ion batteries",
            "general": "3.4%",
            "special": "Free (A,AU,S)",
            "other": "40%",
        },
        {"htsno": "8507.60.00.20", "indent": "2", "description": "Other", "general": "", "special": "", "other": ""},
    ]
    p = tmp_path / "hts.json"
    p.write_text(json.dumps(rows))
    df = load_hts(p)
    assert list(df["hts"]) == ["8507", "85076000", "8507600020"]
    from supplyscope.origin.hts import HtsSchedule

    line = HtsSchedule(df).line("8507600020")
    assert (line.general, line.rate_line, line.column2) == ("3.4%", "85076000", "40%")


def test_fta_yaml_matches_bundled_partner_table() -> None:
    fta = pd.read_parquet(bundled("countries/us_fta_partners.parquet"))
    for name in ("USMCA", "US-Peru TPA", "US-Morocco FTA"):
        a = get_agreement(name)
        rows = fta[fta["agreement"] == name]
        assert set(rows["partner_iso3"]) | {"USA"} == set(a.parties)
        codes = {c for v in rows["hts_special_program_codes"] for c in v.split(";")}
        assert codes == set(a.program_codes)
