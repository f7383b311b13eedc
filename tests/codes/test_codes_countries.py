"""The alpha-2 codes: complete for every country of the bundled table, and one-to-one."""

from __future__ import annotations

import pyarrow.parquet as pq

from supplyscope.codes.countries import ISO2_GAPS, LOCATIONS_FILE, country_names, iso3_to_iso2
from supplyscope.data.paths import bundled


def test_every_real_country_has_its_alpha2_code() -> None:
    to2 = iso3_to_iso2()
    # USP (services partners) and ANS (undeclared) are statistical codes with no ISO alpha-2
    missing = sorted(set(country_names()) - set(to2) - {"USP", "ANS"})
    assert missing == []
    assert (to2["ITA"], to2["NAM"], to2["TWN"], to2["DEU"]) == ("it", "na", "tw", "de")
    assert len(set(to2.values())) == len(to2)  # no two locations share a code


def test_gaps_fill_only_what_the_table_leaves_empty() -> None:
    raw = pq.read_table(bundled(LOCATIONS_FILE), columns=["iso3_code", "iso2_code"]).to_pylist()
    empty = {r["iso3_code"] for r in raw if r["iso2_code"] is None}
    assert set(ISO2_GAPS) <= empty  # a gap the table has since filled must be dropped from ISO2_GAPS
