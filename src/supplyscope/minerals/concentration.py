"""Stage concentration: HHI, top-country share, PRC share and countries-of-concern share.

Pure functions on the long production frame of :mod:`supplyscope.data.sources.usgs_mcs`; nothing here
reads a file.

Definitions (for one mineral, stage and year; ``q_i`` is country ``i``'s production and ``Q`` the
USGS world total for that table):

* share ``s_i = q_i / Q``. ``Q`` is the published USGS world total (rounded), unless the listed
  rows (countries plus "other countries") add up to more than it, as they can after rounding; then
  ``Q`` is that sum, so shares never add up to more than 1. ``world_basis`` says which was used.
* ``HHI = Σ s_i²`` over the countries listed separately, on the **0–1 scale** (multiply by
  10,000 for the points of the US merger guidelines). The "other countries" aggregate is not one
  producer and is left out, so the HHI is a
  lower bound when that row is large; withheld (``W``) countries cannot be counted either and are
  named in ``withheld``.
* ``top_country`` / ``top_share``: the listed country with the largest ``s_i``.
* ``chn_share``: ``s_CHN``; None when China is not listed separately (its production, if any, is
  then inside "other countries", whose share is given).
* ``concern_share``: ``Σ s_i`` over the countries of concern that are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from supplyscope.codes.minerals import STAGES, Mineral, check_stage, load_catalog, resolve_mineral
from supplyscope.data.sources.usgs_mcs import MCS_SOURCE, OTHER, WORLD
from supplyscope.indicators.concentration import hhi

SUMMARY_COLUMNS = [
    "mineral",
    "stage",
    "year",
    "status",
    "hhi",
    "top_country",
    "top_share",
    "chn_share",
    "concern_share",
]
"""The leading columns of :data:`CONCENTRATION_COLUMNS` that every summary view shows."""

CONCENTRATION_COLUMNS = [
    *SUMMARY_COLUMNS,
    "other_share",
    "listed_share",
    "world_total",
    "world_basis",
    "unit",
    "n_countries",
    "withheld",
    "source",
    "note",
]


def world_total(rows: pd.DataFrame) -> tuple[float, str]:
    """Denominator ``Q`` of one mineral-stage-year table and a sentence saying how it was chosen."""
    parts = float(rows.loc[rows["row_kind"] != "world", "amount"].fillna(0.0).sum())
    world = rows[rows["row_kind"] == "world"]
    if len(world) == 1 and world["status"].iloc[0] == "reported":
        published = float(world["amount"].iloc[0])
        if published >= parts:
            return published, "USGS world total (rounded)"
        return parts, f"sum of listed rows ({parts:g}), above the rounded USGS world total ({published:g})"
    return parts, "sum of listed rows (no usable USGS world total)"


def _unavailable(mineral: Mineral, stage: str, reason: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(CONCENTRATION_COLUMNS)
    row.update(mineral=mineral.key, stage=stage, status="unavailable", withheld=[], note=reason)
    return row


def _one(frame: pd.DataFrame, mineral: Mineral, stage: str, year: int, concern: frozenset[str]) -> dict[str, object]:
    rows = frame[frame["year"] == year]
    countries = rows[rows["row_kind"] == "country"]
    known = countries[countries["amount"].notna()]
    withheld = sorted(countries.loc[countries["status"] == "withheld", "country"])
    other = rows[rows["row_kind"] == "other"]
    other_amount = float(other["amount"].fillna(0.0).sum())
    total, basis = world_total(rows)
    from_mcs = bool((rows["source"] == MCS_SOURCE).all())
    notes = [mineral.caveat.rstrip(".")] if mineral.caveat and from_mcs else []
    if not from_mcs:
        top_rows = countries.sort_values("amount", ascending=False)["note"].fillna("")
        if len(top_rows) and top_rows.iloc[0]:
            notes.append(f"top country: {top_rows.iloc[0]} (every row's citation is in the stage table)")
    bounds = sorted(countries.loc[countries["status"] == "lower_bound", "country"])
    if bounds:
        notes.append(f"lower bound (more than): {', '.join(bounds)}; the shares and HHI are lower bounds")
    if total <= 0:
        return _unavailable(mineral, stage, f"world total for {year} is zero or missing")
    shares = (known.set_index("country")["amount"] / total).sort_values(ascending=False)
    top = str(shares.index[0]) if len(shares) else None
    chn = float(shares["CHN"]) if "CHN" in shares.index else None
    if chn is None:
        notes.append("China is not listed separately in this table (at most the other-countries share)")
    if withheld:
        notes.append(f"withheld (W) and not counted: {', '.join(withheld)}")
    return {
        "mineral": mineral.key,
        "stage": stage,
        "year": int(year),
        "status": "available",
        "hhi": hhi(shares.to_numpy()),
        "top_country": top,
        "top_share": float(shares.iloc[0]) if len(shares) else None,
        "chn_share": chn,
        "concern_share": float(shares[shares.index.isin(concern)].sum()),
        "other_share": other_amount / total,
        "listed_share": float(shares.sum()),
        "world_total": total,
        "world_basis": basis,
        "unit": str(rows["unit"].iloc[0]),
        "n_countries": int((shares > 0).sum()),
        "withheld": withheld,
        "source": str(rows["source"].iloc[0]),
        "note": "; ".join(notes),
    }


def stage_concentration(
    long: pd.DataFrame,
    *,
    minerals: Sequence[str] | None = None,
    stage: str | None = None,
    year: int | None = None,
    concern: Iterable[str] = (),
    catalog: dict[str, Mineral] | None = None,
) -> pd.DataFrame:
    """Concentration per mineral and stage, one row each, in :data:`CONCENTRATION_COLUMNS`.

    ``long`` is the frame of :func:`~supplyscope.data.sources.usgs_mcs.read_mcs_world` (optionally with
    user stage tables appended). Every stage the catalogue lists for a mineral gets a row; a stage
    without production data has ``status = "unavailable"`` and empty figures, never a guess.
    ``year`` defaults to the latest year with data for each mineral and stage.
    """
    cat = catalog if catalog is not None else load_catalog()
    chosen = [resolve_mineral(m, cat) for m in minerals] if minerals else list(cat.values())
    if stage is not None:
        check_stage(stage)
    prod = long[long["measure"] == "production"]
    concern_set = frozenset(concern)
    out: list[dict[str, object]] = []
    for mineral in chosen:
        present = set(prod.loc[prod["mineral"] == mineral.key, "stage"])
        stages = (stage,) if stage is not None else tuple(s for s in STAGES if s in mineral.stages or s in present)
        for st in stages:
            frame = prod[(prod["mineral"] == mineral.key) & (prod["stage"] == st)]
            if frame.empty:
                covered = mineral.production_stage if mineral.mcs_commodity else "no stage"
                reason = (
                    f"no {st} production data for {mineral.key} in the loaded tables "
                    f"(the USGS MCS table covers {covered}); load one with read_stage_table / --stage-table"
                )
                out.append(_unavailable(mineral, st, reason))
                continue
            yr = year if year is not None else int(frame["year"].max())
            if yr not in set(frame["year"]):
                out.append(_unavailable(mineral, st, f"no {st} data for {yr}; years: {sorted(set(frame['year']))}"))
                continue
            out.append(_one(frame, mineral, st, yr, concern_set))
    df = pd.DataFrame.from_records(out, columns=CONCENTRATION_COLUMNS)
    for col in ("year", "n_countries"):
        df[col] = df[col].astype("Int64")
    return df


def world_shares(long: pd.DataFrame, mineral: str, stage: str, year: int) -> pd.DataFrame:
    """Each listed country's amount and share of the world total (same basis as above)."""
    frame = long[
        (long["measure"] == "production")
        & (long["mineral"] == mineral)
        & (long["stage"] == stage)
        & (long["year"] == year)
    ]
    countries = frame[~frame["country"].isin([WORLD, OTHER])]
    total, _ = world_total(frame)
    out = countries[["country", "amount", "status", "unit"]].copy()
    out["share"] = out["amount"] / total if total > 0 else np.nan
    return out.sort_values("share", ascending=False, na_position="last").reset_index(drop=True)


PANEL_COLUMNS = [
    "mineral",
    "stage",
    "year",
    "hhi",
    "top_country",
    "top_share",
    "chn_share",
    "concern_share",
    "world_total",
]


def concentration_panel(long: pd.DataFrame, *, concern: Iterable[str] = ()) -> pd.DataFrame:
    """The same figures as :func:`stage_concentration` for every mineral, stage and year at once.

    Vectorised with group-bys (one pass over the frame) instead of one filter per mineral-stage-year,
    for long histories such as a multi-edition MCS data release. Only stages with data appear.
    """
    keys = ["mineral", "stage", "year"]
    prod = long.loc[long["measure"] == "production", [*keys, "country", "row_kind", "amount", "status"]]
    not_world = prod[prod["row_kind"] != "world"]
    parts = not_world.assign(amount=not_world["amount"].fillna(0.0)).groupby(keys)["amount"].sum()
    world_rows = prod[(prod["row_kind"] == "world") & (prod["status"] == "reported")]
    published = world_rows.groupby(keys)["amount"].first().reindex(parts.index).fillna(0.0)
    total = np.maximum(published, parts).rename("world_total")
    countries = prod[(prod["row_kind"] == "country") & prod["amount"].notna()].join(total, on=keys)
    countries = countries[countries["world_total"] > 0]
    countries = countries.assign(share=countries["amount"] / countries["world_total"])
    concern_set = set(concern)
    countries = countries.assign(
        sq=countries["share"] ** 2,
        concern_part=countries["share"].where(countries["country"].isin(concern_set), 0.0),
    )
    grouped = countries.groupby(keys)
    out = pd.DataFrame({"hhi": grouped["sq"].sum(), "concern_share": grouped["concern_part"].sum()})
    top_idx = grouped["share"].idxmax()
    top = countries.loc[top_idx.to_numpy(), [*keys, "country", "share"]].set_index(keys)
    out["top_country"] = top["country"]
    out["top_share"] = top["share"]
    chn = countries[countries["country"] == "CHN"].set_index(keys)["share"]
    out["chn_share"] = chn.reindex(out.index)
    out["world_total"] = total.reindex(out.index)
    return out.reset_index()[PANEL_COLUMNS]
