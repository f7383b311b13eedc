"""The FastAPI application: JSON API, dashboard pages and the app's own static assets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from supplyscope import __version__
from supplyscope.alerts.storage import open_store
from supplyscope.service import api_alerts, api_analyses, api_others, pages
from supplyscope.service.analyses import Analyses, PackageAnalyses
from supplyscope.service.errors import install_handlers
from supplyscope.service.limits import BodySizeLimit
from supplyscope.service.settings import ServiceSettings
from supplyscope.service.state import AppState


def create_app(settings: ServiceSettings | None = None, *, analyses: Analyses | None = None) -> FastAPI:
    """Build the app: open (and migrate) the alert store, mount routes, static files and error handlers."""
    cfg = settings or ServiceSettings()
    store = open_store(cfg.db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="supplyscope",
        version=__version__,
        description="Supply-chain resilience assessment, disruption alerts and confidential aggregates.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger UI and ReDoc pages load their assets from a CDN
        redoc_url=None,
    )
    app.state.supplyscope = AppState(settings=cfg, store=store, analyses=analyses or PackageAnalyses(cfg.warehouse))
    install_handlers(app)
    app.include_router(api_alerts.router)
    app.include_router(api_alerts.users)
    app.include_router(api_analyses.router)
    api_others.include_available(app)
    app.include_router(pages.router)
    static_dir = resources.files("supplyscope.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    app.add_middleware(BodySizeLimit, max_bytes=cfg.max_body_bytes)
    return app
