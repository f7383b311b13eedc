"""US net import reliance, import sources (USGS MCS 2026) and the US critical-minerals lists.

``net_import_reliance_latest_raw`` is printed by USGS as a percentage of apparent consumption,
sometimes as a bound (``>50``) and sometimes per metal (``palladium 57; platinum 89``); where the
bundled extraction left the cell blank the status is ``not_extracted`` (the chapter may state a
figure that the extraction did not capture; it is not "not stated" by USGS). Each form is kept with
a status. ``import_sources`` lists, per import category,
``Country NN%`` items; they become one row per category and country, with ``other`` kept as the
aggregate code ``OTHER``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from supplyscope.codes.minerals import load_catalog
from supplyscope.data.sources.usgs import read_critical_lists_raw, read_reliance_raw
from supplyscope.data.sources.usgs_mcs import OTHER, country_code
from supplyscope.errors import DataError

_EXTRA_NAMES = {"republic of korea": "KOR", "other": OTHER}
_ITEM = re.compile(r"^(?P<name>.+?)\s+(?P<pct>\d+(?:\.\d+)?)%$")


def _mineral_key(commodity: str) -> str:
    by_commodity = {m.mcs_commodity.split(" (")[0]: m.key for m in load_catalog().values() if m.mcs_commodity}
    by_commodity.update({"germanium": "germanium", "platinum-group metals": "pgm", "aluminum": "aluminum"})
    base = commodity.split(" (")[0] if not commodity.startswith("graphite") else "graphite"
    if base not in by_commodity:
        raise KeyError(commodity)
    return by_commodity[base]


def _reliance(raw: str) -> list[tuple[str, float | None, str]]:
    text = raw.strip()
    if not text:
        return [("all", None, "not_extracted")]
    out: list[tuple[str, float | None, str]] = []
    for part in text.split(";"):
        m = re.match(r"^(?:(?P<metal>[a-z ]+?)\s+)?(?P<bound>>)?(?P<num>\d+(?:\.\d+)?)$", part.strip())
        if not m:
            raise ValueError(f"cannot read net import reliance {raw!r}")
        out.append(
            (
                m.group("metal") or "all",
                float(m.group("num")) / 100.0,
                "lower_bound" if m.group("bound") else "reported",
            )
        )
    return out


@lru_cache(maxsize=1)
def import_reliance() -> pd.DataFrame:
    """Net import reliance (fraction of apparent consumption, 2025e) per mineral and metal."""
    raw, path = read_reliance_raw()
    rows = []
    for i, rec in enumerate(raw.to_dict("records")):
        try:
            key = _mineral_key(str(rec["commodity"]))
        except KeyError:
            raise DataError(
                f"unknown commodity {rec['commodity']!r}", source=str(path), row=i + 2, field="commodity"
            ) from None
        try:
            parts = _reliance(str(rec["net_import_reliance_latest_raw"]))
        except ValueError as exc:
            raise DataError(str(exc), source=str(path), row=i + 2, field="net_import_reliance_latest_raw") from None
        for metal, value, status in parts:
            rows.append(
                {
                    "mineral": key,
                    "metal": metal,
                    "net_import_reliance": value,
                    "status": status,
                    "raw": rec["net_import_reliance_latest_raw"],
                    "year": 2025,
                }
            )
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def import_sources() -> pd.DataFrame:
    """US import sources 2021–24: mineral, category, country (ISO3 or OTHER), share (fraction).

    Items the source marks as partial (``(partial) ...``) are kept with ``partial = True``.
    """
    raw, path = read_reliance_raw()
    rows = []
    for i, rec in enumerate(raw.to_dict("records")):
        key = _mineral_key(str(rec["commodity"]))
        for block in str(rec["import_sources"]).split(" | "):
            partial = block.startswith("(partial)")
            body = block.replace("(partial) ...", "").strip()
            category, _, items = body.rpartition(": ") if ": " in body else ("all", "", body)
            items = re.sub(r"\s*\(world refinery table.*\)$", "", items)
            for item in items.split(";"):
                m = _ITEM.match(item.strip())
                if not m:
                    raise DataError(
                        f"cannot read import source {item.strip()!r}",
                        source=str(path),
                        row=i + 2,
                        field="import_sources",
                    )
                name = m.group("name").strip()
                found = _EXTRA_NAMES.get(name.lower()) or (country_code(name) or (None, ""))[0]
                if found is None:
                    raise DataError(f"unknown country {name!r}", source=str(path), row=i + 2, field="import_sources")
                rows.append(
                    {
                        "mineral": key,
                        "category": category.strip() or "all",
                        "country": found,
                        "share": float(m.group("pct")) / 100.0,
                        "partial": partial,
                        "period": str(rec["import_sources_range"]),
                    }
                )
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def critical_lists() -> pd.DataFrame:
    """The 2022 and 2025 US critical-minerals lists: mineral, on_2022_list, on_2025_list, added_in_2025."""
    raw, path = read_critical_lists_raw()
    out = raw[["mineral"]].copy()
    for col in ("on_2022_list", "on_2025_list", "added_in_2025"):
        bad = ~raw[col].isin(["True", "False"])
        if bad.any():
            raise DataError(
                f"expected True/False, got {raw.loc[bad, col].iloc[0]!r}",
                source=str(path),
                row=int(bad.idxmax()) + 2,
                field=col,
            )
        out[col] = raw[col] == "True"
    return out


LIST_NAMES: dict[str, tuple[str, ...]] = {
    "rare-earths": (
        "cerium",
        "dysprosium",
        "erbium",
        "europium",
        "gadolinium",
        "holmium",
        "lanthanum",
        "lutetium",
        "neodymium",
        "praseodymium",
        "samarium",
        "terbium",
        "thulium",
        "ytterbium",
        "yttrium",
        "scandium",
    ),
    "pgm": ("platinum", "palladium", "iridium", "rhodium", "ruthenium"),
}
"""Catalogue minerals that the lists name element by element; any listed element counts."""


def list_status() -> pd.DataFrame:
    """For each catalogued mineral: on the 2022 list, on the 2025 list, and the list names used."""
    lists = critical_lists().set_index("mineral")
    rows = []
    for key in load_catalog():
        names = LIST_NAMES.get(key, (key,))
        found = [n for n in names if n in lists.index]
        rows.append(
            {
                "mineral": key,
                "on_2022_list": bool(lists.loc[found, "on_2022_list"].any()) if found else False,
                "on_2025_list": bool(lists.loc[found, "on_2025_list"].any()) if found else False,
                "list_names": found,
            }
        )
    return pd.DataFrame(rows)
