"""Agreements: rule sets written in the rule language (YAML), with parties, program codes, de minimis.

Hand-encoded US FTA rule sets are bundled under ``data/bundled/origin/us_fta/*.yaml``; each rule entry
cites its legal text. UK product-specific rules are compiled on demand (``UK-<scheme>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from supplyscope.data.paths import BUNDLED_DIR
from supplyscope.errors import NotFoundError, RuleError
from supplyscope.origin.codes import clean_iso3, in_any
from supplyscope.origin.rules import Ranges, Rule, _ranges, compile_rule

US_FTA_DIR = BUNDLED_DIR / "origin" / "us_fta"


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

    def rule_for(self, hts: str) -> RuleEntry:
        """The most specific rule covering ``hts``; the general rule otherwise; else :class:`RuleError`."""
        index: dict[str, list[RuleEntry]] = object.__getattribute__(self, "_index")
        for e in index.get(hts[:2], ()):
            if in_any(hts, e.ranges):
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
        raise RuleError(f"{where}: a rule entry must be a mapping")
    for key in ("id", "hts", "rule", "legal"):
        if key not in d:
            raise RuleError(f"{where}: missing key {key!r} (every rule cites its legal text)")
    return RuleEntry(
        str(d["id"]),
        _ranges(d["hts"], f"{where}.hts"),
        compile_rule(d["rule"], f"{where}.rule"),
        str(d["legal"]),
        str(d.get("text", "")),
    )


def agreement_from_dict(d: Mapping[str, Any], source: str = "") -> Agreement:
    """Validate an agreement definition (as read from YAML)."""
    w = source or "agreement"
    for key in ("agreement", "parties", "legal", "rules"):
        if key not in d:
            raise RuleError(f"{w}: missing key {key!r}")
    parties = frozenset(clean_iso3(p, field=f"{w}.parties") for p in d["parties"])
    dm = d.get("de_minimis")
    de_min = None
    if dm:
        tex = dm.get("textile") or {}
        de_min = DeMinimis(
            float(dm["percent"]),
            str(dm.get("base", "transaction_value")),
            str(dm["legal"]),
            _ranges(tex.get("hts"), f"{w}.de_minimis.textile.hts"),
            float(tex["percent"]) if tex.get("percent") is not None else None,
            str(tex.get("legal", "")),
        )
    rules = tuple(_entry(r, f"{w}.rules[{i}]") for i, r in enumerate(d["rules"] or []))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RuleError(f"{w}: duplicate rule ids")
    general = _entry(d["general_rule"], f"{w}.general_rule") if d.get("general_rule") else None
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


def load_agreement(path: str | Path) -> Agreement:
    """Read one agreement YAML file."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{p}: cannot read rule file: {exc}") from None
    if not isinstance(data, Mapping):
        raise RuleError(f"{p}: top level must be a mapping")
    return agreement_from_dict(data, source=str(p))


@lru_cache(maxsize=1)
def _bundled_us() -> dict[str, Agreement]:
    out: dict[str, Agreement] = {}
    for p in sorted(US_FTA_DIR.glob("*.yaml")):
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
