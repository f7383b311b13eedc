"""HTML report: concentration, coverage, chokepoint flags and the policy simulators, with plots."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from jinja2 import Environment, select_autoescape

from supplyscope.minerals.concentration import SUMMARY_COLUMNS
from supplyscope.minerals.coverage import Coverage
from supplyscope.report.tables import table_html

__all__ = ["MineralsReport", "Section", "bar_figure", "line_figure", "render", "table_html"]

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<script>{{ plotly_js | safe }}</script>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:.85rem}</style></head>
<body><h1>{{ title }}</h1>
<p class="note">Generated {{ generated }} by supplyscope. Production: {{ production_source }}.
Trade: US Census imports for consumption, 2024. Stages without data are reported as unavailable.</p>
{% for s in sections %}<h2>{{ s.heading }}</h2>{% if s.text %}<p class="note">{{ s.text }}</p>{% endif %}
{% if s.figure %}{{ s.figure | safe }}{% endif %}{% if s.table %}{{ s.table | safe }}{% endif %}{% endfor %}
{{ inputs | safe }}
</body></html>"""


@dataclass
class Section:
    """One report section: heading, explanatory text, optional plot and table (HTML)."""

    heading: str
    text: str = ""
    figure: str = ""
    table: str = ""


@dataclass
class MineralsReport:
    """Everything the report shows; simulator sections are optional."""

    concentration: pd.DataFrame
    coverage: Coverage | None = None
    coalition: str = ""
    flags: pd.DataFrame | None = None
    simulations: list[Section] = field(default_factory=list)
    inputs: str = ""
    """The "Inputs" section (:func:`supplyscope.report.inputs.inputs_html`)."""


def bar_figure(df: pd.DataFrame, x: str, ys: list[str], title: str) -> str:
    """A grouped bar chart of ``ys`` by ``x``."""
    return _bar(df, x, ys, title)


def _bar(df: pd.DataFrame, x: str, ys: list[str], title: str) -> str:
    fig = go.Figure()
    for y in ys:
        fig.add_trace(go.Bar(name=y, x=df[x], y=df[y]))
    fig.update_layout(title=title, barmode="group", height=380, margin={"t": 50, "b": 80})
    return str(fig.to_html(full_html=False, include_plotlyjs=False))


def line_figure(df: pd.DataFrame, x: str, ys: list[str], title: str) -> str:
    """A line chart of simulator columns over the periods."""
    fig = go.Figure()
    for y in ys:
        fig.add_trace(go.Scatter(name=y, x=df[x], y=df[y], mode="lines+markers"))
    fig.update_layout(title=title, height=360, margin={"t": 50})
    return str(fig.to_html(full_html=False, include_plotlyjs=False))


def render(report: MineralsReport) -> str:
    """The report as one self-contained HTML document (plotly.js inlined, works offline)."""
    conc = report.concentration
    avail = conc[conc["status"] == "available"].copy()
    avail["label"] = avail["mineral"] + " (" + avail["stage"] + ")"
    sections = [
        Section(
            "Stage concentration",
            "HHI = Σ s² on the 0–1 scale (×10,000 gives DOJ/FTC points) over separately listed countries; "
            "shares are fractions of world output at the stage (USGS world total, or 100% for the refining-stage "
            "shares, whose source and confidence label are in the source column); world_total is in the unit "
            "column's unit. Countries of concern: 15 CFR 791.4 by default.",
            _bar(avail, "label", ["top_share", "chn_share", "concern_share"], "Shares of world supply"),
            table_html(
                conc[[*SUMMARY_COLUMNS, "world_total", "unit", "source", "note"]],
                percent=("top_share", "chn_share", "concern_share"),
            ),
        )
    ]
    if report.coverage is not None:
        cov = report.coverage
        sup = cov.supply[cov.supply["status"] == "available"].copy()
        sup["label"] = sup["mineral"] + " (" + sup["stage"] + ")"
        sections.append(
            Section(
                f"Coalition coverage: {html.escape(report.coalition)}",
                "Coalition, countries-of-concern and third-country shares of world supply (latest USGS year).",
                _bar(sup, "label", ["coalition_share", "concern_share", "third_share"], "Who supplies the world"),
                table_html(cov.supply, percent=("coalition_share", "concern_share", "third_share", "other_share")),
            )
        )
        dem = cov.demand.drop(columns=["hs6", "shared_hs6", "basis"])
        sections.append(
            Section(
                "Gap to demand (US imports 2024 as the demand proxy, USD)",
                "Gap = US imports from outside the coalition (USD, 2024). A shared HS6 code that the HTSUS splits "
                "into lines (811292, 261590) counts only its own lines for each mineral; other shared HS6 codes "
                "count fully for each of them (upper bounds).",
                "",
                table_html(
                    dem,
                    percent=("gap_share",),
                    money=("us_imports_usd", "from_coalition_usd", "from_concern_usd", "from_third_usd", "gap_usd"),
                ),
            )
        )
        if not cov.candidates.empty:
            sections.append(
                Section(
                    "Third countries that could close the gap, ranked by capacity",
                    "",
                    "",
                    table_html(cov.candidates, percent=("world_share", "cumulative_share")),
                )
            )
    if report.flags is not None:
        sections.append(
            Section(
                "Chokepoint flags on HS products",
                "",
                "",
                table_html(report.flags, percent=("top_share", "chn_share", "concern_share")),
            )
        )
    sections += report.simulations
    env = Environment(autoescape=select_autoescape(default=True))
    src = ", ".join(sorted(set(avail["source"].dropna()))) or "none"
    return env.from_string(_TEMPLATE).render(
        title="supplyscope — critical minerals",
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        production_source=src,
        sections=sections,
        inputs=report.inputs,
        plotly_js=plotly.offline.get_plotlyjs(),
    )
