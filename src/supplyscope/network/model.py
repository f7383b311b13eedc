"""The supply-graph model: facilities and firms (nodes), products, and supply edges.

A :class:`SupplyGraph` holds three validated tables and integer indices over them, so the
analyses can work on numpy arrays whatever the graph's size:

* ``nodes``: ``id``, ``name``, ``kind`` (``firm``, ``facility`` or ``source``), ``country`` (ISO3,
  ``""`` when unknown, ``"UNDISCLOSED"`` when the supplier withheld it), ``region``, ``owner``,
  ``address``, ``input_value_usd`` (total purchased inputs, optional), ``note``;
* ``products``: ``hs`` (6, 8 or 10 digits), ``description``;
* ``edges``: ``supplier``, ``buyer``, ``hs``, ``value_usd``, ``share``, ``tier`` (optional, as stated
  by the sourcing team), ``note`` (e.g. the source of a share), ``_row`` (where it was read).

An edge's ``share`` is the fraction of the buyer's purchased inputs bought from that supplier.
When only ``value_usd`` is given, the share is the value divided by the buyer's ``input_value_usd``,
or by the sum of the values into the buyer when that is not given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

UNKNOWN = ""
UNDISCLOSED = "UNDISCLOSED"
# Aggregates accepted as a country: the US import statistics report the EU as one partner.
AGGREGATES = ("EU27",)
KINDS = ("firm", "facility", "source")

NODE_COLUMNS = ("id", "name", "kind", "country", "region", "owner", "address", "input_value_usd", "note")
PRODUCT_COLUMNS = ("hs", "description")
EDGE_COLUMNS = ("supplier", "buyer", "hs", "value_usd", "share", "tier", "note")
META_KEYS = ("name", "note", "final", "final_product", "final_value_usd")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Location:
    """Where a record was read: file, row (1-based; CSV rows count the header as row 1) and field."""

    source: str
    row: int
    field: str


@dataclass
class SupplyGraph:
    """A validated supply graph. Build it with :func:`supplyscope.network.build_graph`."""

    nodes: pd.DataFrame
    products: pd.DataFrame
    edges: pd.DataFrame
    final: str
    name: str = ""
    source: str = ""
    final_product: str = ""
    final_value_usd: float | None = None
    # integer views, filled by build_graph
    src: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dst: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    share: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    root: int = 0

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    def node_ids(self) -> npt.NDArray[np.object_]:
        ids: npt.NDArray[np.object_] = self.nodes["id"].to_numpy(dtype=object)
        return ids

    def index_of(self, node_id: str) -> int:
        hits = np.flatnonzero(self.nodes["id"].to_numpy() == node_id)
        if len(hits) == 0:
            from supplyscope.errors import NotFoundError

            raise NotFoundError("node", node_id, self.nodes["id"].head(20))
        return int(hits[0])
