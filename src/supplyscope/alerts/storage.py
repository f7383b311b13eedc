"""Durable storage of users, reports and the audit log: SQLite (WAL) by default, PostgreSQL on request.

:func:`open_store` picks the backend from a URL: ``sqlite:///path/to/alerts.db`` (or a plain path) or
``postgresql://user:pass@host/db``. Both backends run the same SQL (``?`` placeholders are rewritten for
psycopg) and the same versioned migrations. Every write is one transaction that is committed before the
caller acknowledges anything: SQLite runs with ``synchronous=FULL`` in WAL mode, PostgreSQL with its
default synchronous commit.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from supplyscope.alerts.auth import Role, User, hash_token, new_token
from supplyscope.alerts.migrations import BOOKKEEPING, Dialect, pending
from supplyscope.alerts.model import AlertReport
from supplyscope.errors import ConfigError, NotFoundError, SupplyscopeError


class RateLimited(SupplyscopeError):
    """A submitter filed more reports in the window than allowed; nothing was stored."""

    def __init__(self, limit: int, window_s: int) -> None:
        self.limit = limit
        self.window_s = window_s
        super().__init__(f"at most {limit} reports per {window_s} s; try again later")


_T = TypeVar("_T")


def utcnow() -> str:
    """Current UTC time as ISO 8601 with microseconds and a ``Z`` suffix (sorts as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class StoredReport:
    """A report as stored, with its server-side metadata."""

    id: int
    submitter_id: int
    client_ref: str | None
    hs6: str
    country: str
    region: str
    facility: str
    kind: str
    start_date: str
    expected_duration_days: int
    severity: int
    text: str
    confidential: bool
    checksum: str
    created_at: str

    def public(self) -> dict[str, Any]:
        """JSON-ready mapping (the submitter id is kept: reports are never anonymous to their reader)."""
        return {
            "id": self.id,
            "submitter_id": self.submitter_id,
            "client_ref": self.client_ref,
            "hs6": self.hs6,
            "country": self.country,
            "region": self.region,
            "facility": self.facility,
            "kind": self.kind,
            "start_date": self.start_date,
            "expected_duration_days": self.expected_duration_days,
            "severity": self.severity,
            "text": self.text,
            "confidential": self.confidential,
            "checksum": self.checksum,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Contribution:
    """The part of a report the aggregates use: who filed it, about what, where, when, how severe."""

    submitter_id: int
    hs6: str
    country: str
    severity: int
    start_date: str


_REPORT_COLS = (
    "id, submitter_id, client_ref, hs6, country, region, facility, kind, start_date, "
    "expected_duration_days, severity, text, confidential, checksum, created_at"
)


def _report(row: Sequence[Any]) -> StoredReport:
    return StoredReport(
        id=int(row[0]),
        submitter_id=int(row[1]),
        client_ref=row[2],
        hs6=row[3],
        country=row[4],
        region=row[5],
        facility=row[6],
        kind=row[7],
        start_date=row[8],
        expected_duration_days=int(row[9]),
        severity=int(row[10]),
        text=row[11],
        confidential=bool(row[12]),
        checksum=row[13],
        created_at=row[14],
    )


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
                    return done
                step = todo[0]
                for statement in step.statements(self.dialect):
                    cur.execute(statement)
                cur.execute(
                    self._sql("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"),
                    (step.version, step.description, utcnow()),
                )
                done.append(step.version)

    def _lock_schema(self, cur: _Cursor) -> None:
        """Serialise concurrent migrators (SQLite's write transaction already does)."""

    def schema_version(self) -> int:
        with self._tx(write=False) as cur:
            cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
            return int(cur.fetchone()[0])

    # --- users ---------------------------------------------------------------------------------
    def create_user(self, name: str, role: Role) -> tuple[User, str]:
        """Create a user; returns the user and its clear token (shown once, stored hashed)."""
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
                    "INSERT INTO users (name, role, token_hash, active, created_at) VALUES (?, ?, ?, 1, ?) "
                    "RETURNING id, name, role, active, created_at"
                ),
                (name, role.value, hash_token(token), utcnow()),
            )
            user = _user(cur.fetchone())
        return user, token

    def user_for_token(self, token: str) -> User | None:
        """The active user holding ``token``, or None."""
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql("SELECT id, name, role, active, created_at FROM users WHERE token_hash = ? AND active = 1"),
                (hash_token(token),),
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

    def set_active(self, user_id: int, active: bool) -> User:
        with self._tx(write=True) as cur:
            cur.execute(self._sql("UPDATE users SET active = ? WHERE id = ?"), (1 if active else 0, user_id))
        return self.user(user_id)

    def rotate_token(self, user_id: int) -> str:
        """Replace a user's token; the old one stops working at once."""
        self.user(user_id)
        token = new_token()
        with self._tx(write=True) as cur:
            cur.execute(self._sql("UPDATE users SET token_hash = ? WHERE id = ?"), (hash_token(token), user_id))
        return token

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
        With ``audit`` the submission is written to the audit log in the same transaction.
        """
        fields = report.canonical()

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
                since = (datetime.now(UTC) - timedelta(seconds=window)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                cur.execute(
                    self._sql("SELECT count(*) FROM reports WHERE submitter_id = ? AND created_at >= ?"),
                    (submitter_id, since),
                )
                if int(cur.fetchone()[0]) >= limit:
                    raise RateLimited(limit, window)
            cur.execute(
                self._sql(
                    "INSERT INTO reports (submitter_id, client_ref, hs6, country, region, facility, kind, "
                    "start_date, expected_duration_days, severity, text, confidential, checksum, created_at) "
                    f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_REPORT_COLS}"
                ),
                (
                    submitter_id,
                    client_ref,
                    fields["hs6"],
                    fields["country"],
                    fields["region"],
                    fields["facility"],
                    fields["kind"],
                    fields["start_date"],
                    fields["expected_duration_days"],
                    fields["severity"],
                    fields["text"],
                    1 if fields["confidential"] else 0,
                    report.checksum(),
                    utcnow(),
                ),
            )
            stored = _report(cur.fetchone())
            if audit:
                self._audit_rows(cur, submitter_id, "submit", [stored.id], "")
            return stored, True

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
        limit: int = 100,
        offset: int = 0,
    ) -> list[StoredReport]:
        """Reports, newest first, filtered by submitter and/or confidentiality."""
        where: list[str] = []
        params: list[Any] = []
        if submitter_id is not None:
            where.append("submitter_id = ?")
            params.append(submitter_id)
        if not include_confidential:
            where.append("confidential = 0")
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

    def contributions(self) -> list[Contribution]:
        """Every report's aggregation fields, confidential ones included (they are only published in
        aggregates that pass disclosure control)."""
        with self._tx(write=False) as cur:
            cur.execute("SELECT submitter_id, hs6, country, severity, start_date FROM reports ORDER BY id")
            return [Contribution(int(r[0]), r[1], r[2], int(r[3]), r[4]) for r in cur.fetchall()]

    # --- audit ---------------------------------------------------------------------------------
    def audit(self, user_id: int, action: str, report_ids: Sequence[int] = (), detail: str = "") -> None:
        """Record an access; one row per report read (or one row when no report is involved)."""
        with self._tx(write=True) as cur:
            self._audit_rows(cur, user_id, action, report_ids, detail)

    def _audit_rows(self, cur: _Cursor, user_id: int, action: str, report_ids: Sequence[int], detail: str) -> None:
        now = utcnow()
        rows: list[tuple[Any, ...]] = [(now, user_id, action, rid, detail) for rid in report_ids] or [
            (now, user_id, action, None, detail)
        ]
        for r in rows:
            cur.execute(
                self._sql("INSERT INTO audit_log (at, user_id, action, report_id, detail) VALUES (?, ?, ?, ?, ?)"), r
            )

    def audit_entries(self, *, report_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        clause, params = ("WHERE report_id = ?", [report_id]) if report_id is not None else ("", [])
        with self._tx(write=False) as cur:
            cur.execute(
                self._sql(
                    f"SELECT id, at, user_id, action, report_id, detail FROM audit_log {clause} "
                    "ORDER BY id DESC LIMIT ?"
                ),
                (*params, limit),
            )
            return [
                {
                    "id": int(r[0]),
                    "at": r[1],
                    "user_id": int(r[2]),
                    "action": r[3],
                    "report_id": None if r[4] is None else int(r[4]),
                    "detail": r[5],
                }
                for r in cur.fetchall()
            ]


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

    def __init__(self, path: Path, *, busy_timeout_ms: int = 30_000) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending[Any]] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        con = self._connect()
        try:
            mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        finally:
            con.close()
        if str(mode).lower() != "wal":
            raise ConfigError(f"could not switch {path} to WAL mode (got {mode!r})", key="db")

    def _connect(self) -> sqlite3.Connection:
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
        con = self._thread_connection()
        cur = con.cursor()
        cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield cur
        except BaseException:
            con.rollback()
            raise
        finally:
            cur.close()
        con.commit()

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
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ConfigError(
                "PostgreSQL needs the 'psycopg' package: pip install 'psycopg[binary]'", key="db"
            ) from exc
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

    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[_Cursor]:
        self._slots.acquire()
        try:
            try:
                con = self._pool.get_nowait()
            except queue.Empty:
                con = self._psycopg.connect(self.url, connect_timeout=10)
            if con.closed or con.broken:
                con = self._psycopg.connect(self.url, connect_timeout=10)
            ok = False
            try:
                with con.transaction(), con.cursor() as cur:
                    yield cur
                ok = True
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
    elif text.startswith("sqlite:///"):
        store = SQLiteStore(Path(text.removeprefix("sqlite:///")))
    elif "://" in text:
        raise ConfigError(f"unsupported database URL {text!r}; use sqlite:///path or postgresql://...", key="db")
    else:
        store = SQLiteStore(Path(text))
    if migrate:
        store.migrate()
    return store
