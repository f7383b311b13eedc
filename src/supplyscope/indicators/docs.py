"""Render docs/indicators.md from the registry and the shipped default settings."""

from __future__ import annotations

import pandas as pd

from supplyscope.config import DIMENSIONS, load_settings
from supplyscope.indicators.registry import REGISTRY


def _method_tables(correlation: pd.DataFrame, weights: pd.DataFrame, basis: str) -> list[str]:
    """Markdown for the effective group weights and the correlation matrix (indicators numbered)."""
    out = [
        "## Redundancy: correlations and effective weights",
        "",
        f"Computed on {basis}. Indicators that measure the same thing are grouped in the shipped settings "
        "(`[indicator_groups.*]` in `defaults/scoring.toml`): a group carries one weight, shared by its members "
        "in proportion to their own weights, and every member still shows in `explain` and the report.",
        "",
        "### Effective weights",
        "",
        "Mean share of the risk score (before criticality) carried by each group or ungrouped indicator "
        "across the ranked products.",
        "",
        "| group / indicator | share | members |",
        "|---|---:|---|",
    ]
    for g, r in weights.iterrows():
        out.append(f"| `{g}` | {r['share'] * 100:.1f}% | {r['members']} |")
    names = [str(c) for c in correlation.columns]
    out += [
        "",
        "### Correlation matrix",
        "",
        "Spearman rank correlation across products (pairwise complete; indicators without variation or data "
        "omitted). Columns are numbered as the rows.",
        "",
        "| # | indicator | " + " | ".join(str(i + 1) for i in range(len(names))) + " |",
        "|---:|---|" + "---:|" * len(names),
    ]
    for i, n in enumerate(names):
        cells = ["" if pd.isna(v) else f"{v:.2f}" for v in correlation.loc[n, names]]
        out.append(f"| {i + 1} | `{n}` | " + " | ".join(cells) + " |")
    out.append("")
    return out


def render_markdown(
    correlation: pd.DataFrame | None = None, weights: pd.DataFrame | None = None, basis: str = ""
) -> str:
    """The indicator reference: every registered indicator with its formula, data and default setting.

    With ``correlation`` and ``weights`` (from an assessment on the bundled data, computed by the
    CLI) the page ends with the redundancy tables.
    """
    settings = load_settings(known_indicators=set(REGISTRY))
    out = [
        "# Indicators",
        "",
        "<!-- Generated from supplyscope.indicators.registry by `supplyscope indicators docs --write`;"
        " a test fails when this file and the registry differ. -->",
        "",
        f"{len(REGISTRY)} indicators over the four dimensions of the USTR resilience framework. "
        "Each is computed per HS6 product for one importer and year; industry values are import-weighted "
        "means over the industry's HS6 products. *Direction* says whether a higher value means more risk. "
        "*Thresholds* are the shipped defaults `[no risk, full risk]` (risk is linear in between); "
        "override them in a settings file.",
        "",
        "An indicator whose data are not loaded is reported as unavailable with the reason, never filled in.",
        "",
    ]
    for dim in DIMENSIONS:
        out += [f"## {dim.capitalize()}", ""]
        for ind in (i for i in REGISTRY.values() if i.dimension == dim):
            s = settings.indicators[ind.name]
            group = f" (group: {ind.group})" if ind.group != ind.dimension else ""
            out += [
                f"### `{ind.name}`{group}",
                "",
                ind.description,
                "",
                f"- **Formula:** {ind.formula}",
                f"- **Unit:** {ind.unit}; **direction:** higher value = "
                + ("more risk" if ind.direction == "higher" else "less risk"),
                f"- **Requires:** {ind.requires}",
                f"- **Default weight:** {s.weight:g}; **thresholds:** [{s.thresholds[0]:g}, {s.thresholds[1]:g}]",
                f"- **Reference:** {ind.reference}",
                "",
            ]
    if correlation is not None and weights is not None:
        out += _method_tables(correlation, weights, basis)
    return "\n".join(out)
