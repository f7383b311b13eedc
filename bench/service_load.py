"""Load benchmark of the alert intake over loopback (synthetic reports).

Starts ``python -m supplyscope.service`` on a free port with a fresh store, files N synthetic reports
first one at a time (baseline: a single client waiting for each acknowledgement), then with many in
flight, and prints throughput, latency percentiles, the ratio concurrent/sequential, and peak memory of
the server and of this client. Afterwards it checks that every acknowledged report is stored exactly
once (count and checksums).

A second part measures whether analyses can stall the intake: sequential ``POST /api/alerts`` and a
trivial endpoint (``GET /api/meta``, no database write, no analysis) are timed in the same run, first
on a quiet server and then while 50 real ``/api/explain`` requests (distinct products, the real
assessment) are in flight. It prints intake p50/p99 in both states and as a ratio to the trivial
endpoint, which is what the machine's load alone would explain.

    .venv/bin/python bench/service_load.py --quick
    .venv/bin/python bench/service_load.py -n 2000 --concurrency 64 [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import report_checksum
from supplyscope.alerts.storage import open_store

console = Console()


def body(i: int) -> dict[str, Any]:
    """A synthetic report (made-up content; valid HS code and country)."""
    return {
        "hs6": ("854231", "850760", "280530", "811292")[i % 4],
        "country": ("TWN", "KOR", "CHN", "JPN")[i % 4],
        "region": "synthetic",
        "facility": f"bench-{i}",
        "kind": "logistics",
        "start_date": f"2026-0{1 + i % 9}-1{i % 10}",
        "expected_duration_days": i % 90,
        "severity": 1 + i % 5,
        "text": f"synthetic benchmark report {i}",
        "confidential": i % 3 == 0,
        "client_ref": f"bench-{i}",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def run(
    base: str, tokens: list[str], indices: list[int], concurrency: int, progress: Progress, label: str
) -> tuple[float, list[float], dict[int, dict[str, Any]]]:
    task = progress.add_task(label, total=len(indices))
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    acks: dict[int, dict[str, Any]] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one(i: int) -> None:
            async with sem:
                t0 = time.perf_counter()
                r = await client.post(
                    "/api/alerts", json=body(i), headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
                )
                latencies.append(time.perf_counter() - t0)
                if r.status_code not in (200, 201):
                    raise RuntimeError(f"report {i}: HTTP {r.status_code} {r.text[:200]}")
                acks[i] = r.json()
                progress.advance(task)

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in indices))
        elapsed = time.perf_counter() - start
    return elapsed, latencies, acks


async def intake_vs_trivial(base: str, token: str, n: int, start: int) -> tuple[list[float], list[float]]:
    """Alternate one report and one trivial request, sequentially; latencies of each."""
    intake: list[float] = []
    trivial: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for i in range(start, start + n):
            t0 = time.perf_counter()
            r = await client.post("/api/alerts", json=body(i), headers={"Authorization": f"Bearer {token}"})
            intake.append(time.perf_counter() - t0)
            if r.status_code not in (200, 201):
                raise RuntimeError(f"report {i}: HTTP {r.status_code} {r.text[:200]}")
            t0 = time.perf_counter()
            await client.get("/api/meta")
            trivial.append(time.perf_counter() - t0)
    return intake, trivial


async def under_analysis_load(
    base: str, token: str, analysts: list[str], codes: list[str], n: int, start: int
) -> tuple[list[float], list[float], int]:
    """The same measurement while one real explain per code is in flight; returns also how many still were."""
    async with httpx.AsyncClient(
        base_url=base, timeout=httpx.Timeout(600), limits=httpx.Limits(max_connections=64)
    ) as c:
        tasks = [
            asyncio.create_task(
                c.get(f"/api/explain/{code}", headers={"Authorization": f"Bearer {analysts[k % len(analysts)]}"})
            )
            for k, code in enumerate(codes)
        ]
        await asyncio.sleep(2.0)
        intake, trivial = await intake_vs_trivial(base, token, n, start)
        in_flight = sum(not t.done() for t in tasks)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return intake, trivial, in_flight


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="reports per phase")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--db", default=None, help="store URL (default: a fresh SQLite file)")
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    ap.add_argument("--stall-n", type=int, default=200, help="sequential reports per stall phase")
    args = ap.parse_args()
    n = 100 if args.quick else args.n
    tmp = Path(tempfile.mkdtemp(prefix="ss-bench-"))
    db = args.db or f"sqlite:///{tmp / 'alerts.db'}"
    store = open_store(db)
    tokens = [store.create_user(f"bench-{k}-{time.time_ns()}", Role.submitter)[1] for k in range(8)]
    analysts = [store.create_user(f"bench-a{k}-{time.time_ns()}", Role.analyst)[1] for k in range(5)]
    store.close()
    from supplyscope.alerts.codes import hs6_descriptions

    codes = sorted(c for c in hs6_descriptions() if c.startswith(("84", "85")))[:50]
    stall_n = 50 if args.quick else args.stall_n
    port = free_port()
    log = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "supplyscope.cli", "serve", "--port", str(port), "--db", db, "--rate-limit", "1000000"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/meta", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        console.print(
            f"SYNTHETIC reports: {n} per phase, store {db.split('@')[-1]}, concurrency {args.concurrency}",
            soft_wrap=True,
        )
        with Progress(console=console, transient=True) as progress:
            seq_t, seq_lat, seq_acks = asyncio.run(run(base, tokens, list(range(n)), 1, progress, "sequential"))
            con_t, con_lat, con_acks = asyncio.run(
                run(base, tokens, list(range(n, 2 * n)), args.concurrency, progress, "concurrent")
            )
        quiet_in, quiet_tr = asyncio.run(intake_vs_trivial(base, tokens[0], stall_n, 10 * n))
        load_in, load_tr, in_flight = asyncio.run(
            under_analysis_load(base, tokens[1], analysts, codes, stall_n, 10 * n + stall_n)
        )
        server_peak = peak_rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    acks = {**seq_acks, **con_acks}
    store = open_store(db)
    try:
        rows = {r.client_ref: r for r in store.reports(limit=10_000_000) if (r.client_ref or "").startswith("bench-")}
    finally:
        store.close()
    ok = (
        len(acks) == 2 * n
        and len(rows) == len(acks) + 2 * stall_n
        and all(
            rows[f"bench-{i}"].id == a["id"]
            and rows[f"bench-{i}"].checksum
            == a["checksum"]
            == report_checksum({k: v for k, v in body(i).items() if k != "client_ref"})
            for i, a in acks.items()
        )
    )
    seq_rate, con_rate = n / seq_t, n / con_t
    console.print(
        f"baseline sequential : {seq_rate:8.1f} reports/s  p50 {pct(seq_lat, 50):6.1f} ms  "
        f"p95 {pct(seq_lat, 95):6.1f} ms"
    )
    console.print(
        f"concurrent ({args.concurrency:>3})   : {con_rate:8.1f} reports/s  p50 {pct(con_lat, 50):6.1f} ms  "
        f"p95 {pct(con_lat, 95):6.1f} ms"
    )
    console.print(f"ratio concurrent/sequential throughput: {con_rate / seq_rate:.2f}x")
    console.print(
        f"peak memory: server {server_peak / 1024:.0f} MiB, client "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    console.print(f"stored exactly once (count {len(rows)}, ids and checksums match): {ok}")
    console.print(f"intake vs trivial endpoint, {stall_n} sequential each, same run:")
    for label, lat_in, lat_tr in (("quiet", quiet_in, quiet_tr), ("50 explains in flight", load_in, load_tr)):
        console.print(
            f"  {label:<22}: intake p50 {pct(lat_in, 50):7.1f} ms p99 {pct(lat_in, 99):7.1f} ms | trivial p50 "
            f"{pct(lat_tr, 50):6.1f} ms p99 {pct(lat_tr, 99):7.1f} ms | ratio p50 "
            f"{pct(lat_in, 50) / pct(lat_tr, 50):4.1f}x p99 {pct(lat_in, 99) / pct(lat_tr, 99):4.1f}x"
        )
    console.print(f"  explains still in flight when the loaded phase ended: {in_flight} of {len(codes)}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
