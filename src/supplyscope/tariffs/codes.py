"""HTS/HS code handling: cleaning, levels, ranges and ISO3 checks shared by tariffs and origin."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from supplyscope.errors import DataError

_LEVEL_DIGITS = {"chapter": 2, "heading": 4, "subheading": 6, "tariff_item": 8, "statistical": 10}
_CLEAN = re.compile(r"[\s.]")


def clean_hts(
    code: object,
    *,
    field: str = "hts",
    source: str | None = None,
    row: int | None = None,
    lengths: Iterable[int] = (2, 4, 6, 8, 10),
) -> str:
    """Return the digits of an HS/HTS code (``'8507.60.00.20'`` -> ``'8507600020'``).

    Raises :class:`DataError` naming ``field`` when the code is not 2/4/6/8/10 digits.
    """
    if not isinstance(code, str | int) or isinstance(code, bool):
        raise DataError(f"HTS code must be a string, got {type(code).__name__}", source=source, row=row, field=field)
    digits = _CLEAN.sub("", str(code))
    allowed = tuple(lengths)
    if not digits.isdigit() or len(digits) not in allowed:
        want = "/".join(str(n) for n in allowed)
        raise DataError(f"malformed HTS code {code!r}: expected {want} digits", source=source, row=row, field=field)
    return digits


def level_digits(level: str) -> int:
    """Digits of a nomenclature level: chapter 2, heading 4, subheading 6, tariff item 8."""
    try:
        return _LEVEL_DIGITS[level]
    except KeyError:
        raise ValueError(f"unknown level {level!r}") from None


@lru_cache(maxsize=65536)
def parse_range(text: str) -> tuple[str, str]:
    """``'8507.10-8507.80'`` -> ``('850710', '850780')``; a single code gives ``(code, code)``."""
    parts = [p.strip() for p in text.replace("–", "-").split("-")]
    if len(parts) == 1:
        lo = hi = _CLEAN.sub("", parts[0])
    elif len(parts) == 2:
        lo, hi = (_CLEAN.sub("", p) for p in parts)
    else:
        raise ValueError(f"bad code range {text!r}")
    if not (lo.isdigit() and hi.isdigit()) or len(lo) % 2 or len(hi) % 2 or not lo:
        raise ValueError(f"bad code range {text!r}")
    return lo, hi


def in_range(code: str, rng: tuple[str, str]) -> bool:
    """True when ``code`` (digits) falls inside the inclusive range, compared at each end's length."""
    lo, hi = rng
    return code[: len(lo)] >= lo and code[: len(hi)] <= hi


def in_any(code: str, ranges: Iterable[tuple[str, str]]) -> bool:
    """True when ``code`` falls in one of ``ranges``."""
    return any(in_range(code, r) for r in ranges)


class RangeSet:
    """Many inclusive ranges compiled for look-ups: ``code in RangeSet(r)`` is ``in_any(code, r)``.

    Ranges whose ends have one length are searched by bisection (sorted by low end, with the running
    maximum of the high ends); any other range is checked as :func:`in_range` does.
    """

    def __init__(self, ranges: Iterable[tuple[str, str]]) -> None:
        by_len: dict[int, list[tuple[str, str]]] = {}
        self._other: list[tuple[str, str]] = []
        for lo, hi in ranges:
            if len(lo) == len(hi):
                by_len.setdefault(len(lo), []).append((lo, hi))
            else:
                self._other.append((lo, hi))
        self._sorted: list[tuple[int, list[str], list[str]]] = []
        for n, rs in sorted(by_len.items()):
            rs.sort()
            top: list[str] = []
            for _lo, hi in rs:
                top.append(hi if not top or hi > top[-1] else top[-1])
            self._sorted.append((n, [lo for lo, _hi in rs], top))

    def __contains__(self, code: str) -> bool:
        for n, los, top in self._sorted:
            key = code[:n]
            i = bisect_right(los, key) - 1
            if i >= 0 and top[i] >= key:
                return True
        return any(in_range(code, r) for r in self._other)


def parse_ranges(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Parse several range strings."""
    return tuple(parse_range(i) for i in items)


def dotted(code: str) -> str:
    """Digits back to the printed HTS form: ``'8507600020'`` -> ``'8507.60.00.20'``."""
    if len(code) <= 4:
        return code
    head, rest = code[:4], code[4:]
    pairs = [rest[i : i + 2] for i in range(0, len(rest), 2)]
    return ".".join([head, *pairs])


ISO3 = re.compile(r"^[A-Z]{3}$")


def clean_iso3(value: object, *, field: str, source: str | None = None, row: int | None = None) -> str:
    """Validate an ISO 3166 alpha-3 code (upper case is enforced, not guessed)."""
    if not isinstance(value, str) or not ISO3.match(value.strip().upper()):
        raise DataError(f"expected an ISO3 country code, got {value!r}", source=source, row=row, field=field)
    return value.strip().upper()
