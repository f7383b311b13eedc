"""Name normalisation: script, case, punctuation, legal forms, abbreviations and place words.

``normalize_name`` turns any supplier or list name into a :class:`NormName`: the *core* tokens that
identify the firm, the legal-form tokens that were removed, and which core tokens are place names.
CJK text is romanised with pypinyin (word by word, using :data:`~.vocab.CHINESE_TERMS` to find word
edges); other scripts (Cyrillic, Arabic, Greek, ...) with anyascii.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

from supplyscope.screening.vocab import (
    ABBREVIATIONS,
    BRANCH_WORDS,
    CHINESE_TERMS,
    LEGAL_FORMS,
    PLACES,
    STOPWORDS,
    VESSEL_PREFIXES,
)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_IDENT = re.compile(r"\b(IMO|MMSI)\s*(?:no\.?|number|#)?\s*[:.]?\s*(\d{7,9})\b", re.IGNORECASE)
_SUBSIDIARIES = re.compile(r"[\s,]+(?:and|&)\s+(?:its\s+)?(?:subsidiaries|affiliates)\s*$", re.IGNORECASE)
"""List wording ("X Co., Ltd. and subsidiaries"): the entity named is X."""
_BRACKETS = re.compile(r"\s*[(\[（【]([^()\[\]（）【】]+)[)\]）】]\s*")
_MAX_TERM = max(len(k) for k in CHINESE_TERMS)
_LEGAL_SEQS: tuple[tuple[str, ...], ...] = tuple(sorted({tuple(f.split()) for f in LEGAL_FORMS}, key=len, reverse=True))
_LEGAL_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _seq in _LEGAL_SEQS:
    _LEGAL_FIRST.setdefault(_seq[0], []).append(_seq)


@dataclass(frozen=True)
class NormName:
    """A normalised name.

    ``core`` holds the identifying tokens in their original order; ``legal`` the legal-form tokens
    that were removed; ``places`` the subset of ``core`` that are place words; ``all_tokens`` every
    token before legal forms were removed (used for acronyms).
    """

    original: str
    core: tuple[str, ...]
    legal: tuple[str, ...]
    places: frozenset[str]
    all_tokens: tuple[str, ...]
    branch: tuple[str, ...] = ()
    """Qualifier of a branch ("shanghai" in "X Co Ltd Shanghai Branch"); ``("",)`` for an unqualified branch."""
    identifiers: frozenset[str] = frozenset()
    """IMO and MMSI numbers written in the name (``IMO:9123456``)."""
    type_hint: str | None = None
    """``vessel`` after an M/V prefix, ``organisation`` when a legal form was found, else ``None``."""

    @property
    def is_branch(self) -> bool:
        return bool(self.branch)

    @property
    def joined(self) -> str:
        """Core tokens joined without spaces (robust to "Hai Ge" vs "Haige")."""
        return "".join(self.core)

    @property
    def text(self) -> str:
        return " ".join(self.core)


def romanize_han(text: str) -> str:
    """Romanise Han characters: known terms become English tokens, other runs become pinyin words."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            from pypinyin import lazy_pinyin  # imported on first Han text: it loads large dictionaries

            out.append(" " + "".join(lazy_pinyin("".join(run))) + " ")
            run.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        if not _HAN.match(ch):
            flush()
            out.append(ch)
            i += 1
            continue
        for size in range(min(_MAX_TERM, len(text) - i), 0, -1):
            term = CHINESE_TERMS.get(text[i : i + size])
            if term is not None:
                flush()
                out.append(f" {term} ")
                i += size
                break
        else:
            run.append(ch)
            i += 1
    flush()
    return "".join(out)


def to_ascii(text: str) -> str:
    """Unicode text -> lower-case ASCII (Han via pinyin, everything else via anyascii)."""
    text = unicodedata.normalize("NFKC", text)
    if _HAN.search(text):
        text = romanize_han(text)
    return anyascii(text).lower()


def tokenize(text: str) -> list[str]:
    """ASCII tokens: dotted initials collapsed (``s.a.`` -> ``sa``), ``&`` -> and, punctuation split."""
    s = to_ascii(text).replace("&", " and ").replace("'", "")
    s = _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", ""), s)
    tokens: list[str] = []
    for raw in join_letters([t for t in _NON_WORD.split(s) if t]):
        canon = ABBREVIATIONS.get(raw)
        if canon is None and len(raw) > 4 and raw.endswith("s") and not raw.endswith("ss"):
            canon = ABBREVIATIONS.get(raw[:-1], raw[:-1])
        tokens.extend((canon or raw).split())
    return tokens


def join_letters(tokens: list[str]) -> list[str]:
    """Join runs of single letters: spaced initials and legal forms (``s a de c v`` -> ``sa de cv``)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        # a run that ends in a legal form keeps its leading letters apart: "x s a" -> "x", "sa"
        for k in range(len(run) - 1):
            if "".join(run[k + 1 :]) in _LEGAL_FIRST:
                out.extend(["".join(run[: k + 1]), "".join(run[k + 1 :])])
                break
        else:
            if run:
                out.append("".join(run))
        run.clear()

    for t in tokens:
        if len(t) == 1 and t.isalpha():
            run.append(t)
            continue
        flush()
        out.append(t)
    flush()
    return out


def split_branch(tokens: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Remove branch wording; return the parent's tokens and the branch qualifier.

    ``x co ltd shanghai branch`` -> (``x co ltd``, ``("shanghai",)``); ``branch of x`` -> (``x``, ``("",)``).
    The qualifier is what stands between the parent's legal form and the branch word (or the one
    word before the branch word when there is no legal form).
    """
    for k in range(len(tokens) - 1):  # "representative office", "liaison office" are branch wording too
        if tokens[k] in ("representative", "liaison") and tokens[k + 1] == "office":
            tokens = [*tokens[:k], "branch", *tokens[k + 2 :]]
            break
    pos = next((k for k, t in enumerate(tokens) if t in BRANCH_WORDS), -1)
    if pos < 0 or len(tokens) < 2:
        return tokens, ()
    if pos == 0:
        rest = tokens[2:] if len(tokens) > 2 and tokens[1] in ("of", "de", "di", "der") else tokens[1:]
        return rest, ("",)
    head = tokens[:pos]
    last_legal = -1
    for k in range(len(head)):
        for seq in _LEGAL_FIRST.get(head[k], ()):
            if tuple(head[k : k + len(seq)]) == seq:
                last_legal = max(last_legal, k + len(seq) - 1)
    if last_legal >= 0 and last_legal < len(head) - 1:
        qual = head[last_legal + 1 :]
        return head[: last_legal + 1], tuple(qual)
    if last_legal < 0 and len(head) >= 2 and head[-1] in PLACES:
        return head[:-1], (head[-1],)
    return head, ("",)


def alternatives(name: str) -> list[str]:
    """The name and, when it has a bracketed part (``X Co (新疆某某公司)``), the part outside and inside."""
    m = _BRACKETS.search(name)
    if not m:
        return [name]
    outside = _BRACKETS.sub(" ", name).strip()
    inside = m.group(1).strip()
    return [name] + [a for a in (outside, inside) if a and a != name and len(a) >= 2]


_LEGAL_WORDS: tuple[str, ...] = tuple(sorted({w for seq in _LEGAL_SEQS for w in seq if len(w) >= 7}))
_LEGAL_ALL: frozenset[str] = frozenset(w for seq in _LEGAL_SEQS for w in seq)


@lru_cache(maxsize=32_768)
def split_compound(token: str) -> tuple[str, ...]:
    """Split a run-together legal-form word off a token: ``limitedliability`` -> ``limited liability``,
    ``hadlercolimited`` -> ``hadlerco limited``, ``avestoooo`` -> ``avesto ooo``, ``andagricultural``
    -> ``and agricultural``. A legal word of 5+ letters splits off either end when 4+ letters remain;
    one of 3-4 letters only off the end, when 5+ remain; ``and``/``the`` only off the front, when 7+ remain."""
    if len(token) < 7 or token in _LEGAL_ALL:
        return (token,)
    for k in range(len(token) - 3, 3, -1):  # legal word at the end
        head, tail = token[:k], token[k:]
        if tail in _LEGAL_ALL and (len(tail) >= 5 or (len(tail) >= 3 and len(head) >= 5)):
            return (*split_compound(head), tail)
    for k in range(5, len(token) - 3):  # legal word at the front
        head, tail = token[:k], token[k:]
        if head in _LEGAL_ALL:
            return (head, *split_compound(tail))
    for stop in ("and", "the"):
        if token.startswith(stop) and len(token) - 3 >= 7:
            return (stop, *split_compound(token[3:]))
    return (token,)


@lru_cache(maxsize=32_768)
def legal_word_typo(token: str) -> str | None:
    """The long legal-form word ``token`` misspells (one or two edits), if any: ``laibility``."""
    if len(token) < 6 or token in _LEGAL_FIRST:
        return None
    cutoff = 1 if len(token) < 8 else 2
    for word in _LEGAL_WORDS:
        if abs(len(word) - len(token)) <= cutoff and OSA.distance(token, word, score_cutoff=cutoff) <= cutoff:
            return word
    return None


def split_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Separate legal-form token sequences from the rest (longest match first).

    Long legal-form words with a typo or two (``liabilty``, ``otvetstvennustu``) are repaired first.
    """
    tokens = [legal_word_typo(t) or t for t in tokens]
    tokens = [part for t in tokens for part in split_compound(t)]
    core: list[str] = []
    legal: list[str] = []
    i = 0
    while i < len(tokens):
        for seq in _LEGAL_FIRST.get(tokens[i], ()):
            if tuple(tokens[i : i + len(seq)]) == seq:
                legal.extend(seq)
                i += len(seq)
                break
        else:
            core.append(tokens[i])
            i += 1
    return core, legal


@lru_cache(maxsize=16_384)
def normalize_name(name: str) -> NormName:
    """Normalise one name (cached: list names and repeated supplier names are cheap)."""
    idents = frozenset(f"{k.upper()}:{v}" for k, v in _IDENT.findall(name))
    text = _IDENT.sub(" ", name) if idents else name
    text = _SUBSIDIARIES.sub("", text)
    tokens = tokenize(text)
    type_hint = None
    if len(tokens) >= 2 and tokens[0] in VESSEL_PREFIXES:
        tokens, type_hint = tokens[1:], "vessel"
    tokens, branch = split_branch(tokens)
    core, legal = split_legal(tokens)
    core = [t for t in core if t not in STOPWORDS]
    if not core:  # a name that is only a legal form or stopwords: keep what there is
        core = [t for t in tokens if t not in STOPWORDS] or tokens
        legal = []
    if legal and type_hint is None:
        type_hint = "organisation"
    places = frozenset(t for t in core if t in PLACES)
    return NormName(name, tuple(core), tuple(legal), places, tuple(tokens), branch, idents, type_hint)


def initials(tokens: tuple[str, ...] | list[str]) -> str:
    """First letters of the tokens (``china national petroleum corporation`` -> ``cnpc``)."""
    return "".join(t[0] for t in tokens if t)
