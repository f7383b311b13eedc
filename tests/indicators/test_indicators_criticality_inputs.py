"""Criticality inputs from the canonical tables, on a tiny SYNTHETIC warehouse worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supplyscope.data.sources.bec import end_use_frame, sna_class
from supplyscope.data.sources.linkages import _shares
from supplyscope.data.warehouse import Warehouse
from supplyscope.indicators.criticality import criticality_inputs

SRC = "synthetic:criticality"


def test_bec_to_sna_classes() -> None:
    assert sna_class("410") == "capital" and sna_class("521") == "capital"
    assert sna_class("220") == "intermediate" and sna_class("530") == "intermediate"
    assert sna_class("630") == "consumption" and sna_class("112") == "consumption"
    assert sna_class("510") == "mixed" and sna_class("700") == "mixed"
    frame = end_use_frame()
    lookup = frame.groupby("hs6")["end_use"].agg(set)
    assert lookup["611596"] == {"consumption"}  # hosiery
    assert lookup["848620"] == {"capital"}  # machines for making semiconductor devices
    assert lookup["280530"] == {"intermediate"}


def test_linkage_shares_by_hand() -> None:
    # commodity 0 is used by industry 0 (2 of its output of 100) and industry 1 (0.05 of 1000); final use 8
    z = np.array([[2.0, 0.05], [0.0, 0.0]])
    x = np.array([100.0, 1000.0])
    share, user_out, n = _shares(z, x, np.array([8.0, 1.0]))
    assert share[0] == pytest.approx(2.05 / 10.05)
    assert user_out[0] == pytest.approx(100 / 1100)  # only industry 0 uses it at >= 0.1% of output
    assert n.tolist() == [1, 0]


def test_bea_first_then_icio_fallback_and_designation() -> None:
    wh = Warehouse.open(":memory:")
    wh.load(
        {
            "product_end_use": pd.DataFrame(
                {"hs6": ["000001", "000002"], "bec4": ["220", "630"], "end_use": ["intermediate", "consumption"]}
            ).assign(source=SRC),
            "industry_linkage": pd.DataFrame(
                {
                    "classification": ["BEA2012", "BEA2012", "ICIO2025"],
                    "industry": ["A", "B", "X"],
                    "intermediate_share": [0.5, 0.1, 0.9],
                    "productive_use_share": [0.8, 0.2, np.nan],
                    "user_output_share": [0.1, 0.3, 0.6],
                    "user_industries": [10, 30, 40],
                    "import_export_ratio": [2.0, 4.0, np.nan],
                }
            ).assign(source=SRC),
            "product_industry": pd.DataFrame(
                {
                    "hs6": ["000001", "000001", "000002"],
                    "classification": ["BEA2012", "BEA2012", "ICIO2025"],
                    "industry": ["A", "B", "X"],
                    "weight": [0.75, 0.25, 1.0],
                }
            ).assign(source=SRC),
        },
        source=SRC,
        checksum="-",
    )
    links = pd.DataFrame({"hs6": ["000002"], "mineral": ["cobalt"], "stage": ["mining"], "designated": [True]})
    out = criticality_inputs(wh, links)
    wh.close()
    a, b = out.loc["000001"], out.loc["000002"]
    assert a["productive_use"] == pytest.approx(0.75 * 0.8 + 0.25 * 0.2)
    assert a["breadth"] == pytest.approx(0.75 * 0.1 + 0.25 * 0.3)
    assert a["import_export_ratio"] == pytest.approx(0.75 * 2 + 0.25 * 4)
    assert a["linkage_basis"] == "BEA 2017 Use table" and not a["designated"]
    # no BEA match: ICIO intermediate share stands in for productive use
    assert b["productive_use"] == pytest.approx(0.9) and "ICIO" in b["linkage_basis"]
    assert b["end_use"] == 0.0 and b["designated"] and b["designated_minerals"] == "cobalt"
