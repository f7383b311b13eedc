"""The candidate index: built once from the lists, queried many times.

Every listed name (primary names and aliases) is normalised once. Blocking uses a sparse TF-IDF
matrix over two kinds of features: the normalised core tokens and the character 3-grams of the
joined core name. A batch of queries becomes one sparse matrix too, and one sparse product gives
each query's nearest listed names; only those few candidates are scored by the feature scorer
(:mod:`.features`). The cost therefore grows with the number of shared features, not with list size
times input size. Single-token acronyms are looked up in a separate initials table.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from supplyscope.screening.cctld import web_countries
from supplyscope.screening.features import (
    PLACE_FACTOR,
    Pair,
    Side,
    evaluate,
    explain,
    is_acronym_query,
    matched_parts,
    upper_bound,
)
from supplyscope.screening.normalize import NormName, alternatives, initials, normalize_name

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_THRESHOLD = 0.7
"""Default hit threshold on the 0..1 score, a calibrated probability (see docs/screening.md)."""
QUERY_TYPES = ("person", "organisation", "vessel", "aircraft")

TOP_K = 5
MIN_COSINE = 0.2
MAX_DF = 250
"""Blocking features in more than this many listed names are left out of the query side of the
sparse product (they are weak evidence and the most expensive); the cosine is still normalised
with them, so it can only be under-estimated."""


NO_DATE_NOTE = "the list source gives no listing date for this entry"
"""``listed_on_note`` of an undated entry whose list brought no more specific note."""

MIN_ALIAS_CHARS = 3
"""Shortest alias (letters and digits after normalisation) that is indexed for matching."""


@dataclass(frozen=True)
class Hit:
    """One list entry that matches an input name, with the entry's context."""

    entity_id: str
    list: str
    name: str
    score: float
    explanation: str
    entity_type: str = ""
    programs: tuple[str, ...] = ()
    listed_on: str = ""
    listed_on_note: str = ""
    """Why ``listed_on`` is empty (the list source publishes no date); "" when there is a date."""
    remarks: str = ""
    source_url: str = ""
    matched_alias: str = ""
    """The listed name that matched when it is an alias ("" when the primary name matched)."""
    matched_parts: tuple[str, ...] = ()
    branch_of: str = ""
    """Set when the input is a branch or office of the listed entity ("branch of <listed name>")."""
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


def _ngrams(joined: str, n: int = 3) -> list[str]:
    s = f"^{joined}$"
    return [s[i : i + n] for i in range(max(1, len(s) - n + 1))]


@lru_cache(maxsize=8_192)
def _features(norm: NormName) -> frozenset[str]:
    return frozenset(["w:" + t for t in norm.core] + ["g:" + g for g in _ngrams(norm.joined)])


class ScreeningIndex:
    """An index over screening-list entries (canonical ``screening_entities`` rows)."""

    def __init__(self, entities: pd.DataFrame, versions: dict[str, str] | None = None) -> None:
        entities = entities.reset_index(drop=True)
        self.entities = entities
        self.versions = dict(versions or {})
        self.list_meta: list[dict[str, object]] = [
            {"list": k, "origin": "", "version": v, "entries": None, "partial": False, "caveat": ""}
            for k, v in self.versions.items()
        ]
        """Per list source: version, entries, partial flag and caveat (set by :func:`.bundle.load_index`)."""
        ids = self.entities["entity_id"].tolist()
        self.entity_list: list[str] = self.entities["list"].tolist()
        self.entity_name: list[str] = self.entities["name"].tolist()
        self.entity_id: list[str] = ids
        self.entity_country: list[str | None] = [
            c if isinstance(c, str) and c else None for c in self.entities["country"].tolist()
        ]
        self.entity_addresses: list[tuple[str, ...]] = [
            tuple(a) if a is not None else () for a in self.entities["addresses"].tolist()
        ]
        ent = self.entities
        self.entity_programs: list[tuple[str, ...]] = [
            tuple(str(x) for x in p) if p is not None and not isinstance(p, float) else ()
            for p in _col(ent, "programs")
        ]
        self.entity_listed_on: list[str] = [_date_text(d) for d in _col(ent, "listed_on")]
        self.entity_listed_on_note: list[str] = [
            "" if d else (n if isinstance(n, str) and n else NO_DATE_NOTE)
            for d, n in zip(self.entity_listed_on, _col(ent, "listed_on_note"), strict=True)
        ]
        self.entity_remarks: list[str] = [str(x) if isinstance(x, str) else "" for x in _col(ent, "remarks")]
        self.entity_source_url: list[str] = [str(x) if isinstance(x, str) else "" for x in _col(ent, "source_url")]
        self.entity_type: list[str] = [str(t) if isinstance(t, str) else "" for t in _col(ent, "entity_type")]
        self.entity_countries: list[frozenset[str]] = [
            frozenset(str(x) for x in c) if c is not None and not isinstance(c, float) else frozenset()
            for c in _col(ent, "countries")
        ]
        for k, c in enumerate(self.entity_country):
            extra = {c} if c else set()
            extra.update(web_countries(self.entity_remarks[k]))  # ccTLDs of the entry's websites and e-mails
            if not extra <= self.entity_countries[k]:
                self.entity_countries[k] = self.entity_countries[k] | extra
        self.entity_identifiers: list[frozenset[str]] = [
            frozenset(str(x) for x in c) if c is not None and not isinstance(c, float) else frozenset()
            for c in _col(ent, "identifiers")
        ]
        # one row per listed name
        # Aliases of fewer than MIN_ALIAS_CHARS letters/digits once normalised ("P", "M1" on the SDN list)
        # would match any equally short supplier name exactly; they are not indexed, and counted here.
        names: list[str] = []
        owner: list[int] = []
        norms = []
        self.skipped_short_aliases = 0
        for e, (name, aliases) in enumerate(zip(self.entities["name"], self.entities["aliases"], strict=True)):
            for i, n in enumerate([name, *(list(aliases) if aliases is not None else [])]):
                if isinstance(n, str) and n.strip():
                    nn = normalize_name(n)
                    if i > 0 and len("".join(nn.core)) < MIN_ALIAS_CHARS:
                        self.skipped_short_aliases += 1
                        continue
                    names.append(n)
                    owner.append(e)
                    norms.append(nn)
        self.names = names
        self.owner = np.asarray(owner, dtype=np.int64)
        self.norms = norms
        # document frequencies of core tokens -> IDF
        df: dict[str, int] = defaultdict(int)
        for nn in self.norms:
            for t in set(nn.core):
                df[t] += 1
        n_docs = max(1, len(names))
        self._idf_unknown = math.log(n_docs + 1) + 1.0
        self.idf = {t: math.log((n_docs + 1) / (c + 1)) + 1.0 for t, c in df.items()}
        self._sides: dict[int, Side] = {}
        # sparse blocking matrix
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for r, nn in enumerate(self.norms):
            for f in _features(nn):
                cols.append(vocab.setdefault(f, len(vocab)))
                rows.append(r)
        self.vocab = vocab
        counts = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab)) if cols else np.zeros(0)
        self.feature_idf = np.log((n_docs + 1) / (counts + 1)) + 1.0
        self.common = counts > MAX_DF
        data = self.feature_idf[np.asarray(cols, dtype=np.int64)] if cols else np.zeros(0)
        mat = sp.csr_matrix((data, (rows, cols)), shape=(len(names), len(vocab)), dtype=np.float32)
        self.matrix_t = sp.csr_matrix(_l2_rows(mat).T)
        # strong identifiers -> the rows of the entry's primary name
        self.by_identifier: dict[str, list[int]] = defaultdict(list)
        first_row: dict[int, int] = {}
        for r, o in enumerate(owner):
            first_row.setdefault(o, r)
        for e, ids in enumerate(self.entity_identifiers):
            for ident in ids:
                if not ident.startswith("DOB:") and e in first_row:
                    self.by_identifier[ident].append(first_row[e])
        # acronyms: initials of multi-token names -> name rows (never a person's name)
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        for r, nn in enumerate(self.norms):
            if len(nn.core) >= 2 and self.entity_type[owner[r]] != "person":
                self.acronyms[initials(nn.core)].append(r)
                words = [t for t in nn.all_tokens if t not in ("and", "the", "of", "for")]
                if len(words) != len(nn.core):
                    self.acronyms[initials(words)].append(r)

    # ------------------------------------------------------------------ helpers
    def __getstate__(self) -> dict[str, object]:
        """Pickled without the per-name sides and normalised names; they are rebuilt on demand."""
        state = dict(self.__dict__)
        state["_sides"] = {}
        state["norms"] = None
        state["entities"] = None  # the columns it holds are kept as lists; pandas is not needed to load
        return state

    def side(self, r: int) -> Side:
        """The scorer's view of listed name ``r`` (computed on first use)."""
        found = self._sides.get(r)
        if found is None:
            o = int(self.owner[r])
            found = self._sides[r] = self._side(
                normalize_name(self.names[r]),
                self.entity_country[o],
                self.entity_addresses[o],
                self.entity_countries[o],
                self.entity_type[o] or None,
                self.entity_identifiers[o],
            )
        return found

    def _side(
        self,
        norm: NormName,
        country: str | None = None,
        addresses: tuple[str, ...] = (),
        countries: frozenset[str] = frozenset(),
        entity_type: str | None = None,
        identifiers: frozenset[str] = frozenset(),
    ) -> Side:
        w = tuple(self.idf.get(t, self._idf_unknown) * (PLACE_FACTOR if t in norm.places else 1.0) for t in norm.core)
        return Side(norm, w, country, addresses, countries, entity_type, identifiers)

    def __len__(self) -> int:
        return len(self.entity_id)

    @property
    def lists(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for code in self.entity_list:
            counts[code] += 1
        return dict(sorted(counts.items()))

    def _query_matrix(self, norms: Sequence[NormName]) -> sp.csr_matrix:
        rows: list[int] = []
        cols: list[int] = []
        vocab_get = self.vocab.get
        for r, nn in enumerate(norms):
            for f in _features(nn):
                c = vocab_get(f)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
        cols_a = np.asarray(cols, dtype=np.int64)
        data = self.feature_idf[cols_a] if cols else np.zeros(0)
        mat = _l2_rows(sp.csr_matrix((data, (rows, cols_a)), shape=(len(norms), len(self.vocab)), dtype=np.float32))
        mat.data[self.common[mat.indices]] = 0.0
        mat.eliminate_zeros()
        return mat

    def candidates(
        self, norms: Sequence[NormName], top_k: int = TOP_K, min_cosine: float = MIN_COSINE
    ) -> list[list[int]]:
        """Listed-name rows worth scoring for each query (blocking)."""
        sims = sp.csr_matrix(self._query_matrix(norms) @ self.matrix_t)
        sims.data[sims.data < min_cosine] = 0.0
        sims.eliminate_zeros()
        rows = np.repeat(np.arange(len(norms)), np.diff(sims.indptr))
        cols, vals = sims.indices, sims.data
        order = np.lexsort((-vals, rows))  # by row, best first
        rows, cols = rows[order], cols[order]
        first = np.searchsorted(rows, rows, side="left")
        rank = np.arange(len(rows)) - first
        top = rank < top_k
        rows, cols = rows[top], cols[top]
        bounds = np.searchsorted(rows, np.arange(len(norms) + 1), side="left")
        col_list = cols.tolist()
        out: list[list[int]] = []
        for r, nn in enumerate(norms):
            cand = col_list[bounds[r] : bounds[r + 1]]
            if is_acronym_query(nn):
                cand.extend(self.acronyms.get(nn.core[0], ()))
            for ident in nn.identifiers:
                cand.extend(self.by_identifier.get(ident, ()))
            out.append(cand)
        return out

    # ------------------------------------------------------------------ screening
    def _person_blocked(self, q: Side, pair: Pair) -> bool:
        """A person's name never matches an organisation query on one token (a one-word alias)."""
        if pair.c.entity_type != "person" or q.entity_type == "person":
            return False
        if (q.entity_type or q.norm.type_hint) == "organisation":
            return True
        return sum(1 for i, j, _ in pair.alignment if i >= 0 and j >= 0) < 2

    def _score(self, q: Side, rows: list[int], threshold: float) -> dict[int, tuple[float, int]]:
        top: dict[int, tuple[float, int]] = {}
        for r in dict.fromkeys(rows):
            pair = Pair(q, self.side(r), explain=False)
            if upper_bound(pair, threshold) < threshold:
                continue
            if self._person_blocked(q, pair):
                continue
            score, _ = evaluate(pair)
            e = int(self.owner[r])
            if score >= threshold and (e not in top or score > top[e][0]):
                top[e] = (score, r)
        return top

    def _hit(self, q: Side, e: int, score: float, r: int) -> Hit:
        pair = Pair(q, self.side(r), explain=True)
        _, values = evaluate(pair)  # again, with the details
        listed = self.names[r]
        alias = "" if listed == self.entity_name[e] else listed
        branch_of = f"branch of {self.entity_name[e]}" if q.norm.is_branch and not self.side(r).norm.is_branch else ""
        text = ("via alias '" + alias + "'; " if alias else "") + (branch_of + "; " if branch_of else "")
        return Hit(
            self.entity_id[e],
            self.entity_list[e],
            self.entity_name[e],
            round(score, 4),
            text + explain(values, score),
            entity_type=self.entity_type[e],
            programs=self.entity_programs[e],
            listed_on=self.entity_listed_on[e],
            listed_on_note=self.entity_listed_on_note[e],
            remarks=self.entity_remarks[e],
            source_url=self.entity_source_url[e],
            matched_alias=alias,
            matched_parts=tuple(matched_parts(pair)),
            branch_of=branch_of,
            countries=tuple(sorted(self.entity_countries[e])),
            identifiers=tuple(sorted(self.entity_identifiers[e])),
        )

    def screen(
        self,
        name: str,
        country: str | None = None,
        address: str | None = None,
        threshold: float | None = None,
        entity_type: str | None = None,
        identifiers: Sequence[str] = (),
    ) -> list[Hit]:
        """Hits for one name, best first (empty list: no match)."""
        return self.screen_many(
            [name], [country], [address], threshold, entity_types=[entity_type], identifiers=[identifiers]
        )[0]

    def screen_many(
        self,
        names: Sequence[str],
        countries: Sequence[str | None] | None = None,
        addresses: Sequence[str | None] | None = None,
        threshold: float | None = None,
        *,
        entity_types: Sequence[str | None] | None = None,
        identifiers: Sequence[Sequence[str]] | None = None,
        chunk: int = 2000,
        progress: Callable[[int], None] | None = None,
    ) -> list[list[Hit]]:
        """Hits for many names; ``countries``, ``addresses``, ``entity_types`` (person, organisation,
        vessel, aircraft or None) and ``identifiers`` (``IMO:9123456``, ``DOB:1960``, ...) align with ``names``.

        Countries may be ISO3 or ISO2 codes or names ("China", "中国"); one that cannot be resolved
        is ignored rather than counted as a mismatch. A name with a bracketed part ("X Co (某某公司)")
        is screened whole and as each part; an entry's best score counts. Rows repeated within a
        ``chunk`` (same name, country, address, type and identifiers) are screened once and share
        their (immutable) hits.

        This is the batch API of the package: the CLI (``screen``), the shipments pipeline
        (``shipments.parties.IndexScreener``, ~200k distinct shippers per run) and the benches call
        it. Its signature is kept stable: the first four parameters positional, the rest keywords.
        It runs in the calling process; callers that want both cores split the names themselves.
        """
        t = DEFAULT_THRESHOLD if threshold is None else threshold
        n = len(names)
        from supplyscope.data.sources.screening_countries import to_iso3

        ctry = [to_iso3(c) if c else None for c in countries] if countries is not None else [None] * n
        addr = list(addresses) if addresses is not None else [None] * n
        types = list(entity_types) if entity_types is not None else [None] * n
        idents = [frozenset(x) for x in identifiers] if identifiers is not None else [frozenset()] * n
        if len(ctry) != n or len(addr) != n or len(types) != n or len(idents) != n:
            raise ValueError("names, countries, addresses, entity types and identifiers must have the same length")
        bad = next((x for x in types if x is not None and x not in QUERY_TYPES), None)
        if bad is not None:
            raise ValueError(f"entity type {bad!r} is not one of {', '.join(QUERY_TYPES)}")
        out: list[list[Hit]] = []
        for start in range(0, n, chunk):
            block = names[start : start + chunk]
            owners: list[int] = []
            norms: list[NormName] = []
            first: dict[tuple[object, ...], int] = {}
            same_as: list[int] = []  # row of the block whose hits this row shares (itself when first)
            for k, x in enumerate(block):
                i = start + k
                key = (x, ctry[i], addr[i], types[i], idents[i])
                same_as.append(first.setdefault(key, k))
                if same_as[k] != k:
                    continue
                for alt in alternatives(x) if x and x.strip() else [""]:
                    owners.append(k)
                    norms.append(normalize_name(alt))
            cands = self.candidates(norms)
            best: list[dict[int, tuple[float, int, Side]]] = [{} for _ in block]
            for k, nn, rows in zip(owners, norms, cands, strict=True):
                if not nn.core or not rows:
                    continue
                i = start + k
                a = addr[i]
                q = self._side(nn, ctry[i] or None, (a,) if a else (), frozenset(), types[i], idents[i])
                for e, (score, r) in self._score(q, rows, t).items():
                    if e not in best[k] or score > best[k][e][0]:
                        best[k][e] = (score, r, q)
            block_hits: list[list[Hit]] = []
            for k, found in enumerate(best):
                if same_as[k] != k:
                    block_hits.append(list(block_hits[same_as[k]]))
                    continue
                hits = [self._hit(q, e, score, r) for e, (score, r, q) in found.items()]
                block_hits.append(sorted(hits, key=lambda h: (-h.score, h.entity_id)))
            out.extend(block_hits)
            if progress is not None:
                progress(len(block))
        return out


def _col(df: pd.DataFrame, name: str) -> list[Any]:
    return list(df[name].tolist()) if name in df.columns else [None] * len(df)


def _date_text(d: object) -> str:
    """``listed_on`` as YYYY-MM-DD ("" when missing; pandas may give NaT or NaN)."""
    if d is None or isinstance(d, float) or str(d) in ("NaT", "nan", "None"):
        return ""
    return str(d)[:10]


def _l2_rows(mat: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ mat)
