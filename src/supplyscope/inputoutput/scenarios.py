"""Shock scenario files (TOML or JSON).

Format (TOML; JSON is the same structure, ``{"scenario": [...]}``)::

    [[scenario]]
    name = "PRC gallium/germanium restriction"
    description = "..."          # optional
    [[scenario.shock]]
    country = "CHN"               # ISO3 in the ICIO
    sector = "C24B"               # ICIO sector code
    cut = 0.5                     # fraction of the node's supply cut, 0..1
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyscope.errors import RuleError


@dataclass(frozen=True)
class Shock:
    """A cut of ``cut`` (0..1) in the supply of one node (``country``, ``sector``)."""

    country: str
    sector: str
    cut: float


@dataclass(frozen=True)
class Scenario:
    """A named set of simultaneous shocks."""

    name: str
    shocks: tuple[Shock, ...]
    description: str = ""


def _fail(source: str, where: str, message: str) -> RuleError:
    return RuleError(f"{source}: {where}: {message}")


def _parse_shock(raw: Any, source: str, where: str) -> Shock:
    if not isinstance(raw, dict):
        raise _fail(source, where, "a shock must be a table with country, sector and cut")
    unknown = sorted(set(raw) - {"country", "sector", "cut"})
    if unknown:
        raise _fail(source, where, f"unknown keys {unknown}")
    for key in ("country", "sector", "cut"):
        if key not in raw:
            raise _fail(source, where, f"missing key {key!r}")
    country, sector, cut = raw["country"], raw["sector"], raw["cut"]
    if not isinstance(country, str) or not country.strip():
        raise _fail(source, f"{where}.country", f"must be a country code, got {country!r}")
    if not isinstance(sector, str) or not sector.strip():
        raise _fail(source, f"{where}.sector", f"must be a sector code, got {sector!r}")
    if isinstance(cut, bool) or not isinstance(cut, int | float) or not 0.0 <= float(cut) <= 1.0:
        raise _fail(source, f"{where}.cut", f"must be a number from 0 to 1, got {cut!r}")
    return Shock(country=country.strip().upper(), sector=sector.strip(), cut=float(cut))


def parse_scenarios(data: Any, source: str = "<scenarios>") -> list[Scenario]:
    """Scenarios from the decoded TOML/JSON document; :class:`RuleError` names the bad entry."""
    if not isinstance(data, dict) or "scenario" not in data:
        raise _fail(source, "top level", "expected a list under the key 'scenario'")
    items = data["scenario"]
    if not isinstance(items, list) or not items:
        raise _fail(source, "scenario", "must be a non-empty list of scenarios")
    out: list[Scenario] = []
    seen: set[str] = set()
    for k, item in enumerate(items, start=1):
        where = f"scenario[{k}]"
        if not isinstance(item, dict):
            raise _fail(source, where, "must be a table")
        unknown = sorted(set(item) - {"name", "description", "shock"})
        if unknown:
            raise _fail(source, where, f"unknown keys {unknown}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(source, f"{where}.name", "a non-empty name is required")
        if name in seen:
            raise _fail(source, f"{where}.name", f"duplicate scenario name {name!r}")
        seen.add(name)
        shocks = item.get("shock")
        if not isinstance(shocks, list) or not shocks:
            raise _fail(source, f"{where}.shock", "at least one shock is required")
        description = item.get("description", "")
        if not isinstance(description, str):
            raise _fail(source, f"{where}.description", "must be text")
        parsed = tuple(_parse_shock(s, source, f"{where}.shock[{j}]") for j, s in enumerate(shocks, start=1))
        out.append(Scenario(name=name, shocks=parsed, description=description))
    return out


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenario file: ``.json`` as JSON, anything else as TOML."""
    p = Path(path)
    source = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"{source}: cannot read the scenario file: {exc.strerror}") from exc
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleError(f"{source}: line {exc.lineno}: invalid JSON: {exc.msg}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: invalid TOML: {exc}") from exc
    return parse_scenarios(data, source)
