"""The US duty stack for origin callers: a thin front to :func:`supplyscope.tariffs.duty_stack`.

It does one thing the tariff layer cannot: it resolves an origin agreement's name (``usmca``, ``korus``, ...)
to the HTS special-program codes that the preference is listed under. ``origin_301``/``origin_301_basis`` carry
the Section 301 origin chosen by the origin analysis. The entry date is ``on`` (default today).
"""

from __future__ import annotations

from datetime import date

from supplyscope.errors import NotFoundError
from supplyscope.tariffs.measures import TariffConfig, default_config
from supplyscope.tariffs.stack import DutyStack
from supplyscope.tariffs.stack import duty_stack as _tariff_stack

DutyConfig = TariffConfig
"""Policy settings (de minimis, column 2, graduated-301 steps) now live in the tariffs defaults."""

__all__ = ["DutyConfig", "DutyStack", "default_duty_config", "duty_stack"]


def default_duty_config() -> TariffConfig:
    return default_config()


def duty_stack(
    hts10: str,
    origin: str,
    value: float,
    *,
    on: date | str | None = None,
    agreement: str | None = None,
    qualifies: bool | None = None,
    origin_301: str | None = None,
    origin_301_basis: str | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    de_minimis_exclusions: bool = False,
) -> DutyStack:
    """:func:`supplyscope.tariffs.duty_stack` with origin's agreement names resolved to HTS program codes."""
    codes: tuple[str, ...] | None = None
    if agreement is not None:
        try:
            from supplyscope.origin.agreements import get_agreement

            codes = tuple(get_agreement(agreement).program_codes)
        except NotFoundError:
            codes = None
    return _tariff_stack(
        hts10,
        origin,
        value,
        on=on,
        agreement=agreement,
        qualifies=qualifies,
        quantity=quantity,
        unit=unit,
        section301_origin=origin_301,
        origin_basis=origin_301_basis,
        program_codes=codes,
        de_minimis_exclusions=de_minimis_exclusions,
    )
