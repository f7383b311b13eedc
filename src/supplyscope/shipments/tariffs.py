"""Per-HTS facts for the pipeline: MFN and column 2 ad valorem rates, Section 301/232/201 coverage.

Facts are computed once per distinct HTS10 in the input (a few thousand even for millions of
shipments) and joined to the shipments in the engine.

Coverage comes from :mod:`supplyscope.origin` when that package provides ``section301_lists_for`` and
``section232_covered``; otherwise from the bundled tables directly (:class:`BundledTariffs`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Protocol

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.shipments.settings import ShipmentSettings

HTS_FILE = "tariffs/hts_2026_revision_4.parquet"
S301_FILE = "tariffs/section301_china_lists_1_to_4.parquet"
NEVER_IN_FORCE = ("List 4B",)

_PCT_ONLY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class CoverageSource(Protocol):
    """Which trade measures cover an HTS number."""

    name: str

    def section301_lists(self, hts10: str) -> list[str]: ...

    def section232_covered(self, hts10: str) -> bool: ...


def ad_valorem(text: str | None) -> float | None:
    """The rate as a fraction when it is purely ad valorem ("Free" = 0, "3.5%" = 0.035), else None.

    Specific and compound rates ("2.4¢/kg", "1.5¢/kg + 2%") cannot be applied to a value alone.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    t = " ".join(str(text).split())
    if not t:
        return None
    if t.lower().startswith("free"):
        return 0.0
    m = _PCT_ONLY.match(t)
    return float(m.group(1)) / 100.0 if m else None


@lru_cache(maxsize=1)
def _schedule() -> pd.DataFrame:
    """Bundled HTS lines with digits-only codes and their rate text (8- and 10-digit lines, headings)."""
    raw = pd.read_parquet(bundled(HTS_FILE), columns=["HTS Number", "General Rate of Duty", "Column 2 Rate of Duty"])
    raw = raw[raw["HTS Number"].notna()].copy()
    raw["code"] = raw["HTS Number"].astype(str).str.replace(".", "", regex=False).str.strip()
    raw = raw[raw["code"].str.fullmatch(r"\d{4}|\d{6}|\d{8}|\d{10}")]
    return raw.rename(columns={"General Rate of Duty": "general", "Column 2 Rate of Duty": "column2"})[
        ["code", "general", "column2"]
    ]


@lru_cache(maxsize=1)
def _rate_lookup() -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    sched = _schedule()
    codes = frozenset(sched["code"])
    general = {c: str(g) for c, g in zip(sched["code"], sched["general"], strict=True) if pd.notna(g)}
    col2 = {c: str(g) for c, g in zip(sched["code"], sched["column2"], strict=True) if pd.notna(g)}
    return codes, general, col2


def _inherited(code: str, rates: dict[str, str]) -> str | None:
    """Rate text on the line or on its nearest parent (10 -> 8 -> 6 -> 4 digits)."""
    for n in (10, 8, 6, 4):
        if len(code) >= n and code[:n] in rates:
            return rates[code[:n]]
    return None


class BundledTariffs:
    """Coverage from the bundled Section 301 lists and the HTS chapter 99 Section 232 headings.

    Section 232 fallback: the steel and aluminum products named in the HTS quota-category headings
    9903.80.05-9903.80.60, 9903.81.01-9903.81.86 (steel, 8-digit subheadings) and 9903.85.05-9903.85.06
    (aluminum, headings 7601, 7604-7609 and 7616.99.51). Derivative products listed only in U.S. notes
    16 and 19 of chapter 99 are not in the export and are therefore not covered by this fallback.
    """

    name = "bundled tables"

    def __init__(self) -> None:
        s301 = pd.read_parquet(bundled(S301_FILE))
        header = s301["is_chapter98_99_header"].astype(str).str.lower().eq("true")
        s301 = s301[~header & ~s301["list"].isin(NEVER_IN_FORCE)]
        self._s301: dict[str, list[str]] = {str(h): sorted(set(g)) for h, g in s301.groupby("hts8")["list"]}
        self._s232 = self._section232_prefixes()

    @staticmethod
    def _section232_prefixes() -> tuple[str, ...]:
        raw = pd.read_parquet(bundled(HTS_FILE), columns=["HTS Number", "Description"])
        num = raw["HTS Number"].fillna("").astype(str)
        steel = num.str.match(r"9903\.80\.(0[5-9]|[1-5]\d|60)$") | num.str.match(r"9903\.81\.([0-7]\d|8[0-6])$")
        alu = num.isin(["9903.85.05", "9903.85.06"])
        prefixes: set[str] = set()
        for text in raw.loc[steel | alu, "Description"].dropna():
            for code in re.findall(r"\b(\d{4}\.\d{2}\.\d{2})\b", str(text)):
                if not code.startswith("99"):
                    prefixes.add(code.replace(".", ""))
        for text in raw.loc[alu, "Description"].dropna():
            for head in re.findall(r"\b(76\d{2})\b(?!\.)", str(text)):
                prefixes.add(head)
        return tuple(sorted(prefixes))

    def section301_lists(self, hts10: str) -> list[str]:
        return list(self._s301.get(hts10[:8], []))

    def section232_covered(self, hts10: str) -> bool:
        return any(hts10.startswith(p) for p in self._s232)


class OriginTariffs:
    """Coverage from :mod:`supplyscope.origin` (its Section 301 index and Section 232 measures)."""

    name = "supplyscope.origin"

    def __init__(self) -> None:
        origin = importlib.import_module("supplyscope.origin")  # optional sibling package
        self._lists: Callable[[str], list[str]] = origin.section301_lists_for
        self._covered: Callable[[str], bool] = origin.section232_covered

    def section301_lists(self, hts10: str) -> list[str]:
        return [x for x in self._lists(hts10) if x not in NEVER_IN_FORCE]

    def section232_covered(self, hts10: str) -> bool:
        return bool(self._covered(hts10))


def default_coverage() -> CoverageSource:
    """:class:`OriginTariffs` when :mod:`supplyscope.origin` is available, else :class:`BundledTariffs`."""
    try:
        return OriginTariffs()
    except (ImportError, AttributeError):
        return BundledTariffs()


def hts_facts(codes: Iterable[str], settings: ShipmentSettings, coverage: CoverageSource | None = None) -> pd.DataFrame:
    """One row per HTS10: rates as fractions (None when not purely ad valorem) and measure coverage."""
    cov = coverage or default_coverage()
    known, general, col2 = _rate_lookup()
    rows = []
    for code in sorted(set(codes)):
        lists = cov.section301_lists(code)
        rates = [settings.section301_rates[x] for x in lists if x in settings.section301_rates]
        g = _inherited(code, general)
        c2 = _inherited(code, col2)
        rows.append(
            {
                "hts10": code,
                "in_schedule": code in known or code[:8] in known,
                "general_text": g,
                "general_av": ad_valorem(g),
                "column2_av": ad_valorem(c2),
                "s301_lists": ", ".join(lists) if lists else None,
                "s301_rate": max(rates) if rates else None,
                "s232": cov.section232_covered(code),
                "s201": any(code.startswith(p) for p in settings.section201_prefixes),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "hts10",
            "in_schedule",
            "general_text",
            "general_av",
            "column2_av",
            "s301_lists",
            "s301_rate",
            "s232",
            "s201",
        ],
    ).astype(
        {
            "hts10": "string",
            "in_schedule": bool,
            "general_text": "string",
            "general_av": "float64",
            "column2_av": "float64",
            "s301_lists": "string",
            "s301_rate": "float64",
            "s232": bool,
            "s201": bool,
        }
    )


def section232_prefixes() -> Sequence[str]:
    """HTS prefixes the bundled fallback treats as Section 232 steel/aluminum (for docs and tests)."""
    return BundledTariffs._section232_prefixes()
