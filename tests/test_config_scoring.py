"""Settings validation: every bad setting raises ConfigError naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyscope.api import settings
from supplyscope.errors import ConfigError
from supplyscope.indicators.registry import REGISTRY


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "user.toml"
    p.write_text(text)
    return p


def test_defaults_cover_every_indicator_and_cite_groups() -> None:
    s = settings()
    assert set(s.indicators) == set(REGISTRY)
    assert "791.4" in s.groups["concern"].source
    assert "CHN" in s.groups["concern"].members


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[indicators.no_such_indicator]\nweight = 1\nthresholds = [0, 1]\n", "indicators.no_such_indicator"),
        ("[indicators.import_hhi]\nweight = -0.5\n", "indicators.import_hhi.weight"),
        ("[indicators.import_hhi]\nthresholds = [0.1]\n", "indicators.import_hhi.thresholds"),
        ("[indicators.import_hhi]\nthresholds = ['low', 'high']\n", "indicators.import_hhi.thresholds"),
        ("[indicators.import_hhi]\nthresholds = [0.3, 0.3]\n", "indicators.import_hhi.thresholds"),
        ("[indicators.import_hhi]\nweigth = 1\n", "indicators.import_hhi"),
        ("[dimensions]\nresilience = 1\n", "dimensions.resilience"),
        ("[groups.concern]\nmembers = ['China']\nsource = 'x'\n", "groups.concern.members"),
        ("[groups.mine]\nmembers = ['CHN']\n", "groups.mine.source"),
        ("[[overrides]]\nscope = 'country:CHN'\n", "overrides[0].scope"),
        ("[[overrides]]\nscope = 'chapter:85'\nindicators.bogus = { weight = 1 }\n", "overrides[0].indicators.bogus"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings(write(tmp_path, text))
    assert err.value.key == key
    assert key in str(err.value)


def test_not_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        settings(write(tmp_path, "[indicators\n"))


def test_user_file_overrides_defaults(tmp_path: Path) -> None:
    s = settings(
        write(
            tmp_path, "[indicators.import_hhi]\nweight = 5\n[groups.concern]\nmembers = ['RUS']\nsource = 'my policy'\n"
        )
    )
    assert s.indicators["import_hhi"].weight == 5
    assert s.indicators["import_hhi"].thresholds == (0.10, 0.50)  # kept from the defaults
    assert s.groups["concern"].members == ("RUS",)
