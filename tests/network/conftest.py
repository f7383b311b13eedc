"""Shared helpers for the network tests: small graphs written as JSON templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from network_helpers import write_graph

from supplyscope.network import SupplyGraph, read_graph


@pytest.fixture
def make_graph(tmp_path: Path) -> Any:
    """Build a SupplyGraph from node and edge dicts (hs defaults to 850760)."""
    counter = {"n": 0}

    def make(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **meta: Any) -> SupplyGraph:
        counter["n"] += 1
        return read_graph(write_graph(tmp_path / f"g{counter['n']}.json", nodes, edges, **meta))

    return make
