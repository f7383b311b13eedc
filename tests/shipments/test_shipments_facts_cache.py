"""The tariff facts cache: keyed by the tariff layer's inputs, read when warm, extended with new keys only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from supplyscope.data.cache import cache_dir
from supplyscope.shipments import TariffLayer, load_settings
from supplyscope.shipments import tariffs as shipment_tariffs
from supplyscope.tariffs import default_config, default_index, default_schedule
from supplyscope.tariffs.stack import layer_inputs

KEYS = [
    ("6110202079", "CHN", date(2024, 6, 3)),
    ("9403200050", "CHN", date(2024, 6, 3)),
    ("7208510030", "CAN", date(2026, 6, 1)),
    ("0000000000", "VNM", date(2025, 1, 2)),  # not in the schedule
]


@pytest.fixture(autouse=True)
def _own_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A home of its own per test: these tests edit the cache, which the session's other tests read. The
    tariff layer is loaded first, so its own cached schedule lands in the session's home, as later tests expect."""
    default_schedule(), default_index(), default_config()
    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path / "home"))


def _files() -> list[Path]:
    return sorted(cache_dir().glob("tariff-facts-*.parquet"))


def test_cached_facts_equal_computed_ones_and_are_read_back() -> None:
    s = load_settings()
    fresh = TariffLayer(cache=False).facts(KEYS, s)
    assert not _files()
    cold = TariffLayer().facts(KEYS, s)
    pd.testing.assert_frame_equal(cold, fresh)
    (path,) = _files()  # written under $SUPPLYSCOPE_HOME/cache
    # mark one cached rate: a warm run must return it (the cache is read, not recomputed)
    table = pq.read_table(path).to_pandas()
    table.loc[table["hts10"] == "9403200050", "section301_rate"] = 0.123
    table.to_parquet(path, index=False)
    warm = TariffLayer().facts(KEYS[::-1], s)
    assert warm.set_index("hts10").loc["9403200050", "section301_rate"] == pytest.approx(0.123)
    assert list(warm["hts10"]) == sorted(k[0] for k in KEYS)  # one sorted row per key, as computed


def test_only_new_keys_are_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    TariffLayer().facts(KEYS[:2], s)
    seen: list[tuple[str, str, date]] = []
    compute = shipment_tariffs._layer_facts

    def counting(keys: list[tuple[str, str, date]]) -> pd.DataFrame:
        seen.extend(keys)
        return compute(keys)

    monkeypatch.setattr(shipment_tariffs, "_layer_facts", counting)
    out = TariffLayer().facts(KEYS, s)
    assert sorted(seen) == sorted(KEYS[2:])
    pd.testing.assert_frame_equal(out, TariffLayer(cache=False).facts(KEYS, s))
    seen.clear()
    TariffLayer().facts(KEYS, s)
    assert seen == []  # all four now cached


def test_a_changed_tariff_input_gives_a_new_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = load_settings()
    TariffLayer().facts(KEYS, s)
    (before,) = _files()
    extra = tmp_path / "measures-extra.toml"
    extra.write_text("# another input\n")
    files, version = layer_inputs()
    monkeypatch.setattr("supplyscope.shipments.tariffs.layer_inputs", lambda: ([*files, extra], version))
    TariffLayer().facts(KEYS, s)
    (after,) = _files()  # the old key's file is removed when the new one is written
    assert after != before


def test_s201_follows_the_settings_not_the_cache(tmp_path: Path) -> None:
    cfg = tmp_path / "shipments.toml"
    cfg.write_text('[section201]\nhts_prefixes = ["6110"]\n')
    TariffLayer().facts(KEYS, load_settings())  # cached without s201
    with_201 = TariffLayer().facts(KEYS, load_settings(cfg)).set_index("hts10")["s201"]
    assert with_201["6110202079"] and not with_201["9403200050"]
