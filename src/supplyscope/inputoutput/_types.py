"""Shared type aliases for the input-output package."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
StrArray: TypeAlias = npt.NDArray[np.str_]
