"""Parse HTS rate-of-duty text into components: ad valorem, specific, compound, partial and negative.

Examples of printed rates and how they parse:

* ``"3.5%"`` -> one ad valorem component of 0.035 on the whole value;
* ``"24.7¢/kg"`` -> one specific component of $0.247 per kg (needs a quantity);
* ``"1.5¢/kg + 2%"`` -> compound: a specific and an ad valorem component;
* ``"3.9% on the movement + 5.3% on the battery"`` -> two *partial* ad valorem components whose base is a
  part of the good ("the movement"), never added to the whole value;
* ``"... minus 0.5%"`` / ``"less 0.5%"`` -> a negative component;
* ``"The duty provided in the applicable subheading + 25%"`` -> a chapter 99 additional duty (``plus_base``).

What cannot be parsed (sugar-degree sliding scales, "a duty upon the full value ... less the value of ...")
is kept in :attr:`Rate.unparsed` and reported, never silently turned into a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_NUM = r"\d+(?:[.,]\d+)*"
_AV = re.compile(rf"^(?P<sign>minus\s+|less\s+|-\s*)?(?P<n>{_NUM})\s*%(?:\s+(?P<base>(?:on|upon|of)\s+.+))?$", re.I)
_SPEC = re.compile(
    rf"^(?P<sign>minus\s+|less\s+)?(?P<cur>\$\s?)?(?P<n>{_NUM})\s*(?P<cent>¢)?\s*(?:/\s*(?P<unit>.+)|(?P<each>each)|per\s+(?P<per>.+))$",
    re.I,
)
_BASE_PLUS = re.compile(
    r"^the duty provided in (?:the applicable|such|subheadings?)[^+]*?(?:(?:\+|\bplus\b)\s*(?P<rest>.*))?$", re.I
)
_DUTY_OF = re.compile(rf"^a duty of (?P<n>{_NUM})\s*% upon the value of (?:the )?(?P<base>.+)$", re.I)
_GROUP = re.compile(r"([^()]*?)\s*\(([^()]*)\)")
_SPLIT = re.compile(r"\s*\+\s*|\s+(?=(?:minus|less)\s+\$?\d)", re.I)

# Units of quantity as the HTS prints them -> (canonical unit, factor to that unit).
_UNITS: dict[str, tuple[str, float]] = {
    "kg": ("kg", 1.0),
    "g": ("kg", 0.001),
    "t": ("kg", 1000.0),
    "liter": ("liters", 1.0),
    "liters": ("liters", 1.0),
    "l": ("liters", 1.0),
    "pf. liter": ("pf.liters", 1.0),
    "pf.liter": ("pf.liters", 1.0),
    "pf. liters": ("pf.liters", 1.0),
    "pf.liters": ("pf.liters", 1.0),
    "no.": ("No.", 1.0),
    "no": ("No.", 1.0),
    "each": ("No.", 1.0),
    "pcs": ("No.", 1.0),
    "head": ("No.", 1.0),
    "doz.": ("No.", 12.0),
    "doz": ("No.", 12.0),
    "dozen": ("No.", 12.0),
    "gross": ("No.", 144.0),
    "prs.": ("prs.", 1.0),
    "pr.": ("prs.", 1.0),
    "pair": ("prs.", 1.0),
    "doz. prs.": ("prs.", 12.0),
    "m2": ("m2", 1.0),
    "m²": ("m2", 1.0),
    "m3": ("m3", 1.0),
    "m": ("m", 1.0),
    "bbl": ("bbl", 1.0),
    "carat": ("carat", 1.0),
}


def normalise_unit(unit: str) -> tuple[str, float] | None:
    """``"doz."`` -> ``("No.", 12.0)``; ``None`` for a unit this module cannot convert."""
    u = " ".join(unit.strip().lower().split())
    if u in _UNITS:
        return _UNITS[u]
    head = u.split(" ")[0]
    return _UNITS.get(head)


@dataclass(frozen=True)
class Component:
    """One term of a rate.

    ``kind`` is ``"ad_valorem"`` (``value`` a fraction) or ``"specific"`` (``value`` US dollars per ``unit``).
    ``base`` names the part of the good the ad valorem term is levied on ("the movement"); ``None`` = the
    whole customs value. Negative ``value`` = a "minus"/"less" term.
    """

    kind: str
    value: float
    unit: str | None
    base: str | None
    text: str


@dataclass(frozen=True)
class Rate:
    """One parsed rate: its components, any unparsed remainder, and whether it adds to a base rate."""

    text: str
    components: tuple[Component, ...]
    unparsed: str | None = None
    plus_base: bool = False

    @property
    def ad_valorem(self) -> float | None:
        """Sum of the whole-value ad valorem terms (None when there is none)."""
        terms = [c.value for c in self.components if c.kind == "ad_valorem" and c.base is None]
        return round(sum(terms), 10) if terms else (0.0 if self.is_free else None)

    @property
    def specific(self) -> str | None:
        """The non-whole-value ad valorem parts as printed (specific, partial or unparsed), or None."""
        parts = [c.text for c in self.components if c.kind == "specific" or c.base is not None]
        if self.unparsed:
            parts.append(self.unparsed)
        return " + ".join(parts) if parts else None

    @property
    def is_free(self) -> bool:
        return self.text.lower().startswith("free") or (
            not self.components and not self.unparsed and self.text.lower() in ("", "no change")
        )

    @property
    def fully_ad_valorem(self) -> bool:
        """True when the rate applies to the whole value with no specific, partial or unparsed part."""
        return self.specific is None and self.ad_valorem is not None


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _term(t: str) -> Component | None:
    t = t.strip(" ,;")
    if t.endswith("%."):
        t = t[:-1]
    m = _AV.match(t)
    if m:
        sign = -1.0 if m.group("sign") else 1.0
        base = m.group("base")
        if base:
            base = re.sub(r"^(?:on|upon|of)\s+(?:the\s+)?(?:value\s+of\s+(?:the\s+)?)?", "", base, flags=re.I).strip()
        return Component("ad_valorem", sign * _num(m.group("n")) / 100.0, None, base or None, t)
    m = _DUTY_OF.match(t)
    if m:
        return Component("ad_valorem", _num(m.group("n")) / 100.0, None, m.group("base").strip(), t)
    m = _SPEC.match(t)
    if m and (m.group("cur") or m.group("cent")):
        unit_text = (m.group("unit") or m.group("per") or "").lower()
        if any(w in unit_text for w in ("for each", "not less", "degree", "%")):
            return None  # sliding scales and conditional terms are reported unparsed
        sign = -1.0 if m.group("sign") else 1.0
        dollars = _num(m.group("n")) / (100.0 if m.group("cent") else 1.0)
        unit = m.group("unit") or m.group("per") or ("each" if m.group("each") else None)
        return Component("specific", sign * dollars, (unit or "").strip() or None, None, t)
    return None


@lru_cache(maxsize=16384)
def parse_rate(text: str) -> Rate:
    """Parse one rate without program codes (``"Free"``, ``"3.5%"``, ``"1.5¢/kg + 2%"``, chapter 99 text)."""
    t = " ".join(str(text).split())
    low = t.lower()
    if low.startswith("free") or low == "no change":
        return Rate(t, ())
    plus_base = False
    body = t
    m = _BASE_PLUS.match(t)
    if m:
        plus_base = True
        body = (m.group("rest") or "").strip()
        if not body:
            return Rate(t, (), None, True)
    comps: list[Component] = []
    rest: list[str] = []
    for part in _SPLIT.split(body):
        if not part.strip():
            continue
        c = _term(part)
        if c is None:
            rest.append(part.strip())
        else:
            comps.append(c)
    return Rate(t, tuple(comps), " + ".join(rest) if rest else None, plus_base)


def parse_special(text: str | None) -> dict[str, Rate]:
    """Split the Special column into program code -> rate.

    ``"Free (A,AU,BH, CL)"`` -> ``{"A": Free, "AU": Free, ...}``; ``"Free (AU) 2.5% (KR)"`` gives each
    program its own rate. Program symbols keep their marks (``A*``, ``A+``, ``S+``).
    """
    out: dict[str, Rate] = {}
    if not text or not isinstance(text, str):
        return out
    for rate_text, codes in _GROUP.findall(text):
        rate_text = rate_text.strip()
        if not rate_text:
            continue
        rate = parse_rate(rate_text)
        for code in codes.split(","):
            c = code.strip()
            if c:
                out[c] = rate
    return out


@dataclass(frozen=True)
class Applied:
    """A rate applied to one entry: the duty in dollars, and whether any part could not be computed."""

    duty_usd: float
    complete: bool
    missing: tuple[str, ...]


def apply_rate(rate: Rate, value: float, quantity: float | None = None, unit: str | None = None) -> Applied:
    """Duty of ``rate`` on ``value`` (USD) and an optional ``quantity`` in HTS ``unit``.

    Specific terms need a quantity in a convertible unit; partial ("on the movement") and unparsed terms
    are never applied to the whole value: they are listed in ``missing`` and the result is incomplete.
    """
    duty = 0.0
    missing: list[str] = []
    given = normalise_unit(unit) if unit else None
    for c in rate.components:
        if c.kind == "ad_valorem" and c.base is None:
            duty += c.value * value
        elif c.kind == "ad_valorem":
            missing.append(f"'{c.text}' is levied on the value of {c.base}, which is not given")
        else:
            want = normalise_unit(c.unit or "")
            if quantity is None or given is None:
                missing.append(f"'{c.text}' needs --quantity in {c.unit}")
            elif want is None or want[0] != given[0]:
                missing.append(f"'{c.text}' is per {c.unit}; quantity given in {unit} cannot be converted")
            else:
                duty += c.value * quantity * given[1] / want[1]
    if rate.unparsed:
        missing.append(f"'{rate.unparsed}' is not parsed")
    return Applied(round(duty, 6), not missing, tuple(missing))
