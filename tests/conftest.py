"""Shared fixtures: a warehouse built once from the bundled real data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from supplyscope.data.build import build_bundled
from supplyscope.data.warehouse import Warehouse


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a warehouse file holding the bundled real data (built once per test session)."""
    path = tmp_path_factory.mktemp("warehouse") / "bundled.duckdb"
    with Warehouse.open(path) as wh:
        build_bundled(wh)
    return path


@pytest.fixture()
def bundled_wh(bundled_db: Path) -> Iterator[Warehouse]:
    wh = Warehouse.open(bundled_db, read_only=True)
    yield wh
    wh.close()
