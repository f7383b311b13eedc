"""The rule-of-origin language: rules written as data (YAML/TOML/JSON) and validated into nodes.

A rule is a mapping with exactly one of these keys:

``tariff_shift``
    ``{level: chapter|heading|subheading (or CC|CTH|CTSH), except_from: [ranges], from: [ranges],
    outside_group: bool, tolerance_percent: p}`` — every non-originating material must change
    classification at ``level`` (or come from a ``from`` range) and not from an ``except_from`` range.
    ``tolerance_percent`` is an in-rule allowance (value of failing materials <= p% of the good).
``no_shift``
    ``{}`` — "no change in tariff classification required" (combine with ``rvc`` in ``all_of``).
``rvc``
    ``{methods: {transaction_value|net_cost|build_down|build_up|value_plus_processing: percent},
    traced: [ranges]}`` — regional value content; passes when one listed method reaches its threshold.
    ``traced`` restricts the non-originating value to materials on a tracing list.
``max_non_originating``
    ``{percent: p, of: [ranges]}`` — value of non-originating materials (of those ranges) <= p% of the
    ex-works price (UK "MAXNOM").
``wholly_obtained``
    ``{of: [ranges]}`` — materials (of those ranges, or all) must be originating / wholly obtained.
``yarn_forward``
    ``{except_from: [ranges], processes: [names]}`` — change from any other chapter except from the
    listed yarns/fabrics, and the good cut (or knit to shape) and sewn in the territory.
``new_or_different``
    ``{}`` — "a new or different article of commerce": the non-originating materials undergo the
    19 CFR 102.20 change for the good (19 CFR 102.0; Morocco and Bahrain FTAs).
``process``
    ``{processes: [names], text: str}`` — a processing requirement the BOM must declare.
``lvc``
    ``{percent: p, wage_usd_per_hour: 16}`` — labor value content (USMCA autos).
``steel_aluminum_purchases``
    ``{percent: 70}`` — the vehicle producer's originating purchases of steel and aluminum are at least
    ``percent`` of its North American purchases of them (USMCA automotive appendix Art. 6); the BOM
    gives ``costs.steel_aluminum_purchases`` and ``costs.steel_aluminum_originating_purchases``.
``any_of`` / ``all_of``
    a list of rules: combination (either/or) and hybrid (both) rules.

Every rule entry in a rule set also carries ``legal`` (the citation) and ``text`` (the rule as written).
Ranges are HS/HTS codes or ``"lo-hi"`` ranges, dots allowed (``"8507.10-8507.80"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from supplyscope.errors import DataError, RuleError
from supplyscope.origin.codes import parse_range


class RuleNodeError(DataError, RuleError):
    """A rule definition is malformed; ``field`` is the node path (``rules[3].rule.any_of[0].rvc``)."""


Ranges = tuple[tuple[str, str], ...]
RVC_METHODS = ("transaction_value", "net_cost", "build_down", "build_up", "value_plus_processing")
_LEVELS = {
    "chapter": "chapter",
    "heading": "heading",
    "subheading": "subheading",
    "cc": "chapter",
    "cth": "heading",
    "ctsh": "subheading",
    "tariff_item": "tariff_item",
}


@dataclass(frozen=True, slots=True)
class TariffShift:
    level: str | None
    except_from: Ranges = ()
    from_ranges: Ranges = ()
    outside_group: bool = False
    tolerance_percent: float | None = None
    kind: str = "tariff_shift"


@dataclass(frozen=True, slots=True)
class NoShift:
    kind: str = "no_shift"


@dataclass(frozen=True, slots=True)
class RVC:
    methods: tuple[tuple[str, float], ...]
    traced: Ranges = ()
    kind: str = "rvc"


@dataclass(frozen=True, slots=True)
class MaxNonOriginating:
    percent: float
    of: Ranges = ()
    kind: str = "max_non_originating"


@dataclass(frozen=True, slots=True)
class WhollyObtained:
    of: Ranges = ()
    kind: str = "wholly_obtained"


@dataclass(frozen=True, slots=True)
class YarnForward:
    except_from: Ranges
    processes: tuple[str, ...]
    kind: str = "yarn_forward"


@dataclass(frozen=True, slots=True)
class Process:
    processes: tuple[str, ...]
    text: str
    kind: str = "process"


@dataclass(frozen=True, slots=True)
class LVC:
    percent: float
    wage_usd_per_hour: float
    kind: str = "lvc"


@dataclass(frozen=True, slots=True)
class SteelAluminumPurchases:
    percent: float
    kind: str = "steel_aluminum_purchases"


@dataclass(frozen=True, slots=True)
class NewOrDifferent:
    kind: str = "new_or_different"


@dataclass(frozen=True, slots=True)
class AnyOf:
    rules: tuple[Rule, ...]
    kind: str = "any_of"


@dataclass(frozen=True, slots=True)
class AllOf:
    rules: tuple[Rule, ...]
    kind: str = "all_of"


Rule = (
    TariffShift
    | NoShift
    | RVC
    | MaxNonOriginating
    | WhollyObtained
    | YarnForward
    | Process
    | LVC
    | SteelAluminumPurchases
    | NewOrDifferent
    | AnyOf
    | AllOf
)
KINDS = (
    "tariff_shift",
    "no_shift",
    "rvc",
    "max_non_originating",
    "wholly_obtained",
    "yarn_forward",
    "process",
    "lvc",
    "steel_aluminum_purchases",
    "new_or_different",
    "any_of",
    "all_of",
)


def _ranges(v: Any, where: str) -> Ranges:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, Sequence):
        raise RuleNodeError(f"expected a list of HS codes or ranges, got {v!r}", field=f"{where}")
    out = []
    for i, x in enumerate(v):
        try:
            lo, hi = parse_range(str(x))
        except ValueError as exc:
            raise RuleNodeError(str(exc), field=f"{where}[{i}]") from None
        if lo.ljust(10, "0") > hi.ljust(10, "9"):
            raise RuleNodeError(f"reversed range {x!r}: the start is after the end", field=f"{where}[{i}]")
        out.append((lo, hi))
    return tuple(out)


def padded(rng: tuple[str, str]) -> tuple[str, str]:
    """A range as 10-digit bounds (``('8507', '8507')`` -> ``('8507000000', '8507999999')``)."""
    return rng[0].ljust(10, "0"), rng[1].ljust(10, "9")


def _pct(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= float(v) <= 100:
        raise RuleNodeError(f"expected a percentage 0-100, got {v!r}", field=f"{where}")
    return float(v)


def _only(params: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(params) - allowed)
    if extra:
        raise RuleNodeError(f"unknown key(s) {extra}; allowed: {sorted(allowed)}", field=f"{where}")


def compile_rule(spec: Any, where: str = "rule") -> Rule:
    """Validate a rule written as data and return its node; :class:`RuleError` names the path."""
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise RuleNodeError(f"a rule is a mapping with exactly one of {list(KINDS)}, got {spec!r}", field=f"{where}")
    ((kind, params),) = spec.items()
    w = f"{where}.{kind}"
    if kind in ("any_of", "all_of"):
        if not isinstance(params, list) or len(params) < 1:
            raise RuleNodeError("expected a non-empty list of rules", field=f"{w}")
        subs = tuple(compile_rule(p, f"{w}[{i}]") for i, p in enumerate(params))
        return AnyOf(subs) if kind == "any_of" else AllOf(subs)
    params = params or {}
    if not isinstance(params, Mapping):
        raise RuleNodeError(f"expected a mapping of parameters, got {params!r}", field=f"{w}")
    if kind == "tariff_shift":
        _only(params, {"level", "except_from", "from", "outside_group", "tolerance_percent"}, w)
        level_raw = params.get("level")
        level = None
        if level_raw is not None:
            level = _LEVELS.get(str(level_raw).lower())
            if level is None:
                raise RuleNodeError(f"unknown level {level_raw!r}; use chapter/heading/subheading", field=f"{w}.level")
        frm = _ranges(params.get("from"), f"{w}.from")
        if level is None and not frm:
            raise RuleNodeError("give a level or 'from' ranges", field=f"{w}")
        tol = params.get("tolerance_percent")
        return TariffShift(
            level,
            _ranges(params.get("except_from"), f"{w}.except_from"),
            frm,
            bool(params.get("outside_group", False)),
            _pct(tol, f"{w}.tolerance_percent") if tol is not None else None,
        )
    if kind == "no_shift":
        _only(params, set(), w)
        return NoShift()
    if kind == "new_or_different":
        _only(params, set(), w)
        return NewOrDifferent()
    if kind == "rvc":
        _only(params, {"methods", "traced"}, w)
        methods = params.get("methods")
        if not isinstance(methods, Mapping) or not methods:
            raise RuleNodeError("expected a mapping method -> percent", field=f"{w}.methods")
        for m in methods:
            if m not in RVC_METHODS:
                raise RuleNodeError(f"unknown method {m!r}; known: {list(RVC_METHODS)}", field=f"{w}.methods")
        return RVC(
            tuple((str(m), _pct(t, f"{w}.methods.{m}")) for m, t in methods.items()),
            _ranges(params.get("traced"), f"{w}.traced"),
        )
    if kind == "max_non_originating":
        _only(params, {"percent", "of"}, w)
        return MaxNonOriginating(_pct(params.get("percent"), f"{w}.percent"), _ranges(params.get("of"), f"{w}.of"))
    if kind == "wholly_obtained":
        _only(params, {"of"}, w)
        return WhollyObtained(_ranges(params.get("of"), f"{w}.of"))
    if kind == "yarn_forward":
        _only(params, {"except_from", "processes"}, w)
        procs = params.get("processes", ["cut_or_knit_to_shape", "sewn_or_assembled"])
        return YarnForward(_ranges(params.get("except_from"), f"{w}.except_from"), tuple(str(p) for p in procs))
    if kind == "process":
        _only(params, {"processes", "text"}, w)
        procs = params.get("processes")
        if not isinstance(procs, list) or not procs:
            raise RuleNodeError("expected a non-empty list of process names", field=f"{w}.processes")
        return Process(tuple(str(p) for p in procs), str(params.get("text", "")))
    if kind == "lvc":
        _only(params, {"percent", "wage_usd_per_hour"}, w)
        wage = params.get("wage_usd_per_hour", 16.0)
        if isinstance(wage, bool) or not isinstance(wage, int | float) or not 0 < float(wage) < float("inf"):
            raise RuleNodeError(f"expected a positive wage in USD/hour, got {wage!r}", field=f"{w}.wage_usd_per_hour")
        return LVC(_pct(params.get("percent"), f"{w}.percent"), float(wage))
    if kind == "steel_aluminum_purchases":
        _only(params, {"percent"}, w)
        return SteelAluminumPurchases(_pct(params.get("percent"), f"{w}.percent"))
    raise RuleNodeError(f"unknown rule kind {kind!r}; known: {list(KINDS)}", field=f"{where}")


def describe(rule: Rule) -> str:
    """A short human-readable form of a rule node (used in traces)."""
    if isinstance(rule, TariffShift):
        parts = [f"change of {rule.level}" if rule.level else "change"]
        if rule.from_ranges:
            parts.append("from " + ", ".join(_r(r) for r in rule.from_ranges))
        if rule.outside_group:
            parts.append("outside the group")
        if rule.except_from:
            parts.append("except from " + ", ".join(_r(r) for r in rule.except_from))
        if rule.tolerance_percent is not None:
            parts.append(f"tolerance {rule.tolerance_percent:g}%")
        return " ".join(parts)
    if isinstance(rule, NoShift):
        return "no change in tariff classification required"
    if isinstance(rule, NewOrDifferent):
        return "new or different article of commerce (19 CFR 102.20 tariff shift)"
    if isinstance(rule, RVC):
        m = " or ".join(f"{t:g}% {name}" for name, t in rule.methods)
        return f"RVC >= {m}" + (" (traced materials only)" if rule.traced else "")
    if isinstance(rule, MaxNonOriginating):
        of = f" of {', '.join(_r(r) for r in rule.of)}" if rule.of else ""
        return f"non-originating materials{of} <= {rule.percent:g}% of ex-works price"
    if isinstance(rule, WhollyObtained):
        of = f" of {', '.join(_r(r) for r in rule.of)}" if rule.of else ""
        return f"all materials{of} originating (wholly obtained)"
    if isinstance(rule, YarnForward):
        return (
            "yarn forward: change from any other chapter except from "
            + ", ".join(_r(r) for r in rule.except_from)
            + "; "
            + " and ".join(rule.processes)
            + " in the territory"
        )
    if isinstance(rule, Process):
        return f"process: {', '.join(rule.processes)}" + (f" ({rule.text})" if rule.text else "")
    if isinstance(rule, LVC):
        return f"labor value content >= {rule.percent:g}% at >= ${rule.wage_usd_per_hour:g}/hour"
    if isinstance(rule, SteelAluminumPurchases):
        return f"originating steel and aluminum purchases >= {rule.percent:g}% of the producer's purchases"
    if isinstance(rule, AnyOf):
        return "any of: " + " | ".join(describe(r) for r in rule.rules)
    return "all of: " + " & ".join(describe(r) for r in rule.rules)


def _r(r: tuple[str, str]) -> str:
    return r[0] if r[0] == r[1] else f"{r[0]}-{r[1]}"
