"""US imports for consumption 2024 at the HTS10 line and by partner, from the bundled Census table.

The Census HTS10 table (:data:`supplyscope.data.sources.census.HS10_FILE`) has values (USD) but **no quantities**,
so no import unit value can be derived from it. It reports the EU-27 as one partner (``EU27``) and
Slovakia (``SVK``) separately as well, although Slovakia is inside the EU-27 figure; here ``EU27``
is replaced by EU-27 minus Slovakia, line by line, so partners can be summed without double counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.data.sources.census import HS10_FILE
from supplyscope.errors import DataError

TRADE_FILE = HS10_FILE
TRADE_SOURCE = "US Census Bureau, imports for consumption 2024 (HS10 by partner)"
LINE_COLUMNS = ["hts10", "hs6", "description", "partner", "value_usd"]


def hts10_path(path: Path | str | None = None) -> Path:
    """``path``, or the bundled Census HTS10 import table."""
    return Path(path) if path is not None else bundled(TRADE_FILE)


def net_eu27(frame: pd.DataFrame, *, key: str = "hs6", source: str = TRADE_SOURCE) -> pd.DataFrame:
    """Replace each EU27 value by EU27 minus SVK (same ``key`` code); SVK above EU27 is a data error."""
    svk = frame[frame["partner"] == "SVK"].groupby(key)["value_usd"].sum()
    out = frame.copy()
    eu = out["partner"] == "EU27"
    out.loc[eu, "value_usd"] = out.loc[eu, "value_usd"] - out.loc[eu, key].map(svk).fillna(0.0).to_numpy()
    negative = eu & (out["value_usd"] < -0.5)
    if negative.any():
        code = out.loc[negative, key].iloc[0]
        raise DataError(
            f"Slovakia's imports exceed the EU27 aggregate for {key} {code}",
            source=source,
            field="imports_for_consumption_usd",
        )
    out.loc[eu, "value_usd"] = out.loc[eu, "value_usd"].clip(lower=0.0)
    return out.reset_index(drop=True)


def read_hts10_imports(
    path: Path | str | None = None, *, hs6: Sequence[str] | None = None, hts10: Sequence[str] | None = None
) -> pd.DataFrame:
    """Imports for consumption by HTS10 line and partner (USD, 2024), EU27 net of Slovakia.

    Columns :data:`LINE_COLUMNS`; ``hs6`` / ``hts10`` keep only those codes.
    """
    target = hts10_path(path)
    cols = ["partner_iso3", "hts10", "hs6", "description", "imports_for_consumption_usd"]
    df = pd.read_parquet(target, columns=cols)
    if hs6 is not None:
        df = df[df["hs6"].isin(list(hs6))]
    if hts10 is not None:
        df = df[df["hts10"].isin(list(hts10))]
    bad = df["imports_for_consumption_usd"].isna() | (df["imports_for_consumption_usd"] < 0)
    if bad.any():
        raise DataError(
            "import value missing or negative",
            source=str(target),
            row=int(bad.idxmax()) + 1,
            field="imports_for_consumption_usd",
        )
    agg = df.groupby(["hts10", "hs6", "description", "partner_iso3"], as_index=False)[
        "imports_for_consumption_usd"
    ].sum()
    agg = agg.rename(columns={"partner_iso3": "partner", "imports_for_consumption_usd": "value_usd"})
    return net_eu27(agg, key="hts10", source=str(target))[LINE_COLUMNS]


def read_hs6_imports(path: Path | str | None = None, hs6: Sequence[str] | None = None) -> pd.DataFrame:
    """The same imports summed to HS6 and partner: ``hs6, partner, value_usd``."""
    lines = read_hts10_imports(path, hs6=hs6)
    return lines.groupby(["hs6", "partner"], as_index=False)["value_usd"].sum()
