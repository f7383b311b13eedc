"""The labelled MRIO system (Z, Y, x, v) and its validation on load."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from supplyscope.errors import DataError, NotFoundError

from . import iomath
from ._types import FloatArray, StrArray

_SHOWN = 8


def _names(labels: StrArray, idx: np.ndarray) -> str:
    shown = ", ".join(str(labels[i]) for i in idx[:_SHOWN])
    more = f" … and {len(idx) - _SHOWN} more" if len(idx) > _SHOWN else ""
    return shown + more


@dataclass(frozen=True, eq=False)
class IOTable:
    """A validated input-output system; build it with :meth:`create`, never directly.

    Nodes are (region, sector) pairs in the order of ``regions``/``sectors``. Money is in
    ``unit`` (e.g. "USD million, 2022"). ``v`` holds all primary inputs (value added, taxes
    less subsidies, and imports from regions outside the table when the table is not closed).
    ``Z_imports`` (optional) is the imported part of ``Z`` for single-region tables with an
    import matrix (BEA): ``Z - Z_imports`` is then the domestic part.
    """

    Z: FloatArray
    Y: FloatArray
    x: FloatArray
    v: FloatArray
    regions: StrArray
    sectors: StrArray
    final_demand: StrArray
    name: str
    unit: str
    sector_names: dict[str, str] = field(default_factory=dict)
    Z_imports: FloatArray | None = None
    notes: tuple[str, ...] = ()

    @classmethod
    def create(
        cls,
        *,
        Z: FloatArray,
        Y: FloatArray,
        regions: StrArray | list[str],
        sectors: StrArray | list[str],
        name: str,
        unit: str,
        x: FloatArray | None = None,
        v: FloatArray | None = None,
        final_demand: StrArray | list[str] | None = None,
        col_regions: StrArray | list[str] | None = None,
        col_sectors: StrArray | list[str] | None = None,
        sector_names: dict[str, str] | None = None,
        Z_imports: FloatArray | None = None,
        balance_rtol: float = 1e-6,
        notes: tuple[str, ...] = (),
    ) -> IOTable:
        """Validate and wrap arrays; raises :class:`DataError` naming offending rows or columns.

        Checks: Z is square and its row labels equal its column labels (``col_*`` if given),
        labels are unique, values finite, no negative intermediate flows, ``x ≥ 0``,
        ``x = Z 1 + Y 1`` within ``balance_rtol`` (if ``x`` is given), and every column of
        ``A = Z x̂⁻¹`` sums to less than 1 (a column with inputs but no output is an error).
        """
        Z = np.asarray(Z, dtype=np.float64)
        Y = np.asarray(Y, dtype=np.float64)
        if Y.ndim == 1:
            Y = Y[:, np.newaxis]
        reg = np.asarray(regions, dtype=str)
        sec = np.asarray(sectors, dtype=str)
        labels = np.char.add(np.char.add(reg, "_"), sec)
        if Z.ndim != 2 or Z.shape[0] != Z.shape[1]:
            raise DataError(f"Z must be square; got shape {Z.shape}", source=name, field="Z")
        n = Z.shape[0]
        if len(reg) != n or len(sec) != n:
            raise DataError(
                f"{len(reg)} region and {len(sec)} sector labels for {n} rows of Z", source=name, field="labels"
            )
        if col_regions is not None or col_sectors is not None:
            creg = np.asarray(col_regions if col_regions is not None else reg, dtype=str)
            csec = np.asarray(col_sectors if col_sectors is not None else sec, dtype=str)
            clabels = np.char.add(np.char.add(creg, "_"), csec)
            if len(clabels) != n:
                raise DataError(f"{len(clabels)} column labels for {n} columns of Z", source=name, field="labels")
            bad = np.flatnonzero(clabels != labels)
            if len(bad):
                pairs = ", ".join(f"row {labels[i]} vs column {clabels[i]}" for i in bad[:_SHOWN])
                raise DataError(
                    f"row and column labels differ at {len(bad)} positions: {pairs}", source=name, field="labels"
                )
        uniq, counts = np.unique(labels, return_counts=True)
        if (counts > 1).any():
            raise DataError(
                f"duplicate node labels: {_names(uniq, np.flatnonzero(counts > 1))}", source=name, field="labels"
            )
        if Y.shape[0] != n:
            raise DataError(f"Y has {Y.shape[0]} rows, Z has {n}", source=name, field="Y")
        for sym, arr in (("Z", Z), ("Y", Y)):
            bad_rows = np.flatnonzero(~np.isfinite(arr).all(axis=1))
            if len(bad_rows):
                raise DataError(f"non-finite values in rows {_names(labels, bad_rows)}", source=name, field=sym)
        neg_rows = np.flatnonzero((Z < 0).any(axis=1))
        if len(neg_rows):
            neg_cols = np.flatnonzero((Z < 0).any(axis=0))
            raise DataError(
                f"negative intermediate flows in rows {_names(labels, neg_rows)} (columns {_names(labels, neg_cols)})",
                source=name,
                field="Z",
            )
        x_calc = iomath.calc_x(Z, Y)
        if x is None:
            x = x_calc
        else:
            x = np.asarray(x, dtype=np.float64)
            if x.shape != (n,):
                raise DataError(f"x has shape {x.shape}, expected ({n},)", source=name, field="x")
            gap = np.abs(x - x_calc) > balance_rtol * np.maximum(np.abs(x), 1.0)
            if gap.any():
                idx = np.flatnonzero(gap)
                raise DataError(f"rows do not balance (x != Z1 + Y1) for {_names(labels, idx)}", source=name, field="x")
        if (x < 0).any() or not np.isfinite(x).all():
            idx = np.flatnonzero(~(x >= 0))
            raise DataError(f"negative or missing gross output for {_names(labels, idx)}", source=name, field="x")
        colsum = Z.sum(axis=0)
        no_output = np.flatnonzero((x == 0) & (colsum > 0))
        if len(no_output):
            raise DataError(f"columns with inputs but zero output: {_names(labels, no_output)}", source=name, field="x")
        a_sum = np.divide(colsum, x, out=np.zeros(n), where=x > 0)
        over = np.flatnonzero(a_sum >= 1.0)
        if len(over):
            detail = ", ".join(f"{labels[i]} ({a_sum[i]:.3f})" for i in over[:_SHOWN])
            raise DataError(f"columns of A sum to 1 or more: {detail}", source=name, field="A")
        if v is None:
            v = iomath.calc_v(Z, x)
        v = np.asarray(v, dtype=np.float64)
        fd = np.asarray(final_demand if final_demand is not None else [f"FD{k}" for k in range(Y.shape[1])], dtype=str)
        if len(fd) != Y.shape[1]:
            raise DataError(f"{len(fd)} final-demand labels for {Y.shape[1]} columns of Y", source=name, field="Y")
        if Z_imports is not None:
            Z_imports = np.asarray(Z_imports, dtype=np.float64)
            if Z_imports.shape != Z.shape:
                raise DataError("import matrix has another shape than Z", source=name, field="Z_imports")
            over_imp = np.flatnonzero((Z_imports > Z + 1e-6 * np.maximum(Z, 1.0)).any(axis=0))
            if len(over_imp):
                raise DataError(
                    f"imported inputs exceed total inputs in columns {_names(labels, over_imp)}",
                    source=name,
                    field="Z_imports",
                )
        return cls(
            Z=Z,
            Y=Y,
            x=x,
            v=v,
            regions=reg,
            sectors=sec,
            final_demand=fd,
            name=name,
            unit=unit,
            sector_names=dict(sector_names or {}),
            Z_imports=Z_imports,
            notes=notes,
        )

    @property
    def n(self) -> int:
        """Number of nodes (region × sector)."""
        return int(self.Z.shape[0])

    @cached_property
    def labels(self) -> StrArray:
        """Node labels ``REGION_SECTOR``."""
        return np.char.add(np.char.add(self.regions, "_"), self.sectors)

    @cached_property
    def region_list(self) -> list[str]:
        """Regions in first-appearance order."""
        return list(dict.fromkeys(self.regions.tolist()))

    @cached_property
    def sector_list(self) -> list[str]:
        """Sectors in first-appearance order."""
        return list(dict.fromkeys(self.sectors.tolist()))

    @cached_property
    def A(self) -> FloatArray:
        """Technical coefficients ``A = Z x̂⁻¹``."""
        return iomath.calc_A(self.Z, self.x)

    @cached_property
    def lu(self) -> iomath.LeontiefLU:
        """The LU factorisation of ``I − A``, computed once per table."""
        return iomath.leontief_lu(self.A)

    @property
    def y(self) -> FloatArray:
        """Total final demand per node, ``Y 1``."""
        return np.asarray(self.Y.sum(axis=1))

    def region_index(self, region: str) -> np.ndarray:
        """Node positions of ``region``; :class:`NotFoundError` lists the regions if unknown."""
        idx = np.flatnonzero(self.regions == region)
        if not len(idx):
            raise NotFoundError("country", region, self.region_list)
        return idx

    def node(self, region: str, sector: str) -> int:
        """Position of one node."""
        self.region_index(region)
        idx = np.flatnonzero((self.regions == region) & (self.sectors == sector))
        if not len(idx):
            raise NotFoundError("sector", sector, self.sector_list)
        return int(idx[0])
