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
from pypinyin import lazy_pinyin
from rapidfuzz.distance import OSA

from supplyscope.screening.vocab import ABBREVIATIONS, CHINESE_TERMS, LEGAL_FORMS, PLACES, STOPWORDS

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_WORD = re.compile(r"[^a-z0-9]+")
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
    for raw in _NON_WORD.split(s):
        if not raw:
            continue
        canon = ABBREVIATIONS.get(raw)
        if canon is None and len(raw) > 4 and raw.endswith("s") and not raw.endswith("ss"):
            canon = ABBREVIATIONS.get(raw[:-1], raw[:-1])
        tokens.extend((canon or raw).split())
    return tokens


_LEGAL_WORDS: tuple[str, ...] = tuple(sorted({w for seq in _LEGAL_SEQS for w in seq if len(w) >= 7}))


@lru_cache(maxsize=100_000)
def legal_word_typo(token: str) -> str | None:
    """The long legal-form word ``token`` misspells (one or two edits), if any: ``laibility``."""
    if len(token) < 7 or token in _LEGAL_FIRST:
        return None
    for word in _LEGAL_WORDS:
        if abs(len(word) - len(token)) <= 2 and OSA.distance(token, word, score_cutoff=2) <= 2:
            return word
    return None


def split_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Separate legal-form token sequences from the rest (longest match first).

    Long legal-form words with a typo or two (``liabilty``, ``otvetstvennustu``) are repaired first.
    """
    tokens = [legal_word_typo(t) or t for t in tokens]
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


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> NormName:
    """Normalise one name (cached: list names and repeated supplier names are cheap)."""
    tokens = tokenize(name)
    core, legal = split_legal(tokens)
    core = [t for t in core if t not in STOPWORDS]
    if not core:  # a name that is only a legal form or stopwords: keep what there is
        core = [t for t in tokens if t not in STOPWORDS] or tokens
        legal = []
    places = frozenset(t for t in core if t in PLACES)
    return NormName(name, tuple(core), tuple(legal), places, tuple(tokens))


def initials(tokens: tuple[str, ...] | list[str]) -> str:
    """First letters of the tokens (``china national petroleum corporation`` -> ``cnpc``)."""
    return "".join(t[0] for t in tokens if t)
