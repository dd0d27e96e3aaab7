"""GCP discovery end to end: the estate behind the local Cloud Asset server, read by the real
google-cloud-asset SDK (REST transport), written into the real Neo4j.

Expected node counts are derived from the estate generator's assets and IAM policies, not hard-coded.
"""

from __future__ import annotations

import math
import os
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import neo4j.time
import pytest

from core.errors import EndpointUnreachable
from core.settings import Settings, load_settings
from devclouds.gcp_cloud_asset import CloudAssetServer
from devclouds.gcp_estate import ORG_ID, GcpEstate, build_estate
from graph.neo4j.client import Graph
from ingest.providers.gcp.kinds import LABELS_BY_TYPE
from tests.discovery import Discovery, discover_job

ORG = f"organizations/{ORG_ID}"
C = "//compute.googleapis.com/projects/acme-prod"
WEB_2 = f"{C}/zones/us-central1-a/instances/web-2"
PUBLIC_BUCKET = "//storage.googleapis.com/acme-public-assets"
STAMPS = frozenset({"last_seen", "last_sync"})


@pytest.fixture
def server() -> Iterator[CloudAssetServer]:
    with CloudAssetServer(build_estate()) as srv:
        yield srv


@pytest.fixture
def gcp_settings(server: CloudAssetServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIDISCOVER_GCP_ENDPOINT", server.url)
    monkeypatch.setenv("AIDISCOVER_GCP_ANONYMOUS", "true")
    monkeypatch.setenv("AIDISCOVER_GCP_SCOPES", ORG)
    monkeypatch.delenv("AIDISCOVER_GCP_PAGE_SIZE", raising=False)
    monkeypatch.delenv("AIDISCOVER_GCP_ASSET_TYPES", raising=False)
    return load_settings()


@pytest.fixture(scope="module")
def shared_server() -> Iterator[CloudAssetServer]:
    with CloudAssetServer(build_estate()) as srv:
        yield srv


_SHARED: dict[str, int] = {}


@pytest.fixture
def discovered(session_graph: Graph, shared_server: CloudAssetServer) -> Graph:
    """The estate discovered once for the read-only tests of this module; discovered again only when
    another test changed the graph since (its nodes then carry another generation)."""
    gens = session_graph.read("MATCH (n) RETURN collect(DISTINCT n.last_sync) AS g")[0]["g"]
    if gens != [_SHARED.get("generation")]:
        session_graph.wipe()
        env = dict(os.environ, AIDISCOVER_GCP_ENDPOINT=shared_server.url, AIDISCOVER_GCP_ANONYMOUS="true")
        discover(load_settings(env), session_graph, scopes=(ORG,))
        gens = session_graph.read("MATCH (n) RETURN collect(DISTINCT n.last_sync) AS g")[0]["g"]
        assert len(gens) == 1
        _SHARED["generation"] = gens[0]
    return session_graph


def discover(settings: Settings, graph: Graph, scopes: tuple[str, ...] | None = None) -> Discovery:
    report = discover_job(settings, graph, "gcp", accounts=scopes or ())
    assert report.warnings == ()
    return report


def gcp_accounts(graph: Graph) -> tuple[str, ...]:
    """The accounts (project ids, the organization) the GCP nodes in the graph belong to."""
    rows = graph.read("MATCH (n {provider: 'gcp'}) RETURN DISTINCT n.account AS a ORDER BY a")
    return tuple(r["a"] for r in rows)


def expected_nodes(estate: GcpEstate) -> dict[str, int]:
    """Label counts the estate should produce: one node per asset, one principal per distinct member
    that is not a service account of the estate; every node is a Resource."""
    counts = Counter(LABELS_BY_TYPE.get(a["assetType"], "GCPResource") for a in estate.assets)
    emails = {
        a["resource"]["data"]["email"] for a in estate.assets if a["assetType"] == "iam.googleapis.com/ServiceAccount"
    }
    members = {m for p in estate.iam_policies for b in p["policy"]["bindings"] for m in b["members"]}
    counts["GCPPrincipal"] = len({m for m in members if m.removeprefix("serviceAccount:") not in emails})
    counts["GCPBucketIamPolicy"] = counts["GCPStorageBucket"]  # the storage unit's record of each bucket's access
    counts["Resource"] = sum(counts.values())
    return dict(counts)


def graph_nodes(graph: Graph) -> dict[str, int]:
    return {r["label"]: r["c"] for r in graph.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS c")}


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


def snapshot(graph: Graph) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
    nodes = {
        r["id"]: (sorted(r["labels"]), {k: _native(v) for k, v in r["props"].items() if k not in STAMPS})
        for r in graph.read("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
    }
    edges = {
        (r["a"], r["t"], r["b"]): {k: _native(v) for k, v in r["props"].items() if k not in STAMPS}
        for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")
    }
    return nodes, edges


def test_load_balancer_chain_reaches_the_web_instances(discovered: Graph) -> None:
    graph = discovered
    rows = graph.read(
        "MATCH (f:GCPForwardingRule)-[:TARGETS]->(p:GCPTargetProxy)-[:ROUTES_TO]->(b:GCPBackendService)"
        "-[:ROUTES_TO]->(g:GCPInstanceGroup)-[:HAS_MEMBER]->(i:GCPComputeInstance)-[:IN_SUBNETWORK]->(s)"
        "-[:IN_NETWORK]->(n:GCPNetwork) "
        "RETURN f.ip_address AS ip, p.name AS p, b.name AS b, g.name AS g, i.name AS i, s.ip_cidr_range AS cidr, "
        "n.name AS n, i.account AS account, i.region AS region, i.zone AS zone ORDER BY i"
    )
    assert [dict(r) for r in rows] == [
        {
            "ip": "34.120.10.10",
            "p": "web-proxy",
            "b": "web-backend",
            "g": "web-ig",
            "i": name,
            "cidr": "10.10.0.0/24",
            "n": "prod-vpc",
            "account": "acme-prod",
            "region": "us-central1",
            "zone": "us-central1-a",
        }
        for name in ("web-1", "web-2")
    ]


def test_ssh_open_to_the_internet_reaches_the_bastion_running_as_an_editor(discovered: Graph) -> None:
    graph = discovered
    rows = graph.read(
        "MATCH (f:GCPFirewall {open_to_internet: true})-[:APPLIES_TO]->(i:GCPComputeInstance)"
        "-[:RUNS_AS]->(sa:GCPServiceAccount)-[r:HAS_ROLE]->(p:GCPProject)-[:IN_FOLDER]->(:GCPFolder)"
        "-[:IN_ORGANIZATION]->(o:GCPOrganization) "
        "RETURN f.name AS f, f.rules AS rules, i.name AS i, i.public_ip AS ip, sa.email AS sa, r.roles AS roles, "
        "p.project_id AS p, o.domain AS o"
    )
    assert [dict(r) for r in rows] == [
        {
            "f": "allow-ssh-from-anywhere",
            "rules": ["tcp:22"],
            "i": "bastion-1",
            "ip": "34.70.1.5",
            "sa": "111111111111-compute@developer.gserviceaccount.com",
            "roles": ["roles/editor"],
            "p": "acme-prod",
            "o": "acme.example",
        }
    ]


def test_public_resources_and_the_open_database(discovered: Graph) -> None:
    graph = discovered
    public = graph.read(
        "MATCH (:GCPPrincipal {id: 'allUsers'})-[r:HAS_ROLE]->(x) RETURN x.name AS x, labels(x) AS l, "
        "x.is_public AS pub, r.roles AS roles ORDER BY x"
    )
    assert [(r["x"], r["pub"], r["roles"]) for r in public] == [
        ("acme-public-assets", True, ["roles/storage.objectViewer"]),
        ("orders-api", True, ["roles/run.invoker"]),
    ]
    assert graph.read("MATCH (b:GCPStorageBucket {is_public: false}) RETURN b.name AS b")[0]["b"] == "acme-data-private"
    sql = graph.read(
        "MATCH (d:GCPCloudSQLInstance)-[:IN_NETWORK]->(n:GCPNetwork), (d)-[:IN_PROJECT]->(p:GCPProject) "
        "RETURN d.open_to_internet AS open, d.authorized_networks AS nets, n.account AS net_project, p.project_id AS p"
    )
    assert [dict(r) for r in sql] == [
        {"open": True, "nets": ["0.0.0.0/0"], "net_project": "acme-prod", "p": "acme-data"}
    ]
    key = graph.read(
        "MATCH (k:GCPServiceAccountKey {key_type: 'USER_MANAGED'})-[:BELONGS_TO]->(sa)<-[:RUNS_AS]-(run) "
        "RETURN sa.email AS sa, [l IN labels(run) WHERE l <> 'Resource'] AS run, k.valid_after.year AS year"
    )
    assert [dict(r) for r in key] == [
        {"sa": "orders-api@acme-data.iam.gserviceaccount.com", "run": ["GCPCloudRunService"], "year": 2024}
    ]


def test_node_counts_per_label_match_the_estate_and_no_edge_is_skipped(
    gcp_settings: Settings, graph: Graph, server: CloudAssetServer
) -> None:
    report = discover(gcp_settings, graph)
    expected = expected_nodes(server.estate)
    assert graph_nodes(graph) == expected
    assert expected["GCPComputeInstance"] == 3
    assert expected["GCPPrincipal"] == 5
    assert expected["GCPResource"] == 3
    assert report.nodes == expected["Resource"]
    assert [u.counts.skipped_edges for u in report.units] == [0, 0]
    assert gcp_accounts(graph) == ("acme-data", "acme-prod", ORG)
    edges = graph.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
    assert report.edges == edges == 89 + expected["GCPBucketIamPolicy"]  # + each access record APPLIES_TO its bucket


def test_small_pages_are_followed_by_the_sdk_pagers(
    gcp_settings: Settings, graph: Graph, server: CloudAssetServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDISCOVER_GCP_PAGE_SIZE", "4")
    discover(load_settings(), graph)
    assets, policies = len(server.estate.assets), len(server.estate.iam_policies)
    counts = server.estate.count_by_type()
    buckets = counts["storage.googleapis.com/Bucket"]
    storage_unit = buckets + counts["cloudresourcemanager.googleapis.com/Project"]  # what it asks Cloud Asset for
    assert server.requests == {
        "search_resources": math.ceil(assets / 4) + math.ceil(storage_unit / 4),
        "list_assets": math.ceil(assets / 4) + math.ceil(storage_unit / 4),
        "search_iam": 2 * math.ceil(policies / 4),
        "storage_bucket": buckets,
        "storage_iam": buckets,
    }
    assert server.requests["list_assets"] == 10 + 1  # 37 assets in pages of 4, and the 4 buckets and projects
    assert graph_nodes(graph) == expected_nodes(server.estate)


def test_second_run_leaves_an_identical_graph_apart_from_stamps(gcp_settings: Settings, graph: Graph) -> None:
    discover(gcp_settings, graph)
    first = snapshot(graph)
    report = discover(gcp_settings, graph)
    assert snapshot(graph) == first
    assert (report.units[0].counts.removed_nodes, report.units[0].counts.removed_edges) == (0, 0)
    assert len(first[0]) == 46
    assert len(first[1]) == 91


def test_assets_removed_from_the_estate_are_removed_from_the_graph(
    gcp_settings: Settings, graph: Graph, server: CloudAssetServer
) -> None:
    discover(gcp_settings, graph)
    before_nodes, before_edges = snapshot(graph)
    server.estate.remove(WEB_2)
    server.estate.remove(PUBLIC_BUCKET)
    report = discover(gcp_settings, graph)
    nodes, edges = snapshot(graph)
    access = f"{PUBLIC_BUCKET}/iamPolicy"
    assert set(before_nodes) - set(nodes) == {WEB_2, PUBLIC_BUCKET, access}
    gone = {k for k in before_edges if WEB_2 in (k[0], k[2]) or PUBLIC_BUCKET in (k[0], k[2])}
    assert set(before_edges) - set(edges) == gone
    # web-2: subnetwork, disk, account, project, 3 firewalls, group; bucket: project, 2 members, its access record
    assert len(gone) == 12
    assert [u.counts.removed_nodes for u in report.units] == [2, 1]
    assert graph_nodes(graph) == expected_nodes(server.estate)
    assert "allUsers" in nodes  # still invoker of the Cloud Run service


def test_a_denied_scope_is_a_warning_and_keeps_its_nodes(
    gcp_settings: Settings, graph: Graph, server: CloudAssetServer
) -> None:
    discover(gcp_settings, graph, scopes=("projects/acme-data", "projects/acme-prod"))
    data_nodes = graph.read("MATCH (n {account: 'acme-data'}) RETURN count(n) AS c")[0]["c"]
    assert data_nodes == 13
    server.deny("projects/acme-data")
    server.estate.remove("//pubsub.googleapis.com/projects/acme-data/topics/orders-events")
    report = discover_job(gcp_settings, graph, "gcp", accounts=("projects/acme-data", "projects/acme-prod"))
    assert report.warnings == (
        "gcp/projects/acme-data/*/cloud-asset: permission denied (403); skipped, nothing removed",
        "gcp/projects/acme-data/*/storage-iam: permission denied listing buckets (403); skipped, nothing removed",
    )
    assert [u.account for u in report.units] == ["projects/acme-prod", "projects/acme-prod"]
    assert graph.read("MATCH (n {account: 'acme-data'}) RETURN count(n) AS c")[0]["c"] == data_nodes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_endpoint_is_a_one_line_error_naming_url_and_variable(
    gcp_settings: Settings, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("AIDISCOVER_GCP_ENDPOINT", url)
    report = discover_job(load_settings(), graph, "gcp")
    assert report.job.status == "failed"
    assert len(report.errors) == 2  # the Cloud Asset unit and the bucket access unit both read Cloud Asset first
    for message in report.errors:
        assert f": {EndpointUnreachable.__name__}: " in message
        assert url in message
        assert "AIDISCOVER_GCP_ENDPOINT" in message
        assert "\n" not in message
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0
