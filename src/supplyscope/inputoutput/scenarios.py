"""Shock scenario files (TOML or JSON).

Format (TOML; JSON is the same structure, ``{"scenario": [...]}``)::

    [[scenario]]
    name = "gallium-export-restriction-chn-50pct"
    description = "..."          # optional
    [[scenario.shock]]
    country = "CHN"               # ISO3 in the ICIO
    sector = "C24B"               # ICIO sector code
    cut = 0.5                     # fraction of the restricted sales cut, 0..1
    target = "exports"            # optional: "output" (default, all sales) or "exports"
    partners = ["USA", "JPN"]     # optional, exports only: the restricted destinations (default all)
    share = 0.0004                # optional: the product's share of the sector's sales (default 1)
    share_basis = "..."           # how ``share`` was obtained (required when share < 1)

The restricted sales of a shock are ``cut · share`` of the node's sales to the restricted buyers:
every buyer (domestic and foreign, intermediate and final) for ``target = "output"``; the
industries and final-demand columns of the foreign countries (or of ``partners``) for
``target = "exports"``. A final-demand column counts as a country's when its label starts with
that country's code (``USA_HFCE``); a table whose final demand is one aggregate column cannot
split final-demand exports by destination, and only intermediate exports are then cut.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyscope.config import read_toml
from supplyscope.errors import RuleError

TARGETS = ("output", "exports")
"""What a shock cuts: all the node's sales, or only its sales abroad."""


@dataclass(frozen=True)
class Shock:
    """A cut of ``cut`` (0..1) in the sales of one node (``country``, ``sector``).

    ``target`` is ``"output"`` (all sales) or ``"exports"`` (sales to other countries, or to
    ``partners`` only). ``share`` scales the cut to a product's share of the sector's sales, with
    ``share_basis`` saying how it was obtained.
    """

    country: str
    sector: str
    cut: float
    target: str = "output"
    partners: tuple[str, ...] = ()
    share: float = 1.0
    share_basis: str = ""

    @property
    def effective_cut(self) -> float:
        """``cut · share``: the fraction of the restricted sales that is lost."""
        return self.cut * self.share


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
    unknown = sorted(set(raw) - {"country", "sector", "cut", "target", "partners", "share", "share_basis"})
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
    code = country.strip().upper()
    target = raw.get("target", "output")
    if target not in TARGETS:
        raise _fail(source, f"{where}.target", f"must be one of {', '.join(TARGETS)}, got {target!r}")
    partners = raw.get("partners", [])
    if not isinstance(partners, list) or not all(isinstance(p, str) and p.strip() for p in partners):
        raise _fail(source, f"{where}.partners", f"must be a list of country codes, got {partners!r}")
    codes = tuple(dict.fromkeys(p.strip().upper() for p in partners))
    if codes and target != "exports":
        raise _fail(source, f"{where}.partners", 'partners are only allowed with target = "exports"')
    if code in codes:
        raise _fail(source, f"{where}.partners", f"{code} cannot restrict exports to itself")
    share = raw.get("share", 1.0)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0.0 < float(share) <= 1.0:
        raise _fail(source, f"{where}.share", f"must be a number in (0, 1], got {share!r}")
    basis = raw.get("share_basis", "")
    if not isinstance(basis, str):
        raise _fail(source, f"{where}.share_basis", "must be text")
    if float(share) < 1.0 and not basis.strip():
        raise _fail(source, f"{where}.share_basis", "say how the share was obtained when share < 1")
    return Shock(
        country=code,
        sector=sector.strip(),
        cut=float(cut),
        target=str(target),
        partners=codes,
        share=float(share),
        share_basis=basis.strip(),
    )


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
    """Read a scenario file: ``.json`` as JSON, anything else as TOML (through :func:`supplyscope.config.read_toml`)."""
    p = Path(path)
    source = str(p)
    if p.suffix.lower() != ".json":
        return parse_scenarios(read_toml(p), source)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{source}: cannot read the scenario file: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise RuleError(f"{source}: line {exc.lineno}: invalid JSON: {exc.msg}") from exc
    return parse_scenarios(data, source)
