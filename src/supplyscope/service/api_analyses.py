"""JSON endpoints for the assessment (``supplyscope.api``): assess and explain."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from supplyscope.service.api_alerts import ERRORS
from supplyscope.service.schemas import ErrorOut
from supplyscope.service.state import state

router = APIRouter(prefix="/api", tags=["assessment"])
RESPONSES = {**ERRORS, 503: {"model": ErrorOut, "description": "the assessment is not installed"}}

Level = Literal["product", "industry"]


@router.get("/assess", responses=RESPONSES)
async def assess(
    request: Request,
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    level: Annotated[Level, Query()] = "product",
    top: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> dict[str, Any]:
    """Resilience assessment of every product (or industry) for one importer: scores, ranks, dimensions."""
    analyses = state(request).analyses
    return await run_in_threadpool(analyses.assess, importer, year, level, top)


@router.get("/explain/{code}", responses=RESPONSES)
async def explain(
    request: Request,
    code: Annotated[str, Path(pattern=r"^[0-9A-Za-z]{2,10}$")],
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
    level: Annotated[Level, Query()] = "product",
) -> dict[str, Any]:
    """One product's (or industry's) record with its indicator contributions and suppliers."""
    analyses = state(request).analyses
    return await run_in_threadpool(analyses.explain, code, importer, level)
