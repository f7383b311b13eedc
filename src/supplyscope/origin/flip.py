""" "What flips origin": the smallest sourcing change that makes a non-qualifying good qualify.

Two kinds of change are searched and every candidate is checked by re-evaluating the changed BOM:

* **partial moves** — when the good falls short of a regional value content threshold, the dollar gap is
  computed from the RVC formula (``gap = (threshold − RVC) × base / 100``, base = transaction value or
  net cost) and that much of one non-originating line (or of several, largest first) is moved to an
  originating supplier; the rest of the line stays where it is;
* **whole-line moves** — one, two or three non-originating lines moved entirely (needed when a line
  fails a tariff shift, which a partial move cannot cure).

The new supplier is in the country of final production. Among the working changes the smallest value
moved wins. The cost of a move is the value re-sourced times a user-given price premium
(``premium=0.1`` = the new supplier is 10% dearer); with no premium no price is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from supplyscope.origin.agreements import Agreement
from supplyscope.origin.bom import BOM, Material
from supplyscope.origin.preferential import PreferentialResult, evaluate_preferential

_EPS = 1e-6


@dataclass(frozen=True)
class Flip:
    """One sourcing change that makes the good qualify."""

    materials: tuple[str, ...]
    from_origins: tuple[str, ...]
    to_origin: str
    value_moved_usd: float
    extra_cost_usd: float | None
    rule_after: str
    partial: bool = False
    gap: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "materials": list(self.materials),
            "from": list(self.from_origins),
            "to": self.to_origin,
            "value_moved_usd": round(self.value_moved_usd, 2),
            "partial": self.partial,
            "extra_cost_usd": None if self.extra_cost_usd is None else round(self.extra_cost_usd, 2),
            "rule_after": self.rule_after,
            "gap": self.gap,
        }


def rvc_gap(bom: BOM, result: PreferentialResult) -> tuple[float, str] | None:
    """Dollars of non-originating value that must become originating to reach the RVC threshold.

    Every RVC method rises by ``100 × x / base`` when ``x`` of non-originating value becomes originating,
    so the gap is ``(threshold − value) × base / 100``. None when no RVC fell short.
    """
    r = result.rvc
    if r is None or r.value >= r.threshold - 1e-9:
        return None
    base = bom.net_cost if r.method == "net_cost" else bom.value
    if not base:
        return None
    gap = (r.threshold - r.value) * base / 100.0
    text = (
        f"RVC {r.value:.1f}% needs {r.threshold:.1f}%: ${gap:,.2f} of non-originating value must become "
        f"originating. ({r.method.replace('_', ' ')} method)"
    )
    return gap, text


def _moved(bom: BOM, moves: list[tuple[int, float]], target: str) -> BOM:
    """A copy with ``amount`` of each listed line re-sourced as originating from ``target``."""
    mats: list[Material] = list(bom.materials)
    extra: list[Material] = []
    for i, amount in moves:
        m = bom.materials[i]
        new = replace(m, origin=target, originating=True, bom=None, id=f"{m.id}@{target}")
        if amount >= m.value - _EPS:
            mats[i] = replace(new, id=m.id)
        else:
            mats[i] = replace(m, value=m.value - amount)
            extra.append(replace(new, value=amount))
    return BOM(bom.hts, bom.value, bom.country, tuple(mats + extra), bom.costs, bom.processes, bom.weight_kg, bom.name)


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

    def add(moves: list[tuple[int, float]], gap_text: str | None) -> bool:
        res = evaluate_preferential(_moved(bom, moves, target), agreement, {})
        if not res.qualifies:
            return False
        moved = sum(a for _, a in moves)
        found.append(
            Flip(
                tuple(bom.materials[i].id for i, _ in moves),
                tuple(bom.materials[i].origin for i, _ in moves),
                target,
                moved,
                None if premium is None else moved * premium,
                res.rule_id,
                any(a < bom.materials[i].value - _EPS for i, a in moves),
                gap_text,
            )
        )
        return True

    gap = rvc_gap(bom, base)
    if gap is not None:
        need, text = gap
        # partial move of one line: any line holding at least the gap
        for i in sorted(movable, key=lambda j: bom.materials[j].value):
            if bom.materials[i].value >= need - _EPS:
                add([(i, min(need, bom.materials[i].value))], text)
        if not found:  # no single line is big enough: take whole lines, largest first, then part of the next
            left, moves = need, []
            for i in sorted(movable, key=lambda j: -bom.materials[j].value):
                take = min(left, bom.materials[i].value)
                moves.append((i, take))
                left -= take
                if left <= _EPS:
                    break
            if left <= _EPS:
                add(moves, text)
    for k in range(1, min(max_moves, len(movable)) + 1):
        before = len(found)
        for combo in sorted(combinations(movable, k), key=lambda c: sum(bom.materials[i].value for i in c)):
            add([(i, bom.materials[i].value) for i in combo], gap[1] if gap else None)
        if len(found) > before:
            break
    found.sort(key=lambda f: (round(f.value_moved_usd, 6), f.partial, len(f.materials)))
    out: list[Flip] = []
    seen: set[tuple[tuple[str, ...], float]] = set()
    for f in found:
        key = (f.materials, round(f.value_moved_usd, 6))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out[:limit]
