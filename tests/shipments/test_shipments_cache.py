"""The persistent cache of screened shippers: a re-run screens only keys it has not seen under the same key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.data.cache import cache_dir
from supplyscope.engine import DuckDBEngine
from supplyscope.shipments import IndexScreener, TariffLayer, screen_file

DATA = Path(__file__).parent / "data"
SMALL = DATA / "shipments_small.csv"


def _run(src: Path, out: Path, screener: object, cache: bool | None = None) -> pd.DataFrame:
    with DuckDBEngine() as eng:
        res = screen_file(src, out, eng, screener=screener, coverage=TariffLayer(), cache=cache)  # type: ignore[arg-type]
    return pd.read_parquet(res.outputs["flagged"]).sort_values("shipment_id").reset_index(drop=True)


def test_a_rerun_screens_nothing_and_gives_the_same_output(tmp_path: Path, stub_screener: Any) -> None:
    cold = stub_screener(tmp_path.name + "-k1")
    first = _run(SMALL, tmp_path / "a", cold)
    assert len(cold.calls) == 6  # the fixture's 6 distinct shipper keys
    warm = stub_screener(tmp_path.name + "-k1")
    second = _run(SMALL, tmp_path / "b", warm)
    assert warm.calls == []
    pd.testing.assert_frame_equal(first, second)
    assert (second["shipper_hit_list"] == "TEST").sum() == 3  # not vacuous: the cached hit is joined back


def test_a_new_key_or_no_cache_screens_again(tmp_path: Path, stub_screener: Any) -> None:
    _run(SMALL, tmp_path / "a", stub_screener(tmp_path.name + "-k1"))
    other = stub_screener(tmp_path.name + "-k2")  # e.g. a list or the threshold changed
    _run(SMALL, tmp_path / "b", other)
    assert len(other.calls) == 6
    off = stub_screener(tmp_path.name + "-k1")
    _run(SMALL, tmp_path / "c", off, cache=False)
    assert len(off.calls) == 6


def test_only_new_shippers_are_screened(tmp_path: Path, stub_screener: Any) -> None:
    _run(SMALL, tmp_path / "a", stub_screener(tmp_path.name + "-k1"))
    frame = pd.read_csv(SMALL, dtype=str, keep_default_na=False)
    frame.loc[0, "shipper_name"] = "A Shipper Never Seen Before Ltd"
    bigger = tmp_path / "changed.csv"
    frame.to_csv(bigger, index=False)
    again = stub_screener(tmp_path.name + "-k1")
    _run(bigger, tmp_path / "b", again)
    assert again.calls == ["A Shipper Never Seen Before Ltd"]


def test_index_screener_key_follows_the_threshold(tmp_path: Path) -> None:
    a, b = IndexScreener(), IndexScreener(threshold=0.95)
    assert a.cache_key != b.cache_key
    assert a.cache_key == IndexScreener().cache_key
    _run(SMALL, tmp_path / "a", a)
    assert list(cache_dir().glob(f"shipper-screening-{a.cache_key}/part-*.parquet"))  # under $SUPPLYSCOPE_HOME
