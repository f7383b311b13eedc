"""Scoring method pieces worked out by hand: criticality score and modes, groups, the substitutability gate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from supplyscope.api import settings
from supplyscope.errors import ConfigError
from supplyscope.scoring.criticality import criticality_score, scale_offset
from supplyscope.scoring.method import CriticalitySettings, IndicatorGroup
from supplyscope.scoring.scores import gate_risk, group_weights


def _inputs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "end_use": [1.0, 0.0, 1.0, np.nan],
            "productive_use": [0.5, 0.2, np.nan, np.nan],
            "breadth": [0.125, 0.0, 0.5, np.nan],
            "designated": [False, False, True, False],
        },
        index=["a", "b", "c", "d"],
    )


def test_criticality_score_by_hand() -> None:
    c = criticality_score(_inputs(), CriticalitySettings())
    assert c["a"] == pytest.approx(100 * (1.0 + 0.5 + 0.5) / 3)  # breadth 0.125 / 0.25 = 0.5
    assert c["b"] == pytest.approx(100 * 0.2 / 3)
    assert c["c"] == 100.0  # designated
    assert math.isnan(c["d"])  # nothing known: not filled in
    only_end_use = CriticalitySettings(components=(("end_use", 1.0),), designation_sets_full=False)
    c2 = criticality_score(_inputs(), only_end_use)
    assert c2["a"] == 100.0 and c2["b"] == 0.0 and c2["c"] == 100.0


def test_modes_by_hand() -> None:
    c = np.array([0.0, 50.0, 100.0, np.nan])
    scale, offset = scale_offset(c, CriticalitySettings(mode="multiplier", floor=0.2))
    assert scale.tolist() == pytest.approx([0.2, 0.6, 1.0, 1.0]) and not offset.any()
    scale, offset = scale_offset(c, CriticalitySettings(mode="weighted", weight=0.25))
    r = np.array([40.0, 40.0, 40.0, 40.0])
    assert (scale * r + offset).tolist() == pytest.approx([30.0, 42.5, 55.0, 40.0])
    scale, offset = scale_offset(c, CriticalitySettings(mode="off"))
    assert (scale * r + offset).tolist() == r.tolist()


def test_group_shares_one_weight() -> None:
    names = ["x", "y", "z"]
    w = np.array([[1.0, 3.0, 2.0], [1.0, 3.0, 2.0]])
    avail = np.array([[True, True, True], [True, False, True]])
    g = IndicatorGroup("g", "g", "diversity", 2.0, ("x", "y"))
    out = group_weights(w, avail, names, (g,))
    assert out[0].tolist() == pytest.approx([0.5, 1.5, 2.0])  # 2 * 1/4, 2 * 3/4; z untouched
    assert out[1, 0] == pytest.approx(2.0)  # y unavailable: x carries the whole group weight


def test_zero_alternatives_is_risky_only_when_concentrated() -> None:
    names = ["import_hhi", "world_export_hhi", "capable_alternatives"]
    r = np.array(
        [
            [0.0, 0.0, 100.0],  # buys from every capable supplier of an unconcentrated product
            [0.0, 80.0, 100.0],  # few producers worldwide
            [90.0, 10.0, 50.0],
            [np.nan, np.nan, 100.0],  # concentration unknown: left as is
        ]
    )
    out = gate_risk(r, names, "capable_alternatives", ("import_hhi", "world_export_hhi"))
    assert out[:, 2].tolist() == pytest.approx([0.0, 80.0, 45.0, 100.0])


def test_bad_method_settings_name_the_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cases = {
        '[criticality]\nmode = "sum"\n': "criticality.mode",
        "[criticality]\nfloor = 2\n": "criticality.floor",
        '[indicator_groups.g]\ndimension = "diversity"\nmembers = ["nope"]\n': "indicator_groups.g.members",
        '[indicator_groups.g]\ndimension = "x"\nmembers = ["nes_basket_share"]\n': "indicator_groups.g.dimension",
    }
    for text, key in cases.items():
        cfg = tmp_path / "m.toml"
        cfg.write_text(text)
        with pytest.raises(ConfigError) as exc:
            settings(cfg)
        assert key in str(exc.value)
