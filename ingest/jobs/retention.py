"""Bounded bookkeeping: finished jobs, their per-unit records and the change records, kept by count and by age.

``enforce`` runs after every discovery job (``ingest.jobs.finish``) and from `aidiscover history prune`:
finished jobs beyond ``AIDISCOVER_RETENTION_JOBS`` (the most recent kept) or older than
``AIDISCOVER_RETENTION_JOB_DAYS`` go with their units; the jobs that stay beyond
``AIDISCOVER_RETENTION_UNIT_JOBS`` or ``AIDISCOVER_RETENTION_UNIT_DAYS`` lose their per-unit records and
keep their totals; change records follow ``AIDISCOVER_HISTORY_RETENTION_DAYS`` and
``AIDISCOVER_RETENTION_CHANGES`` (``graph.history.prune_history``). A running job is never touched.

Past the same detail window (or going), a job's ``created`` Change records are folded into ``ChangeSet`` nodes
per account and region (``graph.history_sets.fold_created``: the same facts, a node per thousands of
resources, read by ``queries.history`` like the records), once per job; change sets follow the history's age
limit. A finished job's units are kept on the Job itself (``ingest.jobs.store.fold_units``), so a unit record
is a node only while its job runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.settings import JobsSettings, RetentionSettings
from graph.history import prune_history
from graph.history_sets import CHANGE_SET_LABEL, fold_created
from graph.neo4j.client import Graph
from ingest.jobs.model import FINAL_JOB_STATUSES

__all__ = ["PruneReport", "enforce"]

log = logging.getLogger(__name__)

CHUNK = 1_000

# Finished jobs, most recent first, with their rank; those past the count or the age are returned.
_BEYOND = (
    "MATCH (j:Job) WHERE j.status IN $final "
    "WITH j ORDER BY j.created_at DESC, j.id "
    "WITH collect(j) AS jobs UNWIND range(0, size(jobs) - 1) AS i WITH jobs[i] AS j, i "
    "WHERE ($keep > 0 AND i >= $keep) OR ($cutoff IS NOT NULL AND j.created_at < $cutoff) "
    "RETURN j.id AS id, COUNT { (j)-[:HAS_UNIT]->(:JobUnit) } + size(coalesce(j.unit_records, [])) AS units, "
    "j.started_at AS at, j.creations_folded IS NOT NULL AS folded"
)
_DELETE_JOBS = (
    "UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE j.status IN $final "
    "OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE u, j"
)
_DELETE_UNITS = (
    "UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE j.status IN $final REMOVE j.unit_records "
    "WITH j OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE u"
)
_MARK_FOLDED = "UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE j.status IN $final SET j.creations_folded = true"
_OLD_SETS = f"MATCH (s:{CHANGE_SET_LABEL}) WHERE s.at < $cutoff "


@dataclass(frozen=True)
class PruneReport:
    """What one enforcement removed (or, on a dry run, would remove)."""

    jobs: int
    units: int
    changes: int
    dry_run: bool = False
    folded: int = 0  # created records folded into change sets (nothing lost: not counted as removed)

    @property
    def total(self) -> int:
        return self.jobs + self.units + self.changes

    def line(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        folded = f"; {self.folded} created record(s) folded into change sets" if self.folded else ""
        return f"{verb} {self.jobs} job(s), {self.units} unit record(s), {self.changes} change record(s){folded}"


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


@dataclass(frozen=True)
class _Beyond:
    id: str
    units: int
    at: datetime | None  # the job's sync time (its Change records carry it)
    folded: bool


def _beyond(graph: Graph, keep: int, cutoff: datetime | None) -> list[_Beyond]:
    if keep <= 0 and cutoff is None:
        return []
    records = graph.read(_BEYOND, {"final": list(FINAL_JOB_STATUSES), "keep": keep, "cutoff": cutoff})
    return [_Beyond(str(r["id"]), int(r["units"]), _utc(r["at"]), bool(r["folded"])) for r in records]


def _utc(value: object) -> datetime | None:
    """A stored time as a UTC offset time: read back, its zone is named, and Cypher orders a time in the named zone
    UTC apart from the same instant at offset Z (how the writer stores it)."""
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    assert isinstance(native, datetime)
    return native.astimezone(UTC)


def _fold(graph: Graph, jobs: list[_Beyond]) -> int:
    """Fold the created records of the jobs not folded yet; marks them folded."""
    folded = 0
    todo: list[str] = []
    for job in jobs:
        if not job.folded and job.at is not None:
            folded += fold_created(graph, job.id, job.at)
            todo.append(job.id)
    _run(graph, _MARK_FOLDED, todo)
    return folded


def _prune_sets(graph: Graph, days: int, now: datetime, dry_run: bool) -> int:
    """Change sets past the history's age limit; returns how many created records they held."""
    cutoff = _cutoff(now, days)
    if cutoff is None:
        return 0
    if dry_run:
        return int(graph.read(_OLD_SETS + "RETURN sum(s.count) AS n", {"cutoff": cutoff})[0]["n"] or 0)
    query = _OLD_SETS + "WITH s, s.count AS n DELETE s RETURN sum(n) AS n"
    return int(graph.write_tx(lambda tx: tx.run(query, {"cutoff": cutoff}).single(strict=True)["n"]) or 0)


def _run(graph: Graph, cypher: str, ids: list[str]) -> None:
    for start in range(0, len(ids), CHUNK):
        graph.write(cypher, {"ids": ids[start : start + CHUNK], "final": list(FINAL_JOB_STATUSES)})


def enforce(
    graph: Graph,
    retention: RetentionSettings,
    jobs: JobsSettings,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PruneReport:
    """Remove the bookkeeping past its retention (see the module's doc); ``dry_run`` only counts it."""
    now = now or datetime.now(UTC)
    doomed = _beyond(graph, retention.jobs, _cutoff(now, retention.job_days))
    doomed_ids = {j.id for j in doomed}
    past_window = [
        j for j in _beyond(graph, retention.unit_jobs, _cutoff(now, retention.unit_days)) if j.id not in doomed_ids
    ]
    stripped = [j for j in past_window if j.units]
    units = sum(j.units for j in doomed) + sum(j.units for j in stripped)
    folded = 0
    if not dry_run:
        folded = _fold(graph, [*doomed, *past_window])  # before their jobs go: the records outlive the jobs
        _run(graph, _DELETE_JOBS, sorted(doomed_ids))
        _run(graph, _DELETE_UNITS, [j.id for j in stripped])
    changes = prune_history(graph, jobs.history_retention_days, now, keep=retention.changes, dry_run=dry_run)
    changes += _prune_sets(graph, jobs.history_retention_days, now, dry_run)
    report = PruneReport(len(doomed), units, changes, dry_run, folded)
    if report.total and not dry_run:
        log.info("retention: %s", report.line())
    return report
