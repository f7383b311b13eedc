"""Non-preferential origin with the 19 CFR 102.20 tariff-shift rules, through the production chain.

Hierarchy applied (19 CFR 102.11):

1. an override argued under CBP's substantial-transformation or "essence" test wins, and says so;
2. (a)(2) a good produced only from materials of the country of production is of that country;
3. (a)(3) it is of that country when each foreign material undergoes the change of the 102.20 rule
   for the good's HTS (sub-BOMs are resolved first, so a material's origin is its own outcome);
4. (b)(1) otherwise the origin of the material that imparts the essential character — the
   highest-value material is used as the proxy, and the trace says so.

The 102.20 rules formally govern USMCA/NAFTA marking and the Morocco/Bahrain "new or different
article" test; CBP decides Section 301 origin by substantial transformation. The engine reports which
basis it used so the user can override when a ruling argues otherwise.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from supplyscope.data.paths import bundled
from supplyscope.origin.bom import BOM, Material
from supplyscope.origin.codes import in_any, level_digits, parse_range
from supplyscope.origin.preferential import Step

CFR_102_20 = "origin/us_19cfr/102.20-2026-08-26.json.gz"
CFR_102_21 = "origin/us_19cfr/102.21-2026-08-26.json.gz"
_CHANGE_TO = re.compile(r"except for a change to (?:sub)?headings? ([\d.]+) from", re.IGNORECASE)

Ranges = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Alternative:
    """One alternative of a 102.20 rule, reduced to code tests."""

    sources: tuple[tuple[str, str | None, Ranges, bool], ...]  # (kind, level, ranges, outside_group)
    excluded: Ranges
    excluded_only_for: Ranges
    judgement: str | None
    text: str


@dataclass(frozen=True, slots=True)
class CfrRule:
    rule_id: str
    scope: Ranges
    alternatives: tuple[Alternative, ...]
    text: str

    @property
    def specificity(self) -> int:
        return max(len(lo) for lo, _ in self.scope)


@dataclass(slots=True)
class NonPreferentialResult:
    """Country of origin under the non-preferential rules, the basis used, and the trace."""

    origin: str
    basis: str
    rule_id: str | None
    trace: list[Step] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "basis": self.basis,
            "rule_id": self.rule_id,
            "trace": [s.to_dict() for s in self.trace],
        }


def _rng(items: list[str]) -> Ranges:
    out = []
    for x in items:
        try:
            out.append(parse_range(x))
        except ValueError:
            continue
    return tuple(out)


def _alternative(a: dict[str, Any]) -> Alternative | None:
    shift = a.get("shift")
    if a.get("kind") != "tariff_shift" or not shift:
        return None
    sources = tuple(
        (s["kind"], s.get("level"), _rng(s.get("ranges") or []), bool(s.get("outside_that_group")))
        for s in shift["sources"]
    )
    excluded = _rng(shift.get("excluded") or [])
    only_for: Ranges = ()
    m = _CHANGE_TO.search(shift.get("raw_source") or "")
    if m and excluded:
        # "except for a change to subheading X from Y": the first item is the target, not a source
        only_for = (parse_range(m.group(1)),)
        excluded = tuple(r for r in excluded if r != only_for[0])
    notes = [w.get("when", "") for w in shift.get("excluded_when") or []]
    excluded = excluded + tuple(r for w in shift.get("excluded_when") or [] for r in _rng(w.get("ranges") or []))
    notes += list(shift.get("provisos") or [])
    if a.get("condition"):
        notes.append(str(a["condition"]))
    if a.get("unparsed_reason"):
        notes.append(str(a["unparsed_reason"]))
    return Alternative(sources, excluded, only_for, "; ".join(n for n in notes if n) or None, str(a.get("text", "")))


def load_cfr_rules(path: str | Path | None = None) -> list[CfrRule]:
    """Read the parsed 19 CFR 102.20 (or 102.21) corpus into code-testable rules."""
    p = Path(path) if path is not None else bundled(CFR_102_20)
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    out = []
    for r in data["rules"]:
        alts = tuple(a for a in (_alternative(x) for x in r["alternatives"]) if a is not None)
        scope = _rng(r.get("scope") or [r["htsus"]])
        if scope and alts:
            out.append(CfrRule(r["rule_id"], scope, alts, r.get("text", "")))
    return out


class CfrIndex:
    """Most-specific-first lookup of 19 CFR 102 rules by HTS chapter.

    Rules listed in ``priority`` (the 102.21 textile rules) are tried before the others, because
    102.21 governs the origin of textile and apparel products for the customs laws generally.
    """

    def __init__(self, rules: list[CfrRule], priority: list[CfrRule] | None = None) -> None:
        first = priority or []
        self.rules = first + rules
        self.textile_ids = frozenset(r.rule_id for r in first)
        self._by_ch: dict[str, list[CfrRule]] = {}
        ordered = sorted(first, key=lambda x: -x.specificity) + sorted(rules, key=lambda x: -x.specificity)
        for r in ordered:
            for lo, hi in r.scope:
                for ch in range(int(lo[:2]), int(hi[:2]) + 1):
                    self._by_ch.setdefault(f"{ch:02d}", []).append(r)

    def rule_for(self, hts: str) -> CfrRule | None:
        for r in self._by_ch.get(hts[:2], ()):
            if in_any(hts, r.scope):
                return r
        return None


@lru_cache(maxsize=1)
def default_cfr_index() -> CfrIndex:
    """102.21 textile rules (tried first) and 102.20 rules, from the bundled eCFR corpora."""
    return CfrIndex(load_cfr_rules(), priority=load_cfr_rules(bundled(CFR_102_21)))


def material_ok(good: str, m_hts: str, alt: Alternative, scope: Ranges) -> bool:
    applies = not alt.excluded_only_for or in_any(good, alt.excluded_only_for)
    if alt.excluded and applies and in_any(m_hts, alt.excluded):
        return False
    for kind, level, ranges, outside in alt.sources:
        if kind in ("named", "same_position") and ranges and in_any(m_hts, ranges):
            return True
        if kind == "any_other" and level:
            d = level_digits(level)
            if outside and in_any(m_hts, scope):
                continue
            if len(m_hts) >= d and m_hts[:d] != good[:d]:
                return True
            if len(m_hts) < d and m_hts != good[: len(m_hts)]:
                return True
    return False


def evaluate_nonpreferential(
    bom: BOM, index: CfrIndex | None = None, cache: dict[int, NonPreferentialResult] | None = None
) -> NonPreferentialResult:
    """Country of origin of the good under 19 CFR 102 (see module docstring for the order applied)."""
    idx = index or default_cfr_index()
    trace: list[Step] = []
    if bom.override is not None:
        ref = f" ({bom.override.reference})" if bom.override.reference else ""
        trace.append(Step("override", True, f"{bom.override.basis}{ref}: origin {bom.override.origin}"))
        return NonPreferentialResult(bom.override.origin, f"override: {bom.override.basis}{ref}", None, trace)
    origins: list[tuple[Material, str]] = []
    for m in bom.materials:
        if m.bom is not None:
            key = id(m.bom)
            sub = cache.get(key) if cache is not None else None
            if sub is None:
                sub = evaluate_nonpreferential(m.bom, idx, cache)
                if cache is not None:
                    cache[key] = sub
            trace.append(Step(f"material {m.id}: sub-BOM", True, f"origin {sub.origin} ({sub.basis})", 1))
            origins.append((m, sub.origin))
        else:
            origins.append((m, m.origin))
    foreign = [(m, o) for m, o in origins if o != bom.country]
    if not foreign:
        trace.append(Step("19 CFR 102.11(a)(2)", True, f"all materials of {bom.country}"))
        return NonPreferentialResult(
            bom.country, "19 CFR 102.11(a)(2): produced from domestic materials only", None, trace
        )
    rule = idx.rule_for(bom.hts)
    if rule is not None:
        for i, alt in enumerate(rule.alternatives):
            bad = [m.id for m, _ in foreign if not material_ok(bom.hts, m.hts, alt, rule.scope)]
            note = f" [needs judgement: {alt.judgement}]" if alt.judgement else ""
            trace.append(
                Step(
                    f"{rule.rule_id} alternative {i + 1}",
                    not bad,
                    (alt.text + note) if not bad else f"{alt.text}{note} — fails for {', '.join(bad)}",
                    1,
                )
            )
            if not bad:
                return NonPreferentialResult(
                    bom.country,
                    f"19 CFR 102.11(a)(3): each foreign material undergoes the change in {rule.rule_id}"
                    + (" (condition needs judgement)" if alt.judgement else ""),
                    rule.rule_id,
                    trace,
                )
        if rule.rule_id in idx.textile_ids and "sewn_or_assembled" in bom.processes:
            trace.append(Step("19 CFR 102.21(c)(3)(ii)", True, f"wholly assembled in {bom.country} (declared)"))
            return NonPreferentialResult(
                bom.country, "19 CFR 102.21(c)(3)(ii): wholly assembled in a single country", rule.rule_id, trace
            )
    else:
        trace.append(Step("19 CFR 102.20", False, f"no 102.20/102.21 rule found for {bom.hts}"))
    top, top_origin = max(origins, key=lambda mo: mo[0].value)
    trace.append(
        Step(
            "19 CFR 102.11(b)(1)",
            True,
            f"essential character proxy: highest-value material {top.id} ({top.value:,.2f}) of {top_origin}",
        )
    )
    return NonPreferentialResult(
        top_origin,
        "19 CFR 102.11(b)(1): origin of the material imparting essential character "
        "(highest-value material used as proxy)",
        rule.rule_id if rule else None,
        trace,
    )
