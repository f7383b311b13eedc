"""Benchmark: ``supplyscope assess`` and ``supplyscope explain`` end to end on the bundled real data.

Every contender is a fresh process (what a user pays per command), run against a private warehouse built
once from the bundled data under ``bench/out/cli_home`` (the build is not timed). Contenders are interleaved
over the repeats; min and median wall times are printed.

- floor: one interpreter that imports duckdb, opens the warehouse and runs the bare
  ``GROUP BY hs6, exporter`` over every flow without fetching the groups (interpreter start + bare scan);
- ``supplyscope assess`` cold: the assessment cache is deleted before each run, so the whole assessment,
  the ranking files and the HTML report are computed (goal: within 3x the floor);
- ``supplyscope assess`` warm, files stale: the cached scored assessment, but the ranking files and the report
  are written again (their sidecar is deleted before each run, as after a change of ``--out`` or of a file);
- ``supplyscope assess`` warm: the same command again. The stored ranking is read and printed without pandas
  or plotly, and the files written for the same stored assessment are left alone ("report unchanged").
  Each assess prints the same ranking (checked: its stdout up to the status line);
- ``supplyscope explain 850760`` warm (goal: < 0.5 s): it reads the stored record and renders it without
  importing pandas, numpy or scipy; and ``supplyscope.api.explain`` warm inside a running interpreter (what the
  web service pays per request).

Besides wall time, each contender's CPU time (user + system of the child process) is printed: on this shared
machine it depends less on the others' load.

    .venv/bin/python bench/cli_bench.py              # 3 repeats
    .venv/bin/python bench/cli_bench.py --repeats 5
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str], prep: str | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s, stdout) of one fresh process running ``cmd``, after deleting the assessment cache
    (``prep="cache"``) or the sidecar of the written files (``prep="outputs"``)."""
    if prep == "cache":
        shutil.rmtree(CACHE, ignore_errors=True)
    elif prep == "outputs":
        for sidecar in OUTDIR.glob(".assess_*.written.json"):
            sidecar.unlink()
    c0 = _cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=_env(), check=False, cwd=HOME)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    return elapsed, _cpu() - c0, proc.stdout.decode()


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
    contenders: dict[str, tuple[list[str], str | None]] = {
        "floor: python + bare scan": ([sys.executable, "-c", SCAN.format(wh=wh)], None),
        "floor: python -c pass": ([sys.executable, "-c", "pass"], None),
        "supplyscope assess (cold)": (assess, "cache"),
        "supplyscope assess (files stale)": (assess, "outputs"),
        "supplyscope assess (warm)": (assess, None),
        "supplyscope explain (warm)": (explain, None),
    }
    for cmd, _ in contenders.values():  # warm the OS file cache and the assessment cache once
        _run(cmd)
    rankings: dict[str, set[str]] = {}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    cpus: dict[str, list[float]] = {name: [] for name in contenders}
    api_warm: list[float] = []
    for _ in range(args.repeats):  # interleaved, so load on the shared machine hits every contender alike
        for name, (cmd, prep) in contenders.items():
            wall, cpu, stdout = _run(cmd, prep)
            times[name].append(wall)
            cpus[name].append(cpu)
            if cmd is assess:
                rankings.setdefault(name, set()).add(stdout[: stdout.rindex("ranking: ")])
            if name == "supplyscope assess (warm)" and "report unchanged: " not in stdout:
                raise SystemExit("the warm assess rewrote its files")
        _run(assess)  # leave the cache warm for the in-process explain
        out = subprocess.run(
            [sys.executable, "-c", IN_PROCESS.format(wh=wh)], capture_output=True, text=True, env=_env(), check=True
        )
        api_warm.append(float(out.stdout.strip().splitlines()[-1]))
    if len(set().union(*rankings.values())) != 1:
        raise SystemExit("the assess contenders printed different rankings")
    floor = min(times["floor: python + bare scan"])
    floor_cpu = min(cpus["floor: python + bare scan"])
    print(f"bundled real data; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.repeats} repeats")
    print(f"{'contender':32}{'min s':>8}{'median s':>10}{'min/floor':>11}{'min CPU s':>11}{'CPU/floor':>11}")
    for name, ts in times.items():
        c = min(cpus[name])
        cols = f"{min(ts):8.3f}{statistics.median(ts):10.3f}{min(ts) / floor:10.2f}x"
        print(f"{name:32}{cols}{c:11.3f}{c / floor_cpu:10.2f}x")
    print(f"{'api.explain (warm, in process)':32}{min(api_warm):8.3f}{statistics.median(api_warm):10.3f}")
    print("each assess printed the same ranking (checked)")
    for label in ("cold", "files stale", "warm"):
        name = f"supplyscope assess ({label})"
        r, rc = min(times[name]) / floor, min(cpus[name]) / floor_cpu
        print(
            f"assess {label} / (python + bare scan): {r:.2f}x wall, {rc:.2f}x CPU "
            f"(goal <= 3x: {'met' if r <= 3 else 'NOT met'})"
        )
    warm_explain = min(times["supplyscope explain (warm)"])
    print(f"warm explain: {warm_explain:.3f} s (goal < 0.5 s: {'met' if warm_explain < 0.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
