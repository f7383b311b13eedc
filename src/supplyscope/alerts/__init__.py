"""Disruption alerts: the report model, durable storage, users and tokens, and disclosure control.

Pure library code: the web service (:mod:`supplyscope.service`) is one front end of it.
"""

from supplyscope.alerts.aggregate import alert_tables, iso_week, published_aggregates
from supplyscope.alerts.auth import Role, User, hash_token, new_token
from supplyscope.alerts.disclosure import (
    DisclosureRules,
    ProtectedTable,
    load_rules,
    protect,
    protect_linked,
    sensitivity,
)
from supplyscope.alerts.migrations import MIGRATIONS, Migration, latest_version
from supplyscope.alerts.model import (
    REPORT_SCHEMA,
    SEVERITY_LABELS,
    AlertKind,
    AlertReport,
    FieldSpec,
    StoredReport,
    report_checksum,
    validate_report,
)
from supplyscope.alerts.releases import ReleasePolicy, cut_release, draft_release, published_release
from supplyscope.alerts.storage import (
    Contribution,
    PostgresStore,
    RateLimited,
    SQLiteStore,
    Store,
    StoreUnavailable,
    open_store,
)

__all__ = [
    "MIGRATIONS",
    "REPORT_SCHEMA",
    "SEVERITY_LABELS",
    "AlertKind",
    "AlertReport",
    "Contribution",
    "DisclosureRules",
    "FieldSpec",
    "Migration",
    "PostgresStore",
    "ProtectedTable",
    "RateLimited",
    "ReleasePolicy",
    "Role",
    "SQLiteStore",
    "Store",
    "StoreUnavailable",
    "StoredReport",
    "User",
    "alert_tables",
    "cut_release",
    "draft_release",
    "hash_token",
    "iso_week",
    "latest_version",
    "load_rules",
    "new_token",
    "open_store",
    "protect",
    "protect_linked",
    "published_aggregates",
    "published_release",
    "report_checksum",
    "sensitivity",
    "validate_report",
]
