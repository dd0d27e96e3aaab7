"""Run one job unit in two phases, the same way in a Celery worker and in the CLI's own process.

``stage`` fetches, transforms (pure) and writes the unit's nodes; ``finish`` runs once every unit of
the job has staged: it writes the edges (every end exists now), then removes what the unit's scope
held and this generation did not see. Whatever a unit raises before ``finish`` completes, it removes
nothing. ``classify`` tells a transient failure (Neo4j or Redis unavailable, a deadlock past the
driver's retries: retry with backoff) from one that fails the unit (AWS refused, an emulator down).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

import redis
from botocore.exceptions import BotoCoreError, ClientError

from core import context
from core.counters import record_graph_writes
from core.errors import Neo4jAuthError, ServiceError, UnitFailedError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.rows import ALL_REGIONS, EdgeRow, NodeRow, Scope
from graph.schema import SCHEMA
from graph.schema.azure import LABELS as AZURE_LABELS
from graph.schema.gcp import LABELS as GCP_LABELS
from graph.schema.references import edges_from_properties
from graph.write import GraphWriter, SyncStamp
from ingest.jobs.model import UnitOutcome, UnitSpec, edges_from_json, edges_to_json
from ingest.jobs.plan import ALL_SUBSCRIPTIONS, aws_target
from ingest.providers.aws.client import SKIPPABLE_CODES, error_code
from ingest.providers.aws.registry import unit as aws_unit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Staged:
    """A unit whose nodes are written; what ``finish`` needs (JSON-able: it waits in Redis between phases)."""

    spec: UnitSpec
    nodes: int
    edges: tuple[EdgeRow, ...]
    references: tuple[EdgeRow, ...]
    scopes: tuple[Scope, ...]
    anomalies: int = 0
    anomaly_messages: tuple[str, ...] = ()
    changes: int = 0
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    accounts: tuple[str, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(
            {
                "spec": self.spec.to_json(),
                "nodes": self.nodes,
                "edges": edges_to_json(self.edges),
                "references": edges_to_json(self.references),
                "scopes": [[s.provider, s.account, s.region, list(s.labels)] for s in self.scopes],
                "anomalies": self.anomalies,
                "anomaly_messages": list(self.anomaly_messages),
                "changes": self.changes,
                "warnings": list(self.warnings),
                "seconds": self.seconds,
                "accounts": list(self.accounts),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Staged:
        d = json.loads(text)
        return cls(
            UnitSpec.from_json(d["spec"]),
            int(d["nodes"]),
            edges_from_json(d["edges"]),
            edges_from_json(d["references"]),
            tuple(Scope(p, a, r, tuple(ls)) for p, a, r, ls in d["scopes"]),
            int(d["anomalies"]),
            tuple(d["anomaly_messages"]),
            int(d["changes"]),
            tuple(d["warnings"]),
            float(d["seconds"]),
            tuple(d["accounts"]),
        )


Verdict = Literal["retry", "fail"]


def classify(exc: BaseException) -> Verdict:
    """Transient (retry with backoff) or final for this unit."""
    if isinstance(exc, Neo4jAuthError):
        return "fail"
    if isinstance(exc, ServiceError | redis.ConnectionError | redis.TimeoutError | ConnectionError):
        return "retry"
    return "fail"


def failure(spec: UnitSpec, exc: BaseException) -> UnitFailedError:
    """The one-line reason a unit failed; AWS refusals are warnings, the rest errors."""
    where = spec.key
    if isinstance(exc, UnitFailedError):
        return exc
    if isinstance(exc, ClientError):
        code = error_code(exc)
        skippable = code in SKIPPABLE_CODES
        return UnitFailedError(f"{where}: AWS {code}; skipped, nothing removed", warning=skippable)
    if isinstance(exc, BotoCoreError):
        return UnitFailedError(f"{where}: {exc.__class__.__name__}: {exc}; skipped, nothing removed", warning=True)
    return UnitFailedError(f"{where}: {exc.__class__.__name__}: {exc}; skipped, nothing removed", warning=False)


def make_writer(graph: Graph, settings: Settings, job_id: str) -> GraphWriter:
    return GraphWriter(
        graph,
        SCHEMA,
        settings.write_batch_size,
        strict=False,
        history=settings.history_enabled,
        job_id=job_id,
        parallelism=settings.write_parallelism,
    )


def stage(spec: UnitSpec, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> Staged:
    """Phase 1: fetch -> transform -> write nodes. Raises before writing anything when the fetch fails."""
    with context.job(job_id):
        return _stage(spec, settings, graph, stamp, job_id)


def _stage(spec: UnitSpec, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> Staged:
    started = time.monotonic()
    writer = make_writer(graph, settings, job_id)
    refs: tuple[EdgeRow, ...] = ()
    accounts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    scopes: tuple[Scope, ...]
    if spec.provider == "aws":
        unit = aws_unit(spec.service)
        payload = unit.fetch(aws_target(settings, spec.source).clients, spec.region)
        rows = unit.transform(payload, spec.account, spec.region)
        region = ALL_REGIONS if unit.cleanup_all_regions else spec.region
        scopes = (Scope("aws", spec.account, region, unit.labels),)
        nodes, edges, refs, accounts, warnings = (
            rows.nodes,
            rows.edges,
            edges_from_properties(rows.nodes),
            (spec.account,),
            (),
        )
    elif spec.provider == "azure":
        nodes, edges, scopes, warnings = _fetch_azure(spec, settings)
        refs, accounts = (), ()
    else:
        nodes, edges, scopes = _fetch_gcp(spec, settings)
        refs, accounts, warnings = (), (), ()
    written = writer.nodes(nodes, stamp)
    record_graph_writes(settings.redis_url, written, 0)
    return Staged(
        spec,
        written,
        tuple(edges),
        tuple(refs),
        scopes,
        writer.anomalies,
        tuple(writer.anomaly_messages),
        writer.changes,
        warnings,
        time.monotonic() - started,
        accounts,
    )


def finish(staged: Staged, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> UnitOutcome:
    """Phase 2: edges, then scoped cleanup of what this generation did not see."""
    with context.job(job_id):
        return _finish(staged, settings, graph, stamp, job_id)


def _finish(staged: Staged, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> UnitOutcome:
    started = time.monotonic()
    writer = make_writer(graph, settings, job_id)
    edges = writer.edges(staged.edges, stamp)
    refs = writer.edges(staged.references, stamp)  # references to what the graph lacks are normal
    record_graph_writes(settings.redis_url, 0, edges.written + refs.written)
    removed_nodes = removed_edges = 0
    for scope in staged.scopes:
        removed = writer.cleanup(scope, stamp)
        removed_nodes += removed.nodes
        removed_edges += removed.edges
    warnings = list(staged.warnings)
    anomalies = staged.anomalies + writer.anomalies
    if anomalies:
        first = "; ".join((*staged.anomaly_messages, *writer.anomaly_messages)[:3])
        warnings.append(
            f"{staged.spec.key}: {anomalies} row(s) or properties did not fit the schema, kept the rest ({first})"
        )
    return UnitOutcome(
        staged.spec.key,
        "succeeded",
        staged.nodes,
        edges.written + refs.written,
        removed_nodes,
        removed_edges,
        staged.changes + writer.changes,
        anomalies,
        tuple(warnings),
        (),
        staged.seconds + time.monotonic() - started,
        staged.accounts,
    )


def _fetch_azure(
    spec: UnitSpec, settings: Settings
) -> tuple[tuple[NodeRow, ...], tuple[EdgeRow, ...], tuple[Scope, ...], tuple[str, ...]]:
    from ingest.providers.azure.client import azure_errors, https_required, make_client
    from ingest.providers.azure.query import fetch_azure
    from ingest.providers.azure.run import visible_subscriptions
    from ingest.providers.azure.transform import transform_azure

    requested = () if spec.account == ALL_SUBSCRIPTIONS else (spec.account,)
    client = make_client(settings)
    with client, azure_errors(settings.azure_endpoint):
        payload = fetch_azure(client, requested, settings.azure_page_size, https_required(settings))
    seen = visible_subscriptions(payload)
    if requested and spec.account not in seen:
        raise UnitFailedError(
            f"{spec.key}: subscription not visible to these credentials; skipped, nothing removed", warning=True
        )
    rows = transform_azure(payload)
    scopes = tuple(Scope("azure", sub, ALL_REGIONS, AZURE_LABELS) for sub in seen)
    return rows.nodes, rows.edges, scopes, ()


def _fetch_gcp(
    spec: UnitSpec, settings: Settings
) -> tuple[tuple[NodeRow, ...], tuple[EdgeRow, ...], tuple[Scope, ...]]:
    from google.api_core import exceptions as gexc

    from ingest.providers.gcp.client import asset_client, gcp_errors
    from ingest.providers.gcp.fetch import fetch_scope
    from ingest.providers.gcp.transform import transform_gcp

    client = asset_client(settings)
    with gcp_errors(settings.gcp_endpoint):
        try:
            payload = fetch_scope(client, spec.source, settings.gcp_asset_types, settings.gcp_page_size)
        except (gexc.PermissionDenied, gexc.Forbidden) as exc:
            raise UnitFailedError(
                f"{spec.key}: permission denied ({exc.code}); skipped, nothing removed", True
            ) from exc
    out = transform_gcp(payload)
    scopes = tuple(Scope("gcp", account, ALL_REGIONS, GCP_LABELS) for account in sorted({*out.accounts, spec.source}))
    return out.rows.nodes, out.rows.edges, scopes
