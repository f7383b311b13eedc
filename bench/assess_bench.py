"""Benchmark the assessment pipeline at BACI scale against idiomatic pandas and polars and the physical floor.

The data are SYNTHETIC: about 11M exporter x importer x HS6 flows (5,000 products, 200 countries) made by
resampling the bundled real US import flows (their HS6 codes and their distribution of values) over real ISO3
codes. They are written as 'reconciled' flows, like a BACI year, so the world indicators use the exporter x HS6
basis. Nothing here is a real trade figure.

    python bench/assess_bench.py            # ~11M flows
    python bench/assess_bench.py --quick    # ~500k flows

Prints min and median wall time, min CPU time (all threads) and peak memory of each contender (each run is its own
process; contenders are interleaved over the repeats) and the ratios measured in this run. The pandas and polars
baselines must give the same numbers as the pipeline; the script checks that they do. The floor is DuckDB's bare
GROUP BY of every flow by (hs6, exporter) without fetching the groups, and a plain sum over all flows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent / "out"
SOURCE = "synthetic-baci:bench"
COMPARED = [
    "import_hhi",
    "top_supplier_share",
    "top3_share",
    "suppliers_above_1pct",
    "concern_share",
    "non_fta_share",
    "world_export_hhi",
    "world_top3_share",
    "world_concern_share",
    "like_minded_world_share",
    "capable_alternatives",
]


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(db: Path, rows: int, seed: int = 0) -> None:
    """Write the SYNTHETIC BACI-like year into a fresh warehouse, with the bundled reference tables."""
    from supplyscope.data.build import bundled_steps
    from supplyscope.data.paths import bundled
    from supplyscope.data.warehouse import Warehouse

    rng = np.random.default_rng(seed)
    real = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    real = real.groupby(["hs6", "partner_iso3"], as_index=False)["imports_for_consumption_usd"].sum()
    real = real[real["imports_for_consumption_usd"] > 0]
    products = real["hs6"].drop_duplicates().sample(n=min(5000, real["hs6"].nunique()), random_state=seed).to_numpy()
    locs = pd.read_parquet(bundled("countries/locations.parquet"))["iso3_code"].dropna().unique()
    countries = np.array(sorted(set(locs) - {"USA"}))[:199]
    countries = np.append(countries, "USA")
    values = real["imports_for_consumption_usd"].to_numpy()
    n_imp = len(countries)
    per_importer = int(rows / n_imp * 1.3)  # oversample: duplicate (product, exporter) pairs are dropped below
    # popularity of exporters and products drawn once, so concentration varies realistically
    exp_w = rng.pareto(1.2, len(countries)) + 1e-3
    exp_w /= exp_w.sum()
    frames = []
    for i, imp in enumerate(countries):
        pairs = rng.integers(0, len(products), per_importer), rng.choice(len(countries), per_importer, p=exp_w)
        keep = pairs[1] != i
        df = pd.DataFrame({"hs6": products[pairs[0][keep]], "exporter": countries[pairs[1][keep]]})
        df = df.drop_duplicates()
        df["value_usd"] = rng.choice(values, len(df))
        df["importer"] = imp
        frames.append(df)
    flows = pd.concat(frames, ignore_index=True)
    flows = flows.sample(n=min(rows, len(flows)), random_state=seed).reset_index(drop=True)
    flows = flows.assign(
        year=2022,
        hs_version="HS2022",
        quantity=np.nan,
        unit=None,
        duty_usd=np.nan,
        reporter="reconciled",
        source=SOURCE,
    )
    if db.exists():
        db.unlink()
    with Warehouse.open(db) as wh:
        for name, step in bundled_steps():
            if name.startswith("census"):
                continue
            step(wh)
        wh.con.register("flows_df", flows)
        wh.con.execute(
            "INSERT INTO trade_flows SELECT year, exporter, importer, hs6, hs_version, value_usd, quantity, "
            "unit, duty_usd, reporter, source FROM flows_df"
        )
        n = wh.count("trade_flows")
    print(f"generated {n:,} SYNTHETIC flows: {len(products):,} products, {len(countries)} countries -> {db}")


def run_ours(db: Path, out: Path) -> dict[str, float]:
    from supplyscope.api import settings
    from supplyscope.data.warehouse import Warehouse
    from supplyscope.indicators.context import Context
    from supplyscope.scoring.assessment import assess

    c0 = time.process_time()  # CPU seconds of every thread: less sensitive to others' load
    t0 = time.perf_counter()
    with Warehouse.open(db, read_only=True) as wh:
        ctx = Context(wh, importer="USA", year=2022)
        result = assess(ctx, settings(), min_import=0.0)
        values = result.scores.values
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    values[COMPARED].to_parquet(out)
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "peak_mb": peak_mb(),
        "products": float(len(values)),
        "scored": float(result.scores.overall.notna().sum()),
    }


def _groups(db: Path) -> dict[str, set[str]]:
    from supplyscope.data.warehouse import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        g = wh.query("SELECT group_name, iso3 FROM country_groups")
    return {name: set(g.loc[g["group_name"] == name, "iso3"]) for name in ("concern", "fta", "like_minded", "eu27")}


def _read_arrow(db: Path):  # type: ignore[no-untyped-def]
    """The flow columns as one Arrow table (the same read for both dataframe baselines)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rel = con.sql("SELECT exporter, importer, hs6, value_usd FROM trade_flows")
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow  # DuckDB 2 name, else DuckDB 1's
    table = fetch()
    con.close()
    return table


def run_pandas(db: Path, out: Path) -> dict[str, float]:
    """Baseline 1: the same 11 indicators in idiomatic pandas, as a competent engineer would write them.

    Design (so a reader can judge its fairness): the flows are read once through Arrow with the string keys
    as categoricals; every step is a vectorised groupby with ``observed=True`` on (hs6, exporter); top-3
    shares use one sort and ``cumcount``; current suppliers (with EU27 expanded to its members) are matched
    with a MultiIndex ``isin``. No ``apply``, no Python loop over rows or products.
    """
    c0 = time.process_time()  # CPU seconds of every thread: less sensitive to others' load
    t0 = time.perf_counter()  # from data at rest, like the pipeline: reading the flows is part of the work
    groups = _groups(db)
    flows = _read_arrow(db).to_pandas(strings_to_categorical=True)
    keys = ["hs6", "exporter"]

    def shares(frame: pd.DataFrame) -> pd.DataFrame:
        agg = frame.groupby(keys, observed=True, sort=False)["value_usd"].sum().reset_index()
        agg = agg[agg["value_usd"] > 0]
        agg["share"] = agg["value_usd"] / agg.groupby("hs6", observed=True)["value_usd"].transform("sum")
        agg = agg.sort_values(["hs6", "share"], ascending=[True, False])
        agg["rk"] = agg.groupby("hs6", observed=True).cumcount()
        agg["hs6"] = agg["hs6"].astype(str)
        agg["exporter"] = agg["exporter"].astype(str)
        return agg

    def share_sum(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
        return frame["share"].where(mask, 0.0).groupby(frame["hs6"]).sum()

    imp = shares(flows[flows["importer"] == "USA"])
    g = imp.groupby("hs6")["share"]
    res = pd.DataFrame(
        {
            "import_hhi": (imp["share"] ** 2).groupby(imp["hs6"]).sum(),
            "top_supplier_share": g.max(),
            "top3_share": share_sum(imp, imp["rk"] < 3),
            "suppliers_above_1pct": (imp["share"] > 0.01).groupby(imp["hs6"]).sum().astype(float),
            "concern_share": share_sum(imp, imp["exporter"].isin(groups["concern"])),
            "non_fta_share": share_sum(imp, ~imp["exporter"].isin(groups["fta"])),
        }
    )
    world = shares(flows)
    res["world_export_hhi"] = (world["share"] ** 2).groupby(world["hs6"]).sum()
    res["world_top3_share"] = share_sum(world, world["rk"] < 3)
    res["world_concern_share"] = share_sum(world, world["exporter"].isin(groups["concern"]))
    res["like_minded_world_share"] = share_sum(world, world["exporter"].isin(groups["like_minded"]))
    eu_rows = imp.loc[imp["exporter"] == "EU27", ["hs6"]]
    eu = eu_rows.merge(pd.DataFrame({"exporter": sorted(groups["eu27"])}), how="cross")
    current = pd.MultiIndex.from_frame(pd.concat([imp[keys], eu[keys]], ignore_index=True))
    is_current = pd.MultiIndex.from_frame(world[keys]).isin(current)
    alt = (world["share"] > 0.01) & ~is_current & (world["exporter"] != "USA")
    res["capable_alternatives"] = alt.groupby(world["hs6"]).sum().astype(float)
    res = res.reindex(imp["hs6"].unique())
    res[COMPARED] = res[COMPARED].fillna(0.0)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    res[COMPARED].to_parquet(out)
    return {"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_mb(), "products": float(len(res))}


def run_polars(db: Path, out: Path) -> dict[str, float]:
    """Baseline 2: the same 11 indicators in idiomatic polars (lazy frames, one collect per table).

    Design: the Arrow read is shared with the pandas baseline; group-bys, window ranks and semi-joins are
    polars expressions, planned lazily and run on all cores. Current suppliers (EU27 expanded) are an
    anti-join against the world table.
    """
    import polars as pl

    c0 = time.process_time()  # CPU seconds of every thread: less sensitive to others' load
    t0 = time.perf_counter()
    groups = _groups(db)
    flows = pl.from_arrow(_read_arrow(db)).lazy()
    assert isinstance(flows, pl.LazyFrame)

    def shares(frame: pl.LazyFrame) -> pl.LazyFrame:
        return (
            frame.group_by("hs6", "exporter")
            .agg(pl.col("value_usd").sum())
            .filter(pl.col("value_usd") > 0)
            .with_columns(share=pl.col("value_usd") / pl.col("value_usd").sum().over("hs6"))
            .with_columns(rk=pl.col("share").rank("ordinal", descending=True).over("hs6"))
        )

    def in_group(name: str) -> pl.Expr:
        return pl.col("exporter").is_in(sorted(groups[name]))

    def part(mask: pl.Expr) -> pl.Expr:
        return pl.when(mask).then(pl.col("share")).otherwise(0.0).sum()

    imp = shares(flows.filter(pl.col("importer") == "USA")).collect()
    imp_res = imp.group_by("hs6").agg(
        import_hhi=(pl.col("share") ** 2).sum(),
        top_supplier_share=pl.col("share").max(),
        top3_share=part(pl.col("rk") <= 3),
        suppliers_above_1pct=(pl.col("share") > 0.01).sum().cast(pl.Float64),
        concern_share=part(in_group("concern")),
        non_fta_share=part(~in_group("fta")),
    )
    eu = (
        imp.filter(pl.col("exporter") == "EU27")
        .select("hs6")
        .join(pl.DataFrame({"exporter": sorted(groups["eu27"])}), how="cross")
    )
    current = pl.concat([imp.select("hs6", "exporter"), eu]).lazy()
    world = shares(flows)
    alt = world.join(current, on=["hs6", "exporter"], how="anti").filter(
        (pl.col("share") > 0.01) & (pl.col("exporter") != "USA")
    )
    world_res = world.group_by("hs6").agg(
        world_export_hhi=(pl.col("share") ** 2).sum(),
        world_top3_share=part(pl.col("rk") <= 3),
        world_concern_share=part(in_group("concern")),
        like_minded_world_share=part(in_group("like_minded")),
    )
    alt_res = alt.group_by("hs6").agg(capable_alternatives=pl.len().cast(pl.Float64))
    res = (
        imp_res.lazy()
        .join(world_res, on="hs6", how="left")
        .join(alt_res, on="hs6", how="left")
        .fill_null(0.0)
        .collect()
    )
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    frame = res.to_pandas().set_index("hs6")
    frame[COMPARED].to_parquet(out)
    return {"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_mb(), "products": float(len(frame))}


def run_scan(db: Path) -> dict[str, float]:
    """The physical floor: DuckDB's bare aggregate over every flow, without fetching any group."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    c0 = time.process_time()  # CPU seconds of every thread: less sensitive to others' load
    t0 = time.perf_counter()
    con.execute("SELECT count(*) FROM (SELECT hs6, exporter, sum(value_usd) FROM trade_flows GROUP BY ALL)").fetchall()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    t1 = time.perf_counter()
    con.execute("SELECT sum(value_usd) FROM trade_flows").fetchall()
    bare = time.perf_counter() - t1
    return {"seconds": elapsed, "cpu_seconds": cpu, "bare_sum_seconds": bare, "peak_mb": peak_mb()}


def child(phase: str, db: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--db", str(db), "--result", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="about 500k flows instead of 11M")
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=3, help="interleaved repeats of every contender (default 3)")
    ap.add_argument("--phase", choices=["ours", "pandas", "polars", "scan", "generate"], help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase == "generate":
        generate(args.db, args.rows)
        return
    if args.phase:
        fn = {
            "ours": lambda: run_ours(args.db, args.result),
            "pandas": lambda: run_pandas(args.db, args.result),
            "polars": lambda: run_polars(args.db, args.result),
            "scan": lambda: run_scan(args.db),
        }[args.phase]
        print(json.dumps(fn()))
        return
    rows = args.rows or (500_000 if args.quick else 11_000_000)
    OUT.mkdir(exist_ok=True)
    db = OUT / f"assess_bench_{rows}.duckdb"
    if not db.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--phase", "generate", "--db", str(db), "--rows", str(rows)], check=True
        )
        print(f"generation took {time.perf_counter() - t0:.1f} s (not part of any timing below)")
    names = ["scan", "ours", "pandas", "polars"]
    runs: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for _ in range(args.repeats):  # interleaved, so load on this shared machine hits every contender alike
        for n in names:
            runs[n].append(child(n, db, OUT / f"{n}.parquet"))
    a = pd.read_parquet(OUT / "ours.parquet")
    for other in ("pandas", "polars"):
        b = pd.read_parquet(OUT / f"{other}.parquet").reindex(a.index)
        np.testing.assert_allclose(a[COMPARED].to_numpy(float), b[COMPARED].to_numpy(float), rtol=1e-9, atol=1e-12)
    products = int(runs["ours"][0]["products"])
    print(f"SYNTHETIC data (resampled from real bundled flows): {rows:,} flows; {products:,} products imported by USA")
    print(f"pandas, polars and supplyscope agree on all {len(COMPARED)} compared indicators (rtol 1e-9)")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.repeats} interleaved repeats")

    def stat(n: str, key: str = "seconds") -> tuple[float, float]:
        xs = [r[key] for r in runs[n]]
        return min(xs), statistics.median(xs)

    rows_out = [
        ("supplyscope pipeline (25 indicators, scores, sensitivity)", "ours", "seconds"),
        ("pandas, idiomatic (11 trade-flow indicators)", "pandas", "seconds"),
        ("polars, idiomatic (11 trade-flow indicators)", "polars", "seconds"),
        ("floor: DuckDB GROUP BY hs6, exporter (no fetch)", "scan", "seconds"),
        ("floor: DuckDB sum over all flows", "scan", "bare_sum_seconds"),
    ]
    print(f"{'contender':<58}{'min s':>8}{'median s':>10}{'min CPU s':>11}{'peak MB':>9}")
    for label, n, key in rows_out:
        lo, med = stat(n, key)
        cpu = f"{stat(n, 'cpu_seconds')[0]:>11.2f}" if key == "seconds" else f"{'':>11}"
        peak = max(r["peak_mb"] for r in runs[n])
        print(f"{label:<58}{lo:>8.2f}{med:>10.2f}{cpu}{peak:>9.0f}")
    ours_s = stat("ours")[0]
    print(f"speed-up vs idiomatic pandas: {stat('pandas')[0] / ours_s:.2f}x (goal >= 3x)")
    print(f"speed-up vs idiomatic polars: {stat('polars')[0] / ours_s:.2f}x (goal >= 1.5x)")
    print(f"ratio to the GROUP BY floor:  {ours_s / stat('scan')[0]:.2f}x (goal <= 3x)")
    cpu_ours = stat("ours", "cpu_seconds")[0]
    print(
        f"in CPU seconds (all threads): pandas / ours {stat('pandas', 'cpu_seconds')[0] / cpu_ours:.2f}x, "
        f"polars / ours {stat('polars', 'cpu_seconds')[0] / cpu_ours:.2f}x, "
        f"ours / GROUP BY floor {cpu_ours / stat('scan', 'cpu_seconds')[0]:.2f}x"
    )
    peak = max(r["peak_mb"] for r in runs["ours"])
    print(f"peak memory of the pipeline:  {peak:.0f} MB (goal < 2048 MB)")


if __name__ == "__main__":
    main()
