"""Settings of one service instance (no module-level state: each app gets its own)."""

from __future__ import annotations

from dataclasses import dataclass, field

from supplyscope.alerts.disclosure import DisclosureRules
from supplyscope.data.paths import home


def default_db() -> str:
    """Default alert database: ``<SUPPLYSCOPE_HOME>/alerts.sqlite3``."""
    return f"sqlite:///{home() / 'alerts.sqlite3'}"


@dataclass(frozen=True)
class ServiceSettings:
    """How the service stores data and what it accepts."""

    db: str = field(default_factory=default_db)
    """Alert store URL: ``sqlite:///path`` or ``postgresql://user:pass@host/db``."""
    warehouse: str | None = None
    """DuckDB warehouse passed to the assessment (``None`` = the default warehouse)."""
    rate_limit: int = 30
    """Most reports one submitter may file per ``rate_window_s`` seconds."""
    rate_window_s: int = 60
    max_body_bytes: int = 64 * 1024
    """Largest request body accepted; bigger bodies get 413."""
    disclosure: DisclosureRules = field(default_factory=DisclosureRules)
    cookie_secure: bool = False
    """Mark the dashboard's login cookie ``Secure`` (set when served over HTTPS)."""
