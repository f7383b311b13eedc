"""The published alert aggregates: counts by product × country × week and by severity × week.

Both tables count the same reports (confidential ones included: that is what aggregation is for) and
share their column totals (reports per ISO week, and the grand total), so they are protected together
(:func:`supplyscope.alerts.disclosure.protect_linked`). Nothing else about the reports is published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from supplyscope.alerts.disclosure import DisclosureRules, ProtectedTable, protect_linked
from supplyscope.alerts.model import SEVERITY_LABELS
from supplyscope.alerts.storage import Contribution


def iso_week(day: str) -> str:
    """ISO 8601 week of a ``YYYY-MM-DD`` date, as ``YYYY-Www``."""
    y, w, _ = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


def product_country(hs6: str, country: str) -> str:
    """Row label of the product × country table."""
    return f"{hs6} {country}"


def alert_tables(contributions: Sequence[Contribution], rules: DisclosureRules) -> list[ProtectedTable]:
    """Both protected tables, product × country × week first, then severity × week."""
    by_product = [(product_country(c.hs6, c.country), iso_week(c.start_date), c.submitter_id) for c in contributions]
    by_severity = [
        (f"{c.severity} {SEVERITY_LABELS[c.severity]}", iso_week(c.start_date), c.submitter_id) for c in contributions
    ]
    return protect_linked(
        [
            ("alerts_by_product_country_week", "product_country", "week", by_product),
            ("severity_by_week", "severity", "week", by_severity),
        ],
        rules,
    )


def published_aggregates(contributions: Sequence[Contribution], rules: DisclosureRules) -> dict[str, Any]:
    """JSON-ready aggregates with the rules that were applied; suppressed cells are null and flagged."""
    tables = alert_tables(contributions, rules) if contributions else []
    return {
        "rules": rules.describe(),
        "reports": len(contributions),
        "tables": [t.published() for t in tables],
    }
