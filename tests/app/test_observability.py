"""Metrics at /metrics, request ids and JSON logs, through the real app and its real Neo4j and Redis."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys

import httpx
import pytest
import redis
from pydantic import SecretStr

from app.api import auth_store
from app.observability import metrics
from app.observability.metrics import operation_label
from app.server import create_app
from core import context
from core.counters import GRAPH_WRITES_KEY, count_graph_writes
from core.logs import JsonFormatter
from core.settings import Settings, load_settings
from devclouds.demo_estate import seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from tests.settings_update import replace_settings


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one series in a Prometheus text exposition, or None when absent."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        if not series.startswith(name + "{") and series != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return None


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


METRICS_TOKEN = "m" * 32
SCRAPE = {"Authorization": f"Bearer {METRICS_TOKEN}"}  # what Prometheus sends (AIDISCOVER_METRICS_TOKEN)


@pytest.fixture
def client(settings: Settings, graph: Graph) -> httpx.AsyncClient:
    scraped = replace_settings(settings, auth={"metrics_token": SecretStr(METRICS_TOKEN)})
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(scraped, graph)), base_url="http://t")


@pytest.mark.anyio
async def test_metrics_count_http_requests_and_graphql_operations_by_name(client: httpx.AsyncClient) -> None:
    async with client:
        for _ in range(3):
            ok = await client.post("/graphql", json={"query": "query MetricsProbe { __typename }"})
            assert ok.status_code == 200
        bad = await client.post("/graphql", json={"query": "query MetricsBroken { noSuchField }"})
        assert bad.json()["errors"]
        text = (await client.get("/metrics", headers=SCRAPE)).text
    assert (_sample(text, "aidiscover_graphql_operations_total", operation="MetricsProbe", outcome="ok") or 0) >= 3
    assert (_sample(text, "aidiscover_graphql_operations_total", operation="MetricsBroken", outcome="error") or 0) >= 1
    assert (_sample(text, "aidiscover_graphql_operation_seconds_count", operation="MetricsProbe") or 0) >= 3
    assert (_sample(text, "aidiscover_http_requests_total", method="POST", route="/graphql", status="200") or 0) >= 4
    assert (_sample(text, "aidiscover_http_request_seconds_count", route="/graphql") or 0) >= 4


@pytest.mark.anyio
async def test_metrics_read_deployment_wide_write_counters_and_jobs(
    client: httpx.AsyncClient, settings: Settings, graph: Graph
) -> None:
    r = redis.Redis.from_url(settings.redis.url)
    r.delete(GRAPH_WRITES_KEY)
    count_graph_writes(r, nodes=120, edges=340)
    count_graph_writes(r, nodes=5, edges=0)
    graph.write(
        "CREATE (:Job {id: 'j1', status: 'succeeded', started_at: datetime('2026-01-01T00:00:00Z'), "
        "finished_at: datetime('2026-01-01T00:01:30Z')}), (:Job {id: 'j2', status: 'running'}), "
        "(:JobUnit {id: 'u1', status: 'succeeded'}), (:JobUnit {id: 'u2', status: 'succeeded'})"
    )
    async with client:
        text = (await client.get("/metrics", headers=SCRAPE)).text
    assert _sample(text, "aidiscover_graph_elements_written_total", kind="nodes") == 125
    assert _sample(text, "aidiscover_graph_elements_written_total", kind="edges") == 340
    assert _sample(text, "aidiscover_jobs", status="succeeded") == 1
    assert _sample(text, "aidiscover_jobs", status="running") == 1
    assert _sample(text, "aidiscover_job_seconds_sum", status="succeeded") == 90
    assert _sample(text, "aidiscover_job_units", status="succeeded") == 2
    r.delete(GRAPH_WRITES_KEY)
    r.close()


@pytest.mark.anyio
async def test_every_response_carries_a_request_id_and_a_sane_given_one_is_kept(client: httpx.AsyncClient) -> None:
    async with client:
        made = await client.get("/health")
        kept = await client.get("/health", headers={"X-Request-ID": "abc-123"})
        hostile = await client.get("/health", headers={"X-Request-ID": "x;y" * 40})
    assert re.fullmatch(r"[0-9a-f]{16}", made.headers["x-request-id"])
    assert kept.headers["x-request-id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{16}", hostile.headers["x-request-id"])


def test_json_log_lines_carry_request_and_job_ids() -> None:
    record = logging.LogRecord("ingest.x", logging.WARNING, __file__, 1, "unit %s failed", ("ec2",), None)
    token_r, token_j = context.request_id.set("req-1"), context.job_id.set("job-9")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        context.request_id.reset(token_r)
        context.job_id.reset(token_j)
    assert line["message"] == "unit ec2 failed"
    assert (line["level"], line["logger"], line["request_id"], line["job_id"]) == (
        "WARNING",
        "ingest.x",
        "req-1",
        "job-9",
    )


def test_operation_labels_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_seen_operations", set())
    assert operation_label(None) == "anonymous"
    assert operation_label("drop table;") == "invalid"
    names = {operation_label(f"Op{i}") for i in range(500)}
    assert "other" in names
    assert len(names) <= 201


def test_a_process_configured_for_json_logs_writes_one_json_object_per_line() -> None:
    code = (
        "import logging\n"
        "from core.logs import configure_logging\n"
        "configure_logging('INFO', 'json')\n"
        "configure_logging('INFO', 'json')  # idempotent: still one handler\n"
        "logging.getLogger('ingest.demo').info('discovered %s resources', 42)\n"
        "logging.getLogger('ingest.demo').debug('not at INFO')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(x["level"], x["logger"], x["message"]) for x in lines] == [
        ("INFO", "ingest.demo", "discovered 42 resources")
    ]


@pytest.mark.anyio
async def test_metrics_after_a_discovery_job_and_a_few_queries(
    moto: MotoServer, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo_estate(moto.url)
    monkeypatch.setenv("AIDISCOVER_AWS_REGIONS", "eu-west-1")
    monkeypatch.setenv("AIDISCOVER_METRICS_TOKEN", METRICS_TOKEN)
    settings = load_settings()
    r = redis.Redis.from_url(settings.redis.url)
    r.delete(GRAPH_WRITES_KEY)
    job = run_job_local(settings, JobRequest("aws", started_by="metrics-test"), graph=graph)
    assert job.status == "succeeded"
    assert job.nodes > 0
    key = auth_store.create_api_key(graph, "metrics", "viewer", "tests", rounds=4).key
    app = create_app(settings, graph)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for query in ("query Inventory { resources(first: 5) { totalCount } }", "query Jobs { discoveryJobs { id } }"):
            answer = await client.post("/graphql", json={"query": query}, headers={"X-API-Key": key})
            assert "errors" not in answer.json(), answer.text
        text = (await client.get("/metrics", headers=SCRAPE)).text
    r.delete(GRAPH_WRITES_KEY)
    r.close()
    assert _sample(text, "aidiscover_jobs", status="succeeded") == 1
    assert _sample(text, "aidiscover_job_units", status="succeeded") == job.units_done > 0
    assert (_sample(text, "aidiscover_job_seconds_sum", status="succeeded") or 0) > 0
    assert _sample(text, "aidiscover_graph_elements_written_total", kind="nodes") == job.nodes
    assert _sample(text, "aidiscover_graph_elements_written_total", kind="edges") == job.edges > 0
    for operation in ("Inventory", "Jobs"):
        assert (_sample(text, "aidiscover_graphql_operations_total", operation=operation, outcome="ok") or 0) >= 1
    assert (_sample(text, "aidiscover_http_requests_total", method="POST", route="/graphql", status="200") or 0) >= 2
