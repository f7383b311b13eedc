"""Screening lists: published list files and the bundled lists -> canonical ``screening_entities`` frames.

Formats, as a user downloads them:

* ``sdn-csv``  OFAC ``sdn.csv`` (12 columns, no header; ``-0-`` = empty), with ``alt.csv`` and
  ``add.csv`` read from the same folder when present. Aliases in the remarks (``a.k.a. 'X'``) are
  also taken.
* ``sdn-xml``  OFAC ``sdn.xml`` (``sdnList`` / ``sdnEntry``; any namespace).
* ``csl``      trade.gov Consolidated Screening List, CSV (``consolidated.csv``) or JSON
  (``consolidated.json``, ``{"results": [...]}``). The BIS Entity List is one of its sources.
* ``ftm``      FollowTheMoney / OpenSanctions entities, one JSON object per line.
* ``uflpa``    the UFLPA Entity List CSV compiled in ``shared/data/screening``: the first file
  (name, aliases, list_section, date_added, source) or the fuller v2 file (name, aliases,
  list_section, added_on, fr_document, industry, address_or_city, source_url, evidence).

Each entry keeps its entity type (person, organisation, vessel, aircraft), every country and
nationality it names, its remarks, a source URL and its identifiers (``IMO:``, ``MMSI:``, ``DOB:``,
``TAIL:``, ``FR:``). :func:`bundled_entities` and :func:`bundled_meta` read the bundled lists;
:func:`to_iso3` resolves country names as the lists write them.

Every loader returns a :class:`ListLoad`. A malformed record raises :class:`DataError` naming the
file, the row (line number in the file) and the field; nothing is dropped without being counted in
``ListLoad.skipped``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.data.schema import table
from supplyscope.data.sources.screening_countries import to_iso3
from supplyscope.data.sources.screening_meta import bundled_meta
from supplyscope.data.validate import ROW_COLUMN
from supplyscope.errors import DataError

FORMATS = ("csl", "sdn-csv", "sdn-xml", "ftm", "uflpa")
ENTITY_TYPES = ("person", "organisation", "vessel", "aircraft")
COLUMNS = table("screening_entities").column_names


@dataclass
class ListLoad:
    """A loaded list: canonical rows plus what the loader had to say about them."""

    frame: pd.DataFrame
    version: str
    fmt: str
    path: str
    skipped: list[tuple[int, str]] = field(default_factory=list)
    unresolved_countries: Counter[str] = field(default_factory=Counter)

    @property
    def lists(self) -> dict[str, int]:
        """Entry counts per list code."""
        return {str(k): int(v) for k, v in self.frame["list"].value_counts().sort_index().items()}


# --------------------------------------------------------------------------- shared helpers


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """Read a text file, or raise a DataError naming the line with the undecodable byte."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataError(f"not a readable gzip file: {exc}", source=str(path)) from exc
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not valid {encoding} text (byte {raw[exc.start]:#04x} at offset {exc.start}); "
            "pass the file's encoding, e.g. --encoding latin-1",
            source=str(path),
            row=line,
            field="encoding",
        ) from exc


def csv_records(text: str, path: Path, *, header: bool = True) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, fields)``; a malformed CSV raises a DataError with the line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for fields in reader:
            if header and reader.line_num == 1:
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            yield reader.line_num, fields
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc}", source=str(path), row=reader.line_num + 1) from exc


def _parse_date(value: str | None, path: Path, row: int, fld: str) -> date | None:
    if value is None or not value.strip():
        return None
    v = value.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(v[:19] if "T" in v else v, fmt).date()
        except ValueError:
            continue
    raise DataError(f"not a date: {value!r}", source=str(path), row=row, field=fld)


def _split(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [p.strip() for p in value.split(sep) if p.strip()]


def _dedupe(values: list[str], exclude: str = "") -> list[str]:
    seen = {exclude.casefold()}
    out = []
    for v in values:
        key = v.casefold()
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


_DEFAULTS: dict[str, Any] = {"entity_type": "organisation", "remarks": None, "source_url": None}


def _frame(records: list[dict[str, Any]], path: Path) -> pd.DataFrame:
    for r in records:
        for k, v in _DEFAULTS.items():
            r.setdefault(k, v)
        r.setdefault("countries", [r["country"]] if r.get("country") else [])
        r.setdefault("identifiers", [])
    df = pd.DataFrame.from_records(records, columns=[*COLUMNS, ROW_COLUMN])
    dup = df["entity_id"].duplicated(keep="first")
    if dup.any():
        first = df[dup].iloc[0]
        raise DataError(
            f"duplicate entity id {first['entity_id']!r}",
            source=str(path),
            row=int(first[ROW_COLUMN]),
            field="entity_id",
        )
    return df


def _require(value: str | None, path: Path, row: int, fld: str) -> str:
    if value is None or not value.strip():
        raise DataError("value is required", source=str(path), row=row, field=fld)
    return value.strip()


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Only the canonical columns (drops the ``_row`` line numbers)."""
    return df[COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- OFAC SDN CSV

SDN_COLUMNS = (
    "ent_num",
    "sdn_name",
    "sdn_type",
    "program",
    "title",
    "call_sign",
    "vess_type",
    "tonnage",
    "grt",
    "vess_flag",
    "vess_owner",
    "remarks",
)
_AKA = re.compile(r"\b([afn])\.k\.a\.,?\s*'([^']+)'", re.IGNORECASE)
_NATIONALITY = re.compile(r"\b(?:Nationality of Registration|nationality|citizen)\s+([^;.]+)", re.IGNORECASE)
_PAREN_COUNTRY = re.compile(r"\(([A-Z][A-Za-z ,.'-]+)\)")


_IMO = re.compile(r"\bIMO\s*(?:No\.?\s*)?(\d{7})\b", re.IGNORECASE)
_MMSI = re.compile(r"\bMMSI\s*(?:No\.?\s*)?(\d{9})\b", re.IGNORECASE)
_DOB = re.compile(r"\bDOB\s+((?:\d{1,2}\s+)?(?:[A-Z][a-z]{2}\s+)?\d{4})")
_TAIL = re.compile(r"\bTail Number\s+([A-Z0-9-]{3,10})\b")
_FR = re.compile(r"\b(\d{4}-\d{5})\b")
SDN_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "": "organisation"}
SDN_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
"""OFAC's public page for one SDN entry."""


def remark_identifiers(remarks: str) -> list[str]:
    """Strong identifiers written in list remarks: IMO and MMSI numbers, dates of birth, tail numbers."""
    out = [f"IMO:{m}" for m in _IMO.findall(remarks)]
    out += [f"MMSI:{m}" for m in _MMSI.findall(remarks)]
    out += [f"DOB:{_dob(m)}" for m in _DOB.findall(remarks)]
    out += [f"TAIL:{m.replace('-', '')}" for m in _TAIL.findall(remarks)]
    return list(dict.fromkeys(out))


def _dob(text: str) -> str:
    """``"01 Apr 1950"`` -> ``"1950-04-01"``, ``"Apr 1950"`` -> ``"1950-04"``, ``"1950"`` -> ``"1950"``."""
    parts = text.split()
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    year = parts[-1]
    month = f"{months.index(parts[-2].lower()) + 1:02d}" if len(parts) >= 2 and parts[-2].lower() in months else ""
    day = f"{int(parts[0]):02d}" if len(parts) == 3 and parts[0].isdigit() else ""
    return "-".join(p for p in (year, month, day) if p)


def remark_countries(remarks: str, *extra: str) -> list[str]:
    """Every country an entry's remarks name (nationality, citizenship, flag, places, ID issuers), ISO3."""
    raw = [*extra, *_NATIONALITY.findall(remarks), *_PAREN_COUNTRY.findall(remarks)]
    raw += [seg.rsplit(",", 1)[-1] for seg in re.findall(r"\bPOB\s+([^;]+)", remarks)]
    out = [c for c in (to_iso3(r.strip()) for r in raw) if c]
    return list(dict.fromkeys(out))


def _sdn_empty(v: str) -> str:
    v = v.strip()
    return "" if v == "-0-" else v


def _programs(value: str) -> list[str]:
    return [p.strip(" []") for p in re.split(r"\]\s*\[", value) if p.strip(" []")]


def infer_sdn_country(remarks: str, vess_flag: str = "") -> tuple[str | None, str]:
    """Country of an SDN entry from its remarks: nationality, else the country most IDs name.

    Returns the ISO3 code (or ``None``) and the raw text it came from, for the load report.
    """
    m = _NATIONALITY.search(remarks)
    if m:
        raw = m.group(1).strip()
        return to_iso3(raw), raw
    if vess_flag:
        return to_iso3(vess_flag), vess_flag
    named = [to_iso3(c) for c in _PAREN_COUNTRY.findall(remarks)]
    counts = Counter(c for c in named if c)
    if counts:
        return counts.most_common(1)[0][0], ""
    return None, ""


def load_sdn_csv(path: Path, *, encoding: str = "utf-8", version: str | None = None) -> ListLoad:
    """OFAC ``sdn.csv`` (with sibling ``alt.csv`` / ``add.csv`` when present)."""
    text = read_text(path, encoding).replace("\x1a", "")
    first = text.split("\n", 1)[0].lower()
    has_header = first.startswith("ent_num")
    alts: dict[str, list[str]] = {}
    addrs: dict[str, list[tuple[str, str]]] = {}
    alt_path, add_path = path.with_name("alt.csv"), path.with_name("add.csv")
    if alt_path.exists() and alt_path != path:
        for line, f in csv_records(read_text(alt_path, encoding).replace("\x1a", ""), alt_path, header=False):
            if len(f) < 4:
                raise DataError(f"expected 5 fields, found {len(f)}", source=str(alt_path), row=line)
            if _sdn_empty(f[3]):
                alts.setdefault(f[0].strip(), []).append(_sdn_empty(f[3]))
    if add_path.exists() and add_path != path:
        for line, f in csv_records(read_text(add_path, encoding).replace("\x1a", ""), add_path, header=False):
            if len(f) < 5:
                raise DataError(f"expected 6 fields, found {len(f)}", source=str(add_path), row=line)
            parts = [_sdn_empty(x) for x in f[2:5]]
            addrs.setdefault(f[0].strip(), []).append((", ".join(p for p in parts if p), parts[2]))
    load = ListLoad(pd.DataFrame(), version or _version_from_name(path), "sdn-csv", str(path))
    records: list[dict[str, Any]] = []
    for line, f in csv_records(text, path, header=has_header):
        if len(f) != len(SDN_COLUMNS):
            raise DataError(f"expected {len(SDN_COLUMNS)} fields, found {len(f)}", source=str(path), row=line)
        rec = dict(zip(SDN_COLUMNS, (_sdn_empty(x) for x in f), strict=True))
        ent = _require(rec["ent_num"], path, line, "ent_num")
        if not ent.isdigit():
            raise DataError(f"not an entry number: {ent!r}", source=str(path), row=line, field="ent_num")
        name = _require(rec["sdn_name"], path, line, "sdn_name")
        remarks = rec["remarks"]
        aliases = [a for _, a in _AKA.findall(remarks)] + alts.get(ent, [])
        addr_list = addrs.get(ent, [])
        country: str | None = None
        for _, ctry in addr_list:
            country = to_iso3(ctry)
            if country:
                break
        if country is None:
            country, raw = infer_sdn_country(remarks, rec["vess_flag"])
            if country is None and raw:
                load.unresolved_countries[raw] += 1
        etype = SDN_TYPES.get(rec["sdn_type"].strip().lower(), "organisation")
        idents = remark_identifiers(remarks)
        if etype == "aircraft" and re.fullmatch(r"[A-Z0-9]{1,3}-?[A-Z0-9]{2,6}", name):
            idents.append(f"TAIL:{name.replace('-', '')}")
        countries = [c for c in (to_iso3(x) for _, x in addr_list) if c]
        countries += remark_countries(remarks, rec["vess_flag"])
        records.append(
            {
                "entity_id": f"SDN:{ent}",
                "list": "SDN",
                "name": name,
                "aliases": _dedupe(aliases, name),
                "country": country,
                "addresses": [a for a, _ in addr_list if a],
                "programs": _programs(rec["program"]),
                "listed_on": None,
                "source": f"OFAC SDN {load.version} ({path.name})",
                "entity_type": etype,
                "countries": list(dict.fromkeys(([country] if country else []) + countries)),
                "remarks": remarks or None,
                "source_url": SDN_URL.format(ent),
                "identifiers": list(dict.fromkeys(idents)),
                ROW_COLUMN: line,
            }
        )
    load.frame = _frame(records, path)
    return load


def _version_from_name(path: Path) -> str:
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    if m:
        return m.group(1)
    return "file " + hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# --------------------------------------------------------------------------- OFAC SDN XML


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(el: ET.Element, name: str) -> str:
    for c in el:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return ""


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _person_name(el: ET.Element) -> str:
    last, first = _child_text(el, "lastName"), _child_text(el, "firstName")
    return f"{last}, {first}" if last and first else (last or first)


def load_sdn_xml(path: Path, *, encoding: str = "utf-8", version: str | None = None) -> ListLoad:
    """OFAC ``sdn.xml``: entries with aliases (akaList), addresses and nationalities."""
    text = read_text(path, encoding)
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise DataError(f"malformed XML: {exc}", source=str(path), row=exc.position[0]) from exc
    publish = ""
    for el in root.iter():
        if _local(el.tag) == "Publish_Date":
            publish = (el.text or "").strip()
            break
    ver = version or (str(_parse_date(publish, path, 0, "Publish_Date")) if publish else _version_from_name(path))
    load = ListLoad(pd.DataFrame(), ver, "sdn-xml", str(path))
    records: list[dict[str, Any]] = []
    for i, entry in enumerate((e for e in root if _local(e.tag) == "sdnEntry"), start=1):
        uid = _child_text(entry, "uid")
        if not uid:
            raise DataError("value is required", source=str(path), row=i, field="uid")
        name = _person_name(entry)
        if not name:
            raise DataError("value is required", source=str(path), row=i, field="lastName")
        aliases: list[str] = []
        for lst in _children(entry, "akaList"):
            aliases += [n for n in (_person_name(a) for a in _children(lst, "aka")) if n]
        programs: list[str] = []
        for lst in _children(entry, "programList"):
            programs += [(p.text or "").strip() for p in _children(lst, "program") if (p.text or "").strip()]
        addresses: list[str] = []
        countries: list[str] = []
        for lst in _children(entry, "addressList"):
            for a in _children(lst, "address"):
                parts = [
                    _child_text(a, k)
                    for k in ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country")
                ]
                if any(parts):
                    addresses.append(", ".join(p for p in parts if p))
                if parts[-1]:
                    countries.append(parts[-1])
        for tag in ("nationalityList", "citizenshipList"):
            for lst in _children(entry, tag):
                countries += [_child_text(n, "country") for n in lst if _child_text(n, "country")]
        country = None
        for raw in countries:
            country = to_iso3(raw)
            if country:
                break
            load.unresolved_countries[raw] += 1
        idents: list[str] = []
        for lst in _children(entry, "idList"):
            for ident in _children(lst, "id"):
                kind, number = _child_text(ident, "idType"), _child_text(ident, "idNumber")
                if number and ("IMO" in kind or "MMSI" in kind):
                    idents.append(f"{'IMO' if 'IMO' in kind else 'MMSI'}:{number}")
        for lst in _children(entry, "dateOfBirthList"):
            idents += [f"DOB:{_dob(t)}" for t in (_child_text(d, "dateOfBirth") for d in lst) if t]
        etype = SDN_TYPES.get(_child_text(entry, "sdnType").lower(), "organisation")
        remarks = _child_text(entry, "remarks")
        records.append(
            {
                "entity_type": etype,
                "countries": list(dict.fromkeys(c for c in (to_iso3(x) for x in countries) if c)),
                "remarks": remarks or None,
                "source_url": SDN_URL.format(uid),
                "identifiers": list(dict.fromkeys(idents + remark_identifiers(remarks))),
                "entity_id": f"SDN:{uid}",
                "list": "SDN",
                "name": name,
                "aliases": _dedupe(aliases, name),
                "country": country,
                "addresses": addresses,
                "programs": programs,
                "listed_on": None,
                "source": f"OFAC SDN XML {ver} ({path.name})",
                ROW_COLUMN: i,
            }
        )
    load.frame = _frame(records, path)
    return load


# --------------------------------------------------------------------------- trade.gov CSL

CSL_REQUIRED = ("source", "entity_number", "name", "alt_names", "addresses", "programs", "start_date")
_SOURCE_CODE = re.compile(r"\(([A-Z0-9-]+)\)")


def csl_list_code(source: str) -> str:
    """``"Entity List (EL) - Bureau of Industry and Security"`` -> ``"EL"``."""
    m = _SOURCE_CODE.search(source)
    return m.group(1) if m else (source.split(" - ")[0].strip() or "CSL")


def _csl_country(addresses: list[str], nationalities: list[str]) -> tuple[str | None, str]:
    for a in addresses:
        last = a.rsplit(",", 1)[-1].strip()
        if last:
            c = to_iso3(last)
            if c:
                return c, last
    for n in nationalities:
        c = to_iso3(n)
        if c:
            return c, n
    raw = (addresses[0].rsplit(",", 1)[-1].strip() if addresses else "") or (nationalities[0] if nationalities else "")
    return None, raw


def _csl_record(r: dict[str, Any], line: int, path: Path, load: ListLoad) -> dict[str, Any]:
    src = _require(r.get("source"), path, line, "source")
    code = csl_list_code(src)
    name = _require(r.get("name"), path, line, "name")
    native = (r.get("entity_number") or "").strip() or (r.get("_id") or r.get("id") or "").strip()
    if not native:
        raise DataError("value is required", source=str(path), row=line, field="entity_number")
    country, raw = _csl_country(r["addresses"], r["nationalities"])
    if country is None and raw:
        load.unresolved_countries[raw] += 1
    remarks = str(r.get("remarks") or "").strip()
    named = [a.rsplit(",", 1)[-1].strip() for a in r["addresses"]] + list(r["nationalities"])
    countries = [c for c in (to_iso3(x) for x in named) if c]
    etype = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}.get(
        str(r.get("type") or "").strip().lower(), "organisation"
    )
    return {
        "entity_type": etype,
        "countries": list(dict.fromkeys(([country] if country else []) + countries)),
        "remarks": remarks or None,
        "source_url": str(r.get("source_list_url") or r.get("source_information_url") or "").strip() or None,
        "identifiers": remark_identifiers(remarks),
        "entity_id": f"{code}:{native}",
        "list": code,
        "name": name,
        "aliases": _dedupe(r["alt_names"], name),
        "country": country,
        "addresses": r["addresses"],
        "programs": r["programs"],
        "listed_on": _parse_date(r.get("start_date"), path, line, "start_date"),
        "source": f"trade.gov CSL {load.version} ({path.name}): {src}",
        ROW_COLUMN: line,
    }


def load_csl(path: Path, *, encoding: str = "utf-8", version: str | None = None) -> ListLoad:
    """trade.gov Consolidated Screening List, CSV or JSON (chosen by the file's first character)."""
    text = read_text(path, encoding).lstrip("\ufeff")
    load = ListLoad(pd.DataFrame(), version or _version_from_name(path), "csl", str(path))
    records: list[dict[str, Any]] = []
    if text.lstrip().startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"malformed JSON: {exc.msg}", source=str(path), row=exc.lineno) from exc
        results = doc.get("results") if isinstance(doc, dict) else doc
        if not isinstance(results, list):
            raise DataError("expected a 'results' list", source=str(path), field="results")
        for i, item in enumerate(results, start=1):
            if not isinstance(item, dict):
                raise DataError("result is not an object", source=str(path), row=i)
            addresses = []
            for a in item.get("addresses") or []:
                if isinstance(a, dict):
                    parts = [
                        str(a.get(k) or "").strip() for k in ("address", "city", "state", "postal_code", "country")
                    ]
                    if any(parts):
                        addresses.append(", ".join(p for p in parts if p))
                elif isinstance(a, str) and a.strip():
                    addresses.append(a.strip())
            rec = {
                "source": item.get("source"),
                "entity_number": str(item.get("entity_number") or ""),
                "_id": str(item.get("id") or item.get("_id") or ""),
                "name": item.get("name"),
                "alt_names": [str(x) for x in item.get("alt_names") or [] if str(x).strip()],
                "addresses": addresses,
                "programs": [str(x) for x in item.get("programs") or [] if str(x).strip()],
                "nationalities": [str(x) for x in (item.get("nationalities") or []) + (item.get("citizenships") or [])],
                "start_date": item.get("start_date"),
                "type": item.get("type"),
                "remarks": item.get("remarks"),
                "source_list_url": item.get("source_list_url"),
            }
            records.append(_csl_record(rec, i, path, load))
    else:
        rows = csv_records(text, path, header=False)
        try:
            _, header = next(rows)
        except StopIteration:
            raise DataError("file is empty", source=str(path)) from None
        header = [h.strip() for h in header]
        missing = [c for c in CSL_REQUIRED if c not in header]
        if missing:
            raise DataError(
                f"column is missing (found: {', '.join(header)})", source=str(path), row=1, field=missing[0]
            )
        for line, f in rows:
            if len(f) != len(header):
                raise DataError(f"expected {len(header)} fields, found {len(f)}", source=str(path), row=line)
            r = dict(zip(header, f, strict=True))
            rec = {
                "source": r["source"],
                "entity_number": r["entity_number"],
                "_id": r.get("_id", ""),
                "name": r["name"],
                "alt_names": _split(r["alt_names"]),
                "addresses": _split(r["addresses"]),
                "programs": _split(r["programs"]),
                "nationalities": _split(r.get("nationalities")) + _split(r.get("citizenships")),
                "start_date": r["start_date"],
                "type": r.get("type"),
                "remarks": r.get("remarks"),
                "source_list_url": r.get("source_list_url"),
            }
            records.append(_csl_record(rec, line, path, load))
    load.frame = _frame(records, path)
    return load


# --------------------------------------------------------------------------- FollowTheMoney

FTM_NAMED_SCHEMATA = frozenset({"LegalEntity", "Company", "Organization", "Person", "PublicBody", "Vessel", "Airplane"})


def load_ftm(path: Path, *, encoding: str = "utf-8", version: str | None = None) -> ListLoad:
    """FollowTheMoney / OpenSanctions entities (JSON lines). Non-party schemata are counted as skipped."""
    text = read_text(path, encoding)
    load = ListLoad(pd.DataFrame(), version or _version_from_name(path), "ftm", str(path))
    records: list[dict[str, Any]] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DataError(f"malformed JSON: {exc.msg}", source=str(path), row=line) from exc
        if not isinstance(obj, dict):
            raise DataError("line is not a JSON object", source=str(path), row=line)
        schema = obj.get("schema")
        if not isinstance(schema, str) or not schema:
            raise DataError("value is required", source=str(path), row=line, field="schema")
        if schema not in FTM_NAMED_SCHEMATA:
            load.skipped.append((line, f"schema {schema} is not a party"))
            continue
        ent_id = _require(obj.get("id"), path, line, "id")
        props = obj.get("properties")
        if not isinstance(props, dict):
            raise DataError("value is required", source=str(path), row=line, field="properties")

        def values(*keys: str, p: dict[str, Any] = props) -> list[str]:
            out: list[str] = []
            for k in keys:
                v = p.get(k) or []
                out += [str(x).strip() for x in (v if isinstance(v, list) else [v]) if str(x).strip()]
            return out

        names = values("name")
        if not names:
            raise DataError("value is required", source=str(path), row=line, field="properties.name")
        country = None
        all_countries = values("country", "jurisdiction", "nationality", "citizenship", "flag")
        for raw_c in all_countries:
            country = to_iso3(raw_c)
            if country:
                break
            load.unresolved_countries[raw_c] += 1
        idents = [f"IMO:{v.removeprefix('IMO').strip()}" for v in values("imoNumber")]
        idents += [f"MMSI:{v}" for v in values("mmsi")] + [f"DOB:{v[:10]}" for v in values("birthDate")]
        idents += [f"TAIL:{v.replace('-', '')}" for v in values("registrationNumber") if schema == "Airplane"]
        datasets = obj.get("datasets") or []
        list_code = str(datasets[0]) if isinstance(datasets, list) and datasets else "FTM"
        listed = (values("createdAt") or [str(obj.get("first_seen") or "")])[0][:10]
        records.append(
            {
                "entity_id": f"FTM:{ent_id}",
                "list": list_code,
                "name": names[0],
                "aliases": _dedupe(names[1:] + values("alias", "previousName", "weakAlias"), names[0]),
                "country": country,
                "addresses": values("address"),
                "programs": values("programId", "program"),
                "listed_on": _parse_date(listed, path, line, "createdAt"),
                "source": f"FollowTheMoney {load.version} ({path.name})",
                "entity_type": {"Person": "person", "Vessel": "vessel", "Airplane": "aircraft"}.get(
                    schema, "organisation"
                ),
                "countries": list(dict.fromkeys(c for c in (to_iso3(x) for x in all_countries) if c)),
                "remarks": "; ".join(values("notes", "summary")) or None,
                "source_url": next(iter(values("sourceUrl")), None),
                "identifiers": idents,
                ROW_COLUMN: line,
            }
        )
    load.frame = _frame(records, path)
    return load


# --------------------------------------------------------------------------- UFLPA (compiled CSV)

UFLPA_COLUMNS = ("name", "aliases", "list_section")
UFLPA_DATE_COLUMNS = ("date_added", "added_on")
UFLPA_URL = "https://www.dhs.gov/uflpa-entity-list"
"""The DHS page that publishes the UFLPA Entity List."""
_ALIAS_NOTE = re.compile(r"\s*\((?:formerly known as|former name[^)]*|spelling[^)]*)\)\s*$", re.IGNORECASE)


def uflpa_entity_id(name: str) -> str:
    """Deterministic id: a hash of the listed name (the list has no numbers of its own)."""
    return "UFLPA:" + hashlib.sha1(name.strip().casefold().encode("utf-8")).hexdigest()[:12]


def load_uflpa(path: Path, *, encoding: str = "utf-8", version: str | None = None) -> ListLoad:
    """A UFLPA Entity List CSV: the first compiled file or the fuller v2 file (with FR documents)."""
    text = read_text(path, encoding).lstrip("\ufeff")
    rows = csv_records(text, path, header=False)
    try:
        _, header = next(rows)
    except StopIteration:
        raise DataError("file is empty", source=str(path)) from None
    header = [h.strip() for h in header]
    missing = [c for c in UFLPA_COLUMNS if c not in header]
    date_col = next((c for c in UFLPA_DATE_COLUMNS if c in header), None)
    if missing or date_col is None:
        raise DataError("column is missing", source=str(path), row=1, field=missing[0] if missing else "added_on")
    records: list[dict[str, Any]] = []
    ver = version or _version_from_name(path)
    for line, f in rows:
        if len(f) != len(header):
            raise DataError(f"expected {len(header)} fields, found {len(f)}", source=str(path), row=line)
        r = {k: v.strip() for k, v in zip(header, f, strict=True)}
        name = _require(r["name"], path, line, "name")
        aliases = [_ALIAS_NOTE.sub("", a).strip() for a in _split(r["aliases"])]
        section = r["list_section"].replace("(inferred)", "").strip()
        fr = r.get("fr_document", "")
        if fr and not _FR.fullmatch(fr):
            raise DataError(
                f"not a Federal Register document number: {fr!r}", source=str(path), row=line, field="fr_document"
            )
        notes = [
            f"industry: {r['industry']}" if r.get("industry") else "",
            f"location: {r['address_or_city']}" if r.get("address_or_city") else "",
            f"FR document {fr}" if fr else "",
            f"evidence: {r['evidence']}" if r.get("evidence") else "",
        ]
        url = r.get("source_url", "")
        origin = url or r.get("source", "")
        records.append(
            {
                "entity_id": uflpa_entity_id(name),
                "list": "UFLPA",
                "name": name,
                "aliases": _dedupe([a for a in aliases if a], name),
                "country": None,
                "addresses": [r["address_or_city"]] if r.get("address_or_city") else [],
                "programs": [f"UFLPA {section}" if section else "UFLPA"],
                "listed_on": _parse_date(r[date_col], path, line, date_col),
                "source": f"UFLPA Entity List (partial) {ver}: {origin}",
                "entity_type": "organisation",
                "countries": [],
                "remarks": "; ".join(n for n in notes if n) or None,
                "source_url": url if url.startswith("http") else UFLPA_URL,
                "identifiers": [f"FR:{fr}"] if fr else [],
                ROW_COLUMN: line,
            }
        )
    load = ListLoad(_frame(records, path), ver, "uflpa", str(path))
    return load


LOADERS = {"csl": load_csl, "sdn-csv": load_sdn_csv, "sdn-xml": load_sdn_xml, "ftm": load_ftm, "uflpa": load_uflpa}


def load_list(path: Path | str, fmt: str, *, encoding: str = "utf-8", version: str | None = None) -> ListLoad:
    """Load a list file in one of :data:`FORMATS`."""
    p = Path(path)
    if fmt not in LOADERS:
        raise DataError(f"unknown list format {fmt!r}; one of {', '.join(FORMATS)}", source=str(p), field="format")
    if not p.is_file():
        raise DataError("file not found", source=str(p))
    return LOADERS[fmt](p, encoding=encoding, version=version)


# --------------------------------------------------------------------------- the bundled lists


def bundled_entities() -> pd.DataFrame:
    """Every bundled list entry, canonical columns."""
    frames = [pd.read_parquet(bundled(f"screening/{m['file']}")) for m in bundled_meta().values()]
    df = pd.concat(frames, ignore_index=True)
    return df[COLUMNS]
