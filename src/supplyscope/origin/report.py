"""One call for the whole origin picture of a BOM: preferential, non-preferential, duties, flips."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from supplyscope.origin.agreements import get_agreement
from supplyscope.origin.bom import BOM
from supplyscope.origin.duty import DutyStack, duty_stack
from supplyscope.origin.flip import Flip, what_flips
from supplyscope.origin.nonpreferential import NonPreferentialResult, evaluate_nonpreferential
from supplyscope.origin.preferential import PreferentialResult, evaluate_preferential


@dataclass
class OriginReport:
    """Everything ``supplyscope origin`` prints: decision, trace, RVC, origin, duties and flips."""

    bom: BOM
    preferential: PreferentialResult | None
    non_preferential: NonPreferentialResult
    duties: DutyStack | None
    flips: list[Flip] = field(default_factory=list)

    @property
    def qualifies(self) -> bool:
        return bool(self.preferential and self.preferential.qualifies)

    def to_dict(self) -> dict[str, Any]:
        p = self.preferential
        d = self.duties
        return {
            "qualifies": self.qualifies,
            "agreement": p.agreement if p else None,
            "rule": f"{p.rule_id}: {p.rule}" if p else "",
            "legal": p.legal if p else None,
            "trace": [s.to_dict() for s in p.trace] if p else [],
            "rvc": p.rvc.to_dict() if p and p.rvc else None,
            "de_minimis_used": bool(p and p.de_minimis_used),
            "non_preferential_origin": self.non_preferential.origin,
            "non_preferential_basis": self.non_preferential.basis,
            "non_preferential_trace": [s.to_dict() for s in self.non_preferential.trace],
            "duties": None
            if d is None
            else {
                "mfn": d.mfn,
                "preferential": d.preferential,
                "section301": d.section301,
                "section232": d.section232,
                "total_rate": d.total_rate,
                "duty_usd": d.duty_usd,
                "de_minimis_eligible": d.de_minimis_eligible,
                "reasons": d.reasons,
            },
            "flip": [f.to_dict() for f in self.flips],
        }


def evaluate_bom(
    bom: BOM,
    agreement: str | None = None,
    *,
    de_minimis_exclusions: bool = False,
    premium: float | None = None,
    flips: bool = True,
) -> OriginReport:
    """Evaluate a BOM: preferential origin under ``agreement`` (if named), non-preferential origin,
    the US duty stack at the non-preferential origin, and what would flip a failing good."""
    agr = get_agreement(agreement) if agreement else None
    pref = evaluate_preferential(bom, agr, {}) if agr else None
    nonpref = evaluate_nonpreferential(bom, cache={})
    duties = None
    if len(bom.hts) >= 8:
        duties = duty_stack(
            bom.hts,
            nonpref.origin,
            bom.value,
            agreement=agr.name if agr else None,
            qualifies=pref.qualifies if pref else None,
            de_minimis_exclusions=de_minimis_exclusions,
        )
    flip_list = what_flips(bom, agr, premium=premium) if (agr and flips and pref and not pref.qualifies) else []
    return OriginReport(bom, pref, nonpref, duties, flip_list)
