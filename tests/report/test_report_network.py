"""The trace graph: laid out by tier, one colour per World Bank region, no crowded labels."""

from __future__ import annotations

from pathlib import Path

from supplyscope.codes.countries import world_bank_regions
from supplyscope.network.templates import read_graph
from supplyscope.network.trace import trace
from supplyscope.report.network import MAX_LABELLED, REGION_COLOURS, figure

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "supplyscope" / "network" / "examples" / "ev_battery.json"


def test_trace_figure_colours_by_region_and_tier() -> None:
    result = trace(read_graph(EXAMPLE))
    fig = figure(result)
    nodes = [t for t in fig.data if t.mode == "markers+text"]
    colours = [t.marker.color for t in nodes]
    assert len(colours) == len(set(colours)), "a colour is used for two groups"
    assert {t.name for t in nodes} <= {*REGION_COLOURS, "other / unknown country"}
    regions = {**world_bank_regions(), "EU27": "Europe & Central Asia"}
    by_id = dict(zip(result.graph.node_ids(), result.graph.nodes["country"], strict=True))
    n_countries = len({c for c in by_id.values() if c})
    assert n_countries > len(nodes)  # countries were grouped, not given a colour each
    for t in nodes:
        for text, hover in zip(t.text, t.hovertext, strict=True):
            node = hover.split("<br>")[0].rsplit("(", 1)[1].rstrip(")")
            assert regions.get(str(by_id[node]), "other / unknown country") == t.name
            assert text in ("", node)
    xs = sorted({x for t in nodes for x in t.x})
    assert xs == [float(-k) for k in range(len(xs))][::-1]  # tiers 0, -1, -2, … with none missing
    crowded = {x for x in xs if sum(list(t.x).count(x) for t in nodes) > MAX_LABELLED}
    for t in nodes:
        assert all(text == "" for x, text in zip(t.x, t.text, strict=True) if x in crowded)
