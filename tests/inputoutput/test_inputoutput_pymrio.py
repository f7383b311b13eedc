"""Agreement with pymrio (an independent implementation) to 1e-9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymrio
import pytest
from pymrio.tools import iomath as pm

from supplyscope.inputoutput import (
    IOTable,
    calc_B,
    calc_G,
    from_pymrio,
    ghosh_solve,
    output_multipliers,
    value_added_multipliers,
)


def test_pymrio_test_system() -> None:
    io = pymrio.load_test()
    ours = from_pymrio(io)
    io.calc_all(include_ghosh=True)
    np.testing.assert_allclose(ours.x, io.x.to_numpy().ravel(), rtol=1e-12)
    np.testing.assert_allclose(ours.A, io.A.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.lu.inverse(), io.L.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(output_multipliers(ours.lu), io.L.to_numpy().sum(axis=0), atol=1e-9)
    np.testing.assert_allclose(calc_B(ours.Z, ours.x), io.B.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(calc_G(calc_B(ours.Z, ours.x)), io.G.to_numpy(), atol=1e-9)
    s = np.zeros(ours.n)
    s[[3, 17]] = ours.x[[3, 17]] * 0.25
    np.testing.assert_allclose(ghosh_solve(ours.lu, ours.x, s), s @ io.G.to_numpy(), rtol=1e-9, atol=1e-9)


def _pymrio_from(table: IOTable) -> pymrio.IOSystem:
    idx = pd.MultiIndex.from_arrays([table.regions, table.sectors], names=["region", "sector"])
    Z = pd.DataFrame(table.Z, index=idx, columns=idx)
    Y = pd.DataFrame(table.Y, index=idx, columns=pd.MultiIndex.from_tuples([("ALL", "fd")]))
    return pymrio.IOSystem(Z=Z, Y=Y, unit=pd.DataFrame({"unit": ["USD million"] * table.n}, index=idx))


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_shipped_icio_table(icio: IOTable) -> None:
    pio = _pymrio_from(icio)
    pio.calc_system()
    L = pio.L.to_numpy()
    np.testing.assert_allclose(icio.x, pio.x.to_numpy().ravel(), rtol=1e-12)
    np.testing.assert_allclose(icio.A, pio.A.to_numpy(), atol=1e-12)
    cols = np.r_[icio.region_index("USA"), np.arange(0, icio.n, 97)]
    np.testing.assert_allclose(icio.lu.columns(cols), L[:, cols], atol=1e-9)
    np.testing.assert_allclose(output_multipliers(icio.lu), L.sum(axis=0), atol=1e-9)
    c = np.divide(icio.v, icio.x, out=np.zeros(icio.n), where=icio.x > 0)
    np.testing.assert_allclose(value_added_multipliers(icio.lu, icio.v, icio.x), c @ L, atol=1e-9)
    np.testing.assert_allclose(pm.calc_x_from_L(pio.L, icio.y).to_numpy().ravel(), icio.lu.solve(icio.y), rtol=1e-9)
