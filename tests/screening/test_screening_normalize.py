"""Name normalisation: legal forms, abbreviations, scripts, place words."""

from __future__ import annotations

import pytest

from supplyscope.screening.normalize import initials, normalize_name, romanize_han


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Xinjiang Zhongtai Chemical Co., Ltd.", "XINJIANG ZHONGTAI CHEMICAL COMPANY LIMITED"),
        ("Camel Group Co Ltd", "CAMEL GRP CO., LTD."),
        ("Guangzhou Haige Communications Group", "GUANGZHOU HAIGE COMM GRP"),
        ("Acme Industrial Technologies GmbH", "ACME IND. TECH"),
        ("ООО Ромашка", "OOO ROMASHKA"),
        ("LIMITED LIABILITY COMPANY ROMASHKA", "Obshchestvo s ogranichennoy otvetstvennostyu Romashka"),
        ("A.B.C. Trading S.A.", "ABC TRADING SA"),
        ("Banco Nacional de Cuba", "NATIONAL BANK CUBA"),
    ],
)
def test_equivalent_spellings_normalise_to_the_same_core(a: str, b: str) -> None:
    assert sorted(normalize_name(a).core) == sorted(normalize_name(b).core)


def test_legal_forms_are_separated_not_lost() -> None:
    n = normalize_name("Changji Esquel Textile Co., Ltd.")
    assert n.core == ("changji", "esquel", "textile")
    assert n.legal == ("co", "ltd")
    assert "changji" in n.places


def test_chinese_name_is_segmented_into_pinyin_words() -> None:
    # 新疆 = Xinjiang (place), 中泰 = Zhongtai (no dictionary entry: romanised as one word),
    # 化学 = chemical, 股份有限公司 = joint-stock company limited (legal form)
    n = normalize_name("新疆中泰化学股份有限公司")
    assert n.core == ("xinjiang", "zhongtai", "chemical")
    assert romanize_han("海格").split() == ["haige"]


def test_name_made_only_of_a_legal_form_keeps_its_tokens() -> None:
    assert normalize_name("Limited").core == ("limited",)


def test_misspelled_legal_form_word_is_still_a_legal_form() -> None:
    n = normalize_name("LIMITED LAIBILITY COMPANY TEKHARGOS")
    assert n.core == ("tekhargo",)


def test_initials() -> None:
    n = normalize_name("China National Petroleum Corporation")
    assert initials(n.core) == "cnp"
    assert initials(n.all_tokens) == "cnpc"
