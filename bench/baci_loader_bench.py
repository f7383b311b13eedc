"""Benchmark: ``read_baci`` (Arrow reader, vectorised mapping) against a plain pandas baseline.

The input is SYNTHETIC: a BACI-shaped release zip with random codes, products and values (not real
trade), written to a temporary folder. Real yearly BACI files hold about 11 million rows.

Baseline (measured in the same run, on the same zip): ``pandas.read_csv`` of the yearly member with
default type inference, ``Series.map`` of numeric codes to ISO3 through a dict, ``str.zfill(6)``
for products, ``v * 1000`` — the straightforward pandas way, no row loops, no validation.
``read_baci`` additionally checks every cell, keeps line numbers and builds the unknown-code report.

Each measurement runs in a fresh process so that its peak resident memory (``ru_maxrss``) is its own.

    .venv/bin/python bench/baci_loader_bench.py            # 2,000,000 rows
    .venv/bin/python bench/baci_loader_bench.py --quick    # 50,000 rows (smoke run)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

VERSION = "209901"
YEAR = 2022


def make_release(folder: Path, rows: int, seed: int = 0) -> Path:
    """Write a synthetic BACI-shaped zip (random figures) with ``rows`` distinct flows."""
    rng = np.random.default_rng(seed)
    codes = np.arange(4, 4 + 4 * 240, 4)  # 240 numeric codes; the last 10 have no ISO3 in the list
    products = np.sort(rng.choice(np.arange(10_101, 970_000), 5_400, replace=False))  # ~HS6 count
    n = int(rows * 1.02) + 10
    frame = pd.DataFrame(
        {
            "t": YEAR,
            "i": rng.choice(codes, n),
            "j": rng.choice(codes, n),
            "k": rng.choice(products, n),
            "v": np.round(rng.random(n) * 1000, 3),
            "q": np.round(rng.random(n) * 100, 3),
        }
    ).drop_duplicates(["i", "j", "k"])[:rows]
    letters = [chr(65 + a) + chr(65 + b) + chr(65 + c) for a in range(26) for b in range(26) for c in range(26)]
    countries = "country_code,country_name,country_iso2,country_iso3\n" + "".join(
        f"{c},Synthetic {c},,{letters[pos] if pos < 230 else ''}\n" for pos, c in enumerate(codes)
    )
    path = folder / f"BACI_HS22_V{VERSION}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"country_codes_V{VERSION}.csv", countries)
        zf.writestr(f"BACI_HS22_Y{YEAR}_V{VERSION}.csv", frame.to_csv(index=False))
    return path


def run_supplyscope(path: Path) -> int:
    from supplyscope.data.sources.baci import read_baci

    return len(read_baci(path).flows)


def run_baseline(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        with zf.open(f"country_codes_V{VERSION}.csv") as fh:
            countries = pd.read_csv(fh, keep_default_na=False)
        with zf.open(f"BACI_HS22_Y{YEAR}_V{VERSION}.csv") as fh:
            df = pd.read_csv(fh)
    iso = dict(zip(countries["country_code"], countries["country_iso3"], strict=True))
    out = pd.DataFrame(
        {
            "year": df["t"],
            "exporter": df["i"].map(iso),
            "importer": df["j"].map(iso),
            "hs6": df["k"].astype(str).str.zfill(6),
            "value_usd": df["v"] * 1000,
            "quantity": df["q"],
        }
    )
    return len(out)


def _child(name: str, path: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    fn = run_supplyscope if name == "supplyscope" else run_baseline
    check_seconds = [0.0]
    if name == "supplyscope":
        from supplyscope.data.sources import baci  # imported before the clock starts

        original = baci.check

        def timed_check(*args: object) -> None:  # same check, with its time recorded
            t0 = time.perf_counter()
            original(*args)  # type: ignore[arg-type]
            check_seconds[0] += time.perf_counter() - t0

        baci.check = timed_check  # type: ignore[assignment]
    start = time.perf_counter()
    rows = fn(Path(path))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((rows, elapsed, peak, check_seconds[0]))


def measure(name: str, path: Path) -> tuple[int, float, float, float]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_child, args=(name, str(path), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 rows instead of 2,000,000")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args(argv)
    rows = args.rows or (50_000 if args.quick else 2_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = make_release(Path(tmp), rows)
        size = path.stat().st_size / 1e6
        print(f"SYNTHETIC BACI-shaped release: {rows:,} rows, zip {size:.1f} MB (random figures, not real trade)")
        base_rows, base_s, base_mb, _ = measure("baseline", path)
        ours_rows, ours_s, ours_mb, check_s = measure("supplyscope", path)
        print(f"baseline  pandas read_csv + map : {base_s:7.2f} s  peak RSS {base_mb:7.0f} MB  rows {base_rows:,}")
        print(f"supplyscope read_baci           : {ours_s:7.2f} s  peak RSS {ours_mb:7.0f} MB  rows {ours_rows:,}")
        print(f"  of which validate.check       : {check_s:7.2f} s")
        print(f"time ratio baseline/read_baci   : {base_s / ours_s:.2f}x  (>1 means read_baci is faster)")
        print(f"memory ratio baseline/read_baci : {base_mb / ours_mb:.2f}x")
        if base_rows != ours_rows:
            sys.exit("row counts differ")


if __name__ == "__main__":
    main()
