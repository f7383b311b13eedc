"""The pipeline's table-level work as SQL, written once in DuckDB's dialect.

The same text runs on DuckDB and, transpiled by sqlglot, on Spark. Inputs are the tables
``shipments`` (validated; only the columns of :data:`~supplyscope.shipments.model.COLUMNS` are read, so a
staged file's bookkeeping columns stay out), ``hts_facts`` (one row per distinct HTS10 x origin x entry
date, from the dated tariff layer) and ``party_hits`` (one row per distinct shipper key).
Policy values are validated numbers and codes from
:class:`~supplyscope.shipments.settings.ShipmentSettings`, never user free text.
"""

from __future__ import annotations

from supplyscope.shipments.model import COLUMNS
from supplyscope.shipments.settings import ShipmentSettings

REASON_PREDICATES: dict[str, str] = {
    "listed_entity": "shipper_hit_list IS NOT NULL",
    "xinjiang_address": "xinjiang_term IS NOT NULL",
    "de_minimis_over_threshold": "de_minimis_claimed AND NOT within_threshold",
    "de_minimis_excluded_proposed": "de_minimis_claimed AND within_threshold AND proposed_excluded",
}
"""When each risk reason applies, over the columns of the screened table."""

GROUPS = ("origin", "hts_chapter", "mode")


def _codes(values: tuple[str, ...]) -> str:
    for v in values:
        if not (v.isalnum() and len(v) <= 10):
            raise ValueError(f"not a code: {v!r}")
    return ", ".join(f"'{v}'" for v in values) if values else "NULL"


def _num(x: float) -> str:
    return repr(float(x))


def screened_sql(s: ShipmentSettings) -> str:
    """Every shipment with its coverage, de minimis eligibility, duty, screening result and risk reasons."""
    covered = {
        "301": "section301_covered",
        "232": "section232_covered",
        "201": "section201_covered",
    }
    excluded = " OR ".join(covered[m] for m in s.proposed_excluded) or "FALSE"
    current = (
        "within_threshold AND de_minimis_available AND NOT proposed_excluded"
        if s.apply_proposed_exclusions
        else "within_threshold AND de_minimis_available"
    )
    reasons = [r for r in REASON_PREDICATES if r in s.flag_reasons]
    labels = ", ".join(f"CASE WHEN {REASON_PREDICATES[r]} THEN '{r}' END" for r in reasons)
    flag = " OR ".join(f"({REASON_PREDICATES[r]})" for r in reasons) or "FALSE"
    return f"""
    WITH f AS (
      SELECT {", ".join(f's."{c}"' for c in COLUMNS)},
             SUBSTRING(s.hts10, 1, 2) AS hts_chapter,
             h.in_schedule AS hts_in_schedule,
             h.general_text AS mfn_rate_text,
             h.s301_lists AS section301_lists,
             h.s301 AS section301_covered,
             h.s232 AS section232_covered,
             h.s201 AS section201_covered,
             h.base_rate AS base_rate,
             h.section301_rate AS section301_rate,
             h.section232_rate AS section232_rate,
             h.ieepa_rate AS ieepa_rate,
             h.section122_rate AS section122_rate,
             h.duty_rate AS duty_rate,
             h.de_minimis_available AS de_minimis_available,
             h.de_minimis_suspended_since AS de_minimis_suspended_since,
             p.hit_list AS shipper_hit_list,
             p.hit_id AS shipper_hit_id,
             p.hit_name AS shipper_hit_name,
             p.hit_score AS shipper_hit_score,
             p.hit_explanation AS shipper_hit_explanation,
             p.xinjiang_term AS xinjiang_term
      FROM shipments s
      JOIN hts_facts h ON s.hts10 = h.hts10 AND s.origin = h.origin AND s.entry_date = h.entry_date
      JOIN party_hits p
        ON s.shipper_name = p.name_key
       AND COALESCE(s.shipper_address, '') = p.address_key
       AND COALESCE(s.shipper_country, '') = p.country_key
    ),
    g AS (
      SELECT f.*,
             ({excluded}) AS proposed_excluded,
             f.value_usd <= {_num(s.threshold_usd)} AS within_threshold
      FROM f
    ),
    e AS (
      SELECT g.*,
             ({current}) AS de_minimis_eligible_current,
             (within_threshold AND de_minimis_available AND NOT proposed_excluded) AS de_minimis_eligible_proposed
      FROM g
    )
    SELECT e.*,
           CASE WHEN de_minimis_claimed AND de_minimis_eligible_current THEN value_usd * duty_rate ELSE 0.0 END
             AS duty_forgone_current_usd,
           CASE WHEN de_minimis_claimed AND de_minimis_eligible_proposed THEN value_usd * duty_rate ELSE 0.0 END
             AS duty_forgone_proposed_usd,
           NULLIF(CONCAT_WS('; ', {labels or "NULL"}), '') AS risk_reasons,
           ({flag}) AS risk_flag
    FROM e
    """


def _count(predicate: str) -> str:
    return f"CAST(SUM(CASE WHEN {predicate} THEN 1 ELSE 0 END) AS BIGINT)"


def aggregates_sql() -> str:
    """Totals by origin x HTS chapter x mode, by each of them alone, and overall (GROUPING SETS)."""
    a, b, c = GROUPS
    reasons = ",\n           ".join(f"{_count(p)} AS {r}" for r, p in REASON_PREDICATES.items())
    claimed_ok = "de_minimis_claimed AND de_minimis_eligible_current"
    return f"""
    SELECT CAST(GROUPING({a}) AS INTEGER) AS g_{a},
           CAST(GROUPING({b}) AS INTEGER) AS g_{b},
           CAST(GROUPING({c}) AS INTEGER) AS g_{c},
           {a}, {b}, {c},
           CAST(COUNT(*) AS BIGINT) AS shipments,
           SUM(value_usd) AS value_usd,
           {_count("de_minimis_claimed")} AS de_minimis_claimed,
           {_count(claimed_ok)} AS claimed_eligible_current,
           {_count("de_minimis_claimed AND de_minimis_eligible_proposed")} AS claimed_eligible_proposed,
           {_count("section301_covered")} AS section301_covered,
           {_count("section232_covered")} AS section232_covered,
           {_count("section201_covered")} AS section201_covered,
           COALESCE(SUM(duty_forgone_current_usd), 0.0) AS duty_forgone_current_usd,
           COALESCE(SUM(duty_forgone_proposed_usd), 0.0) AS duty_forgone_proposed_usd,
           {_count(claimed_ok + " AND duty_rate IS NULL")} AS duty_not_computable,
           {_count("NOT hts_in_schedule")} AS hts_not_in_schedule,
           {_count("risk_flag")} AS flagged,
           {reasons}
    FROM screened
    GROUP BY GROUPING SETS (({a}, {b}, {c}), ({a}), ({b}), ({c}), ())
    """


FLAGGED_SQL = "SELECT * FROM screened WHERE risk_flag"
"""The flagged shipments, unordered: a global ORDER BY would add a shuffle on Spark for no output need."""
DISTINCT_HTS_SQL = "SELECT DISTINCT hts10, origin, entry_date FROM shipments"
DISTINCT_PARTIES_SQL = """
SELECT DISTINCT shipper_name AS name_key,
       COALESCE(shipper_address, '') AS address_key,
       COALESCE(shipper_country, '') AS country_key
FROM shipments
"""
