"""The scorer: declarative weighted features, combined by a logistic function into a 0..1 probability.

Each feature looks at a query name and one listed name and returns a value and a short detail
string, so every hit explains itself. The fuzzy probability is ``sigmoid(BIAS + sum(weight * value))``;
the weights are a logistic regression fitted on the *train* split of the evaluation set built by
``bench/make_screening_eval.py`` (``bench/screening_bench.py --fit`` refits and prints them), so the
score is a calibrated probability on that set (reliability and Brier on the held-out split are in
docs/screening.md).

Three rules sit on top of the regression (:func:`final_score`):

* an exact full-name match (same core tokens, spaces ignored) lands in ``[EXACT_FLOOR, 1]``, and
  every fuzzy match is capped just below ``EXACT_FLOOR``, so an exact name outranks every fuzzy one;
* an initials-only match (``CNPC`` for China National Petroleum Corp, counted only when the input
  is itself one acronym token) scores :data:`ACRONYM_SCORE`, below the default threshold;
* a shared strong identifier (IMO, MMSI, tail number) lifts the score to at least ``IDENT_SCORE``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, JaroWinkler

from supplyscope.screening.normalize import NormName, initials, tokenize

_ROMAN = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"})
"""Roman numerals that count as numbers; single letters (``v`` in ``S A DE C V``) do not."""

EXACT_FLOOR = 0.95
"""Lowest score of an exact full-name match; fuzzy matches are capped at ``EXACT_FLOOR - 0.001``."""
ACRONYM_SCORE = 0.5
"""Score of an initials-only match; 0.6 with a matching country, 0.3 with a conflicting one."""
IDENT_SCORE = 0.99
"""Least score when the input and the entry share a strong identifier."""
STRONG_IDS = ("IMO", "MMSI", "TAIL")

PLACE_FACTOR = 0.35
"""Place words (city, province, country) count this much of their IDF weight."""


@dataclass(slots=True)
class Side:
    """One side of a comparison: the normalised name and its token weights."""

    norm: NormName
    weights: tuple[float, ...]
    country: str | None = None
    addresses: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    entity_type: str | None = None
    identifiers: frozenset[str] = frozenset()
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
        if self.country and not self.countries:
            self.countries = frozenset({self.country})
        self.identifiers = self.identifiers | self.norm.identifiers


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
    """1 for equal tokens, 0.9 when one abbreviates the other (a prefix of 4+ letters), 0.85/0.75 for
    1/2 typos (edits or transpositions of adjacent letters).

    Two typos are allowed only in tokens of 8 or more characters; tokens under 5 never typo-match.
    """
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and long_.startswith(short):
        return 0.9
    if len(short) >= 5:
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


def _compounds(q: Side, c: Side, out: list[tuple[int, int, float]], used: set[int], rest: list[int]) -> list[int]:
    """Run-together and split words: a query token equal to two adjacent candidate tokens joined
    (``camelgroup`` = ``camel group``), or two adjacent query tokens equal to one candidate token.
    Aligned as (i, j) plus (-1, j + 1) or (i + 1, -1); -1 carries no weight of its side."""
    qc, cc = q.norm.core, c.norm.core
    left: list[int] = []
    free_q = set(rest)
    for i in rest:
        if i not in free_q:
            continue
        done = False
        for j in range(len(cc) - 1):
            if j not in used and j + 1 not in used and cc[j] + cc[j + 1] == qc[i]:
                used.update((j, j + 1))
                out += [(i, j, 1.0), (-1, j + 1, 1.0)]
                free_q.discard(i)
                done = True
                break
        if not done and i + 1 in free_q:
            for j, ct in enumerate(cc):
                if j not in used and qc[i] + qc[i + 1] == ct:
                    used.add(j)
                    out += [(i, j, 1.0), (i + 1, -1, 1.0)]
                    free_q.discard(i)
                    free_q.discard(i + 1)
                    done = True
                    break
        if not done and i in free_q:
            left.append(i)
    return [i for i in left if i in free_q]


def align_tokens(q: Side, c: Side) -> list[tuple[int, int, float]]:
    """One-to-one alignment of query to candidate tokens: exact matches first, then run-together
    words, then the best fuzzy match for each remaining query token, heaviest query tokens first."""
    out, used, rest = _exact_alignment(q, c)
    if rest and len(used) < len(c.norm.core):
        rest = _compounds(q, c, out, used, rest)
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
    qw, cw = p.q.weights, p.c.weights
    m = sum(s * ((qw[i] if i >= 0 else 0.0) + (cw[j] if j >= 0 else 0.0)) for i, j, s in p.alignment)
    if not p.explain:
        return m / total, ""
    parts = []
    for i, j, s in sorted(a for a in p.alignment if a[0] >= 0 and a[1] >= 0):
        qt, ct = p.q.norm.core[i], p.c.norm.core[j]
        if (-1, j + 1, s) in p.alignment:
            ct += " " + p.c.norm.core[j + 1]
        if (i + 1, -1, s) in p.alignment:
            qt += " " + p.q.norm.core[i + 1]
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


def is_acronym_query(n: NormName) -> bool:
    """The input is itself an acronym: one core token of 2-6 letters written in capitals or with dots."""
    if len(n.core) != 1 or not 2 <= len(n.core[0]) <= 6 or not n.core[0].isalpha():
        return False
    token = n.core[0]
    compact = "".join(ch for ch in n.original if ch.isalnum() or ch == ".")
    return token.upper() in compact or ".".join(token.upper()) in compact


def f_acronym(p: Pair) -> tuple[float, str]:
    """1 when the input is an acronym equal to the initials of the listed name's core words
    (legal forms left out); never for a person's name."""
    if p.c.entity_type == "person" or not is_acronym_query(p.q.norm) or len(p.c.norm.core) < 2:
        return 0.0, ""
    token = p.q.norm.core[0]
    words = [t for t in p.c.norm.core if t not in ("and", "the", "of", "for")]
    if token in (initials(p.c.norm.core), initials(words)):
        return 1.0, (f"{token.upper()} = initials of {' '.join(p.c.norm.core)} (initials only)" if p.explain else "")
    return 0.0, ""


def f_fuzzy_only(p: Pair) -> tuple[float, str]:
    """1 when no word matches exactly: every aligned word is an abbreviation or a typo."""
    if p.alignment and not any(s == 1.0 for _, _, s in p.alignment):
        return 1.0, "no word matches exactly"
    return 0.0, ""


def f_unmatched_rare(p: Pair) -> tuple[float, str]:
    """Weight of the heaviest unmatched non-place word (either side) over the heaviest word of the
    pair: 1 when the most distinctive word has no counterpart (Changji Esquel vs Changji Bitpapa)."""
    matched_q = {i for i, _, _ in p.alignment}
    matched_c = {j for _, j, _ in p.alignment}
    top = max((*p.q.weights, *p.c.weights), default=0.0)
    if top <= 0:
        return 0.0, ""
    best, word = 0.0, ""
    for side, matched in ((p.q, matched_q), (p.c, matched_c)):
        for k, t in enumerate(side.norm.core):
            if k not in matched and t not in side.norm.places and side.weights[k] > best:
                best, word = side.weights[k], t
    return best / top, (f"distinctive word '{word}' unmatched" if best / top >= 0.8 and p.explain else "")


def f_exact(p: Pair) -> tuple[float, str]:
    """1 when the core names are equal, spaces ignored (``camelgroup`` = ``camel group``)."""
    if p.q.norm.joined and p.q.norm.joined == p.c.norm.joined:
        return 1.0, "exact name"
    return 0.0, ""


def f_country(p: Pair) -> tuple[float, str]:
    """+1 when the input's country is one the entry names (any address, nationality, citizenship,
    flag), -1 when the entry names countries and the input's is not among them, 0 when either is missing."""
    if p.q.country and p.c.countries:
        if p.q.country in p.c.countries:
            return 1.0, f"country {p.q.country} matches"
        return -1.0, f"country {p.q.country} not among {' '.join(sorted(p.c.countries))}"
    return 0.0, ""


def _kinds(ids: frozenset[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for x in ids:
        kind, _, value = x.partition(":")
        out.setdefault(kind, set()).add(value)
    return out


def f_identifier(p: Pair) -> tuple[float, str]:
    """+1 when both carry the same IMO, MMSI or tail number (or date of birth), -1 when both carry
    one of the same kind and none agrees, 0 otherwise."""
    if not p.q.identifiers or not p.c.identifiers:
        return 0.0, ""
    qk, ck = _kinds(p.q.identifiers), _kinds(p.c.identifiers)
    conflict = ""
    for kind in qk.keys() & ck.keys():
        if kind == "DOB":  # a year-only date agrees with any full date in that year
            same = any(a.startswith(b) or b.startswith(a) for a in qk[kind] for b in ck[kind])
        else:
            same = bool(qk[kind] & ck[kind])
        if same:
            return 1.0, f"{kind} {sorted(qk[kind] & ck[kind] or qk[kind])[0]} matches"
        conflict = f"{kind} {' '.join(sorted(qk[kind]))} ≠ {' '.join(sorted(ck[kind]))}"
    return (-1.0, conflict) if conflict else (0.0, "")


def f_type_conflict(p: Pair) -> tuple[float, str]:
    """1 when the input's type (given, or read from the name: a legal form, an M/V prefix) differs
    from the entry's (person, organisation, vessel, aircraft)."""
    qt = p.q.entity_type or p.q.norm.type_hint
    ct = p.c.entity_type
    if qt and ct and qt != ct:
        return 1.0, f"type {qt} ≠ listed {ct}"
    return 0.0, ""


def f_branch(p: Pair) -> tuple[float, str]:
    """1 when both names are branches with different qualifiers (Xinye branch vs Aksu branch), or
    the listed name is a branch and the input is not; 0 when the input is a branch of the listed entity."""
    qb, cb = p.q.norm.branch, p.c.norm.branch
    if cb and not qb:
        return 1.0, "listed entry is a branch; input is not"
    if qb and cb and qb != cb and qb != ("",) and cb != ("",):
        return 1.0, f"branches differ: {' '.join(qb)} vs {' '.join(cb)}"
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


# Weights and BIAS: logistic regression on the train split of bench/screening_eval.csv
# (`bench/screening_bench.py --fit`). The acronym feature is not in the regression: see ACRONYM_SCORE.
BIAS = -2.37
FEATURES: tuple[Feature, ...] = (
    Feature("token_set", 2.23, f_token_set, "IDF-weighted soft overlap of core tokens"),
    Feature("jaro_winkler", 1.23, f_jaro_winkler, "Jaro-Winkler of the joined core names"),
    Feature("exact", 1.62, f_exact, "core names equal, spaces ignored"),
    Feature("acronym", 0.0, f_acronym, "input is the listed name's initials (rule, not fitted)"),
    Feature("fuzzy_only", -0.44, f_fuzzy_only, "no word matches exactly"),
    Feature("unmatched_rare", -3.67, f_unmatched_rare, "the most distinctive word has no counterpart"),
    Feature("number_mismatch", -0.52, f_number_mismatch, "different numbers in the names"),
    Feature("place_mismatch", -1.1, f_place_mismatch, "both name places, none shared"),
    Feature("branch", -0.01, f_branch, "branch qualifiers differ, or only the listed name is a branch"),
    Feature("type_conflict", -0.29, f_type_conflict, "entity types differ"),
    Feature("country", 1.0, f_country, "country among the entry's (+1) or not (-1)"),
    Feature("identifier", 3.0, f_identifier, "same (+1) or conflicting (-1) IMO/MMSI/tail number/DOB"),
    Feature("address", 1.5, f_address, "share of address tokens found; hand-set weight"),
)
FITTED = (
    "token_set",
    "jaro_winkler",
    "exact",
    "fuzzy_only",
    "unmatched_rare",
    "number_mismatch",
    "place_mismatch",
    "branch",
    "type_conflict",
)
"""Features whose weights the regression fits; the evidence weights (country, identifier, address)
are set by hand because the evaluation set cannot say how much a country is worth (docs/screening.md)."""


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def logit(
    values: Mapping[str, tuple[float, str]], weights: Mapping[str, float] | None = None, bias: float | None = None
) -> float:
    """``BIAS + sum(weight * value)`` over the features."""
    if weights is None:
        return (BIAS if bias is None else bias) + sum(f.weight * values[f.name][0] for f in FEATURES)
    return (BIAS if bias is None else bias) + sum(weights.get(k, 0.0) * v for k, (v, _) in values.items())


def final_score(values: Mapping[str, tuple[float, str]], p: float) -> float:
    """The reported score: the regression probability ``p`` under the exact, acronym and identifier rules."""
    conflict = values["type_conflict"][0] > 0 or values["identifier"][0] < 0
    if values["exact"][0] > 0 and not conflict:
        score = EXACT_FLOOR + (1.0 - EXACT_FLOOR) * p
    elif values["acronym"][0] > 0 and values["token_set"][0] < 0.5:
        score = ACRONYM_SCORE + 0.1 * values["country"][0] + (0.1 * values["identifier"][0])
    else:
        score = min(p, EXACT_FLOOR - 0.001)
    if values["identifier"][0] > 0 and _strong(values["identifier"][1]):
        score = max(score, IDENT_SCORE)
    return score


def _strong(detail: str) -> bool:
    return detail.split(" ", 1)[0] in STRONG_IDS


def evaluate(
    p: Pair, weights: Mapping[str, float] | None = None, bias: float | None = None
) -> tuple[float, dict[str, tuple[float, str]]]:
    """Score a pair: the 0..1 score and each feature's value and detail."""
    values = {f.name: p.value(f) for f in FEATURES}
    return final_score(values, sigmoid(logit(values, weights, bias))), values


def upper_bound(p: Pair) -> float:
    """An upper bound of the pair's score from its token overlap alone (every other positive
    feature at its maximum, every rule at its most generous). Candidates below the threshold are
    skipped on this bound, which gives exactly the hits a full evaluation would give."""
    if p.q.identifiers and p.c.identifiers:
        return 1.0
    x = BIAS + sum(f.weight for f in FEATURES if f.weight > 0 and f.name not in _BOUND_EXACT)
    x += next(f.weight for f in FEATURES if f.name == "token_set") * p.value(FEATURES[0])[0]
    bound = sigmoid(x)
    if p.value(_EXACT)[0] > 0:
        return 1.0
    if p.value(_ACRONYM)[0] > 0:
        bound = max(bound, ACRONYM_SCORE + 0.2)
    return bound


_BOUND_EXACT = frozenset({"token_set"})
_EXACT = next(f for f in FEATURES if f.name == "exact")
_ACRONYM = next(f for f in FEATURES if f.name == "acronym")


def matched_parts(p: Pair) -> list[str]:
    """The name parts that matched, as ``input=listed`` (or one word when equal)."""
    detail = p.value(FEATURES[0])[1]
    head = detail.split(";", 1)[0].removeprefix("matched ")
    return [] if head == "nothing" else [x.strip() for x in head.split(",")]


def explain(values: Mapping[str, tuple[float, str]], score: float) -> str:
    """One line: which parts matched, each feature's value, and the score."""
    parts = [values["token_set"][1]]
    for name in (
        "exact",
        "acronym",
        "fuzzy_only",
        "unmatched_rare",
        "number_mismatch",
        "place_mismatch",
        "branch",
        "type_conflict",
        "country",
        "identifier",
        "address",
    ):
        if values[name][1]:
            parts.append(values[name][1])
    parts.append(f"token_set {values['token_set'][0]:.2f}, jaro_winkler {values['jaro_winkler'][0]:.2f}")
    parts.append(f"score {score:.2f}")
    return "; ".join(parts)
