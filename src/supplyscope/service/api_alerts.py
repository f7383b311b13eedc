"""JSON endpoints for disruption alerts, users, the audit log, releases and break-glass reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from supplyscope.alerts.auth import Role, User
from supplyscope.alerts.model import SEVERITY_LABELS, AlertKind, StoredReport, validate_client_ref, validate_report
from supplyscope.alerts.releases import cut_release, published_release
from supplyscope.alerts.storage import RateLimited
from supplyscope.service.bodies import json_object
from supplyscope.service.errors import ApiError
from supplyscope.service.schemas import (
    AlertAck,
    AlertIn,
    BreakGlassIn,
    BreakGlassOut,
    ErrorOut,
    Release,
    ReleaseSummary,
    Report,
    ReportList,
    RevokedOut,
    UserIn,
    UserOut,
    UserWithToken,
)
from supplyscope.service.security import Admin, AnyUser, Reader, Submitter
from supplyscope.service.state import AppState, state

router = APIRouter(prefix="/api", tags=["alerts"])

ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}
REPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": AlertIn.model_json_schema(ref_template="#/components/schemas/{model}")}
        },
    }
}


def _not_found(what: str, ident: int) -> ApiError:
    return ApiError(404, "not_found", f"no {what} {ident} visible to you")


def file_report(app: AppState, user: User, payload: dict[str, Any]) -> tuple[StoredReport, bool]:
    """Validate, rate-limit and store one report (shared by the API and the dashboard form)."""
    client_ref = validate_client_ref(payload.pop("client_ref", None))
    report = validate_report(payload, source="request body")
    settings = app.settings
    try:
        stored, new = app.store.add_report(
            user.id, report, client_ref=client_ref, rate_limit=(settings.rate_limit, settings.rate_window_s)
        )
    except RateLimited as exc:
        raise ApiError(429, "rate_limited", str(exc), headers={"Retry-After": str(exc.window_s)}) from None
    return stored, new


@router.post("/alerts", status_code=201, response_model=AlertAck, responses=ERRORS, openapi_extra=REPORT_BODY)
async def submit_alert(request: Request, response: Response, user: Submitter) -> AlertAck:
    """File a disruption report (submitters only). Returns its id and checksum once it is stored.

    The body is parsed strictly: duplicate keys, a value of the wrong JSON type (``"severity": true``,
    ``"confidential": "yes"``, a number for a date) and non-UTF-8 bytes get 422 naming the field.
    """
    payload = await json_object(request)
    stored, new = await run_in_threadpool(file_report, state(request), user, payload)
    if not new:
        response.status_code = 200
    return AlertAck(id=stored.id, checksum=stored.checksum, created_at=stored.created_at, duplicate=not new)


def _visible(user: User, report: StoredReport) -> bool:
    """Submitters see their own reports; analysts and admins only those neither confidential nor withdrawn."""
    if user.role is Role.submitter:
        return report.submitter_id == user.id
    return not report.confidential and report.withdrawn_at is None


@router.get("/alerts", response_model=ReportList, responses=ERRORS)
def list_alerts(
    request: Request,
    user: AnyUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ReportList:
    """Raw reports the caller may read: a submitter all its own (withdrawn ones included, flagged);
    analysts and admins those not confidential. Every report returned is written to the audit log."""
    app = state(request)
    if user.role is Role.submitter:
        rows = app.store.reports(submitter_id=user.id, include_withdrawn=True, limit=limit, offset=offset)
    else:
        rows = app.store.reports(include_confidential=False, limit=limit, offset=offset)
    app.store.audit(user.id, "list", [r.id for r in rows])
    return ReportList(reports=[Report(**r.public()) for r in rows], limit=limit, offset=offset)


def _readable(request: Request, user: User, report_id: int) -> StoredReport:
    app = state(request)
    found = app.store.report(report_id) if 0 < report_id < 2**62 else None
    if found is None or not _visible(user, found):
        # the same answer whether the id is unknown, another submitter's or confidential: no existence oracle
        app.store.audit(user.id, "read_denied", [], f"report id {report_id}")
        raise _not_found("report", report_id)
    return found


@router.get("/alerts/{report_id}", response_model=Report, responses=ERRORS)
def read_alert(report_id: int, request: Request, user: AnyUser) -> BaseModel:
    """One raw report; 404 for every id the caller may not read (unknown, another's, confidential)."""
    found = _readable(request, user, report_id)
    state(request).store.audit(user.id, "read", [found.id])
    return Report(**found.public())


@router.put("/alerts/{report_id}", response_model=Report, responses=ERRORS, openapi_extra=REPORT_BODY)
async def correct_alert(report_id: int, request: Request, user: Submitter) -> BaseModel:
    """Correct one of your own reports (all filed fields are replaced; 409 once it is withdrawn)."""
    payload = await json_object(request)
    payload.pop("client_ref", None)
    report = validate_report(payload, source="request body")
    if not 0 < report_id < 2**62:
        raise _not_found("report", report_id)
    stored = await run_in_threadpool(state(request).store.correct_report, user.id, report_id, report)
    return Report(**stored.public())


@router.delete("/alerts/{report_id}", response_model=Report, responses=ERRORS)
def withdraw_alert(report_id: int, request: Request, user: Submitter) -> BaseModel:
    """Withdraw one of your own reports: the next release no longer counts it (409 if already withdrawn)."""
    if not 0 < report_id < 2**62:
        raise _not_found("report", report_id)
    return Report(**state(request).store.withdraw_report(user.id, report_id).public())


@router.get("/me/access", responses=ERRORS)
def my_access_log(request: Request, user: Submitter) -> list[dict[str, Any]]:
    """What others did with your reports: reads and break-glass reads, under the real actor."""
    return state(request).store.access_to_reports_of(user.id)


@router.get("/releases", response_model=list[ReleaseSummary], responses=ERRORS)
def list_releases(request: Request, user: Reader) -> list[ReleaseSummary]:
    """Numbers and dates of the published releases (oldest first)."""
    app = state(request)
    app.store.audit(user.id, "list_releases")
    return [ReleaseSummary(number=r["number"], created_at=r["created_at"]) for r in app.store.releases()]


def _release(request: Request, user: User, number: int | None) -> Release:
    app = state(request)
    stored = app.store.releases()
    chosen = stored[-1] if number is None and stored else next((r for r in stored if r["number"] == number), None)
    if chosen is None:
        raise ApiError(404, "not_found", "no release yet" if number is None else f"no release {number}")
    app.store.audit(user.id, "read_release", [], f"release {chosen['number']}")
    return Release(**published_release(chosen))


@router.get("/releases/latest", response_model=Release, responses=ERRORS)
def latest_release(request: Request, user: Reader) -> Release:
    """The newest release: alert counts by product × country × week and severity × week after disclosure
    control (suppression, differencing checks against every earlier release, cell-key perturbation)."""
    return _release(request, user, None)


@router.get("/releases/{number}", response_model=Release, responses=ERRORS)
def one_release(number: int, request: Request, user: Reader) -> Release:
    """One release by number (releases never change once cut)."""
    return _release(request, user, number if 0 < number < 2**31 else -1)


@router.post("/releases", status_code=201, response_model=Release, responses=ERRORS)
def new_release(request: Request, user: Reader) -> Release:
    """Cut the next release now (analysts and admins). 409 when fewer new submitters than the policy needs
    have contributed since the previous release."""
    app = state(request)
    cut_release(app.store, app.settings.disclosure, app.settings.release_policy, cut_by=user.id, reason="on request")
    return _release(request, user, None)


@router.get("/aggregates", response_model=Release, responses=ERRORS, deprecated=True)
def aggregates(request: Request, user: Reader) -> Release:
    """The latest release (kept for clients of the live aggregates, which no longer exist)."""
    return _release(request, user, None)


@router.get("/meta", tags=["meta"])
def meta(request: Request) -> dict[str, Any]:
    """Allowed report kinds and severities, the disclosure rules and release policy, the schema version."""
    app = state(request)
    return {
        "kinds": [k.value for k in AlertKind],
        "severities": {str(k): v for k, v in SEVERITY_LABELS.items()},
        "disclosure": app.settings.disclosure.describe(),
        "release_policy": app.settings.release_policy.describe(),
        "schema_version": app.store.schema_version(),
        "database": app.store.dialect,
        "read_only": app.store.read_only,
    }


users = APIRouter(prefix="/api", tags=["admin"])


def _user_out(u: User) -> UserOut:
    return UserOut(id=u.id, name=u.name, role=u.role, active=u.active, created_at=u.created_at)


@users.post("/users", status_code=201, response_model=UserWithToken, responses=ERRORS)
def create_user(body: UserIn, request: Request, admin: Admin) -> UserWithToken:
    """Create a user and return its first token (shown once; the user should rotate it with
    ``POST /api/me/token``, after which the admin no longer knows it)."""
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
    """Deactivate a user: its token and every session are revoked for good. An admin can be deactivated
    only while at least two other active admins remain (409 otherwise), so no admin can lock out the rest."""
    _existing(request, user_id)
    if user_id == admin.id:
        raise ApiError(409, "conflict", "an admin cannot deactivate itself")
    app = state(request)
    updated = app.store.set_active(user_id, False, min_admins=2)
    app.store.audit(admin.id, "deactivate_user", detail=f"user {user_id}")
    return _user_out(updated)


@users.post("/users/{user_id}/activate", response_model=UserOut, responses=ERRORS)
def activate(user_id: int, request: Request, admin: Admin) -> UserOut:
    """Reactivate a user; old tokens stay revoked (a new one comes from ``supplyscope alerts reset-token``)."""
    _existing(request, user_id)
    app = state(request)
    app.store.audit(admin.id, "activate_user", detail=f"user {user_id}")
    return _user_out(app.store.set_active(user_id, True))


@users.post("/users/{user_id}/token", response_model=RevokedOut, responses=ERRORS)
def revoke(user_id: int, request: Request, admin: Admin) -> RevokedOut:
    """Revoke a user's token and sessions. No new token is returned: an admin never holds a token that
    acts as another user. The user gets a new one from the operator (``supplyscope alerts reset-token``)."""
    _existing(request, user_id)
    app = state(request)
    app.store.revoke_credentials(user_id)
    app.store.audit(admin.id, "revoke_token", detail=f"user {user_id}")
    return RevokedOut(user_id=user_id, revoked=True)


@users.post("/me/token", response_model=UserWithToken, responses=ERRORS, tags=["alerts"])
def rotate_own(request: Request, user: AnyUser) -> UserWithToken:
    """Replace your own token (the one used for this request stops working)."""
    app = state(request)
    token = app.store.rotate_token(user.id)
    app.store.audit(user.id, "rotate_own_token")
    return UserWithToken(user=_user_out(user), token=token)


@users.get("/audit", responses=ERRORS)
def audit_log(
    request: Request,
    admin: Admin,
    report_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> list[dict[str, Any]]:
    """Audit log entries, newest first (admins only). Entries about confidential reports carry no report
    id, and filtering by one finds nothing, exactly as for an unknown id."""
    app = state(request)
    app.store.audit(admin.id, "read_audit")
    return app.store.audit_entries(report_id=report_id, limit=limit)


@users.post("/break-glass", status_code=201, response_model=BreakGlassOut, responses=ERRORS)
def request_break_glass(body: BreakGlassIn, request: Request, admin: Admin) -> BreakGlassOut:
    """Ask to read one raw report (confidential included); a second admin must approve."""
    return BreakGlassOut(id=state(request).store.request_break_glass(admin.id, body.report_id, body.reason))


@users.post("/break-glass/{request_id}/approve", response_model=BreakGlassOut, responses=ERRORS)
def approve_break_glass(request_id: int, request: Request, admin: Admin) -> BreakGlassOut:
    """Approve another admin's break-glass request (409 for your own)."""
    if not 0 < request_id < 2**62:
        raise _not_found("break-glass request", request_id)
    state(request).store.approve_break_glass(admin.id, request_id)
    return BreakGlassOut(id=request_id)


@users.get("/break-glass/{request_id}/report", response_model=Report, responses=ERRORS)
def use_break_glass(request_id: int, request: Request, admin: Admin) -> BaseModel:
    """Read the report of your approved request, once; logged under you and shown to its submitter."""
    if not 0 < request_id < 2**62:
        raise _not_found("break-glass request", request_id)
    return Report(**state(request).store.use_break_glass(admin.id, request_id).public())
