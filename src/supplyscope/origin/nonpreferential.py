"""Non-preferential origin with the 19 CFR 102.20 tariff-shift rules, through the production chain.

Hierarchy applied (19 CFR 102.11):

1. an override argued under CBP's substantial-transformation or "essence" test wins, and says so;
2. (a)(2) a good produced only from materials of the country of production is of that country;
3. (a)(3) it is of that country when each foreign material undergoes the change of the 102.20 rule
   for the good's HTS (sub-BOMs are resolved first, so a material's origin is its own outcome);
4. (b)(1) otherwise the origin of the material that imparts the essential character. 19 CFR
   102.18(b)(1): only domestic materials and the foreign materials that do *not* undergo the applicable
   change are considered; among those the highest-value one is used as the proxy, and the trace says so.

Textile and apparel goods follow 19 CFR 102.21: the (e)(1) rule first (the 6201-6208 entry comes from
87 FR 68356, which the eCFR never incorporated), then (c)(3)(ii) "wholly assembled in a single country"
when the BOM declares the assembly.

The 102.20 rules formally govern USMCA/NAFTA marking and the Morocco/Bahrain "new or different
article" test; CBP decides Section 301 origin of non-USMCA goods by substantial transformation (a new name, character
and use), a case-by-case test: :func:`section301_origin` offers that mode as a labelled judgement call
next to the Part 102 result, and the user can override either with a ruling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from supplyscope.data.sources.us_19cfr import CFR_102_20, CFR_102_21, CFR_102_21_OVERLAY, read_cfr_corpus
from supplyscope.errors import DataError
from supplyscope.origin.bom import BOM, UNDISCLOSED, Material
from supplyscope.origin.codes import in_any, level_digits, parse_range
from supplyscope.origin.preferential import Step

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
    assembly: str | None = None  # "wholly assembled in a single country" alternatives (102.21(e)(1))


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
    assembly = a.get("assembly")
    if assembly is None and (shift.get("raw_source") or "") == "unassembled components":
        assembly = next((p for p in shift.get("provisos") or [] if "wholly assembled" in p), None)
        notes = [n for n in notes if n != assembly]
    return Alternative(
        sources,
        excluded,
        only_for,
        "; ".join(n for n in notes if n) or None,
        str(a.get("text", "")),
        str(assembly) if assembly else None,
    )


def load_cfr_rules(path: str | Path | None = None) -> list[CfrRule]:
    """Read a parsed 19 CFR 102.20 (or 102.21) corpus into code-testable rules."""
    data = read_cfr_corpus(path if path is not None else CFR_102_20)
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
        self._memo: dict[str, CfrRule | None] = {}
        self._ok: dict[tuple[str, str, str, int], bool] = {}
        ordered = sorted(first, key=lambda x: -x.specificity) + sorted(rules, key=lambda x: -x.specificity)
        for r in ordered:
            for lo, hi in r.scope:
                for ch in range(int(lo[:2]), int(hi[:2]) + 1):
                    self._by_ch.setdefault(f"{ch:02d}", []).append(r)

    def rule_for(self, hts: str) -> CfrRule | None:
        """The most specific rule whose scope holds ``hts`` (memoised per code)."""
        try:
            return self._memo[hts]
        except KeyError:
            pass
        found = next((r for r in self._by_ch.get(hts[:2], ()) if in_any(hts, r.scope)), None)
        if len(self._memo) < 100_000:
            self._memo[hts] = found
        return found

    def shifts(self, good: str, m_hts: str, rule: CfrRule, i: int) -> bool:
        """:func:`material_ok` for alternative ``i`` of ``rule`` (memoised per good and material code)."""
        key = (good, m_hts, rule.rule_id, i)
        ok = self._ok.get(key)
        if ok is None:
            ok = material_ok(good, m_hts, rule.alternatives[i], rule.scope)
            if len(self._ok) < 200_000:
                self._ok[key] = ok
        return ok


@lru_cache(maxsize=1)
def default_cfr_index() -> CfrIndex:
    """102.21 textile rules (tried first, with the 6201-6208 overlay) and 102.20 rules, from the bundled corpora."""
    textile = load_cfr_rules(CFR_102_21_OVERLAY) + load_cfr_rules(CFR_102_21)
    return CfrIndex(load_cfr_rules(), priority=textile)


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
    origins = _material_origins(bom, idx, cache, trace)
    foreign = [(m, o) for m, o in origins if o != bom.country]
    if not foreign:
        trace.append(Step("19 CFR 102.11(a)(2)", True, f"all materials of {bom.country}"))
        return NonPreferentialResult(
            bom.country, "19 CFR 102.11(a)(2): produced from domestic materials only", None, trace
        )
    rule = idx.rule_for(bom.hts)
    failing: list[str] | None = None
    if rule is not None:
        textile = rule.rule_id in idx.textile_ids
        for i, alt in enumerate(rule.alternatives):
            note = f" [needs judgement: {alt.judgement}]" if alt.judgement else ""
            if alt.assembly is not None:
                ok = "sewn_or_assembled" in bom.processes
                detail = alt.text + (
                    f" — {alt.assembly} in {bom.country} (declared: sewn_or_assembled)"
                    if ok
                    else " — the BOM does not declare the assembly (process 'sewn_or_assembled')"
                )
                trace.append(Step(f"{rule.rule_id} alternative {i + 1}", ok, detail, 1))
                if ok:
                    return NonPreferentialResult(
                        bom.country,
                        f"19 CFR 102.21(e)(1), {rule.rule_id}: {alt.assembly} (assembly declared in the BOM)",
                        rule.rule_id,
                        trace,
                    )
                continue
            bad = [m.id for m, _ in foreign if not idx.shifts(bom.hts, m.hts, rule, i)]
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
            if failing is None or len(bad) < len(failing):
                failing = bad
        if textile and "sewn_or_assembled" in bom.processes:
            trace.append(Step("19 CFR 102.21(c)(3)(ii)", True, f"wholly assembled in {bom.country} (declared)"))
            return NonPreferentialResult(
                bom.country, "19 CFR 102.21(c)(3)(ii): wholly assembled in a single country", rule.rule_id, trace
            )
    else:
        trace.append(Step("19 CFR 102.20", False, f"no 102.20/102.21 rule found for {bom.hts}"))
    top, top_origin, how = essential_character(origins, bom.country, failing)
    trace.append(
        Step(
            "19 CFR 102.11(b)(1), 102.18(b)(1)",
            True,
            f"essential character proxy: highest-value material {top.id} ({top.value:,.2f}) of {top_origin}, "
            f"among {how}",
        )
    )
    return NonPreferentialResult(
        top_origin,
        "19 CFR 102.11(b)(1): origin of the material imparting essential character "
        f"(highest-value material among {how}, used as proxy)",
        rule.rule_id if rule else None,
        trace,
    )


def _material_origins(
    bom: BOM, idx: CfrIndex, cache: dict[int, NonPreferentialResult] | None, trace: list[Step]
) -> list[tuple[Material, str]]:
    """Each material with its origin; a material with a sub-BOM gets its own Part 102 outcome."""
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
    return origins


def essential_character(
    origins: list[tuple[Material, str]], country: str, failing: list[str] | None
) -> tuple[Material, str, str]:
    """The material taken to impart essential character, its origin, and which materials were considered.

    19 CFR 102.18(b)(1): only domestic materials and the foreign materials that fail the applicable change
    count (``failing``: ids failing the closest alternative); with no applicable rule every material counts.
    """
    if failing is not None:
        bad = set(failing)
        pool = [(m, o) for m, o in origins if o == country or m.id in bad]
        how = "domestic materials and the foreign materials failing the change (19 CFR 102.18(b)(1))"
    else:
        pool, how = origins, "all materials (no applicable 102.20 rule)"
    top, top_origin = max(pool or origins, key=lambda mo: mo[0].value)
    if top_origin == UNDISCLOSED:
        raise DataError(
            f"the non-preferential origin cannot be determined: material {top.id!r} imparts the essential "
            "character and its origin is not disclosed (XXX)",
            field=f"materials[{top.id}].origin",
        )
    return top, top_origin, how


ST_LABEL = (
    "judgement call: substantial transformation (new name, character and use) approximated by a change of "
    "subheading (HS6) of every foreign material; CBP decides case by case — a ruling overrides this"
)


@dataclass(frozen=True, slots=True)
class Section301Origin:
    """The country of origin used for Section 301, the mode that produced it, and its basis."""

    origin: str
    mode: str
    basis: str
    judgement: bool

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "mode": self.mode, "basis": self.basis, "judgement_call": self.judgement}


def section301_origin(bom: BOM, part102: NonPreferentialResult, mode: str = "part102") -> Section301Origin:
    """Origin for Section 301 purposes: the Part 102 result, or the substantial-transformation proxy.

    ``mode="substantial_transformation"``: the good is of the country of production when every foreign
    material (sub-BOMs resolved by Part 102) changes subheading (HS6) there; otherwise of the origin of the
    highest-value foreign material. A BOM override (a ruling) wins in both modes.
    """
    if mode not in ("part102", "substantial_transformation"):
        raise ValueError(f"unknown Section 301 origin mode {mode!r}")
    if bom.override is not None or mode == "part102":
        basis = part102.basis if bom.override is not None else f"19 CFR Part 102 result ({part102.basis})"
        return Section301Origin(part102.origin, "part102" if bom.override is None else "override", basis, False)
    origins = [(m, (evaluate_nonpreferential(m.bom).origin if m.bom is not None else m.origin)) for m in bom.materials]
    foreign = [(m, o) for m, o in origins if o != bom.country]
    unchanged = [(m, o) for m, o in foreign if m.hts[:6] == bom.hts[:6]]
    if not unchanged:
        return Section301Origin(
            bom.country,
            mode,
            f"{ST_LABEL}; every foreign material changes subheading in {bom.country}",
            True,
        )
    top, org = max(unchanged, key=lambda mo: mo[0].value)
    if org == UNDISCLOSED:
        raise DataError(
            f"the Section 301 origin cannot be determined: material {top.id!r} decides it and its origin is "
            "not disclosed (XXX)",
            field=f"materials[{top.id}].origin",
        )
    return Section301Origin(
        org,
        mode,
        f"{ST_LABEL}; {top.id} ({top.hts}, {org}) keeps the good's subheading: no transformation in {bom.country}",
        True,
    )
