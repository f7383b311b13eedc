"""Input-output maths as pure functions, with the Miller–Blair symbols.

Symbols (Miller & Blair, *Input-Output Analysis*, 2nd ed., 2009):

- ``Z`` (n×n) intermediate flows, ``Z[i, j]`` = sales of sector i to sector j;
- ``Y`` (n×k) final demand, ``y`` its row sums; ``x`` (n) gross output; ``v`` (n) value added;
- ``A = Z x̂⁻¹`` technical coefficients; ``L = (I − A)⁻¹`` the Leontief inverse;
- ``B = x̂⁻¹ Z`` allocation coefficients; ``G = (I − B)⁻¹`` the Ghosh inverse.

``L`` is never formed unless asked for: :func:`leontief_lu` factorises ``I − A`` once
(LU with partial pivoting) and :class:`LeontiefLU` answers ``L y`` and ``w′ L`` by
triangular solves. Because ``I − B = x̂⁻¹ (I − A) x̂`` the same factorisation also serves
the Ghosh model: ``G = x̂⁻¹ L x̂`` on the nodes with positive output.

Sectors with zero output (inactive nodes) get zero coefficients; their rows and columns of
``I − A`` are those of the identity, so the system stays non-singular.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from supplyscope.errors import DataError

from ._types import FloatArray


def _reciprocal(x: FloatArray) -> FloatArray:
    """``1/x`` element-wise, with 0 where ``x == 0``."""
    out = np.zeros_like(x, dtype=np.float64)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def calc_x(Z: FloatArray, Y: FloatArray) -> FloatArray:
    """Gross output from the accounting identity ``x = Z 1 + Y 1``."""
    y = Y if Y.ndim == 1 else Y.sum(axis=1)
    return np.asarray(Z.sum(axis=1) + y, dtype=np.float64)


def calc_A(Z: FloatArray, x: FloatArray) -> FloatArray:
    """Technical coefficients ``A = Z x̂⁻¹`` (``A[i, j] = Z[i, j] / x[j]``; 0 where ``x[j] = 0``)."""
    return np.asarray(Z * _reciprocal(x)[np.newaxis, :], dtype=np.float64)


def calc_B(Z: FloatArray, x: FloatArray) -> FloatArray:
    """Allocation coefficients ``B = x̂⁻¹ Z`` (``B[i, j] = Z[i, j] / x[i]``; 0 where ``x[i] = 0``)."""
    return np.asarray(_reciprocal(x)[:, np.newaxis] * Z, dtype=np.float64)


def calc_v(Z: FloatArray, x: FloatArray) -> FloatArray:
    """Value added (all primary inputs) as the column residual ``v′ = x′ − 1′ Z``."""
    return np.asarray(x - Z.sum(axis=0), dtype=np.float64)


def calc_L(A: FloatArray) -> FloatArray:
    """Explicit Leontief inverse ``L = (I − A)⁻¹``. Only on request: prefer :func:`leontief_lu`."""
    n = A.shape[0]
    return leontief_lu(A).solve(np.eye(n))


def calc_G(B: FloatArray) -> FloatArray:
    """Explicit Ghosh inverse ``G = (I − B)⁻¹``. Only on request."""
    n = B.shape[0]
    lu = scipy.linalg.lu_factor(np.eye(n) - B, check_finite=False)
    return np.asarray(scipy.linalg.lu_solve(lu, np.eye(n), check_finite=False), dtype=np.float64)


@dataclass(frozen=True)
class LeontiefLU:
    """LU factorisation of ``I − A``, computed once and reused for every solve."""

    lu: FloatArray
    piv: np.ndarray
    n: int

    def solve(self, y: FloatArray) -> FloatArray:
        """Demand-driven solution ``x = L y`` (``y`` a vector or an n×k matrix of columns)."""
        return np.asarray(scipy.linalg.lu_solve((self.lu, self.piv), y, check_finite=False))

    def solve_left(self, w: FloatArray) -> FloatArray:
        """Row-vector product ``w′ L`` (returned as a vector, or n×k for k stacked rows as columns)."""
        return np.asarray(scipy.linalg.lu_solve((self.lu, self.piv), w, trans=1, check_finite=False))

    def columns(self, idx: np.ndarray) -> FloatArray:
        """Selected columns ``L[:, idx]`` (n×len(idx)) without forming ``L``."""
        rhs = np.zeros((self.n, len(idx)))
        rhs[idx, np.arange(len(idx))] = 1.0
        return self.solve(rhs)

    def rows(self, idx: np.ndarray) -> FloatArray:
        """Selected rows ``L[idx, :]`` (len(idx)×n) without forming ``L``."""
        rhs = np.zeros((self.n, len(idx)))
        rhs[idx, np.arange(len(idx))] = 1.0
        return self.solve_left(rhs).T

    def inverse(self) -> FloatArray:
        """The explicit Leontief inverse ``L`` (n×n): built only when a caller asks for it."""
        return self.solve(np.eye(self.n))


def leontief_lu(A: FloatArray) -> LeontiefLU:
    """Factorise ``I − A = P L U`` once (LAPACK ``getrf``); raise if ``I − A`` is singular."""
    n = A.shape[0]
    # One n×n buffer in Fortran order (what LAPACK wants, so scipy makes no copy): I − A, factorised in place.
    m = np.empty((n, n), dtype=np.float64, order="F")
    np.negative(A, out=m)
    m[np.diag_indices(n)] += 1.0
    lu, piv = scipy.linalg.lu_factor(m, overwrite_a=True, check_finite=False)
    diag = np.abs(np.diag(lu))
    if not np.all(np.isfinite(lu)) or diag.min() <= np.finfo(np.float64).eps * max(diag.max(), 1.0):
        bad = int(np.argmin(diag))
        raise DataError(f"I - A is singular (pivot {bad} is zero); the table has no Leontief inverse")
    return LeontiefLU(lu=lu, piv=piv, n=n)


def ghosh_solve(lu: LeontiefLU, x: FloatArray, s: FloatArray) -> FloatArray:
    """Supply-driven solution ``Δx′ = s′ G`` using ``G = x̂⁻¹ L x̂``: ``Δx = x̂ L′ (x̂⁻¹ s)``.

    ``s`` is a vector (or n×k matrix of column vectors) of exogenous primary-input changes.
    Rows with ``x = 0`` are inactive and get ``Δx = 0``.
    """
    rx = _reciprocal(x)
    scaled = s * (rx if s.ndim == 1 else rx[:, np.newaxis])
    out = lu.solve_left(scaled)
    return np.asarray(out * (x if s.ndim == 1 else x[:, np.newaxis]))


def output_multipliers(lu: LeontiefLU) -> FloatArray:
    """Simple output multipliers ``m′ = 1′ L`` (column sums of L), by one transposed solve."""
    return lu.solve_left(np.ones(lu.n))


def value_added_multipliers(lu: LeontiefLU, v: FloatArray, x: FloatArray) -> FloatArray:
    """Value-added multipliers ``m_v′ = c′ L`` with ``c = v / x`` (value added per unit output)."""
    return lu.solve_left(v * _reciprocal(x))


def ghosh_multipliers(lu: LeontiefLU, x: FloatArray) -> FloatArray:
    """Output-to-input (Ghosh) multipliers ``G 1`` = ``x̂⁻¹ L x̂ 1`` (row sums of G)."""
    return np.asarray(_reciprocal(x) * lu.solve(x.astype(np.float64)) + (x == 0))
