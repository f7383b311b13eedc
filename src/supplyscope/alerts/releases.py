"""Numbered, immutable releases of the alert aggregates: what analysts see instead of live counts.

A release is drafted from the reports on file (withdrawn ones left out) in five steps:

1. **Category existence.** A product-country row, or an ISO week, whose own total is sensitive under the
   disclosure rules is merged into ``OTHER``. The ``OTHER`` row and column and the five severity rows are
   always present, so their presence says nothing. A row label that is shown therefore has at least
   ``min_contributors`` submitters.
2. **Rule-based suppression** (threshold and dominance rules, then complementary suppression so that
   nothing suppressed can be solved from row and column totals; see :mod:`supplyscope.alerts.disclosure`).
3. **Differencing.** Every cell is compared with the same cell of each earlier release. When the
   reports that entered or left the cell since then come from fewer than ``min_contributors`` submitters,
   the difference would disclose them: the cell is suppressed and step 2 is repeated.
4. **Cell-key perturbation**, the ABS cell-key method: Fraser & Wooton (2005), *A Review of
   Confidentiality Protections for Statistical Tables, with Special Reference to the Differencing
   Problem*, ABS Research Paper 1352.0.55.072; Thompson, Broadfoot & Elazar (2013), "Methodology for the
   Automatic Confidentialisation of Statistical Outputs from Remote Servers at the Australian Bureau of
   Statistics", UNECE/Eurostat Work Session on Statistical Data Confidentiality, Ottawa; ESSnet
   *Handbook on SDC*, section 5.4. Every report carries a random record key; a cell's key is the sum of
   its reports' keys
   modulo 1, and a fixed perturbation table maps the key to noise in ``-D..+D`` with mean 0. The same
   reports always give the same noise (so repeating a query or a release averages nothing away), and
   margins are perturbed on their own, so published tables are deliberately not additive.
5. **Zeros and totals are disclosures too.** Empty cells are published like suppressed ones (``null``),
   and the number of reports is the perturbed grand total, or ``null`` when the grand total is
   suppressed; the exact count is never published.

A release is cut only when at least ``min_new_submitters`` submitters who are not in the previous
release have reports in it (:func:`new_submitters`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from supplyscope.alerts.aggregate import iso_week, product_country
from supplyscope.alerts.disclosure import TOTAL, DisclosureRules, ProtectedTable, protect_linked, sensitivity
from supplyscope.alerts.model import SEVERITY_LABELS
from supplyscope.alerts.storage import Contribution, Store
from supplyscope.errors import ConflictError

OTHER = "OTHER"
"""Label of the merged row and column of categories too small to name."""
KEY_MODULUS = 2**31
"""Record keys are integers in ``[0, 2**31)``; a cell key is their sum modulo this, divided by it."""
PRODUCT_TABLE = "alerts_by_product_country_week"
SEVERITY_TABLE = "severity_by_week"


@dataclass(frozen=True)
class ReleasePolicy:
    """When a release may be cut and how its published counts are perturbed."""

    min_new_submitters: int = 3
    """Submitters not in the previous release who must have reports in a new one."""
    noise: tuple[float, ...] = (0.05, 0.20, 0.50, 0.20, 0.05)
    """Perturbation table: probability of noise ``-D..+D`` (here D = 2; mean 0, variance 0.8)."""

    @property
    def max_noise(self) -> int:
        return len(self.noise) // 2

    def describe(self) -> dict[str, Any]:
        return {
            "min_new_submitters": self.min_new_submitters,
            "method": "ABS cell-key perturbation after threshold/dominance and complementary suppression",
            "max_noise": self.max_noise,
            "noise_probabilities": {str(d - self.max_noise): p for d, p in enumerate(self.noise)},
        }


def perturbation(cell_key: float, policy: ReleasePolicy) -> int:
    """Noise for a cell key in ``[0, 1)`` from the perturbation table (inverse of its cumulative distribution)."""
    total = 0.0
    for d, p in enumerate(policy.noise):
        total += p
        if cell_key < total:
            return d - policy.max_noise
    return len(policy.noise) - 1 - policy.max_noise


def new_submitters(contributions: Sequence[Contribution], previous_ids: Iterable[int]) -> set[int]:
    """Submitters with a report on file that the previous release did not count."""
    seen = set(previous_ids)
    return {c.submitter_id for c in contributions if c.report_id not in seen}


@dataclass(frozen=True)
class _Labels:
    rows: dict[str, str]
    weeks: dict[str, str]

    def row(self, c: Contribution) -> str:
        return self.rows.get(product_country(c.hs6, c.country), OTHER)

    def week(self, c: Contribution) -> str:
        return self.weeks.get(iso_week(c.start_date), OTHER)


def _labels(contributions: Sequence[Contribution], rules: DisclosureRules) -> _Labels:
    rows: dict[str, Counter[int]] = {}
    weeks: dict[str, Counter[int]] = {}
    for c in contributions:
        rows.setdefault(product_country(c.hs6, c.country), Counter())[c.submitter_id] += 1
        weeks.setdefault(iso_week(c.start_date), Counter())[c.submitter_id] += 1
    return _Labels(
        rows={r: (OTHER if sensitivity(who, rules) else r) for r, who in rows.items()},
        weeks={w: (OTHER if sensitivity(who, rules) else w) for w, who in weeks.items()},
    )


def _severity(c: Contribution) -> str:
    return f"{c.severity} {SEVERITY_LABELS[c.severity]}"


def _cells(c: Contribution, labels: _Labels) -> list[tuple[str, str, str]]:
    """Every (table, row, col) cell that report ``c`` counts in, margins included."""
    out = []
    for table, row in ((PRODUCT_TABLE, labels.row(c)), (SEVERITY_TABLE, _severity(c))):
        week = labels.week(c)
        out += [(table, row, week), (table, row, TOTAL), (table, TOTAL, week), (table, TOTAL, TOTAL)]
    return out


def _published_cells(body: Mapping[str, Any]) -> dict[tuple[str, str, str], int]:
    return {
        (t["name"], cell["row"], cell["col"]): int(cell["value"])
        for t in body.get("tables", [])
        for cell in t["cells"]
        if cell["value"] is not None
    }


def _differencing_risks(
    draft: Mapping[tuple[str, str, str], int],
    contributions: Sequence[Contribution],
    withdrawn: Sequence[Contribution],
    earlier: Sequence[Mapping[str, Any]],
    labels: _Labels,
    rules: DisclosureRules,
) -> set[tuple[str, str, str]]:
    """Cells published both now and in an earlier release whose change comes from too few submitters."""
    risky: set[tuple[str, str, str]] = set()
    current = {c.report_id for c in contributions}
    for release in earlier:
        before = set(release["report_ids"])
        old = _published_cells(release["body"])
        changed = [c for c in contributions if c.report_id not in before]
        changed += [c for c in withdrawn if c.report_id in before and c.report_id not in current]
        who: dict[tuple[str, str, str], Counter[int]] = {}
        for c in changed:
            for cell in _cells(c, labels):
                who.setdefault(cell, Counter())[c.submitter_id] += 1
        for cell, counts in who.items():
            if cell in draft and cell in old and len(counts) < rules.min_contributors:
                risky.add(cell)
    return risky


def _publish(
    tables: Sequence[ProtectedTable],
    contributions: Sequence[Contribution],
    labels: _Labels,
    policy: ReleasePolicy,
) -> list[dict[str, Any]]:
    keys: dict[tuple[str, str, str], int] = Counter()
    for c in contributions:
        for cell in _cells(c, labels):
            keys[cell] += c.record_key
    out = []
    for t in tables:
        body = t.published()
        cells = []
        for cell in body["cells"]:
            value = cell["value"]
            if value is not None and value > 0:
                key = (keys[(t.name, cell["row"], cell["col"])] % KEY_MODULUS) / KEY_MODULUS
                value = max(1, value + perturbation(key, policy))
            else:
                value = None  # suppressed, or empty: an empty cell is published like a suppressed one
            cells.append({"row": cell["row"], "col": cell["col"], "value": value, "suppressed": value is None})
        out.append({**body, "cells": cells, "suppressed_cells": sum(1 for c in cells if c["suppressed"])})
    return out


def draft_release(
    contributions: Sequence[Contribution],
    rules: DisclosureRules,
    policy: ReleasePolicy,
    earlier: Sequence[Mapping[str, Any]] = (),
    withdrawn: Sequence[Contribution] = (),
) -> dict[str, Any]:
    """The body of the next release (see the module docstring); ``earlier`` are the stored releases."""
    labels = _labels(contributions, rules)
    severity_rows = [f"{k} {v}" for k, v in SEVERITY_LABELS.items()]
    specs = [
        (
            PRODUCT_TABLE,
            "product_country",
            "week",
            [(labels.row(c), labels.week(c), c.submitter_id) for c in contributions],
        ),
        (SEVERITY_TABLE, "severity", "week", [(_severity(c), labels.week(c), c.submitter_id) for c in contributions]),
    ]
    force: dict[str, set[tuple[str, str]]] = {PRODUCT_TABLE: set(), SEVERITY_TABLE: set()}
    while True:
        tables = protect_linked(
            specs,
            rules,
            force=force,
            all_rows={PRODUCT_TABLE: [OTHER], SEVERITY_TABLE: severity_rows},
            all_cols=[OTHER],
        )
        published = _publish(tables, contributions, labels, policy)
        cells = _published_cells({"tables": published})
        risks = _differencing_risks(cells, contributions, withdrawn, earlier, labels, rules)
        fresh = {(t, r, c) for t, r, c in risks if (r, c) not in force[t]}
        if not fresh:
            break
        for t, r, c in fresh:
            force[t].add((r, c))
    grand = cells.get((PRODUCT_TABLE, TOTAL, TOTAL))
    return {"rules": rules.describe(), "policy": policy.describe(), "reports": grand, "tables": published}


def check_can_cut(
    contributions: Sequence[Contribution], previous: Mapping[str, Any] | None, policy: ReleasePolicy
) -> set[int]:
    """The new submitters of the next release, or :class:`ConflictError` when there are too few."""
    fresh = new_submitters(contributions, previous["report_ids"] if previous else ())
    if len(fresh) < policy.min_new_submitters:
        since = f"release {previous['number']}" if previous else "the start"
        raise ConflictError(
            f"{len(fresh)} new submitter(s) since {since}; a release needs at least {policy.min_new_submitters}"
        )
    return fresh


def cut_release(
    store: Store, rules: DisclosureRules, policy: ReleasePolicy, *, cut_by: int | None, reason: str
) -> dict[str, Any]:
    """Draft, check and store the next release; returns its published body. :class:`ConflictError` when
    too few new submitters contributed since the previous release."""
    contributions = store.contributions()
    earlier = store.releases()
    previous = earlier[-1] if earlier else None
    fresh = check_can_cut(contributions, previous, policy)
    body = draft_release(contributions, rules, policy, earlier, store.contributions(withdrawn=True))
    number = (previous["number"] if previous else 0) + 1
    body = {"number": number, **body, "audit_head": store.audit_head()}
    store.add_release(number, body, [c.report_id for c in contributions], len(fresh), cut_by, reason)
    return body


def published_release(stored: Mapping[str, Any]) -> dict[str, Any]:
    """What an analyst sees of a stored release (never which reports it counted)."""
    return {**stored["body"], "number": stored["number"], "created_at": stored["created_at"]}
