"""Compile the UK's structured product-specific rules into the supplyscope rule language.

Source: trade-tariff-backend rule sets (bundled under ``origin/uk_psr``). Each rule set covers a
10-digit commodity range and holds one or more rules (alternatives). Each rule's text is normalised
(links to codes, HTML and emphasis stripped) and split into clauses; every clause must match one of
the known forms below or the rule is *unsupported* with a stated reason. Nothing is guessed: a
rule whose text names materials by description rather than by code ("manufacture from yarn",
"printing accompanied by ...") cannot be decided from a BOM's codes and is reported as such.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from supplyscope.codes.countries import iso3_to_iso2
from supplyscope.data.sources import rules_of_origin
from supplyscope.errors import RuleError
from supplyscope.origin.agreements import Agreement, RuleEntry
from supplyscope.origin.rules import Rule, compile_rule

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ABBR = re.compile(r"<abbr[^>]*>([^<]*)</abbr>\s*:?")
_TAG = re.compile(r"<[^>]+>")
_P = r"(\d+(?:\.\d+)?)\s*%"
_LVL = r"(?:chapters?|headings?|subheadings?)"
_SEP = r"(?:,\s*|\s+and\s+|\s+or\s+|\s+to\s+|\s+through\s+)"
_CODES = r"(" + _LVL + r"\s+[\d. ]+(?:" + _SEP + r"(?:" + _LVL + r"\s+)?[\d.]+)*)"
_LEVEL_WORD = {"chapter": "chapter", "heading": "heading", "subheading": "subheading"}


@dataclass(frozen=True)
class Compiled:
    """Result for one UK rule: the rule-language spec, or the reason it is unsupported."""

    spec: dict[str, Any] | None
    reason: str | None


def _normalise(text: str) -> str:
    t = _LINK.sub(r"\1", text)
    t = _ABBR.sub(r"\1: ", t)
    t = _TAG.sub("", t)
    t = (
        t.replace("&nbsp;", " ")
        .replace("**", "")
        .replace("*", "")
        .replace("‐", "-")
        .replace("ex- work", "ex-work")
        .replace("ex-work price", "ex-works price")
    )
    return re.sub(r"[ \t]+", " ", t).strip()


def _codes(text: str) -> list[str]:
    """'heading 0203, heading 0206 or heading 0207' -> ['0203', '0206', '0207']; 'a to b' -> 'a-b'."""
    t = re.sub(r"(chapters?|headings?|subheadings?)\s+", "", text)
    t = re.sub(r"\s+(to|through)\s+", "-", t)
    parts = [p.strip().replace(".", "") for p in re.split(r",\s*|\s+and\s+|\s+or\s+", t) if p.strip()]
    out = []
    for p in parts:
        pieces = [x.zfill(2) if len(x) == 1 else x for x in p.split("-")]
        for piece in pieces:
            if not piece.isdigit() or len(piece) % 2:
                raise ValueError(p)
        out.append("-".join(pieces))
    return out


def _chapter_codes(codes: list[str]) -> list[str]:
    return [c.zfill(2) if len(c) == 1 else c for c in codes]


_CLAUSES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^(?:c[a-z]+: )?all non-originating materials used in the production of the good have undergone "
            r"a change "
            r"in tariff classification at the (2|4|6)-digit level.*$"
        ),
        "ct_digits",
    ),
    (
        re.compile(
            r"^(?:manufacture )?(?:from|in which all the) materials (?:of|used are classified within) any "
            r"(chapter|heading|subheading),? (?:except|other than) that of the (?:product|good)$"
        ),
        "ct_level",
    ),
    (
        re.compile(
            r"^(?:manufacture in which )?all the materials used are classified within a "
            r"(chapter|heading|subheading) "
            r"other than (?:that of the (?:product|good)s?|(?:chapter|heading|subheading) [\d.]+)$"
        ),
        "ct_level",
    ),
    (
        re.compile(r"^manufacture from materials of any heading(?:, including other materials of " + _CODES + r")?$"),
        "no_shift",
    ),
    (
        re.compile(
            r"^(?:manufacture )?from materials of any heading, except (?:those of |that of |from )?" + _CODES + r"$"
        ),
        "ah_except",
    ),
    (re.compile(r"^(?:manufacture )?from (?:materials|non-originating materials) of " + _CODES + r"$"), "from_codes"),
    (
        re.compile(
            r"^a change (?:to a good of " + _CODES + r" )?from any other (chapter|heading|subheading)"
            r"(?: outside that group)?(?:,? except from " + _CODES + r")?$"
        ),
        "change",
    ),
    (
        re.compile(
            r"^(?:manufacture )?(?:in which )?(?:within the above limit, )?the value of all (?:the )?"
            r"(?:non-originating )?"
            r"materials (?:of "
            + _CODES
            + r" )?used (?:does|must) not exceed "
            + _P
            + r" of the ex-works price(?: \(exw\))? of the (?:product|good)s?$"
        ),
        "maxnom",
    ),
    (
        re.compile(r"^a maximum of " + _P + r" of the ex-works price \(exw\) is made up of non-originating parts.*$"),
        "maxnom_simple",
    ),
    (
        re.compile(
            r"^the maximum value of non-originating materials \(maxnom\) cannot exceed "
            + _P
            + r" of the ex-works price.*$"
        ),
        "maxnom_simple",
    ),
    (
        re.compile(
            r"^(?:manufacture in which )?all the (?:materials|animals) (?:of " + _CODES + r" )?"
            r"(?:used )?(?:are|shall be|must be) wholly obtained$"
        ),
        "wo",
    ),
    (re.compile(r"^(?:manufacture in which )?all the materials used are originating$"), "originating_all"),
    (
        re.compile(
            r"^(?:the good has a )?regional value content \(rvc\).* of not less than "
            + _P
            + r", whether using the build-up method or build-down method.*$"
        ),
        "rvc_both",
    ),
    (
        re.compile(
            r"^your goods contain a regional value content \(rvc\) of at least "
            + _P
            + r" of the free on board \(fob\).*$"
        ),
        "rvc_fob",
    ),
    (
        re.compile(
            r"^(?:no change in tariff classification (?:is )?required.*provided (?:that )?there is a "
            r"regional value "
            r"content of not less than:? )?(?:[a-c]\) )?" + _P + r" under the (build-up|build-down) method$"
        ),
        "rvc_one",
    ),
    (
        re.compile(
            r"^(?:[a-c]\) )?" + _P + r" under the focused value method taking into account only the "
            r"non-originating materials of " + _CODES + r"$"
        ),
        "rvc_focused",
    ),
]
_TOLERANCE = re.compile(
    r"^however, materials (?:of|classified within) (?:the same (heading|subheading|chapter)"
    r"(?: as the (?:product|good))?|(chapter|heading|subheading) [\d.]+) may be used,? "
    r"provided (?:that )?their (?:total )?value does not exceed "
    + _P
    + r" of the ex-works price of the (?:product|good)s?$"
)


def _clause(c: str) -> tuple[dict[str, Any] | None, str | None]:
    c = c.strip().rstrip(".;,").strip()
    c = re.sub(r",?\s+(and|or|and / or|and/or)$", "", c).strip().rstrip(".;,").strip()
    low = c.lower()
    for pat, kind in _CLAUSES:
        m = pat.match(low)
        if not m:
            continue
        try:
            return _build(kind, m), None
        except ValueError as exc:
            return None, f"code list not understood ({exc})"
    return None, "descriptive"


def _build(kind: str, m: re.Match[str]) -> dict[str, Any]:
    g = m.groups()
    if kind == "ct_digits":
        return {"tariff_shift": {"level": {"2": "chapter", "4": "heading", "6": "subheading"}[g[0]]}}
    if kind == "ct_level":
        return {"tariff_shift": {"level": _LEVEL_WORD[g[0]]}}
    if kind == "no_shift":
        return {"no_shift": {}}
    if kind == "ah_except":
        return {"tariff_shift": {"from": ["01-97"], "except_from": _chapter_codes(_codes(g[0]))}}
    if kind == "from_codes":
        return {"tariff_shift": {"from": _chapter_codes(_codes(g[0]))}}
    if kind == "change":
        spec: dict[str, Any] = {"level": _LEVEL_WORD[g[1]]}
        if "outside that group" in m.group(0):
            spec["outside_group"] = True
        if g[2]:
            spec["except_from"] = _chapter_codes(_codes(g[2]))
        return {"tariff_shift": spec}
    if kind == "maxnom":
        d: dict[str, Any] = {"percent": float(g[1])}
        if g[0]:
            d["of"] = _chapter_codes(_codes(g[0]))
        return {"max_non_originating": d}
    if kind == "maxnom_simple":
        return {"max_non_originating": {"percent": float(g[0])}}
    if kind == "wo":
        return {"wholly_obtained": {"of": _chapter_codes(_codes(g[0]))} if g[0] else {}}
    if kind == "originating_all":
        return {"wholly_obtained": {}}
    if kind == "rvc_both":
        return {"rvc": {"methods": {"build_up": float(g[0]), "build_down": float(g[0])}}}
    if kind == "rvc_fob":
        return {"rvc": {"methods": {"transaction_value": float(g[0])}}}
    if kind == "rvc_one":
        return {"rvc": {"methods": {g[1].replace("-", "_"): float(g[0])}}}
    if kind == "rvc_focused":
        return {"rvc": {"methods": {"build_down": float(g[0])}, "traced": _chapter_codes(_codes(g[1]))}}
    raise AssertionError(kind)


def compile_uk_rule(text: str, classes: list[str] | None = None) -> Compiled:
    """Compile one UK rule text; returns the spec or the reason it is unsupported."""
    t = _normalise(text)
    t = re.sub(r"^(production|other operations)\b", "Manufacture", t, flags=re.IGNORECASE)
    if t.lower().startswith("no change in tariff classification"):
        t = re.sub(r"\s*\n[\s-]*", " ", t)
    alts = re.split(r"\s+or\s+(?=manufacture\b)", t, flags=re.IGNORECASE)
    if len(alts) > 1 and "\n" not in t:
        subs = [compile_uk_rule(a, classes) for a in alts]
        bad = next((x for x in subs if x.spec is None), None)
        if bad is not None:
            return bad
        return Compiled({"any_of": [x.spec for x in subs]}, None)
    tol: float | None = None
    tol_level: str | None = None
    parts = re.split(r"(?<=\.)\s+(?=However,)", t)
    if len(parts) == 2:
        mt = _TOLERANCE.match(parts[1].strip().rstrip(".").lower())
        if not mt:
            return Compiled(None, _reason(classes, "tolerance or restriction written as description"))
        tol = float(mt.group(3))
        tol_level = mt.group(1) or mt.group(2)
        t = parts[0]
    if "\n" in t and re.match(r"^(manufacture|other operations)[^\n]*:\s*$", t.split("\n", 1)[0], re.IGNORECASE):
        head, body = t.split("\n", 1)
        bullets = [b.strip() for b in re.split(r"\n\s*-\s+", "\n" + body) if b.strip()]
        either = re.search(r"\b(and / or|and/or)\b", body) or re.search(r",?\s+or\s*$", bullets[0])
        joiner = "any_of" if either else "all_of"
        prefix = "manufacture " if head.lower().startswith("manufacture") else ""
        specs = []
        for b in bullets:
            spec, why = _clause(prefix + b if not b.lower().startswith(("manufacture", "from", "in which")) else b)
            if spec is None:
                spec, why = _clause(b)
            if spec is None:
                return Compiled(None, _reason(classes, f"{why} clause: {b[:60]}"))
            specs.append(spec)
        out: dict[str, Any] = specs[0] if len(specs) == 1 else {joiner: specs}
    else:
        if "\n" in t:
            return Compiled(None, _reason(classes, "multi-line text not in a known layout"))
        spec, why = _clause(t)
        if spec is None:
            return Compiled(None, _reason(classes, why or "descriptive"))
        out = spec
    if tol is not None:
        shift = out.get("tariff_shift")
        if shift is None or shift.get("level") != tol_level:
            return Compiled(None, _reason(classes, "tolerance attached to a rule other than a change of heading"))
        out = {"tariff_shift": {**shift, "tolerance_percent": tol}}
    return Compiled(out, None)


def _reason(classes: list[str] | None, why: str) -> str:
    cls = "+".join(classes or []) or "no class"
    if why == "descriptive":
        return f"[{cls}] materials or processes named by description, not by code (needs judgement)"
    return f"[{cls}] {why}"


def _short_range(lo: str, hi: str) -> str:
    while len(lo) > 2 and lo.endswith("00"):
        lo = lo[:-2]
    while len(hi) > 2 and hi.endswith("99"):
        hi = hi[:-2]
    return lo if lo == hi else f"{lo}-{hi}"


uk_scheme_names = rules_of_origin.uk_scheme_names
_rule_sets = rules_of_origin.read_uk_rule_sets


def _compile_set(rs: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Compiled]]:
    for r in rs["rules"]:
        cls = r.get("class") or []
        yield r, compile_uk_rule(str(r["rule"]), list(cls) if isinstance(cls, list) else [str(cls)])


@lru_cache(maxsize=64)
def uk_agreement(scheme: str) -> Agreement:
    """A UK scheme as an :class:`Agreement`: compiled alternatives only (unsupported ones are left out,
    which can only make a rule stricter). Parties: the UK and the scheme's countries."""
    key = scheme.strip().lower()
    sets = _rule_sets(key)
    entries = []
    for i, rs in enumerate(sets):
        specs = [c.spec for _, c in _compile_set(rs) if c.spec is not None]
        if not specs:
            continue
        spec = specs[0] if len(specs) == 1 else {"any_of": specs}
        rng = _short_range(str(rs["min"]), str(rs["max"]))
        try:
            rule: Rule = compile_rule(spec, f"UK-{key}[{i}]")
        except RuleError:
            continue
        text = " OR ".join(_normalise(str(r["rule"])) for r in rs["rules"])
        sub = f" [subdivision: {rs['subdivision']}]" if rs.get("subdivision") else ""
        from supplyscope.origin.rules import _ranges

        entries.append(
            RuleEntry(
                f"UK-{key}:{rng}:{i}",
                _ranges([rng], "uk"),
                rule,
                f"UK {key} product-specific rules (trade-tariff-backend rule set {i}){sub}",
                text,
            )
        )
    meta = _metadata().get(key, {})
    iso2 = {c for c in meta.get("countries", []) if len(c) == 2}
    parties = frozenset({"GBR", *(_iso2_to_iso3().get(c, "") for c in iso2)} - {""})
    return Agreement(
        f"UK-{key}",
        parties,
        (),
        str(meta.get("title", f"UK {key} rules of origin")),
        tuple(entries),
        source=str(rules_of_origin.uk_scheme_file(key)),
    )


@lru_cache(maxsize=1)
def _metadata() -> dict[str, dict[str, Any]]:
    return {s["scheme_code"]: s for s in rules_of_origin.read_uk_metadata()["schemes"]}


@lru_cache(maxsize=1)
def _iso2_to_iso3() -> dict[str, str]:
    return {two.upper(): three for three, two in iso3_to_iso2().items()}


def uk_coverage(scheme: str | None = None) -> dict[str, Any]:
    """Count compiled and unsupported rules per scheme, with the reasons for the unsupported ones.

    A rule set is *compiled* when every alternative compiles, *partial* when some do, *unsupported*
    when none does. ``coverage`` = compiled rule sets / all rule sets.
    """
    names = [scheme.lower()] if scheme else uk_scheme_names()
    reasons: Counter[str] = Counter()
    rows = []
    tot = Counter[str]()
    for name in names:
        c = Counter[str]()
        for rs in _rule_sets(name):
            results = [comp for _, comp in _compile_set(rs)]
            ok = sum(1 for r in results if r.spec is not None)
            c["rule_sets"] += 1
            c["rules"] += len(results)
            c["rules_compiled"] += ok
            if ok == len(results) and results:
                c["compiled"] += 1
            elif ok:
                c["partial"] += 1
            else:
                c["unsupported"] += 1
            for r in results:
                if r.reason:
                    reasons[r.reason] += 1
        rows.append(
            {
                "scheme": name,
                "rule_sets": c["rule_sets"],
                "compiled": c["compiled"],
                "partial": c["partial"],
                "unsupported": c["unsupported"],
                "rules": c["rules"],
                "rules_compiled": c["rules_compiled"],
                "coverage": c["compiled"] / c["rule_sets"] if c["rule_sets"] else 0.0,
            }
        )
        tot.update(c)
    total = {
        "rule_sets": tot["rule_sets"],
        "compiled": tot["compiled"],
        "partial": tot["partial"],
        "unsupported": tot["unsupported"],
        "rules": tot["rules"],
        "rules_compiled": tot["rules_compiled"],
        "coverage": tot["compiled"] / tot["rule_sets"] if tot["rule_sets"] else 0.0,
        "rule_coverage": tot["rules_compiled"] / tot["rules"] if tot["rules"] else 0.0,
    }
    return {"schemes": rows, "total": total, "unsupported_reasons": reasons.most_common()}
