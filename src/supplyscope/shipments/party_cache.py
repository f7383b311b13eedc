"""Screened shipper keys kept under ``$SUPPLYSCOPE_HOME/cache``, so a re-run screens only new shippers.

A day of shipments mostly repeats the shippers of earlier days. Each distinct key (exact shipper name,
address and country, as the pipeline joins them) is screened once per *screener key*: the checksums of
the lists and of the matching code (:func:`supplyscope.screening.bundle.cache_key`), the threshold and
the version of this cache's format (see :attr:`IndexScreener.cache_key`). A changed list, scorer or
threshold gives a new key, so a stale result is never read.

The cache of one key is a directory of Parquet parts (schema :data:`RESULT_SCHEMA`); a run adds one part
with the keys it screened, written to a temporary file and renamed, so a crash leaves whole parts only.
Two runs at once may both add a key: reading keeps the first copy (results of one key are identical).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from supplyscope.data.cache import cache_dir
from supplyscope.engine import Engine
from supplyscope.shipments import sql
from supplyscope.shipments.parties import KEY_COLUMNS, RESULT_SCHEMA, PartyScreener, screen_batch

FORMAT = "1"
"""Version of the cached rows' format; part of every screener's cache key."""

_JOIN = " AND ".join(f"d.{k} = c.{k}" for k in KEY_COLUMNS)
NEW_PARTIES_SQL = (
    f"SELECT d.* FROM ({sql.DISTINCT_PARTIES_SQL}) d LEFT JOIN party_cache c ON {_JOIN} WHERE c.name_key IS NULL"
)
"""Distinct shipper keys of ``shipments`` not in ``party_cache``."""
KNOWN_PARTIES_SQL = (
    f"SELECT c.* FROM party_cache c JOIN ({sql.DISTINCT_PARTIES_SQL}) d ON {_JOIN} UNION ALL SELECT * FROM party_new"
)
"""Screening results of every distinct key of ``shipments``: cached ones and those screened now."""


class ShipperCache:
    """The cached results of one screener key (a directory of Parquet parts)."""

    def __init__(self, key: str, root: Path | None = None) -> None:
        self.directory = (root if root is not None else cache_dir()) / f"shipper-screening-{key}"

    def table(self) -> pa.Table:
        """Every cached key once (schema :data:`RESULT_SCHEMA`); empty when nothing is cached."""
        parts = sorted(self.directory.glob("part-*.parquet")) if self.directory.is_dir() else []
        tables = []
        for part in parts:
            try:
                tables.append(pq.read_table(part, schema=RESULT_SCHEMA))
            except (OSError, pa.ArrowInvalid):
                continue  # an unreadable part is screened again and rewritten
        if not tables:
            return RESULT_SCHEMA.empty_table()
        table = pa.concat_tables(tables)
        if len(tables) == 1:
            return table
        first = table.append_column("_i", pa.array(range(table.num_rows), pa.int64()))
        keep = first.group_by(list(KEY_COLUMNS), use_threads=False).aggregate([("_i", "min")])
        return table.take(keep.column("_i_min").to_pylist())

    def add(self, table: pa.Table) -> None:
        """Store newly screened keys as one more part (atomically); a read-only home is skipped."""
        if table.num_rows == 0:
            return
        tmp: Path | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.directory, prefix=".part-", suffix=".tmp")
            os.close(fd)
            tmp = Path(name)
            pq.write_table(table.cast(RESULT_SCHEMA), tmp, compression="zstd")
            os.replace(tmp, self.directory / f"part-{uuid.uuid4().hex}.parquet")
        except OSError:
            if tmp is not None:
                tmp.unlink(missing_ok=True)


def screen_parties(engine: Engine, screener: PartyScreener, cache: bool = True) -> tuple[int, int]:
    """Leave table ``party_hits`` (one row per distinct shipper key of ``shipments``) in ``engine``.

    With ``cache`` and a screener that has a ``cache_key``, keys screened before under that key are
    looked up and only the others are screened (by the engine's workers) and added to the cache.
    Returns (distinct keys, keys screened in this run).
    """
    key = getattr(screener, "cache_key", None) if cache else None
    if not key:
        n = engine.map_table("party_hits", sql.DISTINCT_PARTIES_SQL, screen_batch, RESULT_SCHEMA, shared=screener)
        return n, n
    store = ShipperCache(str(key))
    engine.register("party_cache", store.table())
    n_new = engine.map_table("party_new", NEW_PARTIES_SQL, screen_batch, RESULT_SCHEMA, shared=screener)
    if n_new:
        store.add(engine.arrow("SELECT * FROM party_new"))
    return engine.materialize("party_hits", KNOWN_PARTIES_SQL), n_new
