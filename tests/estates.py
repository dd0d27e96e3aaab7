"""The demo estate (size S, seed 1), prepared once per test session exactly as ``make demo`` prepares it,
and shared.

``devclouds.demo.prepare_demo`` generates the estate in the local clouds and discovers it as one discovery
job (~20 s); the graph it leaves behind (the job's post-sync hooks ran: findings and cost) and the secret
store (the demo's API key) are backed up once with the product's own ``graph.backup`` and restored (~1 s)
for every module that reads them. A test that needs the estate:

- ``shared_estate``: the manifest, the demo's result (as ``make demo`` prints it), and the backup file;
  nothing restored;
- ``demo_graph`` (module scope): the test Neo4j holding exactly that graph, restored when the module
  starts. Tests using it only read; a module that writes makes its own graph.

The AWS share stays in the moto server only until the next test resets it: the shared estate is the
graph, not the clouds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import Settings
from devclouds.demo import DemoClouds, DemoResult, prepare_demo
from devclouds.estate_discover import EstateDiscovery, discover_estate
from devclouds.estate_generator import generate_estate
from devclouds.estate_manifest import EstateManifest, Size
from devclouds.moto_server import MotoServer
from graph.backup import backup, restore
from graph.neo4j.client import Graph
from graph.secretstore import store_of

__all__ = ["SharedEstate", "build_estate_in", "demo_graph", "restore_estate", "shared_estate"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedEstate:
    """The demo estate as ``make demo`` leaves it: what the generator planted, what the demo reported, and
    the graph (after the post-sync hooks) with the secret store backed up to ``backup``."""

    size: Size
    seed: int
    manifest: EstateManifest
    demo: DemoResult
    backup: Path


def _empty(graph: Graph) -> None:
    """Empty the test Neo4j and its secret store."""
    graph.wipe()
    store_of(graph).clear()


def _moto_credentials(env: pytest.MonkeyPatch) -> None:
    """The credentials boto3 sends moto (it accepts any), and no profile that could name others."""
    env.setenv("AWS_ACCESS_KEY_ID", "testing")
    env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    env.delenv("AWS_PROFILE", raising=False)


def build_estate_in(
    settings: Settings, moto_server: MotoServer, graph: Graph, size: Size, seed: int
) -> tuple[EstateManifest, EstateDiscovery]:
    """Empty moto, the graph and the secret store; generate ``size``/``seed`` in moto and discover the
    three clouds' shares into ``graph`` as one discovery job, whose end runs the post-sync hooks (findings,
    cost) as every sync does."""
    moto_server.reset()
    _empty(graph)
    with pytest.MonkeyPatch.context() as env:
        _moto_credentials(env)
        manifest = generate_estate(size, seed, moto_server.url)
        found = discover_estate(settings, graph, size, seed, moto_server.url, started_by="tests")
    assert found.warnings == ()
    assert found.job.status == "succeeded"
    return manifest, found


def restore_estate(graph: Graph, estate: SharedEstate) -> Graph:
    """Replace whatever the test Neo4j and secret store hold with the estate's graph."""
    _empty(graph)
    summary = restore(graph, estate.backup)
    log.info("restored the size-%s estate (%s nodes) in %.1f s", estate.size, summary.nodes, summary.seconds)
    return graph


@pytest.fixture(scope="session")
def shared_estate(settings: Settings, session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> SharedEstate:
    """The demo estate (size S, seed 1), prepared once per session by the demo's own code."""
    _empty(session_graph)
    clouds = DemoClouds()
    try:
        with pytest.MonkeyPatch.context() as env:
            _moto_credentials(env)
            demo = prepare_demo(settings, clouds)
    finally:
        clouds.stop()
    path = backup(session_graph, tmp_path_factory.mktemp("estate") / "estate-S-1.jsonl.gz").path
    return SharedEstate("S", 1, demo.manifest, demo, path)


@pytest.fixture(scope="module")
def demo_graph(shared_estate: SharedEstate, session_graph: Graph) -> Graph:
    """The test Neo4j holding the demo estate as discovered, with findings and cost, restored once per
    module. Tests using it must only read."""
    return restore_estate(session_graph, shared_estate)
