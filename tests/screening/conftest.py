"""Shared fixtures for the screening tests: one index over the bundled real lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyscope.screening import ScreeningIndex, load_index

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def index() -> ScreeningIndex:
    return load_index()


@pytest.fixture
def data_dir() -> Path:
    return DATA
