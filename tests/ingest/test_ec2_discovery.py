"""Discovery end to end: the demo estate in moto, read through the real EC2 API, into the real Neo4j.

Expected numbers are derived from what the EC2 API itself returns, never hard-coded.
"""

from __future__ import annotations

import socket
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import neo4j.time
import pytest

from core.errors import EndpointUnreachable
from core.settings import Settings, load_settings
from devclouds.demo_estate import DEMO_ACCOUNT, DemoEstate, seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.rows import HASH_PROPERTIES
from ingest.providers.aws.ec2 import LABELS
from ingest.providers.aws.registry import unit
from tests.discovery import Discovery, discover_job

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

REGIONS = ("us-east-1", "eu-west-1")
AMIS = Path(__file__).resolve().parent.parent / "data" / "aws" / "moto_amis.json"
STAMPS = frozenset({"last_seen", "last_sync"}) | HASH_PROPERTIES  # bookkeeping, not the resource

NodeKey = str
EdgeKey = tuple[str, str, str]


def ec2(moto: MotoServer, region: str) -> EC2Client:
    client: EC2Client = boto3.client("ec2", region_name=region, endpoint_url=moto.url)
    return client


def sg_arn(region: str, group_id: str) -> str:
    return f"arn:aws:ec2:{region}:{DEMO_ACCOUNT}:security-group/{group_id}"


def instance_arn(region: str, instance_id: str) -> str:
    return f"arn:aws:ec2:{region}:{DEMO_ACCOUNT}:instance/{instance_id}"


@dataclass(frozen=True)
class Snapshot:
    """Every node and relationship of the graph with its full property map."""

    nodes: dict[NodeKey, tuple[tuple[str, ...], dict[str, Any]]]
    edges: dict[EdgeKey, dict[str, Any]]

    def without_stamps(self) -> tuple[dict[NodeKey, Any], dict[EdgeKey, Any]]:
        nodes = {k: (labels, _drop(props)) for k, (labels, props) in self.nodes.items()}
        return nodes, {k: _drop(props) for k, props in self.edges.items()}

    def edges_touching(self, ids: set[str]) -> set[EdgeKey]:
        return {k for k in self.edges if k[0] in ids or k[2] in ids}


def _drop(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in STAMPS}


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


def snapshot(graph: Graph) -> Snapshot:
    node_records = graph.read("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
    ids = [r["id"] for r in node_records]
    assert None not in ids, "a node without id"
    assert [i for i, c in Counter(ids).items() if c > 1] == [], "duplicate node ids"
    nodes = {
        r["id"]: (tuple(sorted(r["labels"])), {k: _native(v) for k, v in r["props"].items()}) for r in node_records
    }
    edge_records = graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")
    keys = [(r["a"], r["t"], r["b"]) for r in edge_records]
    assert [k for k, c in Counter(keys).items() if c > 1] == [], "duplicate relationships"
    edges = {(r["a"], r["t"], r["b"]): {k: _native(v) for k, v in r["props"].items()} for r in edge_records}
    return Snapshot(nodes, edges)


def discover(settings: Settings, graph: Graph, regions: tuple[str, ...] = REGIONS) -> Discovery:
    report = discover_job(settings, graph, regions=regions, units=(unit("ec2"),))  # EC2 kinds only
    assert report.warnings == ()
    assert report.account == DEMO_ACCOUNT
    return report


@pytest.fixture
def estate(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> DemoEstate:
    # moto's documented MOTO_AMIS_PATH replaces its AMI catalogue (thousands of images loaded per region
    # after every reset) with one image: seeding takes a fraction of a second instead of seconds.
    monkeypatch.setenv("MOTO_AMIS_PATH", str(AMIS))
    return seed_demo_estate(moto.url)


# --- what the API says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCounts:
    nodes: dict[str, int]
    edges: dict[str, int]


def api_counts(moto: MotoServer, regions: tuple[str, ...]) -> ApiCounts:
    """Count, from describe_* answers, the nodes and edges discovery should produce."""
    nodes: Counter[str] = Counter({label: 0 for label in LABELS})
    edges: Counter[str] = Counter()
    for region in regions:
        client = ec2(moto, region)
        vpcs = client.describe_vpcs()["Vpcs"]
        subnets = client.describe_subnets()["Subnets"]
        groups = client.describe_security_groups()["SecurityGroups"]
        instances = [i for r in client.describe_instances()["Reservations"] for i in r.get("Instances", [])]
        nodes["VPC"] += len(vpcs)
        nodes["Subnet"] += len(subnets)
        nodes["SecurityGroup"] += len(groups)
        nodes["EC2Instance"] += len(instances)
        edges["IN_VPC"] += sum(1 for s in subnets if s.get("VpcId")) + sum(1 for g in groups if g.get("VpcId"))
        for g in groups:
            for perm in [*g.get("IpPermissions", []), *g.get("IpPermissionsEgress", [])]:
                pairs = len(perm.get("UserIdGroupPairs", []))
                peers = len(perm.get("IpRanges", [])) + len(perm.get("Ipv6Ranges", []))
                peers += pairs + len(perm.get("PrefixListIds", []))
                nodes["SecurityGroupRule"] += peers
                edges["HAS_RULE"] += peers
                edges["ALLOWS_FROM"] += pairs
        edges["IN_SUBNET"] += sum(1 for i in instances if i.get("SubnetId"))
        edges["MEMBER_OF_SECURITY_GROUP"] += sum(len(i.get("SecurityGroups", [])) for i in instances)
    nodes["Resource"] = sum(n for label, n in nodes.items() if label != "SecurityGroupRule")
    return ApiCounts(dict(nodes), dict(edges))


def graph_counts(graph: Graph) -> ApiCounts:
    nodes = {r["label"]: r["c"] for r in graph.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS c")}
    edges = {r["t"]: r["c"] for r in graph.read("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")}
    return ApiCounts(nodes, edges)


# --- tests ---------------------------------------------------------------------------------------


def test_counts_per_label_and_type_match_what_the_ec2_api_returns(
    aws_settings: Settings, graph: Graph, moto: MotoServer, estate: DemoEstate
) -> None:
    report = discover(aws_settings, graph)
    expected = api_counts(moto, REGIONS)
    assert graph_counts(graph) == expected
    # Sanity: the demo estate is in there, so the derived numbers are not trivially zero.
    assert expected.nodes["EC2Instance"] == len(estate.instances)
    assert expected.edges["ALLOWS_FROM"] >= 2
    assert report.nodes == sum(n for label, n in expected.nodes.items() if label != "Resource")
    assert report.edges == sum(expected.edges.values())
    assert sorted(u.region for u in report.units) == sorted(REGIONS)
    assert all(u.counts.skipped_edges == 0 for u in report.units)


def test_every_node_carries_the_account_region_and_partition_of_its_unit(
    aws_settings: Settings, graph: Graph, estate: DemoEstate
) -> None:
    discover(aws_settings, graph)
    records = graph.read("MATCH (n) RETURN n.id AS id, n.account AS account, n.region AS region")
    assert records
    for r in records:
        assert r["account"] == DEMO_ACCOUNT, r["id"]
        assert r["region"] in REGIONS, r["id"]
        assert r["id"].startswith(f"arn:aws:ec2:{r['region']}:{DEMO_ACCOUNT}:"), r["id"]


def test_web_1_is_in_subnet_public_a_of_prod_vpc(aws_settings: Settings, graph: Graph, estate: DemoEstate) -> None:
    discover(aws_settings, graph)
    rows = graph.read(
        "MATCH (i:EC2Instance {name: 'web-1'})-[:IN_SUBNET]->(s:Subnet)-[:IN_VPC]->(v:VPC) "
        "RETURN i.instance_id AS i, i.state AS state, s.subnet_id AS s, s.name AS sn, v.vpc_id AS v, v.name AS vn"
    )
    assert [dict(r) for r in rows] == [
        {
            "i": estate.instances["web-1"],
            "state": "running",
            "s": estate.subnets["public-a"],
            "sn": "public-a",
            "v": estate.vpcs["prod-vpc"],
            "vn": "prod-vpc",
        }
    ]


def test_web_1_is_member_of_web_sg_which_allows_tcp_443_from_anywhere(
    aws_settings: Settings, graph: Graph, estate: DemoEstate
) -> None:
    discover(aws_settings, graph)
    members = graph.read(
        "MATCH (:EC2Instance {instance_id: $id})-[:MEMBER_OF_SECURITY_GROUP]->(g:SecurityGroup) "
        "RETURN g.group_id AS g, g.name AS name",
        {"id": estate.instances["web-1"]},
    )
    assert [(r["g"], r["name"]) for r in members] == [(estate.security_groups["web-sg"], "web-sg")]
    rules = graph.read(
        "MATCH (:SecurityGroup {group_id: $g})-[:HAS_RULE]->(r:SecurityGroupRule) "
        "RETURN r.direction AS d, r.protocol AS p, r.from_port AS f, r.to_port AS t, r.cidr AS c",
        {"g": estate.security_groups["web-sg"]},
    )
    assert {(r["d"], r["p"], r["f"], r["t"], r["c"]) for r in rules} == {
        ("ingress", "tcp", 443, 443, "0.0.0.0/0"),
        ("ingress", "tcp", 80, 80, "0.0.0.0/0"),
        ("egress", "-1", None, None, "0.0.0.0/0"),  # the all-traffic egress rule every new group gets
    }


def test_db_sg_5432_rule_allows_from_app_sg(aws_settings: Settings, graph: Graph, estate: DemoEstate) -> None:
    discover(aws_settings, graph)
    rows = graph.read(
        "MATCH (:SecurityGroup {group_id: $db})-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) "
        "OPTIONAL MATCH (r)-[:ALLOWS_FROM]->(peer:SecurityGroup) "
        "RETURN r.protocol AS p, r.from_port AS f, r.to_port AS t, r.peer_group_id AS pg, r.cidr AS c, "
        "r.rule_description AS d, peer.group_id AS peer, peer.name AS peer_name",
        {"db": estate.security_groups["db-sg"]},
    )
    app = estate.security_groups["app-sg"]
    assert [dict(r) for r in rows] == [
        {"p": "tcp", "f": 5432, "t": 5432, "pg": app, "c": None, "d": "from app", "peer": app, "peer_name": "app-sg"}
    ]


def test_running_discovery_twice_writes_nothing_and_the_scopes_say_when_it_last_saw_each_node(
    aws_settings: Settings, graph: Graph, estate: DemoEstate
) -> None:
    first_report = discover(aws_settings, graph)
    first = snapshot(graph)
    second_report = discover(aws_settings, graph)
    second = snapshot(graph)

    assert len(second.nodes) == len(first.nodes) > 0
    assert len(second.edges) == len(first.edges) > 0
    assert second.without_stamps() == first.without_stamps()  # first_seen included
    # nothing was rewritten (every stamp stays), yet every node reads as seen by the second run
    assert second == first
    assert second_report.job.written == 0
    for labels, props in second.nodes.values():
        assert second_report.last_seen(labels, props) > props["last_seen"] == first_report.last_seen(labels, props)
    assert [u.counts.removed_nodes + u.counts.removed_edges for u in second_report.units] == [0, 0]
    assert (second_report.nodes, second_report.edges) == (first_report.nodes, first_report.edges)


def test_a_deleted_security_group_is_gone_with_its_rules_and_edges_after_the_next_run(
    aws_settings: Settings, graph: Graph, moto: MotoServer, estate: DemoEstate
) -> None:
    discover(aws_settings, graph)
    before = snapshot(graph)
    client = ec2(moto, "us-east-1")
    bastion_sg = estate.security_groups["bastion-sg"]
    default_sg = next(
        g["GroupId"]
        for g in client.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [estate.vpcs["prod-vpc"]]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"]
    )
    # As an operator would: move the bastion to another group, then delete the now unused one.
    client.modify_instance_attribute(InstanceId=estate.instances["bastion"], Groups=[default_sg])
    client.delete_security_group(GroupId=bastion_sg)

    report = discover(aws_settings, graph)
    after = snapshot(graph)

    group = sg_arn("us-east-1", bastion_sg)
    rules = {k for k in before.nodes if k.startswith(f"{group}/")}
    assert len(rules) == 2  # SSH from anywhere, and the default all-traffic egress
    removed = {group} | rules
    assert set(after.nodes) == set(before.nodes) - removed
    bastion = instance_arn("us-east-1", estate.instances["bastion"])
    moved = (bastion, "MEMBER_OF_SECURITY_GROUP", sg_arn("us-east-1", default_sg))
    assert set(after.edges) == (set(before.edges) - before.edges_touching(removed)) | {moved}
    assert moved not in before.edges
    assert (bastion, "MEMBER_OF_SECURITY_GROUP", group) in before.edges
    us_east = next(u for u in report.units if u.region == "us-east-1")
    assert us_east.counts.removed_nodes == len(removed)
    assert us_east.counts.removed_edges == len(set(before.edges) - set(after.edges))
    # The survivors are the same nodes as before, not re-created ones.
    for key in after.nodes:
        assert after.nodes[key][1]["first_seen"] == before.nodes[key][1]["first_seen"], key


def test_a_terminated_instance_is_gone_with_its_edges_after_the_next_run(
    aws_settings: Settings, graph: Graph, moto: MotoServer, estate: DemoEstate
) -> None:
    discover(aws_settings, graph)
    before = snapshot(graph)
    ec2(moto, "us-east-1").terminate_instances(InstanceIds=[estate.instances["web-2"]])

    discover(aws_settings, graph)
    after = snapshot(graph)

    web_2 = instance_arn("us-east-1", estate.instances["web-2"])
    assert web_2 in before.nodes
    assert set(after.nodes) == set(before.nodes) - {web_2}
    assert set(after.edges) == set(before.edges) - before.edges_touching({web_2})


def test_a_run_for_one_region_does_not_touch_the_other_regions_nodes(
    aws_settings: Settings, graph: Graph, moto: MotoServer, estate: DemoEstate
) -> None:
    discover(aws_settings, graph)
    before = snapshot(graph)
    # Even something gone from us-east-1 stays until us-east-1 itself is discovered again.
    client = ec2(moto, "us-east-1")
    client.terminate_instances(InstanceIds=[estate.instances["bastion"]])
    client.delete_security_group(GroupId=estate.security_groups["bastion-sg"])

    report = discover(aws_settings, graph, regions=("eu-west-1",))
    after = snapshot(graph)

    assert [u.region for u in report.units] == ["eu-west-1"]
    assert set(after.nodes) == set(before.nodes)
    assert set(after.edges) == set(before.edges)
    us_east = {k for k, (_, p) in before.nodes.items() if p["region"] == "us-east-1"}
    eu_west = set(before.nodes) - us_east
    assert us_east
    assert eu_west
    assert {k: after.nodes[k] for k in us_east} == {k: before.nodes[k] for k in us_east}  # stamps included
    for key in eu_west:  # seen again by the second run (its eu-west-1 scopes' stamps)
        labels, props = after.nodes[key]
        assert report.last_seen(labels, props) > before.nodes[key][1]["last_seen"], key
    for key in us_east:  # the second run's stamps do not cover us-east-1
        labels, props = after.nodes[key]
        assert report.last_seen(labels, props) == props["last_seen"], key


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_an_unreachable_endpoint_raises_endpoint_unreachable_naming_the_url_and_variable(
    monkeypatch: pytest.MonkeyPatch, graph: Graph
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AIDISCOVER_AWS_MAX_ATTEMPTS", "1")  # no retry backoff: the test stays fast
    settings = load_settings()
    assert settings.aws.endpoint_url == url

    with pytest.raises(EndpointUnreachable) as caught:
        discover_job(settings, graph, regions=("us-east-1",))
    message = str(caught.value)
    assert url in message
    assert "AWS_ENDPOINT_URL" in message
    assert "\n" not in message
