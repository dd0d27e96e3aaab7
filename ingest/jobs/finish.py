"""The end of every discovery job: derived links, post-sync hooks, retention, final status, events.

A job that wrote and removed nothing (an unchanged estate re-synced) leaves the graph as the last job left it,
so the derived links and the post-sync hooks, which read only the graph, are skipped."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from core.settings import Settings
from graph.links import apply_links
from graph.neo4j.client import Graph
from graph.write import SyncStamp
from ingest.broker import queue_events
from ingest.jobs.progress import Progress, publish
from ingest.jobs.retention import enforce
from ingest.jobs.store import JobRecord, finish_job, fold_units, get_job

if TYPE_CHECKING:
    from ingest.jobs.hooks import Hook

log = logging.getLogger(__name__)


def complete_job(
    graph: Graph,
    settings: Settings,
    job_id: str,
    stamp: SyncStamp,
    accounts: Iterable[str],
    hooks: Sequence[Hook] | None = None,
    kinds: Collection[str] | None = None,
) -> JobRecord:
    """Run once every unit has finished (or failed): links per AWS account of ``accounts`` (those a unit
    changed), hooks (default: every post-sync hook) unless nothing changed, retention; totals and status.
    ``kinds``: the labels the units may have changed (None: unknown); the hooks then look only at what reads
    them (``ingest.jobs.hooks.run_post_sync``)."""
    warnings: list[str] = []
    so_far = get_job(graph, job_id)
    if so_far.written or so_far.removed_nodes or so_far.removed_edges:
        for account in sorted(set(accounts)):  # edges matched across services (DNS names, addresses)
            apply_links(graph, account, stamp)
        # The hooks' modules (findings catalogue, cost tables, derived rules) load only when they run.
        from ingest.jobs.hooks import run_post_sync

        warnings += run_post_sync(graph, settings, hooks, kinds)
    else:
        log.info("job %s wrote and removed nothing: derived links and post-sync hooks skipped", job_id)
    job = finish_job(graph, job_id, warnings)
    fold_units(graph, job_id)  # a finished job's units live on as a property of the Job, not as nodes
    pruned = enforce(graph, settings.retention, settings.jobs)
    publish(settings.redis.url, Progress.of(job, f"finished; retention {pruned.line()}"))
    notify(settings, job)
    log.info("job %s %s: %s nodes, %s edges, %s changes", job.id, job.status, job.nodes, job.edges, job.changes)
    return job


def job_event(job: JobRecord) -> dict[str, object]:
    return {
        "type": "job.failed" if job.status == "failed" else "job.succeeded",
        "job_id": job.id,
        "status": job.status,
        "provider": job.provider,
        "scope": job.scope,
        "started_by": job.started_by,
        "nodes": job.nodes,
        "edges": job.edges,
        "changes": job.changes,
        "units_total": job.units_total,
        "units_failed": job.units_failed,
        "warnings": len(job.warnings),
        "errors": list(job.errors[:5]),
    }


def notify(settings: Settings, job: JobRecord) -> None:
    """Queue ``aidiscover.notify`` with the job's event; best effort (a job that wrote the graph stays done)."""
    queue_events(settings, [job_event(job)])
