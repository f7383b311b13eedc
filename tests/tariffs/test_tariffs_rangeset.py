"""RangeSet (compiled code ranges) answers exactly as in_any, on the bundled measures and on random ranges."""

from __future__ import annotations

import random

from supplyscope.tariffs import default_config, default_schedule
from supplyscope.tariffs.codes import RangeSet, in_any


def _code(rng: random.Random, digits: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(digits))


def test_rangeset_equals_in_any_on_random_ranges() -> None:
    rng = random.Random(7)
    for _ in range(200):
        ranges = []
        for _ in range(rng.randint(0, 12)):
            a, b = _code(rng, rng.choice((2, 4, 6, 8))), _code(rng, rng.choice((2, 4, 6, 8, 10)))
            if rng.random() < 0.6:  # mostly same-length ends, as the measures write them
                b = _code(rng, len(a))
            ranges.append((min(a, b), max(a, b)) if len(a) == len(b) else (a, b))
        compiled = RangeSet(ranges)
        codes = [_code(rng, rng.choice((4, 8, 10))) for _ in range(100)] + [lo + "00" for lo, _hi in ranges]
        for code in codes:
            assert (code in compiled) == in_any(code, ranges), (code, ranges)


def test_rangeset_equals_in_any_on_the_bundled_measures() -> None:
    codes = default_schedule().codes(10)
    measures = [m for m in default_config().measures if m.products or m.except_products]
    assert measures
    hits = 0
    for m in measures:
        for ranges in (m.products or (), m.except_products):
            compiled = RangeSet(ranges)
            for code in codes[::7]:
                found = code in compiled
                assert found == in_any(code, ranges), (m.id, code)
                hits += found
    assert hits > 0  # some code is in some measure's scope
