"""The hash chain of the audit log: each entry's hash covers its content and the previous entry's hash.

Deleting, editing or reordering an entry changes every later hash, so :func:`verify_chain` (run by
``supplyscope alerts verify-audit``) names the first entry that no longer matches. A chain only proves
the order and integrity of what is present: truncating the newest entries is detected only against a
head hash kept elsewhere (each release records the head at the time it was cut).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""


def chain_hash(prev_hash: str, at: str, actor_id: int | None, action: str, report_id: int | None, detail: str) -> str:
    """SHA-256 (hex) of one entry's canonical JSON together with the previous entry's hash."""
    payload = json.dumps([prev_hash, at, actor_id, action, report_id, detail], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """Outcome of :func:`verify_chain`."""

    entries: int
    ok: bool
    first_bad_id: int | None
    reason: str
    head: str


def verify_chain(rows: Iterable[Sequence[Any]]) -> ChainCheck:
    """Check rows ``(id, at, actor_id, action, report_id, detail, prev_hash, hash)`` in id order."""
    prev = GENESIS
    n = 0
    for row in rows:
        n += 1
        entry_id, at, actor, action, report_id, detail, prev_hash, stored = row
        actor = None if actor is None else int(actor)
        report_id = None if report_id is None else int(report_id)
        if prev_hash != prev:
            return ChainCheck(n, False, int(entry_id), "its prev_hash does not match the previous entry", prev)
        expected = chain_hash(prev, at, actor, action, report_id, detail)
        if stored != expected:
            return ChainCheck(n, False, int(entry_id), "its content does not match its hash", prev)
        prev = expected
    return ChainCheck(n, True, None, "", prev)
