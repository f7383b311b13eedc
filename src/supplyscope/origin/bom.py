"""Bills of materials: a finished good and its materials (with optional sub-BOMs), read from JSON or CSV.

JSON (one object)::

    {"name": "...", "hts": "8507.60.00.20", "value": 1000, "country": "MEX",
     "costs": {"net_cost": 900}, "processes": ["cut_or_knit_to_shape"],
     "materials": [{"id": "cells", "hts": "8507.90", "value": 600, "origin": "CHN",
                    "originating": false, "key_input": true, "bom": {...}}]}

CSV: columns ``item,parent,hts,value,origin,originating,weight_kg,key_input``; the row with an empty
``parent`` is the finished good (``origin`` = country of final production), rows whose parent is the
good are its materials, rows whose parent is a material form that material's sub-BOM, and rows with
``item`` = ``cost:<name>`` (parent empty) give costs such as ``cost:net_cost``.

Money is US dollars. Every validation problem raises :class:`DataError` naming the file, row (CSV)
and field.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supplyscope.errors import DataError
from supplyscope.origin.codes import clean_hts, clean_iso3

COST_KEYS = (
    "net_cost",
    "total_cost",
    "sales_promotion",
    "royalties",
    "shipping_packing",
    "non_allowable_interest",
    "direct_processing_costs",
    "high_wage_expenditure",
    "annual_purchase_value",
)
_EXCLUDED_FROM_NET_COST = ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest")
_TOL = 1e-9


@dataclass(frozen=True, slots=True)
class Override:
    """A non-preferential origin argued outside the 19 CFR 102 rules (CBP ruling, "essence" test)."""

    origin: str
    basis: str
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Material:
    """One material: HS code, value (USD), origin country, and either a status or a sub-BOM."""

    id: str
    hts: str
    value: float
    origin: str
    originating: bool | None = None
    bom: BOM | None = None
    weight_kg: float | None = None
    key_input: bool = False
    wholly_obtained: bool = False


@dataclass(frozen=True, slots=True)
class BOM:
    """A finished good produced in ``country`` from ``materials``; ``value`` is its transaction value."""

    hts: str
    value: float
    country: str
    materials: tuple[Material, ...] = ()
    costs: Mapping[str, float] = field(default_factory=dict)
    processes: frozenset[str] = frozenset()
    weight_kg: float | None = None
    name: str = ""
    override: Override | None = None

    @property
    def net_cost(self) -> float | None:
        """Net cost: given directly, or total cost less the costs the agreements exclude."""
        if "net_cost" in self.costs:
            return self.costs["net_cost"]
        if "total_cost" in self.costs:
            return self.costs["total_cost"] - sum(self.costs.get(k, 0.0) for k in _EXCLUDED_FROM_NET_COST)
        return None

    def with_material(self, index: int, material: Material) -> BOM:
        """A copy with one material replaced (used by the sourcing analyses)."""
        mats = list(self.materials)
        mats[index] = material
        return BOM(
            self.hts,
            self.value,
            self.country,
            tuple(mats),
            self.costs,
            self.processes,
            self.weight_kg,
            self.name,
            self.override,
        )


def _num(v: Any, *, field: str, source: str | None, row: int | None, allow_none: bool = False) -> float | None:
    if v is None or v == "":
        if allow_none:
            return None
        raise DataError("value is required", source=source, row=row, field=field)
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise DataError(f"not a number: {v!r}", source=source, row=row, field=field) from None
    if x != x or x < 0:
        raise DataError(f"must be a non-negative number, got {v!r}", source=source, row=row, field=field)
    return x


def _bool(v: Any, *, field: str, source: str | None, row: int | None) -> bool | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("true", "yes", "1", "y"):
        return True
    if s in ("false", "no", "0", "n"):
        return False
    raise DataError(f"expected true/false, got {v!r}", source=source, row=row, field=field)


def bom_from_dict(
    d: Mapping[str, Any],
    *,
    source: str | None = None,
    path: str = "",
    defaults: Mapping[str, Any] | None = None,
    row: int | None = None,
) -> BOM:
    """Validate a BOM mapping (as read from JSON) and build a :class:`BOM`.

    ``path`` prefixes field names in errors (``materials[2].value``); ``defaults`` fills a sub-BOM's
    hts/value/country from its parent material.
    """
    if not isinstance(d, Mapping):
        raise DataError("a BOM must be a JSON object", source=source, field=path or None)
    defaults = defaults or {}
    known = {
        "name",
        "hts",
        "value",
        "country",
        "costs",
        "processes",
        "weight_kg",
        "materials",
        "non_preferential_override",
    }
    unknown = sorted(set(d) - known)
    if unknown:
        raise DataError(
            f"unknown key(s) {unknown}; allowed: {sorted(known)}", source=source, row=row, field=f"{path}{unknown[0]}"
        )
    hts = clean_hts(d.get("hts", defaults.get("hts")), field=f"{path}hts", source=source, row=row, lengths=(6, 8, 10))
    value = _num(d.get("value", defaults.get("value")), field=f"{path}value", source=source, row=row)
    assert value is not None
    country = clean_iso3(d.get("country", defaults.get("country")), field=f"{path}country", source=source, row=row)
    costs_raw = d.get("costs") or {}
    if not isinstance(costs_raw, Mapping):
        raise DataError("costs must be an object", source=source, row=row, field=f"{path}costs")
    costs: dict[str, float] = {}
    for k, v in costs_raw.items():
        if k not in COST_KEYS:
            raise DataError(
                f"unknown cost {k!r}; allowed: {list(COST_KEYS)}", source=source, row=row, field=f"{path}costs.{k}"
            )
        x = _num(v, field=f"{path}costs.{k}", source=source, row=row)
        assert x is not None
        costs[k] = x
    procs = d.get("processes") or []
    if not isinstance(procs, list) or not all(isinstance(p, str) for p in procs):
        raise DataError("processes must be a list of names", source=source, row=row, field=f"{path}processes")
    mats_raw = d.get("materials") or []
    if not isinstance(mats_raw, list):
        raise DataError("materials must be a list", source=source, row=row, field=f"{path}materials")
    materials = tuple(
        _material(m, source=source, path=f"{path}materials[{i}].", row=row) for i, m in enumerate(mats_raw)
    )
    ids = [m.id for m in materials]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise DataError(f"material id {dup!r} is used twice", source=source, row=row, field=f"{path}materials")
    total = sum(m.value for m in materials)
    if total > value * (1 + _TOL) + _TOL:
        raise DataError(
            f"material values add up to {total:,.2f}, more than the good's value {value:,.2f}",
            source=source,
            row=row,
            field=f"{path}materials[].value",
        )
    ov = d.get("non_preferential_override")
    override = None
    if ov is not None:
        if not isinstance(ov, Mapping) or "origin" not in ov or "basis" not in ov:
            raise DataError(
                "override needs 'origin' and 'basis'", source=source, row=row, field=f"{path}non_preferential_override"
            )
        override = Override(
            clean_iso3(ov["origin"], field=f"{path}non_preferential_override.origin", source=source, row=row),
            str(ov["basis"]),
            str(ov["reference"]) if ov.get("reference") else None,
        )
    weight = _num(d.get("weight_kg"), field=f"{path}weight_kg", source=source, row=row, allow_none=True)
    return BOM(hts, value, country, materials, costs, frozenset(procs), weight, str(d.get("name", "")), override)


def _material(m: Any, *, source: str | None, path: str, row: int | None) -> Material:
    if not isinstance(m, Mapping):
        raise DataError("a material must be an object", source=source, row=row, field=path.rstrip("."))
    known = {"id", "hts", "value", "origin", "originating", "bom", "weight_kg", "key_input", "wholly_obtained"}
    unknown = sorted(set(m) - known)
    if unknown:
        raise DataError(
            f"unknown key(s) {unknown}; allowed: {sorted(known)}", source=source, row=row, field=f"{path}{unknown[0]}"
        )
    mid = str(m.get("id") or "").strip()
    if not mid:
        raise DataError("material id is required", source=source, row=row, field=f"{path}id")
    hts = clean_hts(m.get("hts"), field=f"{path}hts", source=source, row=row, lengths=(4, 6, 8, 10))
    value = _num(m.get("value"), field=f"{path}value", source=source, row=row)
    assert value is not None
    origin = clean_iso3(m.get("origin"), field=f"{path}origin", source=source, row=row)
    originating = _bool(m.get("originating"), field=f"{path}originating", source=source, row=row)
    sub = None
    if m.get("bom") is not None:
        sub = bom_from_dict(
            m["bom"],
            source=source,
            path=f"{path}bom.",
            row=row,
            defaults={"hts": hts if len(hts) >= 6 else None, "value": value, "country": origin},
        )
        if abs(sub.value - value) > 1e-6 * max(1.0, value):
            raise DataError(
                f"sub-BOM value {sub.value} differs from the material value {value}",
                source=source,
                row=row,
                field=f"{path}bom.value",
            )
    return Material(
        mid,
        hts,
        value,
        origin,
        originating,
        sub,
        _num(m.get("weight_kg"), field=f"{path}weight_kg", source=source, row=row, allow_none=True),
        bool(_bool(m.get("key_input"), field=f"{path}key_input", source=source, row=row)),
        bool(_bool(m.get("wholly_obtained"), field=f"{path}wholly_obtained", source=source, row=row)),
    )


def load_bom(path: str | Path) -> BOM:
    """Read and validate a BOM from a ``.json`` or ``.csv`` file."""
    p = Path(path)
    if not p.exists():
        raise DataError("file not found", source=str(p))
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg} (line {exc.lineno})", source=str(p)) from None
        return bom_from_dict(data, source=str(p))
    if p.suffix.lower() == ".csv":
        return _bom_from_csv(p)
    raise DataError("BOM files must be .json or .csv", source=str(p))


_CSV_COLUMNS = ("item", "parent", "hts", "value", "origin", "originating", "weight_kg", "key_input")


def _bom_from_csv(p: Path) -> BOM:
    src = str(p)
    with p.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _CSV_COLUMNS[:5] if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"missing column(s) {missing}", source=src, field=missing[0])
        rows = [(i, r) for i, r in enumerate(reader, start=2)]
    goods = [(i, r) for i, r in rows if not (r.get("parent") or "").strip() and not r["item"].startswith("cost:")]
    if len(goods) != 1:
        raise DataError(
            f"need exactly one row with an empty parent (the good), found {len(goods)}", source=src, field="parent"
        )
    children: dict[str, list[tuple[int, dict[str, str]]]] = {}
    costs: dict[str, Any] = {}
    for i, r in rows:
        parent = (r.get("parent") or "").strip()
        if r["item"].startswith("cost:"):
            costs[r["item"][5:]] = _num(r.get("value"), field="value", source=src, row=i)
        elif parent:
            children.setdefault(parent, []).append((i, r))
    known = {r["item"].strip() for _, r in rows}
    for parent, kids in children.items():
        if parent not in known:
            raise DataError(
                f"parent {parent!r} is not an item of this file", source=src, row=kids[0][0], field="parent"
            )

    def build(item: str, depth: int) -> list[dict[str, Any]]:
        if depth > 20:
            raise DataError("sub-BOMs nest more than 20 levels (cycle?)", source=src, field="parent")
        out = []
        for i, r in children.get(item, []):
            d: dict[str, Any] = {
                "id": r["item"].strip(),
                "hts": r["hts"],
                "value": r["value"],
                "origin": r["origin"],
                "originating": r.get("originating") or None,
                "weight_kg": r.get("weight_kg") or None,
                "key_input": r.get("key_input") or None,
            }
            sub = build(d["id"], depth + 1)
            if sub:
                d["bom"] = {"materials": sub}
            try:
                _material(d, source=src, path="", row=i)
            except DataError:
                raise
            out.append(d)
        return out

    gi, g = goods[0]
    try:
        return bom_from_dict(
            {
                "name": g["item"],
                "hts": g["hts"],
                "value": g["value"],
                "country": g["origin"],
                "costs": costs,
                "materials": build(g["item"].strip(), 0),
                "weight_kg": g.get("weight_kg") or None,
            },
            source=src,
            row=None,
        )
    except DataError as exc:
        if exc.row is None and exc.field and not exc.field.startswith("materials"):
            raise DataError(exc.detail, source=src, row=gi, field=exc.field) from None
        raise
