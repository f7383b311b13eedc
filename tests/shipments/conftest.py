"""Fixtures shared by the shipment tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from supplyscope.shipments import PartyResult

LISTED = "Nordic Knit AB"
"""The one fixture shipper the stub screener lists."""


class StubScreener:
    """A screener that records the names it is asked about and lists :data:`LISTED` (score 1.0).

    ``cache_key``: the key under which the pipeline keeps its results (``party_cache``); ``None``, as for a
    screener without one, keeps nothing.
    """

    name = "stub"

    def __init__(self, cache_key: str | None = None) -> None:
        self.cache_key = cache_key
        self.calls: list[str] = []
        self.versions: dict[str, str] = {}

    def screen_parties(
        self,
        names: Sequence[str],
        addresses: Sequence[str | None],
        countries: Sequence[str | None],
        progress: Callable[[int], None] | None = None,
    ) -> list[PartyResult]:
        self.calls.extend(names)
        return [PartyResult("TEST", "T1", n, 1.0, "stub") if n == LISTED else PartyResult() for n in names]


@pytest.fixture()
def stub_screener() -> type[StubScreener]:
    """The stub screener class: ``stub_screener()`` or ``stub_screener("a-cache-key")``."""
    return StubScreener
