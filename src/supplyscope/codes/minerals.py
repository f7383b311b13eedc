"""The mineral catalogue and the HS codes of each mineral, read from the shipped TOML files.

``minerals_catalog.toml`` says which USGS table holds each mineral, which stage its production column
measures and which ICIO sector each stage belongs to; ``minerals_hs_codes.toml`` lists the HS 2022 codes of
each mineral's ores, concentrates and refined forms. Both can be replaced by a user's copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from supplyscope.config import read_toml
from supplyscope.errors import ConfigError, NotFoundError

HERE = Path(__file__).resolve().parent
CATALOG_FILE = HERE / "minerals_catalog.toml"
HS_CODES_FILE = HERE / "minerals_hs_codes.toml"

STAGES = ("mining", "refining", "processing")
"""Supply-chain stages, upstream first."""


@dataclass(frozen=True)
class Mineral:
    """One mineral: where its USGS data are and what they measure."""

    key: str
    label: str
    mcs_commodity: str
    production_stage: str
    stages: tuple[str, ...]
    unit: str
    icio: dict[str, str]
    caveat: str


@dataclass(frozen=True)
class HsCode:
    """An HS 2022 six-digit code and the minerals and stage it stands for."""

    hs6: str
    minerals: tuple[str, ...]
    stage: str
    heading: str

    @property
    def shared(self) -> bool:
        """True when the code covers more than one mineral."""
        return len(self.minerals) > 1


@dataclass(frozen=True)
class HsLine:
    """A national tariff line (HTSUS, 10 digits) of a shared HS6 code and the minerals it stands for."""

    hts10: str
    minerals: tuple[str, ...]
    stage: str
    description: str
    citation: str

    @property
    def hs6(self) -> str:
        """The HS6 code the line belongs to."""
        return self.hts10[:6]

    @property
    def shared(self) -> bool:
        """True when the line itself covers more than one mineral."""
        return len(self.minerals) > 1

    @property
    def dotted(self) -> str:
        """``8112.92.10.00`` style."""
        h = self.hts10
        return f"{h[:4]}.{h[4:6]}.{h[6:8]}.{h[8:]}"


def check_stage(stage: str) -> str:
    """Return ``stage`` if it is a known stage, else raise :class:`NotFoundError`."""
    if stage not in STAGES:
        raise NotFoundError("stage", stage, STAGES)
    return stage


def _str(raw: dict[str, Any], name: str, key: str, source: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str):
        raise ConfigError(f"expected a string, got {value!r}", key=f"{key}.{name}", source=source)
    return value


@lru_cache(maxsize=4)
def load_catalog(path: Path | None = None) -> dict[str, Mineral]:
    """Minerals by key, from ``minerals_catalog.toml`` (or a user's copy)."""
    target = path or CATALOG_FILE
    source = str(target)
    data = read_toml(target)
    out: dict[str, Mineral] = {}
    for key, raw in data.get("minerals", {}).items():
        where = f"minerals.{key}"
        if not isinstance(raw, dict):
            raise ConfigError("expected a table", key=where, source=source)
        stages = tuple(raw.get("stages", ()))
        icio = raw.get("icio", {})
        prod_stage = _str(raw, "production_stage", where, source)
        for st in (*stages, prod_stage, *icio):
            if st not in STAGES:
                raise ConfigError(f"unknown stage {st!r}; known: {', '.join(STAGES)}", key=where, source=source)
        out[key] = Mineral(
            key=key,
            label=_str(raw, "label", where, source),
            mcs_commodity=_str(raw, "mcs_commodity", where, source),
            production_stage=prod_stage,
            stages=stages,
            unit=_str(raw, "unit", where, source),
            icio={str(k): str(v) for k, v in icio.items()},
            caveat=str(raw.get("caveat", "")),
        )
    if not out:
        raise ConfigError("no [minerals.*] tables", key="minerals", source=source)
    return out


_DIGITS = {6: "six", 10: "ten"}


def _unique_code(raw: dict[str, Any], key: str, digits: int, seen: set[str], where: str, source: str) -> str:
    """The ``key`` code of one record: ``digits`` digits, not seen before (added to ``seen``)."""
    code = _str(raw, key, where, source)
    if len(code) != digits or not code.isdigit():
        raise ConfigError(f"{key} must be {_DIGITS[digits]} digits, got {code!r}", key=f"{where}.{key}", source=source)
    if code in seen:
        raise ConfigError(f"duplicate {key} {code}", key=f"{where}.{key}", source=source)
    seen.add(code)
    return code


def _minerals_and_stage(
    raw: dict[str, Any], minerals: dict[str, Mineral], where: str, source: str
) -> tuple[tuple[str, ...], str]:
    """The record's minerals (each in the catalogue, at least one) and its stage (one of :data:`STAGES`)."""
    names = tuple(raw.get("minerals", ()))
    unknown = [m for m in names if m not in minerals]
    if not names or unknown:
        raise ConfigError(f"unknown or missing minerals {unknown or names}", key=f"{where}.minerals", source=source)
    stage = _str(raw, "stage", where, source)
    if stage not in STAGES:
        raise ConfigError(f"unknown stage {stage!r}", key=f"{where}.stage", source=source)
    return names, stage


@lru_cache(maxsize=4)
def load_hs_codes(path: Path | None = None, catalog_path: Path | None = None) -> tuple[HsCode, ...]:
    """HS codes from ``minerals_hs_codes.toml`` (or a user's copy), checked against the catalogue."""
    target = path or HS_CODES_FILE
    source = str(target)
    minerals = load_catalog(catalog_path)
    codes: list[HsCode] = []
    seen: set[str] = set()
    for i, raw in enumerate(read_toml(target).get("code", [])):
        where = f"code[{i}]"
        hs6 = _unique_code(raw, "hs6", 6, seen, where, source)
        names, stage = _minerals_and_stage(raw, minerals, where, source)
        codes.append(HsCode(hs6, names, stage, _str(raw, "heading", where, source)))
    return tuple(codes)


@lru_cache(maxsize=4)
def load_hs_lines(path: Path | None = None, catalog_path: Path | None = None) -> tuple[HsLine, ...]:
    """HTS10 lines from the ``[[line]]`` tables of ``minerals_hs_codes.toml``, checked against codes and catalogue."""
    target = path or HS_CODES_FILE
    source = str(target)
    minerals = load_catalog(catalog_path)
    hs6s = {c.hs6 for c in load_hs_codes(path, catalog_path)}
    lines: list[HsLine] = []
    seen: set[str] = set()
    for i, raw in enumerate(read_toml(target).get("line", [])):
        where = f"line[{i}]"
        hts10 = _unique_code(raw, "hts10", 10, seen, where, source)
        if hts10[:6] not in hs6s:
            raise ConfigError(f"{hts10}: its HS6 {hts10[:6]} is not a [[code]]", key=f"{where}.hts10", source=source)
        names, stage = _minerals_and_stage(raw, minerals, where, source)
        lines.append(
            HsLine(hts10, names, stage, _str(raw, "description", where, source), _str(raw, "citation", where, source))
        )
    return tuple(lines)


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


ALIASES = {
    "rare-earth": "rare-earths",
    "ree": "rare-earths",
    "natural-graphite": "graphite",
    "graphite-(natural)": "graphite",
    "platinum-group-metals": "pgm",
    "palladium": "pgm",
    "aluminium": "aluminum",
    "ferrosilicon": "silicon",
}


def resolve_mineral(name: str, catalog: dict[str, Mineral] | None = None) -> Mineral:
    """Look a mineral up by key, label or a common alias; unknown names raise :class:`NotFoundError`."""
    cat = catalog if catalog is not None else load_catalog()
    key = _norm(name)
    key = ALIASES.get(key, key)
    if key in cat:
        return cat[key]
    for m in cat.values():
        if _norm(m.label) == key:
            return m
    raise NotFoundError("mineral", name, sorted(cat))
