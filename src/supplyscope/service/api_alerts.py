"""JSON endpoints for disruption alerts, users, the audit log and the published aggregates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from supplyscope.alerts.aggregate import published_aggregates
from supplyscope.alerts.auth import Role, User
from supplyscope.alerts.model import SEVERITY_LABELS, AlertKind, validate_client_ref, validate_report
from supplyscope.alerts.storage import RateLimited, StoredReport
from supplyscope.service.errors import ApiError
from supplyscope.service.schemas import (
    Aggregates,
    AlertAck,
    AlertIn,
    ErrorOut,
    Report,
    ReportList,
    TokenOut,
    UserIn,
    UserOut,
    UserWithToken,
)
from supplyscope.service.security import Admin, AnyUser, Reader, Submitter
from supplyscope.service.state import AppState, state

router = APIRouter(prefix="/api", tags=["alerts"])

ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (400, 401, 403, 404, 413, 422, 429)}


def file_report(app: AppState, user: User, payload: dict[str, Any]) -> tuple[StoredReport, bool]:
    """Validate, rate-limit and store one report (shared by the API and the dashboard form)."""
    client_ref = validate_client_ref(payload.pop("client_ref", None))
    report = validate_report(payload)
    settings = app.settings
    try:
        stored, new = app.store.add_report(
            user.id, report, client_ref=client_ref, rate_limit=(settings.rate_limit, settings.rate_window_s)
        )
    except RateLimited as exc:
        raise ApiError(429, "rate_limited", str(exc), headers={"Retry-After": str(exc.window_s)}) from None
    return stored, new


@router.post("/alerts", status_code=201, response_model=AlertAck, responses=ERRORS)
def submit_alert(body: AlertIn, request: Request, response: Response, user: Submitter) -> AlertAck:
    """File a disruption report (submitters only). Returns its id and checksum once it is stored."""
    payload = body.model_dump(mode="json")
    stored, new = file_report(state(request), user, payload)
    if not new:
        response.status_code = 200
    return AlertAck(id=stored.id, checksum=stored.checksum, created_at=stored.created_at, duplicate=not new)


def _visible(user: User, report: StoredReport) -> bool:
    if user.role is Role.submitter:
        return report.submitter_id == user.id
    return True


@router.get("/alerts", response_model=ReportList, responses=ERRORS)
def list_alerts(
    request: Request,
    user: AnyUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ReportList:
    """Raw reports the caller may read: a submitter its own; analysts and admins those not confidential.

    Every report returned is written to the audit log.
    """
    app = state(request)
    if user.role is Role.submitter:
        rows = app.store.reports(submitter_id=user.id, limit=limit, offset=offset)
    else:
        rows = app.store.reports(include_confidential=False, limit=limit, offset=offset)
    if rows:
        app.store.audit(user.id, "list", [r.id for r in rows])
    return ReportList(reports=[Report(**r.public()) for r in rows], limit=limit, offset=offset)


@router.get("/alerts/{report_id}", response_model=Report, responses=ERRORS)
def read_alert(report_id: int, request: Request, user: AnyUser) -> Report:
    """One raw report. Another submitter's report is 404; a confidential report is 403 for analysts."""
    app = state(request)
    found = app.store.report(report_id) if 0 < report_id < 2**62 else None
    if found is None or not _visible(user, found):
        raise ApiError(404, "not_found", f"no report {report_id} visible to you")
    if found.confidential and user.role is not Role.submitter:
        app.store.audit(user.id, "denied", [found.id], "confidential")
        raise ApiError(403, "forbidden", "this report is confidential; only its submitter can read it")
    app.store.audit(user.id, "read", [found.id])
    return Report(**found.public())


@router.get("/aggregates", response_model=Aggregates, responses=ERRORS)
async def aggregates(request: Request, user: Reader) -> Aggregates:
    """Alert counts by product × country × week and severity × week, after disclosure control.

    Cells below the thresholds, and the cells that would let them be recomputed from totals, have
    ``value: null`` and ``suppressed: true``.
    """
    app = state(request)
    data = await run_in_threadpool(lambda: published_aggregates(app.store.contributions(), app.settings.disclosure))
    return Aggregates(**data)


@router.get("/meta", tags=["meta"])
def meta(request: Request) -> dict[str, Any]:
    """Allowed report kinds and severities, the disclosure rules and the schema version."""
    app = state(request)
    return {
        "kinds": [k.value for k in AlertKind],
        "severities": {str(k): v for k, v in SEVERITY_LABELS.items()},
        "disclosure": app.settings.disclosure.describe(),
        "schema_version": app.store.schema_version(),
        "database": app.store.dialect,
    }


users = APIRouter(prefix="/api", tags=["admin"])


def _user_out(u: User) -> UserOut:
    return UserOut(id=u.id, name=u.name, role=u.role, active=u.active, created_at=u.created_at)


@users.post("/users", status_code=201, response_model=UserWithToken, responses=ERRORS)
def create_user(body: UserIn, request: Request, admin: Admin) -> UserWithToken:
    """Create a user and return its token (shown once)."""
    app = state(request)
    user, token = app.store.create_user(body.name, body.role)
    app.store.audit(admin.id, "create_user", detail=f"user {user.id} ({user.role.value})")
    return UserWithToken(user=_user_out(user), token=token)


@users.get("/users", response_model=list[UserOut], responses=ERRORS)
def list_users(request: Request, _: Admin) -> list[UserOut]:
    return [_user_out(u) for u in state(request).store.users()]


def _existing(request: Request, user_id: int) -> User:
    if not 0 < user_id < 2**62:
        raise ApiError(404, "not_found", f"no user {user_id}")
    try:
        return state(request).store.user(user_id)
    except KeyError:
        raise ApiError(404, "not_found", f"no user {user_id}") from None


@users.post("/users/{user_id}/deactivate", response_model=UserOut, responses=ERRORS)
def deactivate(user_id: int, request: Request, admin: Admin) -> UserOut:
    _existing(request, user_id)
    if user_id == admin.id:
        raise ApiError(400, "bad_request", "an admin cannot deactivate itself")
    app = state(request)
    app.store.audit(admin.id, "deactivate_user", detail=f"user {user_id}")
    return _user_out(app.store.set_active(user_id, False))


@users.post("/users/{user_id}/activate", response_model=UserOut, responses=ERRORS)
def activate(user_id: int, request: Request, admin: Admin) -> UserOut:
    _existing(request, user_id)
    app = state(request)
    app.store.audit(admin.id, "activate_user", detail=f"user {user_id}")
    return _user_out(app.store.set_active(user_id, True))


@users.post("/users/{user_id}/token", response_model=TokenOut, responses=ERRORS)
def rotate(user_id: int, request: Request, admin: Admin) -> TokenOut:
    """Issue a new token for a user; the old one stops working."""
    _existing(request, user_id)
    app = state(request)
    app.store.audit(admin.id, "rotate_token", detail=f"user {user_id}")
    return TokenOut(token=app.store.rotate_token(user_id))


@users.get("/audit", responses=ERRORS)
def audit_log(
    request: Request,
    _: Admin,
    report_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> list[dict[str, Any]]:
    """Audit log entries, newest first (admins only)."""
    return state(request).store.audit_entries(report_id=report_id, limit=limit)
