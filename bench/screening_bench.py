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

Baselines, same queries, same run:
* nomenklatura ``LogicV2`` (the OpenSanctions matcher), scoring the candidates our blocker returns
  for each query (nomenklatura's own blocker needs a statement store), at its default 0.7 and at
  the threshold that is F1-best on train;
* rapidfuzz: normalised names (case, punctuation, a list of legal forms removed) against every
  listed name with ``process.cdist``; scorer (WRatio, token_set_ratio, token_sort_ratio) and
  threshold chosen F1-best on train.
Speed is wall-clock names per second on the test queries, single process.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.screening import DEFAULT_THRESHOLD, ScreeningIndex, load_index
from supplyscope.screening.features import FEATURES, FITTED, Pair, evaluate
from supplyscope.screening.normalize import alternatives, normalize_name

EVAL = Path(__file__).resolve().parent / "screening_eval.csv"
NK_THRESHOLD = 0.7


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
                rec = {k: v for k, (v, _) in values.items()}
                rec.update(
                    query_id=qid, split=split, label=int(idx.entity_id[e] == target), score=score, exact=rec["exact"]
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


_LEGAL = re.compile(
    r"\b(co|ltd|limited|company|corp|corporation|inc|incorporated|llc|plc|sa|de|cv|gmbh|ag|se|nv|bv|spa|jsc|ooo|group)\b"
)


def rf_norm(s: str) -> str:
    from anyascii import anyascii

    t = re.sub(r"[^a-z0-9 ]+", " ", anyascii(s).lower())
    return " ".join(_LEGAL.sub(" ", t).split())


def rapidfuzz_baseline(idx: ScreeningIndex, df: pd.DataFrame) -> tuple[dict[str, Any], float]:
    from rapidfuzz import fuzz, process

    choices = [rf_norm(n) for n in idx.names]
    owners = idx.owner
    scorers = {
        "WRatio": fuzz.WRatio,
        "token_set_ratio": fuzz.token_set_ratio,
        "token_sort_ratio": fuzz.token_sort_ratio,
    }
    per: dict[str, list[list[tuple[str, float]]]] = {}
    times: dict[str, float] = {}
    for name, scorer in scorers.items():
        t = time.perf_counter()
        queries = [rf_norm(q) for q in df["query"]]
        m = process.cdist(queries, choices, scorer=scorer, score_cutoff=60, workers=1, dtype=np.uint8)
        hits = []
        for row in m:
            nz = np.nonzero(row)[0]
            best: dict[str, float] = {}
            for j in nz:
                e = idx.entity_id[int(owners[j])]
                best[e] = max(best.get(e, 0.0), row[j] / 100.0)
            hits.append(list(best.items()))
        times[name] = time.perf_counter() - t
        per[name] = hits
    return per, times  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--quick", action="store_true", help="ours only (no baselines)")
    args = ap.parse_args()
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

    # ---- ours
    normalize_name.cache_clear()
    t = time.perf_counter()
    hits_test = query_hits(idx, test, 0.3)
    ours_s = time.perf_counter() - t
    hits_train = query_hits(idx, train, 0.3)
    print("\nquality on the test split (query level)")
    print(f"{'matcher':<46} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'names/s':>9}")
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
        for label, th, (p, r, f), rate in rows:
            print(f"{label:<46} {th:>9.2f} {p:>9.3f} {r:>7.3f} {f:>6.3f} {rate:>9,.0f}")
        report_rest(test, hits_test, pairs)
        return
    # ---- nomenklatura on our candidates
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    cfg = ScoringConfig.defaults()
    schema = {"person": "Person", "vessel": "Vessel", "aircraft": "Airplane", "organisation": "Organization"}

    def nk_hits(frame: pd.DataFrame) -> tuple[list[list[tuple[str, float]]], float]:
        out, spent = [], 0.0
        for k, (q, etype) in enumerate(zip(frame["query"], frame["entity_type"], strict=True)):
            rows_ = idx.candidates([normalize_name(q)])[0]
            t1 = time.perf_counter()
            qe = model.make_entity(schema.get(etype, "LegalEntity"))
            qe.id = f"q{k}"
            qe.add("name", q)
            found: dict[str, float] = {}
            for r in dict.fromkeys(rows_):
                e = int(idx.owner[r])
                ce = model.make_entity(schema.get(idx.entity_type[e], "LegalEntity"))
                ce.id = f"c{r}"
                ce.add("name", idx.names[r])
                s = float(LogicV2.compare(qe, ce, cfg).score)
                found[idx.entity_id[e]] = max(found.get(idx.entity_id[e], 0.0), s)
            spent += time.perf_counter() - t1
            out.append(list(found.items()))
        return out, spent

    nk_test, nk_s = nk_hits(test)
    nk_train, _ = nk_hits(train)
    nk_best = max(grid, key=lambda th: prf_queries(train, nk_train, th)[2])
    nk_rate = len(test) / nk_s
    rows.append(("nomenklatura LogicV2 (default 0.7)", NK_THRESHOLD, prf_queries(test, nk_test, NK_THRESHOLD), nk_rate))
    rows.append(("nomenklatura LogicV2 (F1-best on train)", nk_best, prf_queries(test, nk_test, nk_best), nk_rate))

    # ---- rapidfuzz
    rf_test, rf_times = rapidfuzz_baseline(idx, test)
    rf_train, _ = rapidfuzz_baseline(idx, train)
    grid_rf = [round(x, 2) for x in np.arange(0.6, 1.001, 0.02)]
    choice = max(
        ((s, th) for s in rf_train for th in grid_rf), key=lambda st: prf_queries(train, rf_train[st[0]], st[1])[2]
    )
    rows.append(
        (
            f"rapidfuzz {choice[0]} (tuned on train)",
            choice[1],
            prf_queries(test, rf_test[choice[0]], choice[1]),
            len(test) / rf_times[choice[0]],
        )
    )
    for label, th, (p, r, f), rate in rows:
        print(f"{label:<46} {th:>9.2f} {p:>9.3f} {r:>7.3f} {f:>6.3f} {rate:>9,.0f}")
    print(
        f"throughput ours / nomenklatura: {rows[0][3] / nk_rate:.1f}x (nomenklatura timed on scoring only, "
        "without blocking; ours includes normalising, blocking and scoring)"
    )
    report_rest(test, hits_test, pairs)


def report_rest(test: pd.DataFrame, hits_test: list[list[tuple[str, float]]], pairs: pd.DataFrame) -> None:
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
    fg = test[test["kind"] == "fortune_global_500"]
    flagged = [
        (q, hits_test[i])
        for i, q in zip(fg.index, fg["query"], strict=True)
        if any(s >= DEFAULT_THRESHOLD for _, s in hits_test[i])
    ]
    print(f"\nFortune Global 500 names flagged at {DEFAULT_THRESHOLD}: {len(flagged)} of {len(fg)}")
    for q, h in flagged[:10]:
        print(f"  {q!r} -> {h[:2]}")

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
