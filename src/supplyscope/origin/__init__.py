"""Rules of origin as code, bills of materials, and the US duty stack.

Public API (imported on first use, so ``supplyscope.origin.duty`` alone stays cheap to import)::

    from supplyscope.origin import duty_stack, DutyStack, section301_lists_for, section232_covered
    from supplyscope.origin import evaluate_bom, load_bom
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY: dict[str, str] = {
    "Agreement": "supplyscope.origin.agreements",
    "BOM": "supplyscope.origin.bom",
    "DutyStack": "supplyscope.origin.duty",
    "Flip": "supplyscope.origin.flip",
    "HtsSchedule": "supplyscope.origin.hts",
    "Material": "supplyscope.origin.bom",
    "NonPreferentialResult": "supplyscope.origin.nonpreferential",
    "OriginReport": "supplyscope.origin.report",
    "Override": "supplyscope.origin.bom",
    "PreferentialResult": "supplyscope.origin.preferential",
    "Section301Origin": "supplyscope.origin.nonpreferential",
    "available_agreements": "supplyscope.origin.agreements",
    "bom_from_dict": "supplyscope.origin.bom",
    "compile_rule": "supplyscope.origin.rules",
    "duty_stack": "supplyscope.origin.duty",
    "evaluate_bom": "supplyscope.origin.report",
    "evaluate_nonpreferential": "supplyscope.origin.nonpreferential",
    "evaluate_preferential": "supplyscope.origin.preferential",
    "get_agreement": "supplyscope.origin.agreements",
    "load_agreement": "supplyscope.origin.agreements",
    "load_bom": "supplyscope.origin.bom",
    "load_hts": "supplyscope.origin.hts",
    "load_section301": "supplyscope.origin.section301",
    "parse_rate": "supplyscope.origin.rates",
    "parse_special": "supplyscope.origin.rates",
    "section232_covered": "supplyscope.origin.section232",
    "section301_lists_for": "supplyscope.origin.section301",
    "section301_origin": "supplyscope.origin.nonpreferential",
    "simulate_graduated_301": "supplyscope.origin.graduated",
    "what_flips": "supplyscope.origin.flip",
}

if TYPE_CHECKING:
    from supplyscope.origin.agreements import Agreement, available_agreements, get_agreement, load_agreement
    from supplyscope.origin.bom import BOM, Material, Override, bom_from_dict, load_bom
    from supplyscope.origin.duty import DutyStack, duty_stack
    from supplyscope.origin.flip import Flip, what_flips
    from supplyscope.origin.graduated import simulate_graduated_301
    from supplyscope.origin.hts import HtsSchedule, load_hts
    from supplyscope.origin.nonpreferential import (
        NonPreferentialResult,
        Section301Origin,
        evaluate_nonpreferential,
        section301_origin,
    )
    from supplyscope.origin.preferential import PreferentialResult, evaluate_preferential
    from supplyscope.origin.rates import parse_rate, parse_special
    from supplyscope.origin.report import OriginReport, evaluate_bom
    from supplyscope.origin.rules import compile_rule
    from supplyscope.origin.section232 import section232_covered
    from supplyscope.origin.section301 import load_section301, section301_lists_for

__all__ = [
    "BOM",
    "Agreement",
    "DutyStack",
    "Flip",
    "HtsSchedule",
    "Material",
    "NonPreferentialResult",
    "OriginReport",
    "Override",
    "PreferentialResult",
    "Section301Origin",
    "available_agreements",
    "bom_from_dict",
    "compile_rule",
    "duty_stack",
    "evaluate_bom",
    "evaluate_nonpreferential",
    "evaluate_preferential",
    "get_agreement",
    "load_agreement",
    "load_bom",
    "load_hts",
    "load_section301",
    "parse_rate",
    "parse_special",
    "section232_covered",
    "section301_lists_for",
    "section301_origin",
    "simulate_graduated_301",
    "what_flips",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'supplyscope.origin' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
