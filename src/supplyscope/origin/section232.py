"""Section 232 coverage as a configurable list of HTS prefixes (modelled, not from the data).

Rates come from the chapter 99 heading named for each measure in the loaded HTS; product coverage
comes from ``defaults/section232.toml`` (or a user file), each entry citing its proclamation.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from supplyscope.errors import ConfigError, DataError, NotFoundError
from supplyscope.origin.codes import clean_hts, in_any, parse_range
from supplyscope.origin.hts import HtsSchedule, default_schedule

DEFAULT_232 = Path(__file__).resolve().parent / "defaults" / "section232.toml"


@dataclass(frozen=True)
class Measure232:
    """One Section 232 measure: name, chapter 99 heading, rate read from the HTS, covered prefixes."""

    name: str
    heading: str
    rate: float | None
    rate_text: str | None
    legal: str
    prefixes: tuple[tuple[str, str], ...]

    def covers(self, hts: str) -> bool:
        return in_any(hts, self.prefixes)


def load_section232(path: str | Path | None = None, *, schedule: HtsSchedule | None = None) -> list[Measure232]:
    """Read a Section 232 coverage TOML; raises :class:`ConfigError` naming the bad key."""
    p = Path(path) if path is not None else DEFAULT_232
    try:
        cfg = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read Section 232 config: {exc}", source=str(p)) from None
    sched = schedule or default_schedule()
    out = []
    for i, m in enumerate(cfg.get("measure", [])):
        for key in ("name", "heading", "legal", "prefixes"):
            if key not in m:
                raise ConfigError("missing key", key=f"measure[{i}].{key}", source=str(p))
        try:
            prefixes = tuple(parse_range(x) for x in m["prefixes"])
        except ValueError as exc:
            raise ConfigError(str(exc), key=f"measure[{i}].prefixes", source=str(p)) from None
        rate_text = None
        rate = None
        try:
            line = sched.line(m["heading"])
            rate_text = line.general
            parsed = line.general_rate()
            rate = parsed.ad_valorem if parsed and parsed.fully_ad_valorem else None
        except (NotFoundError, DataError):
            raise ConfigError(
                f"chapter 99 heading {m['heading']} is not in the HTS", key=f"measure[{i}].heading", source=str(p)
            ) from None
        out.append(Measure232(str(m["name"]), str(m["heading"]), rate, rate_text, str(m["legal"]), prefixes))
    return out


@lru_cache(maxsize=1)
def default_measures() -> tuple[Measure232, ...]:
    return tuple(load_section232())


def section232_measures_for(hts: str, measures: tuple[Measure232, ...] | None = None) -> list[Measure232]:
    """The modelled Section 232 measures covering an HTS8/HTS10."""
    code = clean_hts(hts, field="hts", lengths=(6, 8, 10))
    return [m for m in (measures if measures is not None else default_measures()) if m.covers(code)]


def section232_covered(hts: str) -> bool:
    """True when the HTS falls under a modelled Section 232 measure (see ``defaults/section232.toml``)."""
    return bool(section232_measures_for(hts))
