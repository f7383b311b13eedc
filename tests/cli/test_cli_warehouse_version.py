"""A warehouse this DuckDB cannot open gives one line offering `data build --force`, which rebuilds it."""

from __future__ import annotations

import struct
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.data.warehouse import Warehouse, storage_version
from supplyscope.errors import DataError


def _other_version(path: Path) -> None:
    """A real DuckDB file whose header names another storage version (its checksum no longer matches)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    raw = bytearray(path.read_bytes())
    version = struct.unpack("<Q", raw[12:20])[0]
    raw[12:20] = struct.pack("<Q", version + 1)
    path.write_bytes(bytes(raw))


def test_storage_version_is_read_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "ok.duckdb"
    duckdb.connect(str(path)).close()
    assert isinstance(storage_version(path), int)
    (tmp_path / "text.duckdb").write_text("hello" * 10)
    assert storage_version(tmp_path / "text.duckdb") is None


def test_open_raises_one_line_data_error(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    _other_version(path)
    with pytest.raises(DataError) as info:
        Warehouse.open(path)
    message = str(info.value)
    assert "\n" not in message and "data build --force" in message
    assert f"DuckDB storage version {storage_version(path)}" in message


def test_data_build_force_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    _other_version(path)
    runner = CliRunner()
    failed = runner.invoke(app, ["data", "info", "--db", str(path)])
    assert isinstance(failed.exception, DataError) and "data build --force" in str(failed.exception)
    rebuilt = runner.invoke(app, ["data", "build", "--force", "--db", str(path)])
    assert rebuilt.exit_code == 0, rebuilt.output
    with Warehouse.open(path, read_only=True) as wh:
        assert wh.count("trade_flows") > 1000
