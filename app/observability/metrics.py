"""Prometheus metrics at ``/metrics``.

What is measured, and where:

    aidiscover_http_requests_total{method,route,status}       every HTTP request (route = the route's path)
    aidiscover_http_request_seconds{route}                    its latency
    aidiscover_graphql_operations_total{operation,outcome}    every GraphQL operation (outcome ok | error)
    aidiscover_graphql_operation_seconds{operation}           its latency
    aidiscover_llm_calls_total{outcome}, aidiscover_llm_tokens_total{kind}, aidiscover_llm_cost_usd_total
                                                              model calls made by this process (chat)
    aidiscover_jobs{status}, aidiscover_job_seconds_sum/_count{status}, aidiscover_job_units{status}
                                                              discovery jobs and their units, read from the graph
    aidiscover_graph_elements_written_total{kind}             nodes and edges written by every worker, from Redis

Jobs and graph writes happen in Celery workers, possibly on other machines: workers add to counters
kept in Redis (``count_graph_writes``) and record jobs in the graph, and the API reads both when it is
scraped, so one scrape of the API sees the whole deployment.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter as Tally
from collections.abc import Iterator
from typing import Any

import redis
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from core.counters import GRAPH_WRITES_KEY
from core.errors import AIDiscoverError
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)

_MAX_OPERATIONS = 200
_OPERATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

HTTP_REQUESTS = Counter("aidiscover_http_requests", "HTTP requests served.", ["method", "route", "status"])
HTTP_SECONDS = Histogram("aidiscover_http_request_seconds", "HTTP request latency.", ["route"])
GQL_OPERATIONS = Counter("aidiscover_graphql_operations", "GraphQL operations executed.", ["operation", "outcome"])
GQL_SECONDS = Histogram("aidiscover_graphql_operation_seconds", "GraphQL operation latency.", ["operation"])
LLM_CALLS = Counter("aidiscover_llm_calls", "Calls to the language model.", ["outcome"])
LLM_TOKENS = Counter("aidiscover_llm_tokens", "Tokens used by language-model calls.", ["kind"])
LLM_COST = Counter("aidiscover_llm_cost_usd", "Estimated cost of language-model calls, in USD.")

_seen_operations: set[str] = set()


def operation_label(name: str | None) -> str:
    """Clients choose operation names: keep the label set bounded and clean."""
    if not name:
        return "anonymous"
    if not _OPERATION.match(name):
        return "invalid"
    if name not in _seen_operations:
        if len(_seen_operations) >= _MAX_OPERATIONS:
            return "other"
        _seen_operations.add(name)
    return name


def record_llm_call(outcome: str, prompt_tokens: int = 0, completion_tokens: int = 0, cost_usd: float = 0.0) -> None:
    """Count one model call (the chat layer calls this)."""
    LLM_CALLS.labels(outcome=outcome).inc()
    if prompt_tokens:
        LLM_TOKENS.labels(kind="prompt").inc(prompt_tokens)
    if completion_tokens:
        LLM_TOKENS.labels(kind="completion").inc(completion_tokens)
    if cost_usd:
        LLM_COST.inc(cost_usd)


class MetricsExtension(SchemaExtension):
    """Times each GraphQL operation and counts it by name and outcome."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        name = operation_label(ctx.operation_name)
        outcome = "error" if ctx.result is not None and ctx.result.errors else "ok"
        GQL_OPERATIONS.labels(operation=name, outcome=outcome).inc()
        GQL_SECONDS.labels(operation=name).observe(time.perf_counter() - started)


class MetricsMiddleware:
    """Pure ASGI middleware counting HTTP requests by route template (never the raw path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = _route_of(scope)
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            HTTP_REQUESTS.labels(method=scope["method"], route=route, status=str(status)).inc()
            HTTP_SECONDS.labels(route=route).observe(time.perf_counter() - started)


def _route_of(scope: Scope) -> str:
    app = scope.get("app")
    for route in getattr(getattr(app, "router", None), "routes", ()):
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return str(getattr(route, "path", "other")) or "/"
    return "other"


class DeploymentCollector(Collector):
    """Reads jobs from the graph and write counters from Redis at scrape time."""

    def __init__(self, graph: Graph, redis_url: str) -> None:
        self.graph = graph
        self.redis_url = redis_url

    def collect(self) -> Iterator[Metric]:
        yield from self._jobs()
        yield from self._writes()

    def _jobs(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily(
            "aidiscover_jobs", "Discovery jobs recorded in the graph, by status.", labels=["status"]
        )
        seconds = GaugeMetricFamily(
            "aidiscover_job_seconds_sum", "Total run time of finished jobs, by status.", labels=["status"]
        )
        units = GaugeMetricFamily("aidiscover_job_units", "Discovery units (tasks) by status.", labels=["status"])
        try:
            for row in self.graph.read(
                "MATCH (j:Job) RETURN coalesce(j.status, 'unknown') AS status, count(j) AS n, "
                "sum(CASE WHEN j.finished_at IS NOT NULL AND j.started_at IS NOT NULL "
                "THEN duration.inSeconds(j.started_at, j.finished_at).seconds ELSE 0 END) AS secs"
            ):
                jobs.add_metric([row["status"]], row["n"])
                seconds.add_metric([row["status"]], row["secs"])
            # units of running jobs are JobUnit nodes; a finished job keeps them as JSON records on itself
            by_status: Tally[str] = Tally()
            for row in self.graph.read(
                "MATCH (u:JobUnit) RETURN coalesce(u.status, 'unknown') AS status, count(u) AS n"
            ):
                by_status[str(row["status"])] += int(row["n"])
            for row in self.graph.read(
                "MATCH (j:Job) WHERE j.unit_records IS NOT NULL UNWIND j.unit_records AS r RETURN r"
            ):
                by_status[_record_status(row["r"])] += 1
            for status, n in sorted(by_status.items()):
                units.add_metric([status], n)
        except AIDiscoverError as exc:
            log.warning("metrics: could not read jobs from the graph: %s", exc)
        yield jobs
        yield seconds
        yield units

    def _writes(self) -> Iterator[Metric]:
        written = CounterMetricFamily(
            "aidiscover_graph_elements_written", "Graph elements written by all workers.", labels=["kind"]
        )
        try:
            client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=2)
            try:
                counts: dict[Any, Any] = client.hgetall(GRAPH_WRITES_KEY)
            finally:
                client.close()
            for kind in ("nodes", "edges"):
                written.add_metric([kind], float(counts.get(kind.encode(), 0)))
        except redis.RedisError as exc:
            log.warning("metrics: could not read write counters from Redis: %s", exc)
        yield written


def exposition(deployment: CollectorRegistry) -> bytes:
    """The process's own metrics followed by the deployment-wide ones."""
    return generate_latest(REGISTRY) + generate_latest(deployment)


def deployment_registry(graph: Graph, redis_url: str) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DeploymentCollector(graph, redis_url))
    return registry


def _record_status(text: object) -> str:
    """The status of one unit record a finished job keeps (``ingest.jobs.store.fold_units``)."""
    try:
        record = json.loads(str(text))
    except ValueError:
        return "unknown"
    status = record.get("status") if isinstance(record, dict) else None
    return str(status) if status else "unknown"
