"""US Census imports for consumption by HTS10 and partner (the bundled core table's format).

Accepts the bundled Parquet layout (``partner_census_code, partner_iso3, hts10, hs6, description,
imports_for_consumption_usd, calculated_duty_usd, year``) and the Census International Trade API
column names (``CTY_CODE, I_COMMODITY, I_COMMODITY_SDESC, CON_VAL_YR, CAL_DUT_YR, YEAR``), as Parquet
or CSV.

Slovakia (Census 4359) is published both on its own and inside the EU-27 aggregate (0003). When
both are present the loader subtracts Slovakia from the EU-27 line by line, so the partner
``EU27`` means "EU-27 excluding Slovakia" and nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.data.validate import ROW_COLUMN
from supplyscope.data.warehouse import file_checksum
from supplyscope.errors import DataError

IMPORTER = "USA"
HS10_FILE = "trade/us_imports_hs10_by_partner_2024.parquet"
HS2_FILE = "trade/us_imports_hs2_by_partner_2024.parquet"
EU_CODE, SVK_CODE = "0003", "4359"
EU27 = "EU27"
# Census codes the FRB Atlanta mapping leaves without ISO3.
EXTRA_CODES = {"0003": EU27, "5082": "PSE", "5083": "PSE"}

API_COLUMNS = {
    "CTY_CODE": "partner_census_code",
    "CTY_NAME": "partner_name",
    "I_COMMODITY": "hts10",
    "I_COMMODITY_SDESC": "description",
    "CON_VAL_YR": "imports_for_consumption_usd",
    "CAL_DUT_YR": "calculated_duty_usd",
    "YEAR": "year",
}


@dataclass
class CensusLoad:
    """Canonical frames read from one Census file, with what could not be mapped."""

    frames: dict[str, pd.DataFrame]
    source: str
    checksum: str
    unknown_codes: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def census_to_iso3() -> dict[str, str]:
    """Census country code → ISO3 (FRB Atlanta mapping plus the aggregates supplyscope needs)."""
    m = pd.read_parquet(bundled("trade/census_country_code_to_iso3.parquet")).dropna(subset=["CTY_CODE", "ISO3"])
    mapping = dict(zip(m["CTY_CODE"].str.zfill(4), m["ISO3"], strict=True))
    mapping.update(EXTRA_CODES)
    return mapping


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
    elif path.suffix in (".csv", ".gz"):
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise DataError(f"cannot parse CSV: {exc}", source=path.name) from exc
    else:
        raise DataError("expected a .parquet or .csv file", source=str(path))
    df = df.rename(columns=API_COLUMNS)
    df[ROW_COLUMN] = np.arange(2 if path.suffix != ".parquet" else 1, len(df) + (2 if path.suffix != ".parquet" else 1))
    return df


def _reject_first(
    df: pd.DataFrame, bad: pd.Series, source: str, field: str, message: Callable[[pd.Series], str]
) -> None:
    """Raise :class:`DataError` for the first row flagged in ``bad``, if any, naming its source row."""
    if bad.any():
        r = df.loc[bad].iloc[0]
        raise DataError(message(r), source=source, row=int(r[ROW_COLUMN]), field=field)


def _check_lines(df: pd.DataFrame, source: str) -> pd.DataFrame:
    for col in ("partner_census_code", "hts10", "imports_for_consumption_usd", "year"):
        if col not in df.columns:
            raise DataError("column is missing", source=source, field=col)
    df = df.copy()
    df["hts10"] = df["hts10"].astype("string").str.strip()
    bad = ~df["hts10"].str.fullmatch(r"\d{10}").fillna(False).astype(bool)
    _reject_first(df, bad, source, "hts10", lambda r: f"HTS10 must be 10 digits, got {r['hts10']!r}")
    for col in ("imports_for_consumption_usd", "calculated_duty_usd", "year"):
        if col not in df.columns:
            df[col] = np.nan
            continue
        num = pd.to_numeric(df[col], errors="coerce")
        bad = (num.isna() & df[col].notna()) | (num < 0)
        if col != "calculated_duty_usd":
            bad |= num.isna()

        def not_a_number(r: pd.Series, c: str = col) -> str:
            return f"expected a non-negative number, got {r[c]!r}"

        _reject_first(df, bad, source, col, not_a_number)
        df[col] = num
    if "hs6" in df.columns:
        bad = df["hs6"].astype("string") != df["hts10"].str[:6]
        _reject_first(
            df, bad, source, "hs6", lambda r: f"hs6 {r['hs6']!r} is not the first six digits of {r['hts10']!r}"
        )
    df["hs6"] = df["hts10"].str[:6]
    df["partner_census_code"] = df["partner_census_code"].astype("string").str.strip().str.zfill(4)
    dup = df.duplicated(["year", "partner_census_code", "hts10"])
    _reject_first(df, dup, source, "hts10", lambda r: "duplicate partner x HTS10 line")
    return df


def _net_out_slovakia(df: pd.DataFrame, source: str, notes: list[str]) -> pd.DataFrame:
    codes = set(df["partner_census_code"])
    if not {EU_CODE, SVK_CODE} <= codes:
        return df
    key = ["year", "hts10"]
    svk = df[df["partner_census_code"] == SVK_CODE].set_index(key)
    eu_mask = df["partner_census_code"] == EU_CODE
    eu = df[eu_mask].set_index(key)
    missing = svk.index.difference(eu.index)
    if len(missing):
        raise DataError(
            f"Slovakia has HTS10 lines absent from EU27, e.g. {missing[0]}",
            source=source,
            field="partner_census_code",
        )
    cols = ["imports_for_consumption_usd", "calculated_duty_usd"]
    sub = svk[cols].reindex(eu.index).fillna(0.0)
    net = eu[cols] - sub
    short = net["imports_for_consumption_usd"] < -0.5
    if short.any():
        bad = eu[short].iloc[0]
        raise DataError(
            "EU27 value is smaller than Slovakia's",
            source=source,
            row=int(bad[ROW_COLUMN]),
            field="imports_for_consumption_usd",
        )
    eu = eu.assign(**{c: net[c].clip(lower=0.0) for c in cols})
    notes.append(
        f"EU27 net of Slovakia: {sub['imports_for_consumption_usd'].sum() / 1e9:.2f} bn USD moved out "
        f"of EU27 on {len(svk)} lines"
    )
    return pd.concat([df[~eu_mask], eu.reset_index()], ignore_index=True)


def read_census_imports(path: Path) -> CensusLoad:
    """Read a Census imports-by-HTS10-and-partner file into canonical frames.

    Returns ``tariff_line_flows`` (HTS10 detail) and ``trade_flows`` (HS6 totals), importer USA.
    Partners without an ISO3 code are kept as ``UNK:<census code>`` and listed in ``unknown_codes``.
    """
    source = f"census:{path.name}"
    raw = _read(path)
    df = _check_lines(raw, path.name)
    notes: list[str] = []
    df = _net_out_slovakia(df, path.name, notes)
    mapping = census_to_iso3()
    iso = df["partner_census_code"].map(mapping)
    unknown = df.loc[iso.isna()].groupby("partner_census_code")["imports_for_consumption_usd"].sum()
    df["exporter"] = iso.fillna("UNK:" + df["partner_census_code"])
    if "partner_iso3" in df.columns:
        given = df["partner_iso3"].astype("string")
        clash = given.notna() & (given != df["exporter"]) & iso.notna()
        _reject_first(
            df,
            clash,
            path.name,
            "partner_iso3",
            lambda r: f"partner_iso3 {r['partner_iso3']!r} contradicts Census code {r['partner_census_code']}",
        )
    lines = pd.DataFrame(
        {
            "year": df["year"].astype(int),
            "importer": IMPORTER,
            "exporter": df["exporter"].astype(str),
            "hts10": df["hts10"].astype(str),
            "hs6": df["hs6"].astype(str),
            "description": df.get("description"),
            "value_usd": df["imports_for_consumption_usd"].astype(float),
            "duty_usd": df["calculated_duty_usd"].astype(float),
            "source": source,
            ROW_COLUMN: df[ROW_COLUMN],
        }
    )
    flows = (
        lines.groupby(["year", "exporter", "hs6"], as_index=False)
        .agg(value_usd=("value_usd", "sum"), duty_usd=("duty_usd", "sum"))
        .assign(
            importer=IMPORTER,
            hs_version="HS2022",
            quantity=np.nan,
            unit=None,
            reporter="importer",
            source=source,
        )
    )
    return CensusLoad(
        frames={"tariff_line_flows": lines, "trade_flows": flows},
        source=source,
        checksum=file_checksum(path),
        unknown_codes={str(k): float(v) for k, v in unknown.items()},
        notes=notes,
    )


def read_partner_totals(path: Path) -> CensusLoad:
    """Read the HS2 x all-partners table (bundled ``us_imports_hs2_by_partner_2024.parquet``).

    The EU-27 aggregate row is dropped here because every member state is also listed; keeping it
    would count EU imports twice. That choice is recorded in the notes.
    """
    source = f"census-hs2:{path.name}"
    df = pd.read_parquet(path)
    df[ROW_COLUMN] = np.arange(1, len(df) + 1)
    notes = [
        f"EU-27 aggregate row dropped ({df.loc[df['partner_census_code'] == EU_CODE, 'imports_usd'].sum() / 1e9:.1f}"
        " bn USD); its members are listed individually"
    ]
    df = df[df["partner_census_code"] != EU_CODE]
    mapping = census_to_iso3()
    iso = df["partner_census_code"].map(mapping)
    unknown = df.loc[iso.isna()].groupby("partner_census_code")["imports_usd"].sum()
    df = df.assign(exporter=iso.fillna("UNK:" + df["partner_census_code"]))
    out = (
        df.groupby(["hs2", "exporter"], as_index=False)
        .agg(value_usd=("imports_usd", "sum"), duty_usd=("duty_usd", "sum"), _row=(ROW_COLUMN, "min"))
        .assign(year=2024, importer=IMPORTER, source=source)
    )
    return CensusLoad(
        {"partner_totals": out},
        source,
        file_checksum(path),
        {str(k): float(v) for k, v in unknown.items()},
        notes,
    )
