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

from supplyscope.alerts.aggregate import published_aggregates
from supplyscope.alerts.auth import Role, User
from supplyscope.alerts.codes import hs6_sections
from supplyscope.alerts.model import SEVERITY_LABELS, AlertKind
from supplyscope.errors import DataError, SupplyscopeError
from supplyscope.service import figures
from supplyscope.service.api_alerts import file_report
from supplyscope.service.errors import ApiError
from supplyscope.service.security import COOKIE, PageUser
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


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    folder = resources.files("supplyscope.service").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.ChainableUndefined
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    return env


def render(request: Request, name: str, user: User | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    html = _env().get_template(name).render(request_path=request.url.path, user=user, **ctx)
    return HTMLResponse(html, status_code=status)


def _problem(request: Request, user: User | None, exc: ApiError | SupplyscopeError) -> HTMLResponse:
    status = exc.status if isinstance(exc, ApiError) else (404 if isinstance(exc, KeyError) else 422)
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
) -> HTMLResponse:
    analyses = state(request).analyses
    try:
        result = await run_in_threadpool(analyses.assess, importer, None, "product", top)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    products = result.get("products", [])
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
) -> HTMLResponse:
    analyses = state(request).analyses
    try:
        result = await run_in_threadpool(analyses.assess, importer, None, "product", None)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    sections = hs6_sections()
    rows = list(result.get("products", []))
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
        total=len(result.get("products", [])),
        importer=importer,
        dimension=dimension,
        section=section,
        group=group,
        min_share=min_share,
        top=top,
        sections=sorted({s for s in sections.values() if _is_roman(s)}, key=_roman),
        groups=GROUP_FILTERS,
        dimensions=figures.DIMENSIONS,
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
) -> HTMLResponse:
    if not code.isdigit() or len(code) != 6:
        return render(
            request, "problem.html", user, status=404, status_code=404, message=f"{code!r} is not a six-digit HS code"
        )
    analyses = state(request).analyses
    try:
        record = await run_in_threadpool(analyses.explain, code, importer, "product")
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
    if user is None:
        return RedirectResponse(f"/login?next={quote('/alerts')}", status_code=303)
    if user.role not in (Role.analyst, Role.admin):
        return render(
            request,
            "problem.html",
            user,
            status=403,
            status_code=403,
            message="the alert aggregates are for analysts and admins",
        )
    app = state(request)
    data = await run_in_threadpool(lambda: published_aggregates(app.store.contributions(), app.settings.disclosure))
    tables = []
    for t in data["tables"]:
        grid = {(c["row"], c["col"]): c for c in t["cells"]}
        tables.append({**t, "grid": grid})
    week_totals = (
        [c for c in data["tables"][0]["cells"] if c["row"] == "TOTAL" and c["col"] != "TOTAL"] if data["tables"] else []
    )
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
        return RedirectResponse(f"/login?next={quote('/alerts/new')}", status_code=303)
    return render(request, "alert_new.html", user, **_form_context({"hs6": hs6}))


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _to_int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DataError(f"must be a whole number, got {value!r}", source="form", field=name) from None


@router.post("/alerts/new", response_class=HTMLResponse)
async def post_alert(request: Request, user: PageUser) -> Response:
    if user is None:
        return RedirectResponse(f"/login?next={quote('/alerts/new')}", status_code=303)
    values = await _form(request)
    if user.role is not Role.submitter:
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
        stored, _ = await run_in_threadpool(file_report, state(request), user, payload)
    except DataError as exc:
        return render(request, "alert_new.html", user, status=422, **_form_context(values, str(exc), exc.field))
    except ApiError as exc:
        return render(request, "alert_new.html", user, status=exc.status, **_form_context(values, exc.message))
    return render(request, "alert_done.html", user, status=201, report=stored)


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, user: PageUser, next: Annotated[str, Query(pattern=r"^/[A-Za-z0-9/_-]*$")] = "/"
) -> HTMLResponse:
    return render(request, "login.html", user, next=next, error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    values = await _form(request)
    token = values.get("token", "").strip()
    target = values.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    found = state(request).store.user_for_token(token) if 0 < len(token) <= 200 else None
    if found is None:
        return render(request, "login.html", None, status=401, next=target, error="unknown or inactive token")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=state(request).settings.cookie_secure, max_age=8 * 3600
    )
    return response


@router.post("/logout")
async def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response
