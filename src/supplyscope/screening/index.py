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

import numpy as np
import pandas as pd
import scipy.sparse as sp

from supplyscope.screening.countries import to_iso3
from supplyscope.screening.features import PLACE_FACTOR, Pair, Side, evaluate, explain, upper_bound
from supplyscope.screening.normalize import NormName, initials, normalize_name

DEFAULT_THRESHOLD = 0.7
"""Default hit threshold on the 0..1 score (see docs/screening.md for how it was chosen)."""

TOP_K = 5
MIN_COSINE = 0.2
MAX_DF = 250
"""Blocking features in more than this many listed names are left out of the query side of the
sparse product (they are weak evidence and the most expensive); the cosine is still normalised
with them, so it can only be under-estimated."""


MIN_ALIAS_CHARS = 3
"""Shortest alias (letters and digits after normalisation) that is indexed for matching."""


@dataclass(frozen=True)
class Hit:
    """One list entry that matches an input name."""

    entity_id: str
    list: str
    name: str
    score: float
    explanation: str


def _ngrams(joined: str, n: int = 3) -> list[str]:
    s = f"^{joined}$"
    return [s[i : i + n] for i in range(max(1, len(s) - n + 1))]


@lru_cache(maxsize=200_000)
def _features(norm: NormName) -> frozenset[str]:
    return frozenset(["w:" + t for t in norm.core] + ["g:" + g for g in _ngrams(norm.joined)])


class ScreeningIndex:
    """An index over screening-list entries (canonical ``screening_entities`` rows)."""

    def __init__(self, entities: pd.DataFrame, versions: dict[str, str] | None = None) -> None:
        self.entities = entities.reset_index(drop=True)
        self.versions = dict(versions or {})
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
        self.sides = [
            self._side(nn, self.entity_country[o], self.entity_addresses[o])
            for nn, o in zip(self.norms, owner, strict=True)
        ]
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
        # acronyms: initials of multi-token names -> name rows
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        for r, nn in enumerate(self.norms):
            if len(nn.core) >= 2:
                self.acronyms[initials(nn.core)].append(r)
                words = [t for t in nn.all_tokens if t not in ("and", "the", "of", "for")]
                if len(words) != len(nn.core):
                    self.acronyms[initials(words)].append(r)

    # ------------------------------------------------------------------ helpers
    def _side(self, norm: NormName, country: str | None = None, addresses: tuple[str, ...] = ()) -> Side:
        w = tuple(self.idf.get(t, self._idf_unknown) * (PLACE_FACTOR if t in norm.places else 1.0) for t in norm.core)
        return Side(norm, w, country, addresses)

    def __len__(self) -> int:
        return len(self.entities)

    @property
    def lists(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.entities["list"].value_counts().sort_index().items()}

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
            if len(nn.core) == 1:
                cand.extend(self.acronyms.get(nn.core[0], ()))
            out.append(cand)
        return out

    # ------------------------------------------------------------------ screening
    def _score(self, q: Side, rows: list[int], threshold: float) -> list[Hit]:
        best: dict[int, tuple[float, str]] = {}
        top: dict[int, tuple[float, int]] = {}
        for r in dict.fromkeys(rows):
            pair = Pair(q, self.sides[r], explain=False)
            if upper_bound(pair) < threshold:
                continue
            score, _ = evaluate(pair)
            e = int(self.owner[r])
            if score >= threshold and (e not in top or score > top[e][0]):
                top[e] = (score, r)
        for e, (score, r) in top.items():
            _, values = evaluate(Pair(q, self.sides[r], explain=True))  # again, with the details
            listed = self.names[r]
            via = "" if listed == self.entity_name[e] else f"via alias '{listed}'; "
            best[e] = (score, via + explain(values, score))
        hits = [
            Hit(self.entity_id[e], self.entity_list[e], self.entity_name[e], round(s, 4), ex)
            for e, (s, ex) in best.items()
        ]
        return sorted(hits, key=lambda h: (-h.score, h.entity_id))

    def screen(
        self, name: str, country: str | None = None, address: str | None = None, threshold: float | None = None
    ) -> list[Hit]:
        """Hits for one name, best first (empty list: no match)."""
        return self.screen_many([name], [country], [address], threshold)[0]

    def screen_many(
        self,
        names: Sequence[str],
        countries: Sequence[str | None] | None = None,
        addresses: Sequence[str | None] | None = None,
        threshold: float | None = None,
        *,
        chunk: int = 2000,
        progress: Callable[[int], None] | None = None,
    ) -> list[list[Hit]]:
        """Hits for many names; ``countries`` and ``addresses`` align with ``names``.

        Countries may be ISO3 or ISO2 codes or names ("China", "中国"); one that cannot be resolved
        is ignored rather than counted as a mismatch.
        """
        t = DEFAULT_THRESHOLD if threshold is None else threshold
        n = len(names)
        ctry = [to_iso3(c) if c else None for c in countries] if countries is not None else [None] * n
        addr = list(addresses) if addresses is not None else [None] * n
        if len(ctry) != n or len(addr) != n:
            raise ValueError("names, countries and addresses must have the same length")
        out: list[list[Hit]] = []
        for start in range(0, n, chunk):
            block = names[start : start + chunk]
            norms = [normalize_name(x) if x and x.strip() else normalize_name("") for x in block]
            cands = self.candidates(norms)
            for k, (nn, rows) in enumerate(zip(norms, cands, strict=True)):
                i = start + k
                if not nn.core or not rows:
                    out.append([])
                    continue
                a = addr[i]
                q = self._side(nn, ctry[i] or None, (a,) if a else ())
                out.append(self._score(q, rows, t))
            if progress is not None:
                progress(len(block))
        return out


def _l2_rows(mat: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ mat)
