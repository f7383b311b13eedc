"""Releases against the attacks that broke the live aggregates.

The attacker is written here independently of the code under test: it takes a published table, writes
every relation it knows (each published cell is the true count within ±D, D = 0 for exact counts; rows
and columns add up; counts are non-negative integers; every named row holds at least one report) and
asks scipy's mixed-integer solver (HiGHS) for the smallest and largest value of each hidden cell. A
cell is disclosed when both are equal.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from supplyscope.alerts.aggregate import published_aggregates
from supplyscope.alerts.disclosure import DisclosureRules
from supplyscope.alerts.releases import (
    OTHER,
    ReleasePolicy,
    check_can_cut,
    draft_release,
    perturbation,
)
from supplyscope.alerts.storage import Contribution
from supplyscope.errors import ConflictError

RULES = DisclosureRules()
POLICY = ReleasePolicy()


def hidden_ranges(table: dict[str, Any], d: int, *, rows_nonempty: bool) -> dict[tuple[str, str], tuple[int, int]]:
    """The integer-programming attacker: (min, max) of every hidden interior cell."""
    rows = [r for r in table["rows"] if r != "TOTAL"]
    cols = [c for c in table["cols"] if c != "TOTAL"]
    idx = {(r, c): k for k, (r, c) in enumerate((r, c) for r in rows for c in cols)}
    value = {(c["row"], c["col"]): c["value"] for c in table["cells"]}
    a, lo, hi = [], [], []
    for (r, c), v in value.items():
        coef = np.zeros(len(idx))
        for rr in rows if r == "TOTAL" else [r]:
            for cc in cols if c == "TOTAL" else [c]:
                coef[idx[(rr, cc)]] = 1
        if v is not None:
            a.append(coef), lo.append(v - d), hi.append(v + d)
        elif rows_nonempty and c == "TOTAL" and r not in ("TOTAL", OTHER):
            a.append(coef), lo.append(1), hi.append(np.inf)  # a named row exists only if it holds a report
    constraints = LinearConstraint(np.array(a), lo, hi)
    out = {}
    for cell, k in idx.items():
        if value.get(cell) is not None:
            continue
        e = np.zeros(len(idx))
        e[k] = 1
        low = milp(e, constraints=constraints, integrality=np.ones(len(idx)), bounds=Bounds(0, 10_000))
        high = milp(-e, constraints=constraints, integrality=np.ones(len(idx)), bounds=Bounds(0, 10_000))
        assert low.success and high.success, "the attacker's model must admit the true table"
        out[cell] = (round(low.fun), round(-high.fun))
    return out


# Six reports, each the only one in its product-country row (seeded draw, synthetic).
SINGLETONS = [
    Contribution(1, "854231", "CHN", 2, "2026-04-20", 1, 1323436024),
    Contribution(3, "850760", "TWN", 5, "2026-04-06", 2, 680249217),
    Contribution(4, "850760", "CHN", 5, "2026-04-13", 3, 1910634194),
    Contribution(5, "280530", "TWN", 1, "2026-04-13", 4, 1996703904),
    Contribution(3, "280530", "CHN", 5, "2026-04-06", 5, 762083711),
    Contribution(2, "854231", "TWN", 2, "2026-04-13", 6, 745558046),
]


def test_row_existence_attack_recovered_cells_of_the_live_aggregates() -> None:
    # the old behaviour: exact counts, and a row is listed only when it holds a report
    table = published_aggregates(SINGLETONS, RULES)["tables"][0]
    ranges = hidden_ranges(table, 0, rows_nonempty=True)
    pinned = {cell: lo for cell, (lo, hi) in ranges.items() if lo == hi and lo > 0}
    assert len(pinned) >= 2  # single-submitter cells recovered exactly
    assert pinned[("854231 CHN", "2026-W17")] == 1


def test_row_existence_attack_learns_nothing_from_a_release() -> None:
    body = draft_release(SINGLETONS, RULES, POLICY)
    table = body["tables"][0]
    assert [r for r in table["rows"] if r != "TOTAL"] == [OTHER]  # no row is named by a single submitter
    ranges = hidden_ranges(table, POLICY.max_noise, rows_nonempty=True)
    assert ranges and all(lo < hi for lo, hi in ranges.values())


def _random_reports(seed: int) -> list[Contribution]:
    rnd = random.Random(seed)  # synthetic: 6-12 submitters, a few popular products, four weeks
    out = []
    for k in range(rnd.randint(15, 40)):
        out.append(
            Contribution(
                rnd.randint(1, rnd.randint(6, 12)),
                rnd.choice(["854231", "854231", "280530", "850760"]),
                rnd.choice(["TWN", "TWN", "CHN", "KOR"]),
                rnd.randint(1, 5),
                rnd.choice(["2026-04-06", "2026-04-13", "2026-04-20", "2026-04-27"]),
                k + 1,
                rnd.randrange(2**31),
            )
        )
    return out


def test_no_hidden_cell_of_a_release_is_pinned_by_the_attacker() -> None:
    for seed in range(12):
        contributions = _random_reports(seed)
        body = draft_release(contributions, RULES, POLICY)
        for table in body["tables"]:
            for cell, (lo, hi) in hidden_ranges(table, POLICY.max_noise, rows_nonempty=True).items():
                assert lo < hi, (seed, table["name"], cell)


def test_perturbation_table_has_mean_zero_and_bounded_noise() -> None:
    keys = np.linspace(0, 1, 100_001)[:-1]
    noise = np.array([perturbation(k, POLICY) for k in keys])
    assert set(noise) == {-2, -1, 0, 1, 2}
    assert abs(noise.mean()) < 1e-3 and abs(noise.var() - 0.8) < 1e-2  # 2 * (0.05 * 4 + 0.2 * 1)


def test_published_values_are_within_the_noise_and_repeatable() -> None:
    contributions = _random_reports(3)
    a = draft_release(contributions, RULES, POLICY)
    assert draft_release(contributions, RULES, POLICY) == a  # same reports, same noise: nothing to average
    true: dict[tuple[str, str], int] = {}
    for c in contributions:
        for key in ((f"{c.severity}", "TOTAL"),):
            true[key] = true.get(key, 0) + 1
    sev = next(t for t in a["tables"] if t["name"] == "severity_by_week")
    for cell in sev["cells"]:
        if cell["col"] == "TOTAL" and cell["row"] != "TOTAL" and cell["value"] is not None:
            assert abs(cell["value"] - true[(cell["row"].split()[0], "TOTAL")]) <= POLICY.max_noise
    assert a["reports"] is None or abs(a["reports"] - len(contributions)) <= POLICY.max_noise


def test_grand_total_is_protected_when_one_submitter_dominates() -> None:
    # 10 of 11 reports (91%) from submitter 1: the total is a cell like any other and is suppressed
    many = [Contribution(1, "854231", "TWN", 3, "2026-04-06", k, 7919 * k) for k in range(1, 11)]
    many.append(Contribution(2, "854231", "TWN", 3, "2026-04-06", 11, 104729))
    body = draft_release(many, RULES, POLICY)
    assert body["reports"] is None
    assert all(c["value"] is None for t in body["tables"] for c in t["cells"])


def test_differencing_against_an_earlier_release_is_suppressed() -> None:
    base = [Contribution(s, "854231", "TWN", 3, "2026-04-06", s, 1_000_003 * s) for s in range(1, 7)]
    first = draft_release(base, RULES, POLICY)
    earlier = [{"number": 1, "report_ids": [c.report_id for c in base], "body": first}]
    # one new confidential report by submitter 7 lands in the same cells
    later = [*base, Contribution(7, "854231", "TWN", 3, "2026-04-06", 7, 55_555)]
    second = draft_release(later, RULES, POLICY, earlier)
    old = {(t["name"], c["row"], c["col"]): c["value"] for t in first["tables"] for c in t["cells"]}
    new = {(t["name"], c["row"], c["col"]): c["value"] for t in second["tables"] for c in t["cells"]}
    both = [k for k in new if new[k] is not None and old.get(k) is not None]
    assert both == []  # every cell the new report changed is hidden in the second release


def test_release_needs_enough_new_submitters() -> None:
    base = [Contribution(s, "854231", "TWN", 3, "2026-04-06", s, s) for s in range(1, 4)]
    assert check_can_cut(base, None, POLICY) == {1, 2, 3}
    previous = {"number": 1, "report_ids": [1, 2, 3]}
    two_new = [
        *base,
        Contribution(4, "854231", "TWN", 3, "2026-04-06", 4, 4),
        Contribution(5, "280530", "CHN", 1, "2026-04-06", 5, 5),
    ]
    try:
        check_can_cut(two_new, previous, POLICY)
    except ConflictError as exc:
        assert "2 new submitter(s) since release 1" in str(exc)
    else:
        raise AssertionError("a release with two new submitters was allowed")
