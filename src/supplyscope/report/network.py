"""Self-contained HTML report: an interactive plotly graph (no CDN) and the trace tables."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markupsafe
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from supplyscope.network.graphmath import distance_to_root
from supplyscope.network.trace import TraceResult

_ENV = jinja2.Environment(autoescape=True)
_ENV.filters["pct"] = lambda x: f"{100 * float(x):.1f}%"
_TEMPLATE = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3}.num{text-align:right}
</style></head><body>
<h1>{{ title }}</h1>
<p>{{ g.nodes }} nodes, {{ g.edges }} edges; final node <code>{{ g.final }}</code>;
{{ g.raw_material_sources }} raw-material sources; {{ g.not_connected_to_final }} nodes not connected to the
final product. Shares are fractions of the final product's purchased inputs.</p>
{{ figure }}
<h2>Country mix by tier</h2>
<table><tr><th>tier</th><th>countries</th><th>HHI</th><th>known</th><th>unknown</th><th>undisclosed</th></tr>
{% for t in doc.tiers %}<tr><td>{{ t.tier }}</td>
<td>{% for c in t.countries %}{{ c.country }} {{ c.share|pct }}{{ ", " if not loop.last }}{% endfor %}</td>
<td class="num">{{ "" if t.hhi is none else "%.3f"|format(t.hhi) }}</td>
<td class="num">{{ t.known|pct }}</td><td class="num">{{ t.unknown|pct }}</td>
<td class="num">{{ t.undisclosed|pct }}</td></tr>
{% endfor %}</table>
<h2>Total: where the traces end</h2>
<table><tr><th>country</th><th>share</th></tr>
{% for c in doc.total_by_country %}<tr><td>{{ c.country }}</td><td class="num">{{ c.share|pct }}</td></tr>
{% endfor %}
<tr><td>unknown</td><td class="num">{{ doc.total.unknown|pct }}</td></tr>
<tr><td>undisclosed</td><td class="num">{{ doc.total.undisclosed|pct }}</td></tr></table>
<h2>Chokepoints</h2>
<table><tr><th>node</th><th>kind</th><th>reason</th></tr>
{% for c in doc.chokepoints %}<tr><td>{{ c.node }}</td><td>{{ c.kind }}</td><td>{{ c.reason }}</td></tr>
{% endfor %}</table>
<h2>Screening flags</h2>
<table><tr><th>node</th><th>list</th><th>matches</th><th>paths to the final product</th></tr>
{% for f in doc.flags %}<tr><td>{{ f.node }}</td><td>{{ f.list }}</td>
<td>{% for h in f.hits %}{{ h.list }}: {{ h.name }} ({{ h.explanation }})<br>{% endfor %}</td>
<td>{% for p in f.paths %}{{ p|join(" → ") }}<br>{% endfor %}{{ "…" if f.paths_truncated }}</td></tr>
{% endfor %}</table>
{% if doc.alternatives %}<h2>Alternatives for single-sourced products</h2>
<table><tr><th>HS6</th><th>basis</th><th>now from</th><th>exporters (share)</th></tr>
{% for a in doc.alternatives %}<tr><td>{{ a.hs6 }}</td><td>{{ a.basis }}</td><td>{{ a.current|join(", ") }}</td>
<td>{% for c in a.countries %}{{ c.country }} {{ c.share|pct }}{{ ", " if not loop.last }}{% endfor %}</td></tr>
{% endfor %}</table>{% endif %}
{{ inputs }}
</body></html>
"""
)

_FLAG_COLOUR = "#d62728"
REGION_COLOURS = {
    "East Asia & Pacific": "#1f77b4",
    "Europe & Central Asia": "#2ca02c",
    "Latin America & Caribbean": "#ff7f0e",
    "Middle East & North Africa": "#9467bd",
    "North America": "#8c564b",
    "South Asia": "#e377c2",
    "Sub-Saharan Africa": "#bcbd22",
}
"""One colour per World Bank region (none is the red of a screening flag)."""
OTHER = "other / unknown country"
_OTHER_COLOUR = "#7f7f7f"
MAX_LABELLED = 18
"""A tier with more nodes than this shows its node ids on hover only, so labels never overlap."""
ROW_PX = 26


def _layout(result: TraceResult, group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x = tier (0 = final product, negative = upstream); y = position within the tier, nodes of a region together.

    Returns x, y and each node's tier (shortest distance to the final product).
    """
    g = result.graph
    depth = distance_to_root(g.src, g.dst, g.n_nodes, g.root)
    x = -depth.astype(float)
    y = np.zeros(g.n_nodes)
    ids = g.node_ids()
    for k in np.unique(depth):
        members = sorted(np.flatnonzero(depth == k).tolist(), key=lambda i: (str(group[i]), str(ids[i])))
        y[members] = np.arange(len(members), dtype=float)[::-1] - (len(members) - 1) / 2
    return x, y, depth


def figure(result: TraceResult, *, max_nodes: int = 3000) -> go.Figure:
    """Interactive network laid out by tier, nodes coloured by World Bank region, flagged nodes ringed in red.

    Node ids are written next to the nodes only in tiers small enough for them not to overlap.
    """
    from supplyscope.codes.countries import world_bank_regions

    g = result.graph
    countries = g.nodes["country"].to_numpy(dtype=object)
    region_of = world_bank_regions()
    region_of = {**region_of, "EU27": "Europe & Central Asia"}  # the EU as one partner in US trade statistics
    group = np.array([region_of.get(str(c), OTHER) if c else OTHER for c in countries], dtype=object)
    x, y, depth = _layout(result, group)
    shown = np.flatnonzero(result.structure.upstream)[:max_nodes]
    keep = np.zeros(g.n_nodes, dtype=bool)
    keep[shown] = True
    ex: list[float | None] = []
    ey: list[float | None] = []
    for s, d in zip(g.src.tolist(), g.dst.tolist(), strict=True):
        if keep[s] and keep[d]:
            ex += [float(x[s]), float(x[d]), None]
            ey += [float(y[s]), float(y[d]), None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=ex, y=ey, mode="lines", line={"width": 1, "color": "#bbb"}, hoverinfo="skip", showlegend=False)
    )
    flagged = {f.node: f for f in result.flags}
    ids = g.node_ids()
    names = g.nodes["name"].to_numpy(dtype=object)
    tier_size = np.bincount(depth[shown]) if len(shown) else np.zeros(1, dtype=int)
    labelled = tier_size[depth] <= MAX_LABELLED

    def hover(i: int) -> str:
        flag = f"<br>flag: {flagged[ids[i]].to_dict()['list']}" if ids[i] in flagged else ""
        return (
            f"{names[i]} ({ids[i]})<br>country {countries[i] or 'unknown'} ({group[i]})<br>tier {depth[i]}, "
            f"throughput {result.rollup.throughput[i]:.1%}{flag}"
        )

    order = [*REGION_COLOURS, OTHER]
    for key in [k for k in order if k in set(group[shown])]:
        members = [i for i in shown.tolist() if group[i] == key]
        fig.add_trace(
            go.Scatter(
                x=x[members],
                y=y[members],
                mode="markers+text",
                name=key,
                marker={
                    "size": 12,
                    "color": REGION_COLOURS.get(key, _OTHER_COLOUR),
                    "line": {"width": 1, "color": "#333"},
                },
                text=[str(ids[i]) if labelled[i] else "" for i in members],
                textposition="middle right",
                textfont={"size": 10},
                hovertext=[hover(i) for i in members],
                hoverinfo="text",
            )
        )
    marked = [i for i in shown.tolist() if ids[i] in flagged]
    if marked:
        fig.add_trace(
            go.Scatter(
                x=x[marked],
                y=y[marked],
                mode="markers",
                name="screening flag",
                marker={"size": 20, "symbol": "circle-open", "color": _FLAG_COLOUR, "line": {"width": 3}},
                hovertext=[hover(i) for i in marked],
                hoverinfo="text",
            )
        )
    deepest = int(depth[shown].max()) if len(shown) else 0
    rows = int(tier_size.max()) if len(shown) else 1
    fig.update_layout(
        title="Supply map by tier (right: final product; left: upstream tiers); colour = World Bank region of the "
        "node's country<br><sub>Source: the supply-map template; regions: World Bank classification via the "
        "Growth Lab location groups</sub>",
        height=min(4000, max(500, ROW_PX * rows + 200)),
        xaxis={
            "title": "tier (0 = final product)",
            "tickvals": [-k for k in range(deepest + 1)],
            "ticktext": [str(k) for k in range(deepest + 1)],
            "zeroline": False,
            "range": [-deepest - 0.5, 0.9],
        },
        yaxis={"visible": False},
        legend={"title": "World Bank region"},
    )
    return fig


def render(result: TraceResult, inputs: str = "") -> str:
    """The report as one HTML string with plotly.js inlined; ``inputs`` is the "Inputs" section's HTML."""
    doc = result.to_dict()
    fig_html = pio.to_html(figure(result), include_plotlyjs=True, full_html=False)
    title = f"Supply map: {result.graph.name or result.graph.final}"
    return str(
        _TEMPLATE.render(
            title=title,
            doc=doc,
            g=doc["graph"],
            figure=markupsafe.Markup(fig_html),
            inputs=markupsafe.Markup(inputs),
        )
    )


def write_report(result: TraceResult, path: Path, inputs: str = "") -> None:
    """Write :func:`render` to ``path``."""
    path.write_text(render(result, inputs), encoding="utf-8")
