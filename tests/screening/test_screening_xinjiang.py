"""Xinjiang presumption: Latin, Chinese and Uyghur forms; places elsewhere must not match."""

from __future__ import annotations

import pytest

from supplyscope.screening import xinjiang_match

SHOULD_MATCH = [
    ("No. 1 Hongshan Road, Urumqi, Xinjiang, China", "urumqi"),
    ("Ürümqi", "urumqi"),
    ("Sinkiang province", "sinkiang"),
    ("XUAR, PRC", "xuar"),
    ("Kashgar Prefecture", "kashgar"),
    ("Hotan (Khotan) county", "hotan"),
    ("Shihezi, XPCC 8th Division", "shihezi"),
    ("新疆维吾尔自治区乌鲁木齐市", "新疆"),
    ("阿克苏地区", "阿克苏"),
    ("شىنجاڭ ئۇيغۇر ئاپتونوم رايونى", "شىنجاڭ"),
    ("ئۈرۈمچى شەھىرى", "ئۈرۈمچى"),
    ("Aksu City, China", "aksu"),
    ("Xin-Jiang Uygur Autonomous Region", "xin-jiang"),
]

SHOULD_NOT_MATCH = [
    "Aksu, Kazakhstan",  # Aksu also names towns in Kazakhstan and Turkey
    "Altay Krai, Russia",
    "Aral, Kyzylorda Region",
    "Yiwu, Zhejiang, China",
    "Guangzhou, Guangdong",
    "Shanghai Pudong",
    "Hamilton, Ontario",  # contains "hami" but not as a word
    "Turpanov Street 5, Almaty",  # "turpan" only as part of a word
    "",
]


@pytest.mark.parametrize(("text", "term"), SHOULD_MATCH)
def test_xinjiang_forms_match(text: str, term: str) -> None:
    assert xinjiang_match(text) == term


@pytest.mark.parametrize("text", SHOULD_NOT_MATCH)
def test_places_outside_xinjiang_do_not_match(text: str) -> None:
    assert xinjiang_match(text) is None


def test_ambiguous_name_needs_china_context_from_country() -> None:
    assert xinjiang_match("Aksu Textile Park") is None
    assert xinjiang_match("Aksu Textile Park", country="CHN") == "aksu"
    assert xinjiang_match("Aksu Textile Park", country="KAZ") is None
