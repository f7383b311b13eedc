"""Index of HTS lines: which general, special and column 2 rates and units apply to an HTS8/HTS10.

Built from the rows or the frame of the canonical ``tariff_lines`` table (:mod:`supplyscope.data.sources.hts`).
Ten-digit statistical lines inherit the rates of the rate-bearing line above them, as the HTS prints them.
The bundled schedule is resolved once and cached as plain JSON (no pandas at start-up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from supplyscope.errors import DataError, NotFoundError
from supplyscope.tariffs.codes import clean_hts, dotted
from supplyscope.tariffs.rates import Rate, parse_rate, parse_special

if TYPE_CHECKING:
    import pandas as pd


def _s(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


@dataclass(frozen=True)
class TariffLine:
    """The rates that apply to one HTS line (inherited from the rate-bearing line above it)."""

    hts: str
    rate_line: str
    general: str | None
    special: str | None
    column2: str | None
    units: tuple[str, ...] = ()
    describe: Callable[[str], str | None] = field(default=lambda _code: None, compare=False, repr=False)

    @property
    def description(self) -> str:
        """The line's text in the HTS (read on first use: the descriptions are not needed to compute duties)."""
        return self.describe(self.hts) or ""

    def general_rate(self) -> Rate | None:
        return parse_rate(self.general) if self.general else None

    def column2_rate(self) -> Rate | None:
        return parse_rate(self.column2) if self.column2 else None

    def special_rates(self) -> dict[str, Rate]:
        return parse_special(self.special)


RESOLVED_VERSION = "schedule-resolved-6"
"""Bump when :func:`resolve_rows` changes (invalidates the cached resolution)."""


_RS, _FS = "\x1e", "\x1f"


class _Records:
    """Records keyed by their first field, kept as one text per HTS chapter (the key's first two digits):
    ASCII record and unit separators between records and fields (``RS key US f1 US f2 RS ...``); the HTS texts
    hold tabs and newlines, never these.

    A hundred JSON strings load far faster than thousands of small lists; a look-up searches its chapter's
    text, and a dict is built once many look-ups are made (or every key is asked for). Empty fields are None.
    """

    LOOKUPS_BEFORE_INDEX = 512

    def __init__(self, chapters: dict[str, str]) -> None:
        self._chapters = chapters
        self._dict: dict[str, list[str | None]] | None = None
        self._lookups = 0

    @staticmethod
    def encode(records: dict[str, tuple[str | None, ...]]) -> dict[str, str]:
        """The chapter texts of ``records``; :class:`DataError` if a field holds a separator (never altered)."""
        parts: dict[str, list[str]] = {}
        for key, fields in records.items():
            if any(f is not None and (_FS in f or _RS in f) for f in fields):
                raise DataError(f"HTS line {key} has an ASCII separator (0x1e/0x1f) in its rate text", field="hts")
            parts.setdefault(key[:2], []).append(key + _FS + _FS.join(f or "" for f in fields) + _RS)
        return {ch: _RS + "".join(p) for ch, p in parts.items()}

    def get(self, key: str) -> list[str | None] | None:
        if self._dict is None:
            self._lookups += 1
            if self._lookups <= self.LOOKUPS_BEFORE_INDEX:
                text = self._chapters.get(key[:2], "")
                i = text.find(_RS + key + _FS)
                if i < 0:
                    return None
                return [f or None for f in text[i + 1 : text.index(_RS, i + 1)].split(_FS)[1:]]
        return self.all().get(key)

    def all(self) -> dict[str, list[str | None]]:
        if self._dict is None:
            rows = (rec.split(_FS) for text in self._chapters.values() for rec in text.split(_RS) if rec)
            self._dict = {r[0]: [f or None for f in r[1:]] for r in rows}
        return self._dict


def resolve_rows(rows: Iterable[Sequence[object]]) -> dict[str, Any]:
    """Plain-JSON resolution of HTS rows (hts, indent, description, general, special, column2, units).

    ``{"lines": records hts8/10 -> (rate_line, units), "rates": records rate_line -> (general, special,
    column2), "desc": {hts: description}}`` (records as :class:`_Records` text): each line points to the
    rate-bearing line above it (or to itself), whose rates are stored once. The bundled schedule caches the
    descriptions in a separate entry.
    """
    lines: dict[str, tuple[str | None, ...]] = {}
    rates: dict[str, tuple[str | None, ...]] = {}
    desc: dict[str, str] = {}
    stack: list[tuple[int, str, bool]] = []
    for row in rows:
        hts, indent, text = str(row[0]), int(str(row[1])), str(row[2])
        general, units = _s(row[3]), _s(row[6])
        if len(hts) == 4:
            stack = []
        while stack and stack[-1][0] >= indent:
            stack.pop()
        rate_line = hts
        if general is not None:
            rates[hts] = (general, _s(row[4]), _s(row[5]))
        else:
            parent = next((s for s in reversed(stack) if s[2] and hts.startswith(s[1][:8])), None)
            rate_line = parent[1] if parent else hts
        stack.append((indent, hts, general is not None))
        if len(hts) in (8, 10):
            lines[hts] = (rate_line, units)
        desc[hts] = text
    return {"lines": _Records.encode(lines), "rates": _Records.encode(rates), "desc": desc}


class HtsSchedule:
    """HTS8/HTS10 -> :class:`TariffLine`, plus chapter 99 heading texts (built once, queried many times).

    ``lines``: a :func:`~supplyscope.data.sources.hts.load_hts` frame, or its rows (hts, indent,
    description, general, special, column2, units). :meth:`from_resolved` takes :func:`resolve_rows` output.
    """

    def __init__(self, lines: pd.DataFrame | Iterable[Sequence[object]], *, edition: str = "") -> None:
        from supplyscope.data.sources.hts import frame_rows

        rows = (
            frame_rows(cast("pd.DataFrame", lines))
            if hasattr(lines, "itertuples")
            else cast("Iterable[Sequence[object]]", lines)
        )
        self._init(resolve_rows(rows), edition)

    @classmethod
    def from_resolved(cls, doc: dict[str, Any], *, edition: str = "") -> HtsSchedule:
        """A schedule from a (cached) :func:`resolve_rows` document, without re-resolving."""
        self = cls.__new__(cls)
        self._init(doc, edition)
        return self

    def _init(self, doc: dict[str, Any], edition: str) -> None:
        self.edition = edition
        self._rows = _Records(doc["lines"])
        self._rates = _Records(doc["rates"])
        self._desc: dict[str, str] | Callable[[], dict[str, str]] = doc["desc"]
        self._made: dict[str, TariffLine] = {}

    def _get(self, code: str) -> TariffLine | None:
        line = self._made.get(code)
        if line is None:
            r = self._rows.get(code)
            if r is None:
                return None
            rate_line = str(r[0])
            units = tuple(u for u in (r[1] or "").split(";") if u)
            general, special, col2 = self._rates.get(rate_line) or (None, None, None)
            line = TariffLine(code, rate_line, general, special, col2, units, self.description)
            self._made[code] = line
        return line

    def line(self, hts: str) -> TariffLine:
        """Rates for an HTS8 or HTS10 (dots allowed); :class:`NotFoundError` when not in the schedule."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))
        found = self._get(code)
        if found is None and len(code) == 10:
            found = self._get(code[:8])
        if found is None:
            near = sorted(k for k in self._rows.all() if k[:6] == code[:6])
            raise NotFoundError("HTS line", dotted(code), [dotted(k) for k in near])
        return found

    def heading_rate(self, heading: str) -> tuple[str | None, Rate | None]:
        """Printed general rate of a chapter 99 heading (``"9903.81.87"``) and its parse; (None, None) if absent."""
        code = clean_hts(heading, field="heading", lengths=(8,))
        line = self._get(code)
        if line is None or line.rate_line != code or line.general is None:
            return None, None
        return line.general, parse_rate(line.general)

    def description(self, hts: str) -> str | None:
        """The HTS text of a code (any level), or None."""
        if callable(self._desc):
            self._desc = self._desc()
        return self._desc.get(hts)

    def codes(self, digits: int = 10) -> list[str]:
        """Every HTS code of ``digits`` digits in the schedule (sorted), chapter 99 excluded."""
        return sorted(k for k in self._rows.all() if len(k) == digits and not k.startswith(("98", "99")))

    def __contains__(self, hts: str) -> bool:
        return self._get(hts) is not None


@lru_cache(maxsize=1)
def default_schedule() -> HtsSchedule:
    """The bundled 2026 HTS (Revision 4), resolved once and cached under ``$SUPPLYSCOPE_HOME/cache`` (its
    descriptions in a second entry, read only when asked for)."""
    from supplyscope.data.sources.hts import HTS_SOURCE, hts_cached

    def descriptions() -> dict[str, str]:
        doc: dict[str, str] = hts_cached("hts-descriptions", RESOLVED_VERSION, lambda rows: resolve_rows(rows)["desc"])
        return doc

    rates = hts_cached("hts-schedule", RESOLVED_VERSION, lambda rows: {**resolve_rows(rows), "desc": {}})
    return HtsSchedule.from_resolved({**rates, "desc": descriptions}, edition=HTS_SOURCE)
