"""Graph algorithms on integer edge arrays (``src[i] -> dst[i]``), vectorised with numpy/scipy.

Supply edges point from supplier to buyer, so the final product's node (the *root*) is downstream
of everything. Functions take ``n`` (number of nodes) and the edge arrays; none reads files.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse import csgraph

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def csr_order(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Edge order sorted by ``keys`` and the CSR pointer array (length ``n + 1``)."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=indptr[1:])
    return order, indptr


def gather(order: IntArray, indptr: IntArray, rows: IntArray) -> IntArray:
    """Edge indices of all ``rows`` in a CSR layout, concatenated, without a Python loop."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return order[offsets + np.arange(total, dtype=np.int64)]


def topological_levels(src: IntArray, dst: IntArray, n: int) -> IntArray:
    """Kahn's algorithm level by level: each node's level (-1 when on or behind a cycle)."""
    indeg = np.bincount(dst, minlength=n).astype(np.int64)
    order, indptr = csr_order(src, n)
    level = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    k = 0
    while len(frontier):
        level[frontier] = k
        out = gather(order, indptr, frontier)
        targets = dst[out]
        if len(targets) == 0:
            break
        hit, counts = np.unique(targets, return_counts=True)
        indeg[hit] -= counts
        frontier = hit[indeg[hit] == 0]
        k += 1
    return level


def find_cycle_nodes(src: IntArray, dst: IntArray, n: int) -> list[int]:
    """Nodes of one directed cycle in order, or an empty list for a DAG."""
    level = topological_levels(src, dst, n)
    stuck = level < 0
    if not stuck.any():
        return []
    keep = stuck[src] & stuck[dst]
    s, d = src[keep], dst[keep]
    # every stuck node has a stuck predecessor; walk backwards until a node repeats
    prev: dict[int, int] = {}
    for a, b in zip(s.tolist(), d.tolist(), strict=True):
        prev.setdefault(b, a)
    start = int(np.flatnonzero(stuck)[0])
    seen: dict[int, int] = {}
    walk: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = prev[node]
    cycle = walk[seen[node] :]
    cycle.reverse()  # walked against the edges
    return cycle


def tier_masses(
    src: IntArray, dst: IntArray, share: FloatArray, n: int, root: int, max_tiers: int | None = None
) -> tuple[list[FloatArray], list[npt.NDArray[np.bool_]]]:
    """Mass and reach of every node at every tier upstream of ``root``.

    ``mass[k][u]`` is the sum over all paths of length ``k`` from ``u`` to the root of the product of
    the edge shares along the path: the share of the final product's inputs that trace to ``u`` at
    tier ``k``. ``reach[k][u]`` says whether any such path exists. Tier 0 is the root itself.
    """
    mass = np.zeros(n)
    mass[root] = 1.0
    reach = np.zeros(n, dtype=bool)
    reach[root] = True
    masses, reaches = [mass], [reach]
    limit = n if max_tiers is None else max_tiers
    for _ in range(limit):
        active = np.flatnonzero(reach[dst])
        if len(active) == 0:
            break
        s = src[active]
        mass = np.bincount(s, weights=share[active] * mass[dst[active]], minlength=n).astype(np.float64)
        reach = np.bincount(s, minlength=n) > 0
        masses.append(mass)
        reaches.append(reach)
    return masses, reaches


def upstream_of(src: IntArray, dst: IntArray, n: int, root: int) -> npt.NDArray[np.bool_]:
    """Nodes with a path to ``root`` (root included)."""
    graph = sparse.csr_matrix((np.ones(len(src)), (dst, src)), shape=(n, n))
    order = csgraph.breadth_first_order(graph, root, directed=True, return_predecessors=False)
    seen = np.zeros(n, dtype=bool)
    seen[order] = True
    return seen


def distance_to_root(src: IntArray, dst: IntArray, n: int, root: int) -> IntArray:
    """Fewest edges from each node down to ``root`` (-1 when there is no path)."""
    rev = sparse.csr_matrix((np.ones(len(src)), (dst, src)), shape=(n, n))
    dist = csgraph.shortest_path(rev, method="D", unweighted=True, indices=root)
    return np.where(np.isfinite(dist), dist, -1).astype(np.int64)


def subset_betweenness(src: IntArray, dst: IntArray, n: int, sources: IntArray, root: int) -> FloatArray:
    """Betweenness restricted to the pairs (raw-material source, final product), shortest paths.

    ``b(v) = sum over sources s of sigma_s(v) * sigma_v(root) / sigma_s(root)`` where ``sigma`` counts
    shortest directed paths, endpoints excluded (Brandes 2008, "betweenness for subsets"). One
    breadth-first pass from the root on the reversed graph and one accumulation pass, O(V + E).
    """
    rev = sparse.csr_matrix((np.ones(len(src)), (dst, src)), shape=(n, n))
    dist = csgraph.shortest_path(rev, method="D", unweighted=True, indices=root)
    finite = np.isfinite(dist)
    d = np.where(finite, dist, -1).astype(np.int64)
    on_sp = finite[src] & finite[dst] & (d[src] == d[dst] + 1)
    s_e, t_e = src[on_sp], dst[on_sp]  # supplier s_e is one step further from the root than t_e
    sigma = np.zeros(n)
    sigma[root] = 1.0
    max_d = int(d.max()) if finite.any() else 0
    by_level = [np.flatnonzero(d[s_e] == k) for k in range(max_d + 1)]
    for k in range(1, max_d + 1):
        e = by_level[k]
        sigma += np.bincount(s_e[e], weights=sigma[t_e[e]], minlength=n)
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    is_source[root] = False
    delta = np.zeros(n)
    for k in range(max_d, 0, -1):
        e = by_level[k]
        w = s_e[e]
        contrib = sigma[t_e[e]] / sigma[w] * (is_source[w] + delta[w])
        delta += np.bincount(t_e[e], weights=contrib, minlength=n)
    delta[root] = 0.0
    return delta


def min_node_cut(src: IntArray, dst: IntArray, n: int, sources: IntArray, root: int) -> IntArray:
    """Smallest set of nodes (raw-material sources included, the root not) whose removal cuts every
    source from the root.

    Node splitting (v_in -> v_out with capacity 1, supply edges with capacity n+1) and scipy's
    maximum flow from a super-source joined to every source; the cut is read from the residual graph.
    Of several smallest cuts, the one nearest the final product is returned.
    """
    big = n + 1
    super_s = 2 * n
    sink = 2 * root  # the root's "in" half
    s, t = src, dst
    node_cap = np.ones(n, dtype=np.int64)
    node_cap[root] = big
    rows = np.concatenate([2 * np.arange(n), 2 * s + 1, np.full(len(sources), super_s)])
    cols = np.concatenate([2 * np.arange(n) + 1, 2 * t, 2 * sources])
    caps = np.concatenate([node_cap, np.full(len(s), big), np.full(len(sources), big)])
    size = 2 * n + 1
    # merge parallel arcs (scipy needs a canonical matrix)
    cap = sparse.coo_matrix((caps.astype(np.int32), (rows, cols)), shape=(size, size)).tocsr()
    cap.sum_duplicates()
    flow = csgraph.maximum_flow(cap, super_s, sink)
    # flow is antisymmetric, so cap - flow is the residual graph including the reverse arcs
    res = (cap - flow.flow).tocsr()
    res.eliminate_zeros()
    # among equally small cuts take the one nearest the root: nodes whose "out" half still reaches
    # the sink in the residual graph while their "in" half does not
    reach = csgraph.breadth_first_order(res.T.tocsr(), sink, directed=True, return_predecessors=False)
    to_sink = np.zeros(size, dtype=bool)
    to_sink[reach] = True
    v = np.arange(n)
    cut = v[to_sink[2 * v + 1] & ~to_sink[2 * v]]
    return cut.astype(np.int64)


def undirected_pairs(src: IntArray, dst: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Distinct undirected pairs (lo, hi) with how many supply edges join them."""
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key = np.stack([lo, hi], axis=1)
    uniq, counts = np.unique(key, axis=0, return_counts=True)
    return uniq[:, 0].astype(np.int64), uniq[:, 1].astype(np.int64), counts.astype(np.int64)
