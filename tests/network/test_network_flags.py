"""Screening flags: a labelled test double for the logic, and the real screening module once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from supplyscope.network import ListHit, trace

NODES = [
    {"id": "P", "name": "Pack plant", "country": "USA"},
    {"id": "C1", "name": "Cell maker one", "country": "KOR"},
    {"id": "C2", "name": "Cell maker two", "country": "CHN"},
    {"id": "R", "name": "Refiner", "country": "CHN", "region": "Xinjiang"},
    {"id": "M", "name": "Listed Mining Co", "country": "COD", "kind": "source"},
]
EDGES = [
    {"supplier": "C1", "buyer": "P", "share": 0.5},
    {"supplier": "C2", "buyer": "P", "share": 0.5},
    {"supplier": "R", "buyer": "C1", "share": 0.4},
    {"supplier": "R", "buyer": "C2", "share": 0.4},
    {"supplier": "M", "buyer": "R", "share": 1.0},
]


def literal_xinjiang(text: str | None, country: str | None) -> str | None:
    """TEST DOUBLE region matcher: the word 'Xinjiang' only."""
    return "xinjiang" if text and "xinjiang" in text.lower() else None


class FakeScreener:
    """TEST DOUBLE (not a real list): matches any name containing 'Listed'."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, str | None]] = []

    def __call__(self, name: str, country: str | None, address: str | None) -> Sequence[ListHit]:
        self.calls.append((name, country, address))
        if "Listed" in name:
            return [ListHit("FAKE-LIST", name, 0.99, "test double: name contains 'Listed'", "fake:1")]
        return []


def test_flags_list_matches_and_xinjiang_with_all_paths(make_graph: Any) -> None:
    g = make_graph(NODES, EDGES)
    fake = FakeScreener()
    result = trace(g, screener=fake, region=literal_xinjiang)
    flags = {f.node: f for f in result.flags}
    assert set(flags) == {"M", "R"}
    assert flags["M"].lists == ("FAKE-LIST",)
    assert flags["R"].lists == ("XINJIANG",)
    assert sorted(flags["M"].paths) == [("M", "R", "C1", "P"), ("M", "R", "C2", "P")]
    assert sorted(flags["R"].paths) == [("R", "C1", "P"), ("R", "C2", "P")]
    # R carries .5*.4 + .5*.4 of the inputs, and so does the mine behind it
    assert flags["R"].throughput == pytest.approx(0.4)
    assert flags["M"].throughput == pytest.approx(0.4)
    # every upstream node was screened once, with its ISO3 country and region as address
    assert sorted(c[0] for c in fake.calls) == sorted(n["name"] for n in NODES)
    assert ("Refiner", "CHN", "Xinjiang") in fake.calls
    doc = result.to_dict()["flags"]
    assert isinstance(doc, list)
    assert {"node", "list", "paths"} <= set(doc[0])


def test_paths_are_capped(make_graph: Any) -> None:
    g = make_graph(NODES, EDGES)
    result = trace(g, screener=FakeScreener(), region=None, max_paths=1)
    m = next(f for f in result.flags if f.node == "M")
    assert len(m.paths) == 1 and m.paths_truncated


def test_real_screening_module_flags_uflpa_entity_and_xinjiang(make_graph: Any) -> None:
    screening = pytest.importorskip("supplyscope.screening", reason="supplyscope.screening is not installed")
    from supplyscope.network import default_screener

    nodes = [dict(n) for n in NODES]
    # a real UFLPA Entity List name (bundled list), and a real Xinjiang place name in an address
    nodes[1]["name"] = "Baoding LYSZD Trade and Business Co., Ltd."
    nodes[1]["country"] = "CHN"
    nodes[3] = {"id": "R", "name": "Refiner", "country": "CHN", "address": "No. 8 Road, Urumqi"}
    g = make_graph(nodes, EDGES)
    screener, region = default_screener()
    assert screener is not None
    result = trace(g, screener=screener, region=region)
    flags = {f.node: f for f in result.flags}
    assert "UFLPA" in flags["C1"].lists
    assert flags["C1"].paths == (("C1", "P"),)
    assert "XINJIANG" in flags["R"].lists
    assert screening.xinjiang_match("No. 8 Road, Urumqi") is not None
