"""Benchmark: Leontief/multipliers and shock scenarios on the real OECD ICIO 2022 table (4,000 sectors).

Prints, in one run:
1. our time to compute x, A, the LU factorisation of I - A, output and value-added multipliers,
   against pymrio's ``IOSystem.calc_all`` (explicit inverse) on the same system, with results
   checked equal (x, A, multipliers, a sample of Leontief columns, to 1e-9);
2. the time for 100 shock scenarios after the factorisation (batched), against solving them one
   scenario at a time. The 100 scenarios are SYNTHETIC: random (seeded) nodes and cuts on the
   real table;
3. peak resident memory of the process.

Goals (issue 3): >= 3x faster than pymrio; 100 scenarios < 1 s; < 2 GB.

    .venv/bin/python bench/io_bench.py           # full 4,000-sector table
    .venv/bin/python bench/io_bench.py --quick   # real table cut to its first 16 countries (800 nodes)
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd
import pymrio
from rich.console import Console
from rich.progress import Progress

from supplyscope.inputoutput import (
    IOTable,
    Scenario,
    Shock,
    calc_A,
    calc_x,
    leontief_lu,
    load_icio,
    output_multipliers,
    run_scenarios,
    value_added_multipliers,
)

console = Console()


def subset(table: IOTable, countries: int) -> IOTable:
    """The real table restricted to its first ``countries`` regions; sales to the rest become final demand."""
    keep = np.isin(table.regions, table.region_list[:countries])
    Z = table.Z[np.ix_(keep, keep)]
    y = table.x[keep] - Z.sum(axis=1)
    return IOTable.create(
        Z=Z,
        Y=y,
        x=table.x[keep],
        regions=table.regions[keep],
        sectors=table.sectors[keep],
        name=f"{table.name} (first {countries} countries)",
        unit=table.unit,
        balance_rtol=1e-6,
    )


def ours(Z: np.ndarray, Y: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
    x = calc_x(Z, Y)
    A = calc_A(Z, x)
    lu = leontief_lu(A)
    return {"x": x, "A": A, "m": output_multipliers(lu), "mv": value_added_multipliers(lu, v, x), "lu": lu}


def synthetic_scenarios(table: IOTable, k: int, seed: int = 2026) -> list[Scenario]:
    """SYNTHETIC scenarios: 1-3 random active nodes each, cut uniform in (0, 1)."""
    rng = np.random.default_rng(seed)
    active = np.flatnonzero(table.x > 0)
    out = []
    for i in range(k):
        nodes = rng.choice(active, size=int(rng.integers(1, 4)), replace=False)
        shocks = tuple(
            Shock(str(table.regions[n]), str(table.sectors[n]), float(rng.uniform(0.01, 1.0))) for n in nodes
        )
        out.append(Scenario(name=f"synthetic {i}", shocks=shocks))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size (first 16 countries = 800 nodes)")
    parser.add_argument("--scenarios", type=int, default=100)
    args = parser.parse_args(argv)

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("loading the bundled OECD ICIO 2022 table", total=4)
        table = load_icio()
        if args.quick:
            table = subset(table, 16)
        bar.update(task, advance=1, description="ours: x, A, LU, multipliers")
        t0 = time.perf_counter()
        res = ours(table.Z, table.Y, table.v)
        t_ours = time.perf_counter() - t0

        bar.update(task, advance=1, description="pymrio: calc_all (explicit inverse)")
        idx = pd.MultiIndex.from_arrays([table.regions, table.sectors], names=["region", "sector"])
        io = pymrio.IOSystem(
            Z=pd.DataFrame(table.Z, index=idx, columns=idx),
            Y=pd.DataFrame(table.Y, index=idx, columns=pd.MultiIndex.from_tuples([("ALL", "fd")])),
        )
        t0 = time.perf_counter()
        io.calc_all()
        t_pymrio = time.perf_counter() - t0

        bar.update(task, advance=1, description="checking results are equal")
        L = io.L.to_numpy()
        c = np.divide(table.v, res["x"], out=np.zeros(table.n), where=res["x"] > 0)
        cols = np.arange(0, table.n, max(1, table.n // 200))
        diffs = {
            "x": float(np.abs(res["x"] - io.x.to_numpy().ravel()).max() / np.abs(res["x"]).max()),
            "A": float(np.abs(res["A"] - io.A.to_numpy()).max()),
            "output multipliers": float(np.abs(res["m"] - L.sum(axis=0)).max()),
            "VA multipliers": float(np.abs(res["mv"] - c @ L).max()),
            f"L columns ({len(cols)})": float(np.abs(res["lu"].columns(cols) - L[:, cols]).max()),
        }
        del L, io

        bar.update(task, advance=1, description=f"{args.scenarios} shock scenarios")
        scen = synthetic_scenarios(table, args.scenarios)
        table.lu  # noqa: B018 - factorise before timing the scenarios
        t0 = time.perf_counter()
        batch = run_scenarios(table, scen)
        t_batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        tops = [r.top(20) for r in batch]
        t_tables = time.perf_counter() - t0
        t0 = time.perf_counter()
        single = [run_scenarios(table, [s])[0] for s in scen]
        t_single = time.perf_counter() - t0
    same = max(
        float(np.abs(a.impacts["output_loss"].to_numpy() - b.impacts["output_loss"].to_numpy()).max())
        for a, b in zip(batch, single, strict=True)
    )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = all(v <= 1e-9 for v in diffs.values())
    console.print(f"table: {table.name}, {table.n:,} nodes (real OECD ICIO data)")
    console.print(f"ours   (x, A, LU of I-A, output + VA multipliers): {t_ours:8.3f} s")
    console.print(f"pymrio (IOSystem.calc_all: x, A, L = inv(I-A))   : {t_pymrio:8.3f} s")
    console.print(f"speed-up vs pymrio: {t_pymrio / t_ours:6.2f}x  (goal >= 3x)")
    for name, d in diffs.items():
        console.print(f"  max |ours - pymrio| {name:<22}: {d:.2e}")
    console.print(f"results equal to 1e-9: {ok}")
    console.print(f"{len(scen)} SYNTHETIC shock scenarios (random nodes/cuts on the real table), after factorisation:")
    console.print(f"  batched (one solve per model) : {t_batch:8.3f} s  (goal < 1 s)")
    console.print(f"  + top-20 impact tables        : {t_tables:8.3f} s  ({len(tops)} tables)")
    console.print(f"  one scenario at a time        : {t_single:8.3f} s  (baseline)")
    console.print(f"  speed-up batched vs one-by-one: {t_single / t_batch:6.2f}x; max difference {same:.2e}")
    console.print(f"peak resident memory: {peak_mb:,.0f} MB  (goal < 2,048 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
