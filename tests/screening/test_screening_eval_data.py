"""The Fortune Global 500 hard negatives of the screening evaluation: file shape, countries, and eval rows."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

from supplyscope.codes.countries import iso3_codes

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _make_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_screening_eval", BENCH / "make_screening_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fg500_file_has_unique_names_and_iso3_or_empty_countries() -> None:
    rows = _make_eval().read_fg500()
    assert len(rows) == 391
    assert all(set(r) == {"name", "country"} for r in rows)
    names = [r["name"] for r in rows]
    assert len(set(names)) == len(names) and all(n.strip() == n and n for n in names)
    bad = [r for r in rows if r["country"] and r["country"] not in iso3_codes()]
    assert not bad, bad[:5]
    assert sum(1 for r in rows if r["country"]) >= 380  # empty only where the headquarters is not known for sure


def test_eval_set_fg500_rows_carry_the_file_countries() -> None:
    fg = {r["name"]: r["country"] for r in _make_eval().read_fg500()}
    with (BENCH / "screening_eval.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == "fortune_global_500"]
    assert {r["query"]: r["country"] for r in rows} == fg
    assert {(r["label"], r["split"], r["target"]) for r in rows} == {("0", "test", "")}
