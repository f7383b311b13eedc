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
</body></html>
"""
)

_FLAG_COLOUR = "#d62728"


def _layout(result: TraceResult) -> tuple[np.ndarray, np.ndarray]:
    """x = shortest tier to the final product (right to left), y spread within each tier."""
    g = result.graph
    n = g.n_nodes
    depth = distance_to_root(g.src, g.dst, n, g.root)
    x = -depth.astype(float)
    y = np.zeros(n)
    for k in np.unique(depth):
        members = np.flatnonzero(depth == k)
        y[members] = np.linspace(0, 1, len(members)) if len(members) > 1 else 0.5
    return x, y


def figure(result: TraceResult, *, max_nodes: int = 3000) -> go.Figure:
    """Interactive network: nodes coloured by country, flagged nodes in red; edge width = share."""
    g = result.graph
    x, y = _layout(result)
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
        go.Scatter(x=ex, y=ey, mode="lines", line={"width": 1, "color": "#aaa"}, hoverinfo="skip", showlegend=False)
    )
    flagged = {f.node: f for f in result.flags}
    ids = g.node_ids()
    countries = g.nodes["country"].to_numpy(dtype=object)
    names = g.nodes["name"].to_numpy(dtype=object)
    groups: dict[str, list[int]] = {}
    for i in shown.tolist():
        key = "flagged" if ids[i] in flagged else (countries[i] or "unknown")
        groups.setdefault(key, []).append(i)
    for key, members in sorted(groups.items()):
        hover = [
            f"{names[i]} ({ids[i]})<br>country {countries[i] or 'unknown'}<br>throughput "
            f"{result.rollup.throughput[i]:.1%}"
            + (f"<br>flag: {flagged[ids[i]].to_dict()['list']}" if ids[i] in flagged else "")
            for i in members
        ]
        marker: dict[str, object] = {"size": 12, "line": {"width": 1, "color": "#333"}}
        if key == "flagged":
            marker["color"] = _FLAG_COLOUR
            marker["symbol"] = "diamond"
        fig.add_trace(
            go.Scatter(
                x=x[members],
                y=y[members],
                mode="markers+text",
                name=key,
                marker=marker,
                text=[str(ids[i]) for i in members],
                textposition="top center",
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.update_layout(
        title="Supply map (right: final product; left: upstream tiers)",
        height=650,
        xaxis={"title": "tier (negative = upstream)", "zeroline": False},
        yaxis={"visible": False},
        legend={"title": "country / flag"},
    )
    return fig


def render(result: TraceResult) -> str:
    """The report as one HTML string with plotly.js inlined."""
    doc = result.to_dict()
    fig_html = pio.to_html(figure(result), include_plotlyjs=True, full_html=False)
    title = f"Supply map: {result.graph.name or result.graph.final}"
    return str(_TEMPLATE.render(title=title, doc=doc, g=doc["graph"], figure=markupsafe.Markup(fig_html)))


def write_report(result: TraceResult, path: Path) -> None:
    path.write_text(render(result), encoding="utf-8")
