"""The US duty stack: MFN (or column 2), preference, Section 301, Section 232, de minimis — each explained."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import ConfigError, DataError
from supplyscope.origin.codes import clean_hts, clean_iso3, dotted
from supplyscope.origin.hts import HtsSchedule, default_schedule
from supplyscope.origin.section232 import Measure232, default_measures, section232_measures_for
from supplyscope.origin.section301 import Section301Index, default_index

DEFAULT_DUTY = Path(__file__).resolve().parent / "defaults" / "duty.toml"


@dataclass(frozen=True)
class DutyConfig:
    """Policy settings for the duty stack (see ``defaults/duty.toml``; every value cites its source)."""

    de_minimis_threshold: float
    de_minimis_legal: str
    proposed_exclusion_legal: str
    column2_countries: frozenset[str]
    column2_legal: str
    graduated_steps: tuple[tuple[float, float], ...]
    graduated_legal: str


def load_duty_config(path: str | Path | None = None) -> DutyConfig:
    """Read the duty-stack settings; :class:`ConfigError` names the missing or bad key."""
    p = Path(path) if path is not None else DEFAULT_DUTY
    try:
        cfg = tomllib.loads(p.read_text(encoding="utf-8"))
        dm, c2, g = cfg["de_minimis"], cfg["column2"], cfg["graduated_301"]
        steps = tuple(sorted(((float(s["min_share"]), float(s["rate"])) for s in g["steps"]), reverse=True))
        if not steps or steps[-1][0] != 0.0:
            raise ConfigError("the last step must have min_share = 0", key="graduated_301.steps", source=str(p))
        return DutyConfig(
            float(dm["threshold_usd"]),
            str(dm["legal"]),
            str(dm["proposed_exclusion_legal"]),
            frozenset(str(c) for c in c2["countries"]),
            str(c2["legal"]),
            steps,
            str(g["legal"]),
        )
    except KeyError as exc:
        raise ConfigError("missing key", key=str(exc.args[0]), source=str(p)) from None
    except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise ConfigError(f"cannot read duty settings: {exc}", source=str(p)) from None


@lru_cache(maxsize=1)
def default_duty_config() -> DutyConfig:
    return load_duty_config()


@lru_cache(maxsize=1)
def _program_codes() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Agreement name (upper case) -> (partner ISO3 codes, HTS program codes), from the bundled table."""
    df = pd.read_parquet(bundled("countries/us_fta_partners.parquet"))
    out: dict[str, tuple[set[str], list[str]]] = {}
    for agr, codes, iso3 in df[["agreement", "hts_special_program_codes", "partner_iso3"]].itertuples(index=False):
        parts, progs = out.setdefault(str(agr).upper(), (set(), []))
        parts.add(str(iso3))
        for c in str(codes).split(";"):
            if c.strip() and c.strip() not in progs:
                progs.append(c.strip())
    return {k: (frozenset(v[0]), tuple(v[1])) for k, v in out.items()}


@dataclass
class DutyStack:
    """Each duty layer as a fraction of value (None = layer does not apply), the total, and why."""

    hts10: str
    origin: str
    value: float
    mfn: float | None
    preferential: float | None
    section301: float | None
    section232: float | None
    total_rate: float
    duty_usd: float
    de_minimis_eligible: bool
    reasons: list[str] = field(default_factory=list)
    agreement: str | None = None
    section301_lists: list[str] = field(default_factory=list)
    section232_measures: list[str] = field(default_factory=list)
    rate_line: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def duty_stack(
    hts10: str,
    origin: str,
    value: float,
    *,
    agreement: str | None = None,
    qualifies: bool | None = None,
    de_minimis_exclusions: bool = False,
    schedule: HtsSchedule | None = None,
    s301: Section301Index | None = None,
    s232: tuple[Measure232, ...] | None = None,
    config: DutyConfig | None = None,
) -> DutyStack:
    """Stack the US duties on one entry line.

    ``origin`` is the (non-preferential) country of origin, ISO3. ``agreement`` names an FTA whose
    preference is claimed; the preferential rate replaces MFN only when ``qualifies`` is True and the
    HTS line lists the agreement's program code. ``de_minimis_exclusions`` switches on the 2024
    proposal that goods subject to Section 301/232 cannot use de minimis.
    """
    code = clean_hts(hts10, field="hts10", lengths=(8, 10))
    org = clean_iso3(origin, field="origin")
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value < 0:
        raise DataError(f"value must be a non-negative number of US dollars, got {value!r}", field="value")
    sched = schedule or default_schedule()
    cfg = config or default_duty_config()
    line = sched.line(code)
    reasons: list[str] = []
    if len(code) == 10 and code not in sched:
        reasons.append(
            f"HTS10 {dotted(code)} is not a statistical line of this HTS edition; rates of {dotted(code[:8])} used"
        )
    # 1. MFN or column 2
    col2 = org in cfg.column2_countries
    rate = line.column2_rate() if col2 else line.general_rate()
    label = "column 2" if col2 else "MFN (general)"
    mfn: float | None
    if rate is None:
        mfn = None
        reasons.append(f"{label}: no rate printed for {dotted(line.rate_line)}")
    else:
        mfn = rate.ad_valorem
        extra = f"; specific part '{rate.specific}' not converted (needs quantity)" if rate.specific else ""
        reasons.append(
            f"{label} rate '{rate.text}' from HTS {dotted(line.rate_line)}"
            + (f" ({cfg.column2_legal})" if col2 else "")
            + extra
        )
    # 2. preference
    preferential: float | None = None
    agr_name: str | None = None
    if agreement is not None:
        from supplyscope.origin.agreements import get_agreement

        agr = get_agreement(agreement)
        agr_name = agr.name
        parties, progs = _program_codes().get(agr.name.upper(), (agr.parties - {"USA"}, agr.program_codes))
        specials = line.special_rates()
        listed = [p for p in progs if p in specials]
        if not listed:
            reasons.append(
                f"preference: HTS {dotted(line.rate_line)} lists no rate for {agr.name} "
                f"(program {'/'.join(progs) or 'none'})"
            )
        elif qualifies is None:
            reasons.append(
                f"preference: {agr.name} rate {specials[listed[0]].text} ({listed[0]}) available but "
                "qualification not evaluated"
            )
        elif not qualifies:
            reasons.append(f"preference: good does not qualify under {agr.name}; MFN applies")
        else:
            pr = specials[listed[0]]
            preferential = pr.ad_valorem
            reasons.append(f"preference: {agr.name} rate '{pr.text}' (program {listed[0]}) replaces {label}")
            if org not in parties:
                reasons.append(
                    f"note: non-preferential origin {org} is not a {agr.name} partner; the preference "
                    "rests on the FTA rule, Section 301 on the non-preferential origin"
                )
    # 3. Section 301
    idx = s301 or default_index()
    lists = idx.lists_for(code)
    s301_rate: float | None = None
    if lists and org == "CHN":
        s301_rate = idx.rate_for(lists)
        heads = ", ".join(f"{x} ({idx.infos[x].heading}: '{idx.infos[x].rate_text}')" for x in lists)
        reasons.append(
            f"Section 301: HTS8 {dotted(code[:8])} on {heads}; origin CHN. USTR product exclusions are not in the data"
        )
    elif lists:
        reasons.append(f"Section 301: HTS8 on {', '.join(lists)} but origin {org} is not CHN")
    else:
        reasons.append("Section 301: HTS8 not on Lists 1-4A")
    # 4. Section 232
    measures = section232_measures_for(code, s232 if s232 is not None else default_measures())
    s232_rate: float | None = None
    if measures:
        rates = [m.rate for m in measures if m.rate is not None]
        s232_rate = max(rates) if rates else None
        reasons.append(
            "Section 232 (modelled coverage): "
            + "; ".join(f"{m.name} {m.heading} '{m.rate_text}' — {m.legal}" for m in measures)
        )
    else:
        reasons.append("Section 232: not in the modelled product coverage")
    base = preferential if preferential is not None else (mfn or 0.0)
    total = base + (s301_rate or 0.0) + (s232_rate or 0.0)
    duty = round(total * float(value), 2)
    # 5. de minimis
    eligible = float(value) <= cfg.de_minimis_threshold
    if eligible and de_minimis_exclusions and (s301_rate is not None or measures):
        eligible = False
        reasons.append(
            f"de minimis: value {value:,.2f} <= ${cfg.de_minimis_threshold:,.0f} but excluded because the "
            f"good is subject to Section 301/232 ({cfg.proposed_exclusion_legal})"
        )
    else:
        reasons.append(
            f"de minimis: value {value:,.2f} {'<=' if eligible else '>'} "
            f"${cfg.de_minimis_threshold:,.0f} ({cfg.de_minimis_legal})"
            + ("; proposed 2024 exclusion switched off" if not de_minimis_exclusions else "")
        )
    return DutyStack(
        code,
        org,
        float(value),
        mfn,
        preferential,
        s301_rate,
        s232_rate,
        round(total, 6),
        duty,
        eligible,
        reasons,
        agr_name,
        lists,
        [m.name for m in measures],
        line.rate_line,
    )
