"""Benchmark: ``supplyscope assess`` and ``supplyscope explain`` end to end on the bundled real data.

Every contender is a fresh process (what a user pays per command), run against a private warehouse built
once from the bundled data under ``bench/out/cli_home`` (the build is not timed). Contenders are interleaved
over the repeats; min and median wall times are printed.

- floor: one interpreter that imports duckdb, opens the warehouse and runs the bare
  ``GROUP BY hs6, exporter`` over every flow without fetching the groups (interpreter start + bare scan);
- ``supplyscope assess`` cold: the assessment cache is deleted before each run, so the whole assessment,
  the ranking files and the HTML report are computed (goal: within 3x the floor);
- ``supplyscope assess`` warm: the same command with the cached scored assessment;
- ``supplyscope explain 850760`` warm (goal: < 0.5 s), and ``supplyscope.api.explain`` warm inside a running
  interpreter (what the web service pays per request).

    .venv/bin/python bench/cli_bench.py              # 3 repeats
    .venv/bin/python bench/cli_bench.py --repeats 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "supplyscope")
HOME = Path(__file__).resolve().parent / "out" / "cli_home"
WAREHOUSE = HOME / "warehouse.duckdb"
CACHE = HOME / "cache" / "assessment"
OUTDIR = HOME / "out"
SCAN = (
    "import duckdb; con = duckdb.connect({wh!r}, read_only=True); "
    "con.execute('SELECT count(*) FROM (SELECT hs6, exporter, sum(value_usd) FROM trade_flows GROUP BY ALL)')"
    ".fetchall()"
)
IN_PROCESS = (
    "import time; from supplyscope import api; api.explain('850760', db={wh!r}); t = time.perf_counter(); "
    "api.explain('850760', db={wh!r}); print(time.perf_counter() - t)"
)


def _env() -> dict[str, str]:
    return {**os.environ, "SUPPLYSCOPE_HOME": str(HOME), "COLUMNS": "120"}


def _run(cmd: list[str], clear_cache: bool = False) -> float:
    if clear_cache:
        shutil.rmtree(CACHE, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=_env(), check=False, cwd=HOME)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    HOME.mkdir(parents=True, exist_ok=True)
    if not WAREHOUSE.exists():
        subprocess.run([CLI, "data", "build"], env=_env(), check=True, capture_output=True)
    wh = str(WAREHOUSE)
    assess = [CLI, "assess", "--top", "20", "--out", str(OUTDIR)]
    explain = [CLI, "explain", "850760", "--format", "json"]
    contenders: dict[str, tuple[list[str], bool]] = {
        "floor: python + bare scan": ([sys.executable, "-c", SCAN.format(wh=wh)], False),
        "floor: python -c pass": ([sys.executable, "-c", "pass"], False),
        "supplyscope assess (cold)": (assess, True),
        "supplyscope assess (warm)": (assess, False),
        "supplyscope explain (warm)": (explain, False),
    }
    for cmd, _ in contenders.values():  # warm the OS file cache and the assessment cache once
        _run(cmd)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    api_warm: list[float] = []
    for _ in range(args.repeats):  # interleaved, so load on the shared machine hits every contender alike
        for name, (cmd, cold) in contenders.items():
            times[name].append(_run(cmd, clear_cache=cold))
        _run(assess)  # leave the cache warm for the in-process explain
        out = subprocess.run(
            [sys.executable, "-c", IN_PROCESS.format(wh=wh)], capture_output=True, text=True, env=_env(), check=True
        )
        api_warm.append(float(out.stdout.strip().splitlines()[-1]))
    floor = min(times["floor: python + bare scan"])
    print(f"bundled real data; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.repeats} repeats")
    print(f"{'contender':32}{'min s':>8}{'median s':>10}{'min/floor':>11}")
    for name, ts in times.items():
        print(f"{name:32}{min(ts):8.3f}{statistics.median(ts):10.3f}{min(ts) / floor:10.2f}x")
    print(f"{'api.explain (warm, in process)':32}{min(api_warm):8.3f}{statistics.median(api_warm):10.3f}")
    cold = min(times["supplyscope assess (cold)"]) / floor
    warm_explain = min(times["supplyscope explain (warm)"])
    print(f"assess cold / (python + bare scan): {cold:.2f}x (goal <= 3x: {'met' if cold <= 3 else 'NOT met'})")
    print(f"warm explain: {warm_explain:.3f} s (goal < 0.5 s: {'met' if warm_explain < 0.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
