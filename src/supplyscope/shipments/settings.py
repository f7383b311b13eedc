"""Shipment screening settings: shipped defaults (``defaults.toml``) with an optional user file on top."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyscope.config import merge_tables, read_toml
from supplyscope.errors import ConfigError

DEFAULTS = Path(__file__).resolve().parent / "defaults.toml"
REASONS: tuple[str, ...] = (
    "listed_entity",
    "xinjiang_address",
    "de_minimis_over_threshold",
    "de_minimis_excluded_proposed",
)
MEASURES: tuple[str, ...] = ("301", "201", "232")


@dataclass(frozen=True)
class ShipmentSettings:
    """Policy values used by the pipeline; each carries its source in :attr:`sources`."""

    threshold_usd: float
    apply_proposed_exclusions: bool
    proposed_excluded: tuple[str, ...]
    section201_prefixes: tuple[str, ...]
    flag_reasons: tuple[str, ...]
    sources: dict[str, str]


def _get(data: dict[str, Any], dotted: str, kind: type | tuple[type, ...], source: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError("setting is missing", key=dotted, source=source)
        node = node[part]
    if kind is float and isinstance(node, int) and not isinstance(node, bool):
        node = float(node)
    if not isinstance(node, kind) or (kind is float and isinstance(node, bool)):
        raise ConfigError(f"expected {getattr(kind, '__name__', kind)}, got {node!r}", key=dotted, source=source)
    return node


def load_settings(path: Path | None = None) -> ShipmentSettings:
    """The shipped defaults, with ``path`` (same keys, any subset) merged on top."""
    data = read_toml(DEFAULTS)
    source = DEFAULTS.name
    if path is not None:
        data = merge_tables(data, read_toml(path))
        source = str(path)
    from supplyscope.tariffs import default_config

    tcfg = default_config()
    if "threshold_usd" in data.get("de_minimis", {}):
        threshold = _get(data, "de_minimis.threshold_usd", float, source)
        threshold_source = f"{source} (user override)"
    else:
        threshold, threshold_source = tcfg.de_minimis_threshold, tcfg.de_minimis_legal
    if threshold < 0:
        raise ConfigError("must not be negative", key="de_minimis.threshold_usd", source=source)
    excluded = tuple(str(m) for m in _get(data, "de_minimis.proposed.excluded_measures", list, source))
    bad = [m for m in excluded if m not in MEASURES]
    if bad:
        raise ConfigError(f"unknown measure(s) {bad}; known: {MEASURES}", key="de_minimis.proposed", source=source)
    reasons = tuple(str(r) for r in _get(data, "risk.flag_reasons", list, source))
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise ConfigError(f"unknown reason(s) {unknown}; known: {REASONS}", key="risk.flag_reasons", source=source)
    prefixes = tuple(str(p) for p in _get(data, "section201.hts_prefixes", list, source))
    if any(not p.isdigit() or not 2 <= len(p) <= 10 for p in prefixes):
        raise ConfigError("HTS prefixes must be 2 to 10 digits", key="section201.hts_prefixes", source=source)
    return ShipmentSettings(
        threshold_usd=threshold,
        apply_proposed_exclusions=bool(_get(data, "de_minimis.apply_proposed_exclusions", bool, source)),
        proposed_excluded=excluded,
        section201_prefixes=prefixes,
        flag_reasons=reasons,
        sources={
            "de_minimis": threshold_source,
            "proposed_exclusions": str(data["de_minimis"]["proposed"].get("source", "")),
            "tariff_layer": f"{tcfg.source} ({tcfg.hts_edition}); see docs/tariffs.md",
            "section201": str(data["section201"].get("source", "")),
        },
    )
