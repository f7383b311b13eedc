"""The cached scored assessment, read one entity at a time without pandas (what a warm ``explain`` pays).

:func:`supplyscope.api.assessment` stores each scored assessment under ``<home>/cache/assessment/<key>``:
one Parquet file per table (values, risks, weights, thresholds, contributions, entity columns) and
``meta.json`` with the :class:`RecordLayout`. The key covers the warehouse file (path, size, mtime), the
settings, the filters and the assessment code (:func:`entry_key`). A request that leaves the year to the
warehouse is also filed under the key of the request itself (:func:`write_alias`), so :func:`cached_explain`
finds the entry without resolving the year.

:func:`build_record` is the one definition of an entity's record: :meth:`Assessment.record` fills it
from the frames, :func:`cached_explain` from one row of each Parquet file read by DuckDB. So a warm
explain needs neither pandas nor numpy, and gives the same record. :func:`cached_ranking` reads the first
``top`` records in rank order the same way, for a warm ``assess``; :func:`outputs_current` tells it whether the
files in ``--out`` were written for the same stored assessment (:func:`record_outputs`, :data:`REPORT_MARKER`).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from supplyscope.config import DIMENSIONS, load_settings
from supplyscope.data.paths import default_db, home
from supplyscope.errors import SupplyscopeError

CACHE_VERSION = "2"
"""Bump when the cached layout or the method changes in a way the key cannot see."""

LIST_KEY = "entities"
"""The one key of the ranked list in :meth:`Assessment.to_dict` (and :func:`cached_ranking`)."""

SCORED_TABLES = ("values", "risk", "weight", "no_risk", "full_risk", "contributions")
"""Entity × indicator tables of the stored assessment, in the order :func:`build_record` reads them."""


@dataclass(frozen=True)
class RecordLayout:
    """What every record of one assessment shares: the indicators and their settings, reasons and bases."""

    key: str
    count: int
    indicators: list[str]
    dimension: list[str]
    group: list[str | None]
    world: list[bool]
    """Per indicator: computed from world supply shares (its basis is the entity's world basis)."""
    reasons: dict[str, str]
    bases: dict[str, str]
    criticality_mode: str | None
    flags: dict[str, list[dict[str, Any]]]


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _round(v: Any, digits: int) -> float | None:
    return None if _missing(v) else round(float(v), digits)


def basis_kind(basis: str | None) -> str | None:
    """'USGS stage', 'BACI' or 'ICIO sector' from a world-supply basis string.

    'USGS stage' means country shares of one mineral stage from the ``production`` table (USGS MCS,
    or another source loaded there, named in the basis text).
    """
    if _missing(basis):
        return None
    assert basis is not None
    if basis.startswith("mineral stage"):
        return "USGS stage"
    return "BACI" if basis.startswith("BACI") else "ICIO sector"


CRITICALITY_COMPONENTS = ("end_use", "productive_use", "breadth", "user_industries", "designated")
CRITICALITY_TEXT = ("end_use_class", "linkage_basis", "designated_minerals")


def _criticality(layout: RecordLayout, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"score": _round(row["criticality"], 2)}
    if layout.criticality_mode is not None:
        out["mode"] = layout.criticality_mode
        out["factor"] = None if row["scale"] is None else round(float(row["scale"]), 4)
    comps: dict[str, Any] = {}
    ci = row["criticality_inputs"]
    if ci is not None:
        for name in CRITICALITY_COMPONENTS:
            v = ci.get(name)
            comps[name] = (not _missing(v) and bool(v)) if name == "designated" else _round(v, 4)
        for extra in CRITICALITY_TEXT:
            if isinstance(ci.get(extra), str) and ci[extra]:
                comps[extra] = ci[extra]
    out["components"] = comps
    return out


def build_record(layout: RecordLayout, row: dict[str, Any]) -> dict[str, Any]:
    """The contract record of one entity from its row: scalars by name, and per-indicator lists
    (:data:`SCORED_TABLES`, aligned with ``layout.indicators``) and dimension scores (aligned with DIMENSIONS)."""
    code = row["code"]
    wb = None if _missing(row["world_basis"]) else str(row["world_basis"])
    values, risk, weight, no_risk, full_risk, contrib = (row[t] for t in SCORED_TABLES)
    indicators: dict[str, Any] = {}
    for j, name in enumerate(layout.indicators):
        item: dict[str, Any] = {
            "value": None if _missing(values[j]) else float(values[j]),
            "risk": _round(risk[j], 2),
            "weight": round(float(weight[j]), 6),
            "thresholds": [float(no_risk[j]), float(full_risk[j])],
            "contribution": _round(contrib[j], 3),
            "dimension": layout.dimension[j],
        }
        if layout.group[j] is not None:
            item["group"] = layout.group[j]
        if name in layout.reasons:
            item["reason"] = layout.reasons[name]
        elif _missing(values[j]):
            item["reason"] = f"no value for this {layout.key} (no data in {layout.bases.get(name, 'the source')})"
        if name in layout.bases:
            item["basis"] = layout.bases[name]
        if layout.world[j] and name not in layout.reasons:
            item["basis"] = wb or layout.bases.get(name, "")
            item["basis_kind"] = basis_kind(wb)
            item["proxy"] = basis_kind(wb) == "ICIO sector"
        indicators[name] = item
    driver = row["main_driver"]
    return {
        layout.key: code,
        "description": str(row["description"]),
        "score": _round(row["overall"], 2),
        "risk_score": _round(row["risk_score"], 2),
        "criticality": _criticality(layout, row),
        "rank": int(row["rank"]),
        "of": layout.count,
        "rank_interval": [int(row["rank_lo"]), int(row["rank_hi"])],
        "import_value_usd": float(row["import_value"]),
        "dimensions": {d: _round(v, 2) for d, v in zip(DIMENSIONS, row["dimensions"], strict=True)},
        "main_driver": None if _missing(driver) else str(driver),
        "world_basis": wb,
        "indicators": indicators,
        "flags": layout.flags.get(code, []),
    }


_FLOWS_SQL = (
    "SELECT hs6, exporter, SUM(value_usd) AS v FROM trade_flows WHERE importer = ? AND year = ? "
    "AND source IN (SELECT UNNEST(?)) AND hs6 IN (SELECT UNNEST(?)) GROUP BY 1, 2 ORDER BY 1, 2"
)


def _ranked(pairs: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """(country, value) pairs summed per country, largest first (ties by country code), shares of the total;
    countries with no positive value are left out."""
    by: dict[str, list[float]] = {}
    for country, v in pairs:
        by.setdefault(country, []).append(v)
    sums = {c: math.fsum(vs) for c, vs in by.items()}
    total = math.fsum(sums.values())
    ordered = sorted(sums.items(), key=lambda cv: (-cv[1], cv[0]))
    return [{"country": c, "value_usd": v, "share": v / total if total else None} for c, v in ordered if v > 0]


def suppliers(
    con: duckdb.DuckDBPyConnection,
    importer: str,
    year: int,
    sources: list[str],
    hs6_codes: list[str],
    weights: list[float] | None = None,
) -> list[dict[str, Any]]:
    """Suppliers of one product, or of an industry's products weighted by concordance weights."""
    w = dict(zip(hs6_codes, weights or [1.0] * len(hs6_codes), strict=True))
    flows = con.execute(_FLOWS_SQL, [importer, year, sources, hs6_codes]).fetchall()
    return _ranked([(str(exporter), float(v) * w[hs6]) for hs6, exporter, v in flows])


def product_suppliers(
    con: duckdb.DuckDBPyConnection, importer: str, year: int, sources: list[str], hs6_codes: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """:func:`suppliers` of each of these products, in one query."""
    per: dict[str, list[tuple[str, float]]] = {c: [] for c in hs6_codes}
    for hs6, exporter, v in con.execute(_FLOWS_SQL, [importer, year, sources, hs6_codes]).fetchall():
        per[hs6].append((str(exporter), float(v)))
    return {c: _ranked(pairs) for c, pairs in per.items()}


def entity_suppliers(
    con: duckdb.DuckDBPyConnection,
    level: str,
    code: str,
    importer: str,
    year: int,
    sources: list[str],
    classification: str = "BEA2012",
) -> list[dict[str, Any]]:
    """The suppliers of a product, or of an industry through its products' concordance weights."""
    if level == "product":
        return suppliers(con, importer, year, sources, [code])
    links = con.execute(
        "SELECT hs6, weight FROM product_industry WHERE classification = ? AND industry = ? ORDER BY hs6",
        [classification, code],
    ).fetchall()
    return suppliers(con, importer, year, sources, [h for h, _ in links], [float(x) for _, x in links])


def below_floor_record(
    code: str, value: float, floor: float, count: int, supplied: list[dict[str, Any]]
) -> dict[str, Any]:
    """The answer for a product imported below the ranking's floor (``rank`` None, with the reason)."""
    return {
        "hs6": code,
        "rank": None,
        "of": count,
        "import_value_usd": value,
        "reason": f"imports of ${value:,.0f} are below the ${floor:,.0f} floor of the ranking "
        f"(--min-import); it is not ranked among the {count:,} products",
        "suppliers": supplied,
    }


def cache_root() -> Path:
    """``<home>/cache/assessment``: one directory per stored assessment, plus the request aliases."""
    return home() / "cache" / "assessment"


def entry_key(warehouse: str, settings_repr: str, filters: dict[str, Any]) -> str:
    """Warehouse file identity (path, size, mtime), settings, filters and the assessment code's mtimes."""
    parts: dict[str, Any] = {"v": CACHE_VERSION, "settings": settings_repr, "filters": filters}
    if warehouse != ":memory:":
        st = Path(warehouse).stat()
        parts["warehouse"] = [str(Path(warehouse).resolve()), st.st_size, st.st_mtime_ns]
    pkg = Path(__file__).resolve().parent.parent
    code = [pkg / "api.py", *sorted((pkg / "scoring").glob("*.py")), *sorted((pkg / "indicators").glob("*.py"))]
    parts["code"] = [(p.name, p.stat().st_mtime_ns) for p in code]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class AssessmentRequest:
    """What a stored assessment is filed under, besides the warehouse file and the settings it names.

    ``year`` None asks for the latest year loaded; ``db`` and ``config`` None take the default warehouse
    and settings. The defaults are those of :func:`supplyscope.api.assessment`.
    """

    importer: str = "USA"
    level: str = "product"
    year: int | None = None
    db: Path | str | None = None
    config: Path | str | None = None
    min_import: float = 1e6
    draws: int = 200
    seed: int = 0

    @property
    def warehouse(self) -> Path:
        return Path(self.db) if self.db is not None else default_db()

    def filters(self) -> dict[str, Any]:
        """The filters as the key sees them (the warehouse and the settings enter the key on their own)."""
        return {
            "importer": self.importer.upper(),
            "year": self.year,
            "level": self.level,
            "min_import": self.min_import,
            "draws": self.draws,
            "seed": self.seed,
        }


def write_alias(request_key: str, entry: Path) -> None:
    """File the stored entry under the key of a request that left the year open."""
    aliases = cache_root() / "requests"
    aliases.mkdir(parents=True, exist_ok=True)
    (aliases / request_key).write_text(entry.name, encoding="utf-8")


def write_layout(entry: Path, layout: RecordLayout, extra: dict[str, Any]) -> None:
    """``layout.json`` of an entry: the record layout and what the reader needs besides (importer, year, sources)."""
    (entry / "layout.json").write_text(json.dumps({"layout": asdict(layout), **extra}), encoding="utf-8")


def _entry(request_key: str) -> Path | None:
    root = cache_root()
    direct = root / request_key
    if (direct / "layout.json").exists():
        return direct
    alias = root / "requests" / request_key
    if alias.exists():
        target = root / alias.read_text(encoding="utf-8").strip()
        if (target / "layout.json").exists():
            return target
    return None


def _quoted(columns: list[str]) -> str:
    return ", ".join('"' + c.replace('"', '""') + '"' for c in columns)


def _rows_of(con: duckdb.DuckDBPyConnection, file: Path, columns: list[str], codes: list[str]) -> dict[str, list[Any]]:
    """These entities' rows of one stored Parquet file (``columns`` in order), by code."""
    sql = f"SELECT _index, {_quoted(columns)} FROM read_parquet(?) WHERE _index IN (SELECT UNNEST(?))"
    return {str(r[0]): list(r[1:]) for r in con.execute(sql, [str(file), codes]).fetchall()}


ENTITY_COLUMNS = ("overall", "risk_score", "criticality", "scale", "rank", "rank_lo", "rank_hi", "world_basis")


def _read_rows(
    con: duckdb.DuckDBPyConnection, entry: Path, layout: RecordLayout, codes: list[str]
) -> dict[str, dict[str, Any]]:
    """The rows :func:`build_record` reads, for those of ``codes`` that are ranked (one query per file)."""
    entity_cols = [*ENTITY_COLUMNS, "main_driver"]
    rows: dict[str, dict[str, Any]] = {
        c: {**dict(zip(entity_cols, values, strict=True)), "code": c}
        for c, values in _rows_of(con, entry / "entity.parquet", entity_cols, codes).items()
    }
    found = [c for c in codes if c in rows]
    if not found:
        return {}
    parts = {t: _rows_of(con, entry / f"{t}.parquet", layout.indicators, found) for t in SCORED_TABLES}
    parts["dimensions"] = _rows_of(con, entry / "dimensions.parquet", list(DIMENSIONS), found)
    meta = _rows_of(con, entry / "meta.parquet", ["description", "import_value"], found)
    ci_file = entry / "criticality_inputs.parquet"
    names: list[str] = []
    ci: dict[str, list[Any]] = {}
    if ci_file.exists():
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(ci_file)]).fetchall()
        names = [str(r[0]) for r in described if str(r[0]) != "_index"]
        ci = _rows_of(con, ci_file, names, found)
    for c in found:
        row = rows[c]
        for name, part in parts.items():
            row[name] = part[c]  # a KeyError is a damaged entry: the caller recomputes
        row["description"], row["import_value"] = meta[c]
        row["criticality_inputs"] = dict(zip(names, ci[c], strict=True)) if c in ci else None
    return rows


def find_entry(request: AssessmentRequest) -> Path | None:
    """The stored entry of this request, or None (not stored, no warehouse yet, or settings that do not load)."""
    warehouse = request.warehouse
    if not warehouse.exists():
        return None
    try:
        settings_repr = repr(load_settings(request.config))
    except SupplyscopeError:
        return None
    return _entry(entry_key(str(warehouse), settings_repr, request.filters()))


@dataclass(frozen=True)
class StoredRanking:
    """The first ``top`` of a stored ranking as :meth:`Assessment.to_dict` gives it, read without pandas."""

    entry: Path
    key: str
    """``hs6`` or ``industry``: the code field of each record."""
    doc: dict[str, Any]
    reasons: dict[str, str]


def cached_ranking(top: int | None, request: AssessmentRequest) -> StoredRanking | None:
    """``to_dict(top)`` of the stored assessment of this request, or None when it is not stored or damaged."""
    entry = find_entry(request)
    if entry is None:
        return None
    try:
        doc = json.loads((entry / "layout.json").read_text(encoding="utf-8"))
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        layout = RecordLayout(**doc["layout"])
        con = duckdb.connect()
        try:
            ranked = con.execute(
                "SELECT _index FROM read_parquet(?, file_row_number = true) ORDER BY rank, file_row_number LIMIT ?",
                [str(entry / "entity.parquet"), layout.count if top is None else top],
            ).fetchall()
            codes = [str(r[0]) for r in ranked]
            rows = _read_rows(con, entry, layout, codes)
        finally:
            con.close()
        records = [build_record(layout, rows[c]) for c in codes]
        listed = {
            "importer": meta["importer"],
            "year": meta["year"],
            "level": meta["level"],
            "count": layout.count,
            "filters": meta["filters"],
            "notes": meta["notes"],
            LIST_KEY: records,
        }
    except (OSError, KeyError, TypeError, ValueError, duckdb.Error):
        return None  # a damaged or partial entry: the full path recomputes it
    return StoredRanking(entry, layout.key, listed, dict(layout.reasons))


def outputs_marker(entry: Path, top: int | None) -> str:
    """What the files ``assess`` writes depend on beyond the stored assessment: its entry and ``top``."""
    return hashlib.sha256(json.dumps([entry.name, top]).encode()).hexdigest()[:24]


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def written_file(out: Path, stem: str) -> Path:
    """The sidecar recording which assessment the files ``<stem>.*`` in ``out`` were written for."""
    return out / f".{stem}.written.json"


def record_outputs(out: Path, stem: str, marker: str, files: list[Path]) -> None:
    """Note that ``files`` were just written for ``marker`` (with their sizes and mtimes)."""
    doc = {"marker": marker, "files": {p.name: _stamp(p) for p in files}}
    written_file(out, stem).write_text(json.dumps(doc), encoding="utf-8")


def outputs_current(out: Path, stem: str, marker: str, report: Path) -> bool:
    """True when every file noted for ``stem`` is on disk as written for ``marker``, the report with
    its marker tag (:data:`REPORT_MARKER`)."""
    try:
        doc = json.loads(written_file(out, stem).read_text(encoding="utf-8"))
        if doc["marker"] != marker or report.name not in doc["files"]:
            return False
        if any(_stamp(out / name) != stamp for name, stamp in doc["files"].items()):
            return False
        with report.open(encoding="utf-8") as f:
            head = f.read(4096)
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return REPORT_MARKER.format(marker=marker) in head


REPORT_MARKER = '<meta name="supplyscope-assessment" content="{marker}">'
"""The tag in the head of an assessment report naming the stored assessment it was written for."""


def cached_explain(code: str, request: AssessmentRequest) -> dict[str, Any] | None:
    """:func:`supplyscope.api.explain`'s record read from the stored assessment, or None when it is not stored.

    None also when the request needs the full path: a code to normalise, a code outside the stored
    assessment (the error lists the known ones), or settings that do not load (the error names them).
    """
    level = request.level
    if level == "product" and not (len(code) == 6 and code.isdigit()):
        return None
    entry = find_entry(request)
    if entry is None:
        return None
    warehouse = request.warehouse
    try:
        doc = json.loads((entry / "layout.json").read_text(encoding="utf-8"))
        con = duckdb.connect(str(warehouse), read_only=True)
    except (OSError, ValueError, duckdb.Error):
        return None  # unreadable entry, or the warehouse open for writing elsewhere: the full path answers
    try:
        return _answer(con, entry, doc, level, code)
    except (OSError, KeyError, TypeError, ValueError, duckdb.Error):
        return None  # a damaged or partial entry: the full path recomputes it
    finally:
        con.close()


def _answer(
    con: duckdb.DuckDBPyConnection, entry: Path, doc: dict[str, Any], level: str, code: str
) -> dict[str, Any] | None:
    layout = RecordLayout(**doc["layout"])
    row = _read_rows(con, entry, layout, [code]).get(code)
    args = (doc["importer"], int(doc["year"]), list(doc["sources"]))
    if row is not None:
        record = build_record(layout, row)
        record["suppliers"] = entity_suppliers(con, level, code, *args, doc.get("classification", "BEA2012"))
        return record
    below = entry / "below.parquet"
    if level != "product" or not below.exists():
        return None
    hit = con.execute("SELECT import_value FROM read_parquet(?) WHERE hs6 = ?", [str(below), code]).fetchone()
    if hit is None:
        return None
    floor = float(doc["min_import_usd"])
    return below_floor_record(code, float(hit[0]), floor, layout.count, suppliers(con, *args, [code]))
