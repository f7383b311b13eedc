"""Helpers for the service tests: an in-process client, a live uvicorn server, users and reports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

from supplyscope.alerts.auth import Role
from supplyscope.alerts.storage import open_store


class Client:
    """Synchronous calls into an ASGI app in this process (httpx's ASGI transport on an anyio portal)."""

    def __init__(self, app: FastAPI) -> None:
        self._cm: AbstractContextManager[BlockingPortal] = start_blocking_portal()
        self.portal = self._cm.__enter__()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def request(self, method: str, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"

        async def go() -> httpx.Response:
            return await self.http.request(method, url, headers=headers, **kw)

        return self.portal.call(go)

    def get(self, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("GET", url, token, **kw)

    def post(self, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("POST", url, token, **kw)

    def close(self) -> None:
        self.portal.call(self.http.aclose)
        self._cm.__exit__(None, None, None)


def report(**overrides: Any) -> dict[str, Any]:
    """A valid report body for ``POST /api/alerts`` (HS 854231 in Taiwan); fields overridable."""
    base: dict[str, Any] = {
        "hs6": "854231",
        "country": "TWN",
        "region": "Hsinchu",
        "facility": "Fab 12",
        "kind": "natural_disaster",
        "start_date": "2026-04-03",
        "expected_duration_days": 14,
        "severity": 4,
        "text": "earthquake; tools being recalibrated",
        "confidential": False,
    }
    base.update(overrides)
    return base


def make_users(db: str, **roles: Role) -> dict[str, str]:
    """Create users directly in the store; returns name -> token."""
    store = open_store(db)
    try:
        return {name: store.create_user(name, role)[1] for name, role in roles.items()}
    finally:
        store.close()


def pg_url() -> str:
    """A scratch PostgreSQL database URL, or skip (fail with SUPPLYSCOPE_REQUIRE_PG=1)."""
    url = os.environ.get("SUPPLYSCOPE_TEST_PG_URL")
    required = os.environ.get("SUPPLYSCOPE_REQUIRE_PG") == "1"
    if not url:
        if required:
            pytest.fail("SUPPLYSCOPE_REQUIRE_PG=1 but SUPPLYSCOPE_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need SUPPLYSCOPE_TEST_PG_URL (see .ci/service-deps.sh)")
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5, autocommit=True) as con:
            schema = "t_" + uuid.uuid4().hex[:12]
            con.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        if required:
            pytest.fail(f"PostgreSQL at SUPPLYSCOPE_TEST_PG_URL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``python -m supplyscope.service`` in a subprocess on a free loopback port."""

    def __init__(self, db: str, log: Path, *extra: str) -> None:
        self.db = db
        self.log = log
        self.extra = extra
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        cmd = [sys.executable, "-m", "supplyscope.cli", "serve", "--port", str(self.port), "--db", self.db, *self.extra]
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/meta", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start within {timeout} s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)


def form_csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def login(client: Client, token: str, next_path: str = "/") -> httpx.Response:
    """Log in through the dashboard form as a browser would (same origin, CSRF token from the form)."""
    page = client.get(f"/login?next={next_path}")
    csrf = form_csrf(page.text)
    return client.post(
        "/login",
        data={"token": token, "next": next_path, "csrf": csrf},
        headers={"origin": "http://testserver"},
    )
