"""The fixture estate written once per module into the real Neo4j (these tests only read)."""

from __future__ import annotations

import pytest

from graph.neo4j.client import Graph
from tests.queries.fixture_graph import build


@pytest.fixture(scope="module")
def analysis_estate(session_graph: Graph) -> Graph:
    session_graph.wipe()
    build(session_graph)
    return session_graph
