"""UN Comtrade bulk "final" files (CSV or tab-separated, optionally gzipped) → ``trade_flows``.

Header as published by Comtrade+ (the reader needs the columns marked *, uses the others when
present): ``typeCode, freqCode, refPeriodId, refYear*, refMonth, period, reporterCode*, reporterISO,
reporterDesc, flowCode*, flowDesc, partnerCode*, partnerISO, partnerDesc, partner2Code, partner2ISO,
partner2Desc, classificationCode*, classificationSearchCode, isOriginalClassification, cmdCode*,
cmdDesc, aggrLevel, isLeaf, customsCode, customsDesc, mosCode, motCode, motDesc, qtyUnitCode,
qtyUnitAbbr, qty, isQtyEstimated, altQtyUnitCode, altQtyUnitAbbr, altQty, isAltQtyEstimated,
netWgt, isNetWgtEstimated, grossWgt, isGrossWgtEstimated, cifvalue, fobvalue, primaryValue*,
legacyEstimationFlag, isReported, isAggregate``.

Which rows become trade flows (the others are counted in ``LoadResult.excluded``, by rule):

1. ``flowCode`` M (imports) or X (exports); re-exports, re-imports and other flows are left out.
2. HS 6-digit lines: ``aggrLevel`` = 6, or a six-digit ``cmdCode`` when ``aggrLevel`` is empty or
   absent. Chapter, heading and ``TOTAL`` lines would double count.
3. ``partnerCode`` ≠ 0: the World partner is the sum of the others.
4. Totals over the breakdowns, where the columns exist: ``partner2Code`` 0 (or empty),
   ``customsCode`` C00 (or empty), ``motCode`` 0 (or empty), ``mosCode`` 0 (or empty). Breakdown
   rows repeat the same trade split another way, so keeping them would double count.

Mapping: imports give ``importer = reporter``, ``exporter = partner``, ``reporter = "importer"``;
exports the reverse with ``reporter = "exporter"``. ``value_usd = primaryValue`` (CIF for imports,
FOB for exports, as reported). ``quantity`` is ``netWgt`` in metric tons (``netWgt / 1000``,
unit ``t``) where given, otherwise ``qty`` in ``qtyUnitAbbr``. ``hs_version`` from
``classificationCode`` (H0 → HS1992 … H6 → HS2022). ``source = "<file name>:M"`` or ``":X"``: the
importer- and exporter-reported rows of one file are two sources, so that mirror flows
(same year, exporter, importer, HS6) never collide on the table key.

Countries come from ``reporterISO`` / ``partnerISO``; a code whose ISO column is empty or not a
three-character code (Comtrade's ``_X`` "Areas, nes", for instance) is kept as ``UNK:<code>`` and
reported in ``LoadResult.unknown_codes``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from supplyscope.data.schema import table
from supplyscope.data.sources.countrycodes import CountryCode, CountryCodes, is_iso3_code, unknown_report
from supplyscope.data.sources.csvtools import (
    FIRST_DATA_LINE,
    file_opener,
    first_true,
    raise_first,
    read_layout,
    read_table,
    sha256_of,
    trimmed,
)
from supplyscope.data.sources.loadresult import LoadResult, concat_unknown
from supplyscope.data.validate import ROW_COLUMN, check
from supplyscope.errors import DataError

__all__ = ["COMTRADE_HS_VERSIONS", "mirror_pairs", "read_comtrade"]

COMTRADE_HS_VERSIONS = {
    "H0": "HS1992",
    "H1": "HS1996",
    "H2": "HS2002",
    "H3": "HS2007",
    "H4": "HS2012",
    "H5": "HS2017",
    "H6": "HS2022",
}
"""Comtrade ``classificationCode`` → the ``hs_version`` stored in ``trade_flows``."""

REQUIRED = (
    "refYear",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "classificationCode",
    "cmdCode",
    "primaryValue",
)
OPTIONAL = (
    "typeCode",
    "freqCode",
    "reporterISO",
    "reporterDesc",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "aggrLevel",
    "customsCode",
    "motCode",
    "mosCode",
    "qtyUnitAbbr",
    "qty",
    "netWgt",
)
FLOW_ROLES = {"M": "importer", "X": "exporter"}

RULE_FLOW = "flowCode not M or X (re-exports, re-imports, ...)"
RULE_HS6 = "not an HS 6-digit line (aggrLevel ≠ 6)"
RULE_WORLD = "partner is World (partnerCode 0)"
RULE_BREAKDOWN = {
    "partner2Code": ("second partner breakdown (partner2Code ≠ 0)", ("0", "")),
    "customsCode": ("customs procedure breakdown (customsCode ≠ C00)", ("C00", "")),
    "motCode": ("mode of transport breakdown (motCode ≠ 0)", ("0", "")),
    "mosCode": ("mode of supply breakdown (mosCode ≠ 0)", ("0", "")),
}
_SIX_DIGITS = r"^[0-9]{6}$"
_DIGITS = re.compile(r"^[0-9]+$")
YEAR_RANGE = (1950, 2100)


def _np(arr: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.bool_]:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def read_comtrade(path: Path) -> LoadResult:
    """Read one Comtrade bulk file (any number of reporters and years) into ``trade_flows`` rows."""
    path = Path(path)
    src = path.name
    if not path.is_file():
        raise DataError("no such file", source=str(path))
    opener = file_opener(path)
    layout = read_layout(opener, src)
    layout.require(REQUIRED, src)
    present = [c for c in (*REQUIRED, *OPTIONAL) if c in layout.columns]
    tbl = read_table(opener, src, layout, {c: pa.string() for c in present})
    n = tbl.num_rows
    cols = {c: trimmed(tbl[c]) for c in present}

    problems: list[tuple[int, str, str]] = []
    for name in ("flowCode", "reporterCode", "partnerCode", "cmdCode"):
        idx = first_true(_np(pc.equal(cols[name], "")))
        if idx is not None:
            what = "country code" if name.endswith("rCode") else "code"
            problems.append((idx, name, f"{what} is missing"))
    raise_first(problems, src)

    keep = np.ones(n, dtype=bool)
    excluded: dict[str, int] = {}

    def exclude(rule: str, mask: npt.NDArray[np.bool_]) -> None:
        nonlocal keep
        hit = keep & mask
        if hit.any():
            excluded[rule] = int(hit.sum())
        keep &= ~mask

    exclude(RULE_FLOW, ~_np(pc.is_in(cols["flowCode"], value_set=pa.array(list(FLOW_ROLES)))))
    six = _np(pc.match_substring_regex(cols["cmdCode"], _SIX_DIGITS))
    if "aggrLevel" in cols:
        agg = cols["aggrLevel"]
        is_hs6 = _np(pc.equal(agg, "6")) | (_np(pc.equal(agg, "")) & six)
    else:
        is_hs6 = six
    exclude(RULE_HS6, ~is_hs6)
    exclude(RULE_WORLD, _np(pc.equal(cols["partnerCode"], "0")))
    for name, (rule, totals) in RULE_BREAKDOWN.items():
        if name in cols:
            exclude(rule, ~_np(pc.is_in(cols[name], value_set=pa.array(list(totals)))))

    rows = np.flatnonzero(keep)
    kept = pa.table({c: cols[c] for c in present}).take(pa.array(rows)).to_pandas()
    flows, unknown = _to_flows(kept, rows, src)
    sources = sorted(str(s) for s in pd.unique(flows["source"])) if len(flows) else []
    checksum = sha256_of(opener)
    return LoadResult(
        flows=flows,
        unknown_codes=unknown,
        source=sources[0] if len(sources) == 1 else src,
        checksum=checksum,
        excluded=excluded,
        checksums={s: checksum for s in sources},
    )


def _numbers(
    df: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    name: str,
    problems: list[tuple[int, str, str]],
    *,
    required: bool,
) -> npt.NDArray[np.float64]:
    text = df[name]
    values = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & (text != "").to_numpy()
    idx = first_true(bad)
    if idx is not None:
        problems.append((int(rows[idx]), name, f"not a number: {text.iloc[idx]!r}"))
    if required:
        idx = first_true((text == "").to_numpy())
        if idx is not None:
            problems.append((int(rows[idx]), name, "value is missing"))
    return np.asarray(values, dtype=float)


def _to_flows(df: pd.DataFrame, rows: npt.NDArray[np.int64], src: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the kept rows and map them to ``trade_flows`` columns."""
    problems: list[tuple[int, str, str]] = []

    def flag(mask: npt.NDArray[np.bool_], name: str, message: str) -> None:
        idx = first_true(mask)
        if idx is not None:
            problems.append((int(rows[idx]), name, message))

    if "typeCode" in df:
        flag((df["typeCode"] != "C").to_numpy(), "typeCode", "only goods (typeCode C) can be loaded")
    if "freqCode" in df:
        flag((df["freqCode"] != "A").to_numpy(), "freqCode", "only annual data (freqCode A) can be loaded")
    year = _numbers(df, rows, "refYear", problems, required=True)
    flag(
        ~np.isnan(year) & ((year != np.floor(year)) | (year < YEAR_RANGE[0]) | (year > YEAR_RANGE[1])),
        "refYear",
        f"not a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}",
    )
    for name in ("reporterCode", "partnerCode"):
        flag(~df[name].str.fullmatch(_DIGITS.pattern).to_numpy(dtype=bool), name, "not a numeric country code")
    flag(~df["cmdCode"].str.fullmatch(_SIX_DIGITS[1:-1]).to_numpy(dtype=bool), "cmdCode", "not an HS6 code")
    flag(
        ~df["classificationCode"].isin(list(COMTRADE_HS_VERSIONS)).to_numpy(),
        "classificationCode",
        f"not an HS classification ({', '.join(COMTRADE_HS_VERSIONS)})",
    )
    value = _numbers(df, rows, "primaryValue", problems, required=True)
    flag(value < 0, "primaryValue", "value is negative")
    net = _numbers(df, rows, "netWgt", problems, required=False) if "netWgt" in df else np.full(len(df), np.nan)
    qty = _numbers(df, rows, "qty", problems, required=False) if "qty" in df else np.full(len(df), np.nan)
    raise_first(problems, src)

    codes = _country_table(df, rows, src)
    reporter = df["reporterCode"].astype(np.int64).to_numpy()
    partner = df["partnerCode"].astype(np.int64).to_numpy()
    is_m = (df["flowCode"] == "M").to_numpy()
    exporter_code = np.where(is_m, partner, reporter)
    importer_code = np.where(is_m, reporter, partner)
    exporter, unk_x = codes.label(exporter_code)
    importer, unk_m = codes.label(importer_code)

    has_net = ~np.isnan(net)
    abbr = df["qtyUnitAbbr"] if "qtyUnitAbbr" in df else pd.Series([""] * len(df), index=df.index)
    has_qty = ~has_net & ~np.isnan(qty) & ~abbr.isin(["", "N/A"]).to_numpy()
    quantity = np.where(has_net, net / 1000.0, np.where(has_qty, qty, np.nan))
    unit_text = np.full(len(df), None, dtype=object)
    unit_text[has_qty] = abbr.to_numpy(dtype=object)[has_qty]
    unit_text[has_net] = "t"
    unit = pd.Series(unit_text, dtype="category")
    source = pd.Categorical(src + ":" + df["flowCode"])
    flows = pd.DataFrame(
        {
            "year": year.astype(np.int32),
            "exporter": exporter,
            "importer": importer,
            "hs6": pd.Categorical(df["cmdCode"]),
            "hs_version": pd.Categorical(df["classificationCode"].map(COMTRADE_HS_VERSIONS)),
            "value_usd": value,
            "quantity": quantity,
            "unit": unit.array,
            "duty_usd": np.full(len(df), np.nan),
            "reporter": pd.Categorical(df["flowCode"].map(FLOW_ROLES)),
            "source": source,
            ROW_COLUMN: rows.astype(np.int64) + FIRST_DATA_LINE,
        }
    )
    check(flows, table("trade_flows"), src)
    reports = []
    for flow in FLOW_ROLES:
        sel = is_m if flow == "M" else ~is_m
        names = {c: codes.name(c) for c in codes.as_mapping()}
        for role, code_arr, unk in (("exporter", exporter_code, unk_x), ("importer", importer_code, unk_m)):
            reports.append(unknown_report(f"{src}:{flow}", role, code_arr[sel], unk[sel], value[sel], names))
    return flows, concat_unknown(reports)


def _country_table(df: pd.DataFrame, rows: npt.NDArray[np.int64], src: str) -> CountryCodes:
    """The file's own code → ISO3 table, from the reporter and partner columns.

    One code with two different ISO values raises :class:`DataError` at the first line that
    contradicts an earlier one.
    """
    sides = []
    for side in ("reporter", "partner"):
        iso_col, desc_col = f"{side}ISO", f"{side}Desc"
        sides.append(
            pd.DataFrame(
                {
                    "code": df[f"{side}Code"].astype(np.int64).to_numpy(),
                    "iso": df[iso_col].str.upper().to_numpy(dtype=object) if iso_col in df else "",
                    "name": df[desc_col].to_numpy(dtype=object) if desc_col in df else "",
                    "pos": rows,
                    "field": iso_col,
                }
            )
        )
    both = pd.concat(sides, ignore_index=True)
    both["iso"] = [iso if is_iso3_code(iso) else "" for iso in both["iso"]]
    pairs = both.sort_values(["pos", "field"], kind="stable").drop_duplicates(["code", "iso"])
    clash = pairs[pairs.duplicated("code", keep="first")]
    if len(clash):
        first = clash.iloc[0]
        seen = pairs[(pairs["code"] == first["code"])].iloc[0]
        raise DataError(
            f"country code {first['code']} is {first['iso'] or 'without ISO3'} here but "
            f"{seen['iso'] or 'without ISO3'} on an earlier line",
            source=src,
            row=int(first["pos"]) + FIRST_DATA_LINE,
            field=str(first["field"]),
        )
    return CountryCodes(
        (
            CountryCode(int(c), iso or None, str(name))
            for c, iso, name in pairs[["code", "iso", "name"]].itertuples(index=False)
        ),
        source=src,
    )


def mirror_pairs(flows: pd.DataFrame) -> pd.DataFrame:
    """Importer- and exporter-reported values of the same flow side by side, with their discrepancy.

    For each (year, exporter, importer, hs6, hs_version) reported by both sides, returns
    ``importer_value_usd`` (M, usually CIF), ``exporter_value_usd`` (X, usually FOB), their sources
    and ``discrepancy = |M − X| / max(M, X)`` (0 when both are 0). Flows reported by one side only
    are not returned. Several rows for one key and side raise :class:`DataError`.
    """
    key = ["year", "exporter", "importer", "hs6", "hs_version"]
    for col in (*key, "value_usd", "reporter", "source"):
        if col not in flows.columns:
            raise DataError("column is missing", source="mirror_pairs", field=col)
    base = flows[[*key, "value_usd", "reporter", "source"]].copy()
    for col in ("exporter", "importer", "hs6", "hs_version", "reporter", "source"):
        base[col] = base[col].astype(str)
    sides = {}
    for role, label in (("importer", "importer"), ("exporter", "exporter")):
        side = base[base["reporter"] == role].drop(columns="reporter")
        dup = side.duplicated(key, keep=False)
        if dup.any():
            first = side[dup].iloc[0]
            raise DataError(
                f"several {role}-reported rows for year {first['year']}, {first['exporter']}→"
                f"{first['importer']}, hs6 {first['hs6']} (sources: "
                f"{', '.join(sorted(set(side[dup]['source'])))})",
                source="mirror_pairs",
                field=",".join(key),
            )
        sides[role] = side.rename(columns={"value_usd": f"{label}_value_usd", "source": f"{label}_source"})
    pairs = sides["importer"].merge(sides["exporter"], on=key, how="inner")
    m = pairs["importer_value_usd"].to_numpy(dtype=float)
    x = pairs["exporter_value_usd"].to_numpy(dtype=float)
    top = np.maximum(m, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        pairs["discrepancy"] = np.where(top > 0, np.abs(m - x) / np.where(top > 0, top, 1.0), 0.0)
    cols = [
        *key,
        "importer_value_usd",
        "exporter_value_usd",
        "discrepancy",
        "importer_source",
        "exporter_source",
    ]
    return pairs[cols].sort_values(key).reset_index(drop=True)
