"""The screening audit log: one JSON line per run or review, chained by SHA-256 so that editing,
deleting or reordering a line is detectable (:func:`verify`).

Each record carries ``prev`` (the previous record's ``hash``, ``""`` for the first) and ``hash`` =
SHA-256 of the record's canonical JSON (sorted keys, no spaces) without ``hash``. Records name the
files they read and wrote with their SHA-256, so ``verify(..., check_files=True)`` also reports a
results file changed after the run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supplyscope.data.paths import home
from supplyscope.errors import DataError

DECISIONS = ("cleared", "escalated", "confirmed")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (the audit does not import the warehouse layer and DuckDB)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_audit_path() -> Path:
    return home() / "audit" / "screening.jsonl"


def record_hash(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def _last_hash(audit: Path) -> str:
    if not audit.is_file() or audit.stat().st_size == 0:
        return ""
    with audit.open("rb") as fh:
        fh.seek(max(0, audit.stat().st_size - (1 << 20)))
        tail = fh.read().decode("utf-8", errors="replace").strip().splitlines()
    if not tail:
        return ""
    try:
        return str(json.loads(tail[-1]).get("hash", ""))
    except json.JSONDecodeError as exc:
        raise DataError(
            "last audit record is not valid JSON; run `supplyscope screen verify`", source=str(audit)
        ) from exc


def append(audit: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Add time, ``prev`` and ``hash`` to ``record`` and append it as one line; returns it."""
    audit.parent.mkdir(parents=True, exist_ok=True)
    rec = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **record, "prev": _last_hash(audit)}
    rec["hash"] = record_hash(rec)
    with audit.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return rec


@dataclass
class Verification:
    """What :func:`verify` found."""

    records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(audit: Path, *, check_files: bool = False) -> Verification:
    """Recompute the hash chain (and, with ``check_files``, the checksums of files still present)."""
    if not audit.is_file():
        raise DataError("audit log not found", source=str(audit))
    out = Verification()
    prev = ""
    with audit.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            out.records += 1
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                out.problems.append(f"line {n}: not valid JSON")
                prev = ""
                continue
            if rec.get("prev") != prev:
                out.problems.append(
                    f"line {n}: chain broken (prev does not match line before: deleted, inserted or reordered)"
                )
            if rec.get("hash") != record_hash(rec):
                out.problems.append(f"line {n}: record edited (hash does not match its content)")
            prev = str(rec.get("hash", ""))
            if check_files:
                for key in ("input", "output", "results"):
                    path, digest = rec.get(key), rec.get(f"{key}_sha256")
                    if path and digest and Path(path).is_file() and file_sha256(Path(path)) != digest:
                        out.problems.append(f"line {n}: {key} file {path} changed since it was recorded")
    return out
