"""Request and response bodies of the JSON API (they define the OpenAPI schema)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import REPORT_SCHEMA, AlertKind, FieldSpec

_TYPES: dict[str, Any] = {
    "code": str,
    "country": str,
    "text": str,
    "enum": AlertKind,
    "date": str,
    "int": int,
    "bool": bool,
    "ref": str,
    "stamp": str,
    "id": int,
}


def _field(spec: FieldSpec, *, filed: bool) -> tuple[Any, Any]:
    kind: Any = _TYPES[spec.kind]
    if filed and spec.kind == "date":
        kind = date
    if spec.nullable:
        kind = kind | None
    extra: dict[str, Any] = {"description": spec.description}
    if filed:
        extra.update({k: v for k, v in (("pattern", spec.pattern), ("max_length", spec.max_length)) if v is not None})
        if spec.lo is not None:
            extra.update(ge=spec.lo, le=spec.hi)
    default = spec.default if not spec.required or spec.nullable else ...
    return kind, Field(default, **extra) if filed else Field(**extra)


AlertIn: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "AlertIn",
    __config__=ConfigDict(extra="forbid", strict=True),
    __doc__="A disruption report as filed by a submitter (derived from alerts.model.REPORT_SCHEMA; parsed strictly: "
    "duplicate keys, coercion and non-UTF-8 bodies are refused with 422).",
    **{f.name: _field(f, filed=True) for f in REPORT_SCHEMA if f.filed or f.name == "client_ref"},
)
Report: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Report",
    __doc__="A stored report (derived from alerts.model.REPORT_SCHEMA).",
    **{f.name: _field(f, filed=False) for f in REPORT_SCHEMA},
)


class AlertAck(BaseModel):
    """Acknowledgement of a stored report."""

    id: int
    checksum: str = Field(description="SHA-256 of the report's canonical JSON (see docs/service.md)")
    created_at: str
    duplicate: bool = Field(description="True when client_ref matched a report already stored")


class ReportList(BaseModel):
    reports: list[Report]  # type: ignore[valid-type]
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


class RevokedOut(BaseModel):
    user_id: int
    revoked: bool = Field(description="The old token and every session stop working; no new token is issued")


class Release(BaseModel):
    number: int
    created_at: str
    rules: dict[str, Any]
    policy: dict[str, Any]
    reports: int | None = Field(description="Perturbed number of reports, or null when it is protected")
    tables: list[AggregateTable]
    audit_head: str


class ReleaseSummary(BaseModel):
    number: int
    created_at: str


class BreakGlassIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    report_id: int = Field(ge=1, le=2**62)
    reason: str = Field(min_length=10, max_length=500, pattern=r"^[^\x00-\x1f]+$")


class BreakGlassOut(BaseModel):
    id: int


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


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    field: str | None
    details: list[Any]


class ErrorOut(BaseModel):
    error: ErrorDetail
