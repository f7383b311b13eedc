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

Money is US dollars. Validation is strict: HTS codes must exist in the HTS schedule (at their own
level), countries must be ISO 3166 alpha-3 codes that exist (a material may say ``XXX``, origin not
disclosed, only together with ``originating: false``; it can never become the good's origin), numbers
must be finite and non-negative, the good's value above zero, and the net cost not above the
transaction value. Every problem raises :class:`DataError` naming the file, row (CSV) and field.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
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
    "steel_aluminum_purchases",
    "steel_aluminum_originating_purchases",
)
_EXCLUDED_FROM_NET_COST = ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest")
_TOL = 1e-9


@lru_cache(maxsize=1)
def _hts_prefixes() -> frozenset[str]:
    """Every code of the HTS schedule at every level (2, 4, 6, 8 and 10 digits)."""
    from supplyscope.origin.hts import load_hts

    codes = load_hts()["hts"].astype(str)
    return frozenset(c[:n] for c in codes for n in (2, 4, 6, 8, 10) if len(c) >= n)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    from supplyscope.codes.countries import locations

    return frozenset(locations()["iso3"].dropna().astype(str))


def known_hts(code: str) -> bool:
    """True when the digits ``code`` are a heading, subheading or line of the bundled HTS schedule."""
    return code in _hts_prefixes()


def known_country(code: str) -> bool:
    """True when ``code`` is an ISO 3166 alpha-3 code of the bundled location table."""
    return code in _countries()


def _hts(v: Any, *, field: str, source: str | None, row: int | None, lengths: tuple[int, ...]) -> str:
    code = clean_hts(v, field=field, source=source, row=row, lengths=lengths)
    if code not in _hts_prefixes():
        raise DataError(f"HTS code {v!r} is not in the HTS schedule", source=source, row=row, field=field)
    if isinstance(v, str) and len(code) >= 4 and len(_HTS_OK) < 200_000:
        _HTS_OK[v] = code  # material lengths (4-10 digits): the fast path may reuse it
    return code


UNDISCLOSED = "XXX"


def _iso3(v: Any, *, field: str, source: str | None, row: int | None) -> str:
    code = clean_iso3(v, field=field, source=source, row=row)
    if code not in _countries():
        hint = (
            "; for a material whose origin is not disclosed use XXX together with originating: false"
            if code == UNDISCLOSED and field.endswith("origin") and "materials[" in field
            else ""
        )
        raise DataError(f"{code!r} is not an ISO 3166 alpha-3 country code{hint}", source=source, row=row, field=field)
    if isinstance(v, str) and len(_ISO_OK) < 10_000:
        _ISO_OK[v] = code
    return code


@dataclass(frozen=True, slots=True)
class Override:
    """A non-preferential origin argued outside the 19 CFR 102 rules (CBP ruling, "essence" test)."""

    origin: str
    basis: str
    reference: str | None = None


@dataclass(slots=True)
class Material:
    """One material: HS code, value (USD), origin country, and either a status or a sub-BOM.

    Treat as immutable (analyses copy with :func:`dataclasses.replace`). Not declared frozen: a frozen
    dataclass costs about 2 µs more per instance, which was the largest share of BOM validation time.
    """

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
    if not math.isfinite(x) or x < 0:
        raise DataError(f"must be a finite non-negative number, got {v!r}", source=source, row=row, field=field)
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


_BOM_KEYS = frozenset(
    {"name", "hts", "value", "country", "costs", "processes", "weight_kg", "materials", "non_preferential_override"}
)
_COSTS = frozenset(COST_KEYS)


def _fast_bom(d: Any) -> BOM | None:
    """The common case of :func:`bom_from_dict` (plain JSON types, codes seen before, no sub-BOMs or
    override); None -> the full check, which raises the error with its field. Same object either way."""
    if type(d) is not dict or not d.keys() <= _BOM_KEYS or d.get("non_preferential_override") is not None:
        return None
    hts = _cached(_HTS_OK, d.get("hts"))
    country = _cached(_ISO_OK, d.get("country"))
    value = _fast_number(d.get("value"))
    if hts is None or len(hts) < 6 or country is None or value is None or value <= 0:
        return None
    costs_raw = d.get("costs") or {}
    if type(costs_raw) is not dict or not costs_raw.keys() <= _COSTS:
        return None
    costs: dict[str, float] = {}
    for k, v in costs_raw.items():
        x = _fast_number(v)
        if x is None:
            return None
        costs[k] = x
    procs = d.get("processes") or []
    mats_raw = d.get("materials") or []
    if type(procs) is not list or type(mats_raw) is not list or not all(type(p) is str for p in procs):
        return None
    mats = []
    total = 0.0
    for m in mats_raw:
        mat = _fast_material(m)
        if mat is None:
            return None
        mats.append(mat)
        total += mat.value
    w = d.get("weight_kg")
    weight = None if w is None else _fast_number(w)
    limit = value * (1 + _TOL) + _TOL
    if (w is not None and weight is None) or total > limit or len({m.id for m in mats}) != len(mats):
        return None
    b = BOM(hts, value, country, tuple(mats), costs, frozenset(procs), weight, str(d.get("name", "")))
    nc = b.net_cost
    return None if nc is not None and nc > limit else b


def bom_from_dict(
    d: Mapping[str, Any],
    *,
    source: str | None = None,
    path: str = "",
    defaults: Mapping[str, Any] | None = None,
    row: int | None = None,
    fast: bool = True,
) -> BOM:
    """Validate a BOM mapping (as read from JSON) and build a :class:`BOM`.

    ``path`` prefixes field names in errors (``materials[2].value``); ``defaults`` fills a sub-BOM's
    hts/value/country from its parent material. ``fast=False`` skips the fast path for the common case
    (same result; the benchmark's baseline uses it).
    """
    if fast and not path and not defaults:
        quick = _fast_bom(d)
        if quick is not None:
            return quick
    if not isinstance(d, Mapping):
        raise DataError("a BOM must be a JSON object", source=source, field=path or None)
    defaults = defaults or {}
    known = _BOM_KEYS
    unknown = sorted(set(d) - known)
    if unknown:
        raise DataError(
            f"unknown key(s) {unknown}; allowed: {sorted(known)}", source=source, row=row, field=f"{path}{unknown[0]}"
        )
    hts = _hts(d.get("hts", defaults.get("hts")), field=f"{path}hts", source=source, row=row, lengths=(6, 8, 10))
    value = _num(d.get("value", defaults.get("value")), field=f"{path}value", source=source, row=row)
    assert value is not None
    if value <= 0:
        raise DataError(
            f"the good's value must be above zero, got {value!r}", source=source, row=row, field=f"{path}value"
        )
    country = _iso3(d.get("country", defaults.get("country")), field=f"{path}country", source=source, row=row)
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
    if costs.get("steel_aluminum_originating_purchases", 0.0) > costs.get("steel_aluminum_purchases", _INF):
        raise DataError(
            "originating steel and aluminum purchases exceed all steel and aluminum purchases",
            source=source,
            row=row,
            field=f"{path}costs.steel_aluminum_originating_purchases",
        )
    nc = BOM(hts, value, "", costs=costs).net_cost
    if nc is not None and nc > value * (1 + _TOL) + _TOL:
        key = "net_cost" if "net_cost" in costs else "total_cost"
        raise DataError(
            f"net cost {nc:,.2f} exceeds the transaction value {value:,.2f}",
            source=source,
            row=row,
            field=f"{path}costs.{key}",
        )
    procs = d.get("processes") or []
    if not isinstance(procs, list) or not all(isinstance(p, str) for p in procs):
        raise DataError("processes must be a list of names", source=source, row=row, field=f"{path}processes")
    mats_raw = d.get("materials") or []
    if not isinstance(mats_raw, list):
        raise DataError("materials must be a list", source=source, row=row, field=f"{path}materials")
    materials = tuple(
        (_fast_material(m) if fast else None) or _material(m, source=source, path=f"{path}materials[{i}].", row=row)
        for i, m in enumerate(mats_raw)
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
            _iso3(ov["origin"], field=f"{path}non_preferential_override.origin", source=source, row=row),
            str(ov["basis"]),
            str(ov["reference"]) if ov.get("reference") else None,
        )
    weight = _num(d.get("weight_kg"), field=f"{path}weight_kg", source=source, row=row, allow_none=True)
    return BOM(hts, value, country, materials, costs, frozenset(procs), weight, str(d.get("name", "")), override)


_MATERIAL_KEYS = frozenset(
    {"id", "hts", "value", "origin", "originating", "bom", "weight_kg", "key_input", "wholly_obtained"}
)
_HTS_OK: dict[str, str] = {}  # raw HTS text already validated -> digits
_ISO_OK: dict[str, str] = {}  # raw country text already validated -> ISO3
_INF = float("inf")


def _cached(cache: dict[str, str], v: Any) -> str | None:
    return cache.get(v) if type(v) is str else None


def _fast_number(v: Any) -> float | None:
    """A finite non-negative int/float as float; None for anything needing the full check."""
    t = type(v)
    if (t is float or t is int) and 0 <= v < _INF:
        return float(v)
    return None


def _fast_material(m: Any) -> Material | None:
    """The common case of :func:`_material` without building error paths; None -> take the full check.

    Accepts exactly what the full check accepts for plain JSON types and builds the same object; every
    unusual input (strings for numbers or flags, sub-BOMs, codes not seen before) falls back to the full
    check, which raises the error naming the field.
    """
    if type(m) is not dict or not m.keys() <= _MATERIAL_KEYS:
        return None
    g = m.get
    v: Any = g("value")
    mid, h, o = g("id"), g("hts"), g("origin")
    if type(h) is not str or type(o) is not str or type(mid) is not str or g("bom") is not None:
        return None
    hts = _HTS_OK.get(h)
    origin = _ISO_OK.get(o)
    tv = type(v)
    if hts is None or origin is None or not mid or not (tv is float or tv is int) or not 0 <= v < _INF:
        return None
    if mid != mid.strip():
        return None
    orig, key, wo, w = g("originating"), g("key_input"), g("wholly_obtained"), g("weight_kg")
    if not (orig is None or orig is True or orig is False):
        return None
    if not (key is None or key is True or key is False) or not (wo is None or wo is True or wo is False):
        return None
    weight = None if w is None else _fast_number(w)
    if w is not None and weight is None:
        return None
    return Material(mid, hts, float(v), origin, orig, None, weight, key is True, wo is True)


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
    hts = _hts(m.get("hts"), field=f"{path}hts", source=source, row=row, lengths=(4, 6, 8, 10))
    value = _num(m.get("value"), field=f"{path}value", source=source, row=row)
    assert value is not None
    originating = _bool(m.get("originating"), field=f"{path}originating", source=source, row=row)
    if m.get("origin") == UNDISCLOSED and originating is False:
        origin = UNDISCLOSED  # an undisclosed supplier, declared non-originating (e.g. a network export)
    else:
        origin = _iso3(m.get("origin"), field=f"{path}origin", source=source, row=row)
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
