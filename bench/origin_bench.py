"""Benchmark: rules-of-origin evaluation of generated bills of materials.

SYNTHETIC DATA: the BOMs are randomly generated (HTS codes drawn from goods that have encoded USMCA
rules, random values and origins). They exercise the engine; they describe no real product.

Each evaluation = preferential origin under USMCA (with trace) + non-preferential origin under
19 CFR 102.20. Rules are compiled once and indexed; the baseline, measured in the same run, is the
naive way — compiling the agreement's rule file from its YAML text for every BOM (no compile-once,
no index). Prints evaluations per second, the ratio to the baseline, and peak memory (tracemalloc).

    python bench/origin_bench.py            # 100,000 BOMs, 2 worker processes
    python bench/origin_bench.py --quick    # 5,000 BOMs
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import yaml
from rich.progress import track

from supplyscope.origin.agreements import US_FTA_DIR, agreement_from_dict, get_agreement
from supplyscope.origin.bom import BOM, bom_from_dict
from supplyscope.origin.nonpreferential import default_cfr_index, evaluate_nonpreferential
from supplyscope.origin.preferential import evaluate_preferential

GOODS = ["8507.10", "8507.20", "8507.90", "8511.10", "8511.30", "8708.40", "8708.99", "6109.10", "6203.42"]
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


def make_boms(n: int, seed: int) -> list[BOM]:
    rng = random.Random(seed)
    return [bom_from_dict(synthetic_bom(rng)) for _ in range(n)]


def evaluate_chunk(args: tuple[int, int]) -> tuple[int, int, float, float]:
    """Worker: generate ``n`` BOMs with ``seed`` and evaluate them.

    Returns (count, qualifying, wall seconds, CPU seconds) of the evaluation loop.
    """
    n, seed = args
    boms = make_boms(n, seed)
    agr = get_agreement("USMCA")
    default_cfr_index()
    t0 = time.perf_counter()
    c0 = time.process_time()
    ok = 0
    for b in boms:
        ok += evaluate_preferential(b, agr, {}).qualifies
        evaluate_nonpreferential(b, cache={})
    return n, ok, time.perf_counter() - t0, time.process_time() - c0


def baseline(boms: list[BOM]) -> float:
    """Naive: parse and compile the USMCA rule file for every BOM. Returns seconds."""
    text = (US_FTA_DIR / "usmca.yaml").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    for b in boms:
        agr = agreement_from_dict(yaml.safe_load(text))
        evaluate_preferential(b, agr, {})
        evaluate_nonpreferential(b, cache={})
    return time.perf_counter() - t0


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished workers (ru_maxrss, kB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="5,000 BOMs instead of 100,000")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    n = 5_000 if args.quick else 100_000
    n_base = 200 if args.quick else 1_000
    print(f"SYNTHETIC BOMs (randomly generated, not real products): {n:,} evaluations, {args.workers} worker(s)")

    agr = get_agreement("USMCA")
    default_cfr_index()
    sample = make_boms(n_base, seed=12345)
    t_base = baseline(sample)
    t0 = time.perf_counter()
    for b in track(sample, description="single process, compiled rules", transient=True):
        evaluate_preferential(b, agr, {})
        evaluate_nonpreferential(b, cache={})
    t_single = time.perf_counter() - t0

    per = args.workers * 4
    chunks = [(n // per + (1 if i < n % per else 0), 1000 + i) for i in range(per)]
    wall0 = time.perf_counter()
    done = qualifying = 0
    eval_secs = cpu_secs = 0.0
    with ProcessPoolExecutor(max_workers=args.workers) as ex:
        for cnt, ok, secs, cpu in track(
            ex.map(evaluate_chunk, chunks), total=len(chunks), description="evaluating in workers"
        ):
            done += cnt
            qualifying += ok
            eval_secs += secs
            cpu_secs += cpu
    wall = time.perf_counter() - wall0

    base_rate = n_base / t_base
    single_rate = n_base / t_single
    par_rate = done / (eval_secs / args.workers)  # evaluation seconds spread over the workers
    print(f"baseline (re-parse + re-compile the rule file per BOM, 1 process): {base_rate:,.0f} evaluations/s")
    print(
        f"compiled once + indexed, 1 process: {single_rate:,.0f} evaluations/s "
        f"(ratio to baseline {single_rate / base_rate:.1f}x)"
    )
    print(
        f"{args.workers} workers, {done:,} BOMs: {par_rate:,.0f} evaluations/s (evaluation time); "
        f"{done / wall:,.0f}/s wall-clock including generating and validating the BOMs"
    )
    print(
        f"CPU time of the evaluation loops: {done / cpu_secs:,.0f} evaluations per CPU-second "
        f"(= {args.workers * done / cpu_secs:,.0f}/s on {args.workers} uncontended cores); "
        f"machine load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{qualifying:,} of {done:,} synthetic BOMs qualify under USMCA")
    print(f"peak memory (max RSS of the main process or a worker): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
