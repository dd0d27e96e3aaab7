"""Compute every derived dependency edge and replace the graph's with them: the post-sync hook.

``derive_dependencies(graph, settings)`` runs after each sync (``ingest.jobs.hooks.POST_SYNC``), for all
three clouds at once (edges cross accounts: a workload of one account may read a store of another). It
reads what discovery stored, computes the edges of ``graph.schema.dependency_edges`` in Python (network
use through the exposure engine's rule evaluation, event feeds, data reads), MERGEs them in batches
stamped with this run's generation and deletes the ones an earlier run wrote and this one did not find.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import ManagedTransaction

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.schema.dependency_edges import DERIVED_TYPES
from queries.derived.access import access_edges
from queries.derived.config import config_edges
from queries.derived.flows import event_edges, read_edges
from queries.derived.model import DerivedEdge
from queries.derived.network_aws import aws_network_edges
from queries.derived.network_azure_gcp import azure_network_edges, gcp_network_edges

__all__ = ["DerivationSummary", "compute_edges", "derive_dependencies", "write_edges"]

log = logging.getLogger(__name__)

_BATCH = 5000


@dataclass(frozen=True)
class DerivationSummary:
    """What one derivation pass wrote: edges by type, stale ones removed, seconds spent."""

    by_type: tuple[tuple[str, int], ...]
    removed: int
    seconds: float

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_type)

    def line(self) -> str:
        kinds = ", ".join(f"{t} {n}" for t, n in self.by_type)
        return f"derived {self.total} dependency edges ({kinds}); {self.removed} stale removed; {self.seconds:.2f} s"


def compute_edges(graph: Graph) -> list[DerivedEdge]:
    """Every derived edge the graph's current state supports, without duplicates."""
    edges = [
        *aws_network_edges(graph),
        *azure_network_edges(graph),
        *gcp_network_edges(graph),
        *event_edges(graph),
        *read_edges(graph),
        *access_edges(graph),  # identities' and workloads' effective IAM access
        *config_edges(graph),  # what functions' and task definitions' configuration names
    ]
    return list(dict.fromkeys(edges))


def _merge(type_: str) -> str:
    # type_ is one of the declared DERIVED_TYPES (plain identifiers): safe to place in the text
    return (
        "UNWIND $rows AS row MATCH (a:Resource {id: row.source}) MATCH (b:Resource {id: row.target}) "
        f"MERGE (a)-[r:{type_} {{via: row.via}}]->(b) SET r += row.props, r.derived_at = $gen"
    )


def _stale(type_: str) -> str:
    return f"MATCH ()-[r:{type_}]->() WHERE r.derived_at IS NULL OR r.derived_at <> $gen DELETE r RETURN count(*) AS n"


def write_edges(graph: Graph, edges: Sequence[DerivedEdge], generation: int) -> int:
    """MERGE ``edges`` stamped ``generation``; delete every derived edge of an older generation. Returns removed."""
    removed = 0
    for type_ in DERIVED_TYPES:
        rows = [
            {"source": e.source, "target": e.target, "via": e.via, "props": e.properties()}
            for e in edges
            if e.type == type_
        ]
        for start in range(0, len(rows), _BATCH):
            graph.write(_merge(type_), {"rows": rows[start : start + _BATCH], "gen": generation})
        removed += _delete(graph, type_, generation)
    return removed


def _delete(graph: Graph, type_: str, generation: int) -> int:
    def work(tx: ManagedTransaction) -> int:
        return int(tx.run(_stale(type_), {"gen": generation}).single(strict=True)["n"])

    return graph.write_tx(work)


def derive_dependencies(graph: Graph, settings: Settings | None = None) -> DerivationSummary:
    """The post-sync hook: recompute and replace every derived dependency edge."""
    started = time.monotonic()
    edges = compute_edges(graph)
    removed = write_edges(graph, edges, time.time_ns())
    counts = Counter(e.type for e in edges)
    summary = DerivationSummary(tuple(sorted(counts.items())), removed, time.monotonic() - started)
    log.info("%s", summary.line())
    return summary
