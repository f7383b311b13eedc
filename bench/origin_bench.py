"""Benchmark: validate and evaluate bills of materials, wall-clock, one process, against a baseline.

SYNTHETIC DATA: the BOMs are randomly generated (goods drawn from HTS codes with encoded USMCA rules,
materials from real HTS subheadings, random values and origins). They exercise the engine; they
describe no real product.

The job timed, per BOM: strict validation of the JSON-like record (HTS codes in the schedule, ISO3
countries, finite numbers, net cost <= value) + preferential origin under USMCA (with trace) +
non-preferential origin under 19 CFR 102. Rules are compiled once before timing in both arms.

Baseline, measured in the same run on the same BOMs and the same compiled rules: the straightforward
implementation — the full field-by-field validator (error paths built for every field) and rule
lookup through a dict from the 4-digit heading to the rules touching it (most specific first), built
once; supplyscope indexes by chapter and memoises the rule per code and each tariff-shift test. The
two arms' decisions (qualifies, rule id, RVC, non-preferential origin) are checked equal. Neither arm
re-parses the rule files per BOM: the USMCA and 19 CFR 102 rules are parsed and compiled once, before timing.

Physical floor, same run: reading the input, i.e. ``json.loads`` of every BOM from its JSON text (one line
per BOM), the least any implementation that takes JSON BOMs must do.

    python bench/origin_bench.py            # 20,000 BOMs, 3 runs per arm (about 1.5 minutes)
    python bench/origin_bench.py --quick    # 3,000 BOMs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from supplyscope.origin.agreements import Agreement, RuleEntry, get_agreement
from supplyscope.origin.bom import BOM, bom_from_dict
from supplyscope.origin.codes import in_any
from supplyscope.origin.nonpreferential import (
    CfrIndex,
    CfrRule,
    default_cfr_index,
    evaluate_nonpreferential,
    material_ok,
)
from supplyscope.origin.preferential import evaluate_preferential

GOODS = [
    "8507.10",
    "8507.20",
    "8507.90",
    "8511.10",
    "8511.30",
    "8708.40",
    "8708.99",
    "8471.30",
    "6109.10",
    "6203.42",
]
MATERIAL_HTS = [
    "8507.90",
    "3926.90",
    "7801.10",
    "2807.00",
    "8511.90",
    "7408.19",
    "4016.93",
    "8708.40",
    "7326.90",
    "8501.10",
    "6006.21",
    "5204.11",
    "5208.12",
    "8544.42",
    "7616.99",
    "8537.10",
    "8473.30",
    "8471.41",
]
ORIGINS = ["CHN", "MEX", "USA", "CAN", "KOR", "VNM", "DEU", "JPN"]


def synthetic_bom(rng: random.Random) -> dict[str, Any]:
    """One synthetic BOM as a JSON-like dict (values in USD)."""
    value = round(rng.uniform(50, 5000), 2)
    n = rng.randint(3, 12)
    shares = [rng.random() for _ in range(n)]
    scale = rng.uniform(0.4, 0.9) * value / sum(shares)
    mats = []
    for i, s in enumerate(shares):
        m: dict[str, Any] = {
            "id": f"m{i}",
            "hts": rng.choice(MATERIAL_HTS),
            "value": round(s * scale, 2),
            "origin": rng.choice(ORIGINS),
        }
        if rng.random() < 0.3:
            m["originating"] = m["origin"] in ("USA", "MEX", "CAN")
        mats.append(m)
    return {
        "hts": rng.choice(GOODS),
        "value": value,
        "country": rng.choice(["MEX", "USA", "CAN", "CHN"]),
        "costs": {"net_cost": round(value * rng.uniform(0.8, 0.95), 2)},
        "materials": mats,
        "processes": ["cut_or_knit_to_shape", "sewn_or_assembled"] if rng.random() < 0.5 else [],
    }


def _headings(lo: str, hi: str) -> range:
    """Every 4-digit heading a code range touches ('85' -> 8500..8599, '850710'-'850780' -> 8507)."""
    return range(int(lo[:4].ljust(4, "0")), int(hi[:4].ljust(4, "9")) + 1)


def heading_index(rules: list[Any], ranges: Callable[[Any], tuple[tuple[str, str], ...]]) -> dict[str, list[Any]]:
    """Heading -> the rules whose ranges touch it, in the order given (most specific first)."""
    index: dict[str, list[Any]] = {}
    for r in rules:
        for h in sorted({h for lo, hi in ranges(r) for h in _headings(lo, hi)}):
            index.setdefault(f"{h:04d}", []).append(r)
    return index


# Baseline rule lookup, as a competent engineer would write it: the rule files parsed and compiled once
# (the same RuleEntry / CfrRule objects as supplyscope), then a dict from the 4-digit heading to the few
# rules touching it, most specific first; each lookup tests only those. What it does not do (supplyscope
# does): memoise the rule per code and the tariff-shift test per (good, material, rule).
class HeadingAgreement(Agreement):
    """Baseline: the same compiled USMCA rules, found through a heading index (no memo)."""

    def rule_for(self, hts: str) -> RuleEntry:
        by_heading: dict[str, list[RuleEntry]] = object.__getattribute__(self, "_by_heading")
        for e in by_heading.get(hts[:4], ()):
            if in_any(hts, e.ranges):
                return e
        return super().rule_for(hts)  # the general rule, or the error naming the encoded ranges


def heading_agreement(a: Agreement) -> HeadingAgreement:
    lin = HeadingAgreement(
        a.name, a.parties, a.program_codes, a.legal, a.rules, a.de_minimis, a.general_rule, a.aliases, a.source
    )
    ordered = sorted(a.rules, key=lambda r: -r.specificity)
    object.__setattr__(lin, "_by_heading", heading_index(ordered, lambda r: r.ranges))
    return lin


class HeadingCfrIndex(CfrIndex):
    """Baseline: 19 CFR 102 rules found through a heading index (textile rules first; no memo)."""

    def __init__(self, base: CfrIndex) -> None:
        self.rules = base.rules
        self.textile_ids = base.textile_ids
        first = [r for r in base.rules if r.rule_id in base.textile_ids]
        rest = [r for r in base.rules if r.rule_id not in base.textile_ids]
        ordered = sorted(first, key=lambda x: -x.specificity) + sorted(rest, key=lambda x: -x.specificity)
        self._by_heading: dict[str, list[CfrRule]] = heading_index(ordered, lambda r: r.scope)

    def rule_for(self, hts: str) -> CfrRule | None:
        for r in self._by_heading.get(hts[:4], ()):
            if in_any(hts, r.scope):
                return r
        return None

    def shifts(self, good: str, m_hts: str, rule: CfrRule, i: int) -> bool:
        return material_ok(good, m_hts, rule.alternatives[i], rule.scope)


Decision = tuple[bool, str, float | None, str]


def run(
    raws: list[dict[str, Any]], validate: Callable[[dict[str, Any]], BOM], agr: Agreement, idx: CfrIndex
) -> tuple[float, float, float, list[Decision]]:
    """Stream the BOMs through validation then evaluation, one at a time (as a batch job would).

    Returns (wall seconds of the whole loop, seconds in validation, seconds in evaluation, decisions).
    """
    clock = time.perf_counter
    out: list[Decision] = []
    tv = te = 0.0
    start = clock()
    for d in raws:
        t0 = clock()
        b = validate(d)
        t1 = clock()
        p = evaluate_preferential(b, agr, {})
        n = evaluate_nonpreferential(b, idx, {})
        out.append((p.qualifies, p.rule_id, None if p.rvc is None else round(p.rvc.value, 9), n.origin))
        t2 = clock()
        tv += t1 - t0
        te += t2 - t1
    return clock() - start, tv, te, out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3,000 BOMs instead of 20,000")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--repeats", type=int, default=3, help="runs per arm; the median run is reported")
    args = ap.parse_args()
    n = 3_000 if args.quick else 20_000
    print(
        f"SYNTHETIC BOMs (randomly generated, not real products): {n:,}, one process, "
        f"median of {args.repeats} interleaved runs per arm"
    )

    rng = random.Random(args.seed)
    raws = [synthetic_bom(rng) for _ in range(n)]
    agr = get_agreement("USMCA")  # compiled once (both arms)
    idx = default_cfr_index()
    lin_agr, lin_idx = heading_agreement(agr), HeadingCfrIndex(idx)
    bom_from_dict(raws[0])  # load the HTS schedule and country table once (both arms use them)

    lines = [json.dumps(d) for d in raws]
    runs_b: list[tuple[float, float, float, float]] = []
    runs_f: list[tuple[float, float, float, float]] = []
    floors: list[float] = []
    for _ in range(args.repeats):  # interleaved, so that a burst of load on the shared cores hits both arms
        t_read = time.perf_counter()
        parsed = [json.loads(line) for line in lines]
        floors.append(time.perf_counter() - t_read)
        assert parsed == raws
        c0 = time.process_time()
        w_b, tv_b, te_b, base = run(raws, lambda d: bom_from_dict(d, fast=False), lin_agr, lin_idx)
        c1 = time.process_time()
        w_f, tv, te, fast = run(raws, bom_from_dict, agr, idx)
        c2 = time.process_time()
        assert fast == base, "fast and baseline decisions differ"
        runs_b.append((w_b, tv_b, te_b, c1 - c0))
        runs_f.append((w_f, tv, te, c2 - c1))
    walls_b = [r[0] for r in runs_b]
    walls_f = [r[0] for r in runs_f]
    runs_b.sort()
    runs_f.sort()
    w_b, tv_b, te_b, cpu_b = runs_b[len(runs_b) // 2]  # the median run (by wall time) of each arm
    w_f, tv, te, cpu_f = runs_f[len(runs_f) // 2]
    qualifying = sum(d[0] for d in fast)

    def rate(secs: float) -> str:
        return f"{n / secs:,.0f}/s"

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'contender (BOMs per wall second)':52}{'best run':>12}{'median run':>12}")
    for label, walls in (
        ("baseline (full validator + heading index)", walls_b),
        ("supplyscope (fast-path validator + chapter index)", walls_f),
        ("floor: json.loads of every BOM", floors),
    ):
        print(f"{label:52}{rate(min(walls)):>12}{rate(statistics.median(walls)):>12}")
    print(
        f"median run: baseline validation {rate(tv_b)}, evaluation {rate(te_b)}; "
        f"supplyscope validation {rate(tv)}, evaluation {rate(te)}; {w_b / w_f:.2f}x the baseline"
    )
    print(
        f"CPU time: baseline {n / cpu_b:,.0f} BOMs per CPU-second, supplyscope {n / cpu_f:,.0f} "
        "(wall-clock rates fall below these when other processes share the cores)"
    )
    best = n / min(walls_f)
    print(f"goal >= 10,000 BOMs/s wall, validation included: {'met' if best >= 10_000 else 'NOT met'} ({best:,.0f}/s)")
    print(f"validation / evaluation time: {tv / te:.2f} (<= 1 means validation is at least as fast)")
    print(f"decisions equal in both arms, every run: {len(fast):,} BOMs; {qualifying:,} qualify under USMCA")
    print(f"peak memory {peak_rss_mb():.0f} MB; machine load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
