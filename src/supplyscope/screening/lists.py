"""Screening-list loaders, re-exported from ``data.sources.screening_lists`` and ``screening_countries``."""

from __future__ import annotations

from supplyscope.data.sources.screening_countries import to_iso3
from supplyscope.data.sources.screening_lists import (
    COLUMNS,
    ENTITY_TYPES,
    FORMATS,
    ListLoad,
    canonical,
    csl_list_code,
    csv_records,
    infer_sdn_country,
    load_csl,
    load_ftm,
    load_list,
    load_sdn_csv,
    load_sdn_xml,
    load_uflpa,
    read_text,
    remark_identifiers,
    uflpa_entity_id,
)

__all__ = [
    "COLUMNS",
    "ENTITY_TYPES",
    "FORMATS",
    "ListLoad",
    "canonical",
    "csl_list_code",
    "csv_records",
    "infer_sdn_country",
    "load_csl",
    "load_ftm",
    "load_list",
    "load_sdn_csv",
    "load_sdn_xml",
    "load_uflpa",
    "read_text",
    "remark_identifiers",
    "to_iso3",
    "uflpa_entity_id",
]
