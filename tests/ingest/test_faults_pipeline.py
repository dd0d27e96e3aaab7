"""Faults in the job pipeline, against the real services: a generated two-account estate in moto, real
Celery worker processes, our own Neo4j and Redis (stopped and restarted by the tests themselves).

Every test compares the graph with a clean run's: no duplicate, nothing missing, nothing extra.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings, load_settings
from devclouds.estate_generator import generate_estate
from devclouds.estate_manifest import AUDIT_ROLE, AWS_ACCOUNTS
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.server.neo4j_server import Neo4jServer
from graph.server.redis_server import RedisServer
from ingest.broker import celery_app
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from ingest.jobs.store import get_job
from ingest.tasks import LOST, submit_job
from tests.ingest.jobs_support import Worker, diff, duplicate_ids, snapshot, wait_for_job, wait_until, worker_env

# Each test runs a clean job, a faulty one and a rerun of ~80 tasks on a shared 2-core machine.
pytestmark = [pytest.mark.timeout(900), pytest.mark.slow]

REGION = "eu-west-1"
Snapshot = tuple[frozenset[Any], frozenset[Any]]


@pytest.fixture(scope="module")
def estate() -> Iterator[MotoServer]:
    with MotoServer() as server:
        server.reset()  # moto's state is per process: earlier modules' estates would collide with this one
        generate_estate("S", 7, server.url)
        yield server


@pytest.fixture
def fault_env(estate: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    base = load_settings()
    env = {
        "AWS_ENDPOINT_URL": estate.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AIDISCOVER_AWS_ROLE_ARNS": ",".join(f"arn:aws:iam::{a}:role/{AUDIT_ROLE}" for a in AWS_ACCOUNTS),
        "AIDISCOVER_AWS_REGIONS": REGION,
        "REDIS_URL": base.redis.url.rsplit("/", 1)[0] + "/12",  # a database of its own
        "AIDISCOVER_TASK_VISIBILITY_TIMEOUT": "10",  # a dead worker's tasks go to another one after 10 s
        "AIDISCOVER_JOB_UNIT_RETRIES": "8",
    }
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def fault_settings(fault_env: dict[str, str]) -> Settings:
    settings = load_settings()
    celery_app(settings).control.purge()
    return settings


@pytest.fixture(scope="module")
def clean_runs() -> dict[str, Snapshot]:
    return {}


@pytest.fixture
def clean(fault_settings: Settings, graph: Graph, clean_runs: dict[str, Snapshot]) -> Snapshot:
    """The graph a clean in-process run of the estate writes (computed once per module); the graph is wiped after."""
    if "all" not in clean_runs:
        job = run_job_local(fault_settings, JobRequest("aws", started_by="clean"))
        assert job.status == "succeeded", job.errors
        clean_runs["all"] = snapshot(graph)
        graph.wipe()
    return clean_runs["all"]


@pytest.fixture
def workers(fault_env: dict[str, str], tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for w in started:
        w.stop()


def start_worker(workers: list[Worker], fault_settings: Settings, tmp_path: Path, name: str, n: int = 1) -> Worker:
    w = Worker(worker_env(fault_settings), tmp_path, concurrency=n, name=name)
    workers.append(w)
    return w


def staged_units(graph: Graph, job_id: str) -> int:
    return get_job(graph, job_id).units_staged


def assert_equals_clean(graph: Graph, clean: Snapshot) -> None:
    assert duplicate_ids(graph) == []
    now = snapshot(graph)
    assert now == clean, diff(now, clean)


def test_a_worker_killed_mid_job_loses_nothing_and_a_rerun_equals_a_clean_run(
    fault_settings: Settings, graph: Graph, clean: Snapshot, workers: list[Worker], tmp_path: Path
) -> None:
    first = start_worker(workers, fault_settings, tmp_path, "doomed")
    job_id = submit_job(fault_settings, JobRequest("aws", started_by="test"))
    running: list[str] = []

    def mid_unit() -> bool:  # phase 1, a few units staged, one of them running right now
        job = get_job(graph, job_id)
        running[:] = [u.key for u in job.units if u.status == "running"]
        return job.units_staged >= 3 and job.units_done == 0 and bool(running)

    wait_until(mid_unit, 120, "a unit running after three wrote their nodes")
    first.kill()  # SIGKILL, mid-unit: the unit it was running is neither finished nor acknowledged
    assert not get_job(graph, job_id).finished

    second = start_worker(workers, fault_settings, tmp_path, "survivor")
    resumed = wait_for_job(graph, job_id, 300)  # the killed unit is redelivered to the new worker
    assert resumed.status == "succeeded", (resumed.errors, second.output())
    attempts = {u.key: u.attempts for u in resumed.units}
    assert [attempts[k] for k in running] == [2] * len(running)  # the unit the kill interrupted ran again
    assert_equals_clean(graph, clean)

    rerun = wait_for_job(graph, submit_job(fault_settings, JobRequest("aws", started_by="test")), 300)
    assert rerun.status == "succeeded"
    assert rerun.changes == 0
    assert_equals_clean(graph, clean)


def test_neo4j_restarted_mid_ingest_tasks_retry_and_the_job_completes(
    fault_settings: Settings, graph: Graph, clean: Snapshot, workers: list[Worker], tmp_path: Path
) -> None:
    worker = start_worker(workers, fault_settings, tmp_path, "w")
    job_id = submit_job(fault_settings, JobRequest("aws", started_by="test"))
    wait_until(lambda: staged_units(graph, job_id) >= 1, 120, "a unit to write its nodes")
    assert not get_job(graph, job_id).finished  # the outage below lands mid-job
    server = Neo4jServer(fault_settings.neo4j, fault_settings.neo4j_dir)
    assert server.stop()
    time.sleep(10)  # long enough that the job's next tasks meet the outage, however fast the machine
    server.start()
    job = wait_for_job(graph, job_id, 420)
    assert job.status == "succeeded", (job.errors, worker.output())
    log = worker.log.read_text(errors="replace")
    # the outage was met and retried with backoff: within the driver's managed transaction (short outages,
    # up to 30 s), or by Celery retrying the task (longer ones)
    driver_retried = "Transaction failed and will be retried" in log
    task_retried = "transient failure (Neo4j does not answer" in log and "Retry in" in log
    assert driver_retried or task_retried, log[-3000:]
    assert_equals_clean(graph, clean)


def test_redis_restarted_mid_job_fails_the_job_loudly_and_a_rerun_completes(
    fault_settings: Settings, graph: Graph, clean: Snapshot, workers: list[Worker], tmp_path: Path
) -> None:
    worker = start_worker(workers, fault_settings, tmp_path, "w")
    job_id = submit_job(fault_settings, JobRequest("aws", started_by="test"))
    wait_until(lambda: staged_units(graph, job_id) >= 3, 120, "three units to write their nodes")
    server = RedisServer(fault_settings.redis, fault_settings.redis_dir)
    assert server.stop()
    server.start()  # the append-only file keeps the queue and the job's state up to the last second's writes
    job = wait_for_job(graph, job_id, 180, stall_seconds=30)
    if job.status == "succeeded":  # resumed after all: then it must be complete
        assert_equals_clean(graph, clean)
    else:
        assert job.status == "failed"
        assert any(LOST in e or "no unit of the job reported" in e for e in job.errors), job.errors

    rerun = wait_for_job(graph, submit_job(fault_settings, JobRequest("aws", started_by="test")), 300)
    assert rerun.status == "succeeded", (rerun.errors, worker.output())
    assert_equals_clean(graph, clean)


def test_two_concurrent_jobs_on_different_accounts_leave_both_intact(
    fault_settings: Settings, graph: Graph, clean: Snapshot, workers: list[Worker], tmp_path: Path
) -> None:
    start_worker(workers, fault_settings, tmp_path, "w", n=2)
    one, two = AWS_ACCOUNTS
    first = submit_job(fault_settings, JobRequest("aws", accounts=(one,), started_by="test"))
    second = submit_job(fault_settings, JobRequest("aws", accounts=(two,), started_by="test"))
    jobs = [wait_for_job(graph, first, 300), wait_for_job(graph, second, 300)]
    assert [j.status for j in jobs] == ["succeeded", "succeeded"]
    assert {u.key.split("/")[1] for u in jobs[0].units} == {one}
    assert {u.key.split("/")[1] for u in jobs[1].units} == {two}
    assert_equals_clean(graph, clean)

    # and again, each account once more at the same time: each cleanup stays in its own scope
    again = [submit_job(fault_settings, JobRequest("aws", accounts=(a,), started_by="test")) for a in (two, one)]
    assert [wait_for_job(graph, j, 300).status for j in again] == ["succeeded", "succeeded"]
    assert sum(get_job(graph, j).removed_nodes for j in again) == 0
    assert_equals_clean(graph, clean)
