"""Numeric country codes → ISO3 labels, shared by the BACI and UN Comtrade loaders.

Both sources identify countries by numeric codes (BACI's own list, close to ISO 3166 numeric; UN
M49 in Comtrade) and ship or carry an ISO3 column next to them. A code is *known* when that column
gives a three-character code (``USA``, and the sources' own pseudo codes for "nes" areas such as
``S19`` = "Other Asia, nes"); otherwise it is *unknown* and its rows are labelled ``UNK:<code>``.
Unknown codes are kept and reported with their row counts and values, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from supplyscope.data.sources.csvtools import small_csv
from supplyscope.errors import DataError

__all__ = [
    "UNKNOWN_PREFIX",
    "CountryCode",
    "CountryCodes",
    "is_iso3_code",
    "read_baci_country_codes",
    "unknown_label",
]

UNKNOWN_PREFIX = "UNK:"
"""Label prefix for a country code without an ISO3 equivalent, e.g. ``UNK:899``."""

_LOOKUP_LIMIT = 1_000_000
_ISO3 = re.compile(r"^[A-Z][A-Z0-9]{2}$")

UNKNOWN_COLUMNS = ["source", "role", "code", "name", "rows", "value_usd"]
"""Columns of the unknown-codes report returned by every loader."""


def is_iso3_code(value: object) -> bool:
    """True for a three-character upper-case country code (ISO3 or a source's documented pseudo code)."""
    return isinstance(value, str) and bool(_ISO3.match(value))


def unknown_label(code: int | str) -> str:
    """The label stored for an unknown numeric code: ``unknown_label(899) == "UNK:899"``."""
    return f"{UNKNOWN_PREFIX}{code}"


@dataclass(frozen=True)
class CountryCode:
    """One numeric code with its ISO3 (``None`` when the source gives none) and name."""

    code: int
    iso3: str | None
    name: str


class CountryCodes:
    """A validated numeric-code table; ``label()`` maps code arrays to ISO3 or ``UNK:<code>``."""

    def __init__(self, entries: Iterable[CountryCode], *, source: str) -> None:
        table: dict[int, CountryCode] = {}
        for entry in entries:
            seen = table.get(entry.code)
            if seen is not None and seen.iso3 != entry.iso3:
                raise DataError(
                    f"country code {entry.code} maps to both {seen.iso3!r} and {entry.iso3!r}",
                    source=source,
                    field="country code",
                )
            if seen is None:
                table[entry.code] = entry
        self.source = source
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, code: object) -> bool:
        return code in self._table

    def iso3(self, code: int) -> str | None:
        """ISO3 of ``code``; ``None`` if the code is absent or has no usable ISO3."""
        entry = self._table.get(code)
        return entry.iso3 if entry is not None else None

    def name(self, code: int) -> str | None:
        entry = self._table.get(code)
        return entry.name if entry is not None else None

    def as_mapping(self) -> Mapping[int, str | None]:
        return {code: e.iso3 for code, e in self._table.items()}

    def label(self, codes: npt.NDArray[np.int64]) -> tuple[pd.Categorical, npt.NDArray[np.bool_]]:
        """Vectorised labelling: a categorical of ISO3 / ``UNK:<code>`` and the mask of unknown rows."""
        if codes.size and int(codes.min()) >= 0 and int(codes.max()) < _LOOKUP_LIMIT:
            # Numeric codes are small: a dense lookup table is O(n), unlike sorting.
            present = np.zeros(int(codes.max()) + 1, dtype=bool)
            present[codes] = True
            uniq = np.flatnonzero(present)
            position = np.zeros(present.size, dtype=np.int64)
            position[uniq] = np.arange(uniq.size)
            inverse = position[codes]
        else:
            uniq, inverse = np.unique(codes, return_inverse=True)
        labels: list[str] = []
        unknown_uniq = np.zeros(len(uniq), dtype=bool)
        for pos, raw in enumerate(uniq.tolist()):
            iso = self.iso3(int(raw))
            if iso is None:
                labels.append(unknown_label(int(raw)))
                unknown_uniq[pos] = True
            else:
                labels.append(iso)
        # Several codes may share one ISO3 (historic and current codes); merge them into one category.
        categories, remap = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
        cat_codes = remap[inverse].astype(np.int32)
        cat = pd.Categorical.from_codes(cat_codes, categories=pd.Index(categories.tolist(), dtype=object))
        return cat, unknown_uniq[inverse]


def read_baci_country_codes(raw: bytes, source: str) -> CountryCodes:
    """Parse a BACI ``country_codes_V*.csv`` file (current and older column names).

    Current releases: ``country_code, country_name, country_iso2, country_iso3``. Releases up to
    V202301 used ``country_code, country_name_abbreviation, country_name_full, iso_2digit_alpha,
    iso_3digit_alpha``. Older files are Latin-1 encoded; UTF-8 is tried first.
    """
    header, reader = small_csv(raw)
    col = {name: i for i, name in enumerate(header)}
    iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in col), None)
    name_col = next((c for c in ("country_name", "country_name_abbreviation", "country_name_full") if c in col), None)
    if "country_code" not in col or iso_col is None or name_col is None:
        missing = "country_code" if "country_code" not in col else "country_iso3" if iso_col is None else "country_name"
        raise DataError(f"column is missing (header: {', '.join(header)})", source=source, row=1, field=missing)
    entries: list[CountryCode] = []
    for line, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue  # blank line in a small dictionary file: nothing to read
        if len(fields) != len(header):
            raise DataError(f"expected {len(header)} columns, found {len(fields)}", source=source, row=line, field=None)
        raw_code = fields[col["country_code"]].strip()
        if not raw_code.isdigit():
            raise DataError(f"not a numeric country code: {raw_code!r}", source=source, row=line, field="country_code")
        iso = fields[col[iso_col]].strip().upper()
        entries.append(CountryCode(int(raw_code), iso if is_iso3_code(iso) else None, fields[col[name_col]].strip()))
    return CountryCodes(entries, source=source)


def empty_unknown_report() -> pd.DataFrame:
    """An unknown-codes report with no rows (typed columns)."""
    return pd.DataFrame(
        {
            "source": pd.Series(dtype=object),
            "role": pd.Series(dtype=object),
            "code": pd.Series(dtype=object),
            "name": pd.Series(dtype=object),
            "rows": pd.Series(dtype="int64"),
            "value_usd": pd.Series(dtype="float64"),
        }
    )


def unknown_report(
    source: str,
    role: str,
    codes: npt.NDArray[np.int64],
    unknown: npt.NDArray[np.bool_],
    values: npt.NDArray[np.float64],
    names: Mapping[int, str | None],
) -> pd.DataFrame:
    """Rows and value per unknown code (one row per code) for one role (exporter or importer)."""
    if not unknown.any():
        return empty_unknown_report()
    frame = pd.DataFrame({"code": codes[unknown], "value_usd": values[unknown]})
    out = frame.groupby("code", sort=True).agg(rows=("value_usd", "size"), value_usd=("value_usd", "sum"))
    out = out.reset_index()
    out.insert(0, "source", source)
    out.insert(1, "role", role)
    out["name"] = [names.get(int(c)) for c in out["code"]]
    out["code"] = out["code"].astype(str)
    out["rows"] = out["rows"].astype("int64")
    return out[UNKNOWN_COLUMNS]
