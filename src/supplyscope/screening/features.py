"""The scorer: declarative weighted features, combined by a logistic function into a 0..1 score.

Each feature looks at a query name and one listed name and returns a value and a short detail
string, so every hit explains itself. The score is ``sigmoid(BIAS + sum(weight * value))``. The name
weights were fitted by logistic regression on the training half of ``bench/screening_cases.csv``
(``bench/screening_bench.py --fit`` prints them); the country and address weights are set by hand
because the cases carry no countries or addresses (see docs/screening.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, JaroWinkler

from supplyscope.screening.normalize import NormName, initials, tokenize

_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})

PLACE_FACTOR = 0.35
"""Place words (city, province, country) count this much of their IDF weight."""


@dataclass(slots=True)
class Side:
    """One side of a comparison: the normalised name and its token weights."""

    norm: NormName
    weights: tuple[float, ...]
    country: str | None = None
    addresses: tuple[str, ...] = ()
    total: float = 0.0
    order: tuple[int, ...] = ()
    sorted_joined: str = ""
    numbers: frozenset[str] = frozenset()
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pos: dict[str, list[int]] = {}
        for j, t in enumerate(self.norm.core):
            pos.setdefault(t, []).append(j)
        self.positions = {t: tuple(v) for t, v in pos.items()}
        self.total = sum(self.weights)
        self.order = tuple(sorted(range(len(self.norm.core)), key=lambda i: -self.weights[i]))
        self.sorted_joined = "".join(sorted(self.norm.core))
        self.numbers = frozenset(t for t in self.norm.core if t.isdigit() or t in _ROMAN)


@dataclass(slots=True)
class Pair:
    """A query name against one listed name; the token alignment is computed once and shared.

    With ``explain=False`` the features skip building their detail strings (the index scores every
    candidate that way and re-evaluates only the hits with ``explain=True``).
    """

    q: Side
    c: Side
    explain: bool = True
    _alignment: list[tuple[int, int, float]] | None = field(default=None, repr=False)
    values: dict[str, tuple[float, str]] = field(default_factory=dict, repr=False)

    def value(self, f: Feature) -> tuple[float, str]:
        """A feature's value and detail for this pair, computed once."""
        v = self.values.get(f.name)
        if v is None:
            v = self.values[f.name] = f.func(self)
        return v

    @property
    def alignment(self) -> list[tuple[int, int, float]]:
        if self._alignment is None:
            self._alignment = align_tokens(self.q, self.c)
        return self._alignment


def token_similarity(a: str, b: str) -> float:
    """1 for equal tokens, 0.9 when one abbreviates the other (prefix), 0.85/0.75 for 1/2 typos
    (edits or transpositions of adjacent letters).

    Two typos are allowed only in tokens of 8 or more characters; tokens under 4 never fuzzy-match.
    """
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long_.startswith(short):
        return 0.9
    if len(short) >= 4:
        cutoff = 1 if len(long_) < 8 else 2
        if len(long_) - len(short) > cutoff:
            return 0.0
        d = OSA.distance(a, b, score_cutoff=cutoff)
        if d <= cutoff:
            return 0.85 if d == 1 else 0.75
    return 0.0


def _exact_alignment(q: Side, c: Side) -> tuple[list[tuple[int, int, float]], set[int], list[int]]:
    """Exact word matches (heaviest query words first), the candidate words used, the query words left."""
    positions = c.positions
    used: set[int] = set()
    out: list[tuple[int, int, float]] = []
    rest: list[int] = []
    for i in q.order:
        j = next((k for k in positions.get(q.norm.core[i], ()) if k not in used), -1)
        if j >= 0:
            used.add(j)
            out.append((i, j, 1.0))
        else:
            rest.append(i)
    return out, used, rest


def align_tokens(q: Side, c: Side) -> list[tuple[int, int, float]]:
    """One-to-one alignment of query to candidate tokens: exact matches first, then the best
    fuzzy match for each remaining query token, heaviest query tokens first."""
    out, used, rest = _exact_alignment(q, c)
    c_core = c.norm.core
    if rest and len(used) < len(c_core):
        for i in rest:
            qt = q.norm.core[i]
            best, best_j = 0.0, -1
            for j, ct in enumerate(c_core):
                if j in used:
                    continue
                s = token_similarity(qt, ct)
                if s > best:
                    best, best_j = s, j
            if best_j >= 0:
                used.add(best_j)
                out.append((i, best_j, best))
    return out


FeatureFunc = Callable[[Pair], tuple[float, str]]


def f_token_set(p: Pair) -> tuple[float, str]:
    """IDF-weighted soft Dice overlap of the core tokens (place words down-weighted)."""
    total = p.q.total + p.c.total
    if total <= 0:
        return 0.0, "no tokens"
    m = sum(s * (p.q.weights[i] + p.c.weights[j]) for i, j, s in p.alignment)
    if not p.explain:
        return m / total, ""
    parts = []
    for i, j, s in sorted(p.alignment):
        qt, ct = p.q.norm.core[i], p.c.norm.core[j]
        tag = "=" if s == 1.0 else ("≈" if s >= 0.9 else "~")
        parts.append(f"{qt}{tag}{ct}" if qt != ct else qt)
    matched_q = {i for i, _, _ in p.alignment}
    matched_c = {j for _, j, _ in p.alignment}
    extra_q = [t for k, t in enumerate(p.q.norm.core) if k not in matched_q]
    extra_c = [t for k, t in enumerate(p.c.norm.core) if k not in matched_c]
    detail = "matched " + (", ".join(parts) or "nothing")
    if extra_q:
        detail += "; only in input: " + " ".join(extra_q)
    if extra_c:
        detail += "; only in list: " + " ".join(extra_c)
    return m / total, detail


def f_jaro_winkler(p: Pair) -> tuple[float, str]:
    """Jaro-Winkler similarity of the core names with spaces removed, in given and sorted order."""
    a, b = p.q.norm.joined, p.c.norm.joined
    s1 = JaroWinkler.normalized_similarity(a, b)
    s2 = JaroWinkler.normalized_similarity(p.q.sorted_joined, p.c.sorted_joined) if s1 < 1.0 else s1
    return max(s1, s2), ""


def _acronym_forms(n: NormName) -> set[str]:
    forms = {initials(n.core)}
    words = [t for t in n.all_tokens if t not in ("and", "the", "of", "for")]
    forms.add(initials(words))
    return {f for f in forms if len(f) >= 2}


def f_acronym(p: Pair) -> tuple[float, str]:
    """1 when one name is a single token equal to the other's initials (``CNPC``)."""
    for a, b in ((p.q.norm, p.c.norm), (p.c.norm, p.q.norm)):
        single = len(a.core) == 1 and 2 <= len(a.core[0]) <= 8 and len(b.core) >= 2
        if single and a.core[0] in _acronym_forms(b):
            return 1.0, (f"{a.core[0].upper()} = initials of {' '.join(b.all_tokens)}" if p.explain else "")
    return 0.0, ""


def f_country(p: Pair) -> tuple[float, str]:
    """+1 when both countries are known and equal, -1 when both are known and differ."""
    if p.q.country and p.c.country:
        if p.q.country == p.c.country:
            return 1.0, f"country {p.q.country} matches"
        return -1.0, f"country {p.q.country} ≠ {p.c.country}"
    return 0.0, ""


def f_address(p: Pair) -> tuple[float, str]:
    """Share of the input address's tokens found in the best listed address."""
    if not p.q.addresses or not p.c.addresses:
        return 0.0, ""
    q_tokens = set(tokenize(p.q.addresses[0]))
    if not q_tokens:
        return 0.0, ""
    best, best_addr = 0.0, ""
    for addr in p.c.addresses:
        c_tokens = set(tokenize(addr))
        share = len(q_tokens & c_tokens) / len(q_tokens)
        if share > best:
            best, best_addr = share, addr
    return best, (f"address overlap {best:.0%} with '{best_addr}'" if best > 0 else "")


def f_number_mismatch(p: Pair) -> tuple[float, str]:
    """1 when the names carry different numbers ("... II CORP" vs "... CORP", "No. 4" vs "No. 2")."""
    a, b = p.q.numbers, p.c.numbers
    if a != b:
        return 1.0, f"numbers differ: {' '.join(sorted(a)) or '-'} vs {' '.join(sorted(b)) or '-'}"
    return 0.0, ""


def f_place_mismatch(p: Pair) -> tuple[float, str]:
    """1 when both names name a place and no place is shared (Turpan Esquel vs Changji Esquel)."""
    a, b = p.q.norm.places, p.c.norm.places
    if a and b and not (a & b):
        return 1.0, f"places differ: {' '.join(sorted(a))} vs {' '.join(sorted(b))}"
    return 0.0, ""


@dataclass(frozen=True)
class Feature:
    """One weighted feature of the scorer."""

    name: str
    weight: float
    func: FeatureFunc
    doc: str


# Name weights and BIAS: logistic regression on the train split of bench/screening_cases.csv
# (`bench/screening_bench.py --fit`, 2026-11-25). Country and address weights: set by hand.
BIAS = -4.97
FEATURES: tuple[Feature, ...] = (
    Feature("token_set", 5.81, f_token_set, "IDF-weighted soft overlap of core tokens"),
    Feature("jaro_winkler", 1.32, f_jaro_winkler, "Jaro-Winkler of the joined core names"),
    Feature("acronym", 6.27, f_acronym, "name is the other's initials"),
    Feature("number_mismatch", -1.59, f_number_mismatch, "different numbers in the names"),
    Feature("place_mismatch", -1.33, f_place_mismatch, "both name places, none shared"),
    Feature("country", 1.0, f_country, "country match (+1) or mismatch (-1); hand-set weight"),
    Feature("address", 1.5, f_address, "share of address tokens found; hand-set weight"),
)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def evaluate(
    p: Pair, weights: Mapping[str, float] | None = None, bias: float | None = None
) -> tuple[float, dict[str, tuple[float, str]]]:
    """Score a pair: the 0..1 score and each feature's value and detail."""
    values = {f.name: p.value(f) for f in FEATURES}
    if weights is None and bias is None:
        logit = BIAS + sum(f.weight * values[f.name][0] for f in FEATURES)
    else:
        w = weights or {f.name: f.weight for f in FEATURES}
        logit = (BIAS if bias is None else bias) + sum(w[k] * v for k, (v, _) in values.items())
    return sigmoid(logit), values


def upper_bound(p: Pair) -> float:
    """Highest score the pair could reach given its token overlap and acronym features, with every
    other positive feature at its maximum. Candidates below the threshold are skipped on this bound,
    which gives exactly the hits a full evaluation would give."""
    logit = BIAS
    for f in FEATURES:
        if f.name in _BOUND_EXACT:
            logit += f.weight * p.value(f)[0]
        elif f.weight > 0 and (
            (f.name != "country" or (p.q.country and p.c.country))
            and (f.name != "address" or (p.q.addresses and p.c.addresses))
        ):
            logit += f.weight
    return sigmoid(logit)


_BOUND_EXACT = frozenset({"token_set", "acronym"})


def explain(values: Mapping[str, tuple[float, str]], score: float) -> str:
    """One line: which parts matched, each feature's value, and the score."""
    parts = [values["token_set"][1]]
    for name in ("acronym", "number_mismatch", "place_mismatch", "country", "address"):
        if values[name][1]:
            parts.append(values[name][1])
    parts.append(
        f"token_set {values['token_set'][0]:.2f}, jaro_winkler {values['jaro_winkler'][0]:.2f}"
        + (", acronym 1" if values["acronym"][0] else "")
    )
    parts.append(f"score {score:.2f}")
    return "; ".join(parts)
