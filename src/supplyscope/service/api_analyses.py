"""JSON endpoints for the assessment (``supplyscope.api``): assess and explain.

Both need a login, are rate-limited per user and per client address, and are served by the app's
:class:`~supplyscope.service.analyses.AnalysisRunner` (cached, computed off the request path).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from supplyscope.service.api_alerts import ERRORS
from supplyscope.service.security import AnyUser, client_address
from supplyscope.service.state import state

router = APIRouter(prefix="/api", tags=["assessment"])
RESPONSES = ERRORS

Level = Literal["product", "industry"]


@router.get("/assess", responses=RESPONSES)
async def assess(
    request: Request,
    user: AnyUser,
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    level: Annotated[Level, Query()] = "product",
    top: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> dict[str, Any]:
    """Resilience assessment of every product (or industry) for one importer: scores, ranks, dimensions.
    With ``top`` exactly the first ``top`` entities are returned."""
    app = state(request)
    app.admit_analysis(user, client_address(request))
    return await app.runner.assess(importer, year, level, top)


@router.get("/explain/{code}", responses=RESPONSES)
async def explain(
    request: Request,
    user: AnyUser,
    code: Annotated[str, Path(pattern=r"^[0-9A-Za-z]{2,10}$")],
    importer: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USA",
    level: Annotated[Level, Query()] = "product",
) -> dict[str, Any]:
    """One product's (or industry's) record with its indicator contributions and suppliers."""
    app = state(request)
    app.admit_analysis(user, client_address(request))
    return await app.runner.explain(code, importer, level)
