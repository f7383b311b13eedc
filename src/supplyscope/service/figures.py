"""Plotly figures for the dashboard, built from analysis results (no computation of indicators here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supplyscope.config import DIMENSIONS


def heatmap(records: Sequence[dict[str, Any]], code_key: str = "hs6") -> str:
    """Products (rows, best-ranked at top) × resilience dimensions, coloured by risk score 0-100."""
    import plotly.graph_objects as go

    labels = [f"{r[code_key]} {str(r.get('description', ''))[:40]}" for r in records]
    z = [[r.get("dimensions", {}).get(d) for d in DIMENSIONS] for r in records]
    codes = [[r[code_key]] * len(DIMENSIONS) for r in records]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(DIMENSIONS),
            y=labels,
            customdata=codes,
            zmin=0,
            zmax=100,
            colorscale="YlOrRd",
            colorbar={"title": {"text": "risk"}},
            hovertemplate="%{y}<br>%{x}: %{z:.1f}<extra>click for drill-down</extra>",
        )
    )
    fig.update_layout(
        height=max(320, 22 * len(records) + 120),
        margin={"l": 320, "r": 20, "t": 30, "b": 40},
        yaxis={"autorange": "reversed"},
    )
    return str(fig.to_json())


def bars(labels: Sequence[str], values: Sequence[float | None], title: str, *, percent: bool = False) -> str:
    """A horizontal bar chart (values as given; ``percent`` formats the axis as %)."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=list(values), y=list(labels), orientation="h", marker={"color": "#c0392b"}))
    fig.update_layout(
        title={"text": title},
        height=max(260, 26 * len(labels) + 100),
        margin={"l": 220, "r": 20, "t": 40, "b": 40},
        yaxis={"autorange": "reversed"},
        xaxis={"tickformat": ".0%"} if percent else {},
    )
    return str(fig.to_json())


def grouped_bars(labels: Sequence[str], series: dict[str, Sequence[float | None]], title: str) -> str:
    """Horizontal bars, one colour per series, for shares (axis in %)."""
    import plotly.graph_objects as go

    colours = ("#2c7fb8", "#c0392b", "#7fbc41", "#8e44ad")
    fig = go.Figure(
        [
            go.Bar(x=list(v), y=list(labels), name=k, orientation="h", marker={"color": colours[i % len(colours)]})
            for i, (k, v) in enumerate(series.items())
        ]
    )
    fig.update_layout(
        title={"text": title},
        barmode="group",
        height=max(300, 18 * len(labels) * max(1, len(series)) + 120),
        margin={"l": 260, "r": 20, "t": 50, "b": 40},
        yaxis={"autorange": "reversed"},
        xaxis={"tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.08},
    )
    return str(fig.to_json())
