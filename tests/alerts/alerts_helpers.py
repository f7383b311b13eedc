"""Helpers for the alert tests: report factories and the PostgreSQL switch.

PostgreSQL tests run when ``SUPPLYSCOPE_TEST_PG_URL`` is set (``.ci/service-deps.sh`` prints it). With
``SUPPLYSCOPE_REQUIRE_PG=1`` a missing or unreachable server is a failure, not a skip.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest


def report(**overrides: Any) -> dict[str, Any]:
    """A valid report about HS 854231 (processors and controllers) in Taiwan; fields overridable."""
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


def pg_url() -> str:
    """URL of a scratch PostgreSQL schema for one test, or skip (fail when PostgreSQL is required)."""
    url = os.environ.get("SUPPLYSCOPE_TEST_PG_URL")
    required = os.environ.get("SUPPLYSCOPE_REQUIRE_PG") == "1"
    if not url:
        if required:
            pytest.fail("SUPPLYSCOPE_REQUIRE_PG=1 but SUPPLYSCOPE_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need SUPPLYSCOPE_TEST_PG_URL (see .ci/service-deps.sh)")
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as con:
            con.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the server decides skip-or-fail
        if required:
            pytest.fail(f"PostgreSQL at SUPPLYSCOPE_TEST_PG_URL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return url


def fresh_pg_schema(url: str) -> tuple[str, str]:
    """Create an empty schema and return (url whose search_path selects it, schema name)."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def drop_pg_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
