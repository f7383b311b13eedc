"""Render docs/indicators.md from the registry and the shipped default settings."""

from __future__ import annotations

from supplyscope.config import DIMENSIONS, load_settings
from supplyscope.indicators.registry import REGISTRY


def render_markdown() -> str:
    """The indicator reference: every registered indicator with its formula, data and default setting."""
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
    return "\n".join(out)
