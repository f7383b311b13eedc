"""Graduated Section 301 simulator: the additional rate falls in steps as the PRC share of key inputs falls.

The share is the value of key-input materials (``key_input: true``; all materials when none is flagged)
whose non-preferential origin is CHN, divided by the value of all key inputs. The schedule is policy
configuration (``defaults/duty.toml`` ``[graduated_301]``, an illustrative, hypothetical schedule).
For each step the simulator reports the duty, the saving against the step the good's present PRC share
falls in (the incentive), and the least value of PRC key inputs that must move to another origin to reach
it. The schedule is hypothetical: no step is called "current". The Section 301 rate the duty stack
actually applies is reported next to it (``applied_section301_rate``, None when it applies none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supplyscope.origin.bom import BOM
from supplyscope.origin.duty import DutyConfig, default_duty_config


@dataclass(frozen=True)
class GraduatedStep:
    min_share: float
    rate: float
    duty_usd: float
    saving_vs_present_share_usd: float
    move_more_than_usd: float
    total_duty_usd: float
    at_present_share: bool

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def prc_key_share(bom: BOM) -> tuple[float, float, float]:
    """(share, PRC key-input value, total key-input value)."""
    keys = [m for m in bom.materials if m.key_input] or list(bom.materials)
    total = sum(m.value for m in keys)
    prc = sum(m.value for m in keys if m.origin == "CHN")
    return (prc / total if total else 0.0), prc, total


def rate_for_share(share: float, steps: tuple[tuple[float, float], ...]) -> float:
    """The rate of the first step (highest ``min_share`` first) whose threshold the share reaches."""
    for min_share, rate in steps:
        if share >= min_share - 1e-12:
            return rate
    return steps[-1][1]


def simulate_graduated_301(
    bom: BOM,
    *,
    base_rate: float = 0.0,
    config: DutyConfig | None = None,
    applied_section301_rate: float | None = None,
) -> dict[str, Any]:
    """Duty and incentive at each step of the graduated schedule for this good.

    The graduated rate is treated as a content-based measure on the good whatever its final origin.
    ``duty_usd`` is the graduated layer alone; ``total_duty_usd`` adds ``base_rate`` (MFN or preferential
    rate plus Section 232 from the duty stack). ``move_more_than_usd``: PRC key-input value that must move
    to another origin (strictly more than this) to reach the step.
    """
    cfg = config or default_duty_config()
    share, prc, total = prc_key_share(bom)
    present_rate = rate_for_share(share, cfg.graduated_steps)
    present_duty = present_rate * bom.value
    steps = []
    for i, (min_share, rate) in enumerate(cfg.graduated_steps):
        upper = cfg.graduated_steps[i - 1][0] if i > 0 else float("inf")
        # the share must fall below ``upper`` (the previous step's threshold): move more than this much
        need = max(0.0, prc - upper * total) if share >= upper else 0.0
        here = min_share <= share < upper
        steps.append(
            GraduatedStep(
                min_share,
                rate,
                rate * bom.value,
                present_duty - rate * bom.value,
                need,
                (rate + base_rate) * bom.value,
                here,
            )
        )
    return {
        "prc_key_input_share": round(share, 6),
        "prc_key_input_usd": prc,
        "key_input_usd": total,
        "simulated_rate_at_present_share": present_rate,
        "applied_section301_rate": applied_section301_rate,
        "note": "hypothetical schedule, not in force; "
        + (
            "the duty stack applies no Section 301 rate to this good"
            if not applied_section301_rate
            else f"the duty stack applies Section 301 at {100 * applied_section301_rate:.1f}%"
        ),
        "base_rate": base_rate,
        "legal": cfg.graduated_legal,
        "steps": [s.to_dict() for s in steps],
    }
