"""Retention of the graph's bookkeeping against the real Neo4j: finished jobs by count and age (with their units),
unit records of older jobs (the job keeps its totals), change records by count and age, running jobs untouched,
and `aidiscover history prune` with --dry-run and its exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.settings import JobsSettings, RetentionSettings, Settings
from graph.history import prune_history
from graph.history_sets import fold_changes
from graph.neo4j.client import Graph
from graph.write import SyncStamp
from ingest.jobs.model import JobRequest, UnitOutcome, UnitSpec
from ingest.jobs.retention import PruneReport, enforce
from ingest.jobs.store import create_job, finish_job, get_job, unit_finished

ROOT = Path(__file__).resolve().parents[2]
NO_AGE = JobsSettings().model_copy(update={"history_retention_days": 0})
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
UNITS = (UnitSpec("aws", "111122223333", "eu-west-1", "ec2"), UnitSpec("aws", "111122223333", "eu-west-1", "s3"))


def job(graph: Graph, n: int, days_ago: float, finished: bool = True) -> str:
    """A job created ``days_ago`` before NOW with two units (each wrote 3 nodes); finished unless told."""
    job_id = f"job-{n:03d}"
    at = NOW - timedelta(days=days_ago)
    create_job(graph, job_id, JobRequest("aws", (), (), "test"), "local", SyncStamp(n, at), UNITS)
    graph.write("MATCH (j:Job {id: $id}) SET j.created_at = $at", {"id": job_id, "at": at})
    if finished:
        for spec in UNITS:
            unit_finished(graph, job_id, UnitOutcome(spec.key, "succeeded", nodes=3, edges=2, written=5))
        finish_job(graph, job_id)
    return job_id


def changes(graph: Graph, count: int, days_ago: float) -> None:
    graph.write(
        "UNWIND range(1, $n) AS i CREATE (:Change {id: $tag + toString(i), at: $at, resource_id: 'r'})",
        {"n": count, "tag": f"{days_ago}|", "at": NOW - timedelta(days=days_ago)},
    )


def counts(graph: Graph) -> tuple[int, int, int]:
    rec = graph.read(
        "RETURN COUNT { (:Job) } AS j, COUNT { (:JobUnit) } AS u, COUNT { (:Change) } AS c",
    )[0]
    return rec["j"], rec["u"], rec["c"]


def test_jobs_past_the_count_or_the_age_go_with_their_units_and_older_jobs_keep_only_totals(graph: Graph) -> None:
    ids = [job(graph, n, days_ago=n) for n in range(8)]  # job-000 is the newest
    running = job(graph, 99, days_ago=50, finished=False)
    retention = RetentionSettings(jobs=5, job_days=6, unit_jobs=2, unit_days=0, changes=0)

    dry = enforce(graph, retention, NO_AGE, now=NOW, dry_run=True)
    assert dry == PruneReport(jobs=3, units=6 + 6, changes=0, dry_run=True)  # 5,6,7 go; 2,3,4 lose their units
    assert counts(graph) == (9, 18, 0)  # a dry run removes nothing

    done = enforce(graph, retention, NO_AGE, now=NOW)
    assert done == PruneReport(jobs=3, units=12, changes=0)
    remaining = {r["id"] for r in graph.read("MATCH (j:Job) RETURN j.id AS id")}
    assert remaining == {*ids[:5], running}
    assert [len(get_job(graph, i).units) for i in ids[:5]] == [2, 2, 0, 0, 0]
    stripped = get_job(graph, ids[3])
    assert (stripped.nodes, stripped.edges, stripped.written, stripped.units_total, stripped.units_done) == (
        6,
        4,
        10,
        2,
        2,
    )
    assert len(get_job(graph, running).units) == 2  # a running job is never touched
    assert enforce(graph, retention, NO_AGE, now=NOW).total == 0  # idempotent


def test_change_records_are_kept_by_count_and_by_age_the_oldest_going_first(graph: Graph) -> None:
    changes(graph, 30, days_ago=100)
    changes(graph, 20, days_ago=10)
    changes(graph, 10, days_ago=1)
    assert prune_history(graph, 90, now=NOW, keep=25, dry_run=True) == 30 + 5
    assert counts(graph)[2] == 60
    assert prune_history(graph, 90, now=NOW, keep=25, limit=4) == 35
    ages = graph.read("MATCH (c:Change) RETURN c.id STARTS WITH '10|' AS old, count(*) AS n ORDER BY old")
    assert [(r["old"], r["n"]) for r in ages] == [(False, 10), (True, 15)]
    assert prune_history(graph, 0, now=NOW, keep=0) == 0  # no limit at all keeps everything


def folded_ages(graph: Graph) -> list[tuple[float, int]]:
    """(days before NOW, records) of the folded change records, oldest first."""
    rows = graph.read("MATCH (s:ChangeSet) UNWIND s.ats AS at RETURN at, count(*) AS n ORDER BY at")
    return [((NOW - r["at"].to_native()).total_seconds() / 86400, r["n"]) for r in rows]


def test_folded_change_records_follow_the_same_count_and_age_limits(graph: Graph) -> None:
    changes(graph, 30, days_ago=100)
    changes(graph, 20, days_ago=10)
    changes(graph, 10, days_ago=1)
    retention = RetentionSettings(jobs=0, job_days=0, unit_jobs=0, unit_days=0, changes=25)
    ninety = JobsSettings().model_copy(update={"history_retention_days": 90})
    assert fold_changes(graph) == 60
    assert counts(graph)[2] == 0
    dry = enforce(graph, retention, ninety, now=NOW, dry_run=True)
    assert dry == PruneReport(jobs=0, units=0, changes=30 + 5, dry_run=True)
    assert folded_ages(graph) == [(100.0, 30), (10.0, 20), (1.0, 10)]  # a dry run removes nothing
    assert enforce(graph, retention, ninety, now=NOW) == PruneReport(jobs=0, units=0, changes=35)
    assert folded_ages(graph) == [(10.0, 15), (1.0, 10)]
    assert enforce(graph, retention, ninety, now=NOW).total == 0  # idempotent
    later = NOW + timedelta(days=85)  # the 10-day-old records pass 90 days; the set of day 1 stays
    assert enforce(graph, retention, ninety, now=later) == PruneReport(jobs=0, units=0, changes=15)
    assert folded_ages(graph) == [(1.0, 10)]
    assert graph.read("MATCH (s:ChangeSet) RETURN count(s) AS n")[0]["n"] == 1  # an emptied set goes


def test_count_limit_spans_both_forms_the_folded_records_going_first(graph: Graph) -> None:
    changes(graph, 8, days_ago=3)
    fold_changes(graph)
    changes(graph, 5, days_ago=0.5)  # records of a running job (not folded yet)
    retention = RetentionSettings(jobs=0, job_days=0, unit_jobs=0, unit_days=0, changes=6)
    running = job(graph, 1, days_ago=0.5, finished=False)
    graph.write("MATCH (c:Change) SET c.job_id = $job", {"job": running})
    report = enforce(graph, retention, NO_AGE, now=NOW)
    assert (report.changes, report.folded) == (7, 0)
    assert folded_ages(graph) == [(3.0, 1)]
    assert counts(graph)[2] == 5
    retention = retention.model_copy(update={"changes": 3})
    assert enforce(graph, retention, NO_AGE, now=NOW).changes == 3  # past the folded ones: the oldest nodes
    assert (folded_ages(graph), counts(graph)[2]) == ([], 3)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "history", "prune", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "AIDISCOVER_RETENTION_JOBS": "1",
            "AIDISCOVER_RETENTION_JOB_DAYS": "0",
            "AIDISCOVER_RETENTION_UNIT_JOBS": "0",
            "AIDISCOVER_RETENTION_UNIT_DAYS": "0",
        },
    )


def test_the_prune_command_reports_a_dry_run_then_removes_and_exits_by_what_it_found(
    graph: Graph, settings: Settings
) -> None:
    job(graph, 1, days_ago=0)
    job(graph, 2, days_ago=1)
    dry = _cli(settings, "--dry-run")
    assert dry.returncode == 1, dry.stderr
    assert "history prune: would remove 1 job(s), 2 unit record(s), 0 change record(s)" in dry.stdout
    assert counts(graph)[0] == 2
    done = _cli(settings)
    assert done.returncode == 0, done.stderr
    assert "history prune: removed 1 job(s), 2 unit record(s)" in done.stdout
    assert counts(graph)[0] == 1
    again = _cli(settings, "--dry-run")
    assert (again.returncode, "would remove 0 job(s)" in again.stdout) == (0, True)


def test_the_prune_command_says_how_to_fix_an_unreachable_graph(settings: Settings) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "history", "prune"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NEO4J_URI": "bolt://127.0.0.1:1"},
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("error: Neo4j does not answer at bolt://127.0.0.1:1: run ")


@pytest.mark.unit
def test_retention_settings_read_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDISCOVER_RETENTION_JOBS", "7")
    monkeypatch.setenv("AIDISCOVER_RETENTION_CHANGES", "0")
    assert (RetentionSettings().jobs, RetentionSettings().changes, RetentionSettings().unit_jobs) == (7, 0, 3)
