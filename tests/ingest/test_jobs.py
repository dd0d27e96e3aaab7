"""Discovery jobs end to end against moto, the real Neo4j and Redis: in this process, through a real
Celery worker process, and from the CLI with its progress bars."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings, load_settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.broker import celery_app
from ingest.jobs import hooks
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from ingest.jobs.progress import Progress, follow
from ingest.jobs.store import get_job, list_jobs
from ingest.tasks import submit_job
from queries.history import CHANGE_ROWS
from tests.ingest.jobs_support import ROOT, Worker, diff, duplicate_ids, snapshot, wait_for_job, worker_env

REGION = "eu-west-1"


@pytest.fixture
def job_settings(demo_aws: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIDISCOVER_AWS_REGIONS", REGION)
    base = load_settings()
    monkeypatch.setenv("REDIS_URL", base.redis.url.rsplit("/", 1)[0] + "/13")  # a database of its own
    return load_settings()


@pytest.fixture
def worker(job_settings: Settings, tmp_path: Path) -> Iterator[Worker]:
    celery_app(job_settings).control.purge()
    w = Worker(worker_env(job_settings), tmp_path, concurrency=2)
    yield w
    w.stop()


def test_a_local_job_records_its_units_history_and_a_rerun_changes_nothing(
    job_settings: Settings, graph: Graph
) -> None:
    seen: list[Progress] = []
    job = run_job_local(job_settings, JobRequest("aws", started_by="test"), on_progress=seen.append)
    assert job.status == "succeeded", (job.warnings, job.errors)
    assert job.via == "local"
    assert job.started_by == "test"
    assert job.units_total == len(job.units) == job.units_done > 10
    assert {u.status for u in job.units} == {"succeeded"}
    assert {u.key.split("/")[2] for u in job.units} == {"global", REGION}
    assert job.changes == job.nodes > 0  # the first sync: one 'created' per node written
    created = f"CALL () {{ {CHANGE_ROWS} }} WITH n WHERE n.change = 'created' RETURN count(n) AS c"
    assert graph.read(created)[0]["c"] == job.changes  # folded into change sets once the job finished
    assert graph.read("MATCH (c:Change) RETURN count(c) AS c")[0]["c"] == 0
    assert seen[-1].finished
    assert seen[-1].units_done == job.units_total
    staged = [p.units_staged for p in seen]
    assert staged == sorted(staged)  # progress only moves forward
    first = snapshot(graph)

    again = run_job_local(job_settings, JobRequest("aws", started_by="test"))
    assert again.status == "succeeded"
    assert again.changes == 0
    assert again.removed_nodes == 0
    assert snapshot(graph) == first, diff(snapshot(graph), first)
    assert [j.id for j in list_jobs(graph)] == [again.id, job.id]


def test_post_sync_hooks_run_at_the_end_of_a_job(
    job_settings: Settings, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hooks, "POST_SYNC", (mark_hook_ran, broken_hook))
    job = run_job_local(job_settings, JobRequest("aws", started_by="test"))
    assert graph.read("MATCH (m:Job {id: 'hook-ran'}) RETURN m.scope AS n")[0]["n"] == str(
        graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"]
    )
    assert job.status == "succeeded"
    assert [w for w in job.warnings if "post-sync hook" in w] == [
        f"post-sync hook {broken_hook.__module__}.broken_hook failed: RuntimeError: the hook broke"
    ]


def broken_hook(graph: Graph, settings: Settings) -> None:
    raise RuntimeError("the hook broke")


def mark_hook_ran(graph: Graph, settings: Settings) -> None:
    count = graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"]
    graph.write("MERGE (m:Job {id: 'hook-ran'}) SET m.scope = $n", {"n": str(count)})


def test_a_worker_runs_a_queued_job_and_the_graph_equals_an_in_process_run(
    job_settings: Settings, worker: Worker, graph: Graph
) -> None:
    job_id = submit_job(job_settings, JobRequest("aws", regions=(REGION,), started_by="test"))
    events = [e for e in follow(job_settings.redis.url, job_id) if e is not None]
    job = wait_for_job(graph, job_id, 120)
    assert job.status == "succeeded", (job.errors, worker.output())
    assert job.via == "worker"
    assert job.id == job_id
    assert events[-1].finished
    assert events[-1].units_done == job.units_total
    assert max(e.units_staged for e in events) == job.units_total
    assert duplicate_ids(graph) == []
    assert all(u.attempts == 1 for u in get_job(graph, job_id).units)
    via_worker = snapshot(graph)

    graph.wipe()
    local = run_job_local(job_settings, JobRequest("aws", regions=(REGION,), started_by="test"))
    assert local.status == "succeeded"
    assert snapshot(graph) == via_worker
    assert (local.nodes, local.edges) == (job.nodes, job.edges)


def test_the_cli_shows_progress_bars_and_a_summary(job_settings: Settings, graph: Graph) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "discover", "aws", "--region", REGION],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=worker_env(job_settings, {"AIDISCOVER_LOG_LEVEL": "WARNING"}),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("nodes [........................] 0/")
    assert any("edges+cleanup [########################]" in line for line in lines)
    job = list_jobs(graph, 1)[0]
    assert lines[-1] == (
        f"job {job.id} succeeded: {job.units_total} unit(s), 0 failed; {job.nodes} nodes, {job.edges} edges in sync, "
        f"{job.written} written; 0 stale nodes removed; {job.changes} change(s) recorded; {job.seconds:.1f} s"
    )
