"""Discover GCP scopes (organizations, folders, projects) through Cloud Asset Inventory into the graph.

Per scope: fetch (three paged SDK calls) -> transform (pure) -> write nodes, then edges -> clean up
per project (account = project id, every region, every GCP label) and for the scope itself (the
organization, folders and principals). A scope Google refuses (PermissionDenied) becomes a warning and
removes nothing; the other scopes go on. An unreachable endpoint stops the run with a one-line error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from google.api_core import exceptions as gexc

from core.errors import ConfigError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.rows import ALL_REGIONS, Scope
from graph.schema import SCHEMA
from graph.schema.gcp import LABELS
from graph.write import GraphWriter, SyncStamp, UnitCounts
from ingest.providers.gcp.client import asset_client, gcp_errors
from ingest.providers.gcp.fetch import fetch_scope
from ingest.providers.gcp.transform import transform_gcp

log = logging.getLogger(__name__)

PROVIDER = "gcp"


@dataclass(frozen=True)
class ScopeResult:
    scope: str
    accounts: tuple[str, ...]
    counts: UnitCounts
    seconds: float


@dataclass(frozen=True)
class GcpDiscoveryReport:
    scopes: tuple[str, ...]
    units: tuple[ScopeResult, ...]
    warnings: tuple[str, ...]
    seconds: float

    @property
    def nodes(self) -> int:
        return sum(u.counts.nodes for u in self.units)

    @property
    def edges(self) -> int:
        return sum(u.counts.edges for u in self.units)

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(sorted({a for u in self.units for a in u.accounts}))

    def summary(self) -> str:
        return (
            f"discovered gcp {', '.join(self.scopes)}: {self.nodes} nodes and {self.edges} edges "
            f"in {len(self.accounts)} account(s) in {self.seconds:.1f} s"
            + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
        )


def discover_gcp(
    settings: Settings, scopes: tuple[str, ...] | None = None, graph: Graph | None = None
) -> GcpDiscoveryReport:
    """Discover every configured scope into the graph."""
    started = time.monotonic()
    chosen = tuple(scopes or settings.gcp_scopes)
    if not chosen:
        raise ConfigError("no GCP scope to discover: set AIDISCOVER_GCP_SCOPES (e.g. organizations/123,projects/p)")
    client = asset_client(settings)
    own_graph = graph is None
    graph = graph or Graph(settings)
    results: list[ScopeResult] = []
    warnings: list[str] = []
    try:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        writer = GraphWriter(graph, SCHEMA, settings.write_batch_size, parallelism=settings.write_parallelism)
        stamp = SyncStamp.now()
        for scope in chosen:
            scope_started = time.monotonic()
            with gcp_errors(settings.gcp_endpoint):
                try:
                    payload = fetch_scope(client, scope, settings.gcp_asset_types, settings.gcp_page_size)
                except (gexc.PermissionDenied, gexc.Forbidden) as exc:
                    warnings.append(f"{scope}: permission denied ({exc.code}); skipped, nothing removed")
                    log.warning("gcp %s skipped: permission denied", scope)
                    continue
            out = transform_gcp(payload)
            nodes = writer.nodes(out.rows.nodes, stamp)
            edges = writer.edges(out.rows.edges, stamp)
            removed_nodes = removed_edges = 0
            for account in sorted({*out.accounts, scope}):
                removed = writer.cleanup(Scope(PROVIDER, account, ALL_REGIONS, LABELS), stamp)
                removed_nodes += removed.nodes
                removed_edges += removed.edges
            counts = UnitCounts(nodes, edges.written, edges.skipped, removed_nodes, removed_edges)
            seconds = time.monotonic() - scope_started
            log.info("gcp %s: %s nodes, %s edges in %.2f s", scope, nodes, edges.written, seconds)
            results.append(ScopeResult(scope, out.accounts, counts, seconds))
    finally:
        if own_graph:
            graph.close()
    return GcpDiscoveryReport(chosen, tuple(results), tuple(warnings), time.monotonic() - started)
