"""US imports of each mineral, from the bundled Census HS10 import table and the HS code list.

The Census table reports the EU-27 as one partner (``EU27``) and Slovakia (``SVK``) separately as
well, although Slovakia is inside the EU-27 figure. Here ``EU27`` is replaced by EU-27 minus
Slovakia, so partners can be summed without double counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError
from supplyscope.minerals.catalog import HsCode, load_hs_codes

TRADE_FILE = "trade/us_imports_hs10_by_partner_2024.parquet"
TRADE_SOURCE = "US Census Bureau, imports for consumption 2024 (HS10 by partner)"
IMPORT_COLUMNS = ["mineral", "stage", "hs6", "shared", "partner", "value_usd"]


def read_us_imports(path: Path | str | None = None, hs6: Sequence[str] | None = None) -> pd.DataFrame:
    """Imports for consumption by HS6 and partner (USD, 2024), with EU27 net of Slovakia."""
    target = Path(path) if path is not None else bundled(TRADE_FILE)
    cols = ["partner_iso3", "hs6", "imports_for_consumption_usd"]
    df = pd.read_parquet(target, columns=cols)
    if hs6 is not None:
        df = df[df["hs6"].isin(list(hs6))]
    bad = df["imports_for_consumption_usd"].isna() | (df["imports_for_consumption_usd"] < 0)
    if bad.any():
        raise DataError(
            "import value missing or negative",
            source=str(target),
            row=int(bad.idxmax()) + 1,
            field="imports_for_consumption_usd",
        )
    agg = df.groupby(["hs6", "partner_iso3"], as_index=False)["imports_for_consumption_usd"].sum()
    agg = agg.rename(columns={"partner_iso3": "partner", "imports_for_consumption_usd": "value_usd"})
    return net_eu27(agg, source=str(target))


def net_eu27(frame: pd.DataFrame, *, source: str = TRADE_SOURCE) -> pd.DataFrame:
    """Replace each EU27 value by EU27 minus SVK (same hs6); SVK above EU27 is a data error."""
    svk = frame[frame["partner"] == "SVK"].set_index("hs6")["value_usd"]
    out = frame.copy()
    eu = out["partner"] == "EU27"
    out.loc[eu, "value_usd"] = out.loc[eu, "value_usd"] - out.loc[eu, "hs6"].map(svk).fillna(0.0).to_numpy()
    negative = eu & (out["value_usd"] < -0.5)
    if negative.any():
        hs6 = out.loc[negative, "hs6"].iloc[0]
        raise DataError(
            f"Slovakia's imports exceed the EU27 aggregate for hs6 {hs6}",
            source=source,
            field="imports_for_consumption_usd",
        )
    out.loc[eu, "value_usd"] = out.loc[eu, "value_usd"].clip(lower=0.0)
    return out.reset_index(drop=True)


def mineral_imports(imports: pd.DataFrame, codes: Sequence[HsCode] | None = None) -> pd.DataFrame:
    """US imports per mineral, stage, HS6 and partner (:data:`IMPORT_COLUMNS`).

    A code shared by several minerals (``shared`` True) appears once per mineral with its full
    value: each mineral's total is an upper bound for that code, and totals must not be added
    across minerals.
    """
    hs = codes if codes is not None else load_hs_codes()
    rows = [(m, c.stage, c.hs6, c.shared) for c in hs for m in c.minerals]
    link = pd.DataFrame(rows, columns=["mineral", "stage", "hs6", "shared"])
    out = link.merge(imports, on="hs6", how="inner")
    return (
        out[IMPORT_COLUMNS]
        .sort_values(["mineral", "stage", "hs6", "value_usd"], ascending=[True, True, True, False])
        .reset_index(drop=True)
    )


def load_mineral_imports() -> pd.DataFrame:
    """The bundled 2024 US imports of every catalogued mineral's HS codes."""
    codes = load_hs_codes()
    return mineral_imports(read_us_imports(hs6=[c.hs6 for c in codes]), codes)
