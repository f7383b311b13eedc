"""What one running app holds: its settings, its store and the analyses it exposes."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from supplyscope.alerts.storage import Store
from supplyscope.service.analyses import Analyses
from supplyscope.service.settings import ServiceSettings


@dataclass
class AppState:
    settings: ServiceSettings
    store: Store
    analyses: Analyses


def state(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request``."""
    current: AppState = request.app.state.supplyscope
    return current
