"""Shipment screening at de minimis scale: validate, screen, flag and aggregate, on DuckDB or Spark.

from supplyscope.engine import get_engine
from supplyscope.shipments import screen_file
result = screen_file(Path("day.parquet"), Path("out"), get_engine("duckdb"))
"""

from supplyscope.shipments.load import Problem, find_problems, read_shipments, stage_shipments, validate_table
from supplyscope.shipments.model import COLUMNS, FIELDS, MODES, SCHEMA, Shipment, to_table
from supplyscope.shipments.parties import IndexScreener, PartyResult, PartyScreener
from supplyscope.shipments.pipeline import PipelineResult, run, screen_file
from supplyscope.shipments.settings import ShipmentSettings, load_settings
from supplyscope.shipments.tariffs import CoverageSource, TariffLayer, ad_valorem, tariff_facts

__all__ = [
    "COLUMNS",
    "FIELDS",
    "MODES",
    "SCHEMA",
    "CoverageSource",
    "IndexScreener",
    "PartyResult",
    "PartyScreener",
    "PipelineResult",
    "Problem",
    "Shipment",
    "ShipmentSettings",
    "TariffLayer",
    "ad_valorem",
    "find_problems",
    "load_settings",
    "read_shipments",
    "run",
    "screen_file",
    "stage_shipments",
    "tariff_facts",
    "to_table",
    "validate_table",
]
