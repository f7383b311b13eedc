"""Versioned schema migrations for the alert store, for SQLite and PostgreSQL.

Each :class:`Migration` has a version number, a description and the SQL statements for each dialect.
:func:`pending` lists those not yet applied; the store applies each one in its own transaction together
with its row in ``schema_migrations``, so a crash leaves the schema at a whole version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dialect = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    version: int
    description: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: Dialect) -> tuple[str, ...]:
        return self.sqlite if dialect == "sqlite" else self.postgresql


BOOKKEEPING = {
    "sqlite": "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "description TEXT NOT NULL, applied_at TEXT NOT NULL)",
    "postgresql": "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "description TEXT NOT NULL, applied_at TEXT NOT NULL)",
}


def _tables(serial: str) -> tuple[str, ...]:
    return (
        f"""CREATE TABLE users (
            id {serial},
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('submitter', 'analyst', 'admin')),
            token_hash TEXT NOT NULL UNIQUE,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL)""",
        f"""CREATE TABLE reports (
            id {serial},
            submitter_id INTEGER NOT NULL REFERENCES users(id),
            hs6 TEXT NOT NULL,
            country TEXT NOT NULL,
            region TEXT NOT NULL,
            facility TEXT NOT NULL,
            kind TEXT NOT NULL,
            start_date TEXT NOT NULL,
            expected_duration_days INTEGER NOT NULL,
            severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
            text TEXT NOT NULL,
            confidential INTEGER NOT NULL,
            checksum TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        f"""CREATE TABLE audit_log (
            id {serial},
            at TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id),
            action TEXT NOT NULL,
            report_id INTEGER,
            detail TEXT NOT NULL DEFAULT '')""",
    )


_V2 = (
    "ALTER TABLE reports ADD COLUMN client_ref TEXT",
    "CREATE UNIQUE INDEX reports_submitter_client_ref ON reports (submitter_id, client_ref)",
    "CREATE INDEX reports_submitter_created ON reports (submitter_id, created_at)",
    "CREATE INDEX audit_log_report ON audit_log (report_id)",
)


def _v3(serial: str) -> tuple[str, ...]:
    return (
        "ALTER TABLE reports ADD COLUMN withdrawn_at TEXT",
        "ALTER TABLE reports ADD COLUMN updated_at TEXT",
        "ALTER TABLE reports ADD COLUMN record_key INTEGER",
        "ALTER TABLE users ADD COLUMN token_expires_at TEXT",
        """CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX sessions_user ON sessions (user_id)",
        f"""CREATE TABLE audit_events (
            id {serial},
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            report_id INTEGER,
            detail TEXT NOT NULL DEFAULT '',
            prev_hash TEXT,
            hash TEXT)""",
        "INSERT INTO audit_events (at, actor_id, action, report_id, detail) "
        "SELECT at, user_id, action, report_id, detail FROM audit_log ORDER BY id",
        "CREATE INDEX audit_events_report ON audit_events (report_id)",
        """CREATE TABLE releases (
            number INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            cut_by INTEGER REFERENCES users(id),
            reason TEXT NOT NULL,
            report_ids TEXT NOT NULL,
            submitters INTEGER NOT NULL,
            body TEXT NOT NULL,
            checksum TEXT NOT NULL)""",
        f"""CREATE TABLE break_glass (
            id {serial},
            report_id INTEGER NOT NULL REFERENCES reports(id),
            requested_by INTEGER NOT NULL REFERENCES users(id),
            reason TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            approved_by INTEGER REFERENCES users(id),
            approved_at TEXT,
            used_at TEXT)""",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "users, reports and audit log",
        _tables("INTEGER PRIMARY KEY AUTOINCREMENT"),
        _tables("BIGSERIAL PRIMARY KEY"),
    ),
    Migration(2, "idempotency key per submitter; indexes for rate limiting and audit", _V2, _V2),
    Migration(
        3,
        "withdrawal and correction, cell keys, token expiry, sessions, hash-chained audit, releases, break-glass",
        _v3("INTEGER PRIMARY KEY AUTOINCREMENT"),
        _v3("BIGSERIAL PRIMARY KEY"),
    ),
)
"""Every migration, in order. Never edit a released one: add a new version."""


def latest_version() -> int:
    return MIGRATIONS[-1].version


def pending(applied: set[int]) -> list[Migration]:
    """Migrations whose version is not in ``applied``, in version order."""
    return [m for m in MIGRATIONS if m.version not in applied]
