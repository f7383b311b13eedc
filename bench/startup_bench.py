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

    .venv/bin/python bench/startup_bench.py            # 7 repeats
    .venv/bin/python bench/startup_bench.py --repeats 15
"""

from __future__ import annotations

import argparse
import os
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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
