"""Index of HTS lines: which general, special and column 2 rates and units apply to an HTS8/HTS10.

Built from the canonical ``tariff_lines`` frame (see :func:`supplyscope.data.sources.hts.load_hts`).
Ten-digit statistical lines inherit the rates of the rate-bearing line above them, as the HTS prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from supplyscope.errors import NotFoundError
from supplyscope.tariffs.codes import clean_hts, dotted
from supplyscope.tariffs.rates import Rate, parse_rate, parse_special


def _s(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


@dataclass(frozen=True)
class TariffLine:
    """The rates that apply to one HTS line (inherited from the rate-bearing line above it)."""

    hts: str
    description: str
    rate_line: str
    general: str | None
    special: str | None
    column2: str | None
    units: tuple[str, ...] = ()

    def general_rate(self) -> Rate | None:
        return parse_rate(self.general) if self.general else None

    def column2_rate(self) -> Rate | None:
        return parse_rate(self.column2) if self.column2 else None

    def special_rates(self) -> dict[str, Rate]:
        return parse_special(self.special)


class HtsSchedule:
    """HTS8/HTS10 -> :class:`TariffLine`, plus chapter 99 heading texts (built once, queried many times)."""

    def __init__(self, lines: pd.DataFrame, *, edition: str = "") -> None:
        self.edition = edition
        self._lines: dict[str, TariffLine] = {}
        self._desc: dict[str, str] = {}
        stack: list[tuple[int, str, str | None, str | None, str | None]] = []
        units_col = lines["units"] if "units" in lines.columns else pd.Series([None] * len(lines), index=lines.index)
        cols = ["hts", "indent", "description", "general", "special", "column2"]
        for (hts, indent, desc, general_raw, special_raw, col2_raw), units_raw in zip(
            lines[cols].itertuples(index=False), units_col, strict=True
        ):
            general, special, col2 = _s(general_raw), _s(special_raw), _s(col2_raw)
            units = tuple(u for u in (_s(units_raw) or "").split(";") if u)
            self._desc[hts] = str(desc)
            if len(hts) == 4:
                stack = []
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if general is not None:
                line = TariffLine(hts, desc, hts, general, special, col2, units)
                stack.append((indent, hts, general, special, col2))
            else:
                parent = next((s for s in reversed(stack) if s[2] is not None and hts.startswith(s[1][:8])), None)
                line = (
                    TariffLine(hts, desc, parent[1], parent[2], parent[3], parent[4], units)
                    if parent
                    else TariffLine(hts, desc, hts, None, None, None, units)
                )
                stack.append((indent, hts, None, None, None))
            if len(hts) in (8, 10):
                self._lines[hts] = line

    def line(self, hts: str) -> TariffLine:
        """Rates for an HTS8 or HTS10 (dots allowed); :class:`NotFoundError` when not in the schedule."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))
        found = self._lines.get(code)
        if found is None and len(code) == 10:
            found = self._lines.get(code[:8])
        if found is None:
            near = sorted(k for k in self._lines if k[:6] == code[:6])
            raise NotFoundError("HTS line", dotted(code), [dotted(k) for k in near])
        return found

    def heading_rate(self, heading: str) -> tuple[str | None, Rate | None]:
        """Printed general rate of a chapter 99 heading (``"9903.81.87"``) and its parse; (None, None) if absent."""
        code = clean_hts(heading, field="heading", lengths=(8,))
        line = self._lines.get(code)
        if line is None or line.rate_line != code or line.general is None:
            return None, None
        return line.general, parse_rate(line.general)

    def description(self, hts: str) -> str | None:
        return self._desc.get(hts)

    def codes(self, digits: int = 10) -> list[str]:
        """Every HTS code of ``digits`` digits in the schedule (sorted), chapter 99 excluded."""
        return sorted(k for k in self._lines if len(k) == digits and not k.startswith(("98", "99")))

    def __contains__(self, hts: str) -> bool:
        return hts in self._lines


@lru_cache(maxsize=1)
def default_schedule() -> HtsSchedule:
    """The bundled 2026 HTS (Revision 4), indexed once per process."""
    from supplyscope.data.sources.hts import HTS_SOURCE, bundled_hts

    return HtsSchedule(bundled_hts(), edition=HTS_SOURCE)
