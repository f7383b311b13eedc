"""Screening benchmark: F1 and names/s of our screener, nomenklatura and a tuned rapidfuzz script.

    .venv/bin/python bench/make_screening_eval.py   # (re)build bench/screening_eval.csv, fixed seed
    .venv/bin/python bench/screening_bench.py       # the report below
    .venv/bin/python bench/screening_bench.py --fit # also refit the scorer's weights (train split)

Data: ``bench/screening_eval.csv`` (see ``make_screening_eval.py``): invoice-style variants of real
list names and hard negatives, split by entity into train and test. Weights are fitted and every
threshold is tuned on ``train`` only; every figure below is on ``test``.

Query-level scoring: a query is a predicted hit when any entry scores at or above the threshold.
A positive counts as a true positive when its target entry is among the hits; a hit on any other
entry counts as a false positive.

Baselines, same queries, same run (each one's design is in its function's docstring):
* nomenklatura ``LogicV2`` (the OpenSanctions matcher) at its default 0.7 and at the threshold that
  is F1-best on train, three ways: natively end to end (:class:`NkNative`: a ``MemoryStore`` of the
  listed entries, its DuckDB blocker ``nomenklatura.blocker.Index``, ``match_entities``, ``LogicV2``
  on every candidate), and on the candidate pairs OUR blocker returns, timed as scoring only (against
  our scorer on the very same pairs) and as our blocker's time plus its scoring time;
* rapidfuzz: normalised names, a word/prefix inverted-index blocker, ``process.cdist`` with
  ``workers=-1``; scorer (WRatio, token_set_ratio, token_sort_ratio, QRatio) and threshold chosen
  F1-best on train.
Timing: the contenders run interleaved, REPEATS times each, on the test queries; the table gives the
min and median wall clock, names/s at the min. "supplyscope end to end" is what a fresh ``screen``
run pays: the index loaded from its cache file, listed names normalised on first use, screening at
the default threshold; its hits are checked equal to the untimed run's. The other indexes (the
rapidfuzz blocker, nomenklatura's store, DuckDB index and listed entities) are built before timing,
in their favour. The floor is the time to read the bundled lists and the input. The machine is
shared: the load average is printed with the timings.

nomenklatura (the baselines) and scikit-learn (``--calibrate``) are side-installed, because
nomenklatura 4.17.4 pins duckdb<2 and ``pip install nomenklatura`` would downgrade the venv's duckdb
(its DuckDB blocker works with duckdb 2). Install them once, without dependencies, into the gitignored
``.bench-deps/`` at the repository root, which this script puts on ``sys.path`` by itself::

    .venv/bin/python -m pip install --no-deps --target .bench-deps nomenklatura==4.17.4 shortuuid==1.0.13 \
        fingerprints==1.3.1 scikit-learn==1.9.1 joblib==1.6.0 threadpoolctl==3.8.0 cloudpickle==3.1.3

``--quick`` and ``--shippers`` need neither.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.screening import DEFAULT_THRESHOLD, ScreeningIndex, load_index
from supplyscope.screening.features import FEATURES, FITTED, STRONG_IDS, Pair, evaluate, logit, sigmoid, tier
from supplyscope.screening.normalize import alternatives, normalize_name

EVAL = Path(__file__).resolve().parent / "screening_eval.csv"
BENCH_DEPS = Path(__file__).resolve().parent.parent / ".bench-deps"
BENCH_DEPS_HINT = (
    "install them once with: .venv/bin/python -m pip install --no-deps --target .bench-deps nomenklatura==4.17.4 "
    "shortuuid==1.0.13 fingerprints==1.3.1 scikit-learn==1.9.1 joblib==1.6.0 threadpoolctl==3.8.0 cloudpickle==3.1.3"
)
NK_THRESHOLD = 0.7
REPEATS = 3


def require(*modules: str) -> None:
    """Put ``.bench-deps/`` on ``sys.path`` and exit with the install hint if a module is still missing."""
    if BENCH_DEPS.is_dir() and str(BENCH_DEPS) not in sys.path:
        sys.path.append(str(BENCH_DEPS))
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise SystemExit(f"screening_bench: {', '.join(missing)} not installed; {BENCH_DEPS_HINT}")


def load_eval() -> pd.DataFrame:
    df = pd.read_csv(EVAL, dtype=str, keep_default_na=False)
    df["label"] = df["label"].astype(int)
    return df


def query_hits(idx: ScreeningIndex, df: pd.DataFrame, threshold: float) -> list[list[tuple[str, float]]]:
    hits = idx.screen_many(
        df["query"].tolist(),
        [c or None for c in df["country"]],
        None,
        threshold,
        entity_types=[t or None for t in df["entity_type"]],
        identifiers=[[i] if i else [] for i in df["identifiers"]],
    )
    return [[(h.entity_id, h.score) for h in hs] for hs in hits]


def prf_queries(df: pd.DataFrame, hits: list[list[tuple[str, float]]], threshold: float) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for target, hs in zip(df["target"], hits, strict=True):
        found = {e for e, s in hs if s >= threshold}
        if target:
            if target in found:
                tp += 1
                fp += len(found - {target}) > 0
            else:
                fn += 1
                fp += bool(found)
        else:
            fp += bool(found)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def candidate_pairs(idx: ScreeningIndex, df: pd.DataFrame) -> pd.DataFrame:
    """Each query against its blocked candidates: feature values, label (candidate is the target)."""
    out: list[dict[str, Any]] = []
    for qid, query, country, etype, ident, target, split in df[
        ["query_id", "query", "country", "entity_type", "identifiers", "target", "split"]
    ].itertuples(index=False):
        for alt in alternatives(query):
            nn = normalize_name(alt)
            if not nn.core:
                continue
            q = idx._side(nn, country or None, (), frozenset(), etype or None, frozenset([ident] if ident else []))
            seen: set[int] = set()
            for r in idx.candidates([nn])[0]:
                e = int(idx.owner[r])
                if e in seen:
                    continue
                seen.add(e)
                pair = Pair(q, idx.side(r), explain=True)
                if idx._person_blocked(q, pair):
                    continue
                score, values = evaluate(pair)
                rec: dict[str, Any] = {k: v for k, (v, _) in values.items()}
                strong = values["identifier"][0] > 0 and values["identifier"][1].split(" ", 1)[0] in STRONG_IDS
                rec.update(
                    query_id=qid,
                    split=split,
                    label=int(idx.entity_id[e] == target),
                    score=score,
                    exact=rec["exact"],
                    p_raw=sigmoid(logit(values)),
                    tier="ident" if strong else tier(values),
                )
                out.append(rec)
    return pd.DataFrame(out)


def fit(pairs: pd.DataFrame) -> tuple[float, dict[str, float]]:
    """Logistic regression (L2 1e-3) of label on the FITTED features, train split, evidence weights fixed."""
    from scipy.optimize import minimize

    train = pairs[pairs["split"] == "train"]
    x = train[list(FITTED)].to_numpy(dtype=float)
    fixed = {f.name: f.weight for f in FEATURES if f.name not in FITTED}
    offset = sum(train[k].to_numpy(dtype=float) * w for k, w in fixed.items())
    y = train["label"].to_numpy(dtype=float)
    xb = np.hstack([np.ones((len(x), 1)), x])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xb @ w + offset
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        ll = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 1e-3 * np.sum(w[1:] ** 2)
        grad = xb.T @ (p - y) / len(y)
        grad[1:] += 2e-3 * w[1:]
        return float(ll), grad

    res = minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), dict(zip(FITTED, (float(v) for v in res.x[1:]), strict=True))


CALIBRATION = Path(__file__).resolve().parents[1] / "src" / "supplyscope" / "screening" / "calibration.py"


def fit_calibration(pairs: pd.DataFrame) -> str:
    """Isotonic map of the fuzzy-tier regression probability to the observed true share, and the
    acronym tier's true share, both on the TRAIN split only; returns the ``calibration.py`` source."""
    from sklearn.isotonic import IsotonicRegression

    train = pairs[pairs["split"] == "train"]
    fz = train[train["tier"] == "fuzzy"]
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit(fz["p_raw"].to_numpy(), fz["label"].to_numpy(dtype=float))
    xs, ys = iso.X_thresholds_, iso.y_thresholds_
    acr = train[train["tier"] == "acronym"]
    rate = (int(acr["label"].sum()) + 1) / (len(acr) + 2)  # add-one (Laplace): 0 of n is not a zero probability
    fmt = ", ".join
    return (
        '"""Score calibration, fitted on the TRAIN split of bench/screening_eval.csv by\n'
        "``bench/screening_bench.py --calibrate`` (generated; do not edit by hand).\n\n"
        f"FUZZY_P -> FUZZY_RATE: isotonic regression (scikit-learn, {len(fz):,} fuzzy-tier query-candidate\n"
        f"pairs, {int(fz['label'].sum())} true) of the match label on the logistic probability; scores\n"
        "between breakpoints are interpolated linearly, outside them clipped. ACRONYM_RATE: the share of\n"
        f"initials-only pairs on train that were true ({int(acr['label'].sum())} of {len(acr)}).\n"
        '"""\n\n'
        f"FUZZY_P: tuple[float, ...] = ({fmt(f'{x:.6g}' for x in xs)},)\n"
        f"FUZZY_RATE: tuple[float, ...] = ({fmt(f'{y:.6g}' for y in ys)},)\n"
        f"ACRONYM_RATE = {rate:.4f}\n"
    )


_LEGAL = re.compile(
    r"\b(co|ltd|limited|company|corp|corporation|inc|incorporated|llc|plc|sa|de|cv|gmbh|ag|se|nv|bv|spa|jsc|ooo|group)\b"
)


def rf_norm(s: str) -> str:
    from anyascii import anyascii

    t = re.sub(r"[^a-z0-9 ]+", " ", anyascii(s).lower())
    return " ".join(_LEGAL.sub(" ", t).split())


RF_SCORERS = ("WRatio", "token_set_ratio", "token_sort_ratio", "QRatio")


RF_MAX_DF = 300
"""Blocking keys in more listed names than this are skipped (unless a query has no other key)."""


class RfBlocker:
    """Rapidfuzz baseline's blocking, built once outside the timing (as our index is): an inverted index
    from each word and each word's 4-letter prefix (typos late in a word keep the prefix) to the listed
    names that contain it; a query's candidates are the names sharing a key that is not too common."""

    def __init__(self, choices: list[str]) -> None:
        self.choices = choices
        self.keys: dict[str, list[int]] = {}
        for j, c in enumerate(choices):
            for k in {k for w in c.split() for k in (w, "p:" + w[:4])}:
                self.keys.setdefault(k, []).append(j)

    def candidates(self, q: str) -> list[int]:
        posting = [self.keys[k] for k in {k for w in q.split() for k in (w, "p:" + w[:4])} if k in self.keys]
        rare = [p for p in posting if len(p) <= RF_MAX_DF] or sorted(posting, key=len)[:1]
        return sorted({j for p in rare for j in p})


def rapidfuzz_hits(
    idx: ScreeningIndex, queries: list[str], scorer_name: str, blocker: RfBlocker
) -> list[list[tuple[str, float]]]:
    """Rapidfuzz baseline. Design: names normalised (ASCII, case, punctuation, a list of legal forms
    removed); each query against the names :class:`RfBlocker` returns, with ``process.cdist``
    (``workers=-1``; an exhaustive cdist over all 18.7k names took 38.8 s for the 1,232 test queries
    with token_set_ratio, F1 0.838, in the 2026-12-02 run); an entry's score is its best name's;
    scorer and threshold are chosen F1-best on train."""
    from rapidfuzz import fuzz, process

    scorer = getattr(fuzz, scorer_name)
    out = []
    for q in queries:
        cands = blocker.candidates(rf_norm(q))
        best: dict[str, float] = {}
        if cands:
            row = process.cdist(
                [rf_norm(q)], [blocker.choices[j] for j in cands], scorer=scorer, score_cutoff=60, workers=-1
            )[0]
            for k in np.nonzero(row)[0]:
                e = idx.entity_id[int(idx.owner[cands[int(k)]])]
                best[e] = max(best.get(e, 0.0), float(row[k]) / 100.0)
        out.append(list(best.items()))
    return out


SCHEMA = {"person": "Person", "vessel": "Vessel", "aircraft": "Airplane", "organisation": "Organization"}


def blocked(idx: ScreeningIndex, queries: list[str]) -> list[list[int]]:
    """Our blocker's candidate rows per query (deduplicated, in order): the shared pairs both scorers score."""
    return [list(dict.fromkeys(c)) for c in idx.candidates([normalize_name(q) for q in queries])]


def ours_scoring(idx: ScreeningIndex, frame: pd.DataFrame, cands: list[list[int]]) -> list[list[tuple[str, float]]]:
    """Our scorer on given candidate rows; the query side is built here, the listed sides are the index's."""
    out = []
    for (q, country, etype, ident), rows in zip(
        frame[["query", "country", "entity_type", "identifiers"]].itertuples(index=False), cands, strict=True
    ):
        qs = idx._side(
            normalize_name(q), country or None, (), frozenset(), etype or None, frozenset([ident] if ident else [])
        )
        found: dict[str, float] = {}
        for r in rows:
            pair = Pair(qs, idx.side(r))
            if idx._person_blocked(qs, pair):
                continue
            e = idx.entity_id[int(idx.owner[r])]
            found[e] = max(found.get(e, 0.0), evaluate(pair)[0])
        out.append(list(found.items()))
    return out


def nk_scoring(
    idx: ScreeningIndex, frame: pd.DataFrame, cands: list[list[int]], listed: dict[int, Any]
) -> list[list[tuple[str, float]]]:
    """nomenklatura LogicV2 on the same candidate rows. Design: the query becomes a FollowTheMoney entity
    of the schema its entity type maps to (LegalEntity when unknown) with its name; each listed name is a
    pre-built entity (``listed``, built outside the timing, as our index's sides are); the entry's score is
    its best name's. nomenklatura gets name and schema only (no country or identifiers)."""
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    cfg = ScoringConfig.defaults()
    out = []
    for k, (q, etype, rows) in enumerate(zip(frame["query"], frame["entity_type"], cands, strict=True)):
        qe = model.make_entity(SCHEMA.get(etype, "LegalEntity"))
        qe.id = f"q{k}"
        qe.add("name", q)
        found: dict[str, float] = {}
        for r in rows:
            e = idx.entity_id[int(idx.owner[r])]
            found[e] = max(found.get(e, 0.0), float(LogicV2.compare(qe, listed[r], cfg).score))
        out.append(list(found.items()))
    return out


def nk_entities(idx: ScreeningIndex, rows: set[int]) -> dict[int, Any]:
    from followthemoney import model

    out = {}
    for r in rows:
        ce = model.make_entity(SCHEMA.get(idx.entity_type[int(idx.owner[r])], "LegalEntity"))
        ce.id = f"c{r}"
        ce.add("name", idx.names[r])
        out[r] = ce
    return out


class NkNative:
    """nomenklatura end to end the way its docs describe matching incoming entities: the listed entries
    as FollowTheMoney entities (primary name as ``name``, the others as ``alias``, schema from the entry
    type) in a ``MemoryStore``; its DuckDB blocker ``nomenklatura.blocker.Index`` (defaults:
    ``max_candidates`` 75) built over them; each query batch goes through ``Index.match_entities`` and
    every candidate it returns is scored with ``LogicV2`` (default ``ScoringConfig``); an entry's score
    is its best. The store and the index are built once, outside the timing (20 s here), as our index
    is; the listed entities are assembled before timing too. Queries get name and schema only."""

    def __init__(self, idx: ScreeningIndex) -> None:
        import tempfile

        from followthemoney import Dataset, StatementEntity
        from nomenklatura.blocker import Index
        from nomenklatura.resolver import Linker
        from nomenklatura.store.memory import MemoryStore

        self.ds = Dataset.make({"name": "lists", "title": "screening lists"})
        self.qds = Dataset.make({"name": "queries", "title": "queries"})
        store: Any = MemoryStore(self.ds, Linker({}))
        names: dict[int, list[str]] = {}
        for r, o in enumerate(idx.owner):
            names.setdefault(int(o), []).append(idx.names[r])
        with store.writer() as w:
            for e, ns in names.items():
                ent = StatementEntity(self.ds, {"schema": SCHEMA.get(idx.entity_type[e], "LegalEntity"), "id": f"e{e}"})
                ent.add("name", ns[0])
                for a in ns[1:]:
                    ent.add("alias", a)
                w.add_entity(ent)
        view = store.view(self.ds)
        self.tmp = tempfile.TemporaryDirectory(prefix="nk-index-")
        self.index = Index(view, Path(self.tmp.name))
        self.index.build()
        self.listed = {e.id: e for e in view.entities()}
        self.entity_id = {f"e{e}": idx.entity_id[e] for e in names}

    def hits(self, frame: pd.DataFrame) -> list[list[tuple[str, float]]]:
        from followthemoney import StatementEntity
        from nomenklatura.matching import LogicV2, ScoringConfig

        cfg = ScoringConfig.defaults()
        queries = []
        for k, (q, etype) in enumerate(zip(frame["query"], frame["entity_type"], strict=True)):
            qe = StatementEntity(self.qds, {"schema": SCHEMA.get(etype, "LegalEntity"), "id": f"q{k}"})
            qe.add("name", q)
            queries.append(qe)
        by_id = {q.id: q for q in queries}
        found: dict[str, dict[str, float]] = {}
        for qid, matches in self.index.match_entities(queries):
            qe = by_id[qid.id]
            best = found.setdefault(qid.id, {})
            for mid, _ in matches:
                cand = self.listed.get(mid.id)
                if cand is not None:
                    e = self.entity_id[mid.id]
                    best[e] = max(best.get(e, 0.0), float(LogicV2.compare(qe, cand, cfg).score))
        return [list(found.get(f"q{k}", {}).items()) for k in range(len(frame))]


def ours_end_to_end(frame: pd.DataFrame) -> list[list[tuple[str, float]]]:
    """Ours as a fresh ``screen`` run pays: the index loaded from its cache file (not the in-process
    copy), listed names normalised on first use, the queries screened at the default threshold."""
    from supplyscope.screening.bundle import _load

    _load.cache_clear()
    return query_hits(load_index(), frame, DEFAULT_THRESHOLD)


def shippers_run(rows: int) -> None:
    """``screen_many`` on the distinct shippers of the shipments bench (its generator, its seed): the
    batch the shipments pipeline screens. One process; wall and CPU seconds, names/s, load average."""
    import importlib
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    generate = importlib.import_module("shipments_bench").generate  # lane 19s's generator, its seed

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shipments.parquet"
        info = generate(rows, path)
        keys = pd.read_parquet(path, columns=["shipper_name", "shipper_address", "shipper_country"])
    keys = keys.drop_duplicates().reset_index(drop=True)
    names = keys["shipper_name"].astype(str).tolist()
    addresses = [a if isinstance(a, str) and a else None for a in keys["shipper_address"]]
    countries = [c if isinstance(c, str) and c else None for c in keys["shipper_country"]]
    print(f"shipments bench generator: {rows:,} rows, {info['sellers']:,} sellers, {len(names):,} distinct shippers")
    from supplyscope.screening.bundle import _load

    load_index()  # writes the cache file if the code or lists changed; the timed run loads it
    _load.cache_clear()
    normalize_name.cache_clear()
    load1 = os.getloadavg()[0]
    t, c = time.perf_counter(), time.process_time()
    hits = load_index().screen_many(names, countries, addresses)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    flagged = sum(1 for h in hits if h)
    print(
        f"screen_many (index loaded from cache, default threshold): {wall:.1f} s wall, {cpu:.1f} s CPU, "
        f"{len(names) / wall:,.0f} names/s wall ({len(names) / cpu:,.0f} per CPU second); {flagged:,} names with a hit "
        f"(load average {load1:.1f} at start, {os.getloadavg()[0]:.1f} at end)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--calibrate", action="store_true", help="refit the calibration on train, write calibration.py")
    ap.add_argument("--quick", action="store_true", help="ours only (no baselines)")
    ap.add_argument("--shippers", type=int, metavar="ROWS", help="screen_many on the shipments bench's shippers")
    args = ap.parse_args()
    if args.shippers:
        shippers_run(args.shippers)
        return
    if args.calibrate:
        require("sklearn")
    elif not args.quick:
        require("nomenklatura")
    df = load_eval()
    t0 = time.perf_counter()
    idx = load_index()
    print(f"index: {len(idx):,} entries, {len(idx.names):,} names, loaded in {time.perf_counter() - t0:.2f} s")
    train, test = df[df["split"] == "train"].reset_index(drop=True), df[df["split"] == "test"].reset_index(drop=True)
    print(
        f"eval set: {len(df):,} queries; train {len(train):,}, test {len(test):,} ({int(test['label'].sum())} positive)"
    )

    pairs = candidate_pairs(idx, df)
    if args.fit:
        bias, w = fit(pairs)
        print(f"fitted on train ({int((pairs['split'] == 'train').sum()):,} pairs): BIAS = {bias:.2f}")
        for k, v in w.items():
            print(f"  {k:<16} {v:7.2f}")
    if args.calibrate:
        CALIBRATION.write_text(fit_calibration(pairs), encoding="utf-8")
        print(f"wrote {CALIBRATION} (fitted on train); run again without --calibrate for the held-out report")
        return

    # ---- ours
    normalize_name.cache_clear()
    t = time.perf_counter()
    hits_test = query_hits(idx, test, 0.3)
    ours_s = time.perf_counter() - t
    hits_train = query_hits(idx, train, 0.3)
    rows: list[tuple[str, float, tuple[float, float, float], float]] = []
    rows.append(
        (
            "supplyscope (default threshold)",
            DEFAULT_THRESHOLD,
            prf_queries(test, hits_test, DEFAULT_THRESHOLD),
            len(test) / ours_s,
        )
    )
    grid = [round(x, 2) for x in np.arange(0.3, 0.96, 0.05)]
    best = max(grid, key=lambda th: prf_queries(train, hits_train, th)[2])
    rows.append(("supplyscope (F1-best on train)", best, prf_queries(test, hits_test, best), len(test) / ours_s))

    if args.quick:
        print("\nquality on the test split (query level)")
        print(f"{'matcher':<46} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'names/s':>9}")
        for label, th, (p, r, f), rate in rows:
            print(f"{label:<46} {th:>9.2f} {p:>9.3f} {r:>7.3f} {f:>6.3f} {rate:>9,.0f}")
        report_rest(idx, test, hits_test, pairs)
        return
    # ---- baselines: tune on train, then time every contender on test, interleaved
    print(f"\nfloor (read the list and the input, no matching): {floor_s():.3f} s")
    blocker = RfBlocker([rf_norm(n) for n in idx.names])
    rf_train = {s: rapidfuzz_hits(idx, train["query"].tolist(), s, blocker) for s in RF_SCORERS}
    grid_rf = [round(x, 2) for x in np.arange(0.6, 1.001, 0.02)]
    rf_scorer, rf_th = max(
        ((s, th) for s in RF_SCORERS for th in grid_rf), key=lambda st: prf_queries(train, rf_train[st[0]], st[1])[2]
    )
    cands_train, cands_test = blocked(idx, train["query"].tolist()), blocked(idx, test["query"].tolist())
    listed = nk_entities(idx, {r for c in cands_train + cands_test for r in c})
    for c in cands_test:  # our listed sides are built on first use: build them before timing, like `listed`
        for r in c:
            idx.side(r)
    nk_train = nk_scoring(idx, train, cands_train, listed)
    nk_best = max(grid, key=lambda th: prf_queries(train, nk_train, th)[2])

    native = NkNative(idx)
    nk_native_train = native.hits(train)
    nk_native_best = max(grid, key=lambda th: prf_queries(train, nk_native_train, th)[2])

    contenders: dict[str, Any] = {
        "supplyscope end to end (index from cache, 0.7)": lambda: ours_end_to_end(test),
        "our blocker only": lambda: blocked(idx, test["query"].tolist()),
        "supplyscope scoring the shared pairs": lambda: ours_scoring(idx, test, cands_test),
        "nomenklatura scoring the shared pairs": lambda: nk_scoring(idx, test, cands_test, listed),
        "nomenklatura native (its blocker + LogicV2)": lambda: native.hits(test),
        f"rapidfuzz {rf_scorer} blocked": lambda: rapidfuzz_hits(idx, test["query"].tolist(), rf_scorer, blocker),
    }
    times: dict[str, list[float]] = {k: [] for k in contenders}
    results: dict[str, Any] = {}
    for _ in range(REPEATS):
        for name, fn in contenders.items():
            normalize_name.cache_clear()
            t = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t)
    n = len(test)
    print(f"\nwall clock on the {n:,} test queries, {REPEATS} interleaved repeats (load: {os.getloadavg()[0]:.1f})")
    print(f"{'contender':<46} {'min s':>7} {'median s':>9} {'names/s (min)':>14}")
    for name, ts in times.items():
        print(f"{name:<46} {min(ts):>7.2f} {statistics.median(ts):>9.2f} {n / min(ts):>14,.0f}")
    block_s = min(times["our blocker only"])
    nk_e2e = block_s + min(times["nomenklatura scoring the shared pairs"])
    print(f"{'nomenklatura end to end (our blocker + its scoring)':<46} {nk_e2e:>7.2f} {'':>9} {n / nk_e2e:>14,.0f}")

    ours_e2e = min(times["supplyscope end to end (index from cache, 0.7)"])
    at_default = [[(e, sc) for e, sc in h if sc >= DEFAULT_THRESHOLD] for h in hits_test]
    same = [sorted(h) for h in results["supplyscope end to end (index from cache, 0.7)"]] == [
        sorted(h) for h in at_default
    ]
    print(f"results checked: end to end at 0.7 == the untimed run's hits at >= 0.7: {same}")
    if not same:
        raise SystemExit("end-to-end results differ from the untimed run")
    native_s = min(times["nomenklatura native (its blocker + LogicV2)"])
    quality = [
        (
            "nomenklatura LogicV2 (default 0.7), shared pairs",
            NK_THRESHOLD,
            results["nomenklatura scoring the shared pairs"],
            n / nk_e2e,
        ),
        (
            "nomenklatura LogicV2 (F1-best on train)",
            nk_best,
            results["nomenklatura scoring the shared pairs"],
            n / nk_e2e,
        ),
        (
            "nomenklatura native, its blocker (default 0.7)",
            NK_THRESHOLD,
            results["nomenklatura native (its blocker + LogicV2)"],
            n / native_s,
        ),
        (
            "nomenklatura native, its blocker (F1-best on train)",
            nk_native_best,
            results["nomenklatura native (its blocker + LogicV2)"],
            n / native_s,
        ),
        (
            "supplyscope scoring the shared pairs (0.7)",
            DEFAULT_THRESHOLD,
            results["supplyscope scoring the shared pairs"],
            n / (block_s + min(times["supplyscope scoring the shared pairs"])),
        ),
        (
            f"rapidfuzz {rf_scorer} (tuned on train)",
            rf_th,
            results[f"rapidfuzz {rf_scorer} blocked"],
            n / min(times[f"rapidfuzz {rf_scorer} blocked"]),
        ),
    ]
    for label, th, hs, rate in quality:
        rows.append((label, th, prf_queries(test, hs, th), rate))
    rows[0] = (rows[0][0], rows[0][1], rows[0][2], n / ours_e2e)
    rows[1] = (rows[1][0], rows[1][1], rows[1][2], n / ours_e2e)
    print("\nquality on the test split (query level), every contender; names/s end to end, best repeat")
    print(f"{'matcher':<52} {'th.':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'names/s':>9}")
    for label, th, (p, r, f), rate in rows:
        print(f"{label:<52} {th:>5.2f} {p:>9.3f} {r:>7.3f} {f:>6.3f} {rate:>9,.0f}")
    nk_only, ours_only = (
        min(times["nomenklatura scoring the shared pairs"]),
        min(times["supplyscope scoring the shared pairs"]),
    )
    print(
        f"throughput, end to end, ours / nomenklatura native: {native_s / ours_e2e:.1f}x; "
        f"ours / nomenklatura on our blocker: {nk_e2e / ours_e2e:.1f}x; scoring only, same pairs: "
        f"{nk_only / ours_only:.1f}x; "
        f"ours / rapidfuzz: {min(times[f'rapidfuzz {rf_scorer} blocked']) / ours_e2e:.1f}x"
    )
    report_rest(idx, test, hits_test, pairs)


def floor_s() -> float:
    """Seconds to read the bundled lists and the evaluation input, nothing else."""
    from supplyscope.data.sources.screening_lists import bundled_entities

    t = time.perf_counter()
    bundled_entities()
    load_eval()
    return time.perf_counter() - t


def fortune_flags(idx: ScreeningIndex, fg: pd.DataFrame) -> None:
    """Fortune Global 500 names (hard negatives) flagged at the default threshold, screened WITH their
    headquarters countries (the operating condition: a supplier is screened with its country) and
    WITHOUT them (stress: every country missing); each flagged name with its hits and scores."""
    with_country = sum(1 for c in fg["country"] if c)
    for label, countries in (
        (f"with their headquarters countries ({with_country} of {len(fg)} carry one)", list(fg["country"])),
        ("without countries (stress)", [""] * len(fg)),
    ):
        hits = idx.screen_many(fg["query"].tolist(), [c or None for c in countries], None, DEFAULT_THRESHOLD)
        flagged = [(q, c, hs) for q, c, hs in zip(fg["query"], countries, hits, strict=True) if hs]
        print(f"\nFortune Global 500 names flagged at {DEFAULT_THRESHOLD}, {label}: {len(flagged)} of {len(fg)}")
        for q, c, hs in flagged:
            found = "; ".join(f"{h.entity_id} {h.name} {h.score:.3f}" for h in hs)
            print(f"  {q!r} ({c or 'no country'}) -> {found}")


def report_rest(
    idx: ScreeningIndex, test: pd.DataFrame, hits_test: list[list[tuple[str, float]]], pairs: pd.DataFrame
) -> None:
    """Operating points, per-kind shares, Fortune Global 500 flags and calibration (test split)."""

    print("\nrecall on the test positives at fixed thresholds (operating points)")
    pos = test[test["label"] == 1]
    pos_hits = [h for h, lab in zip(hits_test, test["label"], strict=True) if lab == 1]
    for th in (0.5, 0.7, 0.9):
        rec = np.mean([any(e == tg and s >= th for e, s in hs) for tg, hs in zip(pos["target"], pos_hits, strict=True)])
        neg_flag = np.mean(
            [any(s >= th for _, s in hs) for hs, lab in zip(hits_test, test["label"], strict=True) if lab == 0]
        )
        print(f"  threshold {th:.1f}: recall {rec:.3f}, share of negatives flagged {neg_flag:.3f}")

    print("\nper kind (test split): share of queries with a hit at the default threshold (positives: the target)")
    for (kind, lab), g in test.groupby(["kind", "label"]):
        hs = [hits_test[i] for i in g.index]
        if lab:
            share = np.mean(
                [any(e == tg and s >= DEFAULT_THRESHOLD for e, s in h) for tg, h in zip(g["target"], hs, strict=True)]
            )
        else:
            share = np.mean([any(s >= DEFAULT_THRESHOLD for _, s in h) for h in hs])
        print(f"  {kind:<24} label {lab}  n {len(g):>4}  {share:.3f}")
    fortune_flags(idx, test[test["kind"] == "fortune_global_500"])

    tp = pairs[pairs["split"] == "test"]
    y, s = tp["label"].to_numpy(), tp["score"].to_numpy()
    print(f"\ncalibration on the test split ({len(tp):,} query-candidate pairs, {int(y.sum())} true)")
    print(f"Brier score {np.mean((s - y) ** 2):.4f} (always-0 baseline {np.mean(y):.4f})")
    print("reliability: bin  n  mean score  observed share")
    for lo in np.arange(0, 1, 0.1):
        m = (s >= lo) & (s < lo + 0.1 + (1e-9 if lo >= 0.9 else 0))
        if m.any():
            print(f"  [{lo:.1f},{lo + 0.1:.1f})  {int(m.sum()):>5}  {s[m].mean():.3f}  {y[m].mean():.3f}")


if __name__ == "__main__":
    main()
