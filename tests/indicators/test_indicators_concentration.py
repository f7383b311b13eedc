"""One HHI: the engine's SQL in the assessment and the numpy function every other area uses agree."""

from __future__ import annotations

import pytest

from supplyscope.data.warehouse import Warehouse
from supplyscope.indicators.concentration import hhi
from supplyscope.indicators.context import Context


def test_hand_worked_hhi() -> None:
    assert hhi([0.5, 0.3, 0.2]) == pytest.approx(0.25 + 0.09 + 0.04)
    assert hhi([2.0, 2.0], normalise=True) == pytest.approx(0.5)
    assert hhi([], normalise=True) is None


@pytest.mark.parametrize("hs6", ["850760", "280530", "611596"])
def test_assessment_sql_matches_the_function(bundled_wh: Warehouse, hs6: str) -> None:
    ctx = Context(bundled_wh, importer="USA")
    flows = bundled_wh.query(
        "SELECT exporter, sum(value_usd) AS v FROM trade_flows WHERE importer = 'USA' AND hs6 = ? "
        "AND year = ? GROUP BY exporter HAVING sum(value_usd) > 0",
        [hs6, ctx.y],
    )
    assert len(flows) > 0
    expected = hhi(flows["v"].to_numpy(), normalise=True)
    assert float(ctx.importer_stats.loc[hs6, "import_hhi"]) == pytest.approx(expected, rel=1e-12)
