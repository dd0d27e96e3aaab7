"""Shared fixtures: settings from the environment, the real Neo4j (wiped per test), a moto server.

Graph tests need the Neo4j and Redis that `aidiscover services up` (run by `make test`) started;
when they do not answer, the tests fail with the one-line reason rather than skipping.

Every test that needs none of them is marked ``unit`` at collection (`make test-unit` runs those alone,
with no service started): its fixtures include none of ``SERVICE_FIXTURES`` and it carries none of the
``SERVICE_MARKERS``. A test that starts or reaches a service inline, without such a fixture, carries one
of those markers by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from core.settings import Settings, load_settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.rows import Transformed
from graph.schema import SCHEMA
from graph.secretstore import store_of
from graph.write import GraphWriter, SyncStamp

# The shared demo estate: `shared_estate` and `demo_graph` (tests/estates.py); the session's permissive
# Neo4j: `permissive_server` (tests/graph/server/neo4j_instances.py).
pytest_plugins = ("tests.estates", "tests.graph.server.neo4j_instances")

if TYPE_CHECKING:
    from devclouds.moto_server import MotoServer

# Fixtures that start or reach a service (Neo4j, Redis, moto, a local HTTP/SMTP server, a Celery worker,
# a browser). A test is ``unit`` when none of these is in its fixture closure; the fixtures built on them
# (graph, demo_graph, moto, aws_settings, estates, APIs...) have them in their own closure.
SERVICE_FIXTURES = frozenset(
    {
        "session_graph",  # the real Neo4j
        "moto_server",  # the moto server
        "fast",  # clears Redis rate-limit counters
        "redis_client",
        "counts",
        "broker",
        "scripted",  # local LLM servers
        "shared_llm",
        "server",  # local Azure Resource Graph / GCP Cloud Asset servers
        "shared_server",
        "price_apis",
        "smtp",
        "receivers",
        "canary",
        "notify_worker",
        "workers",
        "hardened",  # Neo4j servers of their own
        "permissive",
        "permissive_server",
        "permissive_estate",
        "resolved_lib",  # Maven
        "make_settings",  # services started on free ports
        "browser",
    }
)
SERVICE_MARKERS = frozenset({"neo4j", "redis", "services", "slow"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & SERVICE_FIXTURES or any(item.get_closest_marker(name) for name in SERVICE_MARKERS):
            continue
        item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def session_graph(settings: Settings) -> Iterator[Graph]:
    graph = Graph(settings.neo4j, settings.redis)
    graph.verify()
    ensure_schema(graph, SCHEMA)
    yield graph
    graph.close()


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """The real Neo4j, emptied before the test (constraints and indexes stay), and an empty secret store
    (users, API keys, cloud accounts, notification targets)."""
    session_graph.wipe()
    store_of(session_graph).clear()
    return session_graph


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    from devclouds.moto_server import MotoServer  # moto is slow to import: only tests using it pay

    with MotoServer() as server:
        yield server


def point_boto3_at(env: pytest.MonkeyPatch, moto_server: MotoServer) -> None:
    """Set boto3's variables so clients reach ``moto_server`` with test credentials (no profile)."""
    env.setenv("AWS_ENDPOINT_URL", moto_server.url)
    env.setenv("AWS_ACCESS_KEY_ID", "testing")
    env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    env.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def moto(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """A moto server emptied before the test, with boto3's variables pointing at it."""
    moto_server.reset()
    point_boto3_at(monkeypatch, moto_server)
    return moto_server


@pytest.fixture(scope="module")
def seeded_moto(moto_server: MotoServer) -> MotoServer:
    """The moto server emptied and seeded with the small demo estate once for the module (~2.5 s a seed).
    Only for modules whose tests read AWS and none of which resets moto (the ``moto`` fixture does)."""
    from devclouds.demo_estate import seed_demo_estate  # boto3 is slow to import: only tests using it pay

    moto_server.reset()
    with pytest.MonkeyPatch.context() as env:
        point_boto3_at(env, moto_server)
        seed_demo_estate(moto_server.url)
    return moto_server


@pytest.fixture
def demo_aws(seeded_moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """``seeded_moto`` with boto3's variables pointing at it for the test."""
    point_boto3_at(monkeypatch, seeded_moto)
    return seeded_moto


@pytest.fixture
def aws_settings(moto: MotoServer) -> Settings:
    """Settings read after the moto variables were set."""
    return load_settings()


class _RecordingTx:
    """Stands in for a Neo4j transaction: records the rows of each batch and reports them written."""

    def __init__(self, batches: list[list[dict[str, Any]]]) -> None:
        self.batches = batches
        self._rows: list[dict[str, Any]] = []

    def run(self, _cypher: str, rows: list[dict[str, Any]], **_params: Any) -> _RecordingTx:
        self.batches.append(rows)
        self._rows = rows
        return self

    def single(self, strict: bool) -> dict[str, int]:
        return {"written": len(self._rows)}


class _RecordingGraph:
    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []

    def write_tx(self, work: Any) -> Any:
        return work(_RecordingTx(self.batches))


def write_offline(rows: Transformed) -> list[dict[str, Any]]:
    """Pass ``rows`` through the strict writer's schema checks without Neo4j; return the parameter rows
    it would send (every node and edge must be accepted)."""
    recording = _RecordingGraph()
    writer = GraphWriter(recording, SCHEMA)  # type: ignore[arg-type]
    stamp = SyncStamp(generation=1, at=datetime(2026, 1, 1, tzinfo=UTC))
    assert writer.nodes(rows.nodes, stamp) == len(rows.nodes)
    assert writer.edges(rows.edges, stamp).written == len(rows.edges)
    written = [row for batch in recording.batches for row in batch]
    assert len(written) == len(rows.nodes) + len(rows.edges)
    return written


@pytest.fixture
def offline_writer() -> Callable[[Transformed], list[dict[str, Any]]]:
    """``write_offline``: the writer's schema checks on transformed rows, without a database."""
    return write_offline
