"""The rows that ingest transforms hand to the graph writer: typed, frozen, schema-checked on write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

PropValue = str | int | float | bool | datetime | tuple[str, ...] | None

# The content hashes the reconciling writer (``graph.reconcile``) keeps on what it writes: of a node's or an
# edge's own properties, and of the edges a node's unit gives it. Bookkeeping like the stamps: never set by a
# transform, never reported as a change.
HASH_PROPERTY = "sync_hash"
EDGES_HASH_PROPERTY = "sync_edges"
HASH_PROPERTIES = frozenset({HASH_PROPERTY, EDGES_HASH_PROPERTY})


@dataclass(frozen=True)
class NodeRow:
    """One node to MERGE: its label, its key and its properties (``None`` removes a property).
    ``hash``: the content hash the reconciling writer stores with it (``graph.reconcile``); transforms leave it."""

    label: str
    id: str
    props: Mapping[str, PropValue]
    hash: str | None = None


@dataclass(frozen=True)
class EdgeRow:
    """One relationship to MERGE between two nodes identified by label and id."""

    type: str
    source_label: str
    source_id: str
    target_label: str
    target_id: str
    props: Mapping[str, PropValue] | None = None
    hash: str | None = None  # set by the reconciling writer, like NodeRow.hash


@dataclass(frozen=True)
class Transformed:
    """What a pure transform hands to the writer: every node is written before any edge."""

    nodes: tuple[NodeRow, ...] = ()
    edges: tuple[EdgeRow, ...] = ()

    def __add__(self, other: Transformed) -> Transformed:
        return Transformed(self.nodes + other.nodes, self.edges + other.edges)


ALL_REGIONS = "*"


@dataclass(frozen=True)
class Scope:
    """What one ingest unit covered: cleanup never reaches outside it.

    ``region`` is ALL_REGIONS for units that read every region at once (Azure Resource Graph,
    GCP Cloud Asset Inventory); their cleanup covers the account's nodes of those labels everywhere."""

    provider: str
    account: str
    region: str
    labels: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.provider}/{self.account}/{self.region}/{'+'.join(self.labels)}"
