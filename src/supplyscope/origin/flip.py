""" "What flips origin": the smallest sourcing change that makes a non-qualifying good qualify.

Candidates move one or more non-originating materials to an originating supplier in a party country
(the country of final production when it is a party). Single moves are tried first, then pairs, then
triples; among the working moves the smallest value moved wins. The cost of a move is the value
re-sourced times a user-given price premium (``premium=0.1`` = the new supplier is 10% dearer); with no
premium the report gives the value moved and leaves the price to the user — no price is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from supplyscope.origin.agreements import Agreement
from supplyscope.origin.bom import BOM
from supplyscope.origin.preferential import evaluate_preferential


@dataclass(frozen=True)
class Flip:
    """One sourcing change that makes the good qualify."""

    materials: tuple[str, ...]
    from_origins: tuple[str, ...]
    to_origin: str
    value_moved_usd: float
    extra_cost_usd: float | None
    rule_after: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "materials": list(self.materials),
            "from": list(self.from_origins),
            "to": self.to_origin,
            "value_moved_usd": round(self.value_moved_usd, 2),
            "extra_cost_usd": None if self.extra_cost_usd is None else round(self.extra_cost_usd, 2),
            "rule_after": self.rule_after,
        }


def what_flips(
    bom: BOM, agreement: Agreement, *, premium: float | None = None, max_moves: int = 3, limit: int = 5
) -> list[Flip]:
    """Up to ``limit`` smallest sourcing changes (by value moved) that make ``bom`` qualify; [] if it does."""
    base = evaluate_preferential(bom, agreement, {})
    if base.qualifies or bom.country not in agreement.parties:
        return []
    target = bom.country
    movable = [i for i, m in enumerate(bom.materials) if not base.status.get(m.id, False)]
    found: list[Flip] = []
    for k in range(1, min(max_moves, len(movable)) + 1):
        for combo in sorted(combinations(movable, k), key=lambda c: sum(bom.materials[i].value for i in c)):
            trial = bom
            for i in combo:
                m = bom.materials[i]
                trial = trial.with_material(i, replace(m, origin=target, originating=True, bom=None))
            res = evaluate_preferential(trial, agreement, {})
            if res.qualifies:
                moved = sum(bom.materials[i].value for i in combo)
                found.append(
                    Flip(
                        tuple(bom.materials[i].id for i in combo),
                        tuple(bom.materials[i].origin for i in combo),
                        target,
                        moved,
                        None if premium is None else moved * premium,
                        res.rule_id,
                    )
                )
        if found:
            break
    found.sort(key=lambda f: f.value_moved_usd)
    return found[:limit]
