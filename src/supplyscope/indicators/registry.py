"""All indicators, registered once. Everything else reads this registry."""

from __future__ import annotations

from supplyscope.config import DIMENSIONS
from supplyscope.errors import NotFoundError
from supplyscope.indicators import diversity, security, sustainability, transparency
from supplyscope.indicators.base import Indicator

REGISTRY: dict[str, Indicator] = {
    i.name: i
    for i in (
        *diversity.INDICATORS,
        *security.INDICATORS,
        *sustainability.INDICATORS,
        *transparency.INDICATORS,
    )
}

assert all(i.dimension in DIMENSIONS for i in REGISTRY.values())
assert all(i.direction in ("higher", "lower") for i in REGISTRY.values())


def get(name: str) -> Indicator:
    """An indicator by name."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise NotFoundError("indicator", name, REGISTRY) from None
