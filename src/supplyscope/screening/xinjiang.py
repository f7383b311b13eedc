"""Xinjiang presumption: does an address or region name a place in Xinjiang?

Under the UFLPA, goods made wholly or in part in the Xinjiang Uyghur Autonomous Region are presumed
to be made with forced labour, whether or not the producer is on a list. :func:`xinjiang_match` looks
for the region and its prefecture-level cities and XPCC (Bingtuan) cities in Latin spellings
(pinyin, Uyghur Latin, older Wade-Giles/Postal forms), Chinese characters and Uyghur Arabic script.

Some Latin names are shared with places outside Xinjiang (Aksu in Kazakhstan and Turkey, Altay in
Russia and Mongolia, Aral in Kazakhstan, Ili, Hami, Kashi). Those only count when the same text, or
the country passed in, points to China.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Unambiguous Latin forms (matched on word boundaries, case-insensitive, after diacritics removal).
_LATIN_STRONG: tuple[str, ...] = (
    "xinjiang",
    "xin jiang",
    "sinkiang",
    "sin kiang",
    "hsinchiang",
    "hsin-chiang",
    "xuar",
    "uyghur autonomous region",
    "uighur autonomous region",
    "uygur autonomous region",
    "east turkestan",
    "east turkistan",
    "sharqi turkistan",
    "shinjang",
    "urumqi",
    "urumchi",
    "urumtsi",
    "wulumuqi",
    "tihwa",
    "kashgar",
    "kashghar",
    "qeshqer",
    "kaxgar",
    "hotan",
    "khotan",
    "hetian",
    "xotan",
    "akesu",
    "turpan",
    "turfan",
    "tulufan",
    "kumul",
    "qumul",
    "korla",
    "kurla",
    "kuerle",
    "shihezi",
    "karamay",
    "qaramay",
    "kelamayi",
    "changji",
    "yining",
    "ghulja",
    "gulja",
    "kuldja",
    "bortala",
    "boertala",
    "tacheng",
    "chuguchak",
    "qoqek",
    "kizilsu",
    "kezilesu",
    "bayingolin",
    "bayinguoleng",
    "bayin'guoleng",
    "wujiaqu",
    "tumxuk",
    "tumushuke",
    "beitun",
    "kokdala",
    "kekedala",
    "huyanghe",
    "bingtuan",
    "xpcc",
    "production and construction corps",
    "kuqa",
    "kucha",
    "yarkand",
    "yarkant",
    "shache",
    "atush",
    "artux",
    "atushi",
    "maralbexi",
    "lop county",
    "luopu",
    "karakax",
    "qaraqash",
    "keriya",
    "yecheng",
    "kargilik",
    "yengisar",
    "yingjisha",
    "qapqal",
    "chapchal",
    "huocheng",
    "korgas",
    "horgos",
    "khorgos",
    "horgas",
    "alashankou",
    "kuytun",
    "kuitun",
    "jimsar",
    "jimusaer",
    "hutubi",
    "toksun",
    "tuokexun",
    "barkol",
    "balikun",
    "qinggil",
    "burqin",
    "habahe",
    "jeminay",
    "kalpin",
    "awati",
    "uqturpan",
    "hoxud",
    "bugur",
    "luntai",
    "qiemo",
    "cherchen",
    "ruoqiang",
    "charkhlik",
)

# Latin forms that also name places outside China; they need a China context. (Names shared with
# other places inside China, such as Yutian, Baicheng or Xinhe, are left out altogether.)
_LATIN_AMBIGUOUS: tuple[str, ...] = (
    "aksu",
    "altay",
    "aletai",
    "aral",
    "ili",
    "yili",
    "hami",
    "kashi",
    "manas",
    "niya",
    "sanji",
)

_CHINA_CONTEXT = re.compile(r"\b(china|prc|p\.r\.c|people'?s republic|zhongguo|cn|chn)\b", re.IGNORECASE)

# Chinese-character forms (substring match).
_HAN_FORMS: tuple[str, ...] = (
    "新疆",
    "乌鲁木齐",
    "喀什",
    "和田",
    "阿克苏",
    "吐鲁番",
    "哈密",
    "库尔勒",
    "石河子",
    "克拉玛依",
    "昌吉",
    "伊犁",
    "伊宁",
    "博尔塔拉",
    "阿勒泰",
    "塔城",
    "克孜勒苏",
    "巴音郭楞",
    "五家渠",
    "图木舒克",
    "阿拉尔",
    "北屯",
    "可克达拉",
    "昆玉",
    "胡杨河",
    "新星市",
    "兵团",
    "库车",
    "莎车",
    "阿图什",
    "洛浦",
    "墨玉",
    "霍尔果斯",
    "阿拉山口",
    "奎屯",
)

# Uyghur Arabic-script forms (substring match).
_UYGHUR_FORMS: tuple[str, ...] = (
    "شىنجاڭ",
    "ئۈرۈمچى",
    "قەشقەر",
    "خوتەن",
    "ئاقسۇ",
    "تۇرپان",
    "قۇمۇل",
    "كورلا",
    "شىخەنزە",
    "قاراماي",
    "سانجى",
    "غۇلجا",
    "بۆرتالا",
    "ئالتاي",
    "چۆچەك",
    "قىزىلسۇ",
    "بايىنغولىن",
    "ئۇيغۇر ئاپتونوم رايونى",
)


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted((re.escape(t).replace(r"\ ", r"[\s\-]+") for t in terms), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(alts) + r")(?![a-z0-9])", re.IGNORECASE)


_STRONG_RE = _pattern(_LATIN_STRONG)
_AMBIGUOUS_RE = _pattern(_LATIN_AMBIGUOUS)


def _fold(text: str) -> str:
    """Lower-case Latin text with diacritics removed (Ürümqi -> urumqi); other scripts kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def xinjiang_match(text: str | None, country: str | None = None) -> str | None:
    """The Xinjiang term found in ``text`` (as written there), or ``None``.

    ``country`` (ISO3 or a name) supplies the China context for ambiguous names such as Aksu.
    """
    if not text:
        return None
    nfc = unicodedata.normalize("NFC", text)
    for form in _HAN_FORMS + _UYGHUR_FORMS:
        if form in nfc:
            return form
    folded = _fold(nfc)
    m = _STRONG_RE.search(folded)
    if m:
        return m.group(1)
    m = _AMBIGUOUS_RE.search(folded)
    if m:
        in_china = bool(_CHINA_CONTEXT.search(folded)) or (
            country is not None and anyascii(country).strip().lower() in {"chn", "cn", "china", "prc"}
        )
        if in_china:
            return m.group(1)
    return None
