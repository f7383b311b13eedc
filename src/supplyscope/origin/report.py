"""One call for the whole origin picture of a BOM: preferential, non-preferential, duties, flips."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from supplyscope.errors import DataError, RuleError
from supplyscope.origin.agreements import Agreement, available_agreements, get_agreement
from supplyscope.origin.bom import BOM
from supplyscope.origin.duty import DutyStack, duty_stack
from supplyscope.origin.flip import Flip, what_flips
from supplyscope.origin.nonpreferential import (
    NonPreferentialResult,
    Section301Origin,
    evaluate_nonpreferential,
    section301_origin,
)
from supplyscope.origin.preferential import PreferentialResult, evaluate_preferential

DUTY_KEYS = (
    "date",
    "mfn",
    "preferential",
    "section301",
    "section232",
    "ieepa",
    "section122",
    "total_rate",
    "duty_usd",
    "complete",
    "missing",
    "layers",
    "de_minimis_eligible",
    "de_minimis",
    "reasons",
    "not_modelled",
)
"""The :class:`DutyStack` fields ``OriginReport.to_dict()["duties"]`` carries (as ``supplyscope duty`` prints them)."""


@dataclass
class OriginReport:
    """Everything ``supplyscope origin`` prints: decision, trace, RVC, origin, duties and flips."""

    bom: BOM
    preferential: PreferentialResult | None
    non_preferential: NonPreferentialResult
    duties: DutyStack | None
    flips: list[Flip] = field(default_factory=list)
    origin_301: Section301Origin | None = None
    preferential_unsupported: str | None = None

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
                **{k: v for k, v in d.to_dict().items() if k in DUTY_KEYS},
                "section301_origin": self.origin_301.to_dict() if self.origin_301 else None,
            },
            "section301_origin": self.origin_301.to_dict() if self.origin_301 else None,
            "flip": [f.to_dict() for f in self.flips],
            "flip_gaps": list(dict.fromkeys(f.gap for f in self.flips if f.gap)),
            "preferential_unsupported": self.preferential_unsupported,
        }


def evaluate_bom(
    bom: BOM,
    agreement: str | Agreement | None = None,
    *,
    de_minimis_exclusions: bool = False,
    premium: float | None = None,
    flips: bool = True,
    origin_301_mode: str = "part102",
    on: date | str | None = None,
) -> OriginReport:
    """Evaluate a BOM: preferential origin under ``agreement`` (a name, or a loaded rule set), the
    non-preferential origin, the US duty stack, and what would flip a failing good.

    ``origin_301_mode``: ``part102`` (the 19 CFR 102 result) or ``substantial_transformation`` (a labelled
    judgement-call proxy, see :func:`section301_origin`) decides the origin used for Section 301. ``on`` is the
    entry date of the duty stack (``YYYY-MM-DD`` or a date; default today).
    """
    agr = get_agreement(agreement) if isinstance(agreement, str) else agreement
    pref = None
    unsupported = None
    if agr is not None:
        try:
            pref = evaluate_preferential(bom, agr, {})
        except RuleError as exc:
            if isinstance(exc, DataError):  # a malformed rule or BOM, not a coverage gap
                raise
            unsupported = f"{exc} — preferential origin not decided (see `supplyscope origin-coverage`)"
    nonpref = evaluate_nonpreferential(bom, cache={})
    o301 = section301_origin(bom, nonpref, origin_301_mode)
    duties = None
    if len(bom.hts) >= 8:
        duties = _duties(bom, nonpref, o301, agr if pref is not None else None, pref, de_minimis_exclusions, on)
    flip_list = what_flips(bom, agr, premium=premium) if (agr and flips and pref and not pref.qualifies) else []
    return OriginReport(bom, pref, nonpref, duties, flip_list, o301, unsupported)


def _duties(
    bom: BOM,
    nonpref: NonPreferentialResult,
    o301: Section301Origin,
    agr: Agreement | None,
    pref: PreferentialResult | None,
    de_minimis_exclusions: bool,
    on: date | str | None,
) -> DutyStack:
    """The duty stack at the non-preferential origin, with the Section 301 origin and its basis."""
    known = agr is not None and agr.name.upper() in {a.upper() for a in available_agreements()}
    d = duty_stack(
        bom.hts,
        nonpref.origin,
        bom.value,
        on=on,
        agreement=agr.name if agr is not None and known else None,
        qualifies=pref.qualifies if pref else None,
        origin_301=o301.origin,
        origin_301_basis=o301.basis,
        de_minimis_exclusions=de_minimis_exclusions,
    )
    if agr is not None and not known:
        d.reasons.append(f"preference: {agr.name} is a user rule set with no HTS program code; MFN shown")
    return d
