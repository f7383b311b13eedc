"""The FastAPI application: JSON API, dashboard pages and the app's own static assets."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from supplyscope._version import __version__
from supplyscope.alerts.releases import cut_release
from supplyscope.alerts.storage import Store, open_store
from supplyscope.errors import ConflictError, UnavailableError
from supplyscope.service import api_alerts, api_analyses, api_others, pages, workbench
from supplyscope.service.analyses import Analyses, AnalysisRunner, PackageAnalyses
from supplyscope.service.errors import install_handlers
from supplyscope.service.limits import BodySizeLimit
from supplyscope.service.ratelimit import SlidingWindow
from supplyscope.service.security import SecurityHeaders
from supplyscope.service.settings import ServiceSettings
from supplyscope.service.state import AppState

log = logging.getLogger("supplyscope.service")


async def _scheduled_releases(store: Store, cfg: ServiceSettings) -> None:
    """Try to cut a release every ``release_interval_s``; skipped quietly while too few submitters are new."""
    while True:
        await asyncio.sleep(cfg.release_interval_s)
        try:
            await run_in_threadpool(
                cut_release, store, cfg.disclosure, cfg.release_policy, cut_by=None, reason="scheduled"
            )
        except ConflictError:
            pass
        except UnavailableError as exc:
            log.warning("scheduled release skipped: %s", exc)


def create_app(settings: ServiceSettings | None = None, *, analyses: Analyses | None = None) -> FastAPI:
    """Build the app: open (and migrate) the alert store, mount routes, static files and error handlers."""
    cfg = settings or ServiceSettings()
    store = open_store(cfg.db)
    runner = AnalysisRunner(
        analyses or PackageAnalyses(cfg.warehouse), workers=cfg.analysis_workers, queue=cfg.analysis_queue
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_scheduled_releases(store, cfg)) if cfg.release_interval_s > 0 else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        runner.close()
        store.close()

    app = FastAPI(
        title="supplyscope",
        version=__version__,
        description="Supply-chain resilience assessment, disruption alerts and confidential releases.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger UI and ReDoc pages load their assets from a CDN
        redoc_url=None,
    )
    app.state.supplyscope = AppState(
        settings=cfg,
        store=store,
        analyses=runner.analyses,
        runner=runner,
        per_user=SlidingWindow(cfg.analysis_rate_user, cfg.analysis_window_s),
        per_address=SlidingWindow(cfg.analysis_rate_address, cfg.analysis_window_s),
    )
    install_handlers(app)
    app.include_router(api_alerts.router)
    app.include_router(api_alerts.users)
    app.include_router(api_analyses.router)
    api_others.include_available(app)
    app.include_router(pages.router)
    app.include_router(workbench.router)
    static_dir = resources.files("supplyscope.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    uploads = dict.fromkeys(workbench.UPLOAD_PATHS, cfg.max_upload_bytes)
    app.add_middleware(BodySizeLimit, max_bytes=cfg.max_body_bytes, per_path=uploads)
    app.add_middleware(SecurityHeaders)
    return app
