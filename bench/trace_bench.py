"""Benchmark: tracing a large supply graph vs networkx and rustworkx baselines, and the physical floor.

The graphs are SYNTHETIC (randomly generated layered supply networks, labelled as such in the
output); no figure here describes a real supply chain. Each run is its own subprocess so its peak
memory (max RSS) is measured separately; the contenders are interleaved over the repeats and the
min and median wall times are printed.

    .venv/bin/python bench/trace_bench.py            # 1,000,000 edges; ratios measured at 10,000 edges
    .venv/bin/python bench/trace_bench.py --quick    # smoke run: 20,000 edges; ratios at 2,000 edges

Contenders (the design of each is documented on its function):

- networkx 3 (``run_networkx``): DiGraph, per-tier propagation with dict loops, ``articulation_points``
  and ``bridges`` on the undirected view, ``betweenness_centrality_subset`` (sources -> final product)
  and ``minimum_node_cut`` from a super-source;
- rustworkx (``run_rustworkx``): the graph built from integer edge arrays in one call, the tier
  propagation as one sparse matrix-vector product per tier, ``rx.ancestors``, ``rx.articulation_points``
  and ``rx.bridges``, and the minimum node cut by scipy's maximum flow on the split graph (rustworkx has
  no s-t flow). rustworkx has no subset betweenness, so this arm skips it: it does less work than ours;
- ours (``run_ours``): supplyscope.network (numpy/scipy, rustworkx for articulation points and bridges),
  including validation of the input tables;
- floor (``run_floor``): the least any implementation does, factorising the node ids of every edge and
  building one sparse adjacency matrix.

Results (tier shares, min-cut size, articulation points and bridges) are checked equal across arms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

COUNTRIES = ["CHN", "USA", "KOR", "JPN", "DEU", "AUS", "CHL", "COD", "IDN", "CAN", "MEX", "BRA", "IND", "VNM"]
TIERS = 6


def synthetic_graph(n_edges: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC layered supply network with about ``n_edges`` edges (root 'N0' at tier 0).

    Layer widths grow upstream; every node of a layer buys from ``k`` distinct random nodes of the
    next layer, with random shares summing to at most 0.95. The last layer are raw-material sources.
    """
    rng = np.random.default_rng(seed)
    k = 5
    # buyers are tiers 0..TIERS-1: edges = k * (1 + w_1 + ... + w_{TIERS-1}), with w_1 = 50
    base = max(k, int((n_edges / k - 51) / (TIERS - 2)))
    widths = [1, 50] + [base] * (TIERS - 1)
    offsets = np.cumsum([0, *widths])
    n = int(offsets[-1])
    srcs, dsts, shares, hs = [], [], [], []
    for t in range(TIERS):
        buyers = np.arange(offsets[t], offsets[t + 1])
        lo, width = offsets[t + 1], widths[t + 1]
        picks = np.stack([rng.choice(width, size=k, replace=False) for _ in range(min(len(buyers), 1))])
        if len(buyers) > 1:  # fast path for wide layers: random distinct offsets per buyer
            start = rng.integers(0, width, size=len(buyers))
            step = rng.integers(1, max(2, width // k), size=len(buyers))
            picks = (start[:, None] + step[:, None] * np.arange(k)[None, :]) % width
        w = rng.random((len(buyers), k))
        w = w / w.sum(axis=1, keepdims=True) * 0.95
        srcs.append((lo + picks).ravel())
        dsts.append(np.repeat(buyers, k))
        shares.append(w.ravel())
        hs.append(np.full(len(buyers) * k, f"{280000 + t:06d}"))
    src, dst = np.concatenate(srcs), np.concatenate(dsts)
    ids = np.array([f"N{i}" for i in range(n)], dtype=object)
    kind = np.where(np.arange(n) >= offsets[TIERS], "source", "facility")
    nodes = pd.DataFrame(
        {
            "id": ids,
            "name": ids,
            "kind": kind,
            "country": np.array(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), size=n)],
        }
    )
    edges = pd.DataFrame(
        {"supplier": ids[src], "buyer": ids[dst], "hs": np.concatenate(hs), "share": np.concatenate(shares)}
    )
    products = pd.DataFrame({"hs": sorted(set(edges["hs"])), "description": "synthetic product"})
    return nodes, products, edges


def run_ours(nodes: pd.DataFrame, products: pd.DataFrame, edges: pd.DataFrame) -> dict[str, Any]:
    from supplyscope.network import build_graph, trace

    g = build_graph(nodes, products, edges, final="N0")
    r = trace(g)
    return {
        "tiers": [{c.country: c.share for c in t.countries} for t in r.rollup.tiers],
        "min_cut": len(r.structure.min_cut),
        "articulation_points": len(r.structure.articulation_points),
        "bridges": len(r.structure.bridges),
    }


def run_networkx(nodes: pd.DataFrame, products: pd.DataFrame, edges: pd.DataFrame) -> dict[str, Any]:
    import networkx as nx

    g = nx.DiGraph()
    country = dict(zip(nodes["id"], nodes["country"], strict=True))
    g.add_nodes_from(nodes["id"])
    for s, d, sh, h in zip(edges["supplier"], edges["buyer"], edges["share"], edges["hs"], strict=True):
        g.add_edge(s, d, share=float(sh), hs=h)
    if not nx.is_directed_acyclic_graph(g):
        raise ValueError("cycle")
    tiers = []
    mass = {"N0": 1.0}
    while mass:
        nxt: dict[str, float] = defaultdict(float)
        for v, m in mass.items():
            for u in g.predecessors(v):
                nxt[u] += m * g.edges[u, v]["share"]
        if not nxt:
            break
        mix: dict[str, float] = defaultdict(float)
        for u, m in nxt.items():
            mix[country[u]] += m
        tiers.append(dict(mix))
        mass = nxt
    upstream = nx.ancestors(g, "N0") | {"N0"}
    sub = g.subgraph(upstream)
    und = sub.to_undirected()
    aps = set(nx.articulation_points(und)) - {"N0"}
    bridges = list(nx.bridges(und))
    sources = [v for v in sub if sub.in_degree(v) == 0]
    nx.betweenness_centrality_subset(sub, sources, ["N0"], normalized=False)
    h = nx.DiGraph(sub)
    h.add_edges_from(("SUPER", s) for s in sources)
    cut = nx.minimum_node_cut(h, "SUPER", "N0")
    return {"tiers": tiers, "min_cut": len(cut), "articulation_points": len(aps), "bridges": len(bridges)}


def run_rustworkx(nodes: pd.DataFrame, products: pd.DataFrame, edges: pd.DataFrame) -> dict[str, Any]:
    """Baseline 2: rustworkx used as a competent engineer would, with no Python loop over edges or nodes.

    Node ids are factorised once; the PyDiGraph is built from the integer edge list in one call; tiers are
    one sparse matrix-vector product per tier (scipy); articulation points and bridges come from rustworkx on
    the undirected upstream subgraph; the minimum node cut is scipy's maximum flow on the node-split graph
    (rustworkx has no s-t flow). It skips the subset betweenness (rustworkx has none), so it does less work.
    """
    import rustworkx as rx
    from scipy import sparse
    from scipy.sparse import csgraph

    ids = nodes["id"].to_numpy(dtype=object)
    n = len(ids)
    pos = pd.Index(ids)
    src = pos.get_indexer(edges["supplier"])
    dst = pos.get_indexer(edges["buyer"])
    share = edges["share"].to_numpy(dtype=float)
    g = rx.PyDiGraph(multigraph=True)
    g.add_nodes_from(range(n))
    g.add_edges_from_no_data(list(zip(src.tolist(), dst.tolist(), strict=True)))
    if not rx.is_directed_acyclic_graph(g):
        raise ValueError("cycle")
    root = int(pos.get_loc("N0"))
    country = nodes["country"].to_numpy(dtype=object)
    up_t = sparse.csr_matrix((share, (src, dst)), shape=(n, n))  # mass flows from buyer (col) to supplier (row)
    mass = np.zeros(n)
    mass[root] = 1.0
    tiers = []
    while True:
        mass = up_t @ mass
        if not mass.any():
            break
        hit = np.flatnonzero(mass)
        mix = pd.Series(mass[hit]).groupby(country[hit]).sum()
        tiers.append({str(c): float(v) for c, v in mix.items()})
    upstream = np.zeros(n, dtype=bool)
    upstream[list(rx.ancestors(g, root))] = True
    upstream[root] = True
    keep = upstream[src] & upstream[dst]
    s_up, d_up = src[keep], dst[keep]
    und = rx.PyGraph(multigraph=False)
    und.add_nodes_from(range(n))
    und.extend_from_edge_list(list(zip(s_up.tolist(), d_up.tolist(), strict=True)))
    aps = set(rx.articulation_points(und)) - {root}
    pairs = np.unique(np.stack([np.minimum(s_up, d_up), np.maximum(s_up, d_up)], axis=1), axis=0, return_counts=True)
    multi = {(int(a), int(b)) for (a, b), c in zip(pairs[0], pairs[1], strict=True) if c > 1}
    bridges = {(min(e), max(e)) for e in rx.bridges(und)} - multi
    indeg = np.bincount(d_up, minlength=n)
    sources = np.flatnonzero(upstream & (indeg == 0))
    big, size = n + 1, 2 * n + 1
    node_cap = np.ones(n, dtype=np.int32)
    node_cap[root] = big
    rows = np.concatenate([2 * np.arange(n), 2 * s_up + 1, np.full(len(sources), 2 * n)])
    cols = np.concatenate([2 * np.arange(n) + 1, 2 * d_up, 2 * sources])
    caps = np.concatenate([node_cap, np.full(len(s_up), big), np.full(len(sources), big)]).astype(np.int32)
    cap = sparse.coo_matrix((caps, (rows, cols)), shape=(size, size)).tocsr()
    cap.sum_duplicates()
    cut = csgraph.maximum_flow(cap, 2 * n, 2 * root).flow_value
    return {"tiers": tiers, "min_cut": int(cut), "articulation_points": len(aps), "bridges": len(bridges)}


def run_floor(nodes: pd.DataFrame, products: pd.DataFrame, edges: pd.DataFrame) -> dict[str, Any]:
    """The physical floor: factorise the node ids of every edge and build one sparse adjacency matrix."""
    from scipy import sparse

    pos = pd.Index(nodes["id"].to_numpy(dtype=object))
    src = pos.get_indexer(edges["supplier"])
    dst = pos.get_indexer(edges["buyer"])
    m = sparse.csr_matrix((edges["share"].to_numpy(dtype=float), (src, dst)), shape=(len(pos), len(pos)))
    return {"nnz": int(m.nnz)}


RUNNERS = {"ours": run_ours, "networkx": run_networkx, "rustworkx": run_rustworkx, "floor": run_floor}


def worker(variant: str, n_edges: int, seed: int) -> None:
    t0 = time.perf_counter()
    nodes, products, edges = synthetic_graph(n_edges, seed)
    gen = time.perf_counter() - t0
    fn = RUNNERS[variant]
    # import (and load the country list) before the clock starts
    import networkx  # noqa: F401
    import rustworkx  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401

    from supplyscope.network.build import iso3_codes
    from supplyscope.network.trace import trace  # noqa: F401

    iso3_codes()
    t1 = time.perf_counter()
    out = fn(nodes, products, edges)
    secs = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "variant": variant,
                "edges": len(edges),
                "nodes": len(nodes),
                "seconds": secs,
                "generate_seconds": gen,
                "peak_rss_mb": peak_mb,
                "result": out,
            }
        )
    )


def spawn(variant: str, n_edges: int, seed: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", variant, "--edges", str(n_edges), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _same_tiers(a: list[dict[str, float]], b: list[dict[str, float]]) -> bool:
    if len(a) != len(b):
        return False
    return all(set(x) == set(y) and all(abs(x[c] - y[c]) < 1e-9 for c in x) for x, y in zip(a, b, strict=True))


def _agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("min_cut", "articulation_points", "bridges")
    return _same_tiers(a["tiers"], b["tiers"]) and all(a[k] == b[k] for k in keys)


def main() -> None:
    parser = argparse.ArgumentParser(description="supply-graph trace benchmark (synthetic graphs)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--edges", type=int, default=None, help="edges for the scale run")
    parser.add_argument("--ratio-edges", type=int, default=None, help="edges for the run against the baselines")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats of every contender (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", choices=sorted(RUNNERS), default=None)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.edges, args.seed)
        return
    scale = args.edges or (20_000 if args.quick else 1_000_000)
    small = args.ratio_edges or (2_000 if args.quick else 10_000)
    print("SYNTHETIC graphs (random layered supply networks, 6 tiers, 5 suppliers per buyer); not real data.")
    names = ["floor", "ours", "rustworkx", "networkx"]
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in names}
    for _ in range(args.repeats):  # interleaved, so that load on the shared cores hits every contender alike
        for k in names:
            runs[k].append(spawn(k, small, args.seed))
    ours = runs["ours"][0]["result"]
    for k in ("networkx", "rustworkx"):
        if not all(_agree(r["result"], ours) for r in runs[k]):
            raise SystemExit(f"{k} and supplyscope disagree on tier shares, min cut, articulation points or bridges")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.repeats} interleaved repeats")
    print("networkx, rustworkx and supplyscope agree on tier shares, min-cut size, articulation points, bridges")
    print(f"{'at ' + format(small, ',') + ' edges':<34}{'min s':>9}{'median s':>10}{'peak MB':>9}")
    best = {k: min(r["seconds"] for r in runs[k]) for k in names}
    for k, label in (
        ("ours", "supplyscope"),
        ("rustworkx", "rustworkx + scipy (no betweenness)"),
        ("networkx", "networkx"),
        ("floor", "floor: factorise + sparse matrix"),
    ):
        med = statistics.median(r["seconds"] for r in runs[k])
        peak = max(r["peak_rss_mb"] for r in runs[k])
        print(f"{label:<34}{best[k]:>9.3f}{med:>10.3f}{peak:>9.0f}")
    print(
        f"speed-up vs networkx: {best['networkx'] / best['ours']:.1f}x; vs rustworkx: "
        f"{best['rustworkx'] / best['ours']:.2f}x; ratio to the floor: {best['ours'] / best['floor']:.1f}x"
    )
    big = spawn("ours", scale, args.seed)
    print(
        f"{big['edges']:>9,} edges  supplyscope       {big['seconds']:8.2f} s  peak RSS {big['peak_rss_mb']:7.0f} MB "
        f"({big['nodes']:,} nodes; graph generation {big['generate_seconds']:.1f} s not counted)"
    )
    big_rx = spawn("rustworkx", scale, args.seed)
    same = _agree(big_rx["result"], big["result"])
    print(
        f"{big_rx['edges']:>9,} edges  rustworkx+scipy   {big_rx['seconds']:8.2f} s  peak RSS "
        f"{big_rx['peak_rss_mb']:7.0f} MB (no betweenness, no validation; same results: {same})"
    )
    goal = big["seconds"] < 60 and big["peak_rss_mb"] < 4096
    print(f"goal (1M edges < 60 s and < 4 GB on 2 cores): {'met' if goal else 'NOT met'} at {big['edges']:,} edges")


if __name__ == "__main__":
    main()
