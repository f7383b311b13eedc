"""The parsed HTS schedule and the 301 index are cached per input checksum: same answers, rebuilt on change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from supplyscope.data.cache import cache_dir
from supplyscope.data.paths import bundled
from supplyscope.data.sources.hts import BUNDLED_HTS, hts_cached, load_hts
from supplyscope.tariffs import default_config, default_index, default_schedule
from supplyscope.tariffs.schedule import HtsSchedule, resolve_rows
from supplyscope.tariffs.section301 import Section301Index


def test_cache_is_rebuilt_when_the_input_file_changes(tmp_path: Path) -> None:
    copy = tmp_path / "hts.parquet"
    shutil.copyfile(bundled(BUNDLED_HTS), copy)
    calls: list[int] = []

    def derive(rows: list[tuple[object, ...]]) -> dict[str, object]:
        calls.append(len(rows))
        return {r[0]: r[3] for r in rows if r[0] == "85076000"}  # type: ignore[misc]

    first = hts_cached("test-hts", "v1", derive, copy)
    again = hts_cached("test-hts", "v1", derive, copy)
    assert first == again == {"85076000": "3.4%"} and len(calls) == 1  # second call read the cache
    df = pd.read_parquet(copy)
    df.loc[df["HTS Number"] == "8507.60.00", "General Rate of Duty"] = "9.9%"
    df.to_parquet(copy)
    changed = hts_cached("test-hts", "v1", derive, copy)
    assert changed == {"85076000": "9.9%"} and len(calls) == 2  # new checksum: rebuilt from the changed file
    assert len(list(cache_dir().glob("test-hts-*.json"))) == 1  # the stale entry was removed
    hts_cached("test-hts", "v2", derive, copy)
    assert len(calls) == 3  # a new code version also rebuilds


def test_cached_schedule_equals_a_fresh_parse_on_every_line() -> None:
    fresh = HtsSchedule(load_hts(units=True))
    cached = default_schedule()
    assert cached.codes(8) == fresh.codes(8) and cached.codes(10) == fresh.codes(10)
    for code in fresh.codes(10) + fresh.codes(8):
        assert cached.line(code) == fresh.line(code)
    assert cached.line("8507600020").description == "Lithium-ion batteries"
    assert cached.heading_rate("9903.91.06") == fresh.heading_rate("9903.91.06")


def test_cached_301_index_equals_a_fresh_build() -> None:
    from supplyscope.data.sources.hs_concordance import bundled_hs_changes
    from supplyscope.data.sources.section301 import bundled_section301

    fresh = Section301Index(bundled_section301(), HtsSchedule(load_hts(units=True)), bundled_hs_changes())
    cached = default_index()
    assert cached.to_state() == fresh.to_state()
    assert cached.unmapped == fresh.unmapped and cached.successors == fresh.successors


def test_resolution_inherits_rates_from_the_line_above() -> None:
    rows = [
        ("8507", 0, "Batteries", None, None, None, None),
        ("85076000", 1, "Lithium-ion", "3.4%", "Free (KR)", "40%", None),
        ("8507600010", 2, "For vehicles", None, None, None, "No."),
        ("85078000", 1, "Other", None, None, None, None),
    ]
    sched = HtsSchedule.from_resolved(resolve_rows(rows))
    line = sched.line("8507600010")
    assert (line.rate_line, line.general, line.special, line.column2, line.units) == (
        "85076000",
        "3.4%",
        "Free (KR)",
        "40%",
        ("No.",),
    )
    other = sched.line("85078000")  # no rate-bearing parent: no rate
    assert (other.rate_line, other.general) == ("85078000", None)
    assert sched.codes(10) == ["8507600010"] and sched.codes(8) == ["85076000", "85078000"]


def test_rate_text_with_a_newline_survives_the_cache() -> None:
    # the bundled HTS prints 2903.62.10.00's special rate over two lines; the cached text keeps the newline
    assert "\n" in default_schedule().line("2903621000").special  # type: ignore[operator]
    assert default_schedule().line("2903621000") == HtsSchedule(load_hts(units=True)).line("2903621000")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX subprocess")
def test_warm_duty_does_not_import_pandas() -> None:
    default_schedule(), default_index(), default_config()  # warm this test session's cache
    code = (
        "import sys; from supplyscope.origin.duty import duty_stack; "
        "d = duty_stack('8507600020', 'CHN', 1200, on='2026-03-01'); "
        "print(d.section301, [m for m in ('pandas', 'pyarrow') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), check=True)
    assert out.stdout.strip() == "0.25 []", out.stdout + out.stderr
