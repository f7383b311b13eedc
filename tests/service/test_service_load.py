"""Reliability over loopback against a real uvicorn process.

- 1,000 concurrent submissions: every acknowledged report is stored exactly once (count, ids and
  checksums compared with what the clients sent).
- SIGKILL in the middle of a load, then restart: no acknowledged report is lost, and retrying the
  unacknowledged ones with their client reference does not create duplicates.
Both run on SQLite and, when available, PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from svc_helpers import LiveServer, make_users, pg_url, report

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import report_checksum
from supplyscope.alerts.storage import open_store

SUBMITTERS = 10


def _db(kind: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'alerts.db'}" if kind == "sqlite" else pg_url()


def _body(i: int) -> dict[str, Any]:
    return report(
        client_ref=f"load-{i}",
        severity=1 + i % 5,
        start_date=f"2026-0{1 + i % 9}-1{i % 10}",
        text=f"synthetic load-test report {i}",
    )


async def _submit(
    base: str,
    tokens: list[str],
    indices: list[int],
    concurrency: int,
    acks: dict[int, dict[str, Any]],
    failures: list[int],
    stop_after: asyncio.Event | None = None,
) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one(i: int) -> None:
            async with sem:
                if stop_after is not None and stop_after.is_set():
                    failures.append(i)
                    return
                try:
                    resp = await client.post(
                        "/api/alerts", json=_body(i), headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
                    )
                except httpx.TransportError:
                    failures.append(i)
                    return
                if resp.status_code in (200, 201):
                    acks[i] = resp.json()
                else:
                    failures.append(i)

        await asyncio.gather(*(one(i) for i in indices))


def _stored(db: str) -> dict[str, Any]:
    store = open_store(db)
    try:
        rows = store.reports(limit=1_000_000)
    finally:
        store.close()
    return {"rows": rows, "by_ref": {r.client_ref: r for r in rows}}


def _digest(pairs: list[tuple[int, str]]) -> str:
    return hashlib.sha256("\n".join(f"{i}:{c}" for i, c in sorted(pairs)).encode()).hexdigest()


def _check_exactly_once(db: str, acks: dict[int, dict[str, Any]], submitted: set[int]) -> None:
    stored = _stored(db)
    rows = stored["rows"]
    refs = [r.client_ref for r in rows]
    assert len(refs) == len(set(refs)), "a report was stored twice"
    assert {r.client_ref for r in rows} <= {f"load-{i}" for i in submitted}
    for i, ack in acks.items():
        row = stored["by_ref"].get(f"load-{i}")
        assert row is not None, f"acknowledged report {ack['id']} (load-{i}) is missing"
        assert row.id == ack["id"]
        sent = {k: v for k, v in _body(i).items() if k != "client_ref"}
        assert row.checksum == ack["checksum"] == report_checksum(sent)
        assert report_checksum(row.public()) == row.checksum  # the stored fields, re-hashed
    acked_pairs = [(a["id"], a["checksum"]) for a in acks.values()]
    stored_pairs = [(r.id, r.checksum) for r in rows if r.client_ref in {f"load-{i}" for i in acks}]
    assert _digest(acked_pairs) == _digest(stored_pairs)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_1000_concurrent_submissions_are_stored_exactly_once(kind: str, tmp_path: Path) -> None:
    db = _db(kind, tmp_path)
    tokens = list(make_users(db, **{f"s{k}": Role.submitter for k in range(SUBMITTERS)}).values())
    server = LiveServer(db, tmp_path / "server.log", "--rate-limit", "100000")
    server.start()
    try:
        acks: dict[int, dict[str, Any]] = {}
        failures: list[int] = []
        asyncio.run(_submit(server.url, tokens, list(range(1000)), 100, acks, failures))
    finally:
        server.stop()
    assert failures == [] and len(acks) == 1000
    assert len({a["id"] for a in acks.values()}) == 1000
    _check_exactly_once(db, acks, set(range(1000)))
    assert len(_stored(db)["rows"]) == 1000


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_sigkill_mid_load_loses_no_acknowledged_report(kind: str, tmp_path: Path) -> None:
    db = _db(kind, tmp_path)
    tokens = list(make_users(db, **{f"s{k}": Role.submitter for k in range(SUBMITTERS)}).values())
    server = LiveServer(db, tmp_path / "server.log", "--rate-limit", "100000")
    server.start()
    total = 300
    acks: dict[int, dict[str, Any]] = {}
    failures: list[int] = []

    async def load_and_kill() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(_submit(server.url, tokens, list(range(total)), 40, acks, failures, stop))
        for _ in range(6000):  # bounded wait (≤ 60 s) for a third of the load to be acknowledged
            if len(acks) >= total // 3 or task.done():
                break
            await asyncio.sleep(0.01)
        await asyncio.to_thread(server.kill)
        stop.set()
        await task

    try:
        asyncio.run(load_and_kill())
        assert server.proc is not None and server.proc.returncode == -9
        assert 0 < len(acks) < total, "the kill should land in the middle of the load"
        _check_exactly_once(db, acks, set(range(total)))  # nothing acknowledged was lost

        server.start()  # restart on the same database
        retry_acks: dict[int, dict[str, Any]] = {}
        retry_failures: list[int] = []
        asyncio.run(_submit(server.url, tokens, sorted(failures), 40, retry_acks, retry_failures))
    finally:
        server.stop()
    assert retry_failures == []
    everything = {**acks, **retry_acks}
    assert len(everything) == total
    _check_exactly_once(db, everything, set(range(total)))
    assert len(_stored(db)["rows"]) == total
