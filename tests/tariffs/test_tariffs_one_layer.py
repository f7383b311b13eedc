"""One layer everywhere: duty, origin and shipments give identical layers for every bundled HTS10 line."""

from __future__ import annotations

import random
from datetime import date

import pytest

from supplyscope.origin.duty import duty_stack as origin_duty_stack
from supplyscope.shipments import TariffLayer, load_settings
from supplyscope.tariffs import default_schedule, duty_stack

ORIGINS = ("CHN", "MEX", "CAN", "KOR", "VNM", "DEU")
DATES = (date(2024, 6, 1), date(2025, 10, 1), date(2026, 6, 1))
KEYS = ("base", "section301", "section232", "ieepa", "section122")


def test_shipments_facts_equal_the_duty_stack_on_every_line() -> None:
    codes = default_schedule().codes(10)
    assert len(codes) > 19000
    keys = [(c, o, d) for c in codes for o in ORIGINS for d in DATES]
    facts = TariffLayer().facts(keys, load_settings())
    assert len(facts) == len(keys)
    cols = {
        "base": "base_rate",
        "section301": "section301_rate",
        "section232": "section232_rate",
        "ieepa": "ieepa_rate",
        "section122": "section122_rate",
    }
    by_key = facts.set_index(["hts10", "origin", "entry_date"])
    rng = random.Random(13)
    sample = rng.sample(keys, 3000)
    for code, org, day in sample:
        d = duty_stack(code, org, 1000.0, on=day).layer_rates()
        o = origin_duty_stack(code, org, 1000.0, on=day).layer_rates()
        row = by_key.loc[(code, org, day)]
        s = {k: (None if row[c] != row[c] else float(row[c])) for k, c in cols.items()}
        assert d == o == s, (code, org, day)
    # the law changed between the dates: the layers are not all equal across them
    chn = facts[facts["origin"] == "CHN"].groupby("entry_date")["ieepa_rate"].mean()
    assert chn[date(2024, 6, 1)] == 0.0 and chn[date(2025, 10, 1)] > 0.0 and chn[date(2026, 6, 1)] == 0.0
    s122 = facts.groupby("entry_date")["section122_rate"].max()
    assert s122[date(2026, 6, 1)] == pytest.approx(0.10) and s122[date(2025, 10, 1)] == 0.0
