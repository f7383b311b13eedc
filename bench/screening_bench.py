"""Screening benchmark: quality and speed of our matcher against nomenklatura's on the same cases.

    .venv/bin/python bench/screening_bench.py            # full run
    .venv/bin/python bench/screening_bench.py --quick    # smoke run (small sizes)
    .venv/bin/python bench/screening_bench.py --fit      # also refit the name-feature weights

Quality: every pair in ``bench/screening_cases.csv`` (real list names and generated variants, see
``bench/make_screening_cases.py``) is scored by our scorer and by nomenklatura's ``LogicV2``
matcher (the FollowTheMoney/OpenSanctions matcher). Precision, recall and F1 are reported on the
``test`` split at each matcher's default threshold (ours 0.7, nomenklatura's 0.7, the yente
default), plus nomenklatura at the threshold that maximises its F1 on the ``train`` split.

Speed (names screened per second against all bundled lists, 15,032 entries / 18,720 names):
ours = candidate index + our scorer; baseline = the same candidates scored by nomenklatura's
LogicV2 (nomenklatura's own blocker needs a statement store, so it is not timed here). The query
names are the case queries (once each) plus SYNTHETIC supplier-like names built from real words of
the listed names (see ``speed_names``), all distinct so no cache helps. The 1M-name figure is an
extrapolation from the measured rate, stated as such. Peak memory is reported with tracemalloc
(Python allocations) and the process's max RSS.
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing as mp
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.screening import load_index
from supplyscope.screening.bundle import bundled_entities
from supplyscope.screening.features import FEATURES, Pair, evaluate
from supplyscope.screening.index import DEFAULT_THRESHOLD, ScreeningIndex, _features
from supplyscope.screening.normalize import normalize_name

CASES = Path(__file__).resolve().parent / "screening_cases.csv"
NK_THRESHOLD = 0.7
_INDEX: ScreeningIndex | None = None


def prf(labels: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = int(((pred == 1) & (labels == 1)).sum())
    fp = int(((pred == 1) & (labels == 0)).sum())
    fn = int(((pred == 0) & (labels == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def our_features(idx: ScreeningIndex, q: str, c: str) -> dict[str, float]:
    pair = Pair(idx._side(normalize_name(q)), idx._side(normalize_name(c)))
    _, values = evaluate(pair)
    return {k: v for k, (v, _) in values.items()}


def our_score(idx: ScreeningIndex, q: str, c: str) -> float:
    return evaluate(Pair(idx._side(normalize_name(q)), idx._side(normalize_name(c))))[0]


def nk_setup() -> tuple[Any, Any, Any]:
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    return model, LogicV2, ScoringConfig.defaults()


def nk_entity(model: Any, ident: str, name: str, schema: str = "LegalEntity") -> Any:
    e = model.make_entity(schema)
    e.id = ident
    e.add("name", name)
    return e


def fit(cases: pd.DataFrame, idx: ScreeningIndex) -> dict[str, float]:
    """Logistic regression (L2 1e-4) of label on the name features, train split only."""
    from scipy.optimize import minimize

    names = ["token_set", "jaro_winkler", "acronym", "number_mismatch", "place_mismatch"]
    train = cases[cases["split"] == "train"]
    x = np.array([[f[n] for n in names] for f in train["features"]])
    y = train["label"].to_numpy(dtype=float)
    xb = np.hstack([np.ones((len(x), 1)), x])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xb @ w
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        ll = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 1e-4 * np.sum(w[1:] ** 2)
        grad = xb.T @ (p - y) / len(y)
        grad[1:] += 2e-4 * w[1:]
        return float(ll), grad

    res = minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B")
    return {"bias": float(res.x[0]), **{n: float(v) for n, v in zip(names, res.x[1:], strict=True)}}


def speed_names(idx: ScreeningIndex, queries: list[str], n: int, seed: int = 7) -> list[str]:
    """Names for the throughput runs: the case queries once each, then SYNTHETIC supplier-like names
    made of real words from the listed names (place word + 1-3 words + legal form), so the caches
    never see a name twice and most names share words with list entries without matching one."""
    rng = random.Random(seed)
    words = sorted({t for nn in idx.norms for t in nn.core if len(t) > 3 and t.isalpha()})
    places = sorted({t for nn in idx.norms for t in nn.places})
    forms = ["Co., Ltd.", "LLC", "Limited", "Trading Co.", "Industrial Co., Ltd.", "GmbH", "S.A.", "Inc."]
    out = list(dict.fromkeys(queries))[:n]
    seen = set(out)
    while len(out) < n:
        name = " ".join(
            [
                rng.choice(places).title(),
                *(rng.choice(words).title() for _ in range(rng.randint(1, 3))),
                rng.choice(forms),
            ]
        )
        if name not in seen:
            seen.add(name)
            out.append(name)
    rng.shuffle(out)
    return out


def _worker(names: list[str]) -> int:
    assert _INDEX is not None
    return sum(1 for h in _INDEX.screen_many(names) if h)


def main() -> None:
    global _INDEX
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    ap.add_argument("--fit", action="store_true", help="refit name-feature weights on the train split")
    ap.add_argument("--names", type=int, default=None, help="names to screen for throughput")
    args = ap.parse_args()
    n_speed = args.names or (2_000 if args.quick else 60_000)
    n_nk_speed = 300 if args.quick else 3_000

    t0 = time.perf_counter()
    idx = load_index()
    build_s = time.perf_counter() - t0
    # peak Python memory of building the index and screening 500 names (tracemalloc slows Python
    # down several times, so it is not running while anything is timed)
    normalize_name.cache_clear()
    tracemalloc.start()
    traced = ScreeningIndex(bundled_entities())
    traced.screen_many([str(n) for n in traced.names[:500]])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    print("baseline: nomenklatura LogicV2 (FollowTheMoney/OpenSanctions matcher), same cases, same run")
    print(
        f"index: {len(idx):,} entries, {len(idx.names):,} names, {len(idx.vocab):,} blocking features, "
        f"built in {build_s:.2f}s"
    )

    cases = pd.read_csv(CASES, dtype={"query": str, "candidate": str}, keep_default_na=False)
    if args.quick:
        cases = cases.groupby("kind", group_keys=False).head(25)
    print(
        f"cases: {len(cases):,} pairs ({int(cases['label'].sum()):,} positive), kinds: "
        f"{', '.join(sorted(cases['kind'].unique()))}"
    )

    # -------- quality: ours (cache cleared so list names are normalised again, as nomenklatura does)
    normalize_name.cache_clear()
    t = time.perf_counter()
    cases["ours"] = [our_score(idx, q, c) for q, c in zip(cases["query"], cases["candidate"], strict=True)]
    ours_pair_s = time.perf_counter() - t  # normalising both names, every feature, the score
    cases["features"] = [our_features(idx, q, c) for q, c in zip(cases["query"], cases["candidate"], strict=True)]
    if args.fit:
        fitted = fit(cases, idx)
        print("fitted (train split):", {k: round(v, 2) for k, v in fitted.items()})
        bias = fitted.pop("bias")
        weights = {f.name: f.weight for f in FEATURES} | fitted
        cases["ours"] = [
            1 / (1 + math.exp(-(bias + sum(weights[k] * v for k, v in f.items())))) for f in cases["features"]
        ]
    # -------- quality: nomenklatura LogicV2
    model, logic, cfg = nk_setup()
    logic.compare(nk_entity(model, "w1", "Warm Up Trading Co", "Company"), nk_entity(model, "w2", "Warm Up Co"), cfg)
    t = time.perf_counter()
    nk_scores = []
    for k, (q, c) in enumerate(zip(cases["query"], cases["candidate"], strict=True)):
        qe = nk_entity(model, f"q{k}", q, "Company")
        ce = nk_entity(model, f"c{k}", c)
        nk_scores.append(logic.compare(qe, ce, cfg).score)
    nk_pair_s = time.perf_counter() - t
    cases["nk"] = nk_scores

    test = cases[cases["split"] == "test"]
    train = cases[cases["split"] == "train"]
    y = test["label"].to_numpy()
    print(f"\nquality on the test split ({len(test):,} pairs, {int(y.sum()):,} positive):")
    print(f"{'matcher':<44} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
    rows = [("supplyscope (default)", "ours", DEFAULT_THRESHOLD)]
    rows.append(("nomenklatura LogicV2 (default)", "nk", NK_THRESHOLD))
    grid = np.linspace(0.3, 0.95, 27)
    y_train = train["label"].to_numpy()
    best_t = max(grid, key=lambda th: prf(y_train, (train["nk"] >= th).to_numpy().astype(int))[2])
    rows.append(("nomenklatura LogicV2 (F1-best on train)", "nk", float(best_t)))
    ours_best = max(grid, key=lambda th: prf(y_train, (train["ours"] >= th).to_numpy().astype(int))[2])
    rows.append(("supplyscope (F1-best on train)", "ours", float(ours_best)))
    results = {}
    for label, col, th in rows:
        p, r, f = prf(y, (test[col] >= th).to_numpy().astype(int))
        results[label] = f
        print(f"{label:<44} {th:>9.2f} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    f_ours, f_nk = results["supplyscope (default)"], results["nomenklatura LogicV2 (default)"]
    print(f"F1 ratio ours/nomenklatura at defaults: {f_ours / f_nk if f_nk else float('inf'):.3f}")

    print("\nper kind (test split): share of pairs called a match at the default thresholds")
    print(f"{'kind':<16} {'label':>5} {'n':>5} {'ours':>6} {'nk':>6}")
    for (kind, lab), g in test.groupby(["kind", "label"]):
        print(
            f"{kind:<16} {lab:>5} {len(g):>5} {(g['ours'] >= DEFAULT_THRESHOLD).mean():>6.2f} "
            f"{(g['nk'] >= NK_THRESHOLD).mean():>6.2f}"
        )

    print("\ncalibration of our score on the test split (bin: mean score -> observed share of true matches)")
    bins = np.linspace(0, 1, 6)
    for lo, hi in itertools.pairwise(bins):
        g = test[(test["ours"] >= lo) & (test["ours"] < hi if hi < 1 else test["ours"] <= hi)]
        if len(g):
            print(
                f"  [{lo:.1f}, {hi:.1f}): n={len(g):>4}  mean score {g['ours'].mean():.2f}  "
                f"observed {g['label'].mean():.2f}"
            )
    brier = float(np.mean((test["ours"] - test["label"]) ** 2))
    print(f"  Brier score {brier:.3f}")

    # end to end: screen each test query against ALL lists (blocking + scoring), as a user would
    res = idx.screen_many(test["query"].tolist())
    found = np.array(
        [cid in {h.entity_id for h in hits} for cid, hits in zip(test["candidate_entity_id"], res, strict=True)]
    )
    pos = test["label"].to_numpy() == 1
    print(
        f"\nend to end on the test split, screening each query against all {len(idx):,} entries: "
        f"true entity among the hits for {found[pos].mean():.3f} of positives; the wrong (negative) "
        f"entity among the hits for {found[~pos].mean():.3f} of negatives"
    )
    cands = idx.candidates([normalize_name(x) for x in test["query"][pos]])
    ent = {e: i for i, e in enumerate(idx.entity_id)}
    blocked = np.mean(
        [
            ent[c] in {int(idx.owner[r]) for r in rows}
            for c, rows in zip(test["candidate_entity_id"][pos], cands, strict=True)
        ]
    )
    print(f"blocking recall (true entity among the candidates scored): {blocked:.4f}")

    print(
        f"\npair scoring: ours {len(cases) / ours_pair_s:,.0f} pairs/s, nomenklatura {len(cases) / nk_pair_s:,.0f} "
        f"pairs/s (ratio {nk_pair_s / ours_pair_s:.1f}x)"
    )

    # -------- throughput: names screened per second against all lists
    names = speed_names(idx, cases["query"].tolist(), n_speed)
    normalize_name.cache_clear()
    _features.cache_clear()
    t, c = time.perf_counter(), time.process_time()
    hits = idx.screen_many(names)
    ours_s, ours_cpu = time.perf_counter() - t, time.process_time() - c
    ours_rate = n_speed / ours_s
    print(
        f"\nthroughput, 1 process: ours {ours_rate:,.0f} names/s wall, {n_speed / ours_cpu:,.0f} names/s of CPU "
        f"time ({n_speed:,} names: case queries + SYNTHETIC names from list words; "
        f"{sum(1 for h in hits if h):,} with hits)"
    )

    # baseline: same candidates, nomenklatura LogicV2 scoring
    cand_entities = [nk_entity(model, f"n{r}", n) for r, n in enumerate(idx.names)]
    sample = names[:n_nk_speed]
    normalize_name.cache_clear()
    _features.cache_clear()
    t, c = time.perf_counter(), time.process_time()
    nk_hits = 0
    cands = idx.candidates([normalize_name(x) for x in sample])
    for k, (q, rows_) in enumerate(zip(sample, cands, strict=True)):
        qe = nk_entity(model, f"s{k}", q, "Company")
        best = max((logic.compare(qe, cand_entities[r], cfg).score for r in rows_), default=0.0)
        nk_hits += best >= NK_THRESHOLD
    nk_s, nk_cpu = time.perf_counter() - t, time.process_time() - c
    nk_rate = len(sample) / nk_s
    ours_first = sum(1 for h in hits[: len(sample)] if h)
    print(
        f"throughput, 1 process: nomenklatura LogicV2 on the same candidates {nk_rate:,.0f} names/s wall, "
        f"{len(sample) / nk_cpu:,.0f} names/s of CPU time (first {len(sample):,} of the same names; "
        f"{nk_hits:,} with hits, ours {ours_first:,})"
    )
    print(
        f"throughput ratio ours/nomenklatura: {ours_rate / nk_rate:.1f}x wall, "
        f"{(n_speed / ours_cpu) / (len(sample) / nk_cpu):.1f}x CPU time"
    )

    # two processes (fork shares the built index)
    _INDEX = idx
    if sys.platform.startswith("linux"):
        ctx = mp.get_context("fork")
        half = n_speed // 2
        normalize_name.cache_clear()
        t = time.perf_counter()
        with ctx.Pool(2) as p:
            p.map(_worker, [names[:half], names[half:]])
        two_s = time.perf_counter() - t
        two_rate = n_speed / two_s
        print(
            f"throughput, 2 processes: {two_rate:,.0f} names/s wall (the machine is shared: compare with the "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
    else:
        two_rate = ours_rate
    est = 1_000_000 / two_rate
    est_cpu = 1_000_000 / (2 * n_speed / ours_cpu)
    how = "MEASURED" if n_speed >= 1_000_000 else f"EXTRAPOLATED from {n_speed:,} measured"
    print(
        f"1M names, {how}: ~{est / 60:.1f} min wall on 2 processes as measured; "
        f"~{est_cpu / 60:.1f} min if 2 cores were free (from CPU time) + {build_s:.0f} s index build "
        f"(goal < 5 min)"
    )

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\npeak memory: {peak / 1e6:,.0f} MB traced Python allocations (index build + 500 names), "
        f"max RSS {rss:,.0f} MB"
    )


if __name__ == "__main__":
    main()
