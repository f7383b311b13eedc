"""US imports of each mineral at its tariff line, from the Census HTS10 import table.

Where a catalogued HS6 code bundles several minerals and the HTSUS splits it into lines
(``[[line]]`` in ``hs_codes.toml``), each mineral gets the value of its own lines: HS 811292 is
split into gallium 8112.92.10.00, germanium 8112.92.60.00/65.00, niobium 8112.92.40.00, vanadium
8112.92.70.00 (indium and waste and scrap belong to no catalogued mineral). Other codes count
in full for every mineral they cover (``shared`` True: an upper bound, never to be added across
minerals). ``basis`` states which case applies. The Census table has values only (no quantities).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from supplyscope.codes.minerals import HsCode, HsLine, load_hs_codes, load_hs_lines
from supplyscope.data.sources.census_hts10 import TRADE_FILE, TRADE_SOURCE, read_hs6_imports, read_hts10_imports
from supplyscope.errors import ConfigError

IMPORT_COLUMNS = ["mineral", "stage", "hs6", "hts10", "shared", "partner", "value_usd", "basis"]

read_us_imports = read_hs6_imports
"""Imports by HS6 and partner (USD, 2024), EU27 net of Slovakia (kept under its old name)."""

__all__ = [
    "IMPORT_COLUMNS",
    "TRADE_FILE",
    "TRADE_SOURCE",
    "import_value",
    "import_volume",
    "load_mineral_imports",
    "mineral_imports",
    "mineral_lines",
    "read_us_imports",
]


def mineral_imports(
    lines: pd.DataFrame, codes: Sequence[HsCode] | None = None, hs_lines: Sequence[HsLine] | None = None
) -> pd.DataFrame:
    """US imports per mineral, stage, code and partner (:data:`IMPORT_COLUMNS`), from HTS10 rows.

    ``lines`` has ``hts10, hs6, partner, value_usd`` (see
    :func:`~supplyscope.data.sources.census_hts10.read_hts10_imports`). ``hts10`` is the line for
    line-level rows and empty for HS6-level rows.
    """
    hs = codes if codes is not None else load_hs_codes()
    hl = hs_lines if hs_lines is not None else load_hs_lines()
    split = {line.hs6 for line in hl}
    frames: list[pd.DataFrame] = []
    by_line = pd.DataFrame(
        [(m, ln.stage, ln.hs6, ln.hts10, ln.shared, f"line value: {ln.citation}") for ln in hl for m in ln.minerals],
        columns=["mineral", "stage", "hs6", "hts10", "shared", "basis"],
    )
    if not by_line.empty:
        frames.append(by_line.merge(lines[["hts10", "partner", "value_usd"]], on="hts10", how="inner"))
    whole = [(m, c.stage, c.hs6, "", c.shared) for c in hs if c.hs6 not in split for m in c.minerals]
    link = pd.DataFrame(whole, columns=["mineral", "stage", "hs6", "hts10", "shared"])
    hs6_totals = lines.groupby(["hs6", "partner"], as_index=False)["value_usd"].sum()
    whole_rows = link.merge(hs6_totals, on="hs6", how="inner")
    whole_rows["basis"] = [
        f"HS6 {h} in full" + (" (also covers other minerals: an upper bound)" if sh else "")
        for h, sh in zip(whole_rows["hs6"], whole_rows["shared"], strict=True)
    ]
    frames.append(whole_rows)
    out = pd.concat(frames, ignore_index=True)
    return (
        out[IMPORT_COLUMNS]
        .sort_values(["mineral", "stage", "hs6", "hts10", "value_usd"], ascending=[True, True, True, True, False])
        .reset_index(drop=True)
    )


def load_mineral_imports() -> pd.DataFrame:
    """The bundled 2024 US imports of every catalogued mineral, at the tariff line where there is one."""
    codes = load_hs_codes()
    return mineral_imports(read_hts10_imports(hs6=[c.hs6 for c in codes]), codes, load_hs_lines())


def mineral_lines(mineral: str, imports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per code of one mineral: ``stage, hs6, hts10, shared, value_usd, basis`` (partners summed).

    The per-line view that other areas (the assessment's chokepoint flags, reports) can call.
    """
    imp = imports if imports is not None else load_mineral_imports()
    sel = imp[imp["mineral"] == mineral]
    return sel.groupby(["stage", "hs6", "hts10", "shared", "basis"], as_index=False)["value_usd"].sum()


def import_value(mineral: str, stage: str | None = None, imports: pd.DataFrame | None = None) -> tuple[float, str]:
    """2024 US import value (USD) of one mineral (optionally one stage) and the codes it sums, as text.

    The text names the tariff lines used and warns when a code also covers other minerals (then the
    value is an upper bound).
    """
    per = mineral_lines(mineral, imports)
    if stage is not None:
        per = per[per["stage"] == stage]
    codes = [
        f"HTS10 {h[:4]}.{h[4:6]}.{h[6:8]}.{h[8:]}" if h else f"HS6 {c}"
        for c, h in zip(per["hs6"], per["hts10"], strict=True)
    ]
    text = "codes " + ", ".join(codes) if codes else "no codes"
    shared = sorted(
        {
            f"HTS10 {h}" if h else f"HS6 {c}"
            for c, h, sh in zip(per["hs6"], per["hts10"], per["shared"], strict=True)
            if sh
        }
    )
    if shared:
        text += f"; {', '.join(shared)} also cover other minerals, so the value is an upper bound"
    return float(per["value_usd"].sum()), text


def import_volume(
    mineral: str,
    price: float,
    stage: str | None = None,
    imports: pd.DataFrame | None = None,
    *,
    key: str = "annual_volume",
) -> tuple[float, str]:
    """Annual import quantity implied by the 2024 US import value at ``price``, and that basis as text.

    The Census table has values only, so quantity = value / price; a ``ConfigError`` naming ``key`` (the
    setting that would supply the volume instead) when there are no imports or no positive price.
    """
    if not price > 0:
        raise ConfigError(f"a price > 0 is needed to turn the import value of {mineral} into a volume", key=key)
    value, codes = import_value(mineral, stage, imports)
    if value <= 0:
        raise ConfigError(f"no 2024 US imports for {mineral}; give the annual import volume", key=key)
    where = f" at {stage}" if stage else ""
    basis = (
        f"2024 US imports for consumption of {mineral}{where} (USD {value:,.0f}; {codes}) divided by the price "
        "(the Census table has no quantities)"
    )
    return value / price, basis
