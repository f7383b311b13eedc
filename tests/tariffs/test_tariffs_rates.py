"""Rate parsing on printed HTS texts, each result worked by hand."""

from __future__ import annotations

import pytest

from supplyscope.tariffs.rates import apply_rate, normalise_unit, parse_rate, parse_special


def test_ad_valorem_specific_and_compound() -> None:
    assert parse_rate("3.5%").ad_valorem == pytest.approx(0.035)
    assert parse_rate("Free").is_free and parse_rate("Free").ad_valorem == 0.0
    spec = parse_rate("24.7¢/kg")
    assert spec.ad_valorem is None and spec.components[0].value == pytest.approx(0.247)
    assert spec.components[0].unit == "kg"
    comp = parse_rate("46.3¢/kg + 14.9%")
    assert comp.ad_valorem == pytest.approx(0.149) and not comp.fully_ad_valorem
    assert parse_rate("$1.61 each + 4.4% on the case").components[0].value == pytest.approx(1.61)


def test_partial_components_are_not_whole_value() -> None:
    r = parse_rate("3.9% on the movement and case + 5.3% on the battery")
    assert [c.base for c in r.components] == ["movement and case", "battery"]
    assert r.ad_valorem is None  # never 9.2% of the whole value
    a = apply_rate(r, 100.0)
    assert a.duty_usd == 0.0 and not a.complete and len(a.missing) == 2


def test_minus_and_unparsed_terms() -> None:
    r = parse_rate("10% minus 0.5%")
    assert r.ad_valorem == pytest.approx(0.095)  # minus is negative, not +0.5%
    sugar = parse_rate("3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees")
    assert sugar.unparsed is not None and not apply_rate(sugar, 10.0, 5.0, "kg").complete


def test_chapter99_additional_duties() -> None:
    r = parse_rate("The duty provided in the applicable subheading + 50%.")
    assert r.plus_base and r.ad_valorem == pytest.approx(0.5)
    c = parse_rate(
        "The duty provided in the applicable subheading + a duty of 50% upon the value of the copper content"
    )
    assert c.components[0].base == "copper content"
    assert parse_rate("The duty provided in the applicable subheading plus 25%").ad_valorem == pytest.approx(0.25)


def test_quantities_complete_specific_rates() -> None:
    r = parse_rate("46.3¢/kg + 14.9%")
    assert not apply_rate(r, 1000.0).complete
    a = apply_rate(r, 1000.0, 200.0, "kg")
    assert a.complete and a.duty_usd == pytest.approx(0.463 * 200 + 149.0)
    g = apply_rate(parse_rate("1¢/kg"), 0.0, 2000.0, "g")  # 2,000 g = 2 kg
    assert g.duty_usd == pytest.approx(0.02)
    assert normalise_unit("doz.") == ("No.", 12.0)
    bad = apply_rate(parse_rate("1¢/kg"), 0.0, 3.0, "liters")
    assert not bad.complete and "cannot be converted" in bad.missing[0]


def test_special_column_programs() -> None:
    sp = parse_special("Free (A,AU,BH, CL) 2.5% (KR)")
    assert sp["AU"].is_free and sp["KR"].ad_valorem == pytest.approx(0.025)
