"""Scoring method settings: criticality, indicator groups and the substitutability rule, typed and checked.

They come from the ``[criticality]``, ``[indicator_groups.*]`` and ``[substitutability]`` sections
of the TOML settings (shipped in ``defaults/scoring.toml``; reasons in docs/scoring.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supplyscope.config import DIMENSIONS, Settings
from supplyscope.errors import ConfigError

COMPONENTS = ("end_use", "productive_use", "breadth")
MODES = ("multiplier", "weighted", "off")


@dataclass(frozen=True)
class CriticalitySettings:
    """How criticality (economic importance) enters the score.

    ``multiplier``: S = R · (floor + (1 − floor) · C/100), after the EU CRM method's
    "economic importance × supply risk"; ``weighted``: S = (1 − weight) · R + weight · C;
    ``off``: S = R.
    """

    mode: str = "multiplier"
    floor: float = 0.25
    weight: float = 0.5
    components: tuple[tuple[str, float], ...] = (("end_use", 1.0), ("productive_use", 1.0), ("breadth", 1.0))
    breadth_full: float = 0.25
    designation_sets_full: bool = True


@dataclass(frozen=True)
class IndicatorGroup:
    """Indicators that measure one thing: they share one weight in one dimension."""

    name: str
    label: str
    dimension: str
    weight: float
    members: tuple[str, ...]


@dataclass(frozen=True)
class Method:
    """Everything about the scoring method beyond per-indicator weights and thresholds."""

    criticality: CriticalitySettings
    groups: tuple[IndicatorGroup, ...]
    substitutability_indicator: str | None
    substitutability_gate: tuple[str, ...]

    def group_of(self, indicator: str) -> IndicatorGroup | None:
        return next((g for g in self.groups if indicator in g.members), None)


def _num(raw: dict[str, Any], key: str, where: str, default: float, lo: float = 0.0, hi: float = 1e12) -> float:
    v = raw.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= float(v) <= hi:
        raise ConfigError(f"expected a number in [{lo:g}, {hi:g}], got {v!r}", key=f"{where}.{key}")
    return float(v)


def _criticality(raw: dict[str, Any]) -> CriticalitySettings:
    known = {"mode", "floor", "weight", "components", "breadth_full", "designation_sets_full", "reference"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"unknown setting(s) {sorted(unknown)}", key="criticality")
    mode = raw.get("mode", "multiplier")
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {MODES}, got {mode!r}", key="criticality.mode")
    comps = raw.get("components", {"end_use": 1.0, "productive_use": 1.0, "breadth": 1.0})
    if not isinstance(comps, dict) or set(comps) - set(COMPONENTS):
        raise ConfigError(f"components must be a table over {COMPONENTS}", key="criticality.components")
    weights = tuple((c, _num(comps, c, "criticality.components", 0.0)) for c in COMPONENTS if c in comps)
    if sum(w for _, w in weights) <= 0:
        raise ConfigError("at least one component needs a positive weight", key="criticality.components")
    gate = raw.get("designation_sets_full", True)
    if not isinstance(gate, bool):
        raise ConfigError("expected true or false", key="criticality.designation_sets_full")
    return CriticalitySettings(
        mode=mode,
        floor=_num(raw, "floor", "criticality", 0.25, 0.0, 1.0),
        weight=_num(raw, "weight", "criticality", 0.5, 0.0, 1.0),
        components=weights,
        breadth_full=_num(raw, "breadth_full", "criticality", 0.25, 1e-9, 1.0),
        designation_sets_full=gate,
    )


def _groups(raw: dict[str, Any], known: set[str]) -> tuple[IndicatorGroup, ...]:
    out: list[IndicatorGroup] = []
    seen: set[str] = set()
    for name, g in raw.items():
        where = f"indicator_groups.{name}"
        if not isinstance(g, dict) or not isinstance(g.get("members"), list) or not g["members"]:
            raise ConfigError("a group needs a non-empty 'members' list", key=where)
        members = tuple(str(m) for m in g["members"])
        bad = [m for m in members if known and m not in known]
        if bad:
            raise ConfigError(f"unknown indicator(s) {bad}", key=f"{where}.members")
        twice = seen.intersection(members)
        if twice:
            raise ConfigError(f"indicator(s) {sorted(twice)} are in two groups", key=f"{where}.members")
        seen.update(members)
        dim = g.get("dimension")
        if dim not in DIMENSIONS:
            raise ConfigError(f"dimension must be one of {DIMENSIONS}, got {dim!r}", key=f"{where}.dimension")
        out.append(IndicatorGroup(name, str(g.get("label", name)), str(dim), _num(g, "weight", where, 1.0), members))
    return tuple(out)


def method_of(settings: Settings, known: set[str] | None = None) -> Method:
    """The typed method from the settings' raw sections (``ConfigError`` on a bad value)."""
    raw = settings.method
    sub = raw.get("substitutability", {})
    indicator = sub.get("indicator")
    gate = tuple(str(g) for g in sub.get("gate", ()))
    for name in (*gate, *([indicator] if indicator else [])):
        if known and name not in known:
            raise ConfigError(f"unknown indicator {name!r}", key="substitutability")
    return Method(
        criticality=_criticality(raw.get("criticality", {})),
        groups=_groups(raw.get("indicator_groups", {}), known or set()),
        substitutability_indicator=str(indicator) if indicator else None,
        substitutability_gate=gate,
    )
