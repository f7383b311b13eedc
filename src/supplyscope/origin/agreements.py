"""Agreements: rule sets written in the rule language (YAML), with parties, program codes, de minimis.

Hand-encoded US FTA rule sets are bundled as YAML files (read through
:mod:`supplyscope.data.sources.rules_of_origin`); each rule entry cites its legal text. UK product-specific
rules are compiled on demand (``UK-<scheme>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from supplyscope.data.sources.rules_of_origin import us_fta_rule_files
from supplyscope.errors import DataError, NotFoundError, RuleError
from supplyscope.origin.codes import clean_iso3, in_any
from supplyscope.origin.rules import Ranges, Rule, RuleNodeError, _pct, _ranges, compile_rule, padded


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """One product-specific rule: the HTS ranges it covers, the rule, and where it comes from."""

    id: str
    ranges: Ranges
    rule: Rule
    legal: str
    text: str

    @property
    def specificity(self) -> int:
        return max(len(lo) for lo, _ in self.ranges) if self.ranges else 0


@dataclass(frozen=True, slots=True)
class DeMinimis:
    """Agreement-level tolerance for non-originating materials that fail the tariff shift."""

    percent: float
    base: str
    legal: str
    textile_ranges: Ranges = ()
    textile_percent: float | None = None
    textile_legal: str = ""


@dataclass(frozen=True)
class Agreement:
    """A named agreement with its parties, HTS program codes and product-specific rules."""

    name: str
    parties: frozenset[str]
    program_codes: tuple[str, ...]
    legal: str
    rules: tuple[RuleEntry, ...]
    de_minimis: DeMinimis | None = None
    general_rule: RuleEntry | None = None
    aliases: tuple[str, ...] = ()
    source: str = ""
    rvc_formulas: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        index: dict[str, list[RuleEntry]] = {}
        for e in sorted(self.rules, key=lambda r: -r.specificity):
            for lo, hi in e.ranges:
                # index by 2-digit chapter of both ends (ranges never span many chapters)
                for ch in range(int(lo[:2]), int(hi[:2]) + 1):
                    index.setdefault(f"{ch:02d}", []).append(e)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_memo", {})

    def rule_for(self, hts: str) -> RuleEntry:
        """The most specific rule covering ``hts``; the general rule otherwise; else :class:`RuleError`."""
        memo: dict[str, RuleEntry] = object.__getattribute__(self, "_memo")
        found = memo.get(hts)
        if found is not None:
            return found
        index: dict[str, list[RuleEntry]] = object.__getattribute__(self, "_index")
        for e in index.get(hts[:2], ()):
            if in_any(hts, e.ranges):
                if len(memo) < 100_000:
                    memo[hts] = e
                return e
        if self.general_rule is not None:
            return self.general_rule
        covered = sorted({f"{lo}-{hi}" if lo != hi else lo for e in self.rules for lo, hi in e.ranges})
        raise RuleError(
            f"{self.name}: no rule encoded for HTS {hts}; encoded ranges: {', '.join(covered[:30])}"
            + (" …" if len(covered) > 30 else "")
        )


def _entry(d: Any, where: str) -> RuleEntry:
    if not isinstance(d, Mapping):
        raise RuleNodeError("a rule entry must be a mapping", field=where)
    for key in ("id", "hts", "rule", "legal"):
        if key not in d:
            raise RuleNodeError(f"missing key {key!r} (every rule cites its legal text)", field=f"{where}.{key}")
    if not d["hts"]:
        raise RuleNodeError("a rule entry needs at least one HTS code or range", field=f"{where}.hts")
    return RuleEntry(
        str(d["id"]),
        _ranges(d["hts"], f"{where}.hts"),
        compile_rule(d["rule"], f"{where}.rule"),
        str(d["legal"]),
        str(d.get("text", "")),
    )


def agreement_from_dict(d: Mapping[str, Any], source: str = "") -> Agreement:
    """Validate an agreement definition (as read from YAML)."""
    try:
        return _agreement(d, source)
    except RuleNodeError as exc:
        if exc.source is None and source:
            raise RuleNodeError(exc.detail, source=source, field=exc.field) from None
        raise


def _agreement(d: Mapping[str, Any], source: str = "") -> Agreement:
    if not isinstance(d, Mapping):
        raise RuleNodeError("top level must be a mapping", field="(top)")
    for key in ("agreement", "parties", "legal", "rules"):
        if key not in d:
            raise RuleNodeError(f"missing key {key!r}", field=key)
    if not isinstance(d["parties"], list) or not d["parties"]:
        raise RuleNodeError("parties must be a non-empty list of ISO3 codes", field="parties")
    parties = frozenset(_party(p, f"parties[{i}]") for i, p in enumerate(d["parties"]))
    dm = d.get("de_minimis")
    de_min = None
    if dm:
        if not isinstance(dm, Mapping) or "percent" not in dm or "legal" not in dm:
            raise RuleNodeError("de_minimis needs 'percent' and 'legal'", field="de_minimis")
        tex = dm.get("textile") or {}
        if not isinstance(tex, Mapping):
            raise RuleNodeError("expected a mapping", field="de_minimis.textile")
        base = str(dm.get("base", "transaction_value"))
        if base not in ("transaction_value", "net_cost"):
            raise RuleNodeError(f"unknown base {base!r}; use transaction_value or net_cost", field="de_minimis.base")
        de_min = DeMinimis(
            _pct(dm["percent"], "de_minimis.percent"),
            base,
            str(dm["legal"]),
            _ranges(tex.get("hts"), "de_minimis.textile.hts"),
            _pct(tex["percent"], "de_minimis.textile.percent") if tex.get("percent") is not None else None,
            str(tex.get("legal", "")),
        )
    if not isinstance(d["rules"] or [], list):
        raise RuleNodeError("rules must be a list of rule entries", field="rules")
    rules = tuple(_entry(r, f"rules[{i}]") for i, r in enumerate(d["rules"] or []))
    seen: dict[str, int] = {}
    for i, r in enumerate(rules):
        if r.id in seen:
            raise RuleNodeError(f"rule id {r.id!r} already used by rules[{seen[r.id]}]", field=f"rules[{i}].id")
        seen[r.id] = i
    check_overlaps(rules)
    general = _entry(d["general_rule"], "general_rule") if d.get("general_rule") else None
    formulas = tuple((str(k), str(v)) for k, v in (d.get("rvc_formulas") or {}).items())
    return Agreement(
        str(d["agreement"]),
        parties,
        tuple(str(c) for c in d.get("program_codes", [])),
        str(d["legal"]),
        rules,
        de_min,
        general,
        tuple(str(a) for a in d.get("aliases", [])),
        source,
        formulas,
    )


def _party(p: Any, where: str) -> str:
    from supplyscope.origin.bom import known_country

    try:
        code = clean_iso3(p, field=where)
    except DataError as exc:
        raise RuleNodeError(exc.detail, field=where) from None
    if not known_country(code):
        raise RuleNodeError(f"{code!r} is not an ISO 3166 alpha-3 country code", field=where)
    return code


def check_overlaps(rules: tuple[RuleEntry, ...]) -> None:
    """Reject ranges that overlap ambiguously.

    A range strictly nested in another, written at a finer level (a subheading rule inside a heading
    rule), is the legal texts' own pattern and the finer one wins; any other overlap — partial, or
    equal ranges in two entries, or two ranges at the same level — is an error naming both nodes.
    """
    spans: list[tuple[str, str, int, str]] = []
    for i, e in enumerate(rules):
        for j, r in enumerate(e.ranges):
            lo, hi = padded(r)
            spans.append((lo, hi, max(len(r[0]), len(r[1])), f"rules[{i}].hts[{j}] ({_show(r)})"))
    spans.sort()
    open_spans: list[tuple[str, str, int, str]] = []
    for s in spans:
        open_spans = [o for o in open_spans if o[1] >= s[0]]
        for o in open_spans:
            nested = o[0] <= s[0] and s[1] <= o[1] and s[2] > o[2]
            if not nested:
                raise RuleNodeError(
                    f"overlaps {o[3]}: ranges may only nest inside a coarser one", field=s[3].split(" ")[0]
                )
        open_spans.append(s)


def _show(r: tuple[str, str]) -> str:
    return r[0] if r[0] == r[1] else f"{r[0]}-{r[1]}"


def load_agreement(path: str | Path) -> Agreement:
    """Read and validate one agreement YAML file; errors name the file and the node path."""
    p = Path(path)
    if not p.is_file():
        raise DataError("rule file not found", source=str(p))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleNodeError(
            f"cannot read rule file: {str(exc).splitlines()[0]}", source=str(p), field="(file)"
        ) from None
    if not isinstance(data, Mapping):
        raise RuleNodeError("top level must be a mapping", source=str(p), field="(top)")
    return agreement_from_dict(data, source=str(p))


@lru_cache(maxsize=1)
def _bundled_us() -> dict[str, Agreement]:
    out: dict[str, Agreement] = {}
    for p in us_fta_rule_files():
        a = load_agreement(p)
        out[a.name.upper()] = a
        for alias in a.aliases:
            out[alias.upper()] = a
    return out


def available_agreements() -> list[str]:
    """Names accepted by :func:`get_agreement` (US FTAs and ``UK-<scheme>``)."""
    from supplyscope.origin.uk_psr import uk_scheme_names

    us = sorted({a.name for a in _bundled_us().values()})
    return us + [f"UK-{s}" for s in uk_scheme_names()]


def get_agreement(name: str) -> Agreement:
    """Look up an agreement by name or alias (case-insensitive); :class:`NotFoundError` lists the known ones."""
    key = name.strip().upper()
    us = _bundled_us()
    if key in us:
        return us[key]
    if key.startswith("UK-"):
        from supplyscope.origin.uk_psr import uk_agreement

        return uk_agreement(name.strip()[3:])
    raise NotFoundError("agreement", name, available_agreements())


# HTSUS general note implementing each US FTA's rules of origin (for the coverage report).
US_FTA_GENERAL_NOTES = {
    "US-Israel FTA": "GN 8",
    "USMCA": "GN 11",
    "US-Jordan FTA": "GN 18",
    "US-Singapore FTA": "GN 25",
    "US-Chile FTA": "GN 26",
    "US-Morocco FTA": "GN 27",
    "US-Australia FTA": "GN 28",
    "CAFTA-DR": "GN 29",
    "US-Bahrain FTA": "GN 30",
    "US-Oman FTA": "GN 31",
    "US-Peru TPA": "GN 32",
    "KORUS FTA": "GN 33",
    "US-Colombia TPA": "GN 34",
    "US-Panama TPA": "GN 35",
}


def hs6_universe() -> tuple[str, ...]:
    """Every HS6 subheading of the bundled HTS schedule (the denominator of rule coverage)."""
    from supplyscope.origin.bom import _hts_prefixes

    return tuple(sorted(c for c in _hts_prefixes() if len(c) == 6 and c[:2] <= "97"))  # 98/99 are not HS


def agreement_coverage(agreement: Agreement, universe: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Share of HS6 codes with a compiled product-specific rule (a general rule counted apart).

    *covered*: an entry's range contains the whole HS6; *partial*: only some 8/10-digit lines of it.
    """
    codes = universe if universe is not None else hs6_universe()
    index: dict[str, list[RuleEntry]] = object.__getattribute__(agreement, "_index")
    covered = partial = 0
    for h in codes:
        entries = index.get(h[:2], ())
        if any(len(lo) <= 6 and in_any(h, [(lo, hi)]) for e in entries for lo, hi in e.ranges):
            covered += 1
        elif any(len(lo) > 6 and (lo[:6] <= h <= hi[:6]) for e in entries for lo, hi in e.ranges):
            partial += 1
    n = len(codes)
    return {
        "agreement": agreement.name,
        "hs6": n,
        "rule_entries": len(agreement.rules),
        "hs6_covered": covered,
        "hs6_partial": partial,
        "coverage": covered / n if n else 0.0,
        "general_rule": agreement.general_rule.id if agreement.general_rule else None,
        "coverage_with_general_rule": 1.0 if agreement.general_rule else (covered / n if n else 0.0),
        "source": agreement.source,
    }


def us_fta_coverage() -> list[dict[str, Any]]:
    """Coverage of every US FTA in the partner table; agreements without a compiled rule set say why."""
    from supplyscope.data.sources.us_fta import us_fta_names

    bundled = _bundled_us()
    universe = hs6_universe()
    out = []
    for name in us_fta_names():
        gn = US_FTA_GENERAL_NOTES.get(name, "general note not recorded")
        a = bundled.get(name.upper())
        if a is None:
            out.append(
                {
                    "agreement": name,
                    "hs6": len(universe),
                    "rule_entries": 0,
                    "hs6_covered": 0,
                    "hs6_partial": 0,
                    "coverage": 0.0,
                    "general_rule": None,
                    "coverage_with_general_rule": 0.0,
                    "source": None,
                    "unsupported": f"no rule set compiled: the legal text (HTSUS {gn}) was not obtained",
                }
            )
            continue
        row = agreement_coverage(a, universe)
        left = len(universe) - row["hs6_covered"]
        row["unsupported"] = (
            f"{left:,} HS6 without a product-specific rule: the rest of HTSUS {gn} was not obtained as text"
            if left
            else None
        )
        out.append(row)
    return out
