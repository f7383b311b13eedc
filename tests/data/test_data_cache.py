"""The reference-work cache: built once, keyed by the inputs' bytes and a format version, written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyscope.data.cache import cache_dir, cached_json


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path / "home"))
    return tmp_path


def test_built_once_then_read_and_rebuilt_when_an_input_changes(home: Path) -> None:
    src = home / "input.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"rows": len(calls)}

    assert cached_json("t", [src], "v1", build) == {"rows": 1}
    assert cached_json("t", [src], "v1", build) == {"rows": 1}  # read from disk, not rebuilt
    assert len(calls) == 1
    src.write_text("a,b\n1,3\n", encoding="utf-8")  # same size, other bytes
    assert cached_json("t", [src], "v1", build) == {"rows": 2}
    assert cached_json("t", [src], "v2", build) == {"rows": 3}  # a new format version rebuilds too
    assert len(list(cache_dir().glob("t-*.json"))) == 1  # older entries of the name are removed


def test_an_unreadable_entry_is_rebuilt(home: Path) -> None:
    src = home / "input.csv"
    src.write_text("x\n", encoding="utf-8")
    cached_json("t", [src], "v1", lambda: [1, 2])
    (entry,) = cache_dir().glob("t-*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert cached_json("t", [src], "v1", lambda: [3]) == [3]
