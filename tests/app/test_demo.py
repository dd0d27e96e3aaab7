"""`make demo`'s preparation: the generated size-S estate in three local clouds, discovered into the graph as a job.

The session's shared estate (tests/estates.py) is prepared by the demo's own ``prepare_demo``; these tests
read its result and the graph and secret store it left behind (restored from the session's backup).
"""

from __future__ import annotations

import pytest

from app.api.auth import Authenticator
from app.cli import main
from core.settings import Settings
from devclouds.demo import DEMO_SEED, DEMO_SIZE
from devclouds.gcp_estate import INSTANCES as GCP_INSTANCES
from graph.neo4j.client import Graph
from ingest.jobs.store import list_jobs
from tests.estates import SharedEstate


def test_demo_discovers_the_size_s_estate_of_aws_azure_and_gcp_without_warnings(
    settings: Settings, shared_estate: SharedEstate, demo_graph: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    result, graph = shared_estate.demo, demo_graph
    assert (DEMO_SIZE, DEMO_SEED) == (result.manifest.size, result.manifest.seed) == ("S", 1)
    assert result.warnings == ()
    # one summary line per discovered account: two AWS accounts, the Azure subscriptions (read together by one
    # unit), the GCP organisation
    assert [s.split(" ")[1] for s in result.summaries] == ["aws", "aws", "azure", "gcp"]
    assert result.summaries[-1].startswith("discovered gcp organizations/")  # the whole scope, slash and all
    by_provider = {r["p"]: r["c"] for r in graph.read("MATCH (n:Resource) RETURN n.provider AS p, count(n) AS c")}
    assert set(by_provider) == {"aws", "azure", "gcp"}
    assert sum(by_provider.values()) == result.resources
    edges = graph.read("MATCH ()-[r]->() WHERE type(r) <> 'HAS_UNIT' RETURN count(r) AS c")[0]["c"]
    assert result.edges == edges  # the job's own bookkeeping (job -> units) is not the estate's
    names = {
        r["kind"]: r["names"]
        for r in graph.read(
            "MATCH (n) WHERE n.kind IN ['EC2Instance', 'AzureVirtualMachine', 'GCPComputeInstance'] "
            "RETURN n.kind AS kind, collect(n.name) AS names"
        )
    }
    assert {"exposed-app", "admin-worker"} <= set(names["EC2Instance"])
    assert {"vm-web-1", "vm-web-2", "vm-app-1"} <= set(names["AzureVirtualMachine"])
    assert set(GCP_INSTANCES) <= set(names["GCPComputeInstance"])
    # every deliberate misconfiguration names a node of its label in the graph
    assert len(result.manifest.misconfigurations) >= 20
    for finding in result.manifest.misconfigurations:
        rows = graph.read("MATCH (n {id: $id}) RETURN labels(n) AS labels", {"id": finding.resource_id})
        assert rows, finding
        assert finding.label in rows[0]["labels"], finding
    lines = result.lines(settings)
    assert any(line.startswith(f"demo: {result.resources} resources and {result.edges} edges") for line in lines)
    # the post-sync hooks ran: findings and cost estimates are in the graph, and the summary says so
    assert result.findings == graph.read("MATCH (f:Finding {status: 'open'}) RETURN count(f) AS c")[0]["c"] > 0
    total = graph.read("MATCH (n:Resource) RETURN sum(coalesce(n.monthly_cost_usd, 0.0)) AS usd")[0]["usd"]
    assert result.monthly_usd == pytest.approx(total)
    assert total > 0
    # the printed demo key signs in as admin
    assert result.api_key.startswith("aid_")
    assert any(result.api_key in line for line in lines)
    principal = Authenticator(graph, settings).api_key(result.api_key)
    assert principal.role == "admin"
    # the discovery went through the product's one pipeline: a job for every provider, which the viewer's
    # Jobs page and `aidiscover jobs` list
    jobs = list_jobs(graph)
    assert [(j.id, j.provider, j.started_by, j.status) for j in jobs] == [(result.job_id, "all", "demo", "succeeded")]
    assert {u.key.split("/")[0] for u in jobs[0].units} == {"aws", "azure", "gcp"}
    assert any(result.job_id in line for line in lines)
    capsys.readouterr()
    assert main(["jobs"]) == 0
    listed = capsys.readouterr().out
    assert result.job_id in listed
    assert "by demo" in listed
