"""The indicator record: one definition per concept, read by the CLI, report, API and docs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from supplyscope.errors import UnavailableError
from supplyscope.indicators.context import Context


class Unavailable(UnavailableError):
    """The data an indicator requires are not loaded; carries the reason shown to users."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Computed:
    """Values per HS6 and the basis they were computed on."""

    values: pd.Series
    basis: str


@dataclass(frozen=True)
class Indicator:
    """A registered resilience indicator.

    ``direction`` is ``"higher"`` when a higher value means more risk, ``"lower"`` otherwise.
    ``group`` refines the dimension (e.g. substitutability indicators sit in a USTR dimension).
    """

    name: str
    dimension: str
    group: str
    direction: str
    unit: str
    formula: str
    reference: str
    requires: str
    description: str
    compute: Callable[[Context], Computed]


def column(frame: str, col: str, basis: str | Callable[[Context], str]) -> Callable[[Context], Computed]:
    """A compute function that reads one column of a base table of the context."""

    def compute(ctx: Context) -> Computed:
        df: pd.DataFrame = getattr(ctx, frame)
        values = df[col].astype(float)
        return Computed(values, basis(ctx) if callable(basis) else basis)

    return compute
