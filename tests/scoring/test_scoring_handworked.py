"""Indicators and scores on a tiny SYNTHETIC warehouse, checked against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scoring_synthetic import build

from supplyscope.api import settings
from supplyscope.indicators.context import Context
from supplyscope.scoring.assessment import assess, indicator_values
from supplyscope.scoring.scores import combine, risk


@pytest.fixture()
def values():  # type: ignore[no-untyped-def]
    wh = build()
    ctx = Context(wh, importer="USA")
    vals, reasons, bases = indicator_values(ctx)
    yield vals, reasons, bases, ctx
    wh.close()


def test_importer_concentration_by_hand(values) -> None:  # type: ignore[no-untyped-def]
    v = values[0].loc["000001"]
    # shares CAN .6, CHN .3, VNM .1
    assert v["import_hhi"] == pytest.approx(0.36 + 0.09 + 0.01)
    assert v["top_supplier_share"] == pytest.approx(0.6)
    assert v["top3_share"] == pytest.approx(1.0)
    assert v["effective_suppliers"] == pytest.approx(1 / 0.46)
    assert v["suppliers_above_1pct"] == 3
    assert values[0].loc["000002", "import_hhi"] == pytest.approx(1.0)


def test_security_and_governance_by_hand(values) -> None:  # type: ignore[no-untyped-def]
    v = values[0].loc["000001"]
    assert v["concern_share"] == pytest.approx(0.3)
    assert v["non_fta_share"] == pytest.approx(0.4)
    assert v["supplier_political_stability"] == pytest.approx(0.6 * 1.0 + 0.3 * -1.0 + 0.1 * 0.0)
    assert v["duty_burden"] == pytest.approx(6 / 100)
    assert v["section301_share"] == pytest.approx(0.3)  # CHN line 0000010090 -> HTS8 00000100 on List 3
    assert v["import_penetration"] == pytest.approx(0.4)
    assert v["upstreamness"] == pytest.approx(2.0)


def test_world_and_transparency_by_hand(values) -> None:  # type: ignore[no-untyped-def]
    vals = values[0]
    a = vals.loc["000001"]
    # X01 output shares: CHN .5, CAN .3, VNM .1, DEU .1
    assert a["world_export_hhi"] == pytest.approx(0.25 + 0.09 + 0.01 + 0.01)
    assert a["world_top3_share"] == pytest.approx(0.9)
    assert a["world_concern_share"] == pytest.approx(0.5)
    assert a["like_minded_world_share"] == pytest.approx(0.3)
    assert a["capable_alternatives"] == 1  # DEU: above 1% and not a current supplier
    b = vals.loc["000002"]
    # half X01, half X02 (DEU 100%): CHN .25, CAN .15, VNM .05, DEU .55
    assert b["world_export_hhi"] == pytest.approx(0.25**2 + 0.15**2 + 0.05**2 + 0.55**2)
    assert b["capable_alternatives"] == 3  # CHN, VNM, DEU (CAN supplies today)
    # NESOI lines: 40 of 100; chapter 00: 200 of 250 disclosed
    assert a["nes_basket_share"] == pytest.approx(0.4)
    assert a["undisclosed_partner_share"] == pytest.approx(0.2)


def test_unavailable_indicators_say_why(values) -> None:  # type: ignore[no-untyped-def]
    vals, reasons, _, _ = values
    assert vals["import_hhi_change"].isna().all()
    assert "second year" in reasons["import_hhi_change"]
    assert vals["mirror_discrepancy"].isna().all()
    assert "exporter-reported" in reasons["mirror_discrepancy"]


def test_risk_is_linear_between_thresholds() -> None:
    v = np.array([[0.0, 0.3, 0.5, 0.9, math.nan]])
    r = risk(v, np.full_like(v, 0.1), np.full_like(v, 0.5))
    assert r[0, :4].tolist() == pytest.approx([0.0, 50.0, 100.0, 100.0])
    assert math.isnan(r[0, 4])
    # reversed thresholds: lower is riskier
    r2 = risk(np.array([[1.0, 0.0, -1.0]]), np.full((1, 3), 1.0), np.full((1, 3), -1.0))
    assert r2[0].tolist() == pytest.approx([0.0, 50.0, 100.0])


def test_combine_by_hand() -> None:
    # two indicators in dimension 0 (weights 1, 3), one in dimension 1 (weight 2), the third unavailable in row 1
    r = np.array([[100.0, 0.0, 50.0], [20.0, 60.0, math.nan]])
    w = np.array([[1.0, 3.0, 2.0], [1.0, 3.0, 2.0]])
    dims, overall, contrib = combine(r, w, np.array([0, 0, 1]), np.array([1.0, 1.0]))
    assert dims[0].tolist() == pytest.approx([25.0, 50.0])
    assert overall[0] == pytest.approx(37.5)
    assert dims[1, 0] == pytest.approx(50.0) and math.isnan(dims[1, 1])
    assert overall[1] == pytest.approx(50.0)  # the missing dimension drops out
    assert np.nansum(contrib, axis=1) == pytest.approx(overall)


def test_assessment_scores_add_up(values) -> None:  # type: ignore[no-untyped-def]
    ctx = values[3]
    result = assess(ctx, settings(), min_import=0.0, draws=20)
    rec = result.record("000001")
    parts = [i["contribution"] for i in rec["indicators"].values() if i["contribution"] is not None]
    assert sum(parts) == pytest.approx(rec["score"], abs=0.01)
    hhi = rec["indicators"]["import_hhi"]
    assert hhi["risk"] == pytest.approx(100 * (0.46 - 0.10) / (0.50 - 0.10), abs=0.01)
    assert rec["rank_interval"][0] <= rec["rank"] <= rec["rank_interval"][1]


def test_overrides_apply_by_scope(values, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "s.toml"
    cfg.write_text(
        '[[overrides]]\nscope = "hs6:000001"\nindicators.import_hhi = { weight = 0.0, thresholds = [0.4, 0.5] }\n'
    )
    ctx = values[3]
    result = assess(ctx, settings(cfg), min_import=0.0, draws=5)
    a = result.record("000001")["indicators"]["import_hhi"]
    b = result.record("000002")["indicators"]["import_hhi"]
    assert a["weight"] == 0.0 and a["thresholds"] == [0.4, 0.5]
    assert a["risk"] == pytest.approx(60.0)
    # import_hhi shares the import_concentration group weight 2 with its members (nominal 2, 1, 1, 0.5, 0.5)
    assert b["weight"] == pytest.approx(2.0 * 2.0 / 5.0) and b["thresholds"] == [0.1, 0.5]
    assert b["group"] == "import_concentration"


def test_industry_level_aggregates_trade_weighted(values) -> None:  # type: ignore[no-untyped-def]
    ctx = values[3]
    result = assess(ctx, settings(), level="industry", min_import=0.0, draws=5)
    rec = result.record("IND1")
    # both products map fully to IND1 with 100 USD each: mean of 0.46 and 1.0
    assert rec["indicators"]["import_hhi"]["value"] == pytest.approx((0.46 + 1.0) / 2)
    assert rec["import_value_usd"] == pytest.approx(200.0)


def test_criticality_by_hand_on_the_fixture() -> None:
    """End use, productive use and breadth from the synthetic tables; designation sets C = 100."""
    import pandas as pd

    wh = build()
    links = pd.DataFrame({"hs6": ["000002"], "mineral": ["lithium"], "stage": ["refining"], "designated": [True]})
    ctx = Context(wh, importer="USA", mineral_links=links)
    result = assess(ctx, settings(), min_import=0.0, draws=5)
    a = result.record("000001")
    b = result.record("000002")
    wh.close()
    # 000001: BEC 420 (intermediate, 1) and 610 (consumption, 0) -> end use 0.5; BEA IND1 productive use 0.6,
    # breadth 0.05 / 0.25 = 0.2 -> C = 100 * (0.5 + 0.6 + 0.2) / 3
    comps = a["criticality"]["components"]
    assert comps["end_use"] == pytest.approx(0.5) and comps["productive_use"] == pytest.approx(0.6)
    assert a["criticality"]["score"] == pytest.approx(100 * 1.3 / 3, abs=0.01)
    # multiplier mode: S = R * (0.25 + 0.75 * C / 100), and the contributions still add up to S
    factor = 0.25 + 0.75 * (1.3 / 3)
    assert a["criticality"]["factor"] == pytest.approx(factor, abs=1e-4)
    assert a["score"] == pytest.approx(a["risk_score"] * factor, abs=0.02)
    parts = [i["contribution"] for i in a["indicators"].values() if i["contribution"] is not None]
    assert sum(parts) == pytest.approx(a["score"], abs=0.02)
    # 000002 is a form of a listed critical mineral: C = 100 and S = R
    assert b["criticality"]["components"]["designated"] is True
    assert b["criticality"]["score"] == 100.0 and b["score"] == pytest.approx(b["risk_score"], abs=0.01)


def test_criticality_can_be_turned_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "off.toml"
    cfg.write_text('[criticality]\nmode = "off"\n')
    wh = build()
    result = assess(Context(wh, importer="USA"), settings(cfg), min_import=0.0, draws=5)
    wh.close()
    rec = result.record("000001")
    assert rec["score"] == rec["risk_score"] and rec["criticality"]["factor"] == 1.0
