"""Partner coverage: what a coalition supplies, how far that is from its demand, who could fill the gap.

Pure functions. Inputs are the long production frame (:mod:`.usgs`) and the mineral imports frame
(:mod:`.trade`).

* **Supply** (per mineral and stage with production data, latest year): the coalition's share of
  world supply ``Σ_{i∈C} s_i``, the countries-of-concern share, and the share of third countries.
* **Demand proxy**: US imports for consumption (2024, USD) of the mineral's HS codes at that stage.
  Only the US side of a coalition's demand is observed in the bundled data, so the gap is the value
  of US imports that come from outside the coalition: ``gap = M − M_C`` (``gap_share = gap / M``).
* **Candidates**: third countries (neither coalition nor concern) ranked by capacity — the USGS
  capacity column where the table has one, else production — with their world share, the running
  total, and whether the top ones together could replace the concern share of world supply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from supplyscope.codes.minerals import Mineral, check_stage, load_catalog, resolve_mineral
from supplyscope.minerals.concentration import world_total
from supplyscope.minerals.groups import CountryGroup

DEMAND_BASIS = (
    "US imports for consumption 2024 (Census, USD) of the mineral's HS codes at this stage; "
    "the only coalition demand observed in the bundled data"
)


@dataclass(frozen=True)
class Coverage:
    """The three tables of a coverage analysis."""

    supply: pd.DataFrame
    demand: pd.DataFrame
    candidates: pd.DataFrame


def _supply_rows(
    long: pd.DataFrame, mineral: Mineral, stage: str, coalition: CountryGroup, concern: CountryGroup, top: int
) -> tuple[dict[str, object], list[dict[str, object]]]:
    prod = long[(long["measure"] == "production") & (long["mineral"] == mineral.key) & (long["stage"] == stage)]
    if prod.empty:
        return {
            "mineral": mineral.key,
            "stage": stage,
            "status": "unavailable",
            "year": None,
            "coalition_share": None,
            "concern_share": None,
            "third_share": None,
            "other_share": None,
            "note": f"no {stage} production data for {mineral.key}",
        }, []
    year = int(prod["year"].max())
    rows = prod[prod["year"] == year]
    total, basis = world_total(rows)
    countries = rows[rows["row_kind"] == "country"].copy()
    countries["share"] = countries["amount"] / total
    in_c = countries["country"].isin(coalition.members)
    in_k = countries["country"].isin(concern.members) & ~in_c
    cap = long[
        (long["measure"] == "capacity")
        & (long["mineral"] == mineral.key)
        & (long["stage"] == stage)
        & (long["year"] == year)
    ].set_index("country")["amount"]
    has_capacity = countries["country"].map(cap).fillna(0.0).gt(0) if not cap.empty else False
    third = countries[~in_c & ~in_k & (countries["share"].fillna(0.0).gt(0) | has_capacity)].copy()
    concern_share = float(countries.loc[in_k, "share"].sum())
    supply = {
        "mineral": mineral.key,
        "stage": stage,
        "status": "available",
        "year": year,
        "coalition_share": float(countries.loc[in_c, "share"].sum()),
        "concern_share": concern_share,
        "third_share": float(third["share"].sum()),
        "other_share": float(rows.loc[rows["row_kind"] == "other", "amount"].fillna(0.0).sum()) / total,
        "note": basis,
    }
    mapped = third["country"].map(cap) if not cap.empty else pd.Series(float("nan"), index=third.index)
    third["capacity_basis"] = mapped.notna().map({True: "capacity", False: "production"})
    third["capacity"] = mapped.fillna(third["amount"])
    third = third.sort_values("capacity", ascending=False).head(top)
    running = 0.0
    cands: list[dict[str, object]] = []
    for rank, rec in enumerate(third.to_dict("records"), start=1):
        before = running
        running += float(rec["share"])
        cands.append(
            {
                "mineral": mineral.key,
                "stage": stage,
                "year": year,
                "rank": rank,
                "country": rec["country"],
                "amount": rec["amount"],
                "capacity": rec["capacity"],
                "capacity_basis": rec["capacity_basis"],
                "unit": rec["unit"],
                "world_share": rec["share"],
                "cumulative_share": running,
                "needed_to_replace_concern": before < concern_share,
            }
        )
    return supply, cands


def partner_coverage(
    long: pd.DataFrame,
    imports: pd.DataFrame,
    coalition: CountryGroup,
    concern: CountryGroup,
    *,
    minerals: Sequence[str] | None = None,
    stage: str | None = None,
    top: int = 5,
    catalog: dict[str, Mineral] | None = None,
) -> Coverage:
    """Supply shares, US-import gap and ranked third-country candidates for ``coalition``."""
    cat = catalog if catalog is not None else load_catalog()
    chosen = [resolve_mineral(m, cat) for m in minerals] if minerals else list(cat.values())
    if stage is not None:
        check_stage(stage)
    supply: list[dict[str, object]] = []
    demand: list[dict[str, object]] = []
    cands: list[dict[str, object]] = []
    partners = coalition.trade_partners
    concern_partners = concern.trade_partners - partners
    for mineral in chosen:
        for st in (stage,) if stage else mineral.stages:
            s, c = _supply_rows(long, mineral, st, coalition, concern, top)
            supply.append(s)
            cands += c
            m = imports[(imports["mineral"] == mineral.key) & (imports["stage"] == st)]
            total = float(m["value_usd"].sum())
            from_c = float(m.loc[m["partner"].isin(partners), "value_usd"].sum())
            from_k = float(m.loc[m["partner"].isin(concern_partners), "value_usd"].sum())
            demand.append(
                {
                    "mineral": mineral.key,
                    "stage": st,
                    "hs6": sorted(set(m["hs6"])),
                    "shared_hs6": sorted(set(m.loc[m["shared"], "hs6"])),
                    "us_imports_usd": total,
                    "from_coalition_usd": from_c,
                    "from_concern_usd": from_k,
                    "from_third_usd": total - from_c - from_k,
                    "gap_usd": total - from_c,
                    "gap_share": (total - from_c) / total if total > 0 else None,
                    "basis": DEMAND_BASIS if total > 0 else "no US imports recorded for this stage's HS codes",
                }
            )
    supply_df = pd.DataFrame.from_records(supply)
    supply_df["year"] = supply_df["year"].astype("Int64")
    return Coverage(supply_df, pd.DataFrame.from_records(demand), pd.DataFrame.from_records(cands))
