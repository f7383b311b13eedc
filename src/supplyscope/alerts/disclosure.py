"""Statistical disclosure control for published alert counts (pure functions, no I/O except config).

Two steps, as in the tabular-data chapters of the ESSnet *Handbook on Statistical Disclosure Control*
(Hundepool et al.) and Cox (1980, "Suppression methodology and statistical disclosure control", JASA):

1. **Primary suppression.** A cell is sensitive when fewer than ``min_contributors`` distinct submitters
   contributed to it, or when its ``dominance_n`` largest submitters contribute more than
   ``dominance_k`` per cent of it (:func:`sensitivity`). Margins (row, column and grand totals) are
   cells too and are tested the same way.
2. **Complementary suppression.** A two-way table with its totals is a set of linear equations: every
   row and every column adds up. Write the table with its margins as a grid whose rows and columns each
   sum to zero (margins negated). A suppressed cell can be solved from the published cells exactly when,
   in the bipartite graph whose nodes are the grid's rows and columns and whose edges are suppressed
   cells, that edge lies on no cycle (it is a *bridge*). :func:`protect` therefore repeats: find a
   suppressed bridge (i, j); add the cheapest path of further cells from row i to column j (cost = the
   count hidden; already suppressed cells are free; empty cells are never used); until no bridge is
   left. Every suppressed cell then lies on a cycle of suppressed cells that all hold at least one
   report, so moving ±1 around that cycle gives another non-negative table with the same published
   cells: nothing suppressed can be recovered from row or column totals.

Linked tables that share their column totals (week totals and the grand total) are protected together
by :func:`protect_linked`, which repeats until every table suppresses the same shared margins.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from supplyscope.config import read_toml, user_section
from supplyscope.errors import ConfigError

TOTAL = "TOTAL"
"""Label of the margin row and column."""


@dataclass(frozen=True)
class DisclosureRules:
    """When a cell may be published (see ``disclosure_defaults.toml`` for the cited defaults)."""

    min_contributors: int = 3
    dominance_n: int = 1
    dominance_k: float = 85.0
    source: str = "defaults"

    def describe(self) -> dict[str, Any]:
        return {
            "min_contributors": self.min_contributors,
            "dominance_n": self.dominance_n,
            "dominance_k_percent": self.dominance_k,
            "source": self.source,
        }


DEFAULTS_FILE = Path(__file__).resolve().parent / "disclosure_defaults.toml"


def load_rules(path: Path | str | None = None) -> DisclosureRules:
    """Shipped defaults, overridden by the ``[disclosure]`` section of the user's settings file.

    The file is ``path`` (``--disclosure``), else the one settings file every area reads
    (``--config`` / ``$SUPPLYSCOPE_CONFIG``, see :func:`supplyscope.config.user_settings_file`).
    """
    raw: dict[str, Any] = dict(read_toml(DEFAULTS_FILE)["disclosure"])
    section, where = user_section("disclosure", path)
    source = "supplyscope/alerts/disclosure_defaults.toml"
    if where is not None:
        unknown = sorted(set(section) - set(raw))
        if unknown:
            raise ConfigError(f"unknown setting; known: {', '.join(sorted(raw))}", key=unknown[0], source=where)
        raw.update(section)
        source = where
    return _rules(raw, source)


def _rules(raw: Mapping[str, Any], source: str) -> DisclosureRules:
    n_min, dom_n, dom_k = raw["min_contributors"], raw["dominance_n"], raw["dominance_k"]
    if isinstance(n_min, bool) or not isinstance(n_min, int) or n_min < 1:
        raise ConfigError(f"must be an integer >= 1, got {n_min!r}", key="disclosure.min_contributors", source=source)
    if isinstance(dom_n, bool) or not isinstance(dom_n, int) or dom_n < 1:
        raise ConfigError(f"must be an integer >= 1, got {dom_n!r}", key="disclosure.dominance_n", source=source)
    if isinstance(dom_k, bool) or not isinstance(dom_k, int | float) or not 0 < dom_k <= 100:
        raise ConfigError(f"must be a number in (0, 100], got {dom_k!r}", key="disclosure.dominance_k", source=source)
    return DisclosureRules(n_min, dom_n, float(dom_k), source)


def sensitivity(contributions: Mapping[Any, int], rules: DisclosureRules) -> str | None:
    """Why a cell must not be published, or None when it may be.

    ``contributions`` maps each submitter to its count in the cell. An empty cell (count 0) has no
    contributor to protect and is not sensitive.
    """
    counts = sorted((c for c in contributions.values() if c > 0), reverse=True)
    total = sum(counts)
    if total == 0:
        return None
    if len(counts) < rules.min_contributors:
        return f"fewer than {rules.min_contributors} submitters"
    top = sum(counts[: rules.dominance_n])
    if 100.0 * top > rules.dominance_k * total:
        who = "one submitter" if rules.dominance_n == 1 else f"{rules.dominance_n} submitters"
        return f"{who} contribute(s) more than {rules.dominance_k:g}%"
    return None


Status = Literal["published", "primary", "secondary"]


@dataclass
class ProtectedTable:
    """A two-way count table with margins and the status of every cell.

    ``values`` and ``status`` are (m+1) × (n+1) grids: the last row holds the column totals, the last
    column the row totals, the bottom-right cell the grand total.
    """

    name: str
    row_dim: str
    col_dim: str
    rows: list[str]
    cols: list[str]
    values: np.ndarray
    status: list[list[Status]]
    reasons: dict[tuple[int, int], str] = field(default_factory=dict)

    def suppressed(self) -> list[tuple[int, int]]:
        return [(i, j) for i, line in enumerate(self.status) for j, s in enumerate(line) if s != "published"]

    def published(self) -> dict[str, Any]:
        """What may leave the server: suppressed cells have ``value: null`` and ``suppressed: true``;
        whether a suppression is primary or complementary is not revealed."""
        row_labels = [*self.rows, TOTAL]
        col_labels = [*self.cols, TOTAL]
        cells = []
        for i, r in enumerate(row_labels):
            for j, c in enumerate(col_labels):
                hidden = self.status[i][j] != "published"
                cells.append(
                    {
                        "row": r,
                        "col": c,
                        "value": None if hidden else int(self.values[i, j]),
                        "suppressed": hidden,
                    }
                )
        return {
            "name": self.name,
            "row_dim": self.row_dim,
            "col_dim": self.col_dim,
            "rows": row_labels,
            "cols": col_labels,
            "cells": cells,
            "suppressed_cells": sum(1 for c in cells if c["suppressed"]),
        }


def build_table(
    name: str,
    row_dim: str,
    col_dim: str,
    records: Iterable[tuple[str, str, Hashable]],
    *,
    all_rows: Sequence[str] = (),
    all_cols: Sequence[str] = (),
) -> tuple[list[str], list[str], dict[tuple[int, int], Counter[Hashable]]]:
    """Group ``(row, col, submitter)`` records into per-cell submitter counts, margins included.

    ``all_rows`` / ``all_cols`` are categories that are always present, even when empty (so that their
    presence tells nothing)."""
    per_cell: dict[tuple[str, str], Counter[Hashable]] = defaultdict(Counter)
    for r, c, who in records:
        per_cell[(r, c)][who] += 1
    rows = sorted({r for r, _ in per_cell} | set(all_rows))
    cols = sorted({c for _, c in per_cell} | set(all_cols))
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: j for j, c in enumerate(cols)}
    m, n = len(rows), len(cols)
    grid: dict[tuple[int, int], Counter[Hashable]] = defaultdict(Counter)
    for (r, c), counts in per_cell.items():
        i, j = ri[r], ci[c]
        for key in ((i, j), (i, n), (m, j), (m, n)):
            grid[key].update(counts)
    return rows, cols, grid


def _bridges(edges: Sequence[tuple[int, int]], m1: int, n1: int) -> list[tuple[int, int]]:
    """Edges (row i, col j) of the bipartite suppression graph that lie on no cycle (iterative Tarjan)."""
    adj: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, (i, j) in enumerate(edges):
        a, b = i, m1 + j
        adj[a].append((b, k))
        adj[b].append((a, k))
    disc: dict[int, int] = {}
    low: dict[int, int] = {}
    out: list[tuple[int, int]] = []
    counter = 0
    for root in list(adj):
        if root in disc:
            continue
        disc[root] = low[root] = counter
        counter += 1
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]  # node, edge used to enter, next neighbour index
        while stack:
            node, via, idx = stack[-1]
            if idx < len(adj[node]):
                stack[-1] = (node, via, idx + 1)
                nxt, k = adj[node][idx]
                if k == via:
                    continue
                if nxt in disc:
                    low[node] = min(low[node], disc[nxt])
                else:
                    disc[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, k, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > disc[parent]:
                        out.append(edges[via])
    return out


def _cheapest_path(cost: np.ndarray, start_row: int, end_col: int, banned: tuple[int, int]) -> list[tuple[int, int]]:
    """Cells on the cheapest alternating row–column path from ``start_row`` to ``end_col`` (Dijkstra).

    ``cost[i, j]`` is the price of using cell (i, j) (``inf`` = unusable); ``banned`` is never used.
    """
    m1, n1 = cost.shape
    big = np.inf
    dist = np.full(m1 + n1, big)
    prev = np.full(m1 + n1, -1, dtype=np.int64)
    dist[start_row] = 0.0
    heap: list[tuple[float, int]] = [(0.0, start_row)]
    done = np.zeros(m1 + n1, dtype=bool)
    target = m1 + end_col
    while heap:
        d, node = heapq.heappop(heap)
        if done[node]:
            continue
        done[node] = True
        if node == target:
            break
        if node < m1:
            line = cost[node, :].copy()
            if node == banned[0]:
                line[banned[1]] = big
            nbrs = m1 + np.arange(n1)
        else:
            line = cost[:, node - m1].copy()
            if node - m1 == banned[1]:
                line[banned[0]] = big
            nbrs = np.arange(m1)
        cand = d + line
        better = (cand < dist[nbrs]) & ~done[nbrs]
        for nb, value in zip(nbrs[better], cand[better], strict=True):
            dist[nb] = value
            prev[nb] = node
            heapq.heappush(heap, (float(value), int(nb)))
    if not np.isfinite(dist[target]):
        raise RuntimeError("no complementary suppression path; the table has an empty margin")
    path: list[tuple[int, int]] = []
    node = target
    while node != start_row:
        p = int(prev[node])
        path.append((p, node - m1) if p < m1 else (node, p - m1))
        node = p
    return path


def protect(
    name: str,
    row_dim: str,
    col_dim: str,
    records: Iterable[tuple[str, str, Hashable]],
    rules: DisclosureRules,
    *,
    force_total_row: Iterable[int] = (),
    force: Iterable[tuple[str, str]] = (),
    all_rows: Sequence[str] = (),
    all_cols: Sequence[str] = (),
) -> ProtectedTable:
    """Count ``(row, col, submitter)`` records into a table with margins and suppress what must be.

    ``force_total_row`` lists column indices (``len(cols)`` = grand total) of the column-total row to
    suppress in addition, for tables linked through their column totals. ``force`` lists cells by
    ``(row label, col label)`` (``TOTAL`` for margins) to treat as sensitive, e.g. those a comparison
    with an earlier release would disclose.
    """
    rows, cols, grid = build_table(name, row_dim, col_dim, records, all_rows=all_rows, all_cols=all_cols)
    m, n = len(rows), len(cols)
    values = np.zeros((m + 1, n + 1), dtype=np.int64)
    for (i, j), who in grid.items():
        values[i, j] = sum(who.values())
    status: list[list[Status]] = [["published"] * (n + 1) for _ in range(m + 1)]
    reasons: dict[tuple[int, int], str] = {}
    for (i, j), who in grid.items():
        why = sensitivity(who, rules)
        if why is not None:
            status[i][j] = "primary"
            reasons[(i, j)] = why
    ri = {r: i for i, r in enumerate([*rows, TOTAL])}
    ci = {c: j for j, c in enumerate([*cols, TOTAL])}
    for r, c in force:
        if r in ri and c in ci and status[ri[r]][ci[c]] == "published":
            status[ri[r]][ci[c]] = "primary"
            reasons[(ri[r], ci[c])] = "disclosed by difference with an earlier release"
    for j in force_total_row:
        if status[m][j] == "published":
            status[m][j] = "secondary"
            reasons[(m, j)] = "shared margin suppressed in a linked table"
    _complete(values, status, reasons)
    return ProtectedTable(name, row_dim, col_dim, rows, cols, values, status, reasons)


def _complete(values: np.ndarray, status: list[list[Status]], reasons: dict[tuple[int, int], str]) -> None:
    """Add complementary suppressions until no suppressed cell is a bridge (see module docstring)."""
    m1, n1 = values.shape
    while True:
        edges = [(i, j) for i in range(m1) for j in range(n1) if status[i][j] != "published"]
        bridges = _bridges(edges, m1, n1)
        if not bridges:
            return
        i, j = bridges[0]
        hidden = np.array([[s != "published" for s in line] for line in status])
        cost = np.where(hidden, 0.0, np.where(values > 0, values.astype(float) + 1.0, np.inf))
        for a, b in _cheapest_path(cost, i, j, (i, j)):
            if status[a][b] == "published":
                status[a][b] = "secondary"
                reasons[(a, b)] = f"complementary suppression protecting cell ({i}, {j})"


def protect_linked(
    specs: Sequence[tuple[str, str, str, Sequence[tuple[str, str, Hashable]]]],
    rules: DisclosureRules,
    *,
    force: Mapping[str, Iterable[tuple[str, str]]] | None = None,
    all_rows: Mapping[str, Sequence[str]] | None = None,
    all_cols: Sequence[str] = (),
) -> list[ProtectedTable]:
    """Protect tables that share the same column totals (same records, same column categories).

    A column total hidden in one table is hidden in all, and each table is re-protected until the set
    of hidden shared margins stops growing.
    """
    forced: set[int] = set()
    while True:
        tables = [
            protect(
                nm,
                rd,
                cd,
                recs,
                rules,
                force_total_row=sorted(forced),
                force=list((force or {}).get(nm, ())),
                all_rows=(all_rows or {}).get(nm, ()),
                all_cols=all_cols,
            )
            for nm, rd, cd, recs in specs
        ]
        cols = {tuple(t.cols) for t in tables}
        if len(cols) > 1:
            raise ValueError("linked tables must have the same columns")
        hidden = {j for t in tables for j, s in enumerate(t.status[-1]) if s != "published"}
        if hidden <= forced:
            return tables
        forced |= hidden
