"""Run a discovery of Azure subscriptions through Resource Graph: fetch -> transform (pure) -> load -> cleanup.

One read covers every subscription (Resource Graph takes many per query). Nodes and edges are then
written once, and stale data is removed per subscription with the scope (azure, subscription id,
every region, every Azure label). A requested subscription Resource Graph did not return (no access,
wrong id) becomes a warning and nothing of it is removed. Failures that stop the run (unreachable
endpoint, rejected credentials) raise one-line project errors before anything is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.rows import ALL_REGIONS, Scope
from graph.schema import SCHEMA
from graph.schema.azure import LABELS
from graph.write import CleanupCounts, GraphWriter, SyncStamp
from ingest.providers.azure.client import azure_errors, https_required, make_client
from ingest.providers.azure.props import lid
from ingest.providers.azure.query import AzurePayload, fetch_azure
from ingest.providers.azure.transform import SUBSCRIPTION_TYPE, transform_azure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubscriptionResult:
    subscription: str
    removed_nodes: int
    removed_edges: int


@dataclass(frozen=True)
class AzureDiscoveryReport:
    """What one Azure discovery wrote and removed."""

    subscriptions: tuple[str, ...]
    nodes: int
    edges: int
    skipped_edges: int
    results: tuple[SubscriptionResult, ...]
    warnings: tuple[str, ...]
    seconds: float

    @property
    def removed_nodes(self) -> int:
        return sum(r.removed_nodes for r in self.results)

    @property
    def removed_edges(self) -> int:
        return sum(r.removed_edges for r in self.results)

    def summary(self) -> str:
        return (
            f"discovered azure subscription(s) {', '.join(self.subscriptions) or '(none)'}: {self.nodes} nodes and "
            f"{self.edges} edges in {self.seconds:.1f} s"
            + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
        )


def visible_subscriptions(payload: AzurePayload) -> tuple[str, ...]:
    """Subscription ids Resource Graph returned a subscription row for (lower-case, sorted)."""
    return tuple(
        sorted({lid(r.get("subscriptionId")) for r in payload.containers if lid(r.get("type")) == SUBSCRIPTION_TYPE})
    )


def discover_azure(
    settings: Settings, subscriptions: Sequence[str] | None = None, graph: Graph | None = None
) -> AzureDiscoveryReport:
    """Discover ``subscriptions`` (default: AIDISCOVER_AZURE_SUBSCRIPTIONS, else every one the credentials see)."""
    started = time.monotonic()
    requested = tuple(lid(s) for s in (subscriptions or settings.azure_subscriptions) if lid(s))
    client = make_client(settings)
    with client, azure_errors(settings.azure_endpoint):
        payload = fetch_azure(client, requested, settings.azure_page_size, https_required(settings))
    seen = visible_subscriptions(payload)
    warnings = tuple(
        f"subscription {s}: not visible to these credentials in Resource Graph; skipped, nothing removed"
        for s in requested
        if s not in seen
    )
    for warning in warnings:
        log.warning("azure %s", warning)
    rows = transform_azure(payload)
    own_graph = graph is None
    graph = graph or Graph(settings)
    try:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        writer = GraphWriter(graph, SCHEMA, settings.write_batch_size, parallelism=settings.write_parallelism)
        stamp = SyncStamp.now()
        nodes = writer.nodes(rows.nodes, stamp)
        edges = writer.edges(rows.edges, stamp)
        results = []
        for subscription in seen:
            removed: CleanupCounts = writer.cleanup(Scope("azure", subscription, ALL_REGIONS, LABELS), stamp)
            results.append(SubscriptionResult(subscription, removed.nodes, removed.edges))
    finally:
        if own_graph:
            graph.close()
    report = AzureDiscoveryReport(
        subscriptions=seen,
        nodes=nodes,
        edges=edges.written,
        skipped_edges=edges.skipped,
        results=tuple(results),
        warnings=warnings,
        seconds=time.monotonic() - started,
    )
    log.info("%s", report.summary())
    return report
