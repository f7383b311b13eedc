"""Benchmark: tracing a large supply graph vs a plain networkx implementation.

The graphs are SYNTHETIC (randomly generated layered supply networks, labelled as such in the
output); no figure here describes a real supply chain. Each variant runs in its own subprocess so its
peak memory (max RSS) is measured separately.

    .venv/bin/python bench/trace_bench.py            # 1,000,000 edges; ratio measured at 10,000 edges
    .venv/bin/python bench/trace_bench.py --quick    # smoke run: 20,000 edges; ratio at 2,000 edges

Baseline: networkx 3 — DiGraph, per-tier propagation with dict loops, ``articulation_points`` and
``bridges`` on the undirected view, ``betweenness_centrality_subset`` (sources -> final product) and
``minimum_node_cut`` from a super-source. Ours: supplyscope.network (numpy/scipy, rustworkx for
articulation points and bridges), including validation of the input tables.
"""

from __future__ import annotations

import argparse
import json
import resource
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


def worker(variant: str, n_edges: int, seed: int) -> None:
    t0 = time.perf_counter()
    nodes, products, edges = synthetic_graph(n_edges, seed)
    gen = time.perf_counter() - t0
    fn = run_ours if variant == "ours" else run_networkx
    # import (and load the country list) before the clock starts
    import networkx  # noqa: F401

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


def main() -> None:
    parser = argparse.ArgumentParser(description="supply-graph trace benchmark (synthetic graphs)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--edges", type=int, default=None, help="edges for the scale run")
    parser.add_argument("--ratio-edges", type=int, default=None, help="edges for the ours-vs-networkx run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", choices=["ours", "networkx"], default=None)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.edges, args.seed)
        return
    scale = args.edges or (20_000 if args.quick else 1_000_000)
    small = args.ratio_edges or (2_000 if args.quick else 10_000)
    print("SYNTHETIC graphs (random layered supply networks, 6 tiers, 5 suppliers per buyer); not real data.")
    base = spawn("networkx", small, args.seed)
    ours_small = spawn("ours", small, args.seed)
    agree = _same_tiers(base["result"]["tiers"], ours_small["result"]["tiers"]) and all(
        base["result"][k] == ours_small["result"][k] for k in ("min_cut", "articulation_points", "bridges")
    )
    print(f"{small:>9,} edges  networkx baseline {base['seconds']:8.2f} s  peak RSS {base['peak_rss_mb']:7.0f} MB")
    print(
        f"{small:>9,} edges  supplyscope       {ours_small['seconds']:8.2f} s  peak RSS "
        f"{ours_small['peak_rss_mb']:7.0f} MB"
    )
    print(
        f"speed-up vs networkx at {small:,} edges: {base['seconds'] / ours_small['seconds']:.1f}x; "
        f"same tier shares, min-cut size, articulation points and bridges: {agree}"
    )
    big = spawn("ours", scale, args.seed)
    print(
        f"{big['edges']:>9,} edges  supplyscope       {big['seconds']:8.2f} s  peak RSS {big['peak_rss_mb']:7.0f} MB "
        f"({big['nodes']:,} nodes; graph generation {big['generate_seconds']:.1f} s not counted)"
    )
    goal = big["seconds"] < 60 and big["peak_rss_mb"] < 4096
    print(f"goal (1M edges < 60 s and < 4 GB on 2 cores): {'met' if goal else 'NOT met'} at {big['edges']:,} edges")


if __name__ == "__main__":
    main()
