"""Bounded bookkeeping: finished jobs, their per-unit records and the change records, kept by count and by age.

``enforce`` runs after every discovery job (``ingest.jobs.finish``) and from `aidiscover history prune`:
finished jobs beyond ``AIDISCOVER_RETENTION_JOBS`` (the most recent kept) or older than
``AIDISCOVER_RETENTION_JOB_DAYS`` go with their units; the jobs that stay beyond
``AIDISCOVER_RETENTION_UNIT_JOBS`` or ``AIDISCOVER_RETENTION_UNIT_DAYS`` lose their per-unit records and
keep their totals; change records follow ``AIDISCOVER_HISTORY_RETENTION_DAYS`` and
``AIDISCOVER_RETENTION_CHANGES`` (``graph.history.prune_history``). A running job is never touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.settings import JobsSettings, RetentionSettings
from graph.history import prune_history
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
    "OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) "
    "RETURN j.id AS id, count(u) AS units"
)
_DELETE_JOBS = (
    "UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE j.status IN $final "
    "OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE u, j"
)
_DELETE_UNITS = (
    "UNWIND $ids AS id MATCH (j:Job {id: id})-[:HAS_UNIT]->(u:JobUnit) WHERE j.status IN $final DETACH DELETE u"
)


@dataclass(frozen=True)
class PruneReport:
    """What one enforcement removed (or, on a dry run, would remove)."""

    jobs: int
    units: int
    changes: int
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.jobs + self.units + self.changes

    def line(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return f"{verb} {self.jobs} job(s), {self.units} unit record(s), {self.changes} change record(s)"


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def _beyond(graph: Graph, keep: int, cutoff: datetime | None) -> list[tuple[str, int]]:
    if keep <= 0 and cutoff is None:
        return []
    records = graph.read(_BEYOND, {"final": list(FINAL_JOB_STATUSES), "keep": keep, "cutoff": cutoff})
    return [(str(r["id"]), int(r["units"])) for r in records]


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
    doomed_ids = {job_id for job_id, _ in doomed}
    stripped = [
        (job_id, units)
        for job_id, units in _beyond(graph, retention.unit_jobs, _cutoff(now, retention.unit_days))
        if job_id not in doomed_ids and units
    ]
    units = sum(n for _, n in doomed) + sum(n for _, n in stripped)
    if not dry_run:
        _run(graph, _DELETE_JOBS, sorted(doomed_ids))
        _run(graph, _DELETE_UNITS, [job_id for job_id, _ in stripped])
    changes = prune_history(graph, jobs.history_retention_days, now, keep=retention.changes, dry_run=dry_run)
    report = PruneReport(len(doomed), units, changes, dry_run)
    if report.total and not dry_run:
        log.info("retention: %s", report.line())
    return report
