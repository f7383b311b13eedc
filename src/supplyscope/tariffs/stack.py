"""The US duty stack on one entry line as of an entry date: base rate, preference, chapter 99 layers, de minimis.

One computation serves every caller: ``duty`` and ``origin`` (through :func:`duty_stack`) and the shipments
pipeline (through :func:`layer_rates`, cached per HTS10 x origin x date). Each layer names its heading,
citation and the date window that made it apply; measures whose window does not cover the date, or whose
exceptions apply, are explained; what is not modelled is listed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from supplyscope.errors import DataError, NotFoundError
from supplyscope.tariffs.codes import RangeSet, clean_hts, clean_iso3, dotted
from supplyscope.tariffs.measures import NOT_MODELLED, Measure, TariffConfig, default_config
from supplyscope.tariffs.rates import Rate, apply_rate
from supplyscope.tariffs.schedule import HtsSchedule, TariffLine, default_schedule
from supplyscope.tariffs.section301 import Section301Index, default_index

LAYER_KEYS = ("base", "section301", "section232", "ieepa", "section122")
_PROGRAM_KEY = {"301": "section301", "232": "section232", "ieepa": "ieepa", "122": "section122"}
USMCA_PARTNERS = frozenset({"CAN", "MEX"})


@dataclass(frozen=True)
class Layer:
    """One applied (or reported) layer of the stack."""

    program: str
    name: str
    heading: str | None
    rate: float | None
    duty_usd: float | None
    basis: str
    window: str
    citation: str
    applied: bool = True
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True)
class _Core:
    """Date-, origin- and product-dependent facts, computed once per key (see :func:`_core`)."""

    in_schedule: bool
    rate_line: str
    base_label: str
    base_rate: Rate | None
    layers: tuple[tuple[Measure, float | None, str | None], ...]
    flags: tuple[tuple[Measure, str], ...]
    inactive: tuple[tuple[str, Measure, Measure | None], ...]
    lists: frozenset[str]
    successor_of: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """A preference claim resolved against the HTS special column."""

    agreement: str
    codes: tuple[str, ...]
    partners: frozenset[str]


@lru_cache(maxsize=1)
def _fta_table() -> dict[str, Claim]:
    from supplyscope.data.sources.us_fta import us_fta_program_rows

    out: dict[str, tuple[list[str], set[str]]] = {}
    for agr, codes, iso3 in us_fta_program_rows():
        progs, parts = out.setdefault(str(agr), ([], set()))
        parts.add(str(iso3))
        for c in str(codes).split(";"):
            if c.strip() and c.strip() not in progs:
                progs.append(c.strip())
    return {k: Claim(k, tuple(v[0]), frozenset(v[1])) for k, v in out.items()}


def _norm(s: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", s.upper())


def resolve_us_fta(agreement: str) -> Claim:
    """A US FTA by name, short name or HTS program code (``"KORUS"``, ``"KR"``, ``"US-Peru TPA"``).

    Raises :class:`NotFoundError` listing the US FTAs of the bundled table.
    """
    q = _norm(agreement)
    table = _fta_table()
    for claim in table.values():
        names = {_norm(claim.agreement), _norm(claim.agreement.replace(" FTA", "").replace(" TPA", ""))}
        if q in names or q in {_norm(c) for c in claim.codes}:
            return claim
    hits = [c for c in table.values() if q and q in _norm(c.agreement)]
    if len(hits) == 1:
        return hits[0]
    raise NotFoundError("US free trade agreement", agreement, sorted(table))


def _tiers(line: TariffLine, origin: str, cfg: TariffConfig) -> tuple[str, Rate | None]:
    if origin in cfg.column2_countries:
        return "column 2", line.column2_rate()
    return "MFN (general)", line.general_rate()


@lru_cache(maxsize=1 << 16)
def _candidates(code: str, lists: frozenset[str], cfg_id: int) -> tuple[tuple[Measure, bool], ...]:
    """Measures whose product scope reaches ``code``: (measure, covered) with covered False when only its
    product exceptions exclude the code. Computed once per code."""
    out = []
    for m, products, excepted in _scopes(cfg_id):
        in_scope = m.product_list in lists if m.product_list is not None else products is None or code in products
        if in_scope:
            out.append((m, not (excepted is not None and code in excepted)))
    return tuple(out)


@lru_cache(maxsize=8)
def _scopes(cfg_id: int) -> tuple[tuple[Measure, RangeSet | None, RangeSet | None], ...]:
    """Each measure of a config with its product ranges and exceptions compiled (None: all, or none)."""
    return tuple(
        (
            m,
            None if m.products is None else RangeSet(m.products),
            RangeSet(m.except_products) if m.except_products else None,
        )
        for m in _CONFIGS[cfg_id].measures
    )


_CONFIGS: dict[int, TariffConfig] = {}


def _register(cfg: TariffConfig) -> int:
    key = id(cfg)
    _CONFIGS[key] = cfg
    return key


@lru_cache(maxsize=1 << 16)
def _code_facts(code: str, sched_id: int, idx_id: int) -> tuple[TariffLine, frozenset[str], tuple[str, ...], bool]:
    sched, idx = _SCHEDS[sched_id], _INDEXES[idx_id]
    line = sched.line(code)
    lists = idx.lists_for(code)
    return line, lists, (idx.successor_of(code) if lists else ()), (code in sched or code[:8] in sched)


@lru_cache(maxsize=1 << 20)
def _core(
    code: str,
    origin: str,
    on: date,
    s301_origin: str,
    usmca: bool,
    pref: Rate | None,
    cfg_id: int,
    sched_id: int,
    idx_id: int,
) -> _Core:
    cfg = _CONFIGS[cfg_id]
    line, lists, successors, known = _code_facts(code, sched_id, idx_id)
    label, base = _tiers(line, origin, cfg)
    if pref is not None:
        base, label = pref, "preference"
    base_av = base.ad_valorem if base is not None else None
    layers, flags, notes = _applied(_candidate_set(code, lists, cfg_id), origin, on, s301_origin, usmca, base_av)
    return _Core(known, line.rate_line, label, base, layers, flags, notes, lists, successors)


_CANDIDATE_SETS: dict[tuple[tuple[Measure, bool], ...], int] = {}
_BY_SET: list[tuple[tuple[Measure, bool], ...]] = []


@lru_cache(maxsize=1 << 16)
def _candidate_set(code: str, lists: frozenset[str], cfg_id: int) -> int:
    """A number for :func:`_candidates` of ``code``: codes reached by the same measures share it, so the
    stack is decided once per set of measures (not once per code) in :func:`_applied`."""
    found = _candidates(code, lists, cfg_id)
    if found not in _CANDIDATE_SETS:
        _CANDIDATE_SETS[found] = len(_BY_SET)
        _BY_SET.append(found)
    return _CANDIDATE_SETS[found]


@lru_cache(maxsize=1 << 20)
def _applied(
    candidate_set: int, origin: str, on: date, s301_origin: str, usmca: bool, base_av: float | None
) -> tuple[
    tuple[tuple[Measure, float | None, str | None], ...],
    tuple[tuple[Measure, str], ...],
    tuple[tuple[str, Measure, Measure | None], ...],
]:
    """The layers, flags and notes of the measures of one candidate set on ``on`` (see :func:`_core`)."""
    winners: dict[str, Measure] = {}
    excepted: dict[str, Measure] = {}
    inactive: dict[str, list[Measure]] = {}
    shadowed: list[tuple[Measure, Measure]] = []
    for m, covered in _BY_SET[candidate_set]:
        country = s301_origin if m.program == "301" else origin
        if not m.covers_country(country):
            continue
        if not covered:
            if m.in_force(on):
                excepted.setdefault(m.group, m)
            continue
        if not m.in_force(on):
            inactive.setdefault(m.group, []).append(m)
            continue
        if m.group in winners:
            shadowed.append((winners[m.group], m))
        else:
            winners[m.group] = m
    suppressed: set[str] = set()
    for g, m in winners.items():
        if m.kind != "flag" and not (m.usmca_exempt and usmca and origin in USMCA_PARTNERS):
            suppressed |= m.suppresses - {g}
    layers: list[tuple[Measure, float | None, str | None]] = []
    flags: list[tuple[Measure, str]] = []
    notes: list[tuple[str, Measure, Measure | None]] = []
    for g, m in winners.items():
        if g in suppressed:
            by = next(w for w in winners.values() if g in w.suppresses)
            notes.append(("suppressed", m, by))
            continue
        if m.usmca_exempt and usmca and origin in USMCA_PARTNERS:
            notes.append(("usmca", m, None))
            continue
        if m.kind == "flag":
            flags.append((m, m.approximate_reason or "may apply; not decidable from the HTS code"))
            continue
        basis = m.basis
        if m.usmca_note and usmca and origin in USMCA_PARTNERS:
            layers.append((m, None, m.usmca_note))
            continue
        if basis != "value":
            layers.append(
                (
                    m,
                    None,
                    f"levied on the value of the {('metal' if basis == 'content' else 'non-US')} content, not given",
                )
            )
            continue
        if m.kind == "floor":
            if base_av is None:
                layers.append((m, None, f"all-in {m.rate:.0%} less the base rate, which is not ad valorem"))
            else:
                layers.append(
                    (m, round(max(0.0, m.rate - base_av), 10), f"all-in {m.rate:.1%} less base {base_av:.2%}")
                )
            continue
        layers.append((m, m.rate, None))
    for win, lose in shadowed:
        if win.program == lose.program and win.group not in suppressed:
            notes.append(("shadowed", lose, win))
    for g, m in excepted.items():
        if g not in winners:
            notes.append(("excepted", m, None))
    for g, ms in inactive.items():
        if g in winners:
            continue
        ended = [m for m in ms if m.valid_to is not None and m.valid_to <= on]
        later = [m for m in ms if m.valid_from > on]
        if ended:
            notes.append(("ended", max(ended, key=lambda x: x.valid_to or on), None))
        elif later:
            notes.append(("later", min(later, key=lambda x: x.valid_from), None))
    return tuple(layers), tuple(flags), tuple(notes)


_SCHEDS: dict[int, HtsSchedule] = {}
_INDEXES: dict[int, Section301Index] = {}


def _ids(cfg: TariffConfig | None, sched: HtsSchedule | None, idx: Section301Index | None) -> tuple[int, int, int]:
    c, s, i = cfg or default_config(), sched or default_schedule(), idx or default_index()
    _SCHEDS[id(s)] = s
    _INDEXES[id(i)] = i
    return _register(c), id(s), id(i)


def _explain(kind: str, m: Measure, other: Measure | None, on: date) -> str:
    """One sentence on a measure that matched the product but is not applied (or replaced another)."""
    head = f"{m.name} ({m.heading})"
    if kind == "suppressed" and other is not None:
        return f"{head} not applied: replaced by {other.name} ({other.heading}) — {other.citation}"
    if kind == "shadowed" and other is not None:
        return f"{head} replaced by {other.name} ({other.heading})"
    if kind == "usmca":
        return f"{head} not applied: USMCA-qualifying goods are exempt — {m.citation}"
    if kind == "excepted":
        return f"{head} not applied: the product is in its exceptions — {m.citation}"
    if kind == "ended":
        why = f"; {m.status}" if m.status else ""
        return f"{head} not applied on {on}: in force {m.window()}{why} — {m.citation}"
    return f"{head} not yet in force on {on}: from {m.valid_from} — {m.citation}"


def _successor_note(listed: tuple[str, ...], idx: Section301Index) -> str:
    """How a current HTS8 inherits the lists of listed codes that no longer exist (always approximate)."""
    parts = []
    for code in listed:
        succ = idx.successors.get(code)
        if succ is None:
            parts.append(dotted(code))
            continue
        how = succ.method
        if succ.method != "same HS6":
            how += " " + ", ".join(f"{code[:6]}->{h6} (share {w:.2f})" for h6, w in succ.via)
        many = f", one-to-many: {len(succ.successors)} successors" if succ.one_to_many else ""
        parts.append(f"{dotted(code)} via {how}{many}")
    return "through successor mapping of listed " + "; ".join(parts) + ", approximate"


def layer_rates(
    hts10: str,
    origin: str,
    on: date,
    *,
    s301_origin: str | None = None,
    usmca_qualifies: bool = False,
    config: TariffConfig | None = None,
) -> dict[str, float | None]:
    """Rates of each layer as fractions of value: ``base`` (None when not ad valorem), ``section301``,
    ``section232``, ``ieepa``, ``section122`` (0.0 when no measure applies, None when one applies but cannot be
    computed on the value alone), and ``total`` (None when any part is not computable).

    This is the computation the shipments pipeline joins per HTS10 x origin x entry date.
    """
    ids = _ids(config, None, None)
    return _rates_of(_core(hts10, origin, on, s301_origin or origin, usmca_qualifies, None, *ids))


LAYER_VERSION = "layer-rates-1"
"""Bump when what :func:`layer_rates` or :func:`de_minimis_status` return changes in a way no input file shows."""


def layer_inputs() -> tuple[list[Path], str]:
    """What decides :func:`layer_rates` and :func:`de_minimis_status` under the default config: the bundled
    HTS, Section 301 lists, HS 2017 -> 2022 rows, measures TOML and EU membership files, the code that reads
    and applies them, and a version string of the derived formats (the cached schedule's and 301 index's).

    Callers that cache those rates key them with :func:`supplyscope.data.cache.inputs_key` of these.
    """
    from supplyscope.codes import countries
    from supplyscope.data.paths import tariff_data_files
    from supplyscope.data.sources import hs_concordance, hts, section301
    from supplyscope.tariffs import measures, schedule
    from supplyscope.tariffs import section301 as s301

    data = [*tariff_data_files(), measures.DEFAULT_MEASURES, *countries.country_files()]
    code = sorted(Path(__file__).parent.glob("*.py")) + [
        Path(m.__file__ or "") for m in (countries, hs_concordance, hts, section301)
    ]
    versions = (LAYER_VERSION, hts.ROWS_VERSION, schedule.RESOLVED_VERSION, section301.LISTED_VERSION)
    return data + code, ":".join((*versions, s301.INDEX_VERSION))


def _rates_of(core: _Core) -> dict[str, float | None]:
    out: dict[str, float | None] = {k: 0.0 for k in LAYER_KEYS}
    b = core.base_rate
    out["base"] = b.ad_valorem if b is not None and b.fully_ad_valorem else None
    for m, rate, _note in core.layers:
        k = _PROGRAM_KEY[m.program]
        cur = out[k]
        out[k] = None if rate is None or cur is None else round(cur + rate, 10)
    vals = [out[k] for k in LAYER_KEYS]
    out["total"] = None if any(v is None for v in vals) else round(sum(v for v in vals if v is not None), 10)
    return out


@dataclass
class DutyStack:
    """The stacked duty on one entry line, each layer explained. Rates are fractions of value."""

    hts10: str
    origin: str
    value: float
    date: str
    mfn: float | None
    preferential: float | None
    base_rate: float | None
    section301: float | None
    section232: float | None
    ieepa: float | None
    section122: float | None
    total_rate: float
    duty_usd: float
    complete: bool
    missing: list[str]
    de_minimis_eligible: bool
    de_minimis: dict[str, Any]
    layers: list[Layer] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    agreement: str | None = None
    section301_origin: str | None = None
    origin_basis: str | None = None
    section301_lists: list[str] = field(default_factory=list)
    section232_measures: list[str] = field(default_factory=list)
    rate_line: str = ""
    quantity: float | None = None
    unit: str | None = None
    hts_edition: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def layer_rates(self) -> dict[str, float | None]:
        """Same keys as :func:`layer_rates` (for comparing callers)."""
        out: dict[str, float | None] = {
            "base": self.base_rate,
            "section301": self.section301,
            "section232": self.section232,
            "ieepa": self.ieepa,
            "section122": self.section122,
        }
        return out


def _check_value(value: object, name: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value < 0:
        raise DataError(f"{name} must be a non-negative number, got {value!r}", field=name)
    return float(value)


def de_minimis_status(
    origin: str,
    on: date,
    value: float,
    *,
    subject_to: frozenset[str] = frozenset(),
    proposed: bool = False,
    config: TariffConfig | None = None,
) -> dict[str, Any]:
    """De minimis eligibility on ``on``: threshold, suspension in force (since when, which order), proposal."""
    cfg = config or default_config()
    susp = next(
        (s for s in cfg.suspensions if s.valid_from <= on and (s.countries is None or origin in s.countries)), None
    )
    within = value <= cfg.de_minimis_threshold
    excluded = proposed and bool(subject_to & set(cfg.proposed_excluded_programs))
    eligible = within and susp is None and not excluded
    if susp is not None:
        who = "all countries" if susp.countries is None else origin
        reason = f"de minimis suspended since {susp.valid_from} for {who}: {susp.order}"
    elif not within:
        reason = f"value {value:,.2f} > ${cfg.de_minimis_threshold:,.0f} ({cfg.de_minimis_legal})"
    elif excluded:
        reason = (
            f"value within ${cfg.de_minimis_threshold:,.0f} but excluded: subject to {sorted(subject_to)} "
            f"({cfg.proposed_exclusion_legal})"
        )
    else:
        reason = f"value {value:,.2f} <= ${cfg.de_minimis_threshold:,.0f} ({cfg.de_minimis_legal})"
    return {
        "eligible": eligible,
        "threshold_usd": cfg.de_minimis_threshold,
        "within_threshold": within,
        "suspended_since": susp.valid_from.isoformat() if susp else None,
        "suspension_order": susp.order if susp else None,
        "proposed_exclusions_applied": proposed,
        "reason": reason,
    }


def parse_date(text: str | date | None) -> date:
    """``YYYY-MM-DD`` -> date (today when None); :class:`DataError` naming ``date`` otherwise."""
    if text is None:
        return date.today()
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise DataError(f"date must be YYYY-MM-DD, got {text!r}", field="date") from None


def duty_stack(
    hts10: str,
    origin: str,
    value: float,
    *,
    on: date | str | None = None,
    agreement: str | None = None,
    qualifies: bool | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    section301_origin: str | None = None,
    origin_basis: str | None = None,
    program_codes: tuple[str, ...] | None = None,
    de_minimis_exclusions: bool = False,
    config: TariffConfig | None = None,
    schedule: HtsSchedule | None = None,
    s301: Section301Index | None = None,
) -> DutyStack:
    """Stack the US duties on one entry line as of entry date ``on`` (default today).

    ``origin`` is the country of origin (ISO3). ``section301_origin`` (default ``origin``) is the origin used
    for Section 301, with ``origin_basis`` naming how it was found (e.g. substantial transformation).
    ``agreement`` names a US FTA (or its HTS program code) whose preference is claimed; it replaces the base
    rate only when ``qualifies`` is True and the line lists the program. ``quantity``/``unit`` (an HTS unit
    of quantity) complete specific and compound rates; without them the total is marked incomplete.
    """
    code = clean_hts(hts10, field="hts10", lengths=(8, 10))
    org = clean_iso3(origin, field="origin")
    s301_org = clean_iso3(section301_origin, field="section301_origin") if section301_origin else org
    val = _check_value(value, "value")
    assert val is not None
    qty = _check_value(quantity, "quantity", allow_none=True)
    if qty is not None and not unit:
        raise DataError("--quantity needs --unit (the HTS unit of quantity, e.g. kg)", field="unit")
    day = parse_date(on)
    cfg = config or default_config()
    sched = schedule or default_schedule()
    line = sched.line(code)
    reasons: list[str] = []
    if len(code) == 10 and code not in sched:
        reasons.append(
            f"HTS10 {dotted(code)} is not a statistical line of {cfg.hts_edition}; rates of {dotted(code[:8])} used"
        )
    if day < cfg.hts_edition_date:
        reasons.append(
            f"base rates are those of {cfg.hts_edition} (from {cfg.hts_edition_date}); earlier editions are not "
            f"bundled, so the MFN/column 2 rate on {day} is approximate"
        )
    # preference
    pref: Rate | None = None
    agr_name: str | None = None
    usmca = False
    if agreement is not None:
        try:
            claim = resolve_us_fta(agreement)
        except NotFoundError:
            if program_codes is None:
                raise
            claim = Claim(agreement, tuple(program_codes), frozenset())
        agr_name = claim.agreement
        specials = line.special_rates()
        listed = [p for p in claim.codes if p in specials]
        if not listed:
            reasons.append(
                f"preference: HTS {dotted(line.rate_line)} lists no rate for {claim.agreement} "
                f"(program {'/'.join(claim.codes) or 'none'})"
            )
        elif qualifies is None:
            reasons.append(
                f"preference: {claim.agreement} rate '{specials[listed[0]].text}' ({listed[0]}) available but "
                "qualification not evaluated (pass --qualifies)"
            )
        elif not qualifies:
            reasons.append(f"preference: good does not qualify under {claim.agreement}; the base rate applies")
        else:
            pref = specials[listed[0]]
            usmca = claim.agreement.upper().startswith("USMCA")
            reasons.append(
                f"preference: {claim.agreement} rate '{pref.text}' (program {listed[0]}, HTS special column of "
                f"{dotted(line.rate_line)}) replaces the base rate"
            )
            if claim.partners and org not in claim.partners:
                reasons.append(
                    f"note: origin {org} is not a {claim.agreement} partner; the preference rests on the FTA rule"
                )
    ids = _ids(cfg, sched, s301)
    core = _core(code, org, day, s301_org, usmca, pref, *ids)
    # base layer
    layers: list[Layer] = []
    missing: list[str] = []
    base_duty = 0.0
    label = core.base_label
    base_rate = core.base_rate
    mfn_rate = _tiers(line, org, cfg)[1]
    mfn = mfn_rate.ad_valorem if mfn_rate is not None else None
    if base_rate is None:
        missing.append(f"{label}: no rate printed for {dotted(line.rate_line)}")
        reasons.append(missing[-1])
    else:
        applied = apply_rate(base_rate, val, qty, unit)
        base_duty = applied.duty_usd
        missing.extend(f"{label}: {m}" for m in applied.missing)
        legal = f" ({cfg.column2_legal})" if label == "column 2" else ""
        reasons.append(f"{label} rate '{base_rate.text}' from HTS {dotted(line.rate_line)}{legal}")
        layers.append(
            Layer(
                label,
                f"{label} rate",
                dotted(line.rate_line),
                base_rate.ad_valorem if base_rate.fully_ad_valorem else None,
                round(base_duty, 2),
                "value" if base_rate.fully_ad_valorem else "value and quantity",
                f"{cfg.hts_edition}",
                f"{cfg.hts_edition}{legal}",
                note="; ".join(applied.missing) or None,
            )
        )
    sums = {"section301": 0.0, "section232": 0.0, "ieepa": 0.0, "section122": 0.0}
    not_computable: set[str] = set()
    extra = 0.0
    for m, rate, note in core.layers:
        k = _PROGRAM_KEY[m.program]
        duty = None if rate is None else round(rate * val, 2)
        if rate is None:
            missing.append(f"{m.name} ({m.heading}): {note}")
            not_computable.add(k)
        else:
            extra += rate * val
            sums[k] = round(sums[k] + rate, 10)
        status = f"; {m.status}" if m.status else ""
        layers.append(
            Layer(
                m.program,
                m.name,
                m.heading,
                rate,
                duty,
                m.basis,
                m.window(),
                m.citation,
                True,
                m.approximate,
                "; ".join(x for x in (note, m.approximate_reason) if x) or None,
            )
        )
        reasons.append(
            f"{m.name}: {m.heading} "
            + (f"'{m.rate_text}'" if m.rate_from_heading else f"{m.rate:.1%} (HTS rev 4 prints '{m.rate_text}')")
            + f", in force {m.window()} — {m.citation}"
            + status
            + (f" [approximate: {m.approximate_reason}]" if m.approximate else "")
        )
    for m, why in core.flags:
        layers.append(
            Layer(m.program, m.name, m.heading, None, None, m.basis, m.window(), m.citation, False, True, why)
        )
        reasons.append(f"{m.name} ({m.heading}) may apply, not added: {why} — {m.citation}")
    if core.lists:
        via = f" ({_successor_note(core.successor_of, s301 or default_index())})" if core.successor_of else ""
        reasons.append(
            f"Section 301 lists naming HTS8 {dotted(code[:8])}: {', '.join(sorted(core.lists))}{via}; "
            f"301 origin {s301_org}" + (f" ({origin_basis})" if origin_basis else "")
        )
    reasons.extend(_explain(kind, m, other, day) for kind, m, other in core.inactive)
    applied_programs = frozenset(m.program for m, _r, _n in core.layers)
    dm = de_minimis_status(org, day, val, subject_to=applied_programs, proposed=de_minimis_exclusions, config=cfg)
    reasons.append(f"de minimis: {'eligible' if dm['eligible'] else 'not eligible'} — {dm['reason']}")
    complete = not missing
    duty = round(base_duty + extra, 2)
    if not complete:
        reasons.append("total INCOMPLETE: " + "; ".join(missing))
    flat: dict[str, float | None] = {k: (None if k in not_computable else v) for k, v in sums.items()}
    base_av = base_rate.ad_valorem if base_rate is not None and base_rate.fully_ad_valorem else None
    total_rate = round(duty / val, 6) if val > 0 else round((base_av or 0.0) + sum(sums.values()), 6)
    return DutyStack(
        hts10=code,
        origin=org,
        value=val,
        date=day.isoformat(),
        mfn=mfn,
        preferential=pref.ad_valorem if pref is not None else None,
        base_rate=base_av,
        section301=flat["section301"],
        section232=flat["section232"],
        ieepa=flat["ieepa"],
        section122=flat["section122"],
        total_rate=total_rate,
        duty_usd=duty,
        complete=complete,
        missing=missing,
        de_minimis_eligible=bool(dm["eligible"]),
        de_minimis=dm,
        layers=layers,
        reasons=reasons,
        not_modelled=list(NOT_MODELLED),
        agreement=agr_name,
        section301_origin=s301_org,
        origin_basis=origin_basis,
        section301_lists=sorted(core.lists),
        section232_measures=[m.name for m, _r, _n in core.layers if m.program == "232"],
        rate_line=line.rate_line,
        quantity=qty,
        unit=unit,
        hts_edition=cfg.hts_edition,
    )
