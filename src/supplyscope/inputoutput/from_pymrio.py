"""Read a pymrio ``IOSystem`` (duck-typed: pymrio itself is not imported here)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from supplyscope.errors import DataError

from . import iomath
from .model import IOTable


def from_pymrio(io: Any, *, name: str = "pymrio IOSystem", unit: str | None = None) -> IOTable:
    """An :class:`IOTable` from a pymrio ``IOSystem`` with ``Z`` and ``Y`` (or ``A`` and ``Y``).

    Row labels are pymrio's ``(region, sector)`` MultiIndex. If only ``A`` is present, ``x = L y``
    and ``Z = A x̂`` are computed first.
    """
    Z = getattr(io, "Z", None)
    Y = getattr(io, "Y", None)
    if not isinstance(Y, pd.DataFrame):
        raise DataError("the IOSystem has no final demand Y", source=name, field="Y")
    if not isinstance(Z, pd.DataFrame):
        A = getattr(io, "A", None)
        if not isinstance(A, pd.DataFrame):
            raise DataError("the IOSystem has neither Z nor A", source=name, field="Z")
        a = A.to_numpy(dtype=np.float64)
        x = iomath.leontief_lu(a).solve(Y.to_numpy(dtype=np.float64).sum(axis=1))
        Z = pd.DataFrame(a * x[np.newaxis, :], index=A.index, columns=A.columns)
    if not isinstance(Z.index, pd.MultiIndex) or Z.index.nlevels != 2:
        raise DataError("Z rows must be a (region, sector) MultiIndex", source=name, field="Z")
    if not Z.columns.equals(Z.index):
        raise DataError("Z row and column labels differ", source=name, field="labels")
    if not Y.index.equals(Z.index):
        raise DataError("Y rows differ from Z rows", source=name, field="Y")
    fd = ["_".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in Y.columns]
    return IOTable.create(
        Z=Z.to_numpy(dtype=np.float64),
        Y=Y.to_numpy(dtype=np.float64),
        regions=[str(r) for r in Z.index.get_level_values(0)],
        sectors=[str(s) for s in Z.index.get_level_values(1)],
        final_demand=fd,
        name=name,
        unit=unit or (io.unit if isinstance(getattr(io, "unit", None), str) else "unknown"),
    )
