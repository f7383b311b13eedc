"""Numbers for reading: hand-worked examples of every formatting rule."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from supplyscope.report.labels import by_dimension, label, settings_text
from supplyscope.report.numbers import NA, number, share, text, usd
from supplyscope.report.tables import table_html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (903300.0, "903,300"),
        (9.033e5, "903,300"),
        (1234.5, "1,234"),  # whole units from 1,000 up (round half to even)
        (12.5, "12.5"),
        (0.0421, "0.0421"),
        (0.000012345, "0.0000123"),
        (-3.14159, "-3.14"),
        (100.0, "100"),
        (0, "0"),
        (None, NA),
        (math.nan, NA),
        (pd.NA, NA),
        (math.inf, "∞"),
    ],
)
def test_number(value: object, expected: str) -> None:
    assert number(value) == expected
    assert "e+" not in number(value) and "e-" not in number(value)


def test_share_usd_text() -> None:
    assert share(0.4213) == "42.1%" and share(None) == NA
    assert usd(903_300_000) == "$903.3 M" and usd(2.5e9) == "$2.5 bn" and usd(4500) == "$4,500"
    assert text(pd.NA) == NA and text("CHN") == "CHN" and text(2.0e6) == "2,000,000"


def test_labels() -> None:
    assert label("world_export_hhi") == "World export HHI"
    assert label("suppliers_above_1pct") == "Suppliers above 1%"
    assert label("chn_share") == "CHN share"
    names = ["undisclosed_partner_share", "import_hhi", "concern_share", "supplier_voice_accountability"]
    assert by_dimension(names) == [
        "import_hhi",
        "concern_share",
        "supplier_voice_accountability",
        "undisclosed_partner_share",
    ]


def test_settings_text_is_a_sentence_not_a_dict() -> None:
    filters = {
        "min_import_usd": 1e6,
        "dimension_weights": {"diversity": 1.0, "security": 1.0, "sustainability": 0.5, "transparency": 1.0},
        "criticality_mode": "multiplier",
    }
    out = settings_text(filters)
    assert out == (
        "import floor $1.0 M; dimension weights: diversity 1, security 1, sustainability 0.5, transparency 1; "
        "criticality applied as: multiplier"
    )
    assert "{" not in out


def test_table_html_never_prints_na_or_exponents() -> None:
    df = pd.DataFrame(
        {
            "mineral": ["gallium", "antimony"],
            "year": pd.array([2024, None], dtype="Int64"),
            "world_total": [9.033e5, None],
            "top_share": [0.98, pd.NA],
            "hhi": [0.9, 1e-6],
        }
    )
    out = table_html(df, percent=("top_share",))
    assert "&lt;NA&gt;" not in out and "<NA>" not in out and "nan" not in out and "e-0" not in out
    assert "<th>Year</th>" in out and "<td>2024</td>" in out and "<td>903,300</td>" in out
    assert "<td>98.0%</td>" in out and "<th>Top share</th>" in out and "<th>HHI</th>" in out
