"""Parse HTS rate-of-duty text ("3.5%", "Free (A,AU,...)", "30.5¢/kg + 8.5%", "... + 25%").

Rates in the HTS are printed text. Only the ad valorem part can be turned into a fraction of value;
specific parts (¢/kg, $/unit) need quantities the duty stack does not have, so they are kept as text
and reported, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_SPECIFIC = re.compile(r"(\$\s?\d[\d.,]*|\d[\d.,]*\s*¢)\s*(/|each|per)", re.IGNORECASE)
_BASE_PLUS = re.compile(r"^the duty (?:rate )?provided in (?:the applicable|such) subheading", re.IGNORECASE)
_GROUP = re.compile(r"([^()]*?)\s*\(([^()]*)\)")


@dataclass(frozen=True)
class Rate:
    """One parsed rate.

    ``ad_valorem`` is the fraction of value (None when the rate has no ad valorem part);
    ``specific`` keeps any specific part as printed; ``plus_base`` marks chapter-99 text
    "The duty provided in the applicable subheading + X%" (an additional duty).
    """

    text: str
    ad_valorem: float | None
    specific: str | None
    plus_base: bool = False

    @property
    def is_free(self) -> bool:
        return self.ad_valorem == 0.0 and self.specific is None

    @property
    def fully_ad_valorem(self) -> bool:
        return self.specific is None and self.ad_valorem is not None


@lru_cache(maxsize=8192)
def parse_rate(text: str) -> Rate:
    """Parse one rate without program codes (``"Free"``, ``"3.5%"``, ``"1.5¢/kg + 2%"``)."""
    t = " ".join(text.split())
    low = t.lower()
    if low.startswith("free"):
        return Rate(t, 0.0, None)
    if _BASE_PLUS.match(t):
        m = _PCT.search(t)
        return Rate(t, float(m.group(1)) / 100.0 if m else 0.0, None, plus_base=True)
    pcts = _PCT.findall(t)
    spec = _SPECIFIC.search(t)
    ad = sum(float(p) for p in pcts) / 100.0 if pcts else None
    specific = None
    if spec or (not pcts):
        # everything except the ad valorem terms is a specific or textual component
        rest = _PCT.sub("", t).replace("+", " ").strip(" ,;")
        specific = rest or t
    return Rate(t, ad, specific)


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
