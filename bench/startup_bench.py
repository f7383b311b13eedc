"""Benchmark: how fast the command line starts, as ratios against a bare ``import typer`` in the same run.

Every contender is a fresh interpreter process (what a user pays per command). The contenders are
interleaved over the repeats so that load on this shared machine hits them alike; min and median wall
times are reported.

- floor: ``python -c pass`` (the interpreter alone);
- baseline: ``python -c "import typer"`` (the least any Typer CLI can cost);
- ``supplyscope --help`` (goal <= 3x the baseline; issue 12);
- ``supplyscope --version``;
- ``supplyscope duty 8507600020 --origin CHN --value 1200`` (goal <= 5x the baseline; issue 12);
- ``python -c "import supplyscope"`` (the curated package import).

The first (warm-up) run of each contender fills ``$SUPPLYSCOPE_HOME/cache`` (the parsed HTS schedule, the
Section 301 index, the EU members; see :mod:`supplyscope.data.cache`), so the timed runs measure the warm
start a user gets from the second command on. ``--cold`` points ``$SUPPLYSCOPE_HOME`` at an empty temporary
directory for every run of ``duty`` instead, to measure the first command after an install or a data change.
``--screen`` times ``supplyscope screen`` on a one-row supplier file (``Walmart Inc.,USA``; the warm-up run
builds the cached screening index, so the timed runs load it) against ``import supplyscope``: goal < 2 s
(issue 15). Its audit records go to a temporary file.

    .venv/bin/python bench/startup_bench.py            # 7 repeats
    .venv/bin/python bench/startup_bench.py --repeats 15
    .venv/bin/python bench/startup_bench.py --screen --repeats 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "supplyscope")
PY = sys.executable

CONTENDERS: dict[str, list[str]] = {
    "floor: python -c pass": [PY, "-c", "pass"],
    "baseline: import typer": [PY, "-c", "import typer"],
    "import supplyscope": [PY, "-c", "import supplyscope"],
    "supplyscope --help": [CLI, "--help"],
    "supplyscope --version": [CLI, "--version"],
    "supplyscope duty ...": [CLI, "duty", "8507600020", "--origin", "CHN", "--value", "1200"],
}
GOALS = {"supplyscope --help": 3.0, "supplyscope duty ...": 5.0}
SCREEN = "supplyscope screen (1 row)"
SCREEN_GOAL_S = 2.0


def _run(cmd: list[str], home: str | None = None) -> float:
    env = {**os.environ, "COLUMNS": "100", **({"SUPPLYSCOPE_HOME": home} if home else {})}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="an empty cache for every duty run")
    parser.add_argument("--screen", action="store_true", help="screen on a one-row file vs import supplyscope")
    args = parser.parse_args()
    if args.screen:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "one.csv").write_text("name,country\nWalmart Inc.,USA\n", encoding="utf-8")
            screen = [CLI, "screen", str(Path(tmp) / "one.csv"), "--country-col", "country"]
            screen_startup(
                {"import supplyscope": CONTENDERS["import supplyscope"], SCREEN: [*screen, "--audit"]},
                args.repeats,
                Path(tmp),
            )
        return
    for cmd in CONTENDERS.values():  # warm the OS file cache and any on-disk caches once
        _run(cmd)
    times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for _ in range(args.repeats):
        for name, cmd in CONTENDERS.items():
            if args.cold and name == "supplyscope duty ...":
                with tempfile.TemporaryDirectory() as home:
                    times[name].append(_run(cmd, home))
            else:
                times[name].append(_run(cmd))
    base = min(times["baseline: import typer"])
    cache = "cold (empty cache per duty run)" if args.cold else "warm"
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; repeats: {args.repeats}; cache: {cache}")
    print(f"{'contender':28} {'min s':>8} {'median s':>9} {'min/baseline':>13}  goal")
    for name, ts in times.items():
        ratio = min(ts) / base
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"<= {goal:.0f}x: {'met' if ratio <= goal else 'NOT met'}"
        print(f"{name:28} {min(ts):8.3f} {statistics.median(ts):9.3f} {ratio:12.2f}x  {verdict}")


def screen_startup(contenders: dict[str, list[str]], repeats: int, tmp: Path) -> None:
    """One-row ``screen`` (index cache warm after the first run) against ``import supplyscope``, interleaved;
    wall and child CPU (user + system) seconds, the CPU figure being the less load-sensitive one."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    for k in range(repeats + 1):  # run 0 warms the OS file cache and writes the screening index cache
        for name, cmd in contenders.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            elapsed = _run([*cmd, str(tmp / f"audit{k}.jsonl")] if name == SCREEN else cmd)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if k:
                times[name].append(elapsed)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    base, base_cpu = min(times["import supplyscope"]), min(cpu["import supplyscope"])
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; repeats: {repeats}; index cache: warm")
    print(f"{'contender':28} {'min s':>8} {'median s':>9} {'min/import':>11} {'CPU min s':>10} {'CPU/import':>11}")
    for name, ts in times.items():
        c = min(cpu[name])
        print(
            f"{name:28} {min(ts):8.3f} {statistics.median(ts):9.3f} {min(ts) / base:10.1f}x "
            f"{c:10.3f} {c / base_cpu:10.1f}x"
        )
    verdict = "met" if min(times[SCREEN]) < SCREEN_GOAL_S else "NOT met"
    print(f"goal: one-row screen < {SCREEN_GOAL_S:.0f} s wall (min): {verdict}")


if __name__ == "__main__":
    main()
