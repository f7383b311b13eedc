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
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from supplyscope.codes.countries import country_names
from supplyscope.codes.hs import hs6_descriptions
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

FieldKind = Literal["code", "country", "text", "enum", "date", "int", "bool", "ref", "stamp", "id"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of the report record: the single definition that the API schema, the storage columns and
    the validation are derived from (followthemoney-style schema as data)."""

    name: str
    kind: FieldKind
    description: str
    filed: bool = True
    """Part of what a submitter files (and of the checksum); otherwise set by the server."""
    required: bool = True
    default: Any = None
    lo: int | None = None
    hi: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    nullable: bool = False


def _spec(
    kind: FieldKind,
    description: str,
    *,
    filed: bool = True,
    required: bool = True,
    default: Any = None,
    lo: int | None = None,
    hi: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    nullable: bool = False,
) -> dict[str, Any]:
    """The metadata of a dataclass field that carries its :class:`FieldSpec` (the name is the field's own)."""
    rules = {
        "kind": kind,
        "description": description,
        "filed": filed,
        "required": required,
        "default": default,
        "lo": lo,
        "hi": hi,
        "max_length": max_length,
        "pattern": pattern,
        "nullable": nullable,
    }
    return {"spec": rules}


@dataclass(frozen=True)
class AlertReport:
    """A validated disruption report, as filed (without server-side metadata).

    Its fields, with their rules, are the definition of the report: :data:`REPORT_SCHEMA`, the API schema,
    the storage columns and the validation are all derived from them.
    """

    hs6: str = field(metadata=_spec("code", "HS 2022 six-digit subheading, e.g. '854231'", pattern=r"^\d{6}$"))
    country: str = field(
        metadata=_spec("country", "ISO 3166 alpha-3 code of the affected country", pattern=r"^[A-Z]{3}$")
    )
    region: str = field(metadata=_spec("text", "Region or province", required=False, default="", max_length=MAX_NAME))
    facility: str = field(metadata=_spec("text", "Facility name", required=False, default="", max_length=MAX_NAME))
    kind: AlertKind = field(metadata=_spec("enum", "What kind of disruption"))
    start_date: date = field(metadata=_spec("date", "ISO date the disruption started (YYYY-MM-DD)"))
    expected_duration_days: int = field(metadata=_spec("int", "Expected duration in days", lo=0, hi=MAX_DURATION_DAYS))
    severity: int = field(metadata=_spec("int", "1 minor, 2 moderate, 3 serious, 4 severe, 5 critical", lo=1, hi=5))
    text: str = field(metadata=_spec("text", "Free-text description", required=False, default="", max_length=MAX_TEXT))
    confidential: bool = field(
        metadata=_spec(
            "bool", "Only the submitter may read it; it counts in releases only", required=False, default=False
        )
    )

    def canonical(self) -> dict[str, Any]:
        """Plain JSON-ready mapping of the fields in :data:`FIELDS` order."""
        return {name: _plain(getattr(self, name)) for name in FIELDS}

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of the report; the service returns it in the acknowledgement."""
        return report_checksum(self.canonical())


@dataclass(frozen=True)
class StoredReport(AlertReport):
    """A report as stored: the filed fields and the server-side metadata."""

    id: int = field(metadata=_spec("id", "Report id assigned by the store", filed=False))
    submitter_id: int = field(metadata=_spec("id", "User id of the submitter", filed=False))
    client_ref: str | None = field(
        metadata=_spec(
            "ref",
            "Optional idempotency key: resubmitting the same key returns the stored report",
            filed=False,
            required=False,
            nullable=True,
            pattern=r"^[A-Za-z0-9._:-]{1,100}$",
            max_length=MAX_CLIENT_REF,
        )
    )
    checksum: str = field(metadata=_spec("text", "SHA-256 of the report's canonical JSON", filed=False))
    created_at: str = field(metadata=_spec("stamp", "When the report was first stored (UTC)", filed=False))
    updated_at: str | None = field(
        metadata=_spec("stamp", "When the submitter last corrected it (UTC)", filed=False, nullable=True)
    )
    withdrawn_at: str | None = field(
        metadata=_spec("stamp", "When the submitter withdrew it (UTC)", filed=False, nullable=True)
    )

    def public(self) -> dict[str, Any]:
        """JSON-ready mapping in schema order (with the submitter id: reports are never anonymous to their reader)."""
        return {name: _plain(getattr(self, name)) for name in STORED_FIELDS}


def _plain(value: Any) -> Any:
    """A field value as JSON has it: enums by value, dates as ISO text."""
    if isinstance(value, AlertKind):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


REPORT_SCHEMA: tuple[FieldSpec, ...] = tuple(FieldSpec(name=f.name, **f.metadata["spec"]) for f in fields(StoredReport))
"""The report record, read off :class:`StoredReport` (filed fields first, then the server's)."""

SPEC: dict[str, FieldSpec] = {f.name: f for f in REPORT_SCHEMA}
FIELDS: tuple[str, ...] = tuple(f.name for f in REPORT_SCHEMA if f.filed)
"""Fields of a report as filed, in canonical order (the checksum covers exactly these)."""
STORED_FIELDS: tuple[str, ...] = tuple(f.name for f in REPORT_SCHEMA)
"""Every column of a stored report, in schema order."""


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


def _check_code(value: object, source: str) -> str:
    if not isinstance(value, str) or not _HS6.match(value):
        raise DataError(
            f"must be a 6-digit HS code as a string, e.g. '854231', got {value!r}", source=source, field="hs6"
        )
    if value not in hs6_descriptions():
        raise DataError(f"{value!r} is not an HS 2022 subheading", source=source, field="hs6")
    if value.startswith("99"):
        raise DataError(
            f"{value!r} is 'commodities not specified according to kind'; name the product", source=source, field="hs6"
        )
    return value


def _check_country(value: object, source: str) -> str:
    if not isinstance(value, str) or not _ISO3.match(value):
        raise DataError(
            f"must be an ISO 3166 alpha-3 code such as 'TWN', got {value!r}", source=source, field="country"
        )
    if value not in country_names():
        raise DataError(f"{value!r} is not a known ISO 3166 alpha-3 country code", source=source, field="country")
    return value


def _check_kind(value: object, source: str) -> AlertKind:
    if isinstance(value, str):
        try:
            return AlertKind(value)
        except ValueError:
            pass
    allowed = ", ".join(k.value for k in AlertKind)
    raise DataError(f"must be one of {allowed}; got {value!r}", source=source, field="kind")


def _check_date(value: object, source: str, today: date | None) -> date:
    if not isinstance(value, str):
        raise DataError(f"must be an ISO date string YYYY-MM-DD, got {value!r}", source=source, field="start_date")
    try:
        start = date.fromisoformat(value)
    except ValueError:
        raise DataError(f"is not a valid date YYYY-MM-DD: {value!r}", source=source, field="start_date") from None
    if len(value) != 10:
        raise DataError(f"must be written YYYY-MM-DD, got {value!r}", source=source, field="start_date")
    ref = today or datetime.now().date()
    if start.year < 1990 or (start - ref).days > 366:
        raise DataError(
            f"{start} is outside the accepted range (1990 to one year ahead)", source=source, field="start_date"
        )
    return start


def _check_bool(raw: Mapping[str, Any], spec: FieldSpec, source: str) -> bool:
    value = raw.get(spec.name, spec.default)
    if not isinstance(value, bool):
        raise DataError(f"must be true or false, got {value!r}", source=source, field=spec.name)
    return value


def validate_report(raw: Mapping[str, Any], *, source: str = "report", today: date | None = None) -> AlertReport:
    """Check an untrusted mapping and return the report; :class:`DataError` names the first bad field.

    The rules come from :data:`REPORT_SCHEMA`: ``hs6`` is a six-digit HS 2022 subheading that exists in the
    nomenclature; ``country`` an ISO 3166 alpha-3 code of a country; ``kind`` one of :class:`AlertKind`;
    ``start_date`` an ISO date string no later than one year after ``today``; integers within their bounds
    (booleans are not integers); ``confidential`` a JSON boolean. Nothing is coerced, and unknown fields
    are rejected so that typos are not silently dropped.
    """
    if not isinstance(raw, Mapping):
        raise DataError("a report must be a JSON object", source=source)
    unknown = sorted(set(raw) - set(FIELDS) - {"client_ref"})
    if unknown:
        raise DataError(f"unknown field(s): {', '.join(unknown)}", source=source, field=unknown[0])
    values: dict[str, Any] = {}
    for name in FIELDS:
        spec = SPEC[name]
        if spec.kind == "code":
            values[name] = _check_code(raw.get(name), source)
        elif spec.kind == "country":
            values[name] = _check_country(raw.get(name), source)
        elif spec.kind == "enum":
            values[name] = _check_kind(raw.get(name), source)
        elif spec.kind == "date":
            values[name] = _check_date(raw.get(name), source, today)
        elif spec.kind == "int":
            assert spec.lo is not None and spec.hi is not None
            values[name] = _integer(raw, name, spec.lo, spec.hi, source)
        elif spec.kind == "bool":
            values[name] = _check_bool(raw, spec, source)
        else:
            assert spec.max_length is not None
            values[name] = _text(raw, name, limit=spec.max_length, required=spec.required, source=source)
    return AlertReport(**values)


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
