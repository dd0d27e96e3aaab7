"""`aidiscover demo`'s preparation: three local clouds seeded and discovered into the graph."""

from __future__ import annotations

from app.demo import DemoClouds, prepare_demo
from app.settings import Settings
from graph.neo4j.client import Graph
from ingest.emulators.gcp_estate import INSTANCES as GCP_INSTANCES


def test_demo_discovers_aws_azure_and_gcp_without_warnings(settings: Settings, graph: Graph) -> None:
    clouds = DemoClouds()
    try:
        result = prepare_demo(settings, clouds)
    finally:
        clouds.stop()
    assert result.warnings == ()
    assert [s.split(" ")[1] for s in result.summaries] == ["aws", "azure", "gcp"]
    by_provider = {r["p"]: r["c"] for r in graph.read("MATCH (n:Resource) RETURN n.provider AS p, count(n) AS c")}
    assert set(by_provider) == {"aws", "azure", "gcp"}
    assert sum(by_provider.values()) == result.resources
    assert result.edges == graph.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
    names = {r["kind"]: r["names"] for r in graph.read(
        "MATCH (n) WHERE n.kind IN ['EC2Instance', 'AzureVirtualMachine', 'GCPComputeInstance'] "
        "RETURN n.kind AS kind, collect(n.name) AS names")}  # fmt: skip
    assert {"web-1", "db-1", "staging-app-1"} <= set(names["EC2Instance"])
    assert set(names["AzureVirtualMachine"]) == {"vm-web-1", "vm-web-2", "vm-app-1"}
    assert set(names["GCPComputeInstance"]) == set(GCP_INSTANCES)
    assert result.lines(settings)[-6].startswith(f"demo: {result.resources} resources and {result.edges} edges")
