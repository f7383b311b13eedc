"""Policy simulators against hand calculations (synthetic price paths, labelled as such)."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyscope.errors import ConfigError
from supplyscope.minerals.policy import PricePath, cfd_subsidy, load_price_paths, price_floor, stockpile

DATA = Path(__file__).parent / "data"
# synthetic path: prices 100, 80, 130 USD/kg
PATH = PricePath("gallium", ("p1", "p2", "p3"), (100.0, 80.0, 130.0), "USD/kg")


def test_price_floor_hand_calculation() -> None:
    df = price_floor(PATH, 120.0, 10.0)
    # duty = max(0, 120 - p): 20, 40, 0
    assert list(df["duty_per_unit"]) == [20.0, 40.0, 0.0]
    assert list(df["landed_price"]) == [120.0, 120.0, 130.0]
    # revenue = duty x 10 units: 200 + 400 + 0
    assert df["duty_revenue"].sum() == pytest.approx(600.0)
    assert df["cost_to_importers"].sum() == pytest.approx(600.0)
    assert list(df["gap_closed"][:2]) == [1.0, 1.0]


def test_price_floor_cap_and_exemption() -> None:
    df = price_floor(PATH, 120.0, [10.0, 20.0, 30.0], exempt_share=0.25, duty_cap=30.0)
    # duties 20, min(40, 30) = 30, 0; volumes 10, 20, 30
    assert list(df["duty_per_unit"]) == [20.0, 30.0, 0.0]
    # importers pay the uplift on everything: 20*10 + 30*20 = 800; revenue only on 75 %: 600
    assert df["cost_to_importers"].sum() == pytest.approx(800.0)
    assert df["duty_revenue"].sum() == pytest.approx(600.0)
    # gap closed in period 2: 30 of 40
    assert df["gap_closed"][1] == pytest.approx(0.75)


def test_cfd_hand_calculation() -> None:
    one = cfd_subsidy(PATH, 110.0, 10.0)
    # max(0, 110 - p) x 10 = 100, 300, 0
    assert list(one["budget_cost"]) == [100.0, 300.0, 0.0]
    assert list(one["cumulative_cost"]) == [100.0, 400.0, 400.0]
    two = cfd_subsidy(PATH, 110.0, 10.0, two_sided=True)
    # the producer pays back (130 - 110) x 10 = 200 in period 3
    assert two["budget_cost"].sum() == pytest.approx(200.0)


def test_stockpile_hand_calculation() -> None:
    # 36,500 kg a year = 100 kg a day; $1m at $500/kg buys 2,000 kg = 20 days; 90 days cost $4.5m
    res = stockpile("gallium", 500.0, 36_500.0, budget=1_000_000.0, days=90.0)
    assert res.units_bought == pytest.approx(2000.0)
    assert res.days_cover == pytest.approx(20.0)
    assert res.budget_needed == pytest.approx(4_500_000.0)


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: price_floor(PATH, -1.0, 10.0), "floor"),
        (lambda: price_floor(PATH, 100.0, -10.0), "volume"),
        (lambda: price_floor(PATH, 100.0, 10.0, exempt_share=1.5), "exempt_share"),
        (lambda: cfd_subsidy(PATH, -3.0, 1.0), "strike"),
        (lambda: stockpile("gallium", -500.0, 100.0, budget=1.0), "price"),
        (lambda: stockpile("gallium", 500.0, 100.0, budget=-1.0), "budget"),
        (lambda: stockpile("gallium", 500.0, 100.0), "budget"),
        (lambda: PricePath("gallium", ("a",), (-1.0,), "USD/kg"), "minerals.gallium.prices[0]"),
    ],
)
def test_bad_input(call: object, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        call()  # type: ignore[operator]
    assert err.value.key == key


def test_price_file() -> None:
    paths = load_price_paths(DATA / "synthetic_prices.toml")
    assert paths["gallium"].prices == (100.0, 80.0, 130.0)
    assert paths["gallium"].volume == 10.0
    with pytest.raises(ConfigError, match="must not be negative") as err:
        load_price_paths(DATA / "synthetic_bad_prices.toml")
    assert "synthetic_bad_prices.toml" in str(err.value)
