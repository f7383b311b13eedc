"""Rate text parsing against strings printed in the 2026 HTS."""

from __future__ import annotations

import pytest

from supplyscope.origin.rates import parse_rate, parse_special


@pytest.mark.parametrize(
    ("text", "ad", "specific"),
    [
        ("Free", 0.0, None),
        ("3.5%", 0.035, None),
        ("1.5¢/kg", None, "1.5¢/kg"),
        ("30.5¢/kg + 8.5%", 0.085, "30.5¢/kg"),
        ("$2.146/kg", None, "$2.146/kg"),
        ("90¢/pr. + 37.5%", 0.375, "90¢/pr."),
    ],
)
def test_parse_rate(text: str, ad: float | None, specific: str | None) -> None:
    r = parse_rate(text)
    assert r.ad_valorem == (pytest.approx(ad) if ad is not None else None)
    assert r.specific == specific


def test_chapter99_plus_rates() -> None:
    assert parse_rate("The duty provided in the applicable subheading + 25%").ad_valorem == pytest.approx(0.25)
    r = parse_rate("The duty provided in the applicable subheading plus 7.5%")
    assert r.plus_base and r.ad_valorem == pytest.approx(0.075)


def test_special_programs_with_spaces_and_marks() -> None:
    sp = parse_special("Free (AU,BH, CL,CO,E*,IL,JO, KR,MA,OM, P,PA,PE,S,SG)")
    assert {"AU", "CL", "E*", "S", "SG", "PE"} <= set(sp)
    assert all(r.is_free for r in sp.values())
    multi = parse_special("Free (A+,AU,BH) 2.5% (KR)")
    assert multi["KR"].ad_valorem == pytest.approx(0.025) and multi["AU"].is_free
