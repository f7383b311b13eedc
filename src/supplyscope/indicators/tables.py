"""The assessment's table-level work as SQL over the canonical tables.

Each function returns one SELECT in portable SQL (DuckDB dialect, no engine-specific functions),
so the same text runs on DuckDB and, transpiled by sqlglot, on Spark. Parameters are validated
literals (ISO3 codes, years), never user free text.
"""

from __future__ import annotations

import re

from supplyscope.errors import ConfigError

NES_PATTERNS = ("%NESOI%", "%NOT ELSEWHERE SPECIFIED%", "%N.E.S.%", "%NOT ELSEWHERE INDICATED%")


def _iso(code: str) -> str:
    if not re.fullmatch(r"[A-Z0-9]{3,4}", code):
        raise ConfigError(f"not a country code: {code!r}", key="importer")
    return f"'{code}'"


def _sources(sources: list[str]) -> str:
    return ", ".join("'" + s.replace("'", "''") + "'" for s in sources)


def importer_flows_sql(importer: str, year: int, sources: list[str]) -> str:
    """Importer's imports by HS6 and supplier: ``hs6, exporter, v, d``."""
    return f"""
    SELECT hs6, exporter, SUM(value_usd) AS v, SUM(duty_usd) AS d
    FROM trade_flows
    WHERE importer = {_iso(importer)} AND year = {int(year)} AND source IN ({_sources(sources)})
    GROUP BY hs6, exporter
    """


def importer_stats_sql(importer: str, year: int, sources: list[str]) -> str:
    """One row per HS6: import value, concentration, group shares and import-weighted governance."""
    return f"""
    WITH imp AS ({importer_flows_sql(importer, year, sources)}),
    tot AS (SELECT hs6, SUM(v) AS total, SUM(d) AS duty FROM imp GROUP BY hs6),
    sh AS (
      SELECT imp.hs6, imp.exporter, imp.v, imp.v / tot.total AS share,
             ROW_NUMBER() OVER (PARTITION BY imp.hs6 ORDER BY imp.v DESC, imp.exporter) AS rk
      FROM imp JOIN tot ON imp.hs6 = tot.hs6
      WHERE tot.total > 0
    ),
    concern AS (SELECT DISTINCT iso3 FROM country_groups WHERE group_name = 'concern'),
    fta AS (SELECT DISTINCT iso3 FROM country_groups WHERE group_name = 'fta')
    SELECT sh.hs6,
           SUM(sh.v) AS import_value,
           MAX(tot.duty) AS duty_value,
           SUM(sh.share * sh.share) AS import_hhi,
           MAX(sh.share) AS top_supplier_share,
           SUM(CASE WHEN sh.rk <= 3 THEN sh.share ELSE 0 END) AS top3_share,
           SUM(CASE WHEN sh.share > 0.01 THEN 1 ELSE 0 END) AS suppliers_above_1pct,
           COUNT(*) AS n_suppliers,
           SUM(CASE WHEN concern.iso3 IS NOT NULL THEN sh.share ELSE 0 END) AS concern_share,
           SUM(CASE WHEN fta.iso3 IS NULL THEN sh.share ELSE 0 END) AS non_fta_share,
           SUM(sh.v * c.wgi_pv) / SUM(CASE WHEN c.wgi_pv IS NOT NULL THEN sh.v END) AS wgi_pv,
           SUM(sh.v * c.wgi_va) / SUM(CASE WHEN c.wgi_va IS NOT NULL THEN sh.v END) AS wgi_va,
           SUM(sh.v * c.wgi_rl) / SUM(CASE WHEN c.wgi_rl IS NOT NULL THEN sh.v END) AS wgi_rl,
           SUM(sh.v * c.wgi_cc) / SUM(CASE WHEN c.wgi_cc IS NOT NULL THEN sh.v END) AS wgi_cc,
           SUM(sh.v * c.wgi_rq) / SUM(CASE WHEN c.wgi_rq IS NOT NULL THEN sh.v END) AS wgi_rq,
           SUM(CASE WHEN c.wgi_pv IS NOT NULL THEN sh.share ELSE 0 END) AS wgi_coverage
    FROM sh
    JOIN tot ON sh.hs6 = tot.hs6
    LEFT JOIN concern ON sh.exporter = concern.iso3
    LEFT JOIN fta ON sh.exporter = fta.iso3
    LEFT JOIN countries c ON sh.exporter = c.iso3
    GROUP BY sh.hs6
    """


def baci_world_shares_sql(year: int, sources: list[str]) -> str:
    """World export shares by HS6 and exporter from exporter x importer x HS6 flows (BACI).

    One aggregate pass over the flows at the (hs6, exporter) grain; the product totals are a second, small
    aggregate of those groups joined back (a hash join, cheaper than a window partitioned over a million groups).
    """
    return f"""
    WITH w AS (
      SELECT hs6, exporter, SUM(value_usd) AS v FROM trade_flows
      WHERE year = {int(year)} AND source IN ({_sources(sources)})
      GROUP BY hs6, exporter
    ),
    t AS (SELECT hs6, SUM(v) AS total FROM w WHERE v > 0 GROUP BY hs6)
    SELECT w.hs6, w.exporter, w.v / t.total AS share, 'BACI' AS basis FROM w JOIN t ON w.hs6 = t.hs6 WHERE w.v > 0
    """


def icio_world_shares_sql() -> str:
    """World supply shares by HS6 and country: ICIO sector gross-output shares blended by concordance weight."""
    return """
    WITH yr AS (SELECT MAX(year) AS y FROM world_supply),
    ws AS (
      SELECT w.sector, w.country, w.output_usd / SUM(w.output_usd) OVER (PARTITION BY w.sector) AS s
      FROM world_supply w JOIN yr ON w.year = yr.y
      WHERE w.output_usd > 0
    )
    SELECT pi.hs6, ws.country AS exporter, SUM(pi.weight * ws.s) AS share, 'ICIO sector' AS basis
    FROM product_industry pi JOIN ws ON pi.industry = ws.sector
    WHERE pi.classification = 'ICIO2025'
    GROUP BY pi.hs6, ws.country
    """


def _literal(v: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9 ._()-]+", v):
        raise ConfigError(f"not a plain code: {v!r}", key="minerals")
    return f"'{v}'"


def usgs_world_shares_sql(links: list[tuple[str, str, str, int, float]], base_sql: str) -> str:
    """World shares from USGS stage production for mineral-linked HS6, ``base_sql`` shares for the rest.

    ``links`` rows are (hs6, commodity, stage, year, weight): the production stage and year used for
    the product and the weight of each mineral when an HS6 covers several (weights sum to 1). A
    country's share is its production over the USGS world total; the residual ``OTHER`` row stays
    in the total but is not a country (so HHI and top-3 are lower bounds).
    """
    if not links:
        return base_sql
    values = ", ".join(
        f"({_literal(h)}, {_literal(c)}, {_literal(s)}, {int(y)}, {float(w)!r})" for h, c, s, y, w in links
    )
    return f"""
    WITH l AS (SELECT * FROM (VALUES {values}) AS t(hs6, commodity, stage, year, w)),
    p AS (SELECT year, country, commodity, stage, amount FROM production WHERE amount IS NOT NULL),
    tot AS (
      SELECT year, commodity, stage,
             COALESCE(MAX(CASE WHEN country = 'WORLD' THEN amount END),
                      SUM(CASE WHEN country <> 'WORLD' THEN amount ELSE 0 END)) AS world
      FROM p GROUP BY year, commodity, stage
    ),
    usgs AS (
      SELECT l.hs6, p.country AS exporter, SUM(l.w * p.amount / tot.world) AS share,
             MAX('USGS ' || l.stage || ' ' || CAST(l.year AS VARCHAR)) AS basis
      FROM l
      JOIN p ON p.commodity = l.commodity AND p.stage = l.stage AND p.year = l.year
      JOIN tot ON tot.commodity = l.commodity AND tot.stage = l.stage AND tot.year = l.year
      WHERE p.country NOT IN ('WORLD', 'OTHER') AND tot.world > 0
      GROUP BY l.hs6, p.country
    ),
    base AS ({base_sql})
    SELECT hs6, exporter, share, basis FROM usgs WHERE share > 0
    UNION ALL
    SELECT hs6, exporter, share, basis FROM base WHERE hs6 NOT IN (SELECT hs6 FROM l)
    """


def world_stats_sql(shares_sql: str, importer: str, year: int, sources: list[str], *, top_k: bool = False) -> str:
    """One row per HS6: world concentration, group shares and capable alternatives to today's suppliers.

    Today's suppliers include the EU-27 member states when the importer buys from the EU27 aggregate.
    The top-3 share is a ``ROW_NUMBER`` window over every (hs6, exporter) row, in portable SQL; with
    ``top_k`` (DuckDB only) it is DuckDB's top-k aggregate ``max(share, 3)`` instead, which needs no sort
    (about 0.2 CPU s less at 11M flows). Ties do not matter: tied shares add up to the same sum.
    """
    top3 = "LIST_SUM(MAX(rk.share, 3))" if top_k else "SUM(CASE WHEN rk.r <= 3 THEN rk.share ELSE 0 END)"
    rank = "" if top_k else ", ROW_NUMBER() OVER (PARTITION BY hs6 ORDER BY share DESC, exporter) AS r"
    return f"""
    WITH ws AS ({shares_sql}),
    rk AS (SELECT hs6, exporter, share, basis{rank} FROM ws),
    imp AS ({importer_flows_sql(importer, year, sources)}),
    cur AS (
      SELECT DISTINCT hs6, exporter AS iso3 FROM imp WHERE v > 0
      UNION
      SELECT DISTINCT imp.hs6, g.iso3 FROM imp JOIN country_groups g
        ON imp.exporter = 'EU27' AND g.group_name = 'eu27' WHERE imp.v > 0
    ),
    concern AS (SELECT DISTINCT iso3 FROM country_groups WHERE group_name = 'concern'),
    liked AS (SELECT DISTINCT iso3 FROM country_groups WHERE group_name = 'like_minded')
    SELECT rk.hs6,
           SUM(rk.share * rk.share) AS world_export_hhi,
           {top3} AS world_top3_share,
           SUM(CASE WHEN concern.iso3 IS NOT NULL THEN rk.share ELSE 0 END) AS world_concern_share,
           SUM(CASE WHEN liked.iso3 IS NOT NULL THEN rk.share ELSE 0 END) AS like_minded_world_share,
           SUM(CASE WHEN rk.share > 0.01 AND cur.iso3 IS NULL AND rk.exporter <> {_iso(importer)}
                    THEN 1 ELSE 0 END) AS capable_alternatives,
           MAX(rk.basis) AS world_basis
    FROM rk
    LEFT JOIN concern ON rk.exporter = concern.iso3
    LEFT JOIN liked ON rk.exporter = liked.iso3
    LEFT JOIN cur ON rk.hs6 = cur.hs6 AND rk.exporter = cur.iso3
    GROUP BY rk.hs6
    """


def tariff_line_stats_sql(importer: str, year: int) -> str:
    """One row per HS6 from national tariff lines: NES basket share and Section 301 share."""
    nes = " OR ".join(f"UPPER(t.description) LIKE '{p}'" for p in NES_PATTERNS)
    return f"""
    WITH s301 AS (SELECT DISTINCT hts FROM trade_measures WHERE kind = '301')
    SELECT t.hs6,
           SUM(CASE WHEN {nes} THEN t.value_usd ELSE 0 END) / SUM(t.value_usd) AS nes_basket_share,
           SUM(CASE WHEN t.exporter = 'CHN' AND s301.hts IS NOT NULL THEN t.value_usd ELSE 0 END)
             / SUM(t.value_usd) AS section301_share
    FROM tariff_line_flows t
    LEFT JOIN s301 ON SUBSTRING(t.hts10, 1, 8) = s301.hts
    WHERE t.importer = {_iso(importer)} AND t.year = {int(year)}
    GROUP BY t.hs6
    HAVING SUM(t.value_usd) > 0
    """


def undisclosed_sql(importer: str, year: int, sources: list[str]) -> str:
    """One row per HS2 chapter: the share of imports from partners absent from the detailed table."""
    return f"""
    WITH det AS (
      SELECT SUBSTRING(hs6, 1, 2) AS hs2, SUM(value_usd) AS v FROM trade_flows
      WHERE importer = {_iso(importer)} AND year = {int(year)} AND source IN ({_sources(sources)})
      GROUP BY SUBSTRING(hs6, 1, 2)
    ),
    allp AS (
      SELECT hs2, SUM(value_usd) AS v FROM partner_totals
      WHERE importer = {_iso(importer)} AND year = {int(year)} GROUP BY hs2
    )
    SELECT allp.hs2, GREATEST(0.0, 1.0 - COALESCE(det.v, 0) / allp.v) AS undisclosed_partner_share
    FROM allp LEFT JOIN det ON allp.hs2 = det.hs2
    WHERE allp.v > 0
    """


def industry_link_sql() -> str:
    """One row per HS6: concordance-weighted upstreamness and import penetration of its BEA industries."""
    return """
    SELECT pi.hs6,
           SUM(pi.weight * i.upstreamness) / SUM(CASE WHEN i.upstreamness IS NOT NULL THEN pi.weight END)
             AS upstreamness,
           SUM(pi.weight * i.import_penetration)
             / SUM(CASE WHEN i.import_penetration IS NOT NULL THEN pi.weight END) AS import_penetration
    FROM product_industry pi
    JOIN industries i ON i.classification = pi.classification AND i.industry = pi.industry
    WHERE pi.classification = 'BEA2012'
    GROUP BY pi.hs6
    """


def mirror_sql(importer: str, year: int, importer_sources: list[str]) -> str:
    """One row per HS6: |M − X| / max(M, X) summed over partners, importer- vs exporter-reported."""
    return f"""
    WITH m AS ({importer_flows_sql(importer, year, importer_sources)}),
    x AS (
      SELECT hs6, exporter, SUM(value_usd) AS v FROM trade_flows
      WHERE importer = {_iso(importer)} AND year = {int(year)} AND reporter = 'exporter'
      GROUP BY hs6, exporter
    )
    SELECT m.hs6,
           SUM(ABS(m.v - x.v)) / SUM(GREATEST(m.v, x.v)) AS mirror_discrepancy
    FROM m JOIN x ON m.hs6 = x.hs6 AND m.exporter = x.exporter
    GROUP BY m.hs6
    HAVING SUM(GREATEST(m.v, x.v)) > 0
    """
