"""Preferential origin: evaluate a BOM against an agreement's rule, with a step-by-step trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from supplyscope.errors import RuleError
from supplyscope.origin.agreements import Agreement, RuleEntry
from supplyscope.origin.bom import BOM, Material
from supplyscope.origin.codes import in_any, level_digits
from supplyscope.origin.rules import (
    LVC,
    RVC,
    AllOf,
    AnyOf,
    MaxNonOriginating,
    NewOrDifferent,
    NoShift,
    Process,
    Rule,
    SteelAluminumPurchases,
    TariffShift,
    WhollyObtained,
    YarnForward,
    describe,
)

_describe = lru_cache(maxsize=4096)(describe)


@dataclass(slots=True)
class Step:
    """One line of the trace: which rule was tried, whether it passed, and why."""

    rule: str
    passed: bool
    detail: str
    depth: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "passed": self.passed, "detail": self.detail, "depth": self.depth}


@dataclass(slots=True)
class RVCValue:
    """A regional value content figure: method, value and threshold (percent)."""

    method: str
    value: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "value": round(self.value, 4), "threshold": self.threshold}


@dataclass(slots=True)
class PreferentialResult:
    """Outcome of a preferential-origin evaluation."""

    agreement: str
    qualifies: bool
    rule_id: str
    rule: str
    legal: str
    trace: list[Step]
    rvc: RVCValue | None = None
    de_minimis_used: bool = False
    status: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "qualifies": self.qualifies,
            "rule_id": self.rule_id,
            "rule": self.rule,
            "legal": self.legal,
            "trace": [s.to_dict() for s in self.trace],
            "rvc": self.rvc.to_dict() if self.rvc else None,
            "de_minimis_used": self.de_minimis_used,
            "material_status": dict(self.status),
        }


class _Ctx:
    __slots__ = ("agreement", "bom", "de_min_used", "entry", "nonorig", "orig", "rvc", "rvc_best", "steps")

    def __init__(
        self, agreement: Agreement, bom: BOM, entry: RuleEntry, nonorig: list[Material], orig: list[Material]
    ) -> None:
        self.agreement = agreement
        self.bom = bom
        self.entry = entry
        self.nonorig = nonorig
        self.orig = orig
        self.rvc: RVCValue | None = None
        self.rvc_best: RVCValue | None = None
        self.steps: list[Step] = []
        self.de_min_used = False


def _shift_ok(good: str, m: Material, level: str | None, rule: TariffShift, group: tuple[tuple[str, str], ...]) -> str:
    """Empty string when the material satisfies the shift, else the reason it fails."""
    if rule.except_from and in_any(m.hts, rule.except_from):
        return f"{m.id} ({m.hts}) is in an excluded source range"
    if rule.from_ranges and in_any(m.hts, rule.from_ranges):
        return ""
    if level is None:
        return f"{m.id} ({m.hts}) is not from a permitted source"
    d = level_digits(level)
    if rule.outside_group and in_any(m.hts, group):
        return f"{m.id} ({m.hts}) is inside the rule's own group"
    if len(m.hts) < d and m.hts == good[: len(m.hts)]:
        return f"{m.id} ({m.hts}) is not classified finely enough to show a change of {level}"
    if m.hts[:d] == good[:d]:
        return f"{m.id} ({m.hts}) has the same {level} as the good"
    return ""


def _de_minimis(ctx: _Ctx, failing: list[Material]) -> tuple[bool, str]:
    dm = ctx.agreement.de_minimis
    if dm is None:
        return False, "no de minimis in this agreement"
    bom = ctx.bom
    if dm.textile_ranges and in_any(bom.hts, dm.textile_ranges) and dm.textile_percent is not None:
        if bom.weight_kg is None or any(m.weight_kg is None for m in failing):
            return False, "textile de minimis is by weight: weight_kg missing for the good or a failing material"
        w = sum(m.weight_kg or 0.0 for m in failing)
        ok = w <= dm.textile_percent / 100.0 * bom.weight_kg + 1e-12
        return ok, (
            f"textile de minimis: failing materials weigh {w:g} kg = "
            f"{100 * w / bom.weight_kg if bom.weight_kg else float('inf'):.2f}% of the good "
            f"(limit {dm.textile_percent:g}%, {dm.textile_legal})"
        )
    base = bom.net_cost if dm.base == "net_cost" else bom.value
    if base is None or base <= 0:
        return False, f"de minimis base ({dm.base}) not available"
    v = sum(m.value for m in failing)
    ok = v <= dm.percent / 100.0 * base + 1e-9
    return ok, (
        f"de minimis: failing materials {v:,.2f} = {100 * v / base:.2f}% of {dm.base} "
        f"(limit {dm.percent:g}%, {dm.legal})"
    )


def _eval(rule: Rule, ctx: _Ctx, depth: int) -> bool:
    steps = ctx.steps
    bom = ctx.bom
    if isinstance(rule, AnyOf | AllOf):
        idx = len(steps)
        steps.append(Step(_describe(rule), False, "", depth))
        results = []
        for sub in rule.rules:
            r = _eval(sub, ctx, depth + 1)
            results.append(r)
            if isinstance(rule, AnyOf) and r:
                break
            if isinstance(rule, AllOf) and not r:
                break
        ok = any(results) if isinstance(rule, AnyOf) else all(results) and len(results) == len(rule.rules)
        steps[idx].passed = ok
        steps[idx].detail = (
            ("an alternative is met" if ok else "no alternative is met")
            if isinstance(rule, AnyOf)
            else ("every requirement is met" if ok else "a requirement is not met")
        )
        return ok
    if isinstance(rule, TariffShift | YarnForward):
        shift = TariffShift("chapter", rule.except_from) if isinstance(rule, YarnForward) else rule
        failing: list[Material] = []
        reasons: list[str] = []
        for m in ctx.nonorig:
            why = _shift_ok(bom.hts, m, shift.level, shift, ctx.entry.ranges)
            if why:
                failing.append(m)
                reasons.append(why)
        ok = not failing
        if ok:
            detail = (
                f"all {len(ctx.nonorig)} non-originating material(s) change classification"
                if ctx.nonorig
                else "no non-originating materials"
            )
        else:
            detail = "; ".join(reasons)
            tol = shift.tolerance_percent
            if tol is not None:
                v = sum(m.value for m in failing)
                if v <= tol / 100.0 * bom.value + 1e-9:
                    ok = True
                    detail += f"; within the rule's tolerance ({100 * v / bom.value:.2f}% <= {tol:g}%)"
            if not ok:
                dm_ok, dm_detail = _de_minimis(ctx, failing)
                detail += "; " + dm_detail
                if dm_ok:
                    ok = True
                    ctx.de_min_used = True
        if ok and isinstance(rule, YarnForward):
            missing = [p for p in rule.processes if p not in bom.processes]
            if missing:
                ok = False
                detail += f"; processes not declared in the BOM: {', '.join(missing)}"
            else:
                detail += "; " + " and ".join(rule.processes) + " declared"
        steps.append(Step(_describe(rule), ok, detail, depth))
        return ok
    if isinstance(rule, NoShift):
        steps.append(Step(_describe(rule), True, "no tariff shift needed", depth))
        return True
    if isinstance(rule, RVC):
        return _eval_rvc(rule, ctx, depth)
    if isinstance(rule, NewOrDifferent):
        from supplyscope.origin.nonpreferential import default_cfr_index, material_ok

        cfr = default_cfr_index().rule_for(bom.hts)
        if cfr is None:
            steps.append(Step(_describe(rule), False, f"no 19 CFR 102.20 rule for {bom.hts}", depth))
            return False
        for i, alt in enumerate(cfr.alternatives):
            bad = [m.id for m in ctx.nonorig if not material_ok(bom.hts, m.hts, alt, cfr.scope)]
            if not bad:
                steps.append(Step(_describe(rule), True, f"{cfr.rule_id} alternative {i + 1}: {alt.text}", depth))
                return True
        steps.append(
            Step(_describe(rule), False, f"{cfr.rule_id}: no alternative met by all non-originating materials", depth)
        )
        return False
    if isinstance(rule, MaxNonOriginating):
        mats = [m for m in ctx.nonorig if not rule.of or in_any(m.hts, rule.of)]
        v = sum(m.value for m in mats)
        share = 100.0 * v / bom.value if bom.value else float("inf")
        ok = share <= rule.percent + 1e-9
        steps.append(
            Step(_describe(rule), ok, f"non-originating value {v:,.2f} = {share:.2f}% of ex-works price", depth)
        )
        return ok
    if isinstance(rule, WhollyObtained):
        bad = [m.id for m in ctx.nonorig if not rule.of or in_any(m.hts, rule.of)]
        ok = not bad
        steps.append(
            Step(_describe(rule), ok, "all originating" if ok else f"non-originating: {', '.join(bad)}", depth)
        )
        return ok
    if isinstance(rule, Process):
        missing = [p for p in rule.processes if p not in bom.processes]
        ok = not missing
        steps.append(
            Step(
                _describe(rule),
                ok,
                "declared in the BOM" if ok else f"not declared in the BOM (needs judgement): {', '.join(missing)}",
                depth,
            )
        )
        return ok
    if isinstance(rule, LVC):
        hw = bom.costs.get("high_wage_expenditure")
        base = bom.costs.get("annual_purchase_value") or bom.net_cost
        if hw is None or not base:
            steps.append(
                Step(
                    _describe(rule),
                    False,
                    "needs costs.high_wage_expenditure and annual_purchase_value or net cost",
                    depth,
                )
            )
            return False
        lvc = 100.0 * hw / base
        ok = lvc >= rule.percent - 1e-9
        steps.append(Step(_describe(rule), ok, f"LVC = {hw:,.2f} / {base:,.2f} = {lvc:.2f}%", depth))
        return ok
    if isinstance(rule, SteelAluminumPurchases):
        tot = bom.costs.get("steel_aluminum_purchases")
        org = bom.costs.get("steel_aluminum_originating_purchases")
        if not tot or org is None:
            steps.append(
                Step(
                    _describe(rule),
                    False,
                    "needs costs.steel_aluminum_purchases and steel_aluminum_originating_purchases "
                    "(the producer's purchases in the prior year)",
                    depth,
                )
            )
            return False
        share = 100.0 * org / tot
        ok = share >= rule.percent - 1e-9
        steps.append(Step(_describe(rule), ok, f"originating {org:,.2f} / {tot:,.2f} = {share:.2f}%", depth))
        return ok
    raise AssertionError(f"unhandled rule {rule!r}")


def rvc_value(method: str, bom: BOM, vnm: float, vom: float) -> float | None:
    """RVC in percent by one method; None when the BOM lacks the base it needs.

    transaction_value: (TV − VNM) / TV; net_cost: (NC − VNM) / NC; build_down: (AV − VNM) / AV;
    build_up: VOM / AV; value_plus_processing: (VOM + direct processing costs) / appraised value.
    """
    tv = bom.value
    if method in ("transaction_value", "build_down"):
        return 100.0 * (tv - vnm) / tv if tv > 0 else None
    if method == "net_cost":
        nc = bom.net_cost
        return 100.0 * (nc - vnm) / nc if nc else None
    if method == "build_up":
        return 100.0 * vom / tv if tv > 0 else None
    if method == "value_plus_processing":
        dpc = bom.costs.get("direct_processing_costs")
        return 100.0 * (vom + dpc) / tv if dpc is not None and tv > 0 else None
    raise AssertionError(method)


def _eval_rvc(rule: RVC, ctx: _Ctx, depth: int) -> bool:
    nonorig = [m for m in ctx.nonorig if not rule.traced or in_any(m.hts, rule.traced)]
    vnm = sum(m.value for m in nonorig)
    vom = sum(m.value for m in ctx.orig)
    parts = []
    ok = False
    best: RVCValue | None = None
    for method, threshold in rule.methods:
        v = rvc_value(method, ctx.bom, vnm, vom)
        if v is None:
            parts.append(f"{method}: base not in BOM")
            continue
        cand = RVCValue(method, v, threshold)
        passed = v >= threshold - 1e-9
        parts.append(f"{method} = {v:.2f}% ({'>=' if passed else '<'} {threshold:g}%)")
        if passed and not ok:
            ok, best = True, cand
        elif not ok and (best is None or v - threshold > best.value - best.threshold):
            best = cand
    ctx.rvc = best if ok or ctx.rvc is None else ctx.rvc
    if best is not None and (ctx.rvc_best is None or ok):
        ctx.rvc_best = best
    ctx.steps.append(Step(_describe(rule), ok, f"VNM {vnm:,.2f}, VOM {vom:,.2f}; " + "; ".join(parts), depth))
    return ok


def material_status(
    bom: BOM, agreement: Agreement, cache: dict[int, PreferentialResult] | None = None
) -> tuple[dict[str, bool], list[Step]]:
    """Originating status of each material: declared, from its sub-BOM, or assumed from its origin."""
    status: dict[str, bool] = {}
    steps: list[Step] = []
    for m in bom.materials:
        if m.originating is not None:
            status[m.id] = m.originating
            continue
        if m.wholly_obtained:
            status[m.id] = m.origin in agreement.parties
            continue
        if m.bom is not None:
            key = id(m.bom)
            sub = cache.get(key) if cache is not None else None
            if sub is None:
                try:
                    sub = evaluate_preferential(m.bom, agreement, cache)
                except RuleError as exc:
                    status[m.id] = False
                    steps.append(
                        Step(
                            f"material {m.id}: sub-BOM",
                            False,
                            f"{exc}; treated as non-originating (declare 'originating' to override)",
                            1,
                        )
                    )
                    continue
                if cache is not None:
                    cache[key] = sub
            status[m.id] = sub.qualifies
            steps.append(
                Step(
                    f"material {m.id}: sub-BOM",
                    sub.qualifies,
                    f"sub-good {m.bom.hts} made in {m.bom.country}: "
                    f"{'originating' if sub.qualifies else 'non-originating'} under {sub.rule_id}",
                    1,
                )
            )
            continue
        ok = status[m.id] = m.origin in agreement.parties
        steps.append(Step(_undeclared_rule(m.id), ok, _assumed(m.origin, ok), 1))
    return status, steps


@lru_cache(maxsize=4096)
def _undeclared_rule(mid: str) -> str:
    return f"material {mid}: status not declared"


@lru_cache(maxsize=4096)
def _assumed(origin: str, ok: bool) -> str:
    return (
        f"assumed {'originating' if ok else 'non-originating'} because its origin {origin} is "
        f"{'a' if ok else 'not a'} party; declare 'originating' to override"
    )


def evaluate_preferential(
    bom: BOM, agreement: Agreement, cache: dict[int, PreferentialResult] | None = None
) -> PreferentialResult:
    """Does the good qualify under ``agreement``? Returns the decision and the trace of rules tried."""
    status, steps = material_status(bom, agreement, cache)
    if bom.country not in agreement.parties:
        steps.append(
            Step(
                "production in a party's territory",
                False,
                f"final production in {bom.country}, not in {', '.join(sorted(agreement.parties))}",
            )
        )
        return PreferentialResult(
            agreement.name,
            False,
            "territory",
            "production in the territory of a party",
            agreement.legal,
            steps,
            status=status,
        )
    nonorig = [m for m in bom.materials if not status[m.id]]
    orig = [m for m in bom.materials if status[m.id]]
    if not nonorig and bom.materials:
        steps.append(
            Step("produced exclusively from originating materials", True, f"all {len(orig)} material(s) originating", 0)
        )
        return PreferentialResult(
            agreement.name,
            True,
            "exclusively-originating",
            "produced exclusively from originating materials",
            agreement.legal,
            steps,
            status=status,
        )
    entry = agreement.rule_for(bom.hts)
    ctx = _Ctx(agreement, bom, entry, nonorig, orig)
    ctx.steps = steps
    head = len(steps)
    steps.append(Step(f"rule {entry.id}", False, entry.text or _describe(entry.rule), 0))
    ok = _eval(entry.rule, ctx, 1)
    steps[head].passed = ok
    rvc = ctx.rvc if ctx.rvc is not None else ctx.rvc_best
    return PreferentialResult(
        agreement.name, ok, entry.id, _describe(entry.rule), entry.legal, ctx.steps, rvc, ctx.de_min_used, status
    )
