"""The measures file: every record cited and dated, rates agree with the HTS heading texts, docs cover all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supplyscope.errors import ConfigError
from supplyscope.tariffs import default_config, load_tariff_config
from supplyscope.tariffs.measures import DEFAULT_MEASURES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "tariffs.md").read_text(encoding="utf-8")
_PLUS = re.compile(r"(?:\+|plus)\s*(?:a duty of\s*)?(\d+(?:\.\d+)?)\s*%")


def test_every_measure_is_cited_dated_and_documented() -> None:
    cfg = default_config()
    assert len(cfg.measures) >= 40
    for m in cfg.measures:
        assert m.citation and m.valid_from.year >= 2018, m.id
        assert not m.approximate or m.approximate_reason, m.id
        assert m.heading in DOC, f"{m.heading} ({m.id}) is not in docs/tariffs.md"
    for prog in ("232", "301", "ieepa", "122"):
        assert any(m.program == prog for m in cfg.measures)
    assert "AD/CVD" in DOC and "MPF" in DOC and "approximate" in DOC


def test_rates_read_from_heading_text_agree_with_an_independent_parse() -> None:
    checked = 0
    for m in default_config().measures:
        if not m.rate_from_heading or m.rate_text is None:
            continue
        found = _PLUS.search(m.rate_text)
        value = float(found.group(1)) if found else float(m.rate_text.strip(" %."))
        assert value / 100 == pytest.approx(m.rate), m.id
        checked += 1
    assert checked >= 30


def test_ieepa_ends_when_collection_stopped() -> None:
    for m in default_config().measures:
        if m.program == "ieepa":
            assert m.valid_to is not None and m.valid_to.isoformat() <= "2026-02-24", m.id


def test_bad_files_raise_config_errors(tmp_path: Path) -> None:
    text = DEFAULT_MEASURES.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace(
            "rate = 0.50\nrate_from_heading = true\nvalid_from = 2025-06-04\nvalid_to = 2026-04-06",
            "rate = 0.40\nrate_from_heading = true\nvalid_from = 2025-06-04\nvalid_to = 2026-04-06",
            1,
        )
    )
    with pytest.raises(ConfigError, match="disagrees with the heading text"):
        load_tariff_config(bad)
    bad.write_text(text.replace("valid_to = 2026-04-06", "valid_to = 2020-01-01", 1))
    with pytest.raises(ConfigError, match="valid_to must be after"):
        load_tariff_config(bad)
