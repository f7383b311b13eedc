"""Links to the rest of supplyscope: chokepoint flags on HS products and shock scenarios.

* :func:`chokepoint_flags` gives, for every HS code of the catalogue, the concentration of the
  mineral stage it belongs to and a flag the assessment can show on the product.
* :func:`scenario_from_restriction` turns a mineral export restriction into a shock scenario for
  the input-output area, in its format
  ``{"scenario": [{"name", "description", "shock": [{"country", "sector", "cut"}]}]}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import ConfigError, NotFoundError
from supplyscope.minerals.catalog import (
    STAGES,
    HsCode,
    Mineral,
    check_stage,
    load_catalog,
    load_hs_codes,
    resolve_mineral,
)
from supplyscope.minerals.concentration import stage_concentration
from supplyscope.minerals.groups import concern_group
from supplyscope.minerals.usgs import load_production

FLAG_COLUMNS = ["hs6", "mineral", "stage", "top_country", "top_share", "chn_share", "concern_share", "flag", "reason"]

TOP_SHARE_THRESHOLD = 0.5
"""A stage is a chokepoint when one country holds at least half of world supply ..."""
CONCERN_SHARE_THRESHOLD = 0.5
"""... or when countries of concern together hold at least half of it."""


def flag_frame(
    concentration: pd.DataFrame,
    codes: Iterable[HsCode],
    *,
    top_threshold: float = TOP_SHARE_THRESHOLD,
    concern_threshold: float = CONCERN_SHARE_THRESHOLD,
) -> pd.DataFrame:
    """Flags from a concentration table (pure). Columns :data:`FLAG_COLUMNS`.

    The product's own stage is used when it has data; otherwise the nearest upstream stage with
    data, and ``reason`` says so. With no stage data at all the flag is False and the reason says
    the data are unavailable (it is not a finding of low concentration).
    """
    avail = concentration[concentration["status"] == "available"].set_index(["mineral", "stage"])
    rows: list[dict[str, object]] = []
    for code in codes:
        for mineral in code.minerals:
            used = None
            order = STAGES[: STAGES.index(code.stage) + 1][::-1]
            for st in order:
                if (mineral, st) in avail.index:
                    used = st
                    break
            row: dict[str, object] = {"hs6": code.hs6, "mineral": mineral, "stage": code.stage}
            if used is None:
                row.update(
                    top_country=None,
                    top_share=None,
                    chn_share=None,
                    concern_share=None,
                    flag=False,
                    reason=f"{mineral} {code.stage}: no production data at this or an upstream stage",
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
            basis = f" [{used} data used for a {code.stage} product]" if used != code.stage else ""
            shared = (
                f" [HS code shared with {', '.join(m for m in code.minerals if m != mineral)}]" if code.shared else ""
            )
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
    :func:`~supplyscope.minerals.usgs.read_stage_table`); countries of concern from the settings.
    """
    long = load_production(list(stage_tables))
    conc = stage_concentration(long, concern=concern_group(config).members)
    return flag_frame(conc, load_hs_codes(), top_threshold=top_threshold, concern_threshold=concern_threshold)


def _icio_countries() -> set[str]:
    codes = pd.read_parquet(bundled("io/oecd_icio2025_country_codes.parquet"))["code"]
    return set(codes)


def scenario_from_restriction(
    mineral: str,
    cut: float,
    country: str = "CHN",
    *,
    stages: Iterable[str] | None = None,
    catalog: dict[str, Mineral] | None = None,
) -> dict[str, object]:
    """Shock scenario for an export restriction of ``mineral`` by ``country``.

    One shock per stage (default: every stage of the mineral that has an ICIO sector): the
    country's ICIO sector of that stage (e.g. B07 mining of metal ores, C24B non-ferrous metals)
    loses ``cut`` (0–1) of its supply. The sector is broader than the mineral, so the shock is an
    upper bound on the mineral's own effect; the description says so.
    """
    cat = catalog if catalog is not None else load_catalog()
    m = resolve_mineral(mineral, cat)
    if isinstance(cut, bool) or not isinstance(cut, int | float) or not np.isfinite(cut) or not 0 < cut <= 1:
        raise ConfigError(f"cut must be a fraction in (0, 1], got {cut!r}", key="cut")
    code = country.strip().upper()
    known = _icio_countries()
    if code not in known:
        raise NotFoundError("ICIO country", country, sorted(known))
    chosen = [check_stage(s) for s in stages] if stages is not None else list(m.icio)
    shocks = []
    for st in chosen:
        if st not in m.icio:
            raise NotFoundError(f"ICIO sector for {m.key} stage", st, sorted(m.icio))
        shocks.append({"country": code, "sector": m.icio[st], "cut": float(cut)})
    sectors = ", ".join(f"{s['sector']} ({st})" for s, st in zip(shocks, chosen, strict=True))
    description = (
        f"{code} restricts exports of {m.label.lower()}: {cut:.0%} of the supply of ICIO sector(s) {sectors} "
        f"in {code} is cut. The ICIO sector is broader than {m.label.lower()}, so this is an upper bound "
        "on the mineral's own effect."
    )
    return {
        "scenario": [
            {
                "name": f"{m.key}-restriction-{code.lower()}-{round(cut * 100)}pct",
                "description": description,
                "shock": shocks,
            }
        ]
    }
