"""Users, roles and API tokens. Tokens are random and only their SHA-256 hash is stored.

A token carries 256 bits from :func:`secrets.token_urlsafe`, so a fast hash is enough: there is nothing
to brute-force, and lookups by hash stay one indexed query. The clear token is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

TOKEN_PREFIX = "sst_"


class Role(StrEnum):
    """What a user may do.

    - ``submitter`` files reports and sees only its own;
    - ``analyst`` reads reports not marked confidential, and the published aggregates;
    - ``admin`` manages users and reads the audit log (and has the analyst's read rights).
    """

    submitter = "submitter"
    analyst = "analyst"
    admin = "admin"


@dataclass(frozen=True)
class User:
    """A user as stored (never with the clear token)."""

    id: int
    name: str
    role: Role
    active: bool
    created_at: str


def new_token() -> str:
    """A fresh API token (shown to the user once)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a token, the only form stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Constant-time comparison of two hashes."""
    return hmac.compare_digest(a.encode(), b.encode())
