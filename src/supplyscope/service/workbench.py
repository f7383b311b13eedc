"""The analyst's workbench pages: country dependence, exposure and shocks, duty, minerals, screening, supply maps.

Every page calls the same analysis functions as the command line (``supplyscope.api``, ``inputoutput``,
``origin``, ``minerals``, ``screening``, ``network``) on the app's analysis pool, behind the same login and
rate limits as the assessment. Forms that only read use GET; uploads are POST with the session's CSRF token,
limited by the app's body-size limit (413 beyond it), and a bad file is answered with a one-line error.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Hashable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from supplyscope.alerts.auth import Role
from supplyscope.errors import DataError, SupplyscopeError
from supplyscope.inputoutput.model import IOTable
from supplyscope.service import figures
from supplyscope.service.errors import ApiError
from supplyscope.service.pages import _admit, _forbidden, _form, _login_redirect, _problem, render
from supplyscope.service.security import PageSession, PageUser, csrf_ok
from supplyscope.service.state import state

router = APIRouter(include_in_schema=False)

ISO3 = r"^[A-Z]{3}$"
UPLOAD_PATHS = ("/screening", "/supply-map", "/duty/origin")
"""POST paths that take a file; the app gives them ``ServiceSettings.max_upload_bytes`` instead of the body limit."""
MAX_ROWS = 200
"""Rows shown in a result table; the CLI writes the full result."""


@lru_cache(maxsize=1)
def _icio() -> IOTable:
    """The bundled OECD ICIO table, factorised once per process."""
    from supplyscope.inputoutput import load_icio

    table = load_icio()
    table.lu  # noqa: B018 - factorise once
    return table


async def _compute(
    request: Request, session: PageSession, key: Hashable, fn: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Admit one analysis request (rate limits) and run ``fn`` on the analysis pool, cached under ``key``."""
    _admit(request, session)
    return await state(request).runner.call(key, fn)


NUMBER = r"^(\d{1,15}(\.\d{0,6})?)?$"
PRICES = r"^(\s*\d{1,15}(\.\d{0,6})?\s*(,\s*\d{1,15}(\.\d{0,6})?\s*){0,39})?$"
"""A price path in a GET form: up to 40 non-negative numbers separated by commas."""
"""An optional non-negative number in a GET form: browsers send an empty field as ``name=``."""


def _optional(text: str) -> float | None:
    return float(text) if text else None


def _records(frame: Any, limit: int = MAX_ROWS) -> list[dict[str, Any]]:
    head = frame.head(limit)
    out: list[dict[str, Any]] = head.astype(object).where(head.notna(), None).to_dict(orient="records")
    return out


# -- country view ---------------------------------------------------------------------------------


@router.get("/dependence", response_class=HTMLResponse)
async def dependence_page(
    request: Request,
    user: PageUser,
    importer: Annotated[str, Query(pattern=ISO3)] = "USA",
    top: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """For one importer: its dependence on each partner, at face value and look-through."""
    if user is None:
        return _login_redirect(request)

    def run() -> dict[str, Any]:
        from supplyscope import api

        return dict(api.dependence(importer, db=state(request).settings.warehouse).to_dict(top))

    try:
        doc = await _compute(request, user, ("dependence", importer, top), run)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    rows = doc["partners"]
    return render(
        request,
        "dependence.html",
        user,
        doc=doc,
        importer=importer,
        top=top,
        figure=figures.grouped_bars(
            [r["partner"] for r in rows],
            {
                "import share (trade, face value)": [r["import_share"] for r in rows],
                "IO direct share": [r["io_direct_share"] for r in rows],
                "IO look-through share": [r["io_look_through_share"] for r in rows],
            },
            f"Dependence of {importer} on its partners (share of foreign supply)",
        ),
    )


# -- exposure and shocks ----------------------------------------------------------------------------


@router.get("/exposure", response_class=HTMLResponse)
async def exposure_page(
    request: Request,
    user: PageUser,
    country: Annotated[str, Query(pattern=ISO3)] = "USA",
    source: Annotated[str, Query(pattern=ISO3)] = "CHN",
    shock_country: Annotated[str, Query(pattern=r"^([A-Z]{3})?$")] = "",
    sector: Annotated[str, Query(pattern=r"^[A-Z0-9_]{0,10}$")] = "",
    cut: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
    target: Annotated[str, Query(pattern=r"^(exports|output)$")] = "exports",
    top: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Face-value vs look-through exposure of ``country`` to ``source``; optionally one cut and its ripple."""
    if user is None:
        return _login_redirect(request)

    def run_exposure() -> dict[str, Any]:
        from supplyscope.inputoutput.exposure import exposure

        table = _icio()
        frame = exposure(table, country, source).sort_values("look_through", ascending=False)
        return {"table": table.name, "unit": table.unit, "rows": _records(frame)}

    def run_shock() -> dict[str, Any]:
        from supplyscope.inputoutput.scenarios import Scenario, Shock
        from supplyscope.inputoutput.shocks import run_scenarios

        table = _icio()
        table.region_index(shock_country)
        if sector not in table.sector_list:
            raise DataError(f"unknown sector {sector!r}", source="form", field="sector")
        name = f"{round(cut * 100)}% cut of {shock_country} {sector} {target}"
        scenario = Scenario(name, (Shock(shock_country, sector, cut, target=target),))
        res = run_scenarios(table, [scenario], methods=("ghosh", "leontief"))[0]
        return {
            "name": name,
            "headline": res.headline(table.unit, country),
            "summary": _records(res.summary(country)),
            "impacts": _records(res.top(top, None).drop(columns=["output"])),
            "notes": list(res.notes),
        }

    try:
        exp = await _compute(request, user, ("exposure", country, source), run_exposure)
        shock = None
        if shock_country and sector:
            shock = await _compute(
                request, user, ("shock", shock_country, sector, cut, target, top, country), run_shock
            )
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    table = _icio()
    rows = exp["rows"][:top]
    return render(
        request,
        "exposure.html",
        user,
        exp=exp,
        rows=rows,
        shock=shock,
        country=country,
        source=source,
        shock_country=shock_country,
        sector=sector,
        cut=cut,
        target=target,
        top=top,
        regions=table.region_list,
        sectors=[(s, table.sector_names.get(s, s)) for s in table.sector_list],
        sector_names=table.sector_names,
        figure=figures.grouped_bars(
            [f"{r['industry']} {r['industry_name']}"[:48] for r in rows],
            {"face value": [r["face_value"] for r in rows], "look-through": [r["look_through"] for r in rows]},
            f"Share of {source} in the inputs of {country}'s industries",
        ),
    )


# -- duty and origin --------------------------------------------------------------------------------


@router.get("/duty", response_class=HTMLResponse)
async def duty_page(
    request: Request,
    user: PageUser,
    hts: Annotated[str, Query(pattern=r"^(\d{8}(\d{2})?)?$")] = "",
    origin: Annotated[str, Query(pattern=ISO3)] = "CHN",
    value: Annotated[float, Query(ge=0, le=1e12)] = 1000.0,
    date: Annotated[str, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    quantity: Annotated[str, Query(pattern=NUMBER)] = "",
    unit: Annotated[str, Query(pattern=r"^[A-Za-z0-9. ]{0,12}$")] = "",
    agreement: Annotated[str, Query(pattern=r"^[A-Za-z0-9_-]{0,40}$")] = "",
) -> Response:
    """The US duty stack on one line at an entry date (the same ``origin.duty_stack`` as ``supplyscope duty``)."""
    if user is None:
        return _login_redirect(request)
    result = None
    if hts:

        def run() -> dict[str, Any]:
            from supplyscope.origin import duty_stack

            out: dict[str, Any] = duty_stack(
                hts,
                origin,
                value,
                on=date or None,
                quantity=_optional(quantity),
                unit=unit or None,
                agreement=agreement or None,
            ).to_dict()
            return out

        try:
            result = await _compute(request, user, ("duty", hts, origin, value, date, quantity, unit, agreement), run)
        except (ApiError, SupplyscopeError) as exc:
            return _problem(request, user, exc)
    values = {"hts": hts, "origin": origin, "value": value, "date": date, "quantity": quantity, "unit": unit}
    return _duty(request, user, result=result, values={**values, "agreement": agreement})


def _duty(request: Request, session: PageSession, **ctx: Any) -> HTMLResponse:
    """The duty page: the one-line calculator and the BOM origin calculator (with its agreements)."""
    from supplyscope.origin.agreements import available_agreements

    ctx.setdefault("result", None)
    ctx.setdefault("values", {"hts": "", "origin": "CHN", "value": 1000.0, "date": "", "quantity": "", "unit": ""})
    ctx.setdefault("bom", None)
    ctx.setdefault("bom_values", {"agreement": "", "date": "", "text": ""})
    limit = state(request).settings.max_upload_bytes
    return render(request, "duty.html", session, agreements=available_agreements(), limit=limit, **ctx)


DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})?$")


@router.post("/duty/origin", response_class=HTMLResponse)
async def origin_calculator(request: Request, user: PageUser) -> Response:
    """Origin of an uploaded or pasted BOM under an agreement, and its duty stack on an entry date.

    The same ``origin.report.evaluate_bom`` as ``supplyscope origin BOM --agreement A --date D``.
    """
    if user is None:
        return _login_redirect(request)
    from supplyscope.origin.agreements import available_agreements

    try:
        form = await request.form(max_files=1, max_fields=20)
    except (HTTPException, MultiPartException, ValueError):
        return _problem(request, user, DataError("is not a valid multipart form", source="upload", field="body"))
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(request, fields.get("csrf"), user.csrf):
        return _forbidden(request, user)
    agreement, date, text = fields.get("agreement", ""), fields.get("date", ""), fields.get("bom", "").strip()
    if agreement and agreement not in available_agreements():
        return _problem(request, user, DataError(f"unknown agreement {agreement!r}", source="form", field="agreement"))
    if not DATE.match(date):
        return _problem(request, user, DataError("must be YYYY-MM-DD", source="form", field="date"))
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        name, data = upload.filename, await upload.read()
        suffix = ".csv" if name.lower().endswith(".csv") else ".json"
    elif text:
        name, data = "the pasted BOM", text.encode("utf-8")
        suffix = ".json" if text.startswith(("{", "[")) else ".csv"
    else:
        return _problem(request, user, DataError("choose a BOM file or paste one", source="form", field="bom"))
    if not data:
        return _problem(request, user, DataError("the file is empty", source=name, field="file"))
    folder = Path(tempfile.mkdtemp(prefix="supplyscope-bom-"))
    path = folder / f"bom{suffix}"
    path.write_bytes(data)

    def run() -> dict[str, Any]:
        from supplyscope.origin.bom import load_bom
        from supplyscope.origin.report import evaluate_bom

        try:
            bom = load_bom(path)
        except DataError as exc:
            raise _renamed(exc, name) from None
        out: dict[str, Any] = evaluate_bom(bom, agreement or None, on=date or None).to_dict()
        out["bom"] = {"name": bom.name or name, "hts": bom.hts, "value": bom.value, "country": bom.country}
        return out

    key = ("origin", hashlib.sha256(data).hexdigest(), suffix, agreement, date)
    try:
        result = await _compute(request, user, key, run)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    finally:
        _discard(path)
    values = {"agreement": agreement, "date": date, "text": text}
    return _duty(request, user, bom=result, bom_values=values)


# -- minerals ---------------------------------------------------------------------------------------


@router.get("/minerals", response_class=HTMLResponse)
async def minerals_page(
    request: Request,
    user: PageUser,
    mineral: Annotated[str, Query(pattern=r"^[a-z0-9-]{0,40}$")] = "",
    coalition: Annotated[str, Query(pattern=r"^[a-z_]{1,40}$")] = "like_minded",
    price_text: Annotated[str, Query(alias="price", pattern=NUMBER)] = "",
    budget_text: Annotated[str, Query(alias="budget", pattern=NUMBER)] = "",
    path_text: Annotated[str, Query(alias="prices", pattern=PRICES, max_length=400)] = "",
    floor_text: Annotated[str, Query(alias="floor", pattern=NUMBER)] = "",
    strike_text: Annotated[str, Query(alias="strike", pattern=NUMBER)] = "",
    volume_text: Annotated[str, Query(alias="volume", pattern=NUMBER)] = "",
    unit: Annotated[str, Query(pattern=r"^[A-Za-z0-9$/ .-]{0,30}$")] = "USD per unit",
    two_sided: Annotated[str, Query(pattern=r"^(on)?$")] = "",
) -> Response:
    """Stage concentration and coalition coverage of one mineral (or all), and the stockpile, price-floor and
    contract-for-difference simulators (the same ``minerals.policy`` functions as ``supplyscope minerals``)."""
    if user is None:
        return _login_redirect(request)
    price, budget = _optional(price_text), _optional(budget_text)
    floor, strike, volume = _optional(floor_text), _optional(strike_text), _optional(volume_text)
    prices = tuple(float(p) for p in path_text.split(",") if p.strip())

    def run() -> dict[str, Any]:
        from supplyscope.data.sources.usgs_mcs import load_production
        from supplyscope.minerals.concentration import stage_concentration
        from supplyscope.minerals.coverage import partner_coverage
        from supplyscope.minerals.groups import concern_group, resolve_group
        from supplyscope.minerals.trade import load_mineral_imports

        chosen = [mineral] if mineral else None
        long = load_production(None)
        concern = concern_group(None)
        conc = stage_concentration(long, minerals=chosen, concern=concern.members)
        cov = partner_coverage(
            long, load_mineral_imports(), resolve_group(coalition, None), concern, minerals=chosen, top=3
        )
        return {"concentration": _records(conc), "supply": _records(cov.supply), "candidates": _records(cov.candidates)}

    def run_stockpile() -> dict[str, Any]:
        from supplyscope.codes.minerals import resolve_mineral
        from supplyscope.minerals.policy import stockpile
        from supplyscope.minerals.trade import import_volume

        assert price is not None
        m = resolve_mineral(mineral)
        volume, basis = import_volume(m.key, price, key="mineral")
        res = stockpile(m.key, price, volume, budget=budget)
        return {**res.as_dict(), "volume_basis": basis}

    def run_path() -> dict[str, Any]:
        from supplyscope.codes.minerals import resolve_mineral
        from supplyscope.minerals.policy import PricePath, cfd_subsidy, price_floor, totals

        assert volume is not None
        m = resolve_mineral(mineral)
        path = PricePath(m.key, tuple(str(i + 1) for i in range(len(prices))), prices, unit)
        out: dict[str, Any] = {"mineral": m.key, "unit": unit, "volume": volume}
        if floor is not None:
            pf = price_floor(path, floor, volume)
            out["floor"] = {"at": floor, "periods": _records(pf), "totals": totals(pf, ["duty_revenue"])}
        if strike is not None:
            cfd = cfd_subsidy(path, strike, volume, two_sided=bool(two_sided))
            out["cfd"] = {"at": strike, "periods": _records(cfd), "totals": totals(cfd, ["budget_cost"])}
        return out

    try:
        doc = await _compute(request, user, ("minerals", mineral, coalition), run)
        pile = None
        if mineral and price:
            pile = await _compute(request, user, ("stockpile", mineral, price, budget), run_stockpile)
        sim = None
        if prices or floor is not None or strike is not None:
            if not mineral:
                raise DataError("choose one mineral for the price simulators", source="form", field="mineral")
            if not prices or volume is None or (floor is None and strike is None):
                raise DataError("give prices, a volume and a floor or a strike", source="form", field="prices")
            key = ("price-path", mineral, prices, floor, strike, volume, unit, two_sided)
            sim = await _compute(request, user, key, run_path)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, user, exc)
    from supplyscope.codes.minerals import load_catalog

    conc = [r for r in doc["concentration"] if r.get("hhi") is not None]
    return render(
        request,
        "minerals.html",
        user,
        doc=doc,
        pile=pile,
        sim=sim,
        sim_values={
            "prices": path_text,
            "floor": floor_text,
            "strike": strike_text,
            "volume": volume_text,
            "unit": unit,
            "two_sided": bool(two_sided),
        },
        mineral=mineral,
        coalition=coalition,
        price=price,
        budget=budget,
        minerals=sorted(load_catalog()),
        figure=figures.grouped_bars(
            [f"{r['mineral']} ({r['stage']})" for r in conc][:40],
            {
                "top-country share": [r["top_share"] for r in conc][:40],
                "China share": [r["chn_share"] for r in conc][:40],
            },
            "Share of world output at each stage (USGS)",
        ),
    )


# -- uploads: screening and supply maps -------------------------------------------------------------


async def _upload(
    request: Request, user: PageSession | None, suffix: str
) -> tuple[Path, dict[str, str], PageSession] | Response:
    """The uploaded file (saved to a private temporary file), the other fields and the session.

    Only analysts and admins may upload, with the session's CSRF token from this site.
    """
    session = _gate(request, user)
    if isinstance(session, Response):
        return session
    try:
        form = await request.form(max_files=1, max_fields=20)
    except (HTTPException, MultiPartException, ValueError):  # a malformed multipart body
        return _problem(request, session, DataError("is not a valid multipart form", source="upload", field="body"))
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(request, fields.get("csrf"), session.csrf):
        return _forbidden(request, session)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _problem(request, session, DataError("no file was chosen", source="upload", field="file"))
    data = await upload.read()
    if not data:
        return _problem(request, session, DataError("the file is empty", source=upload.filename, field="file"))
    folder = Path(tempfile.mkdtemp(prefix="supplyscope-upload-"))
    path = folder / f"upload{suffix}"
    path.write_bytes(data)
    return path, {**fields, "filename": upload.filename, "sha256": hashlib.sha256(data).hexdigest()}, session


REVIEWERS = (Role.analyst, Role.admin)
"""Who may upload supplier files and supply maps (they name a company's suppliers)."""


def _gate(request: Request, user: PageSession | None) -> PageSession | Response:
    """The session of an analyst or admin, else the login redirect or a 403 page."""
    if user is None:
        return _login_redirect(request)
    if user.user.role not in REVIEWERS:
        message = "uploads of supplier files and supply maps are for analysts and admins"
        return _problem(request, user, ApiError(403, "forbidden", message))
    return user


def _renamed(exc: DataError, filename: str) -> DataError:
    """The same error, naming the uploaded file instead of its temporary copy."""
    return DataError(exc.detail, source=filename, row=exc.row, field=exc.field)


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.parent.rmdir()


_AUDIT_LOCK = threading.Lock()
"""One writer at a time on the screening audit log, so each record chains onto the one before it."""
RUN_ID = re.compile(r"^[0-9a-f]{32}$")


def _runs() -> Path:
    """Where the dashboard keeps uploaded supplier files and their results CSVs (one folder per run)."""
    from supplyscope.data.paths import home

    return home() / "service" / "screening"


def _audit(record: dict[str, Any]) -> dict[str, Any]:
    from supplyscope.screening.audit import append, default_audit_path

    with _AUDIT_LOCK:
        return append(default_audit_path(), record)


def _screen_file(source: Path, filename: str, user: str) -> dict[str, Any]:
    """Screen a saved upload like ``supplyscope screen FILE --out``: results CSV beside it, one audit record."""
    from supplyscope._version import __version__
    from supplyscope.screening.audit import file_sha256
    from supplyscope.screening.batch import caveat, iter_suppliers, list_versions, screen_stream
    from supplyscope.screening.bundle import load_index
    from supplyscope.screening.index import DEFAULT_THRESHOLD

    try:
        header = source.read_text(encoding="utf-8").splitlines()[0].lower().split(",")
    except (UnicodeDecodeError, IndexError):
        raise DataError("is not a UTF-8 CSV file", source=filename, row=0, field="header") from None
    cols = {c.strip().strip('"') for c in header}
    index = load_index()
    lists = index.list_meta
    results = source.with_name("results.csv")
    try:
        rows = iter_suppliers(
            source, "name", "country" if "country" in cols else None, "address" if "address" in cols else None
        )
        run = screen_stream(index, rows, out=results, keep_shown=MAX_ROWS)
    except DataError as exc:
        raise _renamed(exc, filename) from None
    record = _audit(
        {
            "command": "screen",
            "via": "dashboard",
            "supplyscope_version": __version__,
            "user": user,
            "input": str(source),
            "input_name": filename,
            "input_sha256": file_sha256(source),
            "output": str(results),
            "output_sha256": run.output_sha256,
            "threshold": DEFAULT_THRESHOLD,
            "lists": lists,
            "list_versions": list_versions(lists),
            "caveat": caveat(lists),
            "counts": run.counts,
        }
    )
    return {
        "run": source.parent.name,
        "filename": filename,
        "summary": run.counts,
        "rows": [r.to_json() for r in run.shown],
        "truncated": run.shown_truncated,
        "list_versions": list_versions(lists),
        "caveat": caveat(lists),
        "audit_hash": record["hash"],
    }


def _screening(request: Request, session: PageSession, **ctx: Any) -> HTMLResponse:
    from supplyscope.screening.audit import DECISIONS

    limit = state(request).settings.max_upload_bytes
    return render(request, "screening.html", session, limit=limit, decisions=DECISIONS, **ctx)


@router.get("/screening", response_class=HTMLResponse)
async def screening_form(request: Request, user: PageUser) -> Response:
    session = _gate(request, user)
    if isinstance(session, Response):
        return session
    return _screening(request, session, result=None)


@router.post("/screening", response_class=HTMLResponse)
async def screening_upload(request: Request, user: PageUser) -> Response:
    """Screen an uploaded supplier CSV (columns ``name`` and optionally ``country``, ``address``)."""
    got = await _upload(request, user, ".csv")
    if isinstance(got, Response):
        return got
    upload, fields, session = got
    folder = _runs() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    source = folder / "input.csv"
    shutil.move(str(upload), source)
    _discard(upload)
    try:
        result = await _compute(
            request,
            session,
            ("screen-upload", folder.name),
            lambda: _screen_file(source, fields["filename"], session.user.name),
        )
    except (ApiError, SupplyscopeError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _problem(request, session, exc)
    return _screening(request, session, result=result)


@router.post("/screening/decision", response_class=HTMLResponse)
async def screening_decision(request: Request, user: PageUser) -> Response:
    """Record one decision on one hit in the audit log, exactly as ``supplyscope screen review`` does."""
    session = _gate(request, user)
    if isinstance(session, Response):
        return session
    try:
        values = await _form(request)
    except DataError as exc:
        return _problem(request, session, exc)
    if not csrf_ok(request, values.get("csrf"), session.csrf):
        return _forbidden(request, session)
    run = values.get("run", "")
    results = _runs() / run / "results.csv"
    if not RUN_ID.match(run) or not results.is_file():
        return _problem(request, session, DataError("unknown screening run", source="form", field="run"))

    def record() -> dict[str, Any]:
        from supplyscope.screening import review as rv
        from supplyscope.screening.audit import file_sha256

        try:
            row = int(values.get("row", ""))
        except ValueError:
            raise DataError("not a row number", source="form", field="row") from None
        hits = rv.read_results(results)
        item = rv.Decision(
            row, values.get("entity_id", ""), values.get("decision", ""), values.get("reason", "").strip(), 0
        )
        checked = rv.check([item], hits, results, None)
        versions = sorted({h["list_versions"] for h in hits.values()})
        rec = _audit(
            {
                "command": "review",
                "via": "dashboard",
                "user": session.user.name,
                "results": str(results),
                "results_sha256": file_sha256(results),
                "list_versions": versions[0] if len(versions) == 1 else versions,
                "decisions": checked,
            }
        )
        return {"decision": checked[0], "audit_hash": rec["hash"], "user": session.user.name}

    try:
        _admit(request, session)
        done = await run_in_threadpool(record)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, session, exc)
    return _screening(request, session, result=None, recorded=done)


@router.get("/supply-map", response_class=HTMLResponse)
async def supply_map_form(request: Request, user: PageUser) -> Response:
    session = _gate(request, user)
    if isinstance(session, Response):
        return session
    return render(request, "supply_map.html", session, result=None, limit=state(request).settings.max_upload_bytes)


@router.post("/supply-map", response_class=HTMLResponse)
async def supply_map_upload(request: Request, user: PageUser) -> Response:
    """Trace an uploaded JSON supply-map template (the format ``supplyscope trace`` reads)."""
    got = await _upload(request, user, ".json")
    if isinstance(got, Response):
        return got
    path, fields, session = got

    def run() -> dict[str, Any]:
        from supplyscope.data.build import ensure_built
        from supplyscope.network.flags import default_screener
        from supplyscope.network.templates import read_graph
        from supplyscope.network.trace import trace
        from supplyscope.network.tradebasis import trade_basis
        from supplyscope.report.network import figure

        try:
            graph = read_graph(path)
        except DataError as exc:
            raise _renamed(exc, fields["filename"]) from None
        db = state(request).settings.warehouse
        screener, region = default_screener(db)
        with ensure_built(db) as wh:
            trade = trade_basis(wh)
        result = trace(graph, screener=screener, region=region, trade=trade)
        return {"filename": fields["filename"], "doc": result.to_dict(), "figure": str(figure(result).to_json())}

    try:
        result = await _compute(request, session, ("supply-map", fields["sha256"], fields["filename"]), run)
    except (ApiError, SupplyscopeError) as exc:
        return _problem(request, session, exc)
    finally:
        _discard(path)
    return render(request, "supply_map.html", session, result=result, limit=state(request).settings.max_upload_bytes)
