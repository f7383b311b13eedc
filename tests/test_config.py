"""The one settings reader: how the user's file is found, area sections, and merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyscope.config import load_settings, merge_tables, user_section, user_settings_file
from supplyscope.errors import ConfigError


def test_user_file_comes_from_the_option_then_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPLYSCOPE_CONFIG", raising=False)
    assert user_settings_file() is None
    env_file = tmp_path / "env.toml"
    monkeypatch.setenv("SUPPLYSCOPE_CONFIG", str(env_file))
    assert user_settings_file() == env_file
    assert user_settings_file(tmp_path / "opt.toml") == tmp_path / "opt.toml"


def test_area_sections_share_one_file_with_the_scoring_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "settings.toml"
    f.write_text("[dimensions]\ndiversity = 2.0\n\n[disclosure]\nmin_submitters = 5\n", encoding="utf-8")
    monkeypatch.setenv("SUPPLYSCOPE_CONFIG", str(f))
    assert user_section("disclosure") == ({"min_submitters": 5}, str(f))
    assert user_section("shipments") == ({}, str(f))
    assert load_settings().dimensions["diversity"] == 2.0  # the scoring reader accepts the area sections


def test_a_section_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("disclosure = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="disclosure"):
        user_section("disclosure", f)


def test_merge_recurses_into_tables_and_replaces_values() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    top = {"a": {"y": [3]}, "c": 2}
    assert merge_tables(base, top) == {"a": {"x": 1, "y": [3]}, "b": 1, "c": 2}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1}  # inputs untouched
