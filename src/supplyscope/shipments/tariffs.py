"""Tariff facts for the pipeline, from the one dated tariff layer (:mod:`supplyscope.tariffs`).

Facts are computed once per distinct (HTS10, origin, entry date) in the input — a few thousand even for
millions of shipments — and joined to the shipments in the engine. Every rate is the one in force on the
shipment's entry date, exactly as ``supplyscope duty`` computes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

import pandas as pd

from supplyscope.errors import NotFoundError
from supplyscope.shipments.settings import ShipmentSettings
from supplyscope.tariffs import de_minimis_status, default_config, default_index, default_schedule, layer_rates
from supplyscope.tariffs.rates import parse_rate

FACT_COLUMNS: dict[str, str] = {
    "hts10": "string",
    "origin": "string",
    "entry_date": "object",
    "in_schedule": "bool",
    "general_text": "string",
    "base_rate": "float64",
    "s301_lists": "string",
    "section301_rate": "float64",
    "section232_rate": "float64",
    "ieepa_rate": "float64",
    "section122_rate": "float64",
    "s301": "bool",
    "s232": "bool",
    "s201": "bool",
    "duty_rate": "float64",
    "de_minimis_available": "bool",
    "de_minimis_suspended_since": "string",
}


class CoverageSource(Protocol):
    """Where the pipeline's tariff facts come from."""

    name: str

    def facts(self, keys: Iterable[tuple[str, str, date]], settings: ShipmentSettings) -> pd.DataFrame: ...


def ad_valorem(text: str | None) -> float | None:
    """The rate as a fraction when it is purely ad valorem ("Free" = 0, "3.5%" = 0.035), else None."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
        return None
    r = parse_rate(str(text))
    return r.ad_valorem if r.fully_ad_valorem else None


class TariffLayer:
    """Facts from :func:`supplyscope.tariffs.layer_rates` (the same computation as ``duty`` and ``origin``)."""

    name = "supplyscope.tariffs"

    def facts(self, keys: Iterable[tuple[str, str, date]], settings: ShipmentSettings) -> pd.DataFrame:
        """One row per (hts10, origin, entry_date) with each layer's rate and de minimis availability."""
        sched, idx, cfg = default_schedule(), default_index(), default_config()
        rows = []
        per_code: dict[str, tuple[str | None, str | None, bool, bool]] = {}
        per_date: dict[tuple[str, date], str | None] = {}
        for code, origin, day in sorted(set(keys)):
            if code not in per_code:
                try:
                    line = sched.line(code)
                except NotFoundError:
                    rows.append(_unknown(code, origin, day, settings))
                    continue
                lists = sorted(idx.lists_for(code))
                per_code[code] = (
                    line.general,
                    ", ".join(lists) if lists else None,
                    code in sched or code[:8] in sched,
                    any(code.startswith(p) for p in settings.section201_prefixes),
                )
            general, lists_text, known, s201 = per_code[code]
            if (origin, day) not in per_date:
                per_date[(origin, day)] = de_minimis_status(origin, day, 0.0, config=cfg)["suspended_since"]
            since = per_date[(origin, day)]
            rates = layer_rates(code, origin, day, config=cfg)
            s301 = rates["section301"] != 0.0
            s232 = rates["section232"] != 0.0
            rows.append(
                {
                    "hts10": code,
                    "origin": origin,
                    "entry_date": day,
                    "in_schedule": known,
                    "general_text": general,
                    "base_rate": rates["base"],
                    "s301_lists": lists_text,
                    "section301_rate": rates["section301"],
                    "section232_rate": rates["section232"],
                    "ieepa_rate": rates["ieepa"],
                    "section122_rate": rates["section122"],
                    "s301": s301,
                    "s232": s232,
                    "s201": s201,
                    "duty_rate": rates["total"],
                    "de_minimis_available": since is None,
                    "de_minimis_suspended_since": since,
                }
            )
        return pd.DataFrame(rows, columns=list(FACT_COLUMNS)).astype(FACT_COLUMNS)


def _unknown(code: str, origin: str, day: date, settings: ShipmentSettings) -> dict[str, object]:
    dm = de_minimis_status(origin, day, 0.0)
    return {
        "hts10": code,
        "origin": origin,
        "entry_date": day,
        "in_schedule": False,
        "general_text": None,
        "base_rate": None,
        "s301_lists": None,
        "section301_rate": None,
        "section232_rate": None,
        "ieepa_rate": None,
        "section122_rate": None,
        "s301": False,
        "s232": False,
        "s201": any(code.startswith(p) for p in settings.section201_prefixes),
        "duty_rate": None,
        "de_minimis_available": dm["suspended_since"] is None,
        "de_minimis_suspended_since": dm["suspended_since"],
    }


def default_coverage() -> CoverageSource:
    """The dated tariff layer."""
    return TariffLayer()


def tariff_facts(
    keys: Iterable[tuple[str, str, date]], settings: ShipmentSettings, coverage: CoverageSource | None = None
) -> pd.DataFrame:
    """Facts for each distinct (hts10, origin, entry_date)."""
    return (coverage or default_coverage()).facts(keys, settings)
