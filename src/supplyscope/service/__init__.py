"""Web service and dashboard: FastAPI app over the assessment and the alert store (the ``[service]`` extra).

``create_app`` is imported on first use, so ``supplyscope.service.settings`` (used by the ``alerts``
commands) works without FastAPI installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supplyscope.service.settings import ServiceSettings

if TYPE_CHECKING:
    from supplyscope.service.app import create_app

__all__ = ["ServiceSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from supplyscope.extras import require

        require("fastapi", "the web service")
        from supplyscope.service.app import create_app

        return create_app
    raise AttributeError(f"module 'supplyscope.service' has no attribute {name!r}")
