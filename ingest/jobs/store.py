"""Jobs in the graph: a Job node per discovery and a JobUnit per unit, updated as they run.

Once a job has finished, ``fold_units`` keeps its unit records on the Job itself (``unit_records``, one JSON
object per unit) and removes its JobUnit nodes: a finished job's units are read, never written again, and
as nodes they were most of the graph's bookkeeping (a unit per service, region and account, every sync).

Every write is idempotent (MERGE by id, SET of final values), so a redelivered task rewrites the
same values. ``reap_stalled`` fails a running job none of whose units reported for
``job_stall_seconds`` (its queue was lost, e.g. Redis restarted): a job never stays half-done silently.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import NotFoundError
from graph.neo4j.client import Graph
from graph.write import SyncStamp
from ingest.jobs.model import FINAL_JOB_STATUSES, JobRequest, UnitOutcome, UnitSpec

log = logging.getLogger(__name__)

COUNTS = ("nodes", "edges", "removed_nodes", "removed_edges", "changes", "written")


@dataclass(frozen=True)
class UnitRecord:
    """One unit of a job: a service of one account in one region (or a subscription/scope)."""

    key: str = field(metadata={"doc": "provider/account/region/service"})
    status: str
    attempts: int
    nodes: int
    edges: int
    removed_nodes: int
    removed_edges: int
    changes: int
    anomalies: int
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    seconds: float
    skipped_edges: int = 0
    written: int = 0


@dataclass(frozen=True)
class JobRecord:
    """A discovery job: who started it, what it covers, its progress and totals."""

    id: str
    provider: str
    scope: str
    started_by: str
    status: str = field(metadata={"doc": "queued, running, succeeded, partial or failed"})
    via: str
    created_at: datetime | None
    finished_at: datetime | None
    units_total: int
    units_done: int
    units_failed: int
    units_staged: int
    nodes: int
    edges: int
    removed_nodes: int
    removed_edges: int
    changes: int
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    seconds: float
    units: tuple[UnitRecord, ...] = ()
    written: int = 0

    @property
    def finished(self) -> bool:
        return self.status in FINAL_JOB_STATUSES


def create_job(
    graph: Graph,
    job_id: str,
    request: JobRequest,
    via: str,
    stamp: SyncStamp,
    units: Sequence[UnitSpec],
    warnings: Sequence[str] = (),
) -> None:
    graph.write(
        "MERGE (j:Job {id: $id}) ON CREATE SET j.created_at = $at "
        "SET j.provider = $provider, j.scope = $scope, j.started_by = $by, j.via = $via, j.status = 'running', "
        "j.started_at = $at, j.heartbeat = $at, j.generation = $gen, j.units_total = $total, j.units_done = 0, "
        "j.units_failed = 0, j.warnings = $warnings, j.errors = [] "
        "WITH j UNWIND $units AS u "
        "MERGE (x:JobUnit {id: $id + '/' + u.key}) "
        "ON CREATE SET x.job_id = $id, x.key = u.key, x.provider = u.provider, x.unit_account = u.account, "
        "x.unit_region = u.region, x.service = u.service, x.status = 'pending', x.attempts = 0 "
        "MERGE (j)-[:HAS_UNIT]->(x)",
        {
            "id": job_id,
            "at": stamp.at,
            "gen": stamp.generation,
            "provider": request.provider,
            "scope": request.scope(),
            "by": request.started_by,
            "via": via,
            "total": len(units),
            "warnings": list(warnings),
            "units": [{**u.to_json(), "key": u.key} for u in units],
        },
    )


# A unit's record write also beats the job's heartbeat (the reaper's sign of life) unless ``beat`` is false:
# that SET locks the one Job node, so concurrent units of a job would queue on it; a runner that beats often
# enough by itself (``ingest.jobs.local``: at most once a second) leaves it out of most writes.
_BEAT = "WITH j, x WHERE $beat SET j.heartbeat = $at"


def unit_started(graph: Graph, job_id: str, key: str, phase: str, beat: bool = True) -> None:
    graph.write(
        "MATCH (j:Job {id: $job})-[:HAS_UNIT]->(x:JobUnit {id: $id}) "
        "SET x.attempts = coalesce(x.attempts, 0) + CASE WHEN $phase = 'stage' THEN 1 ELSE 0 END, "
        "x.status = CASE WHEN x.status IN ['succeeded', 'failed', 'staged'] THEN x.status ELSE 'running' END, "
        "x.started_at = coalesce(x.started_at, $at) " + _BEAT,
        {"job": job_id, "id": f"{job_id}/{key}", "phase": phase, "at": datetime.now(UTC), "beat": beat},
    )


def unit_staged(graph: Graph, job_id: str, key: str, nodes: int, beat: bool = True) -> None:
    graph.write(
        "MATCH (j:Job {id: $job})-[:HAS_UNIT]->(x:JobUnit {id: $id}) WHERE NOT x.status IN ['succeeded', 'failed'] "
        "SET x.status = 'staged', x.nodes = $nodes " + _BEAT,
        {"job": job_id, "id": f"{job_id}/{key}", "nodes": nodes, "at": datetime.now(UTC), "beat": beat},
    )


def unit_finished(graph: Graph, job_id: str, outcome: UnitOutcome, beat: bool = True) -> None:
    now = datetime.now(UTC)
    graph.write(
        "MATCH (j:Job {id: $job})-[:HAS_UNIT]->(x:JobUnit {id: $id}) "
        "SET x.status = $status, x.nodes = $nodes, x.edges = $edges, x.removed_nodes = $rn, x.removed_edges = $re, "
        "x.changes = $changes, x.anomalies = $anomalies, x.warnings = $warnings, x.errors = $errors, "
        "x.seconds = $seconds, x.skipped_edges = $skipped, x.written = $written, x.finished_at = $at " + _BEAT,
        {
            "beat": beat,
            "job": job_id,
            "id": f"{job_id}/{outcome.key}",
            "status": outcome.status,
            "nodes": outcome.nodes,
            "edges": outcome.edges,
            "rn": outcome.removed_nodes,
            "re": outcome.removed_edges,
            "changes": outcome.changes,
            "anomalies": outcome.anomalies,
            "warnings": list(outcome.warnings),
            "errors": list(outcome.errors),
            "seconds": outcome.seconds,
            "skipped": outcome.skipped_edges,
            "written": outcome.written,
            "at": now,
        },
    )


def finish_job(graph: Graph, job_id: str, warnings: Sequence[str] = (), errors: Sequence[str] = ()) -> JobRecord:
    """Total the units into the Job and set its final status (failed / partial / succeeded)."""
    job = get_job(graph, job_id)
    status = _final_status(job, errors)
    unit_warnings = [w for u in job.units for w in u.warnings]
    unit_errors = [e for u in job.units for e in u.errors]
    now = datetime.now(UTC)
    totals = {c: sum(getattr(u, c) for u in job.units) for c in COUNTS}
    graph.write(
        "MATCH (j:Job {id: $id}) SET j.status = $status, j.finished_at = $at, j.heartbeat = $at, "
        "j.seconds = duration.inSeconds(j.started_at, $at).milliseconds / 1000.0, "
        "j.warnings = coalesce(j.warnings, []) + $warnings, j.errors = coalesce(j.errors, []) + $errors, "
        "j.units_done = $done, j.units_failed = $failed, j.nodes = $nodes, j.edges = $edges, "
        "j.removed_nodes = $removed_nodes, j.removed_edges = $removed_edges, j.changes = $changes, "
        "j.written = $written",
        {
            "id": job_id,
            "status": status,
            "at": now,
            "warnings": [*unit_warnings, *warnings],
            "errors": [*unit_errors, *errors],
            "done": sum(u.status in ("succeeded", "failed") for u in job.units),
            "failed": sum(u.status == "failed" for u in job.units),
            **totals,
        },
    )
    return get_job(graph, job_id)


def _final_status(job: JobRecord, errors: Sequence[str]) -> str:
    if errors:
        return "failed"
    failed = sum(u.status == "failed" for u in job.units)
    if job.units and failed == len(job.units):
        return "failed"
    return "partial" if failed else "succeeded"


def fail_job(graph: Graph, job_id: str, error: str) -> None:
    """Mark a job failed with ``error`` unless it already finished; its unfinished units removed nothing."""
    graph.write(
        "MATCH (j:Job {id: $id}) WHERE NOT j.status IN $final "
        "SET j.status = 'failed', j.finished_at = $at, j.errors = coalesce(j.errors, []) + [$error]",
        {"id": job_id, "final": list(FINAL_JOB_STATUSES), "at": datetime.now(UTC), "error": error},
    )
    log.error("job %s failed: %s", job_id, error)


def reap_stalled(graph: Graph, stall_seconds: int, now: datetime | None = None) -> list[str]:
    """Fail every running job whose units have not reported for ``stall_seconds``; returns their ids."""
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=stall_seconds)
    records = graph.read(
        "MATCH (j:Job) WHERE j.status = 'running' AND j.heartbeat < $cutoff RETURN j.id AS id", {"cutoff": cutoff}
    )
    ids = [str(r["id"]) for r in records]
    for job_id in ids:
        fail_job(
            graph,
            job_id,
            f"no unit of the job reported for {stall_seconds} s (its queued tasks were lost, "
            "e.g. Redis restarted, or no worker runs); units that did not finish removed "
            "nothing; run the job again",
        )
    return ids


_JOB_FIELDS = "j {.*, units: [(j)-[:HAS_UNIT]->(u) | u {.*}]} AS job"

_UNIT_FIELDS = (
    "key",
    "status",
    "attempts",
    "nodes",
    "edges",
    "removed_nodes",
    "removed_edges",
    "changes",
    "anomalies",
    "warnings",
    "errors",
    "seconds",
    "skipped_edges",
    "written",
)
_FOLD_UNITS = (
    "MATCH (j:Job {id: $id}) WHERE j.status IN $final "
    "SET j.unit_records = $records "
    "WITH j MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE u"
)


def fold_units(graph: Graph, job_id: str) -> int:
    """Move a finished job's unit records from its JobUnit nodes onto the Job (``unit_records``); returns how
    many units were folded (0 for a job still running, or folded already)."""
    records = graph.read(
        "MATCH (j:Job {id: $id})-[:HAS_UNIT]->(u:JobUnit) WHERE j.status IN $final RETURN u {.*} AS u",
        {"id": job_id, "final": list(FINAL_JOB_STATUSES)},
    )
    if not records:
        return 0
    units = sorted((r["u"] for r in records), key=lambda u: str(u.get("key")))
    texts = [json.dumps({k: u.get(k) for k in _UNIT_FIELDS}, separators=(",", ":")) for u in units]
    graph.write(_FOLD_UNITS, {"id": job_id, "final": list(FINAL_JOB_STATUSES), "records": texts})
    return len(texts)


def get_job(graph: Graph, job_id: str) -> JobRecord:
    records = graph.read(f"MATCH (j:Job {{id: $id}}) RETURN {_JOB_FIELDS}", {"id": job_id})
    if not records:
        raise NotFoundError(f"no discovery job {job_id!r}; list them with the discoveryJobs query")
    return _job(records[0]["job"])


def list_jobs(graph: Graph, first: int = 20, status: str | None = None) -> list[JobRecord]:
    records = graph.read(
        "MATCH (j:Job) WHERE $status IS NULL OR j.status = $status "
        f"WITH j ORDER BY j.created_at DESC LIMIT $first RETURN {_JOB_FIELDS}",
        {"status": status, "first": max(1, min(first, 200))},
    )
    return [_job(r["job"]) for r in records]


def _dt(value: Any) -> datetime | None:
    return value.to_native() if value is not None else None


def _unit(u: dict[str, Any]) -> UnitRecord:
    return UnitRecord(
        key=u["key"],
        status=u.get("status") or "pending",
        attempts=int(u.get("attempts") or 0),
        nodes=int(u.get("nodes") or 0),
        edges=int(u.get("edges") or 0),
        removed_nodes=int(u.get("removed_nodes") or 0),
        removed_edges=int(u.get("removed_edges") or 0),
        changes=int(u.get("changes") or 0),
        anomalies=int(u.get("anomalies") or 0),
        warnings=tuple(u.get("warnings") or ()),
        errors=tuple(u.get("errors") or ()),
        seconds=float(u.get("seconds") or 0.0),
        skipped_edges=int(u.get("skipped_edges") or 0),
        written=int(u.get("written") or 0),
    )


def _job(j: dict[str, Any]) -> JobRecord:
    found = j.get("units") or [json.loads(text) for text in j.get("unit_records") or ()]
    units = tuple(sorted((_unit(u) for u in found), key=lambda u: u.key))
    if not units and j.get("finished_at") is not None:
        return _totals_only(j)  # its unit records went with retention: the totals finish_job stored stay
    final = ("succeeded", "failed")
    return JobRecord(
        id=j["id"],
        provider=j.get("provider") or "",
        scope=j.get("scope") or "",
        started_by=j.get("started_by") or "",
        status=j.get("status") or "",
        via=j.get("via") or "",
        created_at=_dt(j.get("created_at")),
        finished_at=_dt(j.get("finished_at")),
        units_total=int(j.get("units_total") or 0),
        units_done=sum(u.status in final for u in units),
        units_failed=sum(u.status == "failed" for u in units),
        units_staged=sum(u.status in (*final, "staged") for u in units),
        nodes=sum(u.nodes for u in units),
        edges=sum(u.edges for u in units),
        removed_nodes=sum(u.removed_nodes for u in units),
        removed_edges=sum(u.removed_edges for u in units),
        changes=sum(u.changes for u in units),
        warnings=tuple(j.get("warnings") or ()),
        errors=tuple(j.get("errors") or ()),
        seconds=float(j.get("seconds") or 0.0),
        units=units,
        written=sum(u.written for u in units),
    )


def _totals_only(j: dict[str, Any]) -> JobRecord:
    def count(name: str) -> int:
        return int(j.get(name) or 0)

    return JobRecord(
        id=j["id"],
        provider=j.get("provider") or "",
        scope=j.get("scope") or "",
        started_by=j.get("started_by") or "",
        status=j.get("status") or "",
        via=j.get("via") or "",
        created_at=_dt(j.get("created_at")),
        finished_at=_dt(j.get("finished_at")),
        units_total=count("units_total"),
        units_done=count("units_done"),
        units_failed=count("units_failed"),
        units_staged=count("units_done"),
        nodes=count("nodes"),
        edges=count("edges"),
        removed_nodes=count("removed_nodes"),
        removed_edges=count("removed_edges"),
        changes=count("changes"),
        warnings=tuple(j.get("warnings") or ()),
        errors=tuple(j.get("errors") or ()),
        seconds=float(j.get("seconds") or 0.0),
        written=count("written"),
    )
