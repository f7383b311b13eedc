"""Durable storage of users, reports and the audit log: SQLite (WAL) by default, PostgreSQL on request.

:func:`open_store` picks the backend from a URL: ``sqlite:///path/to/alerts.db`` (or a plain path) or
``postgresql://user:pass@host/db``. Both backends run the same SQL (``?`` placeholders are rewritten for
psycopg) and the same versioned migrations. Every write is one transaction that is committed before the
caller acknowledges anything: SQLite runs with ``synchronous=FULL`` in WAL mode, PostgreSQL with its
default synchronous commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from supplyscope.alerts.audit import GENESIS, ChainCheck, chain_hash, verify_chain
from supplyscope.alerts.auth import Role, User, hash_token, new_token
from supplyscope.alerts.migrations import BOOKKEEPING, Dialect, latest_version, pending
from supplyscope.alerts.model import SPEC, STORED_FIELDS, AlertKind, AlertReport, StoredReport
from supplyscope.errors import ConfigError, ConflictError, NotFoundError, SupplyscopeError, UnavailableError


class RateLimited(SupplyscopeError):
    """A submitter filed more reports in the window than allowed; nothing was stored."""

    def __init__(self, limit: int, window_s: int) -> None:
        self.limit = limit
        self.window_s = window_s
        super().__init__(f"at most {limit} reports per {window_s} s; try again later")


class StoreUnavailable(UnavailableError):
    """The database failed (disk full, I/O error, lost connection) or is read-only; nothing was written."""


_T = TypeVar("_T")
TOKEN_TTL = timedelta(days=90)
"""How long an API token is valid after it is issued."""
SESSION_TTL = timedelta(hours=8)
"""How long a dashboard session lasts (absolute, from login)."""
RETRY_AFTER_S = 30


def stamp(moment: datetime) -> str:
    """ISO 8601 UTC text with microseconds and a ``Z`` suffix (sorts as text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utcnow() -> str:
    """Current UTC time as :func:`stamp` text."""
    return stamp(datetime.now(UTC))


@dataclass(frozen=True)
class Contribution:
    """The part of a report the aggregates use: who filed it, about what, where, when, how severe.

    ``record_key`` is the report's random cell-key (ABS cell-key method); ``report_id`` identifies it
    between releases.
    """

    submitter_id: int
    hs6: str
    country: str
    severity: int
    start_date: str
    report_id: int = 0
    record_key: int = 0


_REPORT_COLS = ", ".join(STORED_FIELDS)
_CASTS: dict[str, Callable[[Any], Any]] = {
    "id": int,
    "int": int,
    "bool": bool,
    "enum": AlertKind,
    "date": date.fromisoformat,
}


def _report(row: Sequence[Any]) -> StoredReport:
    values: dict[str, Any] = {}
    for name, value in zip(STORED_FIELDS, row, strict=True):
        cast = _CASTS.get(SPEC[name].kind)
        values[name] = value if cast is None or value is None else cast(value)
    return StoredReport(**values)


def _record_key(report_id: int, checksum: str, stored: Any) -> int:
    """The stored random record key, or (for reports filed before keys existed) one derived from the report."""
    if stored is not None:
        return int(stored)
    digest = hashlib.sha256(f"{report_id}:{checksum}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def _user(row: Sequence[Any]) -> User:
    return User(id=int(row[0]), name=row[1], role=Role(row[2]), active=bool(row[3]), created_at=row[4])


class _Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Store:
    """Users, reports and audit log in one relational database."""

    dialect: Dialect
    url: str

    # --- backend hooks -------------------------------------------------------------------------
    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[_Cursor]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def _sql(self, sql: str) -> str:
        return sql

    def _write(self, fn: Callable[[_Cursor], _T]) -> _T:
        """Run ``fn`` in a write transaction and return its result once committed."""
        with self._tx(write=True) as cur:
            return fn(cur)

    def close(self) -> None:
        """Release connections."""

    # --- schema --------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied now (empty when up to date)."""
        done: list[int] = []
        with self._tx(write=True) as cur:
            cur.execute(BOOKKEEPING[self.dialect])
        while True:
            with self._tx(write=True) as cur:
                self._lock_schema(cur)
                cur.execute("SELECT version FROM schema_migrations")
                applied = {int(r[0]) for r in cur.fetchall()}
                todo = pending(applied)
                if not todo:
                    break
                step = todo[0]
                for statement in step.statements(self.dialect):
                    cur.execute(statement)
                cur.execute(
                    self._sql("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"),
                    (step.version, step.description, utcnow()),
                )
                done.append(step.version)
        self._seal_audit()
        return done

    def _lock_schema(self, cur: _Cursor) -> None:
        """Serialise concurrent migrators (SQLite's write transaction already does)."""

    def schema_version(self) -> int:
        with self._tx(write=False) as cur:
            cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
            return int(cur.fetchone()[0])

    # --- users ---------------------------------------------------------------------------------
    read_only: bool = False

    def _writable(self) -> None:
        if self.read_only:
            raise StoreUnavailable("the alert store is open read-only; nothing can be written")

    def create_user(self, name: str, role: Role) -> tuple[User, str]:
        """Create a user; returns the user and its clear token (shown once, stored hashed, valid TOKEN_TTL)."""
        name = name.strip()
        if not name or len(name) > 100:
            raise ConfigError("user name must be 1-100 characters", key="name")
        token = new_token()
        with self._tx(write=True) as cur:
            cur.execute(self._sql("SELECT 1 FROM users WHERE name = ?"), (name,))
            if cur.fetchone() is not None:
                raise ConfigError(f"user {name!r} already exists", key="name")
            cur.execute(
                self._sql(
                    "INSERT INTO users (name, role, token_hash, active, created_at, token_expires_at) "
                    "VALUES (?, ?, ?, 1, ?, ?) RETURNING id, name, role, active, created_at"
                ),
                (name, role.value, hash_token(token), utcnow(), stamp(datetime.now(UTC) + TOKEN_TTL)),
            )
            user = _user(cur.fetchone())
        return user, token

    def user_for_token(self, token: str) -> User | None:
        """The active user holding ``token`` if it has not expired (tokens issued without expiry are refused)."""
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT id, name, role, active, created_at FROM users "
                    "WHERE token_hash = ? AND active = 1 AND token_expires_at IS NOT NULL AND token_expires_at > ?"
                ),
                (hash_token(token), utcnow()),
            )
            row = cur.fetchone()
        return _user(row) if row is not None else None

    def users(self) -> list[User]:
        with self._tx(write=False) as cur:
            cur.execute("SELECT id, name, role, active, created_at FROM users ORDER BY id")
            return [_user(r) for r in cur.fetchall()]

    def user(self, user_id: int) -> User:
        with self._tx(write=False) as cur:
            cur.execute(self._sql("SELECT id, name, role, active, created_at FROM users WHERE id = ?"), (user_id,))
            row = cur.fetchone()
        if row is None:
            raise NotFoundError("user", user_id)
        return _user(row)

    def _revoke(self, cur: _Cursor, user_id: int) -> None:
        """Invalidate the user's token and every session (the old token never works again)."""
        cur.execute(
            self._sql("UPDATE users SET token_hash = ?, token_expires_at = NULL WHERE id = ?"),
            ("revoked:" + secrets.token_hex(32), user_id),
        )
        cur.execute(self._sql("UPDATE sessions SET revoked = 1 WHERE user_id = ?"), (user_id,))

    def set_active(self, user_id: int, active: bool, *, min_admins: int = 1) -> User:
        """Activate or deactivate a user. Deactivation revokes the token and all sessions (reactivation does
        not bring them back: the user needs a new token). Refused with :class:`ConflictError` when fewer than
        ``min_admins`` active admins would remain."""
        with self._tx(write=True) as cur:
            self._lock_schema(cur)
            cur.execute(self._sql("SELECT role, active FROM users WHERE id = ?"), (user_id,))
            row = cur.fetchone()
            if row is None:
                raise NotFoundError("user", user_id)
            if not active and row[0] == Role.admin.value and bool(row[1]):
                cur.execute(
                    self._sql("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?"),
                    (user_id,),
                )
                left = int(cur.fetchone()[0])
                if left < min_admins:
                    raise ConflictError(
                        f"deactivating this admin would leave {left} active admin(s); at least {min_admins} must remain"
                    )
            cur.execute(self._sql("UPDATE users SET active = ? WHERE id = ?"), (1 if active else 0, user_id))
            if not active:
                self._revoke(cur, user_id)
        return self.user(user_id)

    def rotate_token(self, user_id: int) -> str:
        """Replace a user's token (server-side tooling and self-service only); the old one stops working."""
        self.user(user_id)
        token = new_token()
        with self._tx(write=True) as cur:
            cur.execute(
                self._sql("UPDATE users SET token_hash = ?, token_expires_at = ? WHERE id = ?"),
                (hash_token(token), stamp(datetime.now(UTC) + TOKEN_TTL), user_id),
            )
        return token

    def revoke_credentials(self, user_id: int) -> None:
        """Invalidate a user's token and sessions without issuing a new one (what an admin may do)."""
        self.user(user_id)
        with self._tx(write=True) as cur:
            self._revoke(cur, user_id)

    # --- sessions ------------------------------------------------------------------------------
    def create_session(self, user_id: int, ttl: timedelta = SESSION_TTL) -> tuple[str, str]:
        """A new dashboard session; returns (session id for the cookie, CSRF token for its forms)."""
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._tx(write=True) as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"
                ),
                (hash_token(sid), user_id, csrf, stamp(now), stamp(now + ttl)),
            )
        return sid, csrf

    def session_user(self, sid: str) -> tuple[User, str] | None:
        """The active user of a live session and its CSRF token, or None (expired, revoked, unknown)."""
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT u.id, u.name, u.role, u.active, u.created_at, s.csrf FROM sessions s "
                    "JOIN users u ON u.id = s.user_id "
                    "WHERE s.id_hash = ? AND s.revoked = 0 AND s.expires_at > ? AND u.active = 1"
                ),
                (hash_token(sid), utcnow()),
            )
            row = cur.fetchone()
        return (_user(row[:5]), str(row[5])) if row is not None else None

    def end_session(self, sid: str) -> None:
        with self._tx(write=True) as cur:
            cur.execute(self._sql("UPDATE sessions SET revoked = 1 WHERE id_hash = ?"), (hash_token(sid),))

    # --- reports -------------------------------------------------------------------------------
    def _lock_user(self, cur: _Cursor, user_id: int) -> None:
        """Serialise writes of one submitter (SQLite's write transaction already does)."""

    def add_report(
        self,
        submitter_id: int,
        report: AlertReport,
        *,
        client_ref: str | None = None,
        rate_limit: tuple[int, int] | None = None,
        audit: bool = True,
    ) -> tuple[StoredReport, bool]:
        """Store a report; returns it and whether it is new.

        With a ``client_ref`` the call is idempotent: a retry of an acknowledged submission returns the
        stored report (``False``) instead of a duplicate. ``rate_limit = (n, seconds)`` refuses the
        report with :class:`RateLimited` when the submitter already filed ``n`` in the last ``seconds``;
        the count and the insert happen in one transaction, so concurrent requests cannot overshoot.
        With ``audit`` the submission is written to the audit log in the same transaction. Each report
        gets a random 31-bit record key for the cell-key perturbation of releases.
        """
        self._writable()
        fields = report.canonical()
        filed = [name for name in STORED_FIELDS if SPEC[name].filed]

        def write(cur: _Cursor) -> tuple[StoredReport, bool]:
            self._lock_user(cur, submitter_id)
            if client_ref is not None:
                cur.execute(
                    self._sql(f"SELECT {_REPORT_COLS} FROM reports WHERE submitter_id = ? AND client_ref = ?"),
                    (submitter_id, client_ref),
                )
                row = cur.fetchone()
                if row is not None:
                    found = _report(row)
                    if audit:
                        self._audit_rows(cur, submitter_id, "submit", [found.id], "duplicate client_ref")
                    return found, False
            if rate_limit is not None:
                limit, window = rate_limit
                since = stamp(datetime.now(UTC) - timedelta(seconds=window))
                cur.execute(
                    self._sql("SELECT count(*) FROM reports WHERE submitter_id = ? AND created_at >= ?"),
                    (submitter_id, since),
                )
                if int(cur.fetchone()[0]) >= limit:
                    raise RateLimited(limit, window)
            columns = ["submitter_id", "client_ref", *filed, "checksum", "created_at", "record_key"]
            values = [
                submitter_id,
                client_ref,
                *[(1 if fields[n] else 0) if SPEC[n].kind == "bool" else fields[n] for n in filed],
                report.digest(),
                utcnow(),
                secrets.randbits(31),
            ]
            marks = ", ".join("?" for _ in columns)
            cur.execute(
                self._sql(f"INSERT INTO reports ({', '.join(columns)}) VALUES ({marks}) RETURNING {_REPORT_COLS}"),
                values,
            )
            stored = _report(cur.fetchone())
            if audit:
                self._audit_rows(cur, submitter_id, "submit", [stored.id], "")
            return stored, True

        return self._write(write)

    def _own(self, cur: _Cursor, submitter_id: int, report_id: int) -> StoredReport:
        cur.execute(
            self._sql(f"SELECT {_REPORT_COLS} FROM reports WHERE id = ? AND submitter_id = ?"),
            (report_id, submitter_id),
        )
        row = cur.fetchone()
        if row is None:
            raise NotFoundError("report", report_id)
        found = _report(row)
        if found.withdrawn_at is not None:
            raise ConflictError(f"report {report_id} was withdrawn; it can no longer be changed")
        return found

    def correct_report(self, submitter_id: int, report_id: int, report: AlertReport) -> StoredReport:
        """Replace the filed fields of the submitter's own report (new checksum); 404 for others' reports,
        :class:`ConflictError` for a withdrawn one. The next release uses the corrected values."""
        self._writable()
        fields = report.canonical()
        filed = [name for name in STORED_FIELDS if SPEC[name].filed]

        def write(cur: _Cursor) -> StoredReport:
            self._own(cur, submitter_id, report_id)
            sets = ", ".join(f"{n} = ?" for n in filed)
            values = [(1 if fields[n] else 0) if SPEC[n].kind == "bool" else fields[n] for n in filed]
            cur.execute(
                self._sql(f"UPDATE reports SET {sets}, checksum = ?, updated_at = ? WHERE id = ?"),
                (*values, report.digest(), utcnow(), report_id),
            )
            self._audit_rows(cur, submitter_id, "correct", [report_id], "")
            cur.execute(self._sql(f"SELECT {_REPORT_COLS} FROM reports WHERE id = ?"), (report_id,))
            return _report(cur.fetchone())

        return self._write(write)

    def withdraw_report(self, submitter_id: int, report_id: int) -> StoredReport:
        """Withdraw the submitter's own report: it leaves every later release (404 for others' reports)."""
        self._writable()

        def write(cur: _Cursor) -> StoredReport:
            self._own(cur, submitter_id, report_id)
            cur.execute(self._sql("UPDATE reports SET withdrawn_at = ? WHERE id = ?"), (utcnow(), report_id))
            self._audit_rows(cur, submitter_id, "withdraw", [report_id], "")
            cur.execute(self._sql(f"SELECT {_REPORT_COLS} FROM reports WHERE id = ?"), (report_id,))
            return _report(cur.fetchone())

        return self._write(write)

    def submissions_since(self, submitter_id: int, since: str) -> int:
        """How many reports ``submitter_id`` filed at or after ``since`` (ISO UTC text)."""
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql("SELECT count(*) FROM reports WHERE submitter_id = ? AND created_at >= ?"),
                (submitter_id, since),
            )
            return int(cur.fetchone()[0])

    def report(self, report_id: int) -> StoredReport | None:
        with self._tx(write=False) as cur:
            cur.execute(self._sql(f"SELECT {_REPORT_COLS} FROM reports WHERE id = ?"), (report_id,))
            row = cur.fetchone()
        return _report(row) if row is not None else None

    def reports(
        self,
        *,
        submitter_id: int | None = None,
        include_confidential: bool = True,
        include_withdrawn: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[StoredReport]:
        """Reports, newest first, filtered by submitter, confidentiality and withdrawal."""
        where: list[str] = []
        params: list[Any] = []
        if submitter_id is not None:
            where.append("submitter_id = ?")
            params.append(submitter_id)
        if not include_confidential:
            where.append("confidential = 0")
        if not include_withdrawn:
            where.append("withdrawn_at IS NULL")
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql(f"SELECT {_REPORT_COLS} FROM reports{clause} ORDER BY id DESC LIMIT ? OFFSET ?"),
                (*params, limit, offset),
            )
            return [_report(r) for r in cur.fetchall()]

    def count_reports(self) -> int:
        with self._tx(write=False) as cur:
            cur.execute("SELECT count(*) FROM reports")
            return int(cur.fetchone()[0])

    def contributions(self, *, withdrawn: bool = False) -> list[Contribution]:
        """Every report's aggregation fields, confidential ones included (they are only published in releases
        that pass disclosure control); withdrawn reports are left out (or, with ``withdrawn``, the only ones)."""
        with self._tx(write=False) as cur:
            cur.execute(
                "SELECT submitter_id, hs6, country, severity, start_date, id, checksum, record_key FROM reports "
                f"WHERE withdrawn_at IS {'NOT NULL' if withdrawn else 'NULL'} ORDER BY id"
            )
            return [
                Contribution(int(r[0]), r[1], r[2], int(r[3]), r[4], int(r[5]), _record_key(int(r[5]), r[6], r[7]))
                for r in cur.fetchall()
            ]

    # --- releases ------------------------------------------------------------------------------
    def releases(self) -> list[dict[str, Any]]:
        """Every release, oldest first, with its body (the published tables) and the report ids it counted."""
        with self._tx(write=False) as cur:
            cur.execute(
                "SELECT number, created_at, cut_by, reason, report_ids, submitters, body, checksum FROM releases "
                "ORDER BY number"
            )
            return [
                {
                    "number": int(r[0]),
                    "created_at": r[1],
                    "cut_by": None if r[2] is None else int(r[2]),
                    "reason": r[3],
                    "report_ids": json.loads(r[4]),
                    "submitters": int(r[5]),
                    "body": json.loads(r[6]),
                    "checksum": r[7],
                }
                for r in cur.fetchall()
            ]

    def add_release(
        self,
        expected_number: int,
        body: dict[str, Any],
        report_ids: Sequence[int],
        submitters: int,
        cut_by: int | None,
        reason: str,
    ) -> int:
        """Store release ``expected_number`` (immutable); :class:`ConflictError` if another was cut meanwhile."""
        self._writable()
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))

        def write(cur: _Cursor) -> int:
            self._lock_schema(cur)
            cur.execute("SELECT coalesce(max(number), 0) FROM releases")
            if int(cur.fetchone()[0]) + 1 != expected_number:
                raise ConflictError("another release was cut at the same time; try again")
            cur.execute(
                self._sql(
                    "INSERT INTO releases (number, created_at, cut_by, reason, report_ids, submitters, body, checksum) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    expected_number,
                    utcnow(),
                    cut_by,
                    reason,
                    json.dumps(sorted(report_ids)),
                    submitters,
                    text,
                    hashlib.sha256(text.encode()).hexdigest(),
                ),
            )
            self._audit_rows(cur, cut_by, "cut_release", [], f"release {expected_number}")
            return expected_number

        return self._write(write)

    # --- break-glass ---------------------------------------------------------------------------
    def request_break_glass(self, admin_id: int, report_id: int, reason: str) -> int:
        """An admin asks to read one raw report; a second admin must approve. Returns the request id."""
        self._writable()

        def write(cur: _Cursor) -> int:
            cur.execute(self._sql("SELECT 1 FROM reports WHERE id = ?"), (report_id,))
            if cur.fetchone() is None:
                raise NotFoundError("report", report_id)
            cur.execute(
                self._sql(
                    "INSERT INTO break_glass (report_id, requested_by, reason, requested_at) VALUES (?, ?, ?, ?) "
                    "RETURNING id"
                ),
                (report_id, admin_id, reason, utcnow()),
            )
            request_id = int(cur.fetchone()[0])
            self._audit_rows(cur, admin_id, "break_glass_request", [report_id], f"request {request_id}: {reason}")
            return request_id

        return self._write(write)

    def approve_break_glass(self, approver_id: int, request_id: int) -> None:
        """A second admin approves; the requester cannot approve its own request."""
        self._writable()

        def write(cur: _Cursor) -> None:
            cur.execute(
                self._sql("SELECT requested_by, report_id, approved_by FROM break_glass WHERE id = ?"), (request_id,)
            )
            row = cur.fetchone()
            if row is None:
                raise NotFoundError("break-glass request", request_id)
            if int(row[0]) == approver_id:
                raise ConflictError("a break-glass request must be approved by a second admin")
            if row[2] is not None:
                raise ConflictError(f"request {request_id} is already approved")
            cur.execute(
                self._sql("UPDATE break_glass SET approved_by = ?, approved_at = ? WHERE id = ?"),
                (approver_id, utcnow(), request_id),
            )
            self._audit_rows(cur, approver_id, "break_glass_approve", [int(row[1])], f"request {request_id}")

        self._write(write)

    def use_break_glass(self, admin_id: int, request_id: int) -> StoredReport:
        """The requester reads the report once, after approval; logged under the requester."""
        self._writable()

        def write(cur: _Cursor) -> StoredReport:
            cur.execute(
                self._sql("SELECT requested_by, report_id, approved_by, used_at FROM break_glass WHERE id = ?"),
                (request_id,),
            )
            row = cur.fetchone()
            if row is None or int(row[0]) != admin_id:
                raise NotFoundError("break-glass request", request_id)
            if row[2] is None:
                raise ConflictError(f"request {request_id} is waiting for a second admin's approval")
            if row[3] is not None:
                raise ConflictError(f"request {request_id} was already used")
            cur.execute(self._sql("UPDATE break_glass SET used_at = ? WHERE id = ?"), (utcnow(), request_id))
            self._audit_rows(cur, admin_id, "break_glass_read", [int(row[1])], f"request {request_id}")
            cur.execute(self._sql(f"SELECT {_REPORT_COLS} FROM reports WHERE id = ?"), (int(row[1]),))
            return _report(cur.fetchone())

        return self._write(write)

    # --- audit ---------------------------------------------------------------------------------
    def audit(self, user_id: int | None, action: str, report_ids: Sequence[int] = (), detail: str = "") -> None:
        """Record an event; one row per report involved (or one row when none is). ``user_id`` is the real
        actor (None for an unauthenticated caller, e.g. a failed login)."""
        if self.read_only:
            return
        with self._tx(write=True) as cur:
            self._audit_rows(cur, user_id, action, report_ids, detail)

    def _lock_audit(self, cur: _Cursor) -> None:
        """Serialise appends to the hash chain (SQLite's write transaction already does)."""

    def _audit_rows(
        self, cur: _Cursor, user_id: int | None, action: str, report_ids: Sequence[int], detail: str
    ) -> None:
        self._lock_audit(cur)
        cur.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
        last = cur.fetchone()
        prev = GENESIS if last is None or last[0] is None else str(last[0])
        now = utcnow()
        ids: list[int | None] = [*report_ids] or [None]
        for rid in ids:
            digest = chain_hash(prev, now, user_id, action, rid, detail)
            cur.execute(
                self._sql(
                    "INSERT INTO audit_events (at, actor_id, action, report_id, detail, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                (now, user_id, action, rid, detail, prev, digest),
            )
            prev = digest

    def _seal_audit(self) -> None:
        """Chain entries that have no hash yet (rows copied from the version-2 audit log)."""
        with self._tx(write=True) as cur:
            self._lock_audit(cur)
            cur.execute("SELECT count(*) FROM audit_events WHERE hash IS NULL")
            if int(cur.fetchone()[0]) == 0:
                return
            cur.execute("SELECT id, at, actor_id, action, report_id, detail, hash FROM audit_events ORDER BY id")
            prev = GENESIS
            for r in cur.fetchall():
                digest = chain_hash(prev, r[1], r[2], r[3], r[4], r[5])
                cur.execute(
                    self._sql("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?"), (prev, digest, r[0])
                )
                prev = digest

    def verify_audit(self) -> ChainCheck:
        """Recompute the whole hash chain (see :mod:`supplyscope.alerts.audit`)."""
        with self._tx(write=False) as cur:
            cur.execute(
                "SELECT id, at, actor_id, action, report_id, detail, prev_hash, hash FROM audit_events ORDER BY id"
            )
            return verify_chain(cur.fetchall())

    def audit_head(self) -> str:
        with self._tx(write=False) as cur:
            cur.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
            row = cur.fetchone()
        return GENESIS if row is None or row[0] is None else str(row[0])

    def audit_entries(self, *, report_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Audit entries for admins, newest first. Entries about confidential reports are shown without the
        report id, and filtering by a confidential report's id finds nothing, as for an id that does not exist
        (so the log cannot link a confidential report to its submitter)."""
        hidden = "(SELECT id FROM reports WHERE confidential = 1)"
        clause, params = (
            ("WHERE e.report_id = ? AND e.report_id NOT IN " + hidden, [report_id]) if report_id else ("", [])
        )
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT e.id, e.at, e.actor_id, e.action, "
                    f"CASE WHEN e.report_id IN {hidden} THEN NULL ELSE e.report_id END, e.detail "
                    f"FROM audit_events e {clause} ORDER BY e.id DESC LIMIT ?"
                ),
                (*params, limit),
            )
            return [_entry(r) for r in cur.fetchall()]

    def access_to_reports_of(self, submitter_id: int, limit: int = 200) -> list[dict[str, Any]]:
        """What others did with the submitter's reports (reads, break-glass), newest first: shown to the submitter."""
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql(
                    "SELECT e.id, e.at, e.actor_id, e.action, e.report_id, e.detail FROM audit_events e "
                    "JOIN reports r ON r.id = e.report_id WHERE r.submitter_id = ? "
                    "AND (e.actor_id IS NULL OR e.actor_id <> ?) ORDER BY e.id DESC LIMIT ?"
                ),
                (submitter_id, submitter_id, limit),
            )
            return [_entry(r) for r in cur.fetchall()]


def _entry(r: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": int(r[0]),
        "at": r[1],
        "user_id": None if r[2] is None else int(r[2]),
        "action": r[3],
        "report_id": None if r[4] is None else int(r[4]),
        "detail": r[5],
    }


class _Pending(Generic[_T]):
    """One queued write of a group commit."""

    def __init__(self, fn: Callable[[_Cursor], _T]) -> None:
        self.fn = fn
        self.done = False
        self.result: _T | None = None
        self.error: BaseException | None = None

    def run(self, cur: _Cursor) -> None:
        cur.execute("SAVEPOINT item")
        try:
            self.result = self.fn(cur)
        except Exception as exc:  # the item's own failure (bad row, rate limit): undo only this item
            cur.execute("ROLLBACK TO SAVEPOINT item")
            self.error = exc
        cur.execute("RELEASE SAVEPOINT item")

    def fail(self, exc: BaseException) -> None:
        if self.error is None:
            self.error = exc
        self.result = None
        self.done = True

    def outcome(self) -> _T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class SQLiteStore(Store):
    """SQLite in WAL mode; one short-lived connection per transaction (safe across threads)."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path, *, busy_timeout_ms: int = 30_000, read_only: bool = False) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self.busy_timeout_ms = busy_timeout_ms
        self.read_only = read_only
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending[Any]] = []
        if read_only:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Created owner-only before SQLite touches it; SQLite gives -wal and -shm the same mode.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        with _sqlite_errors():
            con = self._connect()
            try:
                mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            finally:
                con.close()
        if str(mode).lower() != "wal":
            raise ConfigError(f"could not switch {path} to WAL mode (got {mode!r})", key="db")

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # immutable: the file (and its directory) may not be writable, so no -shm can be created
            uri = f"file:{self.path}?mode=ro&immutable=1"
            con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            con.execute("PRAGMA query_only=ON")
            return con
        con = sqlite3.connect(
            self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        con.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    def _write(self, fn: Callable[[_Cursor], _T]) -> _T:
        """Group commit: concurrent writers share one transaction and one fsync.

        Each caller queues its work; whoever holds the write lock runs every queued item in one
        transaction (each inside its own savepoint, so one failure does not undo the others), commits,
        and only then marks the items done. A caller therefore returns only after its own work is
        durable, but N concurrent callers cost one commit instead of N.
        """
        item: _Pending[_T] = _Pending(fn)
        with self._queue_lock:
            self._queue.append(item)
        with self._write_lock:
            if not item.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    with self._sqlite_tx(write=True) as cur:
                        for pending_item in batch:
                            pending_item.run(cur)
                except BaseException as exc:
                    for pending_item in batch:
                        pending_item.fail(exc)
                else:
                    for pending_item in batch:
                        pending_item.done = True
        with _sqlite_errors():
            return item.outcome()

    def _thread_connection(self) -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = self._connect()
            self._local.con = con
            with self._all_lock:
                self._all.append(con)
        return con

    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[_Cursor]:
        if write:
            # One writer at a time inside this process: threads queue on a lock instead of spinning in
            # SQLite's busy handler (which sleeps with back-off). Other processes still use busy_timeout.
            with self._write_lock, self._sqlite_tx(write=True) as cur:
                yield cur
            return
        with self._sqlite_tx(write=False) as cur:
            yield cur

    @contextmanager
    def _sqlite_tx(self, *, write: bool) -> Iterator[_Cursor]:
        if write:
            self._writable()
        with _sqlite_errors():
            con = self._thread_connection()
            cur = con.cursor()
            cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield cur
            except BaseException:
                try:
                    con.rollback()
                except sqlite3.Error:  # the connection is unusable: drop it, the next call reconnects
                    self._forget(con)
                raise
            finally:
                cur.close()
            try:
                con.commit()
            except sqlite3.Error:
                try:
                    con.rollback()
                except sqlite3.Error:
                    self._forget(con)
                raise

    def _forget(self, con: sqlite3.Connection) -> None:
        with self._all_lock:
            if con in self._all:
                self._all.remove(con)
        self._local = threading.local()
        with suppress(sqlite3.Error):
            con.close()

    def close(self) -> None:
        with self._all_lock:
            for con in self._all:
                con.close()
            self._all.clear()
        self._local = threading.local()


class PostgresStore(Store):
    """PostgreSQL through psycopg 3 with a small thread-safe connection pool."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        from supplyscope.extras import require

        psycopg: Any = require("psycopg", "a PostgreSQL alert store")
        self._psycopg = psycopg
        self.url = url
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        try:
            self._pool.put(psycopg.connect(url, connect_timeout=10))
        except psycopg.OperationalError as exc:
            raise ConfigError(f"cannot connect to PostgreSQL: {str(exc).strip()}", key="db") from exc

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _lock_schema(self, cur: _Cursor) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(7707001)")

    def _lock_user(self, cur: _Cursor, user_id: int) -> None:
        cur.execute("SELECT id FROM users WHERE id = %s FOR UPDATE", (user_id,))

    def _lock_audit(self, cur: _Cursor) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(7707002)")

    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[_Cursor]:
        pg = self._psycopg
        self._slots.acquire()
        try:
            try:
                try:
                    con = self._pool.get_nowait()
                except queue.Empty:
                    con = self._psycopg.connect(self.url, connect_timeout=10)
                if con.closed or con.broken:
                    con = self._psycopg.connect(self.url, connect_timeout=10)
            except self._psycopg.OperationalError as exc:
                raise StoreUnavailable("cannot reach the database", retry_after=RETRY_AFTER_S) from exc
            ok = False
            try:
                with con.transaction(), con.cursor() as cur:
                    if write:
                        self._writable()
                    yield cur
                ok = True
            except pg.OperationalError as exc:
                raise StoreUnavailable(
                    f"the database failed: {str(exc).strip()[:200]}", retry_after=RETRY_AFTER_S
                ) from exc
            except pg.errors.ReadOnlySqlTransaction as exc:
                raise StoreUnavailable("the database is read-only; nothing can be written") from exc
            except pg.errors.DiskFull as exc:
                raise StoreUnavailable("the database server is out of disk space", retry_after=RETRY_AFTER_S) from exc
            finally:
                if ok or not con.broken:
                    self._pool.put(con)
                else:
                    con.close()
        finally:
            self._slots.release()

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return


def open_store(url: str | Path, *, migrate: bool = True) -> Store:
    """Open the store named by ``url`` (``sqlite:///file``, a file path, or ``postgresql://...``)."""
    text = str(url)
    store: Store
    if text.startswith(("postgresql://", "postgres://")):
        store = PostgresStore(text)
    elif "://" in text and not text.startswith("sqlite:///"):
        raise ConfigError(f"unsupported database URL {text!r}; use sqlite:///path or postgresql://...", key="db")
    else:
        path = Path(text.removeprefix("sqlite:///"))
        read_only = path.exists() and (not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK))
        store = SQLiteStore(path, read_only=read_only)
    if store.read_only:
        version = store.schema_version()
        if version != latest_version():
            raise ConfigError(
                f"the read-only store is at schema version {version}, this build needs {latest_version()}; "
                "migrate it where it is writable",
                key="db",
            )
        return store
    if migrate:
        store.migrate()
    return store


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """Turn SQLite's operational failures (disk full, I/O error, locked past the timeout) into 503s."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            raise StoreUnavailable("the alert store is read-only; nothing can be written") from exc
        raise StoreUnavailable(f"the alert store failed: {text}", retry_after=RETRY_AFTER_S) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreUnavailable(f"the alert store failed: {exc}", retry_after=RETRY_AFTER_S) from exc
