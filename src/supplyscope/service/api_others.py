"""Thin JSON wrappers over other analyses, registered only when their package is installed.

- ``GET /api/screen`` — :mod:`supplyscope.screening`: one name against the bundled screening lists.
- ``GET /api/duty`` — :mod:`supplyscope.origin`: the US duty stack on one HTS line.

Each endpoint only translates query parameters and returns the analysis' own result; like the
assessment, they need a login, are rate-limited and run on the analysis pool.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request

from supplyscope.service.api_alerts import ERRORS
from supplyscope.service.security import AnyUser, client_address
from supplyscope.service.state import state


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def screening_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["screening"])

    @router.get("/screen", responses=ERRORS)
    async def screen(
        request: Request,
        user: AnyUser,
        name: Annotated[str, Query(min_length=2, max_length=200, pattern=r"^[^\x00-\x1f]+$")],
        country: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    ) -> dict[str, Any]:
        """Screen one company name against the bundled lists (OFAC SDN, UFLPA entity list)."""
        from supplyscope.screening import load_index

        def run() -> dict[str, Any]:
            hits = load_index().screen(name, country=country)
            return {"name": name, "country": country, "hits": [dataclasses.asdict(h) for h in hits]}

        app = state(request)
        app.admit_analysis(user, client_address(request))
        return await app.runner.call(("screen", name, country), run)

    return router


def duty_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["origin"])

    @router.get("/duty", responses=ERRORS)
    async def duty(
        request: Request,
        user: AnyUser,
        hts: Annotated[str, Query(pattern=r"^\d{8}(\d{2})?$", description="HTS8 or HTS10 without dots")],
        origin: Annotated[str, Query(pattern=r"^[A-Z]{3}$")],
        value: Annotated[float, Query(ge=0, le=1e12)] = 1000.0,
        agreement: Annotated[
            str | None, Query(pattern=r"^[A-Za-z0-9 _-]{1,40}$", description="US FTA name or HTS program code")
        ] = None,
        qualifies: Annotated[bool | None, Query(description="whether the good qualifies under the agreement")] = None,
        date: Annotated[
            str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="entry date YYYY-MM-DD (default today)")
        ] = None,
        quantity: Annotated[float | None, Query(ge=0, le=1e12, description="quantity in unit")] = None,
        unit: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9 .\-]{1,20}$", description="HTS unit, e.g. kg")] = None,
    ) -> dict[str, Any]:
        """US duty stack on one entry line as of an entry date: base rate, preference, 232, 301, IEEPA, 122,
        de minimis (the result of ``supplyscope duty --format json``)."""
        from supplyscope.origin.duty import duty_stack

        def run() -> dict[str, Any]:
            result: dict[str, Any] = duty_stack(
                hts, origin, value, on=date, agreement=agreement, qualifies=qualifies, quantity=quantity, unit=unit
            ).to_dict()
            return result

        app = state(request)
        app.admit_analysis(user, client_address(request))
        key = ("duty", hts, origin, value, agreement, qualifies, date, quantity, unit)
        return await app.runner.call(key, run)

    return router


def include_available(app: FastAPI) -> list[str]:
    """Add the routers whose analysis package exists in this build; returns their names."""
    added = []
    if _installed("supplyscope.screening"):
        app.include_router(screening_router())
        added.append("screening")
    if _installed("supplyscope.origin"):
        app.include_router(duty_router())
        added.append("origin")
    return added
