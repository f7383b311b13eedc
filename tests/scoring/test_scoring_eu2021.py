"""The SWD(2021) 352 screen: all three criteria must hold; missing data fails the criterion."""

from __future__ import annotations

import numpy as np
import pandas as pd

from supplyscope.scoring.eu2021 import flag


def test_three_criteria_by_hand() -> None:
    v = pd.DataFrame(
        {
            "import_hhi": [0.5, 0.5, 0.3, 0.9],
            "import_penetration": [0.6, 0.6, 0.9, np.nan],
            "import_export_ratio": [2.0, 0.8, 5.0, 3.0],
        },
        index=["all", "exports_more", "diversified", "no_data"],
    )
    out = flag(v)
    assert out["flagged"].tolist() == [True, False, False, False]
    assert out.loc["exports_more", "concentration_met"] and not out.loc["exports_more", "substitutability_met"]
    assert out.loc["no_data", "missing"] == "importance_in_demand"
