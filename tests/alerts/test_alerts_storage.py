"""The alert store on SQLite (WAL) and PostgreSQL: migrations, tokens, idempotency, limits, audit."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alerts_helpers import drop_pg_schema, fresh_pg_schema, pg_url, report

from supplyscope.alerts.auth import Role, hash_token
from supplyscope.alerts.migrations import MIGRATIONS, latest_version
from supplyscope.alerts.model import validate_report
from supplyscope.alerts.storage import RateLimited, SQLiteStore, Store, open_store
from supplyscope.errors import ConfigError


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 'alerts.db'}")
        yield s
        s.close()
        return
    base = pg_url()
    url, schema = fresh_pg_schema(base)
    s = open_store(url)
    try:
        yield s
    finally:
        s.close()
        drop_pg_schema(base, schema)


def test_migrations_are_versioned_and_idempotent(store: Store) -> None:
    assert store.schema_version() == latest_version() == MIGRATIONS[-1].version
    assert [m.version for m in MIGRATIONS] == sorted({m.version for m in MIGRATIONS})
    assert store.migrate() == []  # nothing left to apply


def test_tokens_are_stored_hashed(store: Store) -> None:
    user, token = store.create_user("acme", Role.submitter)
    assert store.user_for_token(token) == user
    assert store.user_for_token(token + "x") is None
    with store._tx(write=False) as cur:
        cur.execute("SELECT token_hash FROM users")
        stored = [r[0] for r in cur.fetchall()]
    assert stored == [hash_token(token)] and token not in stored
    new = store.rotate_token(user.id)
    assert store.user_for_token(token) is None and store.user_for_token(new) == user
    store.set_active(user.id, False)
    assert store.user_for_token(new) is None
    with pytest.raises(ConfigError):
        store.create_user("acme", Role.analyst)


def test_reports_round_trip_and_client_ref_is_idempotent(store: Store) -> None:
    user, _ = store.create_user("acme", Role.submitter)
    r = validate_report(report())
    first, new1 = store.add_report(user.id, r, client_ref="batch-1:7")
    again, new2 = store.add_report(user.id, r, client_ref="batch-1:7")
    assert new1 and not new2 and again == first
    assert first.checksum == r.digest()
    assert store.count_reports() == 1
    assert store.report(first.id) == first
    other, _ = store.create_user("other", Role.submitter)
    _, new3 = store.add_report(other.id, r, client_ref="batch-1:7")  # keys are per submitter
    assert new3 and store.count_reports() == 2


def test_visibility_filters(store: Store) -> None:
    a, _ = store.create_user("a", Role.submitter)
    b, _ = store.create_user("b", Role.submitter)
    store.add_report(a.id, validate_report(report(confidential=True)))
    store.add_report(b.id, validate_report(report()))
    assert [r.submitter_id for r in store.reports(submitter_id=a.id)] == [a.id]
    public = store.reports(include_confidential=False)
    assert len(public) == 1 and not public[0].confidential
    assert len(store.contributions()) == 2  # aggregates see confidential reports too


def test_rate_limit_is_enforced_in_the_insert_transaction(store: Store) -> None:
    user, _ = store.create_user("acme", Role.submitter)
    r = validate_report(report())

    def submit(i: int) -> bool:
        try:
            store.add_report(user.id, r, client_ref=f"k{i}", rate_limit=(5, 3600))
            return True
        except RateLimited:
            return False

    with ThreadPoolExecutor(8) as pool:
        accepted = sum(pool.map(submit, range(20)))
    assert accepted == 5 and store.count_reports() == 5


def test_audit_log_records_each_report(store: Store) -> None:
    user, _ = store.create_user("ana", Role.analyst)
    store.audit(user.id, "list", [3, 4])
    store.audit(user.id, "create_user", detail="user 9")
    entries = store.audit_entries()
    assert [(e["action"], e["report_id"]) for e in entries] == [("create_user", None), ("list", 4), ("list", 3)]
    assert [e["report_id"] for e in store.audit_entries(report_id=4)] == [4]


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    s = open_store(path)
    assert isinstance(s, SQLiteStore)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")]
    finally:
        con.close()
    assert versions == [m.version for m in MIGRATIONS]


def test_bad_urls_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        open_store("mysql://x/y")
    assert err.value.key == "db"
    with pytest.raises(ConfigError):
        open_store("postgresql://nobody:wrong@127.0.0.1:1/none")
