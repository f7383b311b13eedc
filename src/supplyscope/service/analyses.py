"""The analyses the service exposes, behind one small interface so the front end never computes them.

:class:`PackageAnalyses` calls :mod:`supplyscope.api` (the assessment) when it is installed; when it is
not, every call raises :class:`Unavailable`, which the service answers with 503. A full assessment takes
seconds, so results are kept in memory per (importer, year, level) for the life of the process.
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from typing import Any, Protocol

from supplyscope.service.errors import ApiError


class Unavailable(ApiError):
    """An analysis is not installed in this build."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(503, "unavailable", f"{what} is unavailable: {why}")


class Analyses(Protocol):
    """What the dashboard and the JSON API need from the analysis layer."""

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]: ...

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]: ...


def _top(result: dict[str, Any], level: str, top: int | None) -> dict[str, Any]:
    key = "products" if level == "product" else "industry"
    key = key if key in result else ("products" if "products" in result else key)
    if top is None or key not in result:
        return result
    return {**result, key: result[key][:top]}


class PackageAnalyses:
    """Analyses from the installed supplyscope packages, reading the given warehouse."""

    def __init__(self, warehouse: str | None = None, *, max_explained: int = 256) -> None:
        self.warehouse = warehouse
        self._lock = threading.Lock()
        self._assessed: dict[tuple[str, int | None, str], dict[str, Any]] = {}
        self._explained: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()
        self._max_explained = max_explained

    def _api(self) -> Any:
        try:
            return importlib.import_module("supplyscope.api")
        except ModuleNotFoundError as exc:
            if exc.name == "supplyscope.api":
                raise Unavailable("the assessment", "supplyscope.api is not part of this build") from None
            raise

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        key = (importer, year, level)
        with self._lock:
            cached = self._assessed.get(key)
            if cached is None:
                cached = self._api().assess(importer=importer, year=year, level=level, top=None, db=self.warehouse)
                self._assessed[key] = cached
        return _top(cached, level, top)

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        key = (code, importer, level)
        with self._lock:
            cached = self._explained.get(key)
            if cached is None:
                cached = self._api().explain(code, importer=importer, level=level, db=self.warehouse)
                self._explained[key] = cached
                while len(self._explained) > self._max_explained:
                    self._explained.popitem(last=False)
            else:
                self._explained.move_to_end(key)
        return cached
