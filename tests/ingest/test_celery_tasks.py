"""A discovery job queued on Redis and run by a real Celery worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from devclouds.demo_estate import seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.jobs.model import JobRequest
from ingest.tasks import make_celery, submit_job
from tests.discovery import Discovery
from tests.ingest.jobs_support import DISCOVERED, wait_for_job
from tests.settings_update import replace_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_settings(settings: Settings) -> Settings:
    # a Redis database of its own, so queued messages of other runs never reach this worker
    base = settings.redis.url.rsplit("/", 1)[0]
    return replace_settings(settings, redis={"url": f"{base}/14"})


@pytest.fixture
def worker(worker_settings: Settings, moto: MotoServer) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "REDIS_URL": worker_settings.redis.url, "AIDISCOVER_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_worker_process_runs_a_queued_discovery_into_the_graph(
    worker: subprocess.Popen[str], worker_settings: Settings, moto: MotoServer, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    app = make_celery(worker_settings)
    app.control.purge()
    job_id = submit_job(worker_settings, JobRequest("aws", regions=("eu-west-1",), started_by="tests"))
    try:
        outcome = Discovery(wait_for_job(graph, job_id, timeout=180))
    except AssertionError:
        worker.terminate()
        output = worker.communicate(timeout=10)[0]
        raise AssertionError(f"worker failed; its output:\n{output[-3000:]}") from None
    assert outcome.job.status == "succeeded"
    assert outcome.account == "123456789012"
    assert [r for r in outcome.regions if r != "global"] == ["eu-west-1"]  # global services: once per account
    nodes = graph.read(  # what discovery wrote (the worker's post-sync hooks add findings in the region too),
        # with the account's global units (the AWSAccount node naming it)
        "MATCH (n) WHERE n.region IN ['eu-west-1', 'global'] AND any(l IN labels(n) WHERE l IN $kinds) "
        "RETURN count(n) AS c",
        {"kinds": DISCOVERED},
    )[0]["c"]
    assert outcome.nodes == nodes
    names = {r["name"] for r in graph.read("MATCH (n:EC2Instance) RETURN n.name AS name")}
    assert names == {"staging-app-1"}
