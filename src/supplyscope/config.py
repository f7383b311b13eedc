"""Settings from TOML: country groups, indicator weights and thresholds, scoped overrides.

Shipped defaults live in ``supplyscope/defaults/*.toml``; a user file given with ``--config``
(or ``$SUPPLYSCOPE_CONFIG``) is merged on top: a group or indicator it names replaces the
default entry key by key, and its ``[[overrides]]`` are appended.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supplyscope.errors import ConfigError

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
DIMENSIONS = ("diversity", "security", "sustainability", "transparency")
SCOPES = ("section", "chapter", "heading", "hs6", "industry")
METHOD_SECTIONS = ("criticality", "indicator_groups", "substitutability")
"""Sections of scoring method settings; their keys are checked by ``supplyscope.scoring.method``."""


@dataclass(frozen=True)
class Group:
    """A named country group and the source its membership cites."""

    label: str
    members: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class IndicatorSetting:
    """Weight and thresholds ``(no_risk, full_risk)`` of one indicator.

    Risk is 0 at ``no_risk`` and 100 at ``full_risk``, linear in between and clipped outside;
    ``no_risk`` may be above ``full_risk`` for indicators where lower values are riskier.
    """

    weight: float
    thresholds: tuple[float, float]


@dataclass(frozen=True)
class Override:
    """Indicator settings that apply to one HS section, chapter, heading, product or industry."""

    scope: str
    value: str
    indicators: dict[str, IndicatorSetting]


@dataclass(frozen=True)
class Settings:
    """Everything configurable about an assessment."""

    groups: dict[str, Group]
    indicators: dict[str, IndicatorSetting]
    dimensions: dict[str, float]
    overrides: tuple[Override, ...] = ()
    sources: tuple[str, ...] = field(default=())
    method: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Raw method sections (criticality, indicator_groups, substitutability), validated by ``scoring``."""


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a missing file or bad syntax raises :class:`ConfigError` naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError("file not found", source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from None


AREA_SECTIONS = ("disclosure", "shipments", "tariffs", "minerals", "screening", "spark")
"""Top-level sections of the user's settings file that belong to one area each (read by :func:`user_section`)."""


def user_settings_file(path: Path | str | None = None) -> Path | None:
    """The user's settings file: ``path`` (a ``--config`` option), else ``$SUPPLYSCOPE_CONFIG``, else none.

    This is the one way every area finds the user's settings; each area reads its own section of it.
    """
    chosen = path or os.environ.get("SUPPLYSCOPE_CONFIG")
    return Path(chosen) if chosen else None


def user_section(name: str, path: Path | str | None = None) -> tuple[dict[str, Any], str | None]:
    """Section ``name`` of the user's settings file (``{}`` when there is none) and the file it came from."""
    target = user_settings_file(path)
    if target is None:
        return {}, None
    section = read_toml(target).get(name, {})
    if not isinstance(section, dict):
        raise ConfigError("expected a table", key=name, source=str(target))
    return section, str(target)


def merge_tables(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` merged into ``base`` key by key, recursing into tables (lists and values are replaced)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_tables(out[key], value)
        else:
            out[key] = value
    return out


def _number(value: Any, key: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"expected a number, got {value!r}", key=key, source=source)
    return float(value)


def _indicator(raw: Any, key: str, source: str, base: IndicatorSetting | None) -> IndicatorSetting:
    if not isinstance(raw, dict):
        raise ConfigError("expected a table with 'weight' and/or 'thresholds'", key=key, source=source)
    unknown = set(raw) - {"weight", "thresholds"}
    if unknown:
        raise ConfigError(f"unknown setting(s) {sorted(unknown)}", key=key, source=source)
    if base is None and not {"weight", "thresholds"} <= set(raw):
        raise ConfigError("a new indicator needs both 'weight' and 'thresholds'", key=key, source=source)
    weight = _number(raw["weight"], f"{key}.weight", source) if "weight" in raw else base.weight  # type: ignore[union-attr]
    if weight < 0:
        raise ConfigError(f"weight must not be negative, got {weight}", key=f"{key}.weight", source=source)
    if "thresholds" in raw:
        th = raw["thresholds"]
        if not isinstance(th, list) or len(th) != 2:
            raise ConfigError(
                f"thresholds must be a list of two numbers [no_risk, full_risk], got {th!r}",
                key=f"{key}.thresholds",
                source=source,
            )
        lo, hi = (_number(v, f"{key}.thresholds", source) for v in th)
        if lo == hi:
            raise ConfigError("the two thresholds must differ", key=f"{key}.thresholds", source=source)
        thresholds = (lo, hi)
    else:
        thresholds = base.thresholds  # type: ignore[union-attr]
    return IndicatorSetting(weight=weight, thresholds=thresholds)


def _merge(settings: Settings, data: dict[str, Any], source: str, known: set[str]) -> Settings:
    unknown = set(data) - {"groups", "indicators", "dimensions", "overrides", *METHOD_SECTIONS, *AREA_SECTIONS}
    if unknown:
        raise ConfigError(f"unknown section(s) {sorted(unknown)}", key=sorted(unknown)[0], source=source)
    groups = dict(settings.groups)
    for name, raw in data.get("groups", {}).items():
        key = f"groups.{name}"
        if not isinstance(raw, dict) or not isinstance(raw.get("members"), list):
            raise ConfigError("a group needs a 'members' list of ISO3 codes", key=key, source=source)
        members = raw["members"]
        bad = [m for m in members if not (isinstance(m, str) and (len(m) == 3 or m == "EU27") and m.isupper())]
        if bad:
            raise ConfigError(f"not ISO3 codes: {bad}", key=f"{key}.members", source=source)
        if not raw.get("source"):
            raise ConfigError("a group must cite its 'source'", key=f"{key}.source", source=source)
        groups[name] = Group(str(raw.get("label", name)), tuple(members), str(raw["source"]))
    indicators = dict(settings.indicators)
    for name, raw in data.get("indicators", {}).items():
        if known and name not in known:
            raise ConfigError(
                f"unknown indicator; known: {', '.join(sorted(known))}",
                key=f"indicators.{name}",
                source=source,
            )
        indicators[name] = _indicator(raw, f"indicators.{name}", source, indicators.get(name))
    dimensions = dict(settings.dimensions)
    for name, raw in data.get("dimensions", {}).items():
        if name not in DIMENSIONS:
            raise ConfigError(
                f"unknown dimension; known: {', '.join(DIMENSIONS)}", key=f"dimensions.{name}", source=source
            )
        w = _number(raw, f"dimensions.{name}", source)
        if w < 0:
            raise ConfigError("weight must not be negative", key=f"dimensions.{name}", source=source)
        dimensions[name] = w
    overrides = list(settings.overrides)
    for i, raw in enumerate(data.get("overrides", [])):
        key = f"overrides[{i}]"
        scope = raw.get("scope", "") if isinstance(raw, dict) else ""
        kind, _, value = str(scope).partition(":")
        if kind not in SCOPES or not value:
            raise ConfigError(
                f"scope must look like 'chapter:85' with one of {SCOPES}, got {scope!r}",
                key=f"{key}.scope",
                source=source,
            )
        inds = {}
        for name, ind in raw.get("indicators", {}).items():
            if known and name not in known:
                raise ConfigError("unknown indicator", key=f"{key}.indicators.{name}", source=source)
            inds[name] = _indicator(ind, f"{key}.indicators.{name}", source, indicators.get(name))
        overrides.append(Override(kind, value, inds))
    method = {k: dict(v) for k, v in settings.method.items()}
    for name in METHOD_SECTIONS:
        if name in data:
            if not isinstance(data[name], dict):
                raise ConfigError("expected a table", key=name, source=source)
            method.setdefault(name, {}).update(data[name])
    return Settings(groups, indicators, dimensions, tuple(overrides), (*settings.sources, source), method)


def load_settings(path: Path | str | None = None, *, known_indicators: set[str] | None = None) -> Settings:
    """Shipped defaults, then the user's file (argument or ``$SUPPLYSCOPE_CONFIG``) on top."""
    known = known_indicators or set()
    settings = Settings({}, {}, dict.fromkeys(DIMENSIONS, 1.0))
    for default in sorted(DEFAULTS_DIR.glob("*.toml")):
        settings = _merge(settings, read_toml(default), str(default.name), known)
    user = user_settings_file(path)
    if user is not None:
        settings = _merge(settings, read_toml(user), str(user), known)
    if known:
        missing = known - set(settings.indicators)
        if missing:
            raise ConfigError(f"no weight/thresholds for {sorted(missing)}", key=sorted(missing)[0])
    return settings
