"""Self-contained HTML reports (plotly, JavaScript inlined) for exposure and shock results."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from supplyscope.errors import ConfigError
from supplyscope.inputoutput.shocks import ShockResult
from supplyscope.report.tables import table_html

SHARES = ("face_value", "look_through", "output_loss_share", "inoperability")
"""Columns that are 0–1 shares, shown as percentages."""


def _page(
    title: str,
    intro: str,
    figures: list[go.Figure],
    tables: list[tuple[str, pd.DataFrame]],
    source: str,
    inputs: str = "",
) -> str:
    """The page; ``inputs`` is the "Inputs" section (:func:`supplyscope.report.inputs.inputs_html`)."""
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>",
        f"<p><small>Source: {html.escape(source)}</small></p>",
    ]
    for k, fig in enumerate(figures):
        fig.update_layout(title={"text": f"{fig.layout.title.text}<br><sub>{html.escape(source)}</sub>"})
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(k == 0)))
    for caption, table in tables:
        parts.append(f"<h3>{html.escape(caption)}</h3>")
        parts.append(table_html(table, percent=tuple(c for c in SHARES if c in table.columns)))
    parts.append(inputs)
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (parents created); :class:`ConfigError` if impossible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the report: {exc.strerror}", key="--out", source=str(path)) from exc
    return path


def exposure_heatmap(full: pd.DataFrame, country: str, sources: int = 15) -> go.Figure:
    """Heat map of look-through exposure: industries × the ``sources`` largest foreign sources."""
    foreign = full[full["source"] != country]
    top = foreign.groupby("source")["look_through"].sum().sort_values(ascending=False).head(sources).index
    grid = foreign[foreign["source"].isin(top)].pivot(index="industry", columns="source", values="look_through")
    grid = grid.reindex(index=list(dict.fromkeys(full["industry"])), columns=list(top))
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            colorscale="Reds",
            colorbar={"title": "look-through share"},
        )
    )
    fig.update_layout(title=f"Look-through exposure of {country} industries, by source", height=900)
    return fig


def exposure_report(
    full: pd.DataFrame,
    country: str,
    source: str,
    unit: str,
    out: Path,
    table_name: str = "OECD ICIO",
    inputs: str = "",
) -> Path:
    """Bar chart face value vs look-through for ``source``, heat map for all sources, and the table."""
    one = full[full["source"] == source]
    bars = go.Figure(
        [
            go.Bar(name="face value", x=one["industry"], y=one["face_value"], hovertext=one["industry_name"]),
            go.Bar(name="look-through", x=one["industry"], y=one["look_through"], hovertext=one["industry_name"]),
        ]
    )
    bars.update_layout(
        barmode="group",
        title=f"{country} industries: input share from {source}",
        yaxis={"title": "share of inputs", "tickformat": ".0%"},
        xaxis_title="industry (ISIC Rev. 4 code; name on hover and in the table)",
    )
    intro = (
        f"Face-value exposure is the share of direct intermediate inputs bought from {source}; "
        f"look-through exposure is its share of all inputs at every tier (Leontief). Shares are percentages of "
        f"the industry's inputs; table money unit: {unit}."
    )
    text = _page(
        f"Exposure of {country} to {source}",
        intro,
        [bars, exposure_heatmap(full, country)],
        [(f"{country} industries: exposure to {source} (share of inputs)", one.drop(columns="source"))],
        f"{table_name} inter-country input-output table; exposure computed by supplyscope",
        inputs,
    )
    return write_html(out, text)


def shock_report(
    results: list[ShockResult], top: int, unit: str, out: Path, country: str | None = None, inputs: str = ""
) -> Path:
    """One stacked bar chart (direct vs indirect supply-driven loss) and one table per scenario."""
    figures: list[go.Figure] = []
    tables: list[tuple[str, pd.DataFrame]] = []
    for res in results:
        head = res.top(top, country)
        label = head["country"] + " " + head["industry"]
        fig = go.Figure(
            [
                go.Bar(name="direct", x=label, y=head["direct_loss"]),
                go.Bar(name="indirect (supply-driven)", x=label, y=head["indirect_loss"]),
                go.Scatter(name="demand-driven total", x=label, y=head["demand_loss"], mode="markers"),
            ]
        )
        where = f" in {country}" if country else ""
        fig.update_layout(
            barmode="stack",
            title=f"{res.scenario.name}: output loss{where} ({unit})",
            yaxis_title=f"output loss ({unit})",
            xaxis_title="country and industry (ISIC Rev. 4 code)",
        )
        figures.append(fig)
        tables.append((f"{res.scenario.name}: losses by method ({unit})", res.summary(country)))
        tables.append((f"{res.scenario.name}: most affected industries ({unit}; shares in %)", head))
    intro = (
        f"Money in {unit}. Supply-driven (Ghosh) losses ripple downstream to buyers and are a forward-linkage "
        "indicator under fixed coefficients, not a forecast; demand-driven (Leontief) losses ripple upstream "
        "to suppliers; hypothetical extraction and the mixed model are shown beside them. Gross output losses "
        "are summed over every tier and count the same value again at each tier; value-added losses "
        "(fixed value-added ratios) do not. Inoperability is the supply-side IIM share of output lost."
    )
    name = results[0].table.name if results else "input-output table"
    source = f"{name}; losses computed by supplyscope"
    return write_html(out, _page("Shock scenarios", intro, figures, tables, source, inputs))
