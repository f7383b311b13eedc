"""The dated US tariff layer: HTS rates, chapter 99 measures with validity dates, de minimis.

Shared by :mod:`supplyscope.origin` (``duty``, ``origin``) and :mod:`supplyscope.shipments`. Public API::

    from supplyscope.tariffs import duty_stack, layer_rates, parse_rate, default_config
"""

from supplyscope.tariffs.measures import NOT_MODELLED, Measure, TariffConfig, default_config, load_tariff_config
from supplyscope.tariffs.rates import Component, Rate, apply_rate, parse_rate, parse_special
from supplyscope.tariffs.schedule import HtsSchedule, TariffLine, default_schedule
from supplyscope.tariffs.section301 import Section301Index, default_index
from supplyscope.tariffs.stack import DutyStack, Layer, de_minimis_status, duty_stack, layer_rates, parse_date

__all__ = [
    "NOT_MODELLED",
    "Component",
    "DutyStack",
    "HtsSchedule",
    "Layer",
    "Measure",
    "Rate",
    "Section301Index",
    "TariffConfig",
    "TariffLine",
    "apply_rate",
    "de_minimis_status",
    "default_config",
    "default_index",
    "default_schedule",
    "duty_stack",
    "layer_rates",
    "load_tariff_config",
    "parse_date",
    "parse_rate",
    "parse_special",
]
