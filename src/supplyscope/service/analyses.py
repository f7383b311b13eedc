"""The analyses the service exposes, behind one small interface so the front end never computes them.

:class:`PackageAnalyses` calls :mod:`supplyscope.api` (the assessment) when it is installed; when it is
not, every call raises :class:`Unavailable`, which the service answers with 503.

:class:`AnalysisRunner` keeps the heavy work out of the request path: computations run on their own
small thread pool (not the event loop, not the request threads that intake uses), each distinct
question is computed once per warehouse and settings (concurrent identical requests share one
computation; there is no lock around the analyses themselves), and the number waiting or running is
bounded (503 with Retry-After beyond it).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from supplyscope.errors import UnavailableError


class Unavailable(UnavailableError):
    """An analysis is not installed in this build, or the service is too busy to compute it now."""

    def __init__(self, what: str, why: str, *, retry_after: int | None = None) -> None:
        super().__init__(f"{what} is unavailable: {why}", retry_after=retry_after)


class Analyses(Protocol):
    """What the dashboard and the JSON API need from the analysis layer."""

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]: ...

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]: ...


LIST_KEYS = ("entities", "products", "industries", "records")
"""Keys under which an assessment result lists its entities: ``entities`` in the typed result's contract
(issue 14), ``products``/``industries`` in the older dict; whichever is present is used."""


def entity_list(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's list of entity records, whatever key it is under (empty when there is none)."""
    for key in LIST_KEYS:
        value = result.get(key)
        if isinstance(value, list):
            return value
    return []


def as_mapping(result: Any) -> dict[str, Any]:
    """An assessment result as a plain mapping, whether it is already one or a typed result with ``to_dict``."""
    if isinstance(result, dict):
        return result
    to_dict = getattr(result, "to_dict", None)
    if callable(to_dict):
        out = to_dict()
        if isinstance(out, dict):
            return out
    raise TypeError(f"unexpected assessment result {type(result).__name__}")


def take_top(result: Any, top: int | None) -> dict[str, Any]:
    """The result with each of its entity lists cut to the first ``top`` (the service returns exactly ``top``)."""
    mapping = as_mapping(result)
    if top is None:
        return mapping
    return {k: (v[:top] if k in LIST_KEYS and isinstance(v, list) else v) for k, v in mapping.items()}


class PackageAnalyses:
    """Analyses from the installed supplyscope packages, reading the given warehouse (no caching here)."""

    def __init__(self, warehouse: str | None = None) -> None:
        self.warehouse = warehouse

    def _api(self) -> Any:
        try:
            return importlib.import_module("supplyscope.api")
        except ModuleNotFoundError as exc:
            if exc.name == "supplyscope.api":
                raise Unavailable("the assessment", "supplyscope.api is not part of this build") from None
            raise

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        return as_mapping(self._api().assess(importer=importer, year=year, level=level, top=top, db=self.warehouse))

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        return as_mapping(self._api().explain(code, importer=importer, level=level, db=self.warehouse))

    def cache_key(self) -> Hashable:
        """What the results depend on besides the arguments: the warehouse file and its modification time."""
        path = self.warehouse
        try:
            stamp = os.stat(path).st_mtime_ns if path else None
        except OSError:
            stamp = None
        return (path, stamp, os.environ.get("SUPPLYSCOPE_HOME"))


class AnalysisRunner:
    """Runs an :class:`Analyses` off the request path with a bounded queue and a shared result cache."""

    def __init__(self, analyses: Analyses, *, workers: int = 2, queue: int = 64, max_cached: int = 512) -> None:
        self.analyses = analyses
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analysis")
        self.queue = queue
        self.max_cached = max_cached
        self._results: OrderedDict[Hashable, Future[dict[str, Any]]] = OrderedDict()
        self._guard = threading.Lock()  # guards the dictionary only, never held while computing
        self._pending = 0

    def _settings(self) -> Hashable:
        key = getattr(self.analyses, "cache_key", None)
        return key() if callable(key) else id(self.analyses)

    def _future(self, key: Hashable, fn: Callable[[], dict[str, Any]]) -> Future[dict[str, Any]]:
        full = (self._settings(), key)
        with self._guard:
            fut = self._results.get(full)
            if fut is not None:
                self._results.move_to_end(full)
                return fut
            if self._pending >= self.queue:
                raise Unavailable("the analysis", "too many computations in progress", retry_after=30)
            self._pending += 1
            fut = self.pool.submit(fn)
            self._results[full] = fut
            while len(self._results) > self.max_cached:
                self._results.popitem(last=False)

        def done(f: Future[dict[str, Any]]) -> None:
            with self._guard:
                self._pending -= 1
                if f.exception() is not None and self._results.get(full) is f:
                    del self._results[full]  # failures are not cached: the next request tries again

        fut.add_done_callback(done)
        return fut

    async def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        fut = self._future(("assess", importer, year, level), lambda: self.analyses.assess(importer, year, level, None))
        return take_top(await asyncio.shield(asyncio.wrap_future(fut)), top)

    async def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        fut = self._future(("explain", code, importer, level), lambda: self.analyses.explain(code, importer, level))
        return await asyncio.shield(asyncio.wrap_future(fut))

    async def call(self, key: Hashable, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Any other analysis: computed once per ``key`` on the analysis pool."""
        return await asyncio.shield(asyncio.wrap_future(self._future(key, fn)))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
