"""Dated chapter 99 measures (Section 232, 301, IEEPA, 122) and de minimis, read from ``defaults/measures.toml``.

Each :class:`Measure` carries its heading, rate (checked against the heading text of the loaded HTS where
``rate_from_heading``), country and product scope, validity window, citation and stacking rule. Loading
raises :class:`ConfigError` naming the record and key for anything malformed or inconsistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from supplyscope.codes.countries import eu_members_cached
from supplyscope.config import read_toml
from supplyscope.errors import ConfigError
from supplyscope.tariffs.codes import in_any, parse_range
from supplyscope.tariffs.schedule import HtsSchedule, default_schedule

DEFAULT_MEASURES = Path(__file__).resolve().parent / "defaults" / "measures.toml"
PROGRAMS = ("232", "301", "ieepa", "122")
KINDS = ("additional", "floor", "flag")
BASES = ("value", "content", "non_us_content")
NOT_MODELLED = (
    "antidumping and countervailing duties (AD/CVD)",
    "merchandise processing fee (MPF) and harbor maintenance fee (HMF)",
    "quotas and tariff-rate quotas (quota fill is not known)",
    "USTR Section 301 product exclusions (9903.88.xx) and other unlisted exclusions",
    "Section 201 safeguards",
    "Section 232 pharmaceuticals (proclaimed 2026-04-02, not in HTS rev 4)",
)


@dataclass(frozen=True)
class Measure:
    """One chapter 99 measure over one date window (``valid_to`` exclusive; None = open)."""

    id: str
    program: str
    group: str
    name: str
    heading: str
    rate: float
    rate_text: str | None
    kind: str
    basis: str
    valid_from: date
    valid_to: date | None
    countries: frozenset[str] | None  # None = all countries
    except_countries: frozenset[str]
    products: tuple[tuple[str, str], ...] | None  # None = all products (or see product_list)
    except_products: tuple[tuple[str, str], ...]
    product_list: str | None
    usmca_exempt: bool
    suppresses: frozenset[str]
    citation: str
    status: str | None
    approximate: bool
    approximate_reason: str | None
    usmca_note: str | None = None
    rate_from_heading: bool = False

    def covers_product(self, hts: str, lists: frozenset[str]) -> bool:
        if self.except_products and in_any(hts, self.except_products):
            return False
        if self.product_list is not None:
            return self.product_list in lists
        return self.products is None or in_any(hts, self.products)

    def covers_country(self, iso3: str) -> bool:
        if iso3 in self.except_countries:
            return False
        return self.countries is None or iso3 in self.countries

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def window(self) -> str:
        return f"{self.valid_from.isoformat()} to {self.valid_to.isoformat() if self.valid_to else 'open'}"


@dataclass(frozen=True)
class Suspension:
    """A de minimis suspension: countries (None = all), start date and the order that made it."""

    countries: frozenset[str] | None
    valid_from: date
    order: str


@dataclass(frozen=True)
class TariffConfig:
    """Everything dated that the duty stack applies, with its sources."""

    measures: tuple[Measure, ...]
    de_minimis_threshold: float
    de_minimis_legal: str
    proposed_exclusion_legal: str
    proposed_excluded_programs: tuple[str, ...]
    suspensions: tuple[Suspension, ...]
    column2_countries: frozenset[str]
    column2_legal: str
    graduated_steps: tuple[tuple[float, float], ...]
    graduated_legal: str
    hts_edition: str
    hts_edition_date: date
    source: str = ""
    groups: tuple[str, ...] = field(default=())


def _countries(items: list[Any], key: str, src: str) -> frozenset[str] | None:
    out: set[str] = set()
    for c in items:
        c = str(c)
        if c == "*":
            return None
        if c == "EU":
            out.update(eu_members_cached())
        elif len(c) == 3 and c.isalpha() and c.isupper():
            out.add(c)
        else:
            raise ConfigError(f"not an ISO3 code, 'EU' or '*': {c!r}", key=key, source=src)
    return frozenset(out)


def _ranges(items: list[Any], key: str, src: str, annex: dict[str, tuple[tuple[str, str], ...]]) -> Any:
    out: list[tuple[str, str]] = []
    for x in items:
        x = str(x)
        if x == "*":
            return None
        if x.startswith("@"):
            if x[1:] not in annex:
                raise ConfigError(f"unknown annex list {x!r}", key=key, source=src)
            out.extend(annex[x[1:]])
            continue
        try:
            out.append(parse_range(x))
        except ValueError as exc:
            raise ConfigError(str(exc), key=key, source=src) from None
    return tuple(out)


def _date(v: Any, key: str, src: str) -> date:
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise ConfigError(f"not a date: {v!r}", key=key, source=src) from None


def _measure(i: int, m: dict[str, Any], src: str, sched: HtsSchedule, annex: Any) -> Measure:
    k = f"measure[{i}]"
    for key in ("id", "program", "group", "name", "heading", "rate", "valid_from", "countries", "citation"):
        if key not in m:
            raise ConfigError("missing key", key=f"{k}.{key}", source=src)
    if m["program"] not in PROGRAMS:
        raise ConfigError(f"program must be one of {PROGRAMS}", key=f"{k}.program", source=src)
    kind, basis = str(m.get("kind", "additional")), str(m.get("basis", "value"))
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {KINDS}", key=f"{k}.kind", source=src)
    if basis not in BASES:
        raise ConfigError(f"basis must be one of {BASES}", key=f"{k}.basis", source=src)
    rate = m["rate"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 10:
        raise ConfigError(f"rate must be a fraction, got {rate!r}", key=f"{k}.rate", source=src)
    text, parsed = sched.heading_rate(str(m["heading"]))
    if m.get("rate_from_heading", False):
        if text is None or parsed is None:
            raise ConfigError(f"heading {m['heading']} is not in the HTS", key=f"{k}.heading", source=src)
        terms = [c.value for c in parsed.components if c.kind == "ad_valorem"]
        if len(terms) != 1 or abs(terms[0] - float(rate)) > 1e-9:
            raise ConfigError(f"rate {rate} disagrees with the heading text '{text}'", key=f"{k}.rate", source=src)
    if "products" not in m and "product_list" not in m:
        raise ConfigError("needs products or product_list", key=f"{k}.products", source=src)
    vf = _date(m["valid_from"], f"{k}.valid_from", src)
    vt = _date(m["valid_to"], f"{k}.valid_to", src) if "valid_to" in m else None
    if vt is not None and vt <= vf:
        raise ConfigError("valid_to must be after valid_from", key=f"{k}.valid_to", source=src)
    approx = bool(m.get("approximate", False))
    if approx and not m.get("approximate_reason"):
        raise ConfigError("an approximate measure needs approximate_reason", key=f"{k}.approximate", source=src)
    return Measure(
        id=str(m["id"]),
        program=str(m["program"]),
        group=str(m["group"]),
        name=str(m["name"]),
        heading=str(m["heading"]),
        rate=float(rate),
        rate_text=text,
        kind=kind,
        basis=basis,
        valid_from=vf,
        valid_to=vt,
        countries=_countries(list(m["countries"]), f"{k}.countries", src),
        except_countries=_countries(list(m.get("except_countries", [])), f"{k}.except_countries", src) or frozenset(),
        products=_ranges(list(m.get("products", ["*"])), f"{k}.products", src, annex),
        except_products=_ranges(list(m.get("except_products", [])), f"{k}.except_products", src, annex) or (),
        product_list=str(m["product_list"]) if "product_list" in m else None,
        usmca_exempt=bool(m.get("usmca_exempt", False)),
        suppresses=frozenset(str(g) for g in m.get("suppresses", [])),
        citation=str(m["citation"]),
        status=str(m["status"]) if "status" in m else None,
        approximate=approx,
        approximate_reason=str(m["approximate_reason"]) if approx else None,
        usmca_note=str(m["usmca_note"]) if "usmca_note" in m else None,
        rate_from_heading=bool(m.get("rate_from_heading", False)),
    )


def load_tariff_config(path: str | Path | None = None, *, schedule: HtsSchedule | None = None) -> TariffConfig:
    """Read a measures TOML (the shipped one by default); :class:`ConfigError` names the bad record and key."""
    p = Path(path) if path is not None else DEFAULT_MEASURES
    src = str(p)
    cfg = read_toml(p)
    sched = schedule or default_schedule()
    try:
        annex = {name: tuple(parse_range(str(x)) for x in items) for name, items in dict(cfg.get("annex", {})).items()}
        measures = tuple(_measure(i, m, src, sched, annex) for i, m in enumerate(cfg.get("measure", [])))
        ids = [m.id for m in measures]
        dup = sorted({x for x in ids if ids.count(x) > 1})
        if dup:
            raise ConfigError(f"duplicate measure id(s) {dup}", key="measure", source=src)
        dm, c2, g = cfg["de_minimis"], cfg["column2"], cfg["graduated_301"]
        susp = tuple(
            Suspension(
                _countries(list(s["countries"]), f"de_minimis.suspension[{i}].countries", src),
                _date(s["valid_from"], f"de_minimis.suspension[{i}].valid_from", src),
                str(s["order"]),
            )
            for i, s in enumerate(dm.get("suspension", []))
        )
        steps = tuple(sorted(((float(s["min_share"]), float(s["rate"])) for s in g["steps"]), reverse=True))
        if not steps or steps[-1][0] != 0.0:
            raise ConfigError("the last step must have min_share = 0", key="graduated_301.steps", source=src)
        groups = tuple(dict.fromkeys(m.group for m in measures))
        return TariffConfig(
            measures=measures,
            de_minimis_threshold=float(dm["threshold_usd"]),
            de_minimis_legal=str(dm["legal"]),
            proposed_exclusion_legal=str(dm["proposed_exclusion_legal"]),
            proposed_excluded_programs=tuple(str(x) for x in dm["proposed_excluded_programs"]),
            suspensions=susp,
            column2_countries=frozenset(str(c) for c in c2["countries"]),
            column2_legal=str(c2["legal"]),
            graduated_steps=steps,
            graduated_legal=str(g["legal"]),
            hts_edition=str(cfg["hts_edition"]),
            hts_edition_date=_date(cfg["hts_edition_date"], "hts_edition_date", src),
            source=src,
            groups=groups,
        )
    except ConfigError:
        raise
    except KeyError as exc:
        raise ConfigError("missing key", key=str(exc.args[0]), source=src) from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"bad value: {exc}", source=src) from None


@lru_cache(maxsize=1)
def default_config() -> TariffConfig:
    """The shipped measures against the bundled HTS, loaded once per process."""
    return load_tariff_config()
