"""Settings of one service instance (no module-level state: each app gets its own)."""

from __future__ import annotations

from dataclasses import dataclass, field

from supplyscope.alerts.disclosure import DisclosureRules
from supplyscope.alerts.releases import ReleasePolicy
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
    max_upload_bytes: int = 1024 * 1024
    """Largest file upload on the dashboard's workbench pages (supplier files, supply maps); 413 beyond."""
    disclosure: DisclosureRules = field(default_factory=DisclosureRules)
    release_policy: ReleasePolicy = field(default_factory=ReleasePolicy)
    release_interval_s: int = 0
    """Try to cut a release every this many seconds (0 = only on an analyst's command or the CLI)."""
    cookie_secure: bool = False
    """Mark the dashboard's session cookie ``Secure`` (set when served over HTTPS)."""
    analysis_workers: int = 2
    """Threads that run analyses, apart from the request handlers (intake never waits for them)."""
    analysis_queue: int = 64
    """Most analysis computations waiting or running; more get 503 with Retry-After."""
    analysis_rate_user: int = 30
    """Analysis requests one user may make per ``analysis_window_s``."""
    analysis_rate_address: int = 60
    """Analysis requests one client address may make per ``analysis_window_s``."""
    analysis_window_s: int = 60
