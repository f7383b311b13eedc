"""The assessment report: one self-contained HTML file (plotly.js embedded once, no CDN)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.io as pio

from supplyscope.indicators.registry import REGISTRY
from supplyscope.report import figures
from supplyscope.report.inputs import versions_html
from supplyscope.report.labels import by_dimension, indicator_unit, label, settings_text
from supplyscope.report.numbers import NA, number, share, usd
from supplyscope.scoring.stored import REPORT_MARKER

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1400px;color:#222}
table{border-collapse:collapse;font-size:.85rem;margin:1rem 0}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th{background:#f3f3f3} td.l,th.l{text-align:left}
.na{color:#999}.note{color:#555;font-size:.85rem} section.entity{border-top:2px solid #ccc;margin-top:2rem}
"""


def _div(fig: Any, first: bool) -> str:
    return str(pio.to_html(fig, full_html=False, include_plotlyjs=bool(first)))


def _num(v: float | None, digits: int = 3) -> str:
    text = number(v, digits)
    return f'<span class="na">{NA}</span>' if text == NA else text


def _criticality_line(rec: dict[str, Any]) -> str:
    crit = rec.get("criticality")
    if not crit:
        return ""
    comps = ", ".join(
        f"{html.escape(str(k).replace('_', ' '))} " + (html.escape(str(v)) if isinstance(v, str | bool) else _num(v, 3))
        for k, v in crit.get("components", {}).items()
    )
    return (
        f"<p><b>Criticality</b> {_num(crit.get('score'), 3)} (mode {html.escape(str(crit.get('mode')))}, factor "
        f"{_num(crit.get('factor'), 3)}; risk score {_num(rec.get('risk_score'), 3)}): {comps}.</p>"
    )


def _entity_section(rec: dict[str, Any], key: str) -> str:
    code = html.escape(str(rec[key]))
    rows = []
    overrides = {n: str(item.get("dimension", "")) for n, item in rec["indicators"].items()}
    for name in by_dimension(list(rec["indicators"]), overrides):
        item = rec["indicators"][name]
        ind = REGISTRY[name]
        reason = html.escape(item.get("reason", "")) if item["value"] is None else ""
        rows.append(
            f"<tr><td class=l title='{html.escape(ind.formula)}'>{html.escape(label(name))} "
            f"<code>{name}</code></td><td class=l>{html.escape(item.get('dimension', ind.dimension))}</td>"
            f"<td>{_num(item['value'])}</td><td class=l>{html.escape(indicator_unit(name))}</td>"
            f"<td>{_num(item['thresholds'][0])} → {_num(item['thresholds'][1])}</td>"
            f"<td>{_num(item['weight'])}</td><td>{_num(item['risk'], 3)}</td><td>{_num(item['contribution'], 3)}</td>"
            f"<td class=l>{reason or html.escape(item.get('basis', ''))}"
            f"{' <b>(proxy)</b>' if item.get('proxy') else ''}</td></tr>"
        )
    sup = "".join(
        f"<tr><td class=l>{html.escape(s['country'])}</td><td>{s['value_usd'] / 1e6:,.1f}</td>"
        f"<td>{share(s['share'])}</td></tr>"
        for s in rec.get("suppliers", [])[:10]
    )
    dims = ", ".join(f"{d} {_num(v, 3)}" for d, v in rec["dimensions"].items())
    extra = "".join(
        f"<p><b>Flag ({html.escape(f['kind'])}):</b> {html.escape(f['mineral'])} {html.escape(f['stage'])} — "
        f"{html.escape(f['reason'])}</p>"
        for f in rec.get("flags", [])
    )
    lt = rec.get("look_through")
    if lt and "reason" not in lt:
        extra += (
            f"<p><b>Look-through exposure</b> to {lt['source']} of the importer's {html.escape(lt['sector'])} "
            f"industry: face value {lt['face_value']:.1%}, look-through {lt['look_through']:.1%} "
            f"(ratio {_num(lt['ratio'], 3)}). {html.escape(lt['basis'])}.</p>"
        )
    return (
        f"<section class=entity id='e{code}'><h2>{code} — {html.escape(rec['description'])}</h2>"
        f"<p>Overall score <b>{_num(rec['score'], 3)}</b>, rank {rec['rank']} of {rec.get('of', '?')} "
        f"(90% interval under weight perturbation: {rec['rank_interval'][0]}–{rec['rank_interval'][1]}); "
        f"{dims}. Main driver: <b>{html.escape(label(str(rec['main_driver'])))}</b> "
        f"(<code>{rec['main_driver']}</code>). Imports {usd(rec['import_value_usd'])}.</p>"
        + _criticality_line(rec)
        + extra
        + "<table><tr><th class=l>indicator</th><th class=l>dimension</th><th>value</th><th class=l>unit</th>"
        "<th>thresholds (no risk → full)</th><th>weight</th><th>risk (0–100)</th><th>contribution (points)</th>"
        "<th class=l>basis / reason</th></tr>"
        + "".join(rows)
        + "</table>"
        + (
            "<h3>Top suppliers</h3><table><tr><th class=l>country (ISO3)</th><th>imports (USD M)</th>"
            f"<th>share of imports</th></tr>{sup}</table>"
            if sup
            else ""
        )
        + _div(figures.contributions(rec), False)
        + "<p><a href='#top'>back to the ranking</a></p></section>"
    )


def _method_section(correlation: pd.DataFrame | None, group_weights: pd.DataFrame | None) -> str:
    """Effective weight of each indicator group and the indicator correlation matrix."""
    out = ""
    if group_weights is not None and not group_weights.empty:
        rows = "".join(
            f"<tr><td class=l>{html.escape(str(g))}</td><td>{r['share'] * 100:.1f}%</td>"
            f"<td class=l>{html.escape(str(r['members']))}</td></tr>"
            for g, r in group_weights.iterrows()
        )
        out += (
            "<h2>Effective weights</h2><p class=note>Mean share of the risk score carried by each indicator group "
            "(redundant indicators share one group weight) or ungrouped indicator, across the ranked entities.</p>"
            "<table><tr><th class=l>group / indicator</th><th>share</th><th class=l>members</th></tr>"
            + rows
            + "</table>"
        )
    if correlation is not None and not correlation.empty:
        labels = [label(str(c)) for c in correlation.columns]
        matrix = [[None if pd.isna(v) else round(float(v), 2) for v in row] for row in correlation.to_numpy()]
        out += _div(
            figures.correlation_heatmap(labels, matrix, "Spearman correlation of indicators across entities"), False
        )
    return out


def write_report(
    result: dict[str, Any],
    all_scores: list[float],
    path: Path,
    title: str,
    *,
    correlation: pd.DataFrame | None = None,
    group_weights: pd.DataFrame | None = None,
    versions: list[dict[str, Any]] | None = None,
    marker: str | None = None,
) -> Path:
    """Write the ranking, heat map, dimension charts, method tables and one drill-down per listed entity.

    ``versions`` (from :func:`supplyscope.report.inputs.input_versions`) lists the inputs at the end;
    ``marker`` names the stored assessment in the head (:data:`~supplyscope.scoring.stored.REPORT_MARKER`).
    """
    key = "hs6" if result.get("level", "product") == "product" else "industry"
    source = f"{result['importer']} imports {result['year']}; sources and versions under Inputs"
    records = result["entities"] if "entities" in result else result["products"]
    ranking = "".join(
        f"<tr><td>{r['rank']} of {r.get('of', result['count']):,}</td>"
        f"<td class=l><a href='#e{html.escape(str(r[key]))}'>{html.escape(str(r[key]))}</a>"
        f"</td><td class=l>{html.escape(r['description'][:80])}</td><td>{_num(r['score'], 3)}</td>"
        f"<td>{r['rank_interval'][0]}–{r['rank_interval'][1]}</td>"
        + "".join(f"<td>{_num(v, 3)}</td>" for v in r["dimensions"].values())
        + f"<td class=l>{html.escape(label(str(r['main_driver'])))}</td></tr>"
        for r in records
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.get("notes", []))
    body = (
        f"<h1 id=top>{html.escape(title)}</h1><p class=note>Importer {result['importer']}, year {result['year']}, "
        f"{result['count']:,} {'products (HS6)' if key == 'hs6' else 'industries'} scored. Settings: "
        f"{html.escape(settings_text(result.get('filters', {})))}. <a href='#inputs'>Inputs and versions</a>.</p>"
        f"<ul class=note>{notes}</ul>"
        + _div(figures.score_histogram(all_scores, source), True)
        + "<h2>Ranking</h2><table><tr><th>rank</th><th class=l>code</th><th class=l>description</th>"
        "<th>score (0–100)</th>"
        "<th>rank interval (90%)</th><th>diversity</th><th>security</th><th>sustainability</th><th>transparency</th>"
        "<th class=l>main driver</th></tr>"
        + ranking
        + "</table>"
        + _div(figures.heatmap(records, key, source), False)
        + _div(figures.dimension_bars(records[:30], key, source), False)
        + _method_section(correlation, group_weights)
        + "".join(_entity_section(r, key) for r in records)
        + versions_html(versions or [])
    )
    page = (
        "<!doctype html><html><head><meta charset=utf-8>"
        + ("" if marker is None else REPORT_MARKER.format(marker=html.escape(marker)))
        + f"<title>{html.escape(title)}</title>"
        f"<style>{CSS}</style></head><body>{body}</body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
