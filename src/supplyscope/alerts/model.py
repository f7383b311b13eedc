"""The disruption report: kinds, severities, validation and the canonical checksum.

A report names a product (HS 2022 six-digit subheading), where the disruption happens (country, region,
facility), what kind of disruption it is, when it started and how long it is expected to last, how severe
it is, free text, and whether it is confidential. :func:`validate_report` turns an untrusted mapping into
an :class:`AlertReport` or raises :class:`~supplyscope.errors.DataError` naming the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from supplyscope.alerts.codes import country_names, hs6_descriptions
from supplyscope.errors import DataError

MAX_TEXT = 4000
"""Longest free-text description accepted, in characters."""
MAX_NAME = 200
"""Longest region / facility name accepted, in characters."""
MAX_DURATION_DAYS = 3650
MAX_CLIENT_REF = 100


class AlertKind(StrEnum):
    """What kind of disruption a report describes."""

    shortage = "shortage"
    export_restriction = "export_restriction"
    logistics = "logistics"
    labor = "labor"
    natural_disaster = "natural_disaster"
    cyber_incident = "cyber_incident"
    quality = "quality"
    geopolitical = "geopolitical"
    other = "other"


SEVERITY_LABELS: dict[int, str] = {1: "minor", 2: "moderate", 3: "serious", 4: "severe", 5: "critical"}
"""Severity scale, 1 (minor) to 5 (critical)."""

_HS6 = re.compile(r"^\d{6}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_CLIENT_REF = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

FIELDS = (
    "hs6",
    "country",
    "region",
    "facility",
    "kind",
    "start_date",
    "expected_duration_days",
    "severity",
    "text",
    "confidential",
)
"""Fields of a report, in canonical order (the checksum covers exactly these)."""


@dataclass(frozen=True)
class AlertReport:
    """A validated disruption report, as filed (without server-side metadata)."""

    hs6: str
    country: str
    region: str
    facility: str
    kind: AlertKind
    start_date: date
    expected_duration_days: int
    severity: int
    text: str
    confidential: bool

    def canonical(self) -> dict[str, Any]:
        """Plain JSON-ready mapping of the fields in :data:`FIELDS` order."""
        raw = asdict(self)
        raw["kind"] = self.kind.value
        raw["start_date"] = self.start_date.isoformat()
        return {k: raw[k] for k in FIELDS}

    def checksum(self) -> str:
        """SHA-256 of the canonical JSON of the report; the service returns it in the acknowledgement."""
        return report_checksum(self.canonical())


def report_checksum(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``fields`` serialised with sorted keys and no whitespace."""
    payload = json.dumps({k: fields[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _text(raw: Mapping[str, Any], name: str, *, limit: int, required: bool, source: str) -> str:
    value = raw.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DataError(f"must be a string, got {type(value).__name__}", source=source, field=name)
    value = value.strip()
    if required and not value:
        raise DataError("is required", source=source, field=name)
    if len(value) > limit:
        raise DataError(f"is longer than {limit} characters ({len(value)})", source=source, field=name)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise DataError("contains control characters", source=source, field=name)
    return value


def _integer(raw: Mapping[str, Any], name: str, lo: int, hi: int, source: str) -> int:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(f"must be an integer from {lo} to {hi}, got {value!r}", source=source, field=name)
    if not lo <= value <= hi:
        raise DataError(f"must be from {lo} to {hi}, got {value}", source=source, field=name)
    return value


def validate_report(raw: Mapping[str, Any], *, source: str = "report", today: date | None = None) -> AlertReport:
    """Check an untrusted mapping and return the report; :class:`DataError` names the first bad field.

    Rules: ``hs6`` is a six-digit HS 2022 subheading that exists in the nomenclature; ``country`` an ISO
    3166 alpha-3 code of a country; ``kind`` one of :class:`AlertKind`; ``start_date`` an ISO date no
    later than one year after ``today``; ``expected_duration_days`` 0..3650; ``severity`` 1..5;
    ``confidential`` a boolean. Unknown fields are rejected so that typos are not silently dropped.
    """
    if not isinstance(raw, Mapping):
        raise DataError("a report must be a JSON object", source=source)
    unknown = sorted(set(raw) - set(FIELDS) - {"client_ref"})
    if unknown:
        raise DataError(f"unknown field(s): {', '.join(unknown)}", source=source, field=unknown[0])

    hs6 = raw.get("hs6")
    if not isinstance(hs6, str) or not _HS6.match(hs6):
        raise DataError(
            f"must be a 6-digit HS code as a string, e.g. '854231', got {hs6!r}", source=source, field="hs6"
        )
    if hs6 not in hs6_descriptions():
        raise DataError(f"{hs6!r} is not an HS 2022 subheading", source=source, field="hs6")
    if hs6.startswith("99"):
        raise DataError(
            f"{hs6!r} is 'commodities not specified according to kind'; name the product", source=source, field="hs6"
        )

    country = raw.get("country")
    if not isinstance(country, str) or not _ISO3.match(country):
        raise DataError(
            f"must be an ISO 3166 alpha-3 code such as 'TWN', got {country!r}", source=source, field="country"
        )
    if country not in country_names():
        raise DataError(f"{country!r} is not a known ISO 3166 alpha-3 country code", source=source, field="country")

    kind_raw = raw.get("kind")
    try:
        kind = AlertKind(str(kind_raw))
    except ValueError:
        allowed = ", ".join(k.value for k in AlertKind)
        raise DataError(f"must be one of {allowed}; got {kind_raw!r}", source=source, field="kind") from None

    start_raw = raw.get("start_date")
    if not isinstance(start_raw, str):
        raise DataError(f"must be an ISO date string YYYY-MM-DD, got {start_raw!r}", source=source, field="start_date")
    try:
        start = date.fromisoformat(start_raw)
    except ValueError:
        raise DataError(f"is not a valid date YYYY-MM-DD: {start_raw!r}", source=source, field="start_date") from None
    ref = today or datetime.now().date()
    if start.year < 1990 or (start - ref).days > 366:
        raise DataError(
            f"{start} is outside the accepted range (1990 to one year ahead)",
            source=source,
            field="start_date",
        )

    confidential = raw.get("confidential", False)
    if not isinstance(confidential, bool):
        raise DataError(f"must be true or false, got {confidential!r}", source=source, field="confidential")

    return AlertReport(
        hs6=hs6,
        country=country,
        region=_text(raw, "region", limit=MAX_NAME, required=False, source=source),
        facility=_text(raw, "facility", limit=MAX_NAME, required=False, source=source),
        kind=kind,
        start_date=start,
        expected_duration_days=_integer(raw, "expected_duration_days", 0, MAX_DURATION_DAYS, source),
        severity=_integer(raw, "severity", 1, 5, source),
        text=_text(raw, "text", limit=MAX_TEXT, required=False, source=source),
        confidential=confidential,
    )


def validate_client_ref(value: object, *, source: str = "report") -> str | None:
    """Optional idempotency key chosen by the submitter: 1-100 characters of ``[A-Za-z0-9._:-]``."""
    if value is None:
        return None
    if not isinstance(value, str) or not _CLIENT_REF.match(value):
        raise DataError(
            "must be 1-100 characters of letters, digits, '.', '_', ':' or '-'",
            source=source,
            field="client_ref",
        )
    return value
