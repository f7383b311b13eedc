"""Store hardening: one record definition, owner-only files, read-only mode, failures as 503, sessions,
token expiry and the hash-chained audit log."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from alerts_helpers import report

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import REPORT_SCHEMA, STORED_FIELDS, AlertReport, StoredReport, validate_report
from supplyscope.alerts.storage import SQLiteStore, StoreUnavailable, open_store
from supplyscope.errors import ConflictError


def test_stored_record_and_table_follow_the_one_schema(tmp_path: Path) -> None:
    # the filed part of the record is exactly AlertReport's fields; the server adds its own after them
    filed = tuple(f.name for f in dataclasses.fields(AlertReport))
    assert filed == tuple(f.name for f in REPORT_SCHEMA if f.filed)
    assert STORED_FIELDS[: len(filed)] == filed and issubclass(StoredReport, AlertReport)
    store = open_store(tmp_path / "a.db")
    try:
        with store._tx(write=False) as cur:
            cur.execute("SELECT name FROM pragma_table_info('reports')")
            columns = {r[0] for r in cur.fetchall()}
    finally:
        store.close()
    assert set(STORED_FIELDS) <= columns and columns - set(STORED_FIELDS) == {"record_key"}
    assert len({f.name for f in REPORT_SCHEMA}) == len(REPORT_SCHEMA)


def test_database_files_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = open_store(tmp_path / "a.db")
        store.create_user("acme", Role.submitter)
        store.close()
    finally:
        os.umask(old)
    for name in ("a.db", "a.db-wal", "a.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name


def test_read_only_store_starts_read_only_and_says_so(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    user, _ = store.create_user("acme", Role.submitter)
    store.add_report(user.id, validate_report(report()))
    store.close()
    for p in tmp_path.iterdir():
        p.chmod(0o400)
    tmp_path.chmod(0o500)
    try:
        if os.access(tmp_path / "a.db", os.W_OK):
            pytest.skip("running as a user who can write read-only files (root)")
        ro = open_store(tmp_path / "a.db")
        assert ro.read_only and len(ro.reports()) == 1
        with pytest.raises(StoreUnavailable, match="read-only"):
            ro.add_report(user.id, validate_report(report()))
        ro.close()
    finally:
        tmp_path.chmod(0o700)


def test_read_only_flag_refuses_writes_even_as_root(tmp_path: Path) -> None:
    open_store(tmp_path / "a.db").close()
    ro = SQLiteStore(tmp_path / "a.db", read_only=True)
    assert ro.schema_version() >= 3
    with pytest.raises(StoreUnavailable, match="read-only"):
        ro.create_user("x", Role.submitter)
    ro.close()


def test_disk_full_is_unavailable_and_the_store_stays_usable(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    assert isinstance(store, SQLiteStore)
    user, _ = store.create_user("acme", Role.submitter)
    con = store._thread_connection()
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.execute(f"PRAGMA max_page_count={pages}")  # the file may not grow: SQLITE_FULL, as on a full disk
    with pytest.raises(StoreUnavailable) as err:
        for i in range(200):
            store.add_report(user.id, validate_report(report(text="x" * 3000 + str(i))))
    assert err.value.retry_after and "full" in str(err.value)
    con = store._thread_connection()
    con.execute("PRAGMA max_page_count=1073741823")
    store.add_report(user.id, validate_report(report()))  # same store, next request works
    store.close()


def test_sessions_expire_and_are_revoked(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    user, _ = store.create_user("acme", Role.submitter)
    sid, csrf = store.create_session(user.id)
    found = store.session_user(sid)
    assert found is not None and found[0].id == user.id and found[1] == csrf
    store.end_session(sid)
    assert store.session_user(sid) is None
    old, _ = store.create_session(user.id, ttl=timedelta(seconds=-1))
    assert store.session_user(old) is None  # expired
    live, _ = store.create_session(user.id)
    store.set_active(user.id, False)
    store.set_active(user.id, True)
    assert store.session_user(live) is None  # deactivation revoked it for good
    store.close()


def test_tokens_expire(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    _, token = store.create_user("acme", Role.submitter)
    assert store.user_for_token(token) is not None
    with store._tx(write=True) as cur:
        cur.execute("UPDATE users SET token_expires_at = '2000-01-01T00:00:00.000000Z'")
    assert store.user_for_token(token) is None
    store.close()


def test_last_admin_cannot_be_deactivated(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    boss, _ = store.create_user("boss", Role.admin)
    with pytest.raises(ConflictError):
        store.set_active(boss.id, False)
    store.close()


def test_audit_chain_detects_tampering(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from supplyscope.cli import app

    db = tmp_path / "a.db"
    store = open_store(db)
    user, _ = store.create_user("acme", Role.submitter)
    for i in range(4):
        store.add_report(user.id, validate_report(report(severity=1 + i)))
    store.audit(None, "login_failed", (), "from 127.0.0.1")
    check = store.verify_audit()
    assert check.ok and check.entries == 5
    store.close()
    runner = CliRunner()
    ok = runner.invoke(app, ["alerts", "verify-audit", "--db", str(db)])
    assert ok.exit_code == 0 and "5 entries" in ok.output
    with sqlite3.connect(db) as con:  # an insider rewrites who submitted report 2
        con.execute("UPDATE audit_events SET actor_id = NULL WHERE report_id = 2")
    bad = runner.invoke(app, ["alerts", "verify-audit", "--db", str(db)])
    assert bad.exit_code != 0 and "row 2" in str(bad.exception)
    with sqlite3.connect(db) as con:  # or deletes it
        con.execute("DELETE FROM audit_events WHERE report_id = 2")
    store = open_store(db)
    check = store.verify_audit()
    assert not check.ok and check.first_bad_id == 3 and "prev_hash" in check.reason
    store.close()
