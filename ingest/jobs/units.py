"""Run one job unit in two phases, the same way in a Celery worker and in the CLI's own process.

``stage`` reads the unit through its provider (``ingest.providers.unit``: fetch, then a pure
transform) and reconciles the unit's nodes with what its scopes hold (``graph.reconcile``: only new and
changed rows are written); ``finish`` runs once every unit of the job has staged: it writes the new and
changed edges (every end exists now), then removes what the unit's scopes held and this sync no
longer has. Whatever a unit raises before ``finish`` completes, it removes nothing. ``classify``
tells a transient failure (Neo4j or Redis unavailable, a deadlock past the driver's retries: retry
with backoff) from one that fails the unit (the cloud refused or does not answer).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Literal

import neo4j.exceptions
import redis

from core import context
from core.counters import record_graph_writes
from core.errors import Neo4jAuthError, ServiceError, UnitFailedError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.reconcile import FullReconcile, Plan, Reconciled, Reconciler
from graph.rows import EdgeRow, Scope
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.jobs.model import UnitOutcome, UnitSpec, edges_from_json, edges_to_json
from ingest.providers.registry import provider

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
    plan: Plan | None = None  # what the reconciling writer decided (None: staged by rewriting every node)

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
                "plan": self.plan.to_json() if self.plan is not None else None,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Staged:
        d = json.loads(text)
        edges, references = edges_from_json(d["edges"]), edges_from_json(d["references"])
        plan = d.get("plan")
        return cls(
            UnitSpec.from_json(d["spec"]),
            int(d["nodes"]),
            edges,
            references,
            tuple(Scope(p, a, r, tuple(ls)) for p, a, r, ls in d["scopes"]),
            int(d["anomalies"]),
            tuple(d["anomaly_messages"]),
            int(d["changes"]),
            tuple(d["warnings"]),
            float(d["seconds"]),
            tuple(d["accounts"]),
            Plan.from_json(plan, edges, references) if plan is not None else None,
        )


Verdict = Literal["retry", "fail"]


def classify(exc: BaseException) -> Verdict:
    """Transient (retry with backoff) or final for this unit."""
    if isinstance(exc, Neo4jAuthError):
        return "fail"
    if isinstance(exc, ServiceError | redis.ConnectionError | redis.TimeoutError | ConnectionError):
        return "retry"
    if _neo4j_transient(exc):
        return "retry"
    return "fail"


def _neo4j_transient(exc: BaseException) -> bool:
    """A Neo4j error the server calls transient (a deadlock), also when it reaches the unit wrapped: a
    transaction running several queries that reads a result after another failed raises ResultFailedError,
    which the driver's managed retry does not look through."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, neo4j.exceptions.Neo4jError) and current.is_retryable():
            return True
        current = current.__cause__ or current.__context__
    return False


def failure(spec: UnitSpec, exc: BaseException) -> UnitFailedError:
    """The one-line reason a unit failed: what its cloud refused is a warning (the provider says
    which), the rest errors."""
    if isinstance(exc, UnitFailedError):
        return exc
    known = provider(spec.provider).failure(spec, exc)
    if known is not None:
        return known
    return UnitFailedError(f"{spec.key}: {exc.__class__.__name__}: {exc}; skipped, nothing removed", warning=False)


def make_writer(graph: Graph, settings: Settings, job_id: str) -> GraphWriter:
    return GraphWriter(
        graph,
        SCHEMA,
        settings.ingest.write_batch_size,
        strict=False,
        history=settings.jobs.history_enabled,
        job_id=job_id,
        parallelism=settings.ingest.write_parallelism,
    )


def stage(spec: UnitSpec, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> Staged:
    """Phase 1: fetch -> transform -> write nodes. Raises before writing anything when the fetch fails."""
    with context.job(job_id):
        return _stage(spec, settings, graph, stamp, job_id)


def _stage(spec: UnitSpec, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> Staged:
    started = time.monotonic()
    writer = make_writer(graph, settings, job_id)
    rows = provider(spec.provider).unit(spec).read(spec, settings)
    full = FullReconcile(settings.ingest.full_reconcile_every, settings.ingest.full_reconcile_hours, spec.full)
    plan = Reconciler(writer, full=full).stage(rows.nodes, rows.edges, rows.references, rows.scopes, stamp)
    record_graph_writes(settings.redis.url, plan.written, 0)
    return Staged(
        spec,
        plan.nodes,
        plan.edges,
        plan.references,
        rows.scopes,
        writer.anomalies,
        tuple(writer.anomaly_messages),
        writer.changes,
        rows.warnings,
        time.monotonic() - started,
        rows.link_accounts,
        plan,
    )


def _rewrite_finish(writer: GraphWriter, staged: Staged, stamp: SyncStamp) -> Reconciled:
    edges = writer.edges(staged.edges, stamp)
    refs = writer.edges(staged.references, stamp)  # references to what the graph lacks are normal
    removed_nodes = removed_edges = 0
    for scope in staged.scopes:
        removed = writer.cleanup(scope, stamp)
        removed_nodes += removed.nodes
        removed_edges += removed.edges
    written = edges.written + refs.written
    return Reconciled(written, written, edges.skipped, removed_nodes, removed_edges)


def finish(staged: Staged, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> UnitOutcome:
    """Phase 2: the new and changed edges, then the removal of what the unit's scopes no longer hold."""
    with context.job(job_id):
        return _finish(staged, settings, graph, stamp, job_id)


def _finish(staged: Staged, settings: Settings, graph: Graph, stamp: SyncStamp, job_id: str) -> UnitOutcome:
    started = time.monotonic()
    writer = make_writer(graph, settings, job_id)
    if staged.plan is not None:
        done = Reconciler(writer).finish(staged.plan, staged.scopes, stamp)
        written = staged.plan.written + done.written_edges
    else:  # staged by the rewriting writer (every node written): every edge, then cleanup by generation
        done = _rewrite_finish(writer, staged, stamp)
        written = staged.nodes + done.written_edges
    record_graph_writes(settings.redis.url, 0, done.written_edges)
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
        done.edges,
        done.removed_nodes,
        done.removed_edges,
        staged.changes + writer.changes,
        anomalies,
        tuple(warnings),
        (),
        staged.seconds + time.monotonic() - started,
        staged.accounts,
        done.skipped_edges,
        written,
        touched_kinds(staged) if written or done.removed_nodes or done.removed_edges else (),
    )


def touched_kinds(staged: Staged) -> tuple[str, ...]:
    """The labels a staged unit may change: those its scopes cover (its nodes, written or removed) and those of
    the sources of its edges (an edge's change is recorded on its source). A superset, never less."""
    labels = {label for scope in staged.scopes for label in scope.labels}
    labels.update(e.source_label for e in (*staged.edges, *staged.references))
    if staged.plan is not None:
        labels.update(label for label, _, _ in staged.plan.sources)
        labels.update(label for label, _ in staged.plan.vanished)
    return tuple(sorted(labels))
