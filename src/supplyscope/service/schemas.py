"""Request and response bodies of the JSON API (they define the OpenAPI schema)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import MAX_DURATION_DAYS, MAX_NAME, MAX_TEXT, AlertKind


class AlertIn(BaseModel):
    """A disruption report as filed by a submitter."""

    model_config = ConfigDict(extra="forbid")

    hs6: str = Field(pattern=r"^\d{6}$", description="HS 2022 six-digit subheading, e.g. '854231'")
    country: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3 code of the affected country")
    region: str = Field(default="", max_length=MAX_NAME)
    facility: str = Field(default="", max_length=MAX_NAME)
    kind: AlertKind
    start_date: date
    expected_duration_days: int = Field(ge=0, le=MAX_DURATION_DAYS)
    severity: int = Field(ge=1, le=5, description="1 minor, 2 moderate, 3 serious, 4 severe, 5 critical")
    text: str = Field(default="", max_length=MAX_TEXT)
    confidential: bool = False
    client_ref: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9._:-]{1,100}$",
        description="Optional idempotency key: resubmitting the same key returns the stored report",
    )


class AlertAck(BaseModel):
    """Acknowledgement of a stored report."""

    id: int
    checksum: str = Field(description="SHA-256 of the report's canonical JSON (see docs/service.md)")
    created_at: str
    duplicate: bool = Field(description="True when client_ref matched a report already stored")


class Report(BaseModel):
    id: int
    submitter_id: int
    client_ref: str | None
    hs6: str
    country: str
    region: str
    facility: str
    kind: str
    start_date: str
    expected_duration_days: int
    severity: int
    text: str
    confidential: bool
    checksum: str
    created_at: str


class ReportList(BaseModel):
    reports: list[Report]
    limit: int
    offset: int


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")
    role: Role


class UserOut(BaseModel):
    id: int
    name: str
    role: Role
    active: bool
    created_at: str


class UserWithToken(BaseModel):
    user: UserOut
    token: str = Field(description="Shown once; only its hash is stored")


class TokenOut(BaseModel):
    token: str


class AggregateCell(BaseModel):
    row: str
    col: str
    value: int | None
    suppressed: bool


class AggregateTable(BaseModel):
    name: str
    row_dim: str
    col_dim: str
    rows: list[str]
    cols: list[str]
    cells: list[AggregateCell]
    suppressed_cells: int


class Aggregates(BaseModel):
    rules: dict[str, Any]
    reports: int
    tables: list[AggregateTable]


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    field: str | None
    details: list[Any]


class ErrorOut(BaseModel):
    error: ErrorDetail
