"""Screening flags: nodes that match a screening list or sit in Xinjiang, with their paths to the final product.

The network package depends only on two small protocols. :func:`default_screener` adapts
``supplyscope.screening`` (UFLPA, SDN, ... index and the Xinjiang place-name matcher) when it is
installed; tests can pass any object with the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from supplyscope.network.graphmath import csr_order
from supplyscope.network.model import SupplyGraph

XINJIANG_LIST = "XINJIANG"


@dataclass(frozen=True)
class ListHit:
    """A screening-list entry that matched a node."""

    list: str
    name: str
    score: float
    explanation: str
    entity_id: str = ""


class Screener(Protocol):
    """Screens one party: name, country (ISO3) and address to the matching list entries."""

    def __call__(self, name: str, country: str | None, address: str | None) -> Sequence[ListHit]: ...


class RegionMatcher(Protocol):
    """Returns the Xinjiang place name found in a text (with the country for context), or ``None``."""

    def __call__(self, text: str | None, country: str | None) -> str | None: ...


@dataclass(frozen=True)
class Flag:
    """A flagged node, the lists it matched, and its paths to the final product."""

    node: str
    lists: tuple[str, ...]
    hits: tuple[ListHit, ...]
    paths: tuple[tuple[str, ...], ...]
    paths_truncated: bool
    throughput: float

    def to_dict(self) -> dict[str, object]:
        return {
            "node": self.node,
            "list": ", ".join(self.lists),
            "paths": [list(p) for p in self.paths],
            "paths_truncated": self.paths_truncated,
            "throughput": self.throughput,
            "hits": [
                {
                    "list": h.list,
                    "name": h.name,
                    "score": h.score,
                    "explanation": h.explanation,
                    "entity_id": h.entity_id,
                }
                for h in self.hits
            ],
        }


def default_screener(db: Path | str | None = None) -> tuple[Screener | None, RegionMatcher]:
    """Adapters over :mod:`supplyscope.screening`: the list index and the Xinjiang region matcher."""
    from supplyscope import screening

    index = screening.load_index(db)

    def screen(name: str, country: str | None, address: str | None) -> list[ListHit]:
        hits = index.screen(name, country=country or None, address=address or None)
        return [ListHit(h.list, h.name, float(h.score), h.explanation, h.entity_id) for h in hits]

    def region(text: str | None, country: str | None) -> str | None:
        return screening.xinjiang_match(text, country)

    return screen, region


def paths_to_root(graph: SupplyGraph, start: int, *, max_paths: int = 20) -> tuple[list[list[int]], bool]:
    """Directed paths from ``start`` down to the final product (depth-first, at most ``max_paths``)."""
    order, indptr = csr_order(graph.src, graph.n_nodes)
    dst = graph.dst
    paths: list[list[int]] = []
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    truncated = False
    while stack:
        node, path = stack.pop()
        if node == graph.root:
            if len(paths) >= max_paths:
                truncated = True
                break
            paths.append(path)
            continue
        nexts = sorted({int(dst[e]) for e in order[indptr[node] : indptr[node + 1]]}, reverse=True)
        stack.extend((v, [*path, v]) for v in nexts if v not in path)
    return paths, truncated


def flag_nodes(
    graph: SupplyGraph,
    throughput: np.ndarray,
    *,
    screener: Screener | None,
    region: RegionMatcher | None,
    upstream: np.ndarray,
    max_paths: int = 20,
) -> list[Flag]:
    """Screen every node upstream of the final product; flag list matches and Xinjiang locations."""
    ids = graph.node_ids()
    names = graph.nodes["name"].tolist()
    countries = graph.nodes["country"].tolist()
    addresses = graph.nodes["address"].tolist()
    regions = graph.nodes["region"].tolist()
    flags: list[Flag] = []
    if screener is None and region is None:
        return flags
    for i in np.flatnonzero(upstream).tolist():
        name, country = names[i], countries[i] if len(countries[i]) == 3 else None
        address = " ".join(x for x in (addresses[i], regions[i]) if x) or None
        hits: list[ListHit] = list(screener(name, country, address)) if screener else []
        if region is not None:
            place = region(address, country) or region(name, country)
            if place:
                hits.append(ListHit(XINJIANG_LIST, name, 1.0, f"located in Xinjiang: {place!r} in region/address/name"))
        if not hits:
            continue
        lists = tuple(sorted({h.list for h in hits}))
        found, truncated = paths_to_root(graph, i, max_paths=max_paths)
        flags.append(
            Flag(
                str(ids[i]),
                lists,
                tuple(hits),
                tuple(tuple(str(ids[v]) for v in p) for p in found),
                truncated,
                float(throughput[i]),
            )
        )
    flags.sort(key=lambda f: (-f.throughput, f.node))
    return flags
