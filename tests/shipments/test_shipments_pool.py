"""DuckDB's worker pool for map_table (the screening of distinct shippers): same rows as in process, from
several worker processes that share the parent's loaded object."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from supplyscope.engine import duckdb_engine
from supplyscope.engine.duckdb_engine import DuckDBEngine

SCHEMA = pa.schema([("n", pa.int64()), ("label", pa.string()), ("pid", pa.int64())])


class Labeller:
    """A stand-in for the screening index: state loaded in the parent, read by the workers."""

    def __init__(self) -> None:
        self.labels = {i: f"L{i * 7 % 11}" for i in range(1000)}


def label_batch(batch: pd.DataFrame, shared: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": batch["n"].astype("int64"),
            "label": [shared.labels[int(i)] for i in batch["n"]],
            "pid": os.getpid(),
        }
    )


def _run(workers: int) -> pd.DataFrame:
    with DuckDBEngine(workers=workers) as eng:
        n = eng.map_table("out", "SELECT range AS n FROM range(1000)", label_batch, SCHEMA, shared=Labeller())
        assert n == 1000
        return eng.sql("SELECT * FROM out ORDER BY n")


def test_pool_gives_the_in_process_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _run(1)
    monkeypatch.setattr(duckdb_engine, "PARALLEL_MIN_ROWS", 10)
    pooled = _run(2)
    pd.testing.assert_frame_equal(pooled.drop(columns="pid"), alone.drop(columns="pid"))
    assert set(alone["pid"]) == {os.getpid()}
    assert os.getpid() not in set(pooled["pid"]) and pooled["pid"].nunique() >= 1  # done by workers
    assert duckdb_engine._WORKER == {}  # nothing of this call is left for the next


def test_below_the_break_even_it_stays_in_process() -> None:
    assert duckdb_engine.PARALLEL_MIN_ROWS > 1000
    with DuckDBEngine(workers=2) as eng:
        eng.map_table("out", "SELECT range AS n FROM range(1000)", label_batch, SCHEMA, shared=Labeller())
        assert set(eng.sql("SELECT DISTINCT pid FROM out")["pid"]) == {os.getpid()}
