"""Country names and ISO2 codes as the screening lists write them -> ISO3.

Uses the bundled Growth Lab location table (read with pyarrow, so screening one file does not need
pandas) plus the spellings OFAC, trade.gov and FollowTheMoney use that the table lacks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from supplyscope.codes.countries import location_records

_EXTRA: dict[str, str] = {
    "korea, north": "PRK",
    "korea north": "PRK",
    "north korea": "PRK",
    "dprk": "PRK",
    "korea, south": "KOR",
    "korea south": "KOR",
    "republic of korea": "KOR",
    "burma": "MMR",
    "palestinian": "PSE",
    "west bank": "PSE",
    "gaza": "PSE",
    "kosovo": "XKX",
    "xk": "XKX",
    "taiwan": "TWN",
    "tw": "TWN",
    "chinese taipei": "TWN",
    "congo, democratic republic of the": "COD",
    "democratic republic of the congo": "COD",
    "congo, republic of the": "COG",
    "russian federation": "RUS",
    "iran, islamic republic of": "IRN",
    "syrian arab republic": "SYR",
    "venezuela, bolivarian republic of": "VEN",
    "turkiye": "TUR",
    "türkiye": "TUR",
    "czech republic": "CZE",
    "czechia": "CZE",
    "cote d ivoire": "CIV",
    "cote d'ivoire": "CIV",
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
    "hong kong sar": "HKG",
    "crimea": "UKR",
    "region: crimea": "UKR",
    "bosnia-herzegovina": "BIH",
    "the bahamas": "BHS",
    "the gambia": "GMB",
    "gambia, the": "GMB",
    "bahamas, the": "BHS",
    "eswatini": "SWZ",
    "north macedonia, the republic of": "MKD",
    "north macedonia": "MKD",
    "macedonia": "MKD",
    "democratic people's republic of korea": "PRK",
    "turkey": "TUR",
    "liechtenstein": "LIE",
    "st. vincent and the grenadines": "VCT",
    "st vincent and the grenadines": "VCT",
    "st. kitts and nevis": "KNA",
    "st. kitts & nevis": "KNA",
    "man, isle of": "IMN",
    "isle of man": "IMN",
    "virgin islands, british": "VGB",
    "british virgin islands": "VGB",
    "possibly palestinian": "PSE",
    "region: gaza": "PSE",
    "zhongguo": "CHN",
    "zhonghua renmin gongheguo": "CHN",
    "xianggang": "HKG",
    "rossiya": "RUS",
    "rossiia": "RUS",
    "moldova, republic of": "MDA",
    "tanzania, united republic of": "TZA",
    "uae": "ARE",
}

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Growth Lab location names and ISO2/ISO3 codes (bundled), plus :data:`_EXTRA`."""
    cols = ["iso3_code", "iso2_code", "name_en", "name_short_en"]
    table = location_records(cols)
    out: dict[str, str] = {}
    for row in table:
        iso3 = str(row["iso3_code"])
        out[iso3.lower()] = iso3
        for value in (row["iso2_code"], row["name_en"], row["name_short_en"]):
            if isinstance(value, str) and value:
                out[_SPACES.sub(" ", value.strip().lower())] = iso3
    out.update(_EXTRA)
    return out


def to_iso3(value: str | None) -> str | None:
    """ISO3 code for a country name, ISO2 or ISO3 code; ``None`` when empty or unknown."""
    if value is None:
        return None
    key = _SPACES.sub(" ", value.strip().strip(".").lower())
    if not key:
        return None
    found = _table().get(key)
    if found is None and not key.isascii():
        found = _table().get(_SPACES.sub(" ", anyascii(key).strip().lower()))
    return found
