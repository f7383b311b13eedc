"""CEPII BACI: reconciled bilateral trade by HS6 product, read from the release zip or its folder.

A release ``BACI_HS22_V202501.zip`` holds one CSV per year, ``BACI_HS22_Y2022_V202501.csv``, with
columns ``t, i, j, k, v, q``: year, exporter and importer (BACI numeric codes), HS6 product (numeric,
so leading zeros are lost), value in **thousands** of US dollars, quantity in metric tons (``NA``,
often padded with spaces, when unknown). It also holds ``country_codes_V202501.csv`` (numeric code →
ISO3) and ``product_codes_HS22_V202501.csv`` (code → description).

Mapping to ``trade_flows``: ISO3 exporter/importer from the release's own country list (unknown codes
kept as ``UNK:<code>`` and reported), ``hs6`` zero-padded to six characters, ``hs_version`` from the
file name (HS92 → ``HS1992`` … HS22 → ``HS2022``), ``value_usd = v × 1000``, ``quantity = q`` with
unit ``t``, ``reporter = "reconciled"``, ``source = "BACI_HS22_V202501:2022"`` (one source per
yearly file).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from supplyscope.data.schema import table
from supplyscope.data.sources.countrycodes import CountryCodes, read_baci_country_codes, unknown_report
from supplyscope.data.sources.csvtools import (
    FIRST_DATA_LINE,
    Opener,
    file_opener,
    first_bad_number,
    first_true,
    raise_first,
    read_layout,
    read_table,
    sha256_of,
    small_csv,
    trimmed,
)
from supplyscope.data.sources.loadresult import LoadResult, concat_flows, concat_unknown
from supplyscope.data.validate import ROW_COLUMN, check
from supplyscope.errors import DataError, NotFoundError

__all__ = ["BACI_HS_VERSIONS", "iter_baci", "read_baci", "read_products"]

BACI_HS_VERSIONS = {
    "92": "HS1992",
    "96": "HS1996",
    "02": "HS2002",
    "07": "HS2007",
    "12": "HS2012",
    "17": "HS2017",
    "22": "HS2022",
}
"""Two-digit HS edition in BACI file names → the ``hs_version`` stored in ``trade_flows``."""

COLUMNS = ("t", "i", "j", "k", "v", "q")
UNIT = "t"
REPORTER = "reconciled"
VALUE_SCALE = 1000.0
"""BACI values are in thousands of US dollars."""

YEAR_FILE = re.compile(r"^BACI_HS(\d{2})_Y(\d{4})_V(\w+)\.csv$")
COUNTRY_FILE = re.compile(r"^country_codes_V(\w+)\.csv$")
PRODUCT_FILE = re.compile(r"^product_codes_HS(\d{2})_V(\w+)\.csv$")
_HS_CODE = r"^([0-9]{1,6}|[0-9A-Z]{6})$"
_TYPES = {
    "t": pa.int32(),
    "i": pa.int64(),
    "j": pa.int64(),
    "k": pa.string(),
    "v": pa.float64(),
    "q": pa.string(),
}


@dataclass(frozen=True)
class YearFile:
    """One yearly CSV of a release."""

    name: str
    hs: str
    year: int
    version: str
    opener: Opener

    @property
    def release(self) -> str:
        return f"BACI_HS{self.hs}_V{self.version}"

    @property
    def source(self) -> str:
        return f"{self.release}:{self.year}"


@dataclass(frozen=True)
class Release:
    """The files of one BACI release found in a zip or a directory."""

    origin: Path
    years: dict[int, YearFile]
    members: dict[str, Opener]
    whole_checksum: str | None
    """Checksum of the zip (or single CSV) when the release is one file; ``None`` for a directory."""

    @property
    def release(self) -> str:
        return next(iter(self.years.values())).release

    def member(self, pattern: re.Pattern[str], what: str) -> tuple[str, Opener]:
        version = next(iter(self.years.values())).version
        for name, opener in sorted(self.members.items()):
            m = pattern.match(name)
            if m and m.groups()[-1] == version:
                return name, opener
        raise DataError(f"{what} for release V{version} is missing", source=str(self.origin))


@contextmanager
def open_release(path: Path) -> Iterator[Release]:
    """Index a release zip, a directory of extracted files, or one yearly CSV next to its dictionaries."""
    if not path.exists():
        raise DataError("no such file or directory", source=str(path))
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members: dict[str, Opener] = {}
            for info in zf.infolist():
                if not info.is_dir():
                    members[Path(info.filename).name] = _zip_opener(zf, info)
            yield _index(path, members, sha256_of(file_opener(path)))
        return
    if path.is_dir():
        yield _index(path, {p.name: file_opener(p) for p in sorted(path.iterdir()) if p.is_file()}, None)
        return
    if YEAR_FILE.match(path.name):
        others = {p.name: file_opener(p) for p in sorted(path.parent.iterdir()) if p.is_file()}
        others = {n: o for n, o in others.items() if not YEAR_FILE.match(n) or n == path.name}
        yield _index(path, others, sha256_of(file_opener(path)))
        return
    raise DataError(
        "expected a BACI release zip, its extracted folder, or a BACI_HSxx_Yyyyy_Vxxxxxx.csv file",
        source=str(path),
    )


def _zip_opener(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Opener:
    return lambda: zf.open(info)


def _index(origin: Path, members: dict[str, Opener], checksum: str | None) -> Release:
    years: dict[int, YearFile] = {}
    releases: set[str] = set()
    for name, opener in members.items():
        m = YEAR_FILE.match(name)
        if not m:
            continue
        hs, year, version = m.group(1), int(m.group(2)), m.group(3)
        if hs not in BACI_HS_VERSIONS:
            raise DataError(
                f"unknown HS edition HS{hs}; known: {', '.join('HS' + k for k in BACI_HS_VERSIONS)}",
                source=name,
            )
        yf = YearFile(name, hs, year, version, opener)
        releases.add(yf.release)
        years[year] = yf
    if not years:
        raise DataError("no BACI_HSxx_Yyyyy_Vxxxxxx.csv file found", source=str(origin))
    if len(releases) > 1:
        raise DataError(
            f"several BACI releases found ({', '.join(sorted(releases))}); pass one release at a time",
            source=str(origin),
        )
    return Release(origin, dict(sorted(years.items())), members, checksum)


def read_products(raw: bytes, source: str) -> dict[str, str]:
    """``product_codes_HSxx_V*.csv`` (``code, description``) → {zero-padded code: description}."""
    header, reader = small_csv(raw)
    for col in ("code", "description"):
        if col not in header:
            raise DataError(f"column is missing (header: {', '.join(header)})", source=source, row=1, field=col)
    ci, di = header.index("code"), header.index("description")
    out: dict[str, str] = {}
    for line, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != len(header):
            raise DataError(f"expected {len(header)} columns, found {len(fields)}", source=source, row=line)
        code = fields[ci].strip()
        if not code:
            raise DataError("product code is missing", source=source, row=line, field="code")
        out[code.zfill(6) if code.isdigit() else code] = fields[di].strip()
    return out


def read_baci(zip_or_dir: Path, years: list[int] | None = None) -> LoadResult:
    """Read a BACI release (zip, folder or one yearly CSV) into ``trade_flows`` rows.

    ``years`` selects yearly files (all by default; a real year is about 11M rows, so prefer a few
    years at a time or :func:`iter_baci`). Raises :class:`DataError` naming the file, line and
    column of the first bad record, and :class:`NotFoundError` for a year the release lacks.
    """
    parts = list(iter_baci(zip_or_dir, years))
    if len(parts) == 1:
        return parts[0]
    checksums = {p.source: p.checksum for p in parts}
    whole = {p.checksum for p in parts}
    if len(whole) == 1:  # one zip: every part carries the zip's checksum
        checksum = whole.pop()
    else:
        checksum = hashlib.sha256("\n".join(sorted(checksums.values())).encode()).hexdigest()
    return LoadResult(
        flows=concat_flows([p.flows for p in parts]),
        unknown_codes=concat_unknown([p.unknown_codes for p in parts]),
        source=parts[0].source.rsplit(":", 1)[0],
        checksum=checksum,
        products=parts[0].products,
        checksums=checksums,
    )


def iter_baci(zip_or_dir: Path, years: list[int] | None = None) -> Iterator[LoadResult]:
    """Read a release one yearly file at a time: one single-source :class:`LoadResult` per year.

    Memory stays bounded by one year, so ``for res in iter_baci(zip): store(wh, res)`` loads a
    whole release; a front end can show progress per yielded year.
    """
    with open_release(Path(zip_or_dir)) as rel:
        wanted = list(rel.years) if years is None else list(dict.fromkeys(years))
        if not wanted:
            raise DataError("no year selected", source=str(zip_or_dir), field="years")
        for y in wanted:
            if y not in rel.years:
                raise NotFoundError("BACI year", y, rel.years)
        cname, copener = rel.member(COUNTRY_FILE, "country_codes_V*.csv")
        with copener() as fh:
            codes = read_baci_country_codes(fh.read(), cname)
        products: dict[str, str] = {}
        try:
            pname, popener = rel.member(PRODUCT_FILE, "product_codes_HS*_V*.csv")
        except DataError:
            pname = ""  # product names are optional for loading trade_flows
        if pname:
            with popener() as fh:
                products = read_products(fh.read(), pname)
        for y in wanted:
            yf = rel.years[y]
            flows, unknown = read_year(yf, codes)
            checksum = rel.whole_checksum or sha256_of(yf.opener)
            yield LoadResult(
                flows=flows,
                unknown_codes=unknown,
                source=yf.source,
                checksum=checksum,
                products=products,
                checksums={yf.source: checksum},
            )


def _constant(value: str, n: int) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value]))


def _padded_products(k: pa.ChunkedArray) -> pd.Categorical:
    """Zero-padded HS6 codes as a categorical; each distinct code is padded once, in Arrow."""
    encoded = pc.dictionary_encode(k).combine_chunks()
    # "10121" and "010121" pad to the same code: re-encoding the padded dictionary merges them.
    merged = pc.dictionary_encode(pc.utf8_lpad(encoded.dictionary, 6, "0"))
    remap = np.asarray(merged.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return pd.Categorical.from_codes(remap[indices], categories=pd.Index(merged.dictionary.to_pylist(), dtype=object))


def read_year(yf: YearFile, codes: CountryCodes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one yearly CSV; returns its ``trade_flows`` frame and its unknown-codes report."""
    src = yf.name
    layout = read_layout(yf.opener, src)
    if tuple(c.lower() for c in layout.columns) != COLUMNS:
        layout.require(COLUMNS, src)
        raise DataError(f"expected columns {', '.join(COLUMNS)}, found {', '.join(layout.columns)}", source=src, row=1)
    tbl = read_table(yf.opener, src, layout, _TYPES)
    n = tbl.num_rows
    problems: list[tuple[int, str, str]] = []

    def flag(mask: np.ndarray, field: str, message: str) -> None:
        idx = first_true(mask)
        if idx is not None:
            problems.append((idx, field, message))

    t_null = tbl["t"].is_null().to_numpy(zero_copy_only=False)
    t = pc.fill_null(tbl["t"], 0).to_numpy()
    empty = t_null & pc.equal(trimmed(tbl["k"]), "").to_numpy(zero_copy_only=False)
    flag(empty & tbl["v"].is_null().to_numpy(zero_copy_only=False), "t", "empty line")
    flag(t_null, "t", "year is missing")
    flag(~t_null & (t != yf.year), "t", f"year does not match {yf.year} in the file name")
    ints = {}
    for col in ("i", "j"):
        null = tbl[col].is_null().to_numpy(zero_copy_only=False)
        vals = pc.fill_null(tbl[col], 0).to_numpy()
        flag(null, col, "country code is missing")
        flag(~null & (vals < 0), col, "country code is negative")
        ints[col] = vals.astype(np.int64)
    k = trimmed(tbl["k"])
    flag(pc.equal(k, "").to_numpy(zero_copy_only=False), "k", "product code is missing")
    k_ok = pc.match_substring_regex(k, _HS_CODE).to_numpy(zero_copy_only=False)
    flag(~k_ok & pc.not_equal(k, "").to_numpy(zero_copy_only=False), "k", "not an HS6 product code")
    v_null = tbl["v"].is_null().to_numpy(zero_copy_only=False)
    v = pc.fill_null(tbl["v"], 0.0).to_numpy()
    flag(v_null, "v", "value is missing")
    flag(~v_null & ~(v >= 0), "v", "value is negative or not a number")
    q_raw = trimmed(tbl["q"])
    q_null = pc.or_(pc.equal(q_raw, ""), pc.equal(q_raw, "NA"))
    q_text = pc.if_else(q_null, "0", q_raw)
    try:
        q = pc.cast(q_text, pa.float64()).to_numpy()
    except pa.ArrowInvalid:
        idx = first_bad_number(q_text.to_pandas())
        if idx is None:
            raise
        problems.append((idx, "q", f"not a number: {q_raw[idx].as_py()!r}"))
        q = np.zeros(n)
    raise_first(problems, src)

    q_null_np = q_null.to_numpy(zero_copy_only=False)
    value_usd = v * VALUE_SCALE
    exporter, unk_x = codes.label(ints["i"])
    importer, unk_m = codes.label(ints["j"])
    hs6 = _padded_products(k)
    flows = pd.DataFrame(
        {
            "year": t.astype(np.int32),
            "exporter": exporter,
            "importer": importer,
            "hs6": hs6,
            "hs_version": _constant(BACI_HS_VERSIONS[yf.hs], n),
            "value_usd": value_usd,
            "quantity": np.where(q_null_np, np.nan, q),
            "unit": pd.Categorical.from_codes(np.where(q_null_np, -1, 0).astype(np.int8), categories=pd.Index([UNIT])),
            "duty_usd": np.full(n, np.nan),
            "reporter": _constant(REPORTER, n),
            "source": _constant(yf.source, n),
            ROW_COLUMN: np.arange(FIRST_DATA_LINE, n + FIRST_DATA_LINE, dtype=np.int64),
        }
    )
    check(flows, table("trade_flows"), src)
    names = {c: codes.name(c) for c in np.unique(np.concatenate([ints["i"][unk_x], ints["j"][unk_m]])).tolist()}
    unknown = concat_unknown(
        [
            unknown_report(yf.source, "exporter", ints["i"], unk_x, value_usd, names),
            unknown_report(yf.source, "importer", ints["j"], unk_m, value_usd, names),
        ]
    )
    return flows, unknown
