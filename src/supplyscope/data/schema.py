"""Every canonical table, defined once: name, columns, DuckDB types and key.

Keys and codes follow DESIGN.md: ISO3 countries, HS6 strings with leading zeros plus the HS
version, HTS8/HTS10 strings for national tariff lines, US dollars as floats.
"""

from __future__ import annotations

from dataclasses import dataclass

from supplyscope.errors import NotFoundError


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: str
    nullable: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns and primary key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        cols = [f'"{c.name}" {c.type}{"" if c.nullable else " NOT NULL"}' for c in self.columns]
        if self.key:
            cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in self.key) + ")")
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (\n  ' + ",\n  ".join(cols) + "\n)"


def _t(name: str, doc: str, key: tuple[str, ...], *cols: Column) -> Table:
    return Table(name=name, columns=cols, key=key, doc=doc)


C = Column

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _t(
            "trade_flows",
            "Bilateral trade, year x exporter x importer x HS6.",
            ("year", "exporter", "importer", "hs6", "source"),
            C("year", "INTEGER"),
            C("exporter", "VARCHAR", doc="ISO3, or a documented aggregate such as EU27"),
            C("importer", "VARCHAR", doc="ISO3"),
            C("hs6", "VARCHAR", doc="6-digit HS code with leading zeros"),
            C("hs_version", "VARCHAR", doc="e.g. HS2022"),
            C("value_usd", "DOUBLE"),
            C("quantity", "DOUBLE", nullable=True),
            C("unit", "VARCHAR", nullable=True),
            C("duty_usd", "DOUBLE", nullable=True, doc="calculated duty, where the source has it"),
            C("reporter", "VARCHAR", doc="'importer', 'exporter' or 'reconciled'"),
            C("source", "VARCHAR"),
        ),
        _t(
            "tariff_line_flows",
            "National tariff-line detail of imports (HTS10), year x importer x exporter x hts10.",
            ("year", "importer", "exporter", "hts10", "source"),
            C("year", "INTEGER"),
            C("importer", "VARCHAR"),
            C("exporter", "VARCHAR"),
            C("hts10", "VARCHAR"),
            C("hs6", "VARCHAR"),
            C("description", "VARCHAR", nullable=True),
            C("value_usd", "DOUBLE"),
            C("duty_usd", "DOUBLE", nullable=True),
            C("source", "VARCHAR"),
        ),
        _t(
            "partner_totals",
            "Importer's imports by HS2 chapter and every partner, for coverage of the detailed table.",
            ("year", "importer", "exporter", "hs2", "source"),
            C("year", "INTEGER"),
            C("importer", "VARCHAR"),
            C("exporter", "VARCHAR"),
            C("hs2", "VARCHAR"),
            C("value_usd", "DOUBLE"),
            C("duty_usd", "DOUBLE", nullable=True),
            C("source", "VARCHAR"),
        ),
        _t(
            "products",
            "HS nomenclature: 2/4/6-digit codes with descriptions and sections.",
            ("code", "hs_version"),
            C("code", "VARCHAR"),
            C("hs_version", "VARCHAR"),
            C("level", "INTEGER"),
            C("description", "VARCHAR"),
            C("parent", "VARCHAR", nullable=True),
            C("section", "VARCHAR", nullable=True),
            C("chapter", "VARCHAR"),
            C("heading", "VARCHAR", nullable=True),
        ),
        _t(
            "countries",
            "Countries and aggregates with their governance indicators.",
            ("iso3",),
            C("iso3", "VARCHAR"),
            C("name", "VARCHAR"),
            C("wgi_year", "INTEGER", nullable=True),
            C("wgi_va", "DOUBLE", nullable=True, doc="WGI voice and accountability"),
            C("wgi_pv", "DOUBLE", nullable=True, doc="WGI political stability / no violence"),
            C("wgi_ge", "DOUBLE", nullable=True, doc="WGI government effectiveness"),
            C("wgi_rq", "DOUBLE", nullable=True, doc="WGI regulatory quality"),
            C("wgi_rl", "DOUBLE", nullable=True, doc="WGI rule of law"),
            C("wgi_cc", "DOUBLE", nullable=True, doc="WGI control of corruption"),
            C("is_aggregate", "BOOLEAN"),
        ),
        _t(
            "country_groups",
            "Membership of named country groups (of concern, FTA partners, like-minded, EU ...).",
            ("group_name", "iso3"),
            C("group_name", "VARCHAR"),
            C("iso3", "VARCHAR"),
            C("source", "VARCHAR"),
        ),
        _t(
            "product_industry",
            "Concordance HS6 -> industry (BEA detail, NAICS, ICIO sector) with weights summing to 1.",
            ("hs6", "classification", "industry"),
            C("hs6", "VARCHAR"),
            C("classification", "VARCHAR", doc="'BEA2012', 'NAICS2012', 'ICIO2025'"),
            C("industry", "VARCHAR"),
            C("weight", "DOUBLE"),
            C("source", "VARCHAR"),
        ),
        _t(
            "industries",
            "Industry codes and names per classification, with upstreamness where known.",
            ("classification", "industry"),
            C("classification", "VARCHAR"),
            C("industry", "VARCHAR"),
            C("name", "VARCHAR"),
            C("upstreamness", "DOUBLE", nullable=True),
            C("import_penetration", "DOUBLE", nullable=True),
        ),
        _t(
            "product_end_use",
            "HS6 -> BEC rev.4 category and its SNA end use (capital, intermediate, consumption, mixed).",
            ("hs6", "bec4"),
            C("hs6", "VARCHAR"),
            C("bec4", "VARCHAR", doc="three-digit BEC rev.4 code"),
            C("end_use", "VARCHAR", doc="'capital', 'intermediate', 'consumption' or 'mixed'"),
            C("source", "VARCHAR"),
        ),
        _t(
            "industry_linkage",
            "Forward linkages per BEA commodity or ICIO sector: how much production uses it as an input.",
            ("classification", "industry"),
            C("classification", "VARCHAR"),
            C("industry", "VARCHAR"),
            C("intermediate_share", "DOUBLE", nullable=True),
            C("productive_use_share", "DOUBLE", nullable=True, doc="intermediate use plus fixed investment"),
            C("user_output_share", "DOUBLE", nullable=True),
            C("user_industries", "INTEGER"),
            C("import_export_ratio", "DOUBLE", nullable=True),
            C("source", "VARCHAR"),
        ),
        _t(
            "world_supply",
            "World supply by country and ICIO sector (gross output), when BACI is absent.",
            ("year", "country", "sector", "source"),
            C("year", "INTEGER"),
            C("country", "VARCHAR"),
            C("sector", "VARCHAR"),
            C("output_usd", "DOUBLE"),
            C("source", "VARCHAR"),
        ),
        _t(
            "production",
            "Mineral production by year x country x commodity x stage.",
            ("year", "country", "commodity", "stage", "source"),
            C("year", "INTEGER"),
            C("country", "VARCHAR"),
            C("commodity", "VARCHAR"),
            C("stage", "VARCHAR"),
            C("amount", "DOUBLE", nullable=True),
            C("unit", "VARCHAR"),
            C("status", "VARCHAR", nullable=True, doc="source marker: reported, withheld, not available, ..."),
            C("source", "VARCHAR"),
        ),
        _t(
            "tariff_lines",
            "HTS lines and their rates as text.",
            ("hts", "valid_from"),
            C("hts", "VARCHAR"),
            C("valid_from", "DATE"),
            C("indent", "INTEGER"),
            C("description", "VARCHAR"),
            C("general", "VARCHAR", nullable=True),
            C("special", "VARCHAR", nullable=True),
            C("column2", "VARCHAR", nullable=True),
            C("source", "VARCHAR"),
        ),
        _t(
            "trade_measures",
            "Trade measures on HTS lines (Section 301, 232, ...).",
            ("measure", "hts", "valid_from"),
            C("measure", "VARCHAR", doc="e.g. 'section301:List 3'"),
            C("hts", "VARCHAR"),
            C("valid_from", "DATE"),
            C("kind", "VARCHAR", doc="'301', '232', ..."),
            C("rate", "DOUBLE", nullable=True, doc="ad valorem rate as a fraction"),
            C("list", "VARCHAR", nullable=True),
            C("exclusions", "VARCHAR", nullable=True),
            C("source", "VARCHAR"),
        ),
        _t(
            "screening_entities",
            "Entries of screening lists (UFLPA, SDN, CSL, ...).",
            ("entity_id",),
            C("entity_id", "VARCHAR"),
            C("list", "VARCHAR"),
            C("name", "VARCHAR"),
            C("aliases", "VARCHAR[]"),
            C("country", "VARCHAR", nullable=True),
            C("addresses", "VARCHAR[]"),
            C("programs", "VARCHAR[]"),
            C("listed_on", "DATE", nullable=True),
            C("source", "VARCHAR"),
            C("entity_type", "VARCHAR", nullable=True),  # person, organisation, vessel, aircraft
            C("countries", "VARCHAR[]", nullable=True),  # every ISO3 country/nationality the entry names
            C("remarks", "VARCHAR", nullable=True),
            C("source_url", "VARCHAR", nullable=True),
            C("identifiers", "VARCHAR[]", nullable=True),  # "IMO:9123456", "MMSI:...", "DOB:1960", "TAIL:EP-GOM"
        ),
        _t(
            "indicator_values",
            "Computed indicators in long format; entity is a product or an industry.",
            ("entity_kind", "entity", "indicator", "year", "importer"),
            C("entity_kind", "VARCHAR"),
            C("entity", "VARCHAR"),
            C("indicator", "VARCHAR"),
            C("year", "INTEGER"),
            C("importer", "VARCHAR"),
            C("value", "DOUBLE", nullable=True),
            C("basis", "VARCHAR", nullable=True),
        ),
        _t(
            "load_log",
            "One row per source file loaded: what, when, checksum, rows.",
            ("source", "table_name"),
            C("source", "VARCHAR"),
            C("table_name", "VARCHAR"),
            C("checksum", "VARCHAR"),
            C("rows", "BIGINT"),
            C("loaded_at", "TIMESTAMP"),
            C("detail", "VARCHAR", nullable=True),
        ),
    )
}


def table(name: str) -> Table:
    """Look up a canonical table by name."""
    try:
        return TABLES[name]
    except KeyError:
        raise NotFoundError("table", name, TABLES) from None
