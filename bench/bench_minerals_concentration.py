"""Benchmark: stage concentration over a long panel, vectorised vs one filter per table.

Data are **SYNTHETIC** (random production by country, labelled so in the output): a long frame
shaped like a multi-edition USGS MCS data release, ``minerals × years × countries`` rows plus an
"other countries" and a "world total" row per table. Real MCS data have 18 minerals × 2 years,
too small to time.

Baseline: :func:`supplyscope.minerals.stage_concentration` called once per year (it filters the
frame for each mineral, stage and year). Fast path: :func:`supplyscope.minerals.concentration_panel`
(one pass of group-bys). Both must give the same HHI; the bench checks that before timing.

    python bench/bench_minerals_concentration.py [--quick]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.codes.minerals import Mineral
from supplyscope.minerals.concentration import concentration_panel, stage_concentration

COUNTRIES = [f"C{i:02d}" for i in range(38)] + ["CHN", "RUS"]


def synthetic(n_minerals: int, n_years: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, Mineral]]:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    catalog: dict[str, Mineral] = {}
    for m in range(n_minerals):
        key = f"synthetic-{m:03d}"
        catalog[key] = Mineral(key, key, key, "mining", ("mining",), "t", {"mining": "B07"}, "synthetic")
        for y in range(2000, 2000 + n_years):
            amounts = rng.pareto(1.5, len(COUNTRIES)) * 1000
            other = float(rng.uniform(0, 500))
            for c, a in zip(COUNTRIES, amounts, strict=True):
                rows.append(
                    {
                        "mineral": key,
                        "measure": "production",
                        "stage": "mining",
                        "year": y,
                        "country": c,
                        "row_kind": "country",
                        "amount": float(a),
                        "status": "reported",
                        "unit": "t",
                        "source": "SYNTHETIC",
                    }
                )
            rows.append(
                {
                    "mineral": key,
                    "measure": "production",
                    "stage": "mining",
                    "year": y,
                    "country": "OTHER",
                    "row_kind": "other",
                    "amount": other,
                    "status": "reported",
                    "unit": "t",
                    "source": "SYNTHETIC",
                }
            )
            rows.append(
                {
                    "mineral": key,
                    "measure": "production",
                    "stage": "mining",
                    "year": y,
                    "country": "WORLD",
                    "row_kind": "world",
                    "amount": round(float(amounts.sum()) + other, -3),
                    "status": "reported",
                    "unit": "t",
                    "source": "SYNTHETIC",
                }
            )
    return pd.DataFrame(rows), catalog


def measure(fn: Callable[[], pd.DataFrame]) -> tuple[float, float, pd.DataFrame]:
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    sizes = [(5, 4)] if args.quick else [(10, 10), (30, 20)]
    concern = {"CHN", "RUS"}
    print("SYNTHETIC data (random production shares); timings on this machine")
    print(
        f"{'minerals':>8} {'years':>5} {'rows':>8} {'baseline s':>11} {'panel s':>9} {'ratio':>7} "
        f"{'base MiB':>9} {'panel MiB':>9}"
    )
    for n_minerals, n_years in sizes:
        long, catalog = synthetic(n_minerals, n_years)
        years = sorted(set(long["year"]))

        def baseline(
            long: pd.DataFrame = long, catalog: dict[str, Mineral] = catalog, years: list[int] = years
        ) -> pd.DataFrame:
            return pd.concat([stage_concentration(long, year=y, concern=concern, catalog=catalog) for y in years])

        def fast(long: pd.DataFrame = long) -> pd.DataFrame:
            return concentration_panel(long, concern=concern)

        t_base, m_base, base = measure(baseline)
        t_fast, m_fast, panel = measure(fast)
        merged = base.merge(panel, on=["mineral", "stage", "year"], suffixes=("_b", "_p"))
        assert len(merged) == len(panel) == n_minerals * n_years
        assert np.allclose(merged["hhi_b"].astype(float), merged["hhi_p"]), "fast path disagrees"
        print(
            f"{n_minerals:>8} {n_years:>5} {len(long):>8} {t_base:>11.3f} {t_fast:>9.3f} {t_base / t_fast:>6.1f}x "
            f"{m_base:>9.1f} {m_fast:>9.1f}"
        )


if __name__ == "__main__":
    main()
