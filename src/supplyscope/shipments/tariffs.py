"""Tariff facts for the pipeline, from the one dated tariff layer (:mod:`supplyscope.tariffs`).

Facts are computed once per distinct (HTS10, origin, entry date) in the input — tens of thousands even for
millions of shipments — and joined to the shipments in the engine. Every rate is the one in force on the
shipment's entry date, exactly as ``supplyscope duty`` computes it. Computed facts are kept under
``$SUPPLYSCOPE_HOME/cache`` keyed by every input of the tariff layer, so a re-run computes only new keys.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from supplyscope.data.cache import cache_dir, inputs_key
from supplyscope.errors import NotFoundError
from supplyscope.shipments.settings import ShipmentSettings
from supplyscope.tariffs import de_minimis_status, default_config, default_index, default_schedule, layer_rates
from supplyscope.tariffs.rates import parse_rate
from supplyscope.tariffs.stack import layer_inputs

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
    """Facts from :func:`supplyscope.tariffs.layer_rates` (the same computation as ``duty`` and ``origin``).

    With ``cache`` (the default) the facts of every key computed before are read from
    ``$SUPPLYSCOPE_HOME/cache/tariff-facts-<key>.parquet``, keyed by every input of the tariff layer and its
    code (:func:`supplyscope.tariffs.stack.layer_inputs`), so a changed file or rule is never read stale;
    only new keys are computed and added.
    """

    name = "supplyscope.tariffs"

    def __init__(self, cache: bool = True) -> None:
        self.cache = cache

    def facts(self, keys: Iterable[tuple[str, str, date]], settings: ShipmentSettings) -> pd.DataFrame:
        """One row per (hts10, origin, entry_date) with each layer's rate and de minimis availability."""
        wanted = sorted(set(keys))
        layer = _cached_layer_facts(wanted) if self.cache else _layer_facts(wanted)
        prefixes = tuple(settings.section201_prefixes)
        layer.insert(
            list(FACT_COLUMNS).index("s201"),
            "s201",
            [bool(prefixes) and c.startswith(prefixes) for c in layer["hts10"]],
        )
        return layer[list(FACT_COLUMNS)].astype(FACT_COLUMNS)


KEY_COLUMNS = ("hts10", "origin", "entry_date")
LAYER_COLUMNS = {k: v for k, v in FACT_COLUMNS.items() if k != "s201"}
"""The facts that depend on the tariff layer alone (``s201`` depends on the shipment settings)."""
FACTS_VERSION = "shipment-tariff-facts-1"
_ARROW = {"string": pa.string(), "object": pa.date32(), "bool": pa.bool_(), "float64": pa.float64()}
_SCHEMA = pa.schema([(k, _ARROW[v]) for k, v in LAYER_COLUMNS.items()])
"""The cached file's schema (``entry_date`` as a date)."""


def _layer_facts(keys: list[tuple[str, str, date]]) -> pd.DataFrame:
    """:data:`LAYER_COLUMNS` of each key (sorted, distinct), computed from the dated tariff layer."""
    sched, idx, cfg = default_schedule(), default_index(), default_config()
    rows = []
    per_code: dict[str, tuple[str | None, str | None, bool]] = {}
    per_date: dict[tuple[str, date], str | None] = {}
    for code, origin, day in keys:
        if (origin, day) not in per_date:
            per_date[(origin, day)] = de_minimis_status(origin, day, 0.0, config=cfg)["suspended_since"]
        since = per_date[(origin, day)]
        if code not in per_code:
            try:
                line = sched.line(code)
            except NotFoundError:
                rows.append(_unknown(code, origin, day, since))
                continue
            lists = sorted(idx.lists_for(code))
            per_code[code] = (line.general, ", ".join(lists) if lists else None, code in sched or code[:8] in sched)
        general, lists_text, known = per_code[code]
        rates = layer_rates(code, origin, day, config=cfg)
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
                "s301": rates["section301"] != 0.0,
                "s232": rates["section232"] != 0.0,
                "duty_rate": rates["total"],
                "de_minimis_available": since is None,
                "de_minimis_suspended_since": since,
            }
        )
    return pd.DataFrame(rows, columns=list(LAYER_COLUMNS)).astype(LAYER_COLUMNS)


def _cached_layer_facts(keys: list[tuple[str, str, date]]) -> pd.DataFrame:
    """:func:`_layer_facts` of ``keys``, read from the cache where computed before; new keys are added."""
    files, version = layer_inputs()
    directory = cache_dir()
    target = directory / f"tariff-facts-{inputs_key([*files, Path(__file__)], f'{version}:{FACTS_VERSION}')}.parquet"
    try:
        known = pq.read_table(target, schema=_SCHEMA).to_pandas().astype(LAYER_COLUMNS)
        known = known.drop_duplicates(list(KEY_COLUMNS), ignore_index=True)
    except (OSError, pa.ArrowInvalid):  # missing or unreadable: computed again and rewritten
        known = _layer_facts([])
    wanted = pd.DataFrame(keys, columns=list(KEY_COLUMNS)).astype({"hts10": "string", "origin": "string"})
    probe = wanted.merge(known[list(KEY_COLUMNS)], on=list(KEY_COLUMNS), how="left", indicator=True)
    new = probe.loc[probe["_merge"] == "left_only", list(KEY_COLUMNS)]
    if len(new):
        known = pd.concat([known, _layer_facts(list(new.itertuples(index=False, name=None)))], ignore_index=True)
        _store(known, target)
    out = wanted.merge(known, on=list(KEY_COLUMNS), how="left", validate="one_to_one")
    return out.astype(LAYER_COLUMNS)


def _store(facts: pd.DataFrame, target: Path) -> None:
    """Write ``facts`` to ``target`` atomically and remove the files of other keys; a read-only home is skipped."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tariff-facts-", suffix=".tmp")
        os.close(fd)
        pq.write_table(pa.Table.from_pandas(facts, schema=_SCHEMA, preserve_index=False), tmp, compression="zstd")
        os.replace(tmp, target)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return
    for old in target.parent.glob("tariff-facts-*.parquet"):
        if old != target:
            old.unlink(missing_ok=True)


def _unknown(code: str, origin: str, day: date, since: str | None) -> dict[str, object]:
    """The facts of a code not in the schedule: no rates, de minimis as for any code."""
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
        "duty_rate": None,
        "de_minimis_available": since is None,
        "de_minimis_suspended_since": since,
    }


def default_coverage() -> CoverageSource:
    """The dated tariff layer."""
    return TariffLayer()


def tariff_facts(
    keys: Iterable[tuple[str, str, date]], settings: ShipmentSettings, coverage: CoverageSource | None = None
) -> pd.DataFrame:
    """Facts for each distinct (hts10, origin, entry_date)."""
    return (coverage or default_coverage()).facts(keys, settings)
