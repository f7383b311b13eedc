"""Shared fixtures for the input-output tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from supplyscope.inputoutput import IOTable, load_icio

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def icio() -> IOTable:
    """The bundled OECD ICIO 2022 table (loaded and factorised once per session)."""
    table = load_icio()
    table.lu  # noqa: B018
    return table


@pytest.fixture
def miller_blair() -> IOTable:
    """Miller & Blair (2009), section 2.3: Z = [[150, 500], [200, 100]], f = [350, 1700], x = [1000, 2000]."""
    return IOTable.create(
        Z=np.array([[150.0, 500.0], [200.0, 100.0]]),
        Y=np.array([350.0, 1700.0]),
        x=np.array([1000.0, 2000.0]),
        regions=["R1", "R2"],
        sectors=["S", "S"],
        name="Miller-Blair 2.3",
        unit="USD",
    )
