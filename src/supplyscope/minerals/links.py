"""Links to the rest of supplyscope: chokepoint flags on HS products and shock scenarios.

* :func:`chokepoint_flags` gives, for every HS code of the catalogue, the concentration of the
  mineral stage it belongs to and a flag the assessment can show on the product.
* :func:`scenario_from_restriction` turns a mineral export restriction into a shock scenario for
  the input-output area, in its format
  ``{"scenario": [{"name", "description", "shock": [{"country", "sector", "cut"}]}]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.codes.concordance import hs6_to_icio
from supplyscope.codes.minerals import (
    STAGES,
    HsCode,
    HsLine,
    Mineral,
    check_stage,
    load_catalog,
    load_hs_codes,
    load_hs_lines,
    resolve_mineral,
)
from supplyscope.data.sources.census_hts10 import read_hs6_imports, read_hts10_imports
from supplyscope.data.sources.reference import world_supply_frame
from supplyscope.data.sources.refining import UNIT as REFINING_UNIT
from supplyscope.data.sources.usgs_mcs import load_production
from supplyscope.data.sources.usgs_unit_values import unit_value
from supplyscope.errors import ConfigError, NotFoundError
from supplyscope.minerals.concentration import stage_concentration
from supplyscope.minerals.groups import concern_group
from supplyscope.minerals.policy import non_negative
from supplyscope.minerals.trade import load_mineral_imports

FLAG_COLUMNS = [
    "hs6",
    "hts10",
    "line_share",
    "mineral",
    "stage",
    "top_country",
    "top_share",
    "chn_share",
    "concern_share",
    "flag",
    "reason",
]

TOP_SHARE_THRESHOLD = 0.5
"""A stage is a chokepoint when one country holds at least half of world supply ..."""
CONCERN_SHARE_THRESHOLD = 0.5
"""... or when countries of concern together hold at least half of it."""


def flag_frame(
    concentration: pd.DataFrame,
    codes: Iterable[HsCode],
    *,
    lines: Iterable[HsLine] = (),
    line_values: Mapping[str, float] | None = None,
    top_threshold: float = TOP_SHARE_THRESHOLD,
    concern_threshold: float = CONCERN_SHARE_THRESHOLD,
) -> pd.DataFrame:
    """Flags from a concentration table (pure). Columns :data:`FLAG_COLUMNS`.

    An HS6 code with tariff lines in ``lines`` is flagged line by line, each line for its own
    mineral(s) only (``hts10`` set); ``line_share`` is the line's share of the HS6 code's 2024 US
    import value when ``line_values`` (HTS10 → USD, with every line of the code) is given. Other
    codes are flagged for every mineral they cover (``hts10`` empty).

    The product's own stage is used when it has data; otherwise the nearest upstream stage with
    data, and ``reason`` says so. With no stage data at all the flag is False and the reason says
    the data are unavailable (it is not a finding of low concentration).
    """
    avail = concentration[concentration["status"] == "available"].set_index(["mineral", "stage"])
    by_hs6: dict[str, list[HsLine]] = {}
    for ln in lines:
        by_hs6.setdefault(ln.hs6, []).append(ln)
    values = dict(line_values or {})
    items: list[tuple[str, str, tuple[str, ...], str, float | None]] = []
    for code in codes:
        if code.hs6 not in by_hs6:
            items.append((code.hs6, "", code.minerals, code.stage, None))
            continue
        total = sum(v for h, v in values.items() if h.startswith(code.hs6))
        for ln in by_hs6[code.hs6]:
            share = values.get(ln.hts10, 0.0) / total if total > 0 else None
            items.append((code.hs6, ln.hts10, ln.minerals, ln.stage, share))
    rows: list[dict[str, object]] = []
    for hs6, hts10, minerals, stage, line_share in items:
        for mineral in minerals:
            used = None
            order = STAGES[: STAGES.index(stage) + 1][::-1]
            for st in order:
                if (mineral, st) in avail.index:
                    used = st
                    break
            row: dict[str, object] = {
                "hs6": hs6,
                "hts10": hts10,
                "line_share": line_share,
                "mineral": mineral,
                "stage": stage,
            }
            if used is None:
                row.update(
                    top_country=None,
                    top_share=None,
                    chn_share=None,
                    concern_share=None,
                    flag=False,
                    reason=f"{mineral} {stage}: no production data at this or an upstream stage",
                )
                rows.append(row)
                continue
            c = avail.loc[(mineral, used)]
            top, concern = float(c["top_share"]), float(c["concern_share"])
            why = []
            if top >= top_threshold:
                why.append(f"{c['top_country']} holds {top:.0%} of world {used} (≥ {top_threshold:.0%})")
            if concern >= concern_threshold:
                why.append(f"countries of concern hold {concern:.0%} (≥ {concern_threshold:.0%})")
            basis = f" [{used} data used for a {stage} product]" if used != stage else ""
            others = [m for m in minerals if m != mineral]
            shared = f" [{'line' if hts10 else 'HS code'} shared with {', '.join(others)}]" if others else ""
            if hts10 and line_share is not None:
                shared += f" [line {hts10}: {line_share:.1%} of HS {hs6} US imports 2024]"
            reason = (
                "; ".join(why) if why else f"top {c['top_country']} {top:.0%}, concern {concern:.0%}: below thresholds"
            )
            chn = c["chn_share"]
            row.update(
                top_country=c["top_country"],
                top_share=top,
                chn_share=None if chn is None or pd.isna(chn) else float(chn),
                concern_share=concern,
                flag=bool(why),
                reason=f"{reason} ({int(c['year'])}, {c['source']}){basis}{shared}",
            )
            rows.append(row)
    return pd.DataFrame.from_records(rows, columns=FLAG_COLUMNS)


def chokepoint_flags(
    *,
    top_threshold: float = TOP_SHARE_THRESHOLD,
    concern_threshold: float = CONCERN_SHARE_THRESHOLD,
    stage_tables: Iterable[Path] = (),
    config: Path | None = None,
) -> pd.DataFrame:
    """Mineral-stage chokepoint flag for every HS code of the shipped catalogue.

    Uses the bundled USGS MCS 2026 tables plus any ``stage_tables`` (see
    :func:`~supplyscope.data.sources.usgs_mcs.read_stage_table`); countries of concern from the settings.
    """
    long = load_production(list(stage_tables))
    conc = stage_concentration(long, concern=concern_group(config).members)
    hs_lines = load_hs_lines()
    return flag_frame(
        conc,
        load_hs_codes(),
        lines=hs_lines,
        line_values=line_import_values(hs_lines),
        top_threshold=top_threshold,
        concern_threshold=concern_threshold,
    )


def line_import_values(lines: Iterable[HsLine]) -> dict[str, float]:
    """2024 US import value (USD, EU27 net of Slovakia) of every HTS10 line of the HS6 codes of ``lines``."""
    split = sorted({ln.hs6 for ln in lines})
    values: dict[str, float] = read_hts10_imports(hs6=split).groupby("hts10")["value_usd"].sum().to_dict()
    return values


def _icio_countries() -> set[str]:
    return set(world_supply_frame()["country"])


ICIO_YEAR = 2022
"""Year of the bundled OECD ICIO table whose sector output is the denominator."""

BASES = ("production", "trade")
"""How a mineral's share of its ICIO sector is measured (see :func:`mineral_sector_share`)."""


def _production_share(
    m: Mineral, stage: str, code: str, sector: str, output: float, long: pd.DataFrame, price: float | None, source: str
) -> tuple[float, str]:
    rows = long[
        (long["measure"] == "production")
        & (long["mineral"] == m.key)
        & (long["stage"] == stage)
        & (long["country"] == code)
        & (long["status"] == "reported")
    ]
    rows = rows[rows["unit"] != REFINING_UNIT]
    # the year nearest the ICIO table's (2022) first, the later one on a tie
    rows = rows.assign(_gap=(rows["year"] - ICIO_YEAR).abs()).sort_values(["_gap", "year"], ascending=[True, False])
    if rows.empty:
        raise ConfigError(
            f"no reported {stage} production of {m.key} by {code} in the USGS tables; use --basis trade",
            key="basis",
        )
    for rec in rows.itertuples():
        year = int(rec.year)
        if price is not None:
            p, cite = price, source
        else:
            uv = unit_value(m.key, year)
            if uv is None:
                continue
            p, cite = uv.price, f"{uv.label}, {uv.year}: {uv.price:g} {uv.unit} ({uv.citation})"
        value = float(rec.amount) * p
        share = value / output
        if not 0 < share <= 1:
            raise ConfigError(
                f"{m.key} production value {value:,.0f} USD is not a share of {code} {sector} output "
                f"{output:,.0f} USD; check the price unit",
                key="price",
            )
        text = (
            f"production value: {code} {stage} production {year} {float(rec.amount):,.0f} ({rec.unit}; {rec.source}) "
            f"x price {p:g} USD per unit ({cite}) = USD {value:,.0f}, divided by {code} {sector} gross output "
            f"USD {output:,.0f} (OECD ICIO 2025 release, {ICIO_YEAR})"
            + (f"; the years differ ({year} vs {ICIO_YEAR})" if year != ICIO_YEAR else "")
            + f"; assumes {m.key} has the same share of the sector's exports as of its output"
        )
        return share, text
    raise ConfigError(
        f"no published USGS unit value for {m.key} in the years with production ({sorted(set(rows['year']))}); "
        "give --price (USD per production unit) and --price-source, or use --basis trade",
        key="price",
    )


def _trade_share(m: Mineral, stage: str, code: str, sector: str) -> tuple[float, str]:
    imp = load_mineral_imports()
    sel = imp[(imp["mineral"] == m.key) & (imp["stage"] == stage) & (imp["partner"] == code)]
    mineral_value = float(sel["value_usd"].sum())
    conc = hs6_to_icio()
    weights = conc[conc["industry"] == sector].set_index("hs6")["weight"]
    by_hs6 = read_hs6_imports(hs6=list(weights.index))
    from_code = by_hs6[by_hs6["partner"] == code]
    sector_value = float((from_code.set_index("hs6")["value_usd"] * weights.reindex(from_code["hs6"]).to_numpy()).sum())
    if mineral_value <= 0 or sector_value <= 0:
        raise ConfigError(f"no 2024 US imports of {m.key} ({stage}) from {code}; use --basis production", key="basis")
    codes = sorted(set(sel["hts10"].where(sel["hts10"] != "", sel["hs6"])))
    text = (
        f"trade value: 2024 US imports for consumption from {code} of {m.key} ({', '.join(codes)}) USD "
        f"{mineral_value:,.0f}, divided by 2024 US imports from {code} of the HS6 codes of ICIO sector {sector} "
        f"(HS-ISIC concordance weights) USD {sector_value:,.0f}; assumes {code}'s exports to every partner have the "
        "composition of its exports to the US"
    )
    return mineral_value / sector_value, text


def mineral_sector_share(
    mineral: str,
    stage: str,
    country: str = "CHN",
    *,
    basis: str = "production",
    price: float | None = None,
    price_source: str = "",
    long: pd.DataFrame | None = None,
    catalog: dict[str, Mineral] | None = None,
) -> tuple[float, str]:
    """The mineral's share of its ICIO sector in ``country`` at ``stage``, and how it was obtained.

    ``production``: the country's USGS production × a price (a published USGS unit value bundled with
    supplyscope, or ``price`` with its ``price_source``), over the sector's 2022 gross output.
    ``trade``: the mineral's tariff-line US imports from the country over US imports from it of the
    sector's HS6 codes.
    """
    cat = catalog if catalog is not None else load_catalog()
    m = resolve_mineral(mineral, cat)
    if basis not in BASES:
        raise NotFoundError("share basis", basis, BASES)
    if stage not in m.icio:
        raise NotFoundError(f"ICIO sector for {m.key} stage", stage, sorted(m.icio))
    sector = m.icio[stage]
    if basis == "trade":
        return _trade_share(m, stage, country, sector)
    if price is not None:
        non_negative(price, "price")
        if not price_source.strip():
            raise ConfigError("say where the price comes from (--price-source)", key="price_source")
    ws = world_supply_frame()
    out = ws.loc[(ws["country"] == country) & (ws["sector"] == sector), "output_usd"]
    if out.empty or float(out.iloc[0]) <= 0:
        raise ConfigError(f"{country} has no output in ICIO sector {sector}", key="country")
    frame = long if long is not None else load_production()
    return _production_share(m, stage, country, sector, float(out.iloc[0]), frame, price, price_source)


def scenario_from_restriction(
    mineral: str,
    cut: float,
    country: str = "CHN",
    *,
    stages: Iterable[str] | None = None,
    partners: Iterable[str] = (),
    basis: str = "production",
    price: float | None = None,
    price_source: str = "",
    catalog: dict[str, Mineral] | None = None,
) -> dict[str, object]:
    """Export-restriction scenario of ``mineral`` by ``country``, scaled to the mineral's share of its sector.

    One shock per stage (default: every stage of the mineral with an ICIO sector): ``country``'s
    sector of that stage loses ``cut`` (0–1) × the mineral's share of the sector
    (:func:`mineral_sector_share`) of its **exports** (to ``partners``, default every other
    country); its domestic sales are untouched. In the format of
    :mod:`supplyscope.inputoutput.scenarios`.
    """
    cat = catalog if catalog is not None else load_catalog()
    m = resolve_mineral(mineral, cat)
    if isinstance(cut, bool) or not isinstance(cut, int | float) or not np.isfinite(cut) or not 0 < cut <= 1:
        raise ConfigError(f"cut must be a fraction in (0, 1], got {cut!r}", key="cut")
    code = country.strip().upper()
    known = _icio_countries()
    if code not in known:
        raise NotFoundError("ICIO country", country, sorted(known))
    dest = [p.strip().upper() for p in partners]
    for p in dest:
        if p not in known:
            raise NotFoundError("ICIO partner country", p, sorted(known))
    chosen = [check_stage(s) for s in stages] if stages is not None else list(m.icio)
    long = load_production() if basis == "production" else None
    shocks: list[dict[str, object]] = []
    parts: list[str] = []
    for st in chosen:
        if st not in m.icio:
            raise NotFoundError(f"ICIO sector for {m.key} stage", st, sorted(m.icio))
        share, text = mineral_sector_share(
            m.key, st, code, basis=basis, price=price, price_source=price_source, long=long, catalog=cat
        )
        shock: dict[str, object] = {
            "country": code,
            "sector": m.icio[st],
            "cut": float(cut),
            "target": "exports",
            "share": share,
            "share_basis": text,
        }
        if dest:
            shock["partners"] = dest
        shocks.append(shock)
        parts.append(f"{m.icio[st]} ({st}): {m.label.lower()} is {share:.4%} of the sector")
    to = ", ".join(dest) if dest else "every other country"
    description = (
        f"{code} restricts exports of {m.label.lower()} to {to}: {cut:.0%} of those exports are cut, "
        f"and {code}'s domestic sales are untouched. In ICIO terms the sector's export sales fall by the cut times "
        f"the mineral's share of the sector ({'; '.join(parts)}; basis in each shock's share_basis). "
        "Results are forward-linkage indicators under fixed coefficients, not a forecast."
    )
    return {
        "scenario": [
            {
                "name": f"{m.key}-export-restriction-{code.lower()}-{round(cut * 100)}pct",
                "description": description,
                "shock": shocks,
            }
        ]
    }
