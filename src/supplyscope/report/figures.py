"""Plotly figures for the assessment: heat map, dimension bars, score distribution, contributions."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from supplyscope.config import DIMENSIONS
from supplyscope.report.labels import by_dimension, label
from supplyscope.report.numbers import number


def heatmap(records: list[dict[str, Any]], key: str, source: str = "") -> go.Figure:
    """Entities (rows, ranked) × indicators (columns grouped by dimension), coloured by risk 0–100."""
    raw = list(records[0]["indicators"]) if records else []
    overrides = {n: str(records[0]["indicators"][n].get("dimension", "")) for n in raw} if records else {}
    names = by_dimension(raw, overrides)
    z = [[r["indicators"][n]["risk"] for n in names] for r in records]
    text = [
        [_fmt(r["indicators"][n]["value"]) + ("*" if r["indicators"][n].get("proxy") else "") for n in names]
        for r in records
    ]
    labels = [f"{r[key]} {r['description'][:40]}" for r in records]
    x = [[overrides.get(n, "") for n in names], [label(n) for n in names]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=labels,
            text=text,
            zmin=0,
            zmax=100,
            colorscale="YlOrRd",
            hovertemplate="%{y}<br>%{x}: value %{text}, risk %{z:.0f}<extra></extra>",
            colorbar={"title": "risk"},
        )
    )
    fig.update_layout(
        title="Risk by indicator, grouped by dimension (risk 0–100; rows ranked by overall score; blank = "
        "unavailable; value* = sector proxy)" + (f"<br><sub>{source}</sub>" if source else ""),
        height=max(400, 22 * len(records) + 200),
        yaxis={"autorange": "reversed"},
        xaxis={"tickangle": -45},
        margin={"l": 320},
    )
    return fig


def dimension_bars(records: list[dict[str, Any]], key: str, source: str = "") -> go.Figure:
    """Grouped bars of the four dimension scores for the listed entities."""
    fig = go.Figure()
    labels = [r[key] for r in records]
    for d in DIMENSIONS:
        fig.add_bar(name=d, x=labels, y=[r["dimensions"][d] for r in records])
    fig.update_layout(
        barmode="group",
        title="Dimension scores (0–100)" + (f"<br><sub>{source}</sub>" if source else ""),
        xaxis={"title": "HS6 product" if key == "hs6" else "industry"},
        yaxis={"range": [0, 100], "title": "score (0–100)"},
    )
    return fig


def score_histogram(scores: list[float], source: str = "") -> go.Figure:
    fig = go.Figure(go.Histogram(x=scores, nbinsx=50))
    fig.update_layout(
        title="Distribution of overall scores" + (f"<br><sub>{source}</sub>" if source else ""),
        xaxis={"title": "overall score (0–100)", "range": [0, 100]},
        yaxis={"title": "number of entities"},
    )
    return fig


def contributions(record: dict[str, Any]) -> go.Figure:
    """Horizontal bars: each indicator's contribution (points of the overall score)."""
    items = [(n, v["contribution"]) for n, v in record["indicators"].items() if v["contribution"] is not None]
    items.sort(key=lambda t: t[1])
    fig = go.Figure(go.Bar(x=[v for _, v in items], y=[label(n) for n, _ in items], orientation="h"))
    fig.update_layout(
        title="Contribution to the overall score (points of 0–100)",
        xaxis={"title": "points"},
        height=max(300, 22 * len(items) + 120),
        margin={"l": 260},
    )
    return fig


def correlation_heatmap(labels: list[str], matrix: list[list[float | None]], title: str) -> go.Figure:
    """A symmetric correlation matrix (−1..1) as a heat map with the coefficients printed."""
    text = [[_fmt(v) for v in row] for row in matrix]
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}",
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            reversescale=True,
            hovertemplate="%{y} × %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        height=max(500, 28 * len(labels) + 250),
        yaxis={"autorange": "reversed"},
        xaxis={"tickangle": -45},
        margin={"l": 260, "b": 220},
    )
    return fig


def _fmt(v: float | None) -> str:
    return number(v)
