"""Country names and codes as sources write them -> ISO3: the one resolver every reader uses.

The index is the bundled Growth Lab location table (ISO3, ISO2, English and short names, read with
pyarrow so that callers need no pandas) plus :data:`ALIASES`, the spellings that OFAC, trade.gov,
FollowTheMoney and USGS use and the table lacks. Keys are compared lower-cased with runs of spaces
collapsed; non-ASCII names are also tried transliterated.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from supplyscope.codes.countries import location_records

ALIASES: dict[str, str] = {
    # screening lists (OFAC, trade.gov, FollowTheMoney)
    "korea, north": "PRK",
    "korea north": "PRK",
    "north korea": "PRK",
    "dprk": "PRK",
    "democratic people's republic of korea": "PRK",
    "korea, south": "KOR",
    "korea south": "KOR",
    "republic of korea": "KOR",
    "korea, republic of": "KOR",
    "burma": "MMR",
    "palestinian": "PSE",
    "possibly palestinian": "PSE",
    "west bank": "PSE",
    "gaza": "PSE",
    "region: gaza": "PSE",
    "kosovo": "XKX",
    "xk": "XKX",
    "taiwan": "TWN",
    "tw": "TWN",
    "chinese taipei": "TWN",
    "congo, democratic republic of the": "COD",
    "democratic republic of the congo": "COD",
    "congo, republic of the": "COG",
    "russian federation": "RUS",
    "russia": "RUS",
    "rossiya": "RUS",
    "rossiia": "RUS",
    "iran, islamic republic of": "IRN",
    "iran": "IRN",
    "syrian arab republic": "SYR",
    "venezuela, bolivarian republic of": "VEN",
    "turkiye": "TUR",
    "türkiye": "TUR",
    "turkey": "TUR",
    "czech republic": "CZE",
    "czechia": "CZE",
    "cote d ivoire": "CIV",
    "cote d'ivoire": "CIV",
    "côte d’ivoire": "CIV",
    "ivory coast": "CIV",
    "macau": "MAC",
    "laos": "LAO",
    "lao pdr": "LAO",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "united states": "USA",
    "usa": "USA",
    "uk": "GBR",
    "united kingdom": "GBR",
    "prc": "CHN",
    "people's republic of china": "CHN",
    "zhongguo": "CHN",
    "zhonghua renmin gongheguo": "CHN",
    "hong kong sar": "HKG",
    "xianggang": "HKG",
    "crimea": "UKR",
    "region: crimea": "UKR",
    "bosnia-herzegovina": "BIH",
    "the bahamas": "BHS",
    "bahamas, the": "BHS",
    "the gambia": "GMB",
    "gambia, the": "GMB",
    "eswatini": "SWZ",
    "north macedonia, the republic of": "MKD",
    "north macedonia": "MKD",
    "macedonia": "MKD",
    "liechtenstein": "LIE",
    "st. vincent and the grenadines": "VCT",
    "st vincent and the grenadines": "VCT",
    "st. kitts and nevis": "KNA",
    "st. kitts & nevis": "KNA",
    "man, isle of": "IMN",
    "isle of man": "IMN",
    "virgin islands, british": "VGB",
    "british virgin islands": "VGB",
    "moldova, republic of": "MDA",
    "tanzania, united republic of": "TZA",
    "tanzania": "TZA",
    "uae": "ARE",
    # USGS Mineral Commodity Summaries
    "congo (kinshasa)": "COD",
    "congo (brazzaville)": "COG",
    "australia (row label inferred)": "AUS",
}
"""Spellings the bundled location table lacks, lower-cased."""

_SPACES = re.compile(r"\s+")


def _key(value: str) -> str:
    return _SPACES.sub(" ", value.strip().strip(".").lower())


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Location names and ISO2/ISO3 codes from the bundled table, then :data:`ALIASES`."""
    out: dict[str, str] = {}
    for row in location_records(["iso3_code", "iso2_code", "name_en", "name_short_en"]):
        iso3 = str(row["iso3_code"])
        out[iso3.lower()] = iso3
        for value in (row["iso2_code"], row["name_en"], row["name_short_en"]):
            if isinstance(value, str) and value:
                out.setdefault(_key(value), iso3)
    out.update(ALIASES)
    return out


def to_iso3(value: str | None) -> str | None:
    """ISO3 code for a country name, ISO2 or ISO3 code; ``None`` when empty or unknown."""
    if value is None:
        return None
    key = _key(value)
    if not key:
        return None
    found = _index().get(key)
    if found is None and not key.isascii():
        found = _index().get(_key(anyascii(key)))
    return found
