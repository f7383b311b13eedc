"""What one running app holds: its settings, its store, the analyses it exposes and their limits."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from supplyscope.alerts.auth import User
from supplyscope.alerts.storage import Store
from supplyscope.service.analyses import Analyses, AnalysisRunner
from supplyscope.service.errors import ApiError
from supplyscope.service.ratelimit import SlidingWindow
from supplyscope.service.settings import ServiceSettings


@dataclass
class AppState:
    settings: ServiceSettings
    store: Store
    analyses: Analyses
    runner: AnalysisRunner
    per_user: SlidingWindow
    per_address: SlidingWindow

    def admit_analysis(self, user: User, address: str) -> None:
        """Count one analysis request against the caller's and the address's limits (429 beyond them)."""
        window = self.settings.analysis_window_s
        if not self.per_user.allow(f"u{user.id}"):
            raise ApiError(
                429,
                "rate_limited",
                f"at most {self.per_user.limit} analysis requests per {window} s per user",
                headers={"Retry-After": str(window)},
            )
        if not self.per_address.allow(address):
            raise ApiError(
                429,
                "rate_limited",
                f"at most {self.per_address.limit} analysis requests per {window} s per address",
                headers={"Retry-After": str(window)},
            )


def state(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request``."""
    current: AppState = request.app.state.supplyscope
    return current
