"""Shared fixtures: settings from the environment, the real Neo4j (wiped per test), a moto server.

Graph tests need the Neo4j and Redis that `aidiscover services up` (run by `make test`) started;
when they do not answer, the tests fail with the one-line reason rather than skipping.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.settings import Settings, load_settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from ingest.emulators.moto_server import MotoServer


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def session_graph(settings: Settings) -> Iterator[Graph]:
    graph = Graph(settings)
    graph.verify()
    ensure_schema(graph, SCHEMA)
    yield graph
    graph.close()


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """The real Neo4j, emptied before the test (constraints and indexes stay)."""
    session_graph.run_implicit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
    return session_graph


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """A moto server emptied before the test, with boto3's variables pointing at it."""
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_server


@pytest.fixture
def aws_settings(moto: MotoServer) -> Settings:
    """Settings read after the moto variables were set."""
    return load_settings()
