"""The notebook API: ``supplyscope.assess(...)`` and what its result offers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

import supplyscope
from supplyscope import api
from supplyscope.notebook import AssessmentResult


@pytest.fixture(scope="module")
def result(bundled_db: Path) -> AssessmentResult:
    return supplyscope.assess(importer="USA", db=bundled_db)


def test_assess_is_the_notebook_entry_point(result: AssessmentResult) -> None:
    assert isinstance(result, supplyscope.AssessmentResult)
    frame = result.to_frame()
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    assert frame["score"].fillna(-1).round(9).is_monotonic_decreasing  # unscored (NaN) entities rank last
    assert {"hs6", "description", "score", "main_driver", "dim_security"} <= set(frame.columns)


def test_same_weights_reproduce_the_assessment(result: AssessmentResult) -> None:
    """Re-scoring with unchanged settings (a second path through the scoring) gives the same scores and ranks."""
    same = result.with_weights({})
    np.testing.assert_allclose(same.assessment.scores.overall, result.assessment.scores.overall, equal_nan=True)
    assert (same.assessment.rank == result.assessment.rank).all()
    np.testing.assert_array_equal(same.assessment.rank_interval, result.assessment.rank_interval)


def test_one_dimension_only_makes_the_risk_score_that_dimension(result: AssessmentResult) -> None:
    only = result.with_weights({"security": 0, "sustainability": 0, "transparency": 0})
    s = only.assessment.scores
    known = s.dimensions["diversity"].notna()
    assert known.sum() > 1000
    np.testing.assert_allclose(s.risk_score[known], s.dimensions["diversity"][known], rtol=1e-9)
    assert only.settings.dimensions["security"] == 0 and result.settings.dimensions["security"] == 1


def test_a_zero_indicator_weight_removes_its_contribution(result: AssessmentResult) -> None:
    before = result.assessment.scores.contributions["concern_share"]
    assert (before.fillna(0) > 0).sum() > 100
    after = result.with_weights({"concern_share": 0}).assessment.scores.contributions["concern_share"]
    assert float(after.fillna(0).abs().max()) == 0.0


@pytest.mark.parametrize(("weights", "key"), [({"no_such": 1}, "no_such"), ({"security": -1}, "security")])
def test_bad_weights_are_config_errors(result: AssessmentResult, weights: dict[str, float], key: str) -> None:
    with pytest.raises(supplyscope.ConfigError, match=key):
        result.with_weights(weights)


def test_explain_matches_the_cli_record(result: AssessmentResult, bundled_db: Path) -> None:
    top = str(result.to_frame()["hs6"].iloc[0])
    mine = result.explain(top)
    theirs = api.explain(top, importer="USA", db=bundled_db)
    assert mine["score"] == theirs["score"] and mine["rank"] == 1
    assert mine["suppliers"] == theirs["suppliers"] and mine["suppliers"]


def test_plot_has_the_four_dimensions_of_the_top_entities(result: AssessmentResult) -> None:
    fig = result.plot(top=12)
    assert [t.name for t in fig.data] == ["diversity", "security", "sustainability", "transparency"]
    assert list(fig.data[0].x) == list(result.to_frame()["hs6"].head(12))
    assert "USA imports 2024" in fig.layout.title.text


def test_warehouse_is_a_context_manager(bundled_db: Path) -> None:
    with supplyscope.Warehouse.open(bundled_db, read_only=True) as wh:
        assert wh.count("trade_flows") > 0
    with pytest.raises(duckdb.ConnectionException):
        wh.con.execute("SELECT 1")
