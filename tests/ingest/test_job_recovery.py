"""Jobs survive a killed worker and a flushed broker, with no beat running: real Celery worker processes,
the real Neo4j and Redis, the demo estate in moto behind the fault proxy (which makes one unit slow:
its ``DescribeInstances`` call waits in the proxy, so the unit is mid-way for as long as a test needs)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from core.settings import Settings, load_settings
from devclouds.aws_faults import FaultProxy, FaultRule
from devclouds.demo_estate import seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.write import SyncStamp
from ingest.broker import celery_app
from ingest.jobs.model import JobRequest, UnitSpec, stamp_to_json
from ingest.jobs.reaping import LOCK_KEY, LOST, Reaped, beat_key, reap_once, stalled, state_key
from ingest.jobs.store import create_job, get_job
from ingest.tasks import STAGE, START_JOB, submit_job
from tests.ingest.jobs_support import Worker, duplicate_ids, wait_for_job, wait_until, worker_env

pytestmark = pytest.mark.timeout(400)

REGION = "eu-west-1"
SLOW = "Action=DescribeInstances"  # the ec2 unit's call the proxy holds back


@pytest.fixture
def proxy(moto: MotoServer) -> Iterator[FaultProxy]:
    seed_demo_estate(moto.url)
    fault_proxy = FaultProxy(moto.url)
    fault_proxy.start()
    yield fault_proxy
    fault_proxy.rules.clear()
    fault_proxy.stop()


@pytest.fixture
def env(proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The workers' and this process's settings: discovery through the proxy, a Redis database of its own,
    a small reap interval; the visibility timeout is the default unless a test sets it."""
    base = load_settings()
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    monkeypatch.setenv("AIDISCOVER_AWS_REGIONS", REGION)
    monkeypatch.setenv("REDIS_URL", base.redis.url.rsplit("/", 1)[0] + "/11")
    monkeypatch.setenv("AIDISCOVER_JOB_REAP_INTERVAL", "3")
    monkeypatch.delenv("AIDISCOVER_TASK_VISIBILITY_TIMEOUT", raising=False)
    monkeypatch.delenv("AIDISCOVER_JOB_STALL_SECONDS", raising=False)
    return monkeypatch


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for w in started:
        w.stop()


def start(workers: list[Worker], settings: Settings, tmp_path: Path, name: str, n: int = 1) -> Worker:
    w = Worker(worker_env(settings), tmp_path, concurrency=n, name=name)
    workers.append(w)
    return w


def fresh(settings: Settings) -> Settings:
    """``settings`` after emptying its Redis database (no queued task or job state from an earlier test)."""
    redis.Redis.from_url(settings.redis.url).flushdb()
    celery_app(settings).control.purge()
    return settings


def slow_unit(graph: Graph, job_id: str, proxy: FaultProxy) -> str | None:
    """The ec2 unit's key once it is running and its call is held in the proxy."""
    units = [u for u in get_job(graph, job_id).units if u.key.endswith(f"/{REGION}/ec2")]
    if units and units[0].status == "running" and proxy.rules and proxy.rules[0].injected:
        return units[0].key
    return None


@pytest.mark.slow  # a soak: waits out the shipped 60 s visibility timeout
def test_a_killed_worker_unit_runs_again_within_two_minutes_with_the_default_settings(
    env: pytest.MonkeyPatch, proxy: FaultProxy, graph: Graph, workers: list[Worker], tmp_path: Path
) -> None:
    settings = fresh(load_settings())
    assert settings.jobs.task_visibility_timeout == 60  # the default: the bound below holds as shipped
    proxy.rules.append(FaultRule("delay", service="ec2", region=REGION, body_contains=SLOW, delay=45))
    first = start(workers, settings, tmp_path, "doomed")
    job_id = submit_job(settings, JobRequest("aws", regions=(REGION,), started_by="test"))
    wait_until(lambda: slow_unit(graph, job_id, proxy), 120, "the ec2 unit to be mid-way")
    key = slow_unit(graph, job_id, proxy)
    first.kill()  # SIGKILL of the main process and its pool children: nothing acknowledges or rejects the unit
    killed_at = time.monotonic()
    proxy.rules.clear()  # the unit's next run is quick
    assert not get_job(graph, job_id).finished

    second = start(workers, settings, tmp_path, "survivor", n=2)
    attempts = lambda: {u.key: u.attempts for u in get_job(graph, job_id).units}[key]  # noqa: E731
    wait_until(lambda: attempts() == 2, 130, "the killed unit to run again")
    retried_after = time.monotonic() - killed_at
    assert retried_after <= 120, retried_after

    job = wait_for_job(graph, job_id, 180)
    finished_after = time.monotonic() - killed_at
    assert job.status == "succeeded", (job.errors, second.output())
    assert finished_after <= 120, (retried_after, finished_after)  # and the whole job is done within 2 minutes
    assert {u.key: u.attempts for u in job.units if u.attempts != 1} == {key: 2}
    assert job.units_done == job.units_total
    assert job.nodes == sum(u.nodes for u in job.units)  # counted once, although the unit ran twice
    assert duplicate_ids(graph) == []


@pytest.mark.slow  # a soak: a 16 s unit outlives the visibility timeout and the stall limit
def test_a_unit_slower_than_the_visibility_timeout_runs_once_and_its_job_is_not_reaped(
    env: pytest.MonkeyPatch, proxy: FaultProxy, graph: Graph, workers: list[Worker], tmp_path: Path
) -> None:
    env.setenv("AIDISCOVER_TASK_VISIBILITY_TIMEOUT", "4")  # swept back after 4 s unless its worker re-stamps it
    env.setenv("AIDISCOVER_JOB_STALL_SECONDS", "10")  # the slow unit reports nothing for longer than this
    settings = fresh(load_settings())
    rule = FaultRule("delay", service="ec2", region=REGION, body_contains=SLOW, delay=16)
    proxy.rules.append(rule)
    worker = start(workers, settings, tmp_path, "w", n=2)  # a free slot that a swept-back copy would run in
    job_id = submit_job(settings, JobRequest("aws", regions=(REGION,), started_by="test"))
    job = wait_for_job(graph, job_id, 240)
    assert job.status == "succeeded", (job.errors, worker.output())
    assert [u.key for u in job.units if u.attempts != 1] == []  # no unit handed out twice
    assert rule.injected == 1  # the slow call was made once
    slow = next(u for u in job.units if u.key.endswith(f"/{REGION}/ec2"))
    assert slow.seconds >= 16 > settings.jobs.stall_seconds  # silent longer than the stall limit, yet not reaped
    assert "job reaper: ran" in worker.log.read_text(errors="replace")  # the reaper did run meanwhile


def test_a_flushed_redis_fails_its_running_jobs_within_the_reap_interval_without_beat(
    env: pytest.MonkeyPatch, proxy: FaultProxy, graph: Graph, workers: list[Worker], tmp_path: Path
) -> None:
    settings = fresh(load_settings())
    assert settings.jobs.stall_seconds == 900  # not what reaps it: the lost state is noticed at once
    proxy.rules.append(FaultRule("delay", service="ec2", region=REGION, body_contains=SLOW, delay=60))
    worker = start(workers, settings, tmp_path, "w")  # and no `aidiscover beat`
    job_id = submit_job(settings, JobRequest("aws", regions=(REGION,), started_by="test"))
    wait_until(lambda: slow_unit(graph, job_id, proxy), 120, "the ec2 unit to be mid-way")
    redis.Redis.from_url(settings.redis.url).flushall()  # the queue, the unacked tasks and the job's state
    flushed_at = time.monotonic()
    wait_until(lambda: get_job(graph, job_id).finished, settings.jobs.reap_interval + 15, "the job to be reaped")
    reaped_after = time.monotonic() - flushed_at
    job = get_job(graph, job_id)
    assert job.status == "failed"
    assert job.errors == (LOST,)
    assert reaped_after <= settings.jobs.reap_interval + 3, reaped_after  # one interval, plus a query's time
    assert "marked failed: " + LOST in worker.log.read_text(errors="replace")
    proxy.rules.clear()


def _job(graph: Graph, job_id: str, via: str, heartbeat: datetime) -> None:
    spec = UnitSpec("aws", "123456789012", REGION, "ec2")
    create_job(graph, job_id, JobRequest("aws", started_by="test"), via, SyncStamp(1, heartbeat), (spec,))


def test_the_reaper_runs_in_one_place_at_a_time_and_spares_jobs_that_report(
    env: pytest.MonkeyPatch, graph: Graph
) -> None:
    env.setenv("AIDISCOVER_JOB_REAP_INTERVAL", "60")
    settings = fresh(load_settings())
    client = redis.Redis.from_url(settings.redis.url)
    now, old = datetime.now(UTC), datetime.now(UTC) - timedelta(hours=1)
    _job(graph, "reporting", "worker", now)  # a unit reported just now
    _job(graph, "held", "worker", old)  # silent for an hour, but a live worker runs one of its units
    _job(graph, "queued", "worker", old)  # silent, but its units wait in the queue behind other jobs'
    _job(graph, "silent", "worker", old)  # silent, no worker runs any of its units, none is queued
    _job(graph, "lost", "worker", now)  # Redis lost its state (flushed, or restarted without persistence)
    _job(graph, "local", "local", now)  # runs in a CLI process: it has no state in Redis
    for job_id in ("reporting", "held", "queued", "silent"):
        client.set(state_key(job_id), "dispatched")
    client.set(beat_key("held"), "1", ex=60)
    celery_app(settings).send_task(STAGE, args=("queued", {}, {}))  # no worker runs: it stays in the queue

    results: list[list[Reaped] | None] = []
    barrier = threading.Barrier(8)

    def contend() -> None:
        with Graph(settings.neo4j, settings.redis) as own:
            barrier.wait()
            results.append(reap_once(settings.jobs, own, redis.Redis.from_url(settings.redis.url)))

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ran = [r for r in results if r is not None]
    assert len(results) == 8
    assert len(ran) == 1  # one of eight simultaneous reapers ran
    assert sorted(ran[0], key=lambda r: r.job_id) == [Reaped("lost", LOST), Reaped("silent", stalled(900))]
    assert reap_once(settings.jobs, graph, client) is None  # and none other within the interval
    spared = ("reporting", "held", "queued", "local")
    assert {j: get_job(graph, j).status for j in spared} == dict.fromkeys(spared, "running")
    assert get_job(graph, "silent").errors == (stalled(900),)
    assert get_job(graph, "lost").errors == (LOST,)

    client.delete(LOCK_KEY)  # the interval is over
    assert reap_once(settings.jobs, graph, client) == []  # nothing else to reap


def test_a_start_job_redelivered_mid_dispatch_plans_again_with_its_first_stamp(
    env: pytest.MonkeyPatch, graph: Graph, workers: list[Worker], tmp_path: Path
) -> None:
    settings = fresh(load_settings())
    job_id = "start-redelivered"
    first = SyncStamp(time.time_ns() // 1000 - 60_000_000, datetime.now(UTC) - timedelta(minutes=1))
    # what a start_job killed after planning, maybe after queuing some units, leaves behind
    redis.Redis.from_url(settings.redis.url).set(state_key(job_id), json.dumps(stamp_to_json(first)))
    kwargs = {"provider": "aws", "regions": [REGION], "started_by": "test"}
    celery_app(settings).send_task(START_JOB, kwargs=kwargs, task_id=job_id)  # its redelivery
    worker = start(workers, settings, tmp_path, "w")
    job = wait_for_job(graph, job_id, 180)
    assert job.status == "succeeded", (job.errors, worker.output())
    generations = graph.read("MATCH (n:Resource) RETURN collect(DISTINCT n.last_sync) AS g")[0]["g"]
    assert generations == [first.generation]  # one generation: a unit queued by the first run removes nothing
    assert graph.read("MATCH (j:Job {id: $id}) RETURN j.generation AS g", {"id": job_id})[0]["g"] == first.generation
