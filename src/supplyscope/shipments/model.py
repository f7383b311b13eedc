"""The shipment record: one line per shipment (one HTS10 line of a low-value entry)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import pyarrow as pa

MODES: tuple[str, ...] = ("air", "ocean", "truck", "mail", "express")
"""Transport modes accepted in the ``mode`` column (case-insensitive on input)."""


@dataclass(frozen=True)
class Field:
    """One column of the shipment table."""

    name: str
    kind: str  # "id", "text", "date", "mode", "hts10", "money", "iso3", "bool"
    required: bool
    doc: str


FIELDS: tuple[Field, ...] = (
    Field(
        "shipment_id",
        "id",
        True,
        "unique identifier of the shipment (e.g. the bill of lading or entry number)",
    ),
    Field("entry_date", "date", True, "date of entry, YYYY-MM-DD"),
    Field("mode", "mode", True, "transport mode: " + ", ".join(MODES)),
    Field("port", "text", True, "port of entry (CBP port code or name)"),
    Field("shipper_name", "text", True, "name of the shipper (seller or consignor abroad)"),
    Field("shipper_address", "text", False, "shipper's address as declared"),
    Field("shipper_country", "iso3", False, "shipper's country, ISO 3166 alpha-3"),
    Field("consignee_name", "text", True, "name of the consignee in the United States"),
    Field("consignee_address", "text", False, "consignee's address"),
    Field("hts10", "hts10", True, "10-digit HTSUS statistical number (dots and spaces are removed)"),
    Field("value_usd", "money", True, "declared value in US dollars, not negative"),
    Field("origin", "iso3", True, "country of origin, ISO 3166 alpha-3"),
    Field("de_minimis_claimed", "bool", True, "true when the shipment claims the de minimis exemption"),
)

COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)

_ARROW = {
    "id": pa.string(),
    "text": pa.string(),
    "date": pa.date32(),
    "mode": pa.string(),
    "hts10": pa.string(),
    "money": pa.float64(),
    "iso3": pa.string(),
    "bool": pa.bool_(),
}

SCHEMA: pa.Schema = pa.schema([pa.field(f.name, _ARROW[f.kind], nullable=not f.required) for f in FIELDS])
"""Arrow schema of a validated shipment table."""


@dataclass(frozen=True)
class Shipment:
    """One shipment, for building small inputs in code (tests, notebooks)."""

    shipment_id: str
    entry_date: date
    mode: str
    port: str
    shipper_name: str
    consignee_name: str
    hts10: str
    value_usd: float
    origin: str
    de_minimis_claimed: bool
    shipper_address: str | None = None
    shipper_country: str | None = None
    consignee_address: str | None = None


def to_table(shipments: list[Shipment]) -> pa.Table:
    """An Arrow table in :data:`SCHEMA` (not validated; pass it through ``validate_table``)."""
    rows = [asdict(s) for s in shipments]
    return pa.Table.from_pylist(rows, schema=SCHEMA)
