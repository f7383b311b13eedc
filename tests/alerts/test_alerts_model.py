"""Validation of disruption reports and their checksum."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from alerts_helpers import report

from supplyscope.alerts.model import FIELDS, AlertKind, report_checksum, validate_report
from supplyscope.errors import DataError

TODAY = date(2026, 11, 25)


def test_valid_report_round_trips() -> None:
    r = validate_report(report(), today=TODAY)
    assert r.hs6 == "854231"
    assert r.kind is AlertKind.natural_disaster
    assert r.start_date == date(2026, 4, 3)
    assert r.canonical()["start_date"] == "2026-04-03"


def test_checksum_matches_an_independent_computation() -> None:
    raw = report()
    r = validate_report(raw, today=TODAY)
    # Canonical form written out by hand: every field, sorted keys, compact separators, UTF-8.
    expected = hashlib.sha256(
        json.dumps({k: raw[k] for k in sorted(FIELDS)}, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert r.digest() == expected == report_checksum(raw)
    assert validate_report(report(severity=5), today=TODAY).digest() != expected


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("hs6", "85423", "6-digit"),
        ("hs6", 854231, "6-digit"),
        ("hs6", "8542.31", "6-digit"),
        ("hs6", "000000", "not an HS 2022 subheading"),
        ("hs6", "854299", "not an HS 2022 subheading"),
        ("hs6", "999999", "not specified"),
        ("country", "TW", "alpha-3"),
        ("country", "twn", "alpha-3"),
        ("country", "XXX", "not a known"),
        ("kind", "strike!", "must be one of"),
        ("start_date", "2026-02-30", "not a valid date"),
        ("start_date", "1985-01-01", "outside"),
        ("start_date", "2028-01-01", "outside"),
        ("expected_duration_days", -1, "from 0 to 3650"),
        ("expected_duration_days", 2.5, "integer"),
        ("severity", 0, "from 1 to 5"),
        ("severity", True, "integer"),
        ("confidential", "yes", "true or false"),
        ("text", "x" * 4001, "longer than 4000"),
        ("facility", "a\x00b", "control characters"),
    ],
)
def test_bad_fields_are_named(field: str, value: object, needle: str) -> None:
    with pytest.raises(DataError) as err:
        validate_report(report(**{field: value}), source="upload.json", today=TODAY)
    assert err.value.field == field
    assert needle in str(err.value)
    assert "upload.json" in str(err.value)


def test_unknown_fields_are_rejected_not_dropped() -> None:
    with pytest.raises(DataError) as err:
        validate_report(report(sevrity=3), today=TODAY)
    assert err.value.field == "sevrity"


def test_hs_code_outside_nomenclature_is_checked_against_bundled_hs2022() -> None:
    # 854231 and 854232 are HS 2022 subheadings; take the first well-formed 8542xx code that the bundled
    # nomenclature does not list and check that it is refused.
    from supplyscope.codes.hs import hs6_descriptions

    known = hs6_descriptions()
    assert "854231" in known and "854232" in known
    missing = next(f"8542{n:02d}" for n in range(100) if f"8542{n:02d}" not in known)
    with pytest.raises(DataError):
        validate_report(report(hs6=missing), today=TODAY)
