"""IO maths against the Miller–Blair textbook example (hand-worked values)."""

from __future__ import annotations

import numpy as np
import pytest

from supplyscope.inputoutput import (
    IOTable,
    calc_A,
    calc_B,
    calc_G,
    calc_L,
    calc_v,
    calc_x,
    ghosh_multipliers,
    ghosh_solve,
    leontief_lu,
    output_multipliers,
    value_added_multipliers,
)

DET = 0.85 * 0.95 - 0.25 * 0.20  # det(I - A) = 0.7575


def test_coefficients_and_leontief(miller_blair: IOTable) -> None:
    A = calc_A(miller_blair.Z, miller_blair.x)
    np.testing.assert_allclose(A, [[0.15, 0.25], [0.20, 0.05]], rtol=1e-12)
    L = calc_L(A)
    # textbook: L = [[1.254, 0.330], [0.264, 1.122]]; exact adjugate / det:
    np.testing.assert_allclose(L, np.array([[0.95, 0.25], [0.20, 0.85]]) / DET, rtol=1e-12)
    np.testing.assert_allclose(L.round(3), [[1.254, 0.330], [0.264, 1.122]])


def test_new_final_demand_solves_to_textbook_output(miller_blair: IOTable) -> None:
    # Miller–Blair: f = (600, 1500) requires x = (1247.52, 1841.58).
    x_new = miller_blair.lu.solve(np.array([600.0, 1500.0]))
    np.testing.assert_allclose(x_new, [945.0 / DET, 1395.0 / DET], rtol=1e-12)
    np.testing.assert_allclose(x_new.round(2), [1247.52, 1841.58])


def test_x_and_value_added(miller_blair: IOTable) -> None:
    np.testing.assert_allclose(calc_x(miller_blair.Z, miller_blair.Y), [1000.0, 2000.0])
    np.testing.assert_allclose(calc_v(miller_blair.Z, miller_blair.x), [650.0, 1400.0])


def test_multipliers(miller_blair: IOTable) -> None:
    lu = miller_blair.lu
    np.testing.assert_allclose(output_multipliers(lu), np.array([1.15, 1.10]) / DET, rtol=1e-12)
    # v/x = (0.65, 0.70); v' L must be 1 for each column (all value added is eventually paid out).
    np.testing.assert_allclose(value_added_multipliers(lu, miller_blair.v, miller_blair.x), [1.0, 1.0])


def test_ghosh(miller_blair: IOTable) -> None:
    B = calc_B(miller_blair.Z, miller_blair.x)
    np.testing.assert_allclose(B, [[0.15, 0.50], [0.10, 0.05]], rtol=1e-12)
    G = calc_G(B)
    np.testing.assert_allclose(G, np.array([[0.95, 0.50], [0.10, 0.85]]) / DET, rtol=1e-12)
    np.testing.assert_allclose(ghosh_multipliers(miller_blair.lu, miller_blair.x), G.sum(axis=1), rtol=1e-12)
    s = np.array([100.0, 0.0])
    np.testing.assert_allclose(ghosh_solve(miller_blair.lu, miller_blair.x, s), s @ G, rtol=1e-12)
    # Ghosh identity: x' = v' G
    np.testing.assert_allclose(miller_blair.v @ G, miller_blair.x, rtol=1e-12)


def test_lu_rows_columns_and_inverse_agree(miller_blair: IOTable) -> None:
    lu = leontief_lu(miller_blair.A)
    L = lu.inverse()
    np.testing.assert_allclose(lu.columns(np.array([1])), L[:, [1]])
    np.testing.assert_allclose(lu.rows(np.array([0])), L[[0], :])


def test_inactive_nodes_stay_identity() -> None:
    Z = np.array([[10.0, 0.0, 5.0], [0.0, 0.0, 0.0], [2.0, 0.0, 1.0]])
    t = IOTable.create(
        Z=Z, Y=np.array([85.0, 0.0, 47.0]), regions=["A", "A", "A"], sectors=["a", "b", "c"], name="t", unit="u"
    )
    assert t.x[1] == 0.0
    L = t.lu.inverse()
    assert L[1, 1] == pytest.approx(1.0)
    assert ghosh_multipliers(t.lu, t.x)[1] == pytest.approx(1.0)
