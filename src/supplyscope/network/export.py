"""Export a supply graph to FollowTheMoney entities and to GraphML, and read the FtM export back.

FollowTheMoney mapping (FtM 4.x has no dedicated supply-relationship schema; ``EconomicActivity``,
its customs-declaration schema with ``sender``/``receiver`` and a commodity code, is the closest):

* node -> ``Company`` (``name``, ``country`` as ISO2, ``address``, ``classification`` = kind,
  ``notes``); fields FtM lacks (our node id, region, ISO3/undisclosed country, input value, the
  final-product marker) go into ``keywords`` as ``supplyscope:<field>=<value>`` so the export
  round-trips exactly;
* owner -> ``Ownership`` (``owner`` -> ``asset``); an owner that is not a node becomes its own
  ``Company``;
* supply edge -> ``EconomicActivity`` (``sender`` = supplier, ``receiver`` = buyer, ``vedCode`` = HS
  code, ``vedCodeDescription``, ``invoiceAmount`` = value in USD, ``originCountry``, ``description``
  = note, ``summary`` = ``share=<x>; tier=<k>``).

Entity ids are SHA-1 hashes of the graph name and the record's key (FtM's ``make_id``), so the same
graph always gives the same ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from supplyscope.codes import countries
from supplyscope.errors import DataError
from supplyscope.extras import require
from supplyscope.network.build import TableSource, build_graph
from supplyscope.network.model import SupplyGraph

if TYPE_CHECKING:
    from followthemoney.model import Model
    from followthemoney.proxy import EntityProxy

PREFIX = "supplyscope:"


@lru_cache(maxsize=1)
def _iso_maps() -> tuple[dict[str, str], dict[str, str]]:
    to2 = countries.iso3_to_iso2()
    return to2, {b: a for a, b in to2.items()}


def _kw(entity: EntityProxy, key: str, value: object) -> None:
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return
    entity.add("keywords", f"{PREFIX}{key}={value!r}" if isinstance(value, float) else f"{PREFIX}{key}={value}")


def _model() -> Model:
    """The FollowTheMoney schema model; the ``[ftm]`` extra provides it."""
    ftm: Any = require("followthemoney", "FollowTheMoney export and import")
    model: Model = ftm.model
    return model


def _company_id(graph: SupplyGraph, node_id: str) -> str:
    return str(_model().make_entity("Company").make_id("supplyscope-network", graph.name, "node", node_id))


def to_ftm(graph: SupplyGraph) -> Iterator[EntityProxy]:
    """FollowTheMoney entities for every node, ownership link and supply edge."""
    model = _model()
    to2, _ = _iso_maps()
    nodes = graph.nodes
    ids = set(nodes["id"])
    for rec in nodes.itertuples(index=False):
        e = model.make_entity("Company")
        e.id = _company_id(graph, rec.id)
        e.add("name", rec.name)
        if rec.country in to2:
            e.add("country", to2[rec.country])
        e.add("address", rec.address or None)
        e.add("classification", rec.kind)
        e.add("notes", rec.note or None)
        _kw(e, "id", rec.id)
        _kw(e, "country", rec.country)
        _kw(e, "region", rec.region)
        _kw(e, "input_value_usd", float(rec.input_value_usd))
        if rec.id == graph.final:
            _kw(e, "final", "true")
            _kw(e, "final_product", graph.final_product)
            _kw(e, "final_value_usd", graph.final_value_usd)
            _kw(e, "graph_name", graph.name)
        yield e
        if rec.owner:
            if rec.owner in ids:
                owner_id = _company_id(graph, rec.owner)
            else:
                o = model.make_entity("Company")
                o.id = str(o.make_id("supplyscope-network", graph.name, "owner", rec.owner))
                o.add("name", rec.owner)
                _kw(o, "owner_only", "true")
                owner_id = o.id
                yield o
            own = model.make_entity("Ownership")
            own.id = str(own.make_id("supplyscope-network", graph.name, "owns", rec.owner, rec.id))
            own.add("owner", owner_id)
            own.add("asset", e.id)
            yield own
    desc = dict(zip(graph.products["hs"], graph.products["description"], strict=True))
    countries = nodes["country"].to_numpy(dtype=object)
    for i, rec in enumerate(graph.edges.itertuples(index=False)):
        a = model.make_entity("EconomicActivity")
        a.id = str(a.make_id("supplyscope-network", graph.name, "edge", rec.supplier, rec.buyer, rec.hs, str(i)))
        a.add("sender", _company_id(graph, rec.supplier))
        a.add("receiver", _company_id(graph, rec.buyer))
        a.add("vedCode", rec.hs)
        a.add("vedCodeDescription", desc.get(rec.hs) or None)
        if not np.isnan(rec.value_usd):
            a.add("invoiceAmount", repr(float(rec.value_usd)))
        c = countries[graph.src[i]]
        if c in to2:
            a.add("originCountry", to2[c])
        a.add("description", rec.note or None)
        summary = f"share={float(rec.share)!r}"
        if not np.isnan(rec.tier):
            summary += f"; tier={int(rec.tier)}"
        a.add("summary", summary)
        yield a


def write_ftm(graph: SupplyGraph, path: Path) -> int:
    """Write the entities as FtM JSON lines; returns how many."""
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for e in to_ftm(graph):
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def _keywords(e: EntityProxy) -> dict[str, str]:
    out: dict[str, str] = {}
    for kw in e.get("keywords"):
        if kw.startswith(PREFIX) and "=" in kw:
            k, v = kw[len(PREFIX) :].split("=", 1)
            out[k] = v
    return out


def from_ftm(entities: Iterable[dict[str, Any]], *, source: str = "ftm") -> SupplyGraph:
    """Rebuild a graph from entities written by :func:`to_ftm` (dicts as in the JSON lines)."""
    model = _model()
    proxies = [model.get_proxy(d) for d in entities]
    by_id = {p.id: p for p in proxies}
    node_of: dict[str, str] = {}
    nodes: list[dict[str, object]] = []
    meta: dict[str, str] = {}
    for p in proxies:
        if p.schema.name != "Company":
            continue
        kw = _keywords(p)
        if "id" not in kw:
            continue
        assert p.id is not None
        node_of[p.id] = kw["id"]
        nodes.append(
            {
                "id": kw["id"],
                "name": p.first("name") or "",
                "kind": p.first("classification") or "",
                "country": kw.get("country", ""),
                "region": kw.get("region", ""),
                "address": p.first("address") or "",
                "note": p.first("notes") or "",
                "input_value_usd": kw.get("input_value_usd", ""),
                "owner": "",
            }
        )
        if kw.get("final") == "true":
            meta = kw
    owners: dict[str, str] = {}
    for p in proxies:
        if p.schema.name == "Ownership":
            owner, asset = p.first("owner"), p.first("asset")
            if asset not in node_of or owner is None:
                raise DataError(f"ownership {p.id} points to an unknown company", source=source)
            owners[node_of[asset]] = node_of.get(owner) or (by_id[owner].first("name") or "")
    for rec in nodes:
        rec["owner"] = owners.get(str(rec["id"]), "")
    products: dict[str, str] = {}
    edges: list[dict[str, object]] = []
    for p in proxies:
        if p.schema.name != "EconomicActivity":
            continue
        hs = p.first("vedCode") or ""
        products.setdefault(hs, p.first("vedCodeDescription") or "")
        parts = dict(x.split("=", 1) for x in (p.first("summary") or "").split("; ") if "=" in x)
        edges.append(
            {
                "supplier": node_of.get(p.first("sender") or "", ""),
                "buyer": node_of.get(p.first("receiver") or "", ""),
                "hs": hs,
                "value_usd": p.first("invoiceAmount") or "",
                "share": parts.get("share", ""),
                "tier": parts.get("tier", ""),
                "note": p.first("description") or "",
            }
        )
    where = {t: TableSource(source, f"{t}.") for t in ("nodes", "products", "edges")}
    fv = meta.get("final_value_usd")
    return build_graph(
        pd.DataFrame(nodes),
        pd.DataFrame([{"hs": k, "description": v} for k, v in products.items()]),
        pd.DataFrame(edges),
        final=meta.get("id"),
        name=meta.get("graph_name", ""),
        final_product=meta.get("final_product", ""),
        final_value_usd=float(fv) if fv else None,
        sources=where | {"graph": TableSource(source)},
    )


def to_networkx(graph: SupplyGraph) -> nx.MultiDiGraph:
    """A networkx multigraph with node and edge attributes (missing numbers left out)."""
    g = nx.MultiDiGraph(name=graph.name, final=graph.final)
    for rec in graph.nodes.itertuples(index=False):
        attrs = {k: getattr(rec, k) for k in ("name", "kind", "country", "region", "owner", "address")}
        if not np.isnan(rec.input_value_usd):
            attrs["input_value_usd"] = float(rec.input_value_usd)
        g.add_node(rec.id, **attrs)
    for rec in graph.edges.itertuples(index=False):
        attrs = {"hs": rec.hs, "share": float(rec.share)}
        if not np.isnan(rec.value_usd):
            attrs["value_usd"] = float(rec.value_usd)
        if not np.isnan(rec.tier):
            attrs["tier"] = int(rec.tier)
        g.add_edge(rec.supplier, rec.buyer, **attrs)
    return g


def write_graphml(graph: SupplyGraph, path: Path) -> None:
    """Write GraphML (readable by Gephi, yEd, Cytoscape and networkx)."""
    nx.write_graphml(to_networkx(graph), str(path))
