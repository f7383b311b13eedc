"""Loader for USGS Mineral Commodity Summaries (MCS) world tables and for stage tables.

The MCS world tables print one row per country with production for two years, reserves and
sometimes capacity, using markers instead of numbers where USGS cannot publish one:

============  ====================  =============================================
raw           status                value
============  ====================  =============================================
``12,000``    ``reported``          12000
``W``         ``withheld``          none (company data withheld; **never** zero)
``—``         ``zero``              0 (USGS prints an em dash for zero)
``NA``        ``not_available``     none
``>85,000``   ``lower_bound``       85000 (more than)
``( )``       ``in_world_total``    none (included in the world total)
``Small``     ``small``             none (small, not quantified)
empty         ``missing``           none (column not in the table)
============  ====================  =============================================

Country labels become ISO3 codes through the shared resolver :func:`supplyscope.codes.country_names.to_iso3`;
"Other countries" and "World total (rounded)" stay aggregate rows (codes :data:`OTHER`,
:data:`WORLD`). An unknown label raises :class:`DataError` naming the file, row and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from supplyscope.codes.countries import iso3_codes
from supplyscope.codes.country_names import to_iso3
from supplyscope.codes.minerals import STAGES, Mineral, load_catalog
from supplyscope.data.schema import table
from supplyscope.data.sources.refining import REFINING_FILE, read_refining_shares, refining_path
from supplyscope.data.sources.usgs import mcs_world_path, read_mcs_world_raw
from supplyscope.data.validate import check
from supplyscope.data.warehouse import Warehouse, file_checksum
from supplyscope.errors import DataError

OTHER = "OTHER"
"""Code of the "Other countries" aggregate row."""
WORLD = "WORLD"
"""Code of the "World total" row."""

MCS_SOURCE = "USGS Mineral Commodity Summaries 2026"

AGGREGATES: dict[str, str] = {
    "other countries": OTHER,
    "other": OTHER,
    "world total (rounded)": WORLD,
    "world total": WORLD,
}

STATUSES = ("reported", "withheld", "zero", "not_available", "lower_bound", "in_world_total", "small", "missing")

_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")


@dataclass(frozen=True)
class Parsed:
    """A raw MCS cell as a number (or none) plus its status."""

    value: float | None
    status: str


def parse_value(raw: object) -> Parsed:
    """Parse one raw MCS cell; raise ``ValueError`` on text that is neither a number nor a marker."""
    text = "" if raw is None or (isinstance(raw, float) and pd.isna(raw)) else str(raw).strip()
    if text == "":
        return Parsed(None, "missing")
    if text == "W":
        return Parsed(None, "withheld")
    if text in ("—", "–", "-", "--"):
        return Parsed(0.0, "zero")
    if text == "NA":
        return Parsed(None, "not_available")
    if text.replace(" ", "") == "()":
        return Parsed(None, "in_world_total")
    if text.lower() == "small":
        return Parsed(None, "small")
    bound = text.startswith(">")
    number = text[1:].strip() if bound else text
    if not _NUMBER.match(number):
        raise ValueError(f"not a number or a USGS marker: {text!r}")
    value = float(number.replace(",", ""))
    return Parsed(value, "lower_bound" if bound else "reported")


def country_code(label: str) -> tuple[str, str] | None:
    """``(code, kind)`` of a USGS country label, kind ``country``/``other``/``world``; None if unknown."""
    key = label.strip().lower()
    if key in AGGREGATES:
        code = AGGREGATES[key]
        return code, "world" if code == WORLD else "other"
    iso3 = to_iso3(key)
    return (iso3, "country") if iso3 else None


def _units(raw: str, mineral: Mineral) -> tuple[str, str]:
    """Production and reserves units; MCS tables such as vanadium state them separately."""
    m = re.match(r"production:\s*(.+?);\s*reserves:\s*(.+)$", raw or "")
    if m:
        return m.group(1).strip(), m.group(2).strip()
    unit = raw or mineral.unit
    return unit, unit


_MEASURES = (
    ("production_prev_raw", "production", "year_prev"),
    ("production_latest_raw", "production", "year_latest"),
    ("reserves_raw", "reserves", "year_latest"),
    ("capacity_latest_raw", "capacity", "year_latest"),
)

LONG_COLUMNS = [
    "mineral",
    "measure",
    "stage",
    "year",
    "country",
    "country_label",
    "row_kind",
    "amount",
    "status",
    "raw",
    "unit",
    "note",
    "source",
    "_row",
]


def read_mcs_world(path: Path | str | None = None, *, catalog: dict[str, Mineral] | None = None) -> pd.DataFrame:
    """Read an MCS world production/reserves table into one long frame (one row per value).

    Columns: :data:`LONG_COLUMNS`. ``_row`` is the line number in the source file (header = 1).
    Every row is kept; an unknown commodity, country label or unparseable cell raises
    :class:`DataError` naming the file, row and field.
    """
    target = mcs_world_path(path)
    source = str(target)
    cat = catalog if catalog is not None else load_catalog()
    by_commodity = {m.mcs_commodity: m for m in cat.values() if m.mcs_commodity}
    raw = read_mcs_world_raw(target)
    required = ["commodity", "year_prev", "year_latest", "country", *(c for c, _, _ in _MEASURES)]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}", source=source, field=missing[0])
    records: list[dict[str, object]] = []
    for i, rec in enumerate(raw.to_dict("records")):
        row = i + 2
        commodity = str(rec["commodity"])
        mineral = by_commodity.get(commodity)
        if mineral is None:
            raise DataError(
                f"unknown commodity {commodity!r}; known: {sorted(by_commodity)}",
                source=source,
                row=row,
                field="commodity",
            )
        label = str(rec["country"])
        found = country_code(label)
        if found is None:
            raise DataError(
                f"unknown country label {label!r}; add it to codes.country_names.ALIASES",
                source=source,
                row=row,
                field="country",
            )
        code, kind = found
        prod_unit, res_unit = _units(str(rec.get("units_per_mcs_convention", "") or ""), mineral)
        for column, measure, year_col in _MEASURES:
            try:
                parsed = parse_value(rec[column])
                year = int(str(rec[year_col]))
            except ValueError as exc:
                raise DataError(str(exc), source=source, row=row, field=column) from None
            if parsed.status == "missing":
                continue  # the table has no such column for this mineral
            records.append(
                {
                    "mineral": mineral.key,
                    "measure": measure,
                    "stage": mineral.production_stage if measure != "reserves" else "mining",
                    "year": year,
                    "country": code,
                    "country_label": label,
                    "row_kind": kind,
                    "amount": parsed.value,
                    "status": parsed.status,
                    "raw": str(rec[column]),
                    "unit": res_unit if measure == "reserves" else prod_unit,
                    "note": str(rec.get("note", "") or ""),
                    "source": MCS_SOURCE,
                    "_row": row,
                }
            )
    out = pd.DataFrame.from_records(records, columns=LONG_COLUMNS)
    out["amount"] = out["amount"].astype("float64")
    out["year"] = out["year"].astype("int64")
    return out


STAGE_TABLE_COLUMNS = ("year", "country", "commodity", "stage", "amount", "unit", "source")


def read_stage_table(path: Path | str, *, catalog: dict[str, Mineral] | None = None) -> pd.DataFrame:
    """Read a user's stage production table (e.g. rare-earth refinery output) into the long frame.

    The file is a CSV with the columns of the canonical ``production`` table
    (``year, country, commodity, stage, amount, unit, source``); ``country`` is an ISO3 code, a USGS
    country label, "Other countries" or "World total"; ``amount`` may carry the USGS markers. Rows
    are all loaded or none: the first bad cell raises :class:`DataError` with file, row and field.
    """
    target = Path(path)
    source = str(target)
    cat = catalog if catalog is not None else load_catalog()
    try:
        raw = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError("file not found", source=source) from None
    missing = [c for c in STAGE_TABLE_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}", source=source, field=missing[0])
    iso3s = iso3_codes()
    records: list[dict[str, object]] = []
    for i, rec in enumerate(raw.to_dict("records")):
        row = i + 2
        mineral = cat.get(str(rec["commodity"]).strip())
        if mineral is None:
            raise DataError(
                f"unknown mineral {rec['commodity']!r}; known: {sorted(cat)}", source=source, row=row, field="commodity"
            )
        stage = str(rec["stage"]).strip()
        if stage not in STAGES:
            raise DataError(
                f"unknown stage {stage!r}; known: {', '.join(STAGES)}", source=source, row=row, field="stage"
            )
        label = str(rec["country"]).strip()
        found = (label, "country") if label in iso3s else country_code(label)
        if found is None:
            raise DataError(f"unknown country {label!r}", source=source, row=row, field="country")
        try:
            parsed = parse_value(rec["amount"])
            year = int(str(rec["year"]))
        except ValueError as exc:
            field = "year" if "invalid literal" in str(exc) else "amount"
            raise DataError(str(exc), source=source, row=row, field=field) from None
        if parsed.status == "missing":
            raise DataError("amount is required (use NA, W or — markers)", source=source, row=row, field="amount")
        if not str(rec["unit"]).strip() or not str(rec["source"]).strip():
            field = "unit" if not str(rec["unit"]).strip() else "source"
            raise DataError("value is required", source=source, row=row, field=field)
        records.append(
            {
                "mineral": mineral.key,
                "measure": "production",
                "stage": stage,
                "year": year,
                "country": found[0],
                "country_label": label,
                "row_kind": found[1],
                "amount": parsed.value,
                "status": parsed.status,
                "raw": str(rec["amount"]),
                "unit": str(rec["unit"]).strip(),
                "note": "",
                "source": str(rec["source"]).strip(),
                "_row": row,
            }
        )
    out = pd.DataFrame.from_records(records, columns=LONG_COLUMNS)
    dup = out.duplicated(["mineral", "stage", "year", "country"], keep="first")
    if dup.any():
        first = out[dup].iloc[0]
        raise DataError("duplicate mineral/stage/year/country", source=source, row=int(first["_row"]), field="country")
    out["amount"] = out["amount"].astype("float64")
    out["year"] = out["year"].astype("int64")
    return out


def to_production(long: pd.DataFrame, *, source: str = MCS_SOURCE) -> pd.DataFrame:
    """Canonical ``production`` rows (year, country, commodity, stage, amount, unit, source).

    Only production measures are kept. Withheld, not-available and similar cells keep a null
    ``amount`` (the schema allows it) and their marker in ``status``, so no row is dropped and no
    marker becomes zero. The result is validated against the canonical table.
    """
    prod = long[long["measure"] == "production"]
    out = pd.DataFrame(
        {
            "year": prod["year"].astype("int64"),
            "country": prod["country"],
            "commodity": prod["mineral"],
            "stage": prod["stage"],
            "amount": prod["amount"],
            "unit": prod["unit"],
            "status": prod["status"],
            "source": prod["source"],
            "_row": prod["_row"],
        }
    ).reset_index(drop=True)
    check(out, table("production"), source)
    return out.drop(columns="_row")


def read_refining_stage(path: Path | str | None = None, *, catalog: dict[str, Mineral] | None = None) -> pd.DataFrame:
    """The bundled refining / processing-stage shares as rows of the long frame (amount = percent).

    ``source`` carries the confidence label (``[confidence M]``) and ``note`` the citation, so both
    reach every figure computed from them. See :mod:`supplyscope.data.sources.refining`.
    """
    raw = read_refining_shares(path)
    source = str(path or REFINING_FILE)
    cat = catalog if catalog is not None else load_catalog()
    records: list[dict[str, object]] = []
    for rec in raw.to_dict("records"):
        row = int(rec["_row"])
        if rec["mineral"] not in cat:
            raise DataError(f"unknown mineral {rec['mineral']!r}", source=source, row=row, field="mineral")
        if rec["stage"] not in STAGES:
            raise DataError(f"unknown stage {rec['stage']!r}", source=source, row=row, field="stage")
        label = str(rec["country"])
        found = (label, "country") if label in iso3_codes() else country_code(label)
        if found is None:
            raise DataError(f"unknown country {label!r}", source=source, row=row, field="country")
        records.append(
            {
                "mineral": rec["mineral"],
                "measure": "production",
                "stage": rec["stage"],
                "year": int(rec["year"]),
                "country": found[0],
                "country_label": label,
                "row_kind": found[1],
                "amount": float(rec["amount"]),
                "status": rec["status"],
                "raw": rec["share_pct"],
                "unit": rec["unit"],
                "note": f"{rec['basis']}; {rec['citation']}",
                "source": f"{rec['source']} [confidence {rec['confidence']}]",
                "_row": row,
            }
        )
    out = pd.DataFrame.from_records(records, columns=LONG_COLUMNS)
    out["amount"] = out["amount"].astype("float64")
    out["year"] = out["year"].astype("int64")
    return out


def production_from_warehouse(wh: Warehouse) -> pd.DataFrame:
    """The canonical ``production`` table of a built warehouse as the long frame (production rows only).

    ``row_kind`` comes from the aggregate codes (``OTHER``, ``WORLD``); ``note`` and ``country_label``
    are not stored in the table and come back empty / as the code.
    """
    prod = wh.query(
        "SELECT year, country, commodity, stage, amount, unit, status, source FROM production "
        "ORDER BY commodity, stage, year, country"
    )
    kind = prod["country"].map({OTHER: "other", WORLD: "world"}).fillna("country")
    out = pd.DataFrame(
        {
            "mineral": prod["commodity"],
            "measure": "production",
            "stage": prod["stage"],
            "year": prod["year"].astype("int64"),
            "country": prod["country"],
            "country_label": prod["country"],
            "row_kind": kind,
            "amount": prod["amount"].astype("float64"),
            "status": prod["status"],
            "raw": "",
            "unit": prod["unit"],
            "note": "",
            "source": prod["source"],
            "_row": range(1, len(prod) + 1),
        },
        columns=LONG_COLUMNS,
    )
    return out


def load_production(extra: list[Path] | None = None, *, warehouse: Warehouse | None = None) -> pd.DataFrame:
    """Production by mineral, stage, year and country, as the long frame, plus any user stage tables.

    With ``warehouse``, the rows of its canonical ``production`` table (see
    :func:`production_from_warehouse`); otherwise the bundled MCS 2026 tables (which also carry
    reserves and capacity) and the bundled refining-stage shares. A mineral, stage, year and country
    given twice (e.g. a user table repeating a bundled row) raises :class:`DataError`.
    """
    frames = (
        [production_from_warehouse(warehouse)] if warehouse is not None else [read_mcs_world(), read_refining_stage()]
    )
    frames += [read_stage_table(p) for p in extra or []]
    long = pd.concat(frames, ignore_index=True)
    dup = long.duplicated(["mineral", "measure", "stage", "year", "country"], keep=False)
    if dup.any():
        first = long[dup].iloc[0]
        raise DataError(
            f"{first['mineral']} {first['stage']} {first['year']} {first['country']} given twice",
            source=str(first["source"]),
            row=int(first["_row"]),
            field="country",
        )
    return long


def load_into_warehouse(wh: Warehouse) -> dict[str, int]:
    """Load MCS 2026 production and the refining-stage shares into ``production`` (all or nothing)."""
    path = mcs_world_path()
    prod = pd.concat(
        [to_production(read_mcs_world(path)), to_production(read_refining_stage(), source=REFINING_FILE)],
        ignore_index=True,
    )
    return wh.load(
        {"production": prod},
        source=MCS_SOURCE,
        checksum=file_checksum(path) + ":" + file_checksum(refining_path()),
        detail="MCS 2026 world tables (withheld/NA cells stored with a null amount) and the refining-stage "
        "shares (amount in percent of world output, confidence in source)",
    )
