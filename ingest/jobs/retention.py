"""Bounded bookkeeping: finished jobs, their per-unit records and the change records, kept by count and by age.

``enforce`` runs after every discovery job (``ingest.jobs.finish``) and from `aidiscover history prune`:
finished jobs beyond ``AIDISCOVER_RETENTION_JOBS`` (the most recent kept) or older than
``AIDISCOVER_RETENTION_JOB_DAYS`` go with their units; the jobs that stay beyond
``AIDISCOVER_RETENTION_UNIT_JOBS`` or ``AIDISCOVER_RETENTION_UNIT_DAYS`` lose their per-unit records and
keep their totals. A finished job's units are kept on the Job itself (``ingest.jobs.store.fold_units``), so a
unit record is a node only while its job runs.

The change records of every job that is not running are folded into ``ChangeSet`` nodes, one per account, region
and day (``graph.history_sets.fold_changes``: the same facts, old -> new values included, read by
``queries.history`` like the records), so a ``Change`` node too exists only while its job runs. Change records
in either form follow ``AIDISCOVER_HISTORY_RETENTION_DAYS`` (age) and ``AIDISCOVER_RETENTION_CHANGES`` (count,
the most recent kept; a folded record counts as one, like a ``Change`` node).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from neo4j.exceptions import Neo4jError

from core.settings import JobsSettings, RetentionSettings
from graph.history import count_changes, prune_history
from graph.history_sets import count_records, fold_changes, prune_sets
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
    "RETURN j.id AS id, COUNT { (j)-[:HAS_UNIT]->(:JobUnit) } + size(coalesce(j.unit_records, [])) AS units"
)
_RUNNING = "MATCH (j:Job) WHERE NOT j.status IN $final RETURN collect(j.id) AS ids"
_DELETE_JOBS = (
    "UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE j.status IN $final "
    "OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE u, j"
)
_DELETE_UNITS = (
    "UNWIND $ids AS id MATCH (j:Job {id: id}) WHERE j.status IN $final REMOVE j.unit_records "
    "WITH j OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE u"
)


@dataclass(frozen=True)
class PruneReport:
    """What one enforcement removed (or, on a dry run, would remove)."""

    jobs: int
    units: int
    changes: int
    dry_run: bool = False
    folded: int = 0  # change records folded into change sets (nothing lost: not counted as removed)

    @property
    def total(self) -> int:
        return self.jobs + self.units + self.changes

    def line(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        folded = f"; {self.folded} change record(s) folded into change sets" if self.folded else ""
        return f"{verb} {self.jobs} job(s), {self.units} unit record(s), {self.changes} change record(s){folded}"


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


@dataclass(frozen=True)
class _Beyond:
    id: str
    units: int


def _beyond(graph: Graph, keep: int, cutoff: datetime | None) -> list[_Beyond]:
    if keep <= 0 and cutoff is None:
        return []
    records = graph.read(_BEYOND, {"final": list(FINAL_JOB_STATUSES), "keep": keep, "cutoff": cutoff})
    return [_Beyond(str(r["id"]), int(r["units"])) for r in records]


def _run(graph: Graph, cypher: str, ids: list[str]) -> None:
    for start in range(0, len(ids), CHUNK):
        graph.write(cypher, {"ids": ids[start : start + CHUNK], "final": list(FINAL_JOB_STATUSES)})


def _prune_changes(graph: Graph, days: int, keep: int, now: datetime, dry_run: bool) -> int:
    """Change records past the age limit, then the oldest beyond ``keep``, in both forms: the folded ones are
    older than any left as a node (only a running job's records are nodes), so they go first."""
    cutoff = _cutoff(now, days)
    if dry_run:
        old = (count_changes(graph, cutoff) + count_records(graph, cutoff)) if cutoff is not None else 0
        total = count_changes(graph) + count_records(graph)
        return old + max(0, total - old - keep) if keep > 0 else old
    removed = prune_history(graph, days, now)
    removed += prune_sets(graph, cutoff, 0)
    if keep > 0:
        folded = count_records(graph)
        extra = count_changes(graph) + folded - keep
        if extra > 0:
            removed += prune_sets(graph, None, min(extra, folded))
            removed += prune_history(graph, 0, now, keep=keep)
    return removed


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
        running = graph.read(_RUNNING, {"final": list(FINAL_JOB_STATUSES)})[0]["ids"]
        try:
            folded = fold_changes(graph, running)
        except Neo4jError as exc:  # two folds at once: the other took these records; nothing is lost
            log.warning("history: change records not folded this time (%s); the next job folds them", exc.code)
        _run(graph, _DELETE_JOBS, sorted(doomed_ids))
        _run(graph, _DELETE_UNITS, [j.id for j in stripped])
    changes = _prune_changes(graph, jobs.history_retention_days, retention.changes, now, dry_run)
    report = PruneReport(len(doomed), units, changes, dry_run, folded)
    if report.total and not dry_run:
        log.info("retention: %s", report.line())
    return report
