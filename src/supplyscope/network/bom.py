"""Turn the final product's traced inputs into the bill of materials that rules of origin evaluate.

The dictionary follows ``supplyscope.origin``'s BOM layout (``name``, ``hts``, ``value``, ``country``,
``materials`` with ``id``, ``hts``, ``value``, ``origin`` and optional sub-``bom``). A material whose
supplier country is unknown or undisclosed gets origin ``XXX`` and ``originating: false``: rules of
origin must treat it as non-originating.
"""

from __future__ import annotations

import numpy as np

from supplyscope.errors import DataError
from supplyscope.network.graphmath import csr_order
from supplyscope.network.model import SupplyGraph

UNKNOWN_ORIGIN = "XXX"


def _input_value(graph: SupplyGraph, node: int, into: np.ndarray) -> float | None:
    stated = float(graph.nodes["input_value_usd"].iloc[node])
    if not np.isnan(stated):
        return stated
    values = graph.edges["value_usd"].to_numpy()[into]
    if len(values) and not np.isnan(values).any():
        return float(values.sum())
    return None


def bom_dict(graph: SupplyGraph, *, depth: int = 2) -> dict[str, object]:
    """BOM of the final product, materials from tier 1 and sub-BOMs down to ``depth`` tiers."""
    where = graph.source or "graph"
    if not graph.final_product:
        raise DataError(
            "the BOM needs the final product's HS code: set 'final_product'", source=where, field="final_product"
        )
    if graph.final_value_usd is None:
        raise DataError(
            "the BOM needs the final product's value: set 'final_value_usd'", source=where, field="final_value_usd"
        )
    country = str(graph.nodes["country"].iloc[graph.root])
    if len(country) != 3:
        raise DataError(
            f"the final node {graph.final!r} needs a known country for the BOM", source=where, field="country"
        )
    order, indptr = csr_order(graph.dst, graph.n_nodes)
    root_inputs = order[indptr[graph.root] : indptr[graph.root + 1]]
    inputs = _input_value(graph, graph.root, root_inputs)
    if inputs is None:
        raise DataError(
            f"give input_value_usd for {graph.final!r} (or value_usd on every edge into it) "
            "to value the BOM's materials",
            source=where,
            field="input_value_usd",
        )
    if inputs > graph.final_value_usd * (1 + 1e-9):
        raise DataError(
            f"inputs of {graph.final!r} ({inputs:,.2f}) exceed final_value_usd", source=where, field="input_value_usd"
        )
    return {
        "name": graph.name or str(graph.nodes["name"].iloc[graph.root]),
        "hts": graph.final_product,
        "value": graph.final_value_usd,
        "country": country,
        "materials": _materials(graph, root_inputs, inputs, order, indptr, depth, ()),
    }


def _materials(
    graph: SupplyGraph,
    edges: np.ndarray,
    input_value: float,
    order: np.ndarray,
    indptr: np.ndarray,
    depth: int,
    seen: tuple[int, ...],
) -> list[dict[str, object]]:
    ids = graph.node_ids()
    countries = graph.nodes["country"].to_numpy(dtype=object)
    hs = graph.edges["hs"].to_numpy(dtype=object)
    merged: dict[tuple[int, str], float] = {}
    for e in edges.tolist():
        key = (int(graph.src[e]), str(hs[e]))
        merged[key] = merged.get(key, 0.0) + float(graph.share[e]) * input_value
    out: list[dict[str, object]] = []
    for (u, code), value in sorted(merged.items(), key=lambda kv: -kv[1]):
        origin = str(countries[u])
        mat: dict[str, object] = {
            "id": f"{ids[u]}:{code}",
            "hts": code,
            "value": value,
            "origin": origin if len(origin) == 3 else UNKNOWN_ORIGIN,
        }
        if len(origin) != 3:
            mat["originating"] = False
        sub_edges = order[indptr[u] : indptr[u + 1]]
        if depth > 1 and len(sub_edges) and len(origin) == 3 and u not in seen:
            mat["bom"] = {"materials": _materials(graph, sub_edges, value, order, indptr, depth - 1, (*seen, u))}
        out.append(mat)
    return out
