"""Server-rendered dashboard: heat map, ranking with filters, product drill-down, alerts.

Pages read the same analyses and store as the JSON API; plotly.js is served by the app itself
(``/assets/plotly.min.js``), so nothing is loaded from a CDN.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

import jinja2
import plotly
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import SEVERITY_LABELS, AlertKind
from supplyscope.alerts.releases import published_release
from supplyscope.codes.hs import hs6_sections
from supplyscope.config import DIMENSIONS
from supplyscope.errors import DataError, SupplyscopeError
from supplyscope.service import figures
from supplyscope.service.analyses import entity_list
from supplyscope.service.api_alerts import file_report
from supplyscope.service.errors import ApiError, status_for
from supplyscope.service.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    PageSession,
    PageUser,
    client_address,
    csrf_ok,
    new_csrf,
)
from supplyscope.service.state import state

router = APIRouter(include_in_schema=False)

GROUP_FILTERS: dict[str, tuple[str, str]] = {
    "concern": ("concern_share", "imports mainly from countries of concern"),
    "non_fta": ("non_fta_share", "imports mainly from outside FTA partners"),
    "like_minded": ("like_minded_world_share", "world supply mainly from like-minded partners"),
}
"""Country-group filters of the ranking: each uses the assessment's own share indicator."""


def _number(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(float(v)):
        return None
    return float(v)


def _num(v: object, digits: int = 1) -> str:
    x = _number(v)
    return "–" if x is None else f"{x:,.{digits}f}"


def _pct(v: object) -> str:
    x = _number(v)
    return "–" if x is None else f"{100 * x:.1f}%"


def _usd(v: object) -> str:
    """US dollars for reading: bn or m from a million up, dollars and cents below."""
    x = _number(v)
    if x is None:
        return "–"
    for scale, word in ((1e9, "bn"), (1e6, "m")):
        if abs(x) >= scale:
            return f"US$ {x / scale:,.1f} {word}"
    return f"US$ {x:,.2f}"


def _cell(v: object, key: str = "") -> str:
    """A table cell by its column name: shares in %, years and counts as integers, other numbers for reading."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    if "share" in key:
        return _pct(v)
    if key == "year" or (isinstance(v, int) and not isinstance(v, bool)) or float(v).is_integer():
        return f"{int(v):d}" if key == "year" else f"{int(v):,}"
    return f"{v:,.3g}" if abs(v) < 10 else f"{v:,.1f}"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    folder = resources.files("supplyscope.service").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.ChainableUndefined
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["usd"] = _usd
    env.filters["cell"] = _cell
    return env


def render(request: Request, name: str, session: PageSession | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A page; forms get the session's CSRF token and inline scripts the request's CSP nonce."""
    html = (
        _env()
        .get_template(name)
        .render(
            request_path=request.url.path,
            user=session.user if session else None,
            csrf=session.csrf if session else ctx.pop("csrf", ""),
            nonce=request.scope.get("state", {}).get("csp_nonce", ""),
            **ctx,
        )
    )
    return HTMLResponse(html, status_code=status)


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


def _admit(request: Request, session: PageSession) -> None:
    state(request).admit_analysis(session.user, client_address(request))


def _problem(request: Request, user: PageSession | None, exc: ApiError | SupplyscopeError) -> HTMLResponse:
    status = exc.status if isinstance(exc, ApiError) else status_for(exc)[0]
    message = exc.message if isinstance(exc, ApiError) else str(exc)
    return render(request, "problem.html", user, status=status, status_code=status, message=message)


@router.get("/assets/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package (no CDN)."""
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", response_class=HTMLResponse)
async def home(
    request: Request,
    user: PageUser,
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
    top: Annotated[int, Query(ge=5, le=200)] = 30,
) -> Response:
    if user is None:
        return _login_redirect(request)
    try:
        _admit(request, user)
        result = await state(request).runner.assess(importer, None, "product", top)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    products = entity_list(result)
    return render(
        request,
        "index.html",
        user,
        result=result,
        products=products,
        figure=figures.heatmap(products),
        importer=importer,
        top=top,
    )


def _share(record: dict[str, Any], indicator: str) -> float | None:
    value = record.get("indicators", {}).get(indicator, {}).get("value")
    return None if value is None else float(value)


@router.get("/ranking", response_class=HTMLResponse)
async def ranking(
    request: Request,
    user: PageUser,
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
    dimension: Annotated[str, Query(pattern=r"^(score|diversity|security|sustainability|transparency)$")] = "score",
    section: Annotated[str, Query(pattern=r"^[IVXL]{0,6}$")] = "",
    group: Annotated[str, Query(pattern=r"^(|concern|non_fta|like_minded)$")] = "",
    min_share: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
    top: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    if user is None:
        return _login_redirect(request)
    try:
        _admit(request, user)
        result = await state(request).runner.assess(importer, None, "product", None)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    sections = hs6_sections()
    rows = list(entity_list(result))
    if section:
        rows = [r for r in rows if sections.get(str(r.get("hs6"))) == section]
    if group:
        indicator = GROUP_FILTERS[group][0]
        rows = [r for r in rows if (_share(r, indicator) or 0.0) >= min_share]

    def key(r: dict[str, Any]) -> float:
        value = r.get("score") if dimension == "score" else r.get("dimensions", {}).get(dimension)
        return -1.0 if value is None else float(value)

    rows.sort(key=key, reverse=True)
    return render(
        request,
        "ranking.html",
        user,
        rows=rows[:top],
        matched=len(rows),
        total=len(entity_list(result)),
        importer=importer,
        dimension=dimension,
        section=section,
        group=group,
        min_share=min_share,
        top=top,
        sections=sorted({s for s in sections.values() if _is_roman(s)}, key=_roman),
        groups=GROUP_FILTERS,
        dimensions=DIMENSIONS,
    )


def _is_roman(text: str) -> bool:
    return bool(text) and set(text) <= set("IVXL")


def _roman(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for a, b in zip(text, [*text[1:], ""], strict=True):
        v = values[a]
        total += -v if b and values[b] > v else v
    return total


@router.get("/product/{code}", response_class=HTMLResponse)
async def product(
    request: Request,
    user: PageUser,
    code: str,
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
) -> Response:
    if user is None:
        return _login_redirect(request)
    if not code.isdigit() or len(code) != 6:
        return render(
            request, "problem.html", user, status=404, status_code=404, message=f"{code!r} is not a six-digit HS code"
        )
    try:
        _admit(request, user)
        record = await state(request).runner.explain(code, importer, "product")
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    indicators = sorted(record.get("indicators", {}).items(), key=lambda kv: -(kv[1].get("contribution") or 0.0))
    suppliers = list(record.get("suppliers", []))[:15]
    dims = record.get("dimensions", {})
    return render(
        request,
        "product.html",
        user,
        record=record,
        indicators=indicators,
        suppliers=suppliers,
        importer=importer,
        dims_figure=figures.bars(list(dims), list(dims.values()), "Risk by dimension (0-100)"),
        suppliers_figure=figures.bars(
            [s["country"] for s in suppliers], [s["share"] for s in suppliers], f"Suppliers of {importer}", percent=True
        ),
    )


@router.get("/alerts", response_class=HTMLResponse)
async def alerts_page(request: Request, user: PageUser) -> Response:
    """The latest release (analysts and admins): never live counts."""
    if user is None:
        return _login_redirect(request)
    if user.user.role not in (Role.analyst, Role.admin):
        return render(
            request,
            "problem.html",
            user,
            status=403,
            status_code=403,
            message="the alert releases are for analysts and admins",
        )
    app = state(request)
    stored = await run_in_threadpool(app.store.releases)
    data = published_release(stored[-1]) if stored else None
    if data is not None:
        await run_in_threadpool(app.store.audit, user.user.id, "read_release", (), f"release {data['number']}")
    tables = []
    for t in data["tables"] if data else []:
        grid = {(c["row"], c["col"]): c for c in t["cells"]}
        tables.append({**t, "grid": grid})
    week_totals = [c for c in data["tables"][0]["cells"] if c["row"] == "TOTAL" and c["col"] != "TOTAL"] if data else []
    figure = figures.bars(
        [c["col"] for c in week_totals], [c["value"] for c in week_totals], "Reports per ISO week (published cells)"
    )
    return render(request, "alerts.html", user, data=data, tables=tables, figure=figure)


def _form_context(values: dict[str, str], error: str | None = None, field: str | None = None) -> dict[str, Any]:
    return {
        "kinds": [k.value for k in AlertKind],
        "severities": SEVERITY_LABELS,
        "values": values,
        "error": error,
        "error_field": field,
    }


@router.get("/alerts/new", response_class=HTMLResponse)
async def new_alert(
    request: Request, user: PageUser, hs6: Annotated[str, Query(pattern=r"^\d{0,6}$")] = ""
) -> Response:
    if user is None:
        return _login_redirect(request)
    return render(request, "alert_new.html", user, **_form_context({"hs6": hs6}))


async def _form(request: Request) -> dict[str, str]:
    """A url-encoded form; a field sent twice or a body that is not UTF-8 is refused (422)."""
    try:
        raw = (await request.body()).decode("utf-8")
        parsed = parse_qs(raw, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise DataError("is not valid UTF-8", source="form", field="body") from None
    for key, values in parsed.items():
        if len(values) > 1:
            raise DataError("appears more than once", source="form", field=key)
    return {k: v[0] for k, v in parsed.items()}


def _forbidden(request: Request, user: PageSession | None) -> HTMLResponse:
    return render(
        request,
        "problem.html",
        user,
        status=403,
        status_code=403,
        message="this form is not valid any more (missing or wrong CSRF token, or sent from another site); reload it",
    )


def _to_int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DataError(f"must be a whole number, got {value!r}", source="form", field=name) from None


@router.post("/alerts/new", response_class=HTMLResponse)
async def post_alert(request: Request, user: PageUser) -> Response:
    if user is None:
        return _login_redirect(request)
    try:
        values = await _form(request)
    except DataError as exc:
        return render(request, "alert_new.html", user, status=422, **_form_context({}, str(exc), exc.field))
    if not csrf_ok(request, values.pop("csrf", None), user.csrf):
        return _forbidden(request, user)
    if user.user.role is not Role.submitter:
        return render(
            request, "alert_new.html", user, status=403, **_form_context(values, "only submitters can file reports")
        )
    try:
        payload: dict[str, Any] = {
            "hs6": values.get("hs6", "").strip(),
            "country": values.get("country", "").strip().upper(),
            "region": values.get("region", ""),
            "facility": values.get("facility", ""),
            "kind": values.get("kind", ""),
            "start_date": values.get("start_date", ""),
            "expected_duration_days": _to_int(values.get("expected_duration_days", ""), "expected_duration_days"),
            "severity": _to_int(values.get("severity", ""), "severity"),
            "text": values.get("text", ""),
            "confidential": values.get("confidential") in ("on", "true", "1"),
        }
        stored, _ = await run_in_threadpool(file_report, state(request), user.user, payload)
    except DataError as exc:
        return render(request, "alert_new.html", user, status=422, **_form_context(values, str(exc), exc.field))
    except ApiError as exc:
        return render(request, "alert_new.html", user, status=exc.status, **_form_context(values, exc.message))
    return render(request, "alert_done.html", user, status=201, report=stored)


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, user: PageUser, next: Annotated[str, Query(pattern=r"^/[A-Za-z0-9/_-]*$")] = "/"
) -> HTMLResponse:
    """The login form; its CSRF token is also set as a strict same-site cookie (double submit)."""
    token = new_csrf()
    response = render(request, "login.html", user, next=next, error=None, login_csrf=token)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=state(request).settings.cookie_secure,
        max_age=3600,
        path="/login",
    )
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Exchange a token for a server-side session; refused (403) without the form's CSRF token and a
    same-origin request, so another site cannot log a visitor into its own account."""
    app = state(request)
    try:
        values = await _form(request)
    except DataError:
        values = {}
    if not csrf_ok(request, values.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        await run_in_threadpool(app.store.audit, None, "login_refused", (), f"csrf from {client_address(request)}")
        return _forbidden(request, None)
    token = values.get("token", "").strip()
    target = values.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    found = await run_in_threadpool(app.store.user_for_token, token) if 0 < len(token) <= 200 else None
    if found is None:
        await run_in_threadpool(app.store.audit, None, "login_failed", (), f"from {client_address(request)}")
        retry = new_csrf()
        response = render(
            request,
            "login.html",
            None,
            status=401,
            next=target,
            error="unknown, expired or revoked token",
            login_csrf=retry,
        )
        response.set_cookie(LOGIN_CSRF_COOKIE, retry, httponly=True, samesite="strict", max_age=3600, path="/login")
        return response
    sid, _ = await run_in_threadpool(app.store.create_session, found.id)
    await run_in_threadpool(app.store.audit, found.id, "login", (), f"from {client_address(request)}")
    redirect = RedirectResponse(target, status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE, sid, httponly=True, samesite="strict", secure=app.settings.cookie_secure, max_age=8 * 3600
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return redirect


@router.post("/logout")
async def logout(request: Request, user: PageUser) -> Response:
    """End the session on the server (the cookie alone would not be enough)."""
    try:
        values = await _form(request)
    except DataError:
        values = {}
    if user is not None:
        if not csrf_ok(request, values.get("csrf"), user.csrf):
            return _forbidden(request, user)
        await run_in_threadpool(state(request).store.end_session, user.sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
