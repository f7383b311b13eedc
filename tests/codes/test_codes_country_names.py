"""The one country-name resolver: bundled names, codes and aliases, shared by every reader."""

from __future__ import annotations

import pytest

from supplyscope.codes.countries import iso3_codes, location_records
from supplyscope.codes.country_names import ALIASES, to_iso3


def test_every_alias_targets_a_known_code() -> None:
    # Not in the Growth Lab trade table, but listed by OFAC: Isle of Man and Liechtenstein (ISO 3166),
    # and Kosovo's user-assigned XKX.
    outside_table = {"IMN", "LIE", "XKX"}
    assert set(ALIASES.values()) - iso3_codes() == outside_table


def test_table_names_and_codes_round_trip() -> None:
    rows = location_records(["iso3_code", "iso2_code", "name_en"])
    for row in rows[:50]:
        iso3 = str(row["iso3_code"])
        assert to_iso3(iso3.lower()) == iso3
        if isinstance(row["name_en"], str) and row["name_en"]:
            assert to_iso3(f"  {str(row['name_en']).upper()} ") == iso3


@pytest.mark.parametrize(
    ("label", "iso3"),
    [("Congo (Kinshasa)", "COD"), ("Korea, North", "PRK"), ("Türkiye", "TUR"), ("Viet  Nam", "VNM"), ("", None)],
)
def test_source_spellings(label: str, iso3: str | None) -> None:
    assert to_iso3(label) == iso3


def test_readers_share_the_resolver() -> None:
    from supplyscope.data.sources import screening_countries, usgs_mcs

    assert screening_countries.to_iso3 is to_iso3
    assert usgs_mcs.country_code("Congo (Kinshasa)") == ("COD", "country")
    assert usgs_mcs.country_code("World total (rounded)") == ("WORLD", "world")
    assert usgs_mcs.country_code("Atlantis") is None
