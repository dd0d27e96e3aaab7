"""Network and EBS discovery end to end: the seeded estate in moto, read through the real EC2 API by every
registered unit, into the real Neo4j.

Expected counts are derived from what the EC2 API itself returns, never hard-coded. Units run one at a
time here (AIDISCOVER_AWS_MAX_WORKERS=1, registry order: ec2 first), so edges to instances, subnets and
VPCs always find their end nodes on the first run.

A discovery of every unit takes tens of seconds on a busy machine, so the estate is seeded and
discovered once per module; the tests read that graph. The two tests at the end run discovery again
(the second one after changing the estate) and must stay last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import neo4j.time
import pytest

from core.settings import Settings, load_settings
from devclouds.moto_server import MotoServer
from devclouds.seed_aws_network import seed
from graph.neo4j.client import Graph
from graph.rows import HASH_PROPERTIES
from graph.schema.references import REFERENCES
from ingest.providers.aws import network_ebs, network_vpc
from ingest.providers.aws.registry import unit
from tests.discovery import Discovery, discover_job

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account
AMIS = Path(__file__).resolve().parent.parent / "data" / "aws" / "moto_amis.json"
STAMPS = frozenset({"last_seen", "last_sync"}) | HASH_PROPERTIES  # bookkeeping, not the resource
MY_LABELS = (*network_ebs.LABELS, *network_vpc.LABELS)
MY_SERVICES = ("ebs", "vpc-network")


def A(resource: str) -> str:  # noqa: N802 - reads like the ARN it builds
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{resource}"


@dataclass(frozen=True)
class Discovered:
    estate: dict[str, str]
    settings: Settings
    report: Discovery
    graph: Graph
    client: EC2Client


def discover(settings: Settings, graph: Graph, everything: bool = True) -> Discovery:
    if everything:
        report = discover_job(settings, graph, regions=(REGION,))
    else:
        report = discover_job(settings, graph, regions=(REGION,), units=[unit(s) for s in ("ec2", *MY_SERVICES)])
    assert report.account == ACCOUNT
    mine = [u for u in report.units if u.service in MY_SERVICES]
    assert sorted(u.service for u in mine) == sorted(MY_SERVICES)
    assert [w for w in report.warnings if w.split(" ", 1)[0] in MY_SERVICES] == []
    assert [u.counts.anomalies for u in mine] == [0, 0]
    return report


@pytest.fixture(scope="module")
def net(moto_server: MotoServer, session_graph: Graph) -> Iterator[Discovered]:
    """The estate seeded into a fresh moto and discovered once into an emptied graph."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ENDPOINT_URL", moto_server.url)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.delenv("AWS_PROFILE", raising=False)
        mp.setenv("AIDISCOVER_AWS_MAX_WORKERS", "1")
        # moto's documented MOTO_AMIS_PATH replaces its AMI catalogue with one image: seeding stays fast.
        mp.setenv("MOTO_AMIS_PATH", str(AMIS))
        moto_server.reset()
        session_graph.wipe()
        estate = seed(moto_server.url, REGION)
        settings = load_settings()
        assert settings.aws.max_workers == 1
        report = discover(settings, session_graph)
        client: EC2Client = boto3.client("ec2", region_name=REGION, endpoint_url=moto_server.url)
        yield Discovered(estate, settings, report, session_graph, client)


# --- what the API says ---------------------------------------------------------------------------


def _ids(values: Iterable[str | None]) -> set[str]:
    return {v for v in values if v}


def api_counts(client: EC2Client) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Nodes per label and edges per (type, source label) discovery should produce, from describe_* answers.
    Snapshot and image lists are filtered to the account's own (moto ignores OwnerIds=self)."""
    volumes = client.describe_volumes()["Volumes"]
    snapshots = [s for s in client.describe_snapshots(OwnerIds=["self"])["Snapshots"] if s["OwnerId"] == ACCOUNT]
    images = client.describe_images(Owners=["self"])["Images"]
    tables = client.describe_route_tables()["RouteTables"]
    igws = client.describe_internet_gateways()["InternetGateways"]
    nats = [n for n in client.describe_nat_gateways()["NatGateways"] if n["State"] != "deleted"]
    pcxs = client.describe_vpc_peering_connections()["VpcPeeringConnections"]
    tgws = client.describe_transit_gateways()["TransitGateways"]
    atts = client.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    vpc_atts = client.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
    acls = client.describe_network_acls()["NetworkAcls"]
    enis = client.describe_network_interfaces()["NetworkInterfaces"]
    addresses = client.describe_addresses()["Addresses"]
    instances = {i["InstanceId"] for r in client.describe_instances()["Reservations"] for i in r["Instances"]}

    subnets = client.describe_subnets()["Subnets"]
    explicit = [a["SubnetId"] for t in tables for a in t["Associations"] if a.get("SubnetId")]
    main_vpcs = {t["VpcId"] for t in tables if any(a.get("Main") for a in t["Associations"])}
    implicit = [s for s in subnets if s["VpcId"] in main_vpcs and s["SubnetId"] not in explicit]
    volume_ids = {v["VolumeId"] for v in volumes}
    snapshot_ids = {s["SnapshotId"] for s in snapshots}
    nodes = {
        "EBSVolume": len(volumes),
        "EBSSnapshot": len(snapshots),
        "AMI": len(images),
        "RouteTable": len(tables),
        "InternetGateway": len(igws),
        "NATGateway": len(nats),
        "VPCPeeringConnection": len(pcxs),
        "TransitGateway": len(tgws),
        "TransitGatewayAttachment": len(atts),
        "NetworkAcl": len(acls),
        "NetworkAclEntry": sum(len({(e["Egress"], e["RuleNumber"]) for e in a["Entries"]}) for a in acls),
        "NetworkInterface": len(enis),
        "ElasticIP": len(addresses),
    }
    route_pairs: Counter[str] = Counter()
    for table in tables:
        targets: set[tuple[str, str]] = set()
        for route in table["Routes"]:
            if route.get("GatewayId", "").startswith("igw-"):
                targets.add(("InternetGateway", route["GatewayId"]))
            for key, label in (
                ("NatGatewayId", "NATGateway"),
                ("VpcPeeringConnectionId", "VPCPeeringConnection"),
                ("TransitGatewayId", "TransitGateway"),
                ("InstanceId", "EC2Instance"),
                ("NetworkInterfaceId", "NetworkInterface"),
            ):
                if route.get(key):
                    targets.add((label, str(route[key])))  # type: ignore[literal-required]
        route_pairs.update(label for label, _ in targets)
    subnets_of = {a["TransitGatewayAttachmentId"]: a["SubnetIds"] for a in vpc_atts}
    edges = {
        ("ATTACHED_TO", "EBSVolume"): sum(len(v["Attachments"]) for v in volumes),
        ("CREATED_FROM", "EBSVolume"): sum(1 for v in volumes if v.get("SnapshotId") in snapshot_ids),
        ("SNAPSHOT_OF", "EBSSnapshot"): sum(1 for s in snapshots if s["VolumeId"] in volume_ids),
        ("USES_SNAPSHOT", "AMI"): sum(
            len(_ids(b.get("Ebs", {}).get("SnapshotId") for b in i["BlockDeviceMappings"])) for i in images
        ),
        ("IN_VPC", "RouteTable"): sum(1 for t in tables if t.get("VpcId")),
        ("ASSOCIATED_WITH", "RouteTable"): len(explicit) + len(implicit),
        ("ATTACHED_TO", "InternetGateway"): sum(len(g["Attachments"]) for g in igws),
        ("IN_SUBNET", "NATGateway"): len(nats),
        ("IN_VPC", "NATGateway"): len(nats),
        ("USES_ELASTIC_IP", "NATGateway"): sum(len(n["NatGatewayAddresses"]) for n in nats),
        ("USES_NETWORK_INTERFACE", "NATGateway"): sum(len(n["NatGatewayAddresses"]) for n in nats),
        ("REQUESTER_VPC", "VPCPeeringConnection"): len(pcxs),
        ("ACCEPTER_VPC", "VPCPeeringConnection"): len(pcxs),
        ("ATTACHED_TO", "TransitGatewayAttachment"): len(atts),
        ("ATTACHES_VPC", "TransitGatewayAttachment"): sum(1 for a in atts if a["ResourceType"] == "vpc"),
        ("IN_SUBNET", "TransitGatewayAttachment"): sum(
            len(subnets_of.get(a["TransitGatewayAttachmentId"], [])) for a in atts
        ),
        ("IN_VPC", "NetworkAcl"): len(acls),
        ("ASSOCIATED_WITH", "NetworkAcl"): sum(len(a["Associations"]) for a in acls),
        ("HAS_ENTRY", "NetworkAcl"): nodes["NetworkAclEntry"],
        ("IN_SUBNET", "NetworkInterface"): len(enis),
        ("IN_VPC", "NetworkInterface"): len(enis),
        ("MEMBER_OF_SECURITY_GROUP", "NetworkInterface"): sum(len(e["Groups"]) for e in enis),
        ("ATTACHED_TO", "NetworkInterface"): sum(1 for e in enis if e.get("Attachment", {}).get("InstanceId")),
        ("ASSOCIATED_WITH", "ElasticIP"): sum(1 for a in addresses if a.get("NetworkInterfaceId"))
        + sum(1 for a in addresses if a.get("InstanceId") in instances),
    }
    edges.update({("ROUTES_TO", "RouteTable"): sum(route_pairs.values())})
    return nodes, {k: v for k, v in edges.items() if v}


def graph_counts(graph: Graph) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    nodes = {
        r["label"]: r["c"]
        for r in graph.read(
            "MATCH (n) UNWIND labels(n) AS label WITH label WHERE label IN $labels RETURN label, count(*) AS c",
            {"labels": list(MY_LABELS)},
        )
    }
    edges = {
        (r["t"], r["s"]): r["c"]
        for r in graph.read(
            "MATCH (a)-[r]->() WITH type(r) AS t, [l IN labels(a) WHERE l IN $labels][0] AS s "
            "WHERE s IS NOT NULL AND NOT [s, t] IN $refs RETURN t, s, count(*) AS c",
            {"labels": list(MY_LABELS), "refs": [[r.rel.source, r.rel.type] for r in REFERENCES]},
        )
    }
    return nodes, edges


# --- whole-graph snapshots -------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    nodes: dict[str, dict[str, Any]]
    edges: dict[tuple[str, str, str], dict[str, Any]]

    def without_stamps(self) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
        return ({k: _drop(p) for k, p in self.nodes.items()}, {k: _drop(p) for k, p in self.edges.items()})


def _drop(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in STAMPS}


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


def snapshot(graph: Graph) -> Snapshot:
    nodes = {
        r["id"]: {k: _native(v) for k, v in r["props"].items()}
        for r in graph.read("MATCH (n) RETURN n.id AS id, properties(n) AS props")
    }
    edges = {
        (r["a"], r["t"], r["b"]): {k: _native(v) for k, v in r["props"].items()}
        for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")
    }
    return Snapshot(nodes, edges)


def out_edges(graph: Graph, node_id: str) -> set[tuple[str, str]]:
    rows = graph.read("MATCH (a {id: $id})-[r]->(b) RETURN type(r) AS t, b.id AS b", {"id": node_id})
    return {(r["t"], r["b"]) for r in rows}


# --- tests ---------------------------------------------------------------------------------------


def test_counts_per_label_and_relationship_match_what_the_ec2_api_returns(net: Discovered) -> None:
    report = net.report
    expected_nodes, expected_edges = api_counts(net.client)
    assert graph_counts(net.graph) == ({k: v for k, v in expected_nodes.items() if v}, expected_edges)
    # Sanity: the seeded estate is in there, so the derived numbers are not trivially small.
    assert expected_nodes["RouteTable"] >= 4  # three main tables (default, net, peer VPC) + public + private
    assert expected_nodes["ElasticIP"] == 3
    assert expected_edges[("ROUTES_TO", "RouteTable")] == 5  # IGW; NAT, peering, TGW, instance
    mine = {u.service: u for u in report.units if u.service in MY_SERVICES}
    assert mine["ebs"].counts.nodes == sum(expected_nodes[label] for label in network_ebs.LABELS)
    assert mine["vpc-network"].counts.nodes == sum(expected_nodes[label] for label in network_vpc.LABELS)
    # The only edges left out: snapshots whose source volume is gone (moto's CreateImage snapshots a copy of
    # the root volume that describe_volumes never lists; on AWS, snapshots outlive deleted volumes).
    volumes = {v["VolumeId"] for v in net.client.describe_volumes()["Volumes"]}
    orphans = [
        s
        for s in net.client.describe_snapshots(OwnerIds=["self"])["Snapshots"]
        if s["OwnerId"] == ACCOUNT and s["VolumeId"] not in volumes
    ]
    assert (mine["ebs"].counts.skipped_edges, mine["vpc-network"].counts.skipped_edges) == (len(orphans), 0)


def test_private_route_table_routes_to_nat_peering_tgw_and_the_appliance_with_grouped_destinations(
    net: Discovered,
) -> None:
    graph, estate = net.graph, net.estate
    rows = graph.read(
        "MATCH (t:RouteTable {route_table_id: $rt})-[r:ROUTES_TO]->(x) "
        "RETURN x.kind AS label, x.id AS id, r.destination_cidrs AS cidrs, r.states AS states, "
        "r.origins AS origins ORDER BY label",
        {"rt": estate["private-rt"]},
    )
    assert [dict(r) for r in rows] == [
        {
            "label": "EC2Instance",
            "id": A(f"instance/{estate['instance']}"),
            "cidrs": ["192.168.0.0/16"],
            "states": ["active"],
            "origins": ["CreateRoute"],
        },
        {
            "label": "NATGateway",
            "id": A(f"natgateway/{estate['nat']}"),
            "cidrs": ["0.0.0.0/0"],
            "states": ["active"],
            "origins": ["CreateRoute"],
        },
        {
            "label": "TransitGateway",
            "id": A(f"transit-gateway/{estate['tgw']}"),
            "cidrs": ["10.40.0.0/16"],
            "states": ["active"],
            "origins": ["CreateRoute"],
        },
        {
            "label": "VPCPeeringConnection",
            "id": A(f"vpc-peering-connection/{estate['pcx']}"),
            "cidrs": ["10.30.0.0/16", "10.31.0.0/16"],
            "states": ["active"],
            "origins": ["CreateRoute"],
        },
    ]
    table = A(f"route-table/{estate['private-rt']}")
    assert out_edges(graph, table) >= {
        ("IN_VPC", A(f"vpc/{estate['vpc']}")),
        ("ASSOCIATED_WITH", A(f"subnet/{estate['private-subnet']}")),
    }
    props = graph.read(
        "MATCH (t:RouteTable {id: $id}) RETURN t.name AS n, t.is_main AS m, t.routes AS r", {"id": table}
    )
    assert dict(props[0]) == {
        "n": "private-rt",
        "m": False,
        "r": [
            f"0.0.0.0/0 -> {estate['nat']} (active)",
            "10.20.0.0/16 -> local (active)",
            f"10.30.0.0/16 -> {estate['pcx']} (active)",
            f"10.31.0.0/16 -> {estate['pcx']} (active)",
            f"10.40.0.0/16 -> {estate['tgw']} (active)",
            f"192.168.0.0/16 -> {estate['instance']} (active)",
        ],
    }


def test_public_route_table_sends_the_public_subnet_to_the_igw_and_the_vpc_has_one_main_table(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    public = A(f"route-table/{estate['public-rt']}")
    assert out_edges(graph, public) == {
        ("IN_VPC", A(f"vpc/{estate['vpc']}")),
        ("ASSOCIATED_WITH", A(f"subnet/{estate['public-subnet']}")),
        ("ROUTES_TO", A(f"internet-gateway/{estate['igw']}")),
    }
    mains = graph.read(
        "MATCH (t:RouteTable {vpc_id: $vpc, is_main: true})-[:IN_VPC]->(v:VPC) RETURN v.name AS v, t.routes AS r",
        {"vpc": estate["vpc"]},
    )
    assert [dict(r) for r in mains] == [{"v": "net-vpc", "r": ["10.20.0.0/16 -> local (active)"]}]
    # Both subnets of net-vpc are associated explicitly: its main table routes none of them. The default
    # VPC's subnets have no explicit association: its main table routes each of them, implicitly.
    implicit = graph.read(
        "MATCH (t:RouteTable {is_main: true})-[r:ASSOCIATED_WITH]->(s:Subnet) "
        "RETURN t.vpc_id AS vpc, r.implicit AS implicit, count(s) AS subnets, collect(s.default_for_az) AS defaults"
    )
    assert [(r["implicit"], r["subnets"], set(r["defaults"])) for r in implicit] == [(True, 6, {True})]
    assert implicit[0]["vpc"] not in (estate["vpc"], estate["peer-vpc"])
    explicit = graph.read(
        "MATCH (t:RouteTable {vpc_id: $vpc})-[r:ASSOCIATED_WITH]->(s:Subnet) RETURN t.name AS t, r.implicit AS i, "
        "s.name AS s ORDER BY s",
        {"vpc": estate["vpc"]},
    )
    assert [tuple(r.values()) for r in explicit] == [
        ("private-rt", False, "private-subnet"),
        ("public-rt", False, "public-subnet"),
    ]
    igw = A(f"internet-gateway/{estate['igw']}")
    assert out_edges(graph, igw) == {("ATTACHED_TO", A(f"vpc/{estate['vpc']}"))}


def test_nat_gateway_sits_in_the_public_subnet_and_uses_its_elastic_ip(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    eip = net.client.describe_addresses(AllocationIds=[estate["nat-eip"]])["Addresses"][0]
    nat = A(f"natgateway/{estate['nat']}")
    assert out_edges(graph, nat) == {
        ("IN_SUBNET", A(f"subnet/{estate['public-subnet']}")),
        ("IN_VPC", A(f"vpc/{estate['vpc']}")),
        ("USES_ELASTIC_IP", A(f"elastic-ip/{estate['nat-eip']}")),
        ("USES_NETWORK_INTERFACE", A(f"network-interface/{eip['NetworkInterfaceId']}")),
    }
    rows = graph.read("MATCH (n:NATGateway {id: $id}) RETURN n.name AS n, n.state AS s, n.public_ip AS ip", {"id": nat})
    assert dict(rows[0]) == {"n": "net-nat", "s": "available", "ip": eip["PublicIp"]}


def test_peering_joins_the_two_vpcs_and_the_tgw_attachment_joins_vpc_subnet_and_gateway(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    assert out_edges(graph, A(f"vpc-peering-connection/{estate['pcx']}")) == {
        ("REQUESTER_VPC", A(f"vpc/{estate['vpc']}")),
        ("ACCEPTER_VPC", A(f"vpc/{estate['peer-vpc']}")),
    }
    pcx = graph.read(
        "MATCH (p:VPCPeeringConnection {vpc_peering_connection_id: $id}) "
        "RETURN p.status AS s, p.requester_cidr AS r, p.accepter_cidr AS a",
        {"id": estate["pcx"]},
    )
    assert dict(pcx[0]) == {"s": "active", "r": "10.20.0.0/16", "a": "10.30.0.0/16"}
    assert out_edges(graph, A(f"transit-gateway-attachment/{estate['tgw-attachment']}")) == {
        ("ATTACHED_TO", A(f"transit-gateway/{estate['tgw']}")),
        ("ATTACHES_VPC", A(f"vpc/{estate['vpc']}")),
        ("IN_SUBNET", A(f"subnet/{estate['private-subnet']}")),
    }
    tgw = graph.read(
        "MATCH (t:TransitGateway {transit_gateway_id: $id}) RETURN t.name AS n, t.description AS d, "
        "t.amazon_side_asn AS asn",
        {"id": estate["tgw"]},
    )
    assert dict(tgw[0]) == {"n": "net-tgw", "d": "hub", "asn": 64512}


def test_public_acl_governs_the_public_subnet_with_its_allow_and_deny_entries(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    acl = A(f"network-acl/{estate['acl']}")
    rows = graph.read(
        "MATCH (:NetworkAcl {id: $id})-[:HAS_ENTRY]->(e:NetworkAclEntry) "
        "RETURN e.id AS id, e.direction AS d, e.rule_number AS n, e.protocol AS p, e.rule_action AS a, "
        "e.cidr AS c, e.from_port AS f, e.to_port AS t ORDER BY id",
        {"id": acl},
    )
    assert [tuple(r.values()) for r in rows] == [
        (f"{acl}/egress/100", "egress", 100, "-1", "allow", "0.0.0.0/0", None, None),
        (f"{acl}/ingress/100", "ingress", 100, "6", "allow", "0.0.0.0/0", 443, 443),
        (f"{acl}/ingress/200", "ingress", 200, "6", "deny", "0.0.0.0/0", 22, 22),
    ]
    assert {e for e in out_edges(graph, acl) if e[0] != "HAS_ENTRY"} == {
        ("IN_VPC", A(f"vpc/{estate['vpc']}")),
        ("ASSOCIATED_WITH", A(f"subnet/{estate['public-subnet']}")),
    }


def test_eni_with_elastic_ip_and_the_instances_primary_eni(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    eni = A(f"network-interface/{estate['eni']}")
    assert out_edges(graph, eni) == {
        ("IN_SUBNET", A(f"subnet/{estate['public-subnet']}")),
        ("IN_VPC", A(f"vpc/{estate['vpc']}")),
        ("MEMBER_OF_SECURITY_GROUP", A(f"security-group/{estate['sg']}")),
    }
    public_ip = net.client.describe_addresses(AllocationIds=[estate["eni-eip"]])["Addresses"][0]["PublicIp"]
    rows = graph.read(
        "MATCH (e:NetworkInterface {id: $id}) RETURN e.name AS n, e.private_ip AS ip, e.private_ips AS ips, "
        "e.public_ip AS pub, e.description AS d, e.requester_managed AS m",
        {"id": eni},
    )
    assert dict(rows[0]) == {
        "n": "web-eni",
        "ip": "10.20.1.10",
        "ips": ["10.20.1.10", "10.20.1.11"],
        "pub": public_ip,
        "d": "web frontend",
        "m": False,
    }
    eip = A(f"elastic-ip/{estate['eni-eip']}")
    assert out_edges(graph, eip) == {("ASSOCIATED_WITH", eni)}
    eip_props = graph.read(
        "MATCH (e:ElasticIP {id: $id}) RETURN e.public_ip AS ip, e.association_id AS a, e.name AS n", {"id": eip}
    )
    assert dict(eip_props[0]) == {"ip": public_ip, "a": estate["eni-eip-association"], "n": "web-eip"}
    assert out_edges(graph, A(f"elastic-ip/{estate['idle-eip']}")) == set()
    primary = graph.read(
        "MATCH (e:NetworkInterface)-[:ATTACHED_TO]->(:EC2Instance {instance_id: $i}) "
        "RETURN e.device_index AS d, e.subnet_id AS s",
        {"i": estate["instance"]},
    )
    assert [dict(r) for r in primary] == [{"d": 0, "s": estate["private-subnet"]}]


def test_data_volume_is_attached_snapshotted_and_the_ami_uses_its_own_snapshot(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    volume = A(f"volume/{estate['volume']}")
    instance = A(f"instance/{estate['instance']}")
    rows = graph.read(
        "MATCH (v:EBSVolume {id: $id})-[r:ATTACHED_TO]->(i:EC2Instance) RETURN v.name AS n, v.size AS size, "
        "v.volume_type AS t, v.iops AS iops, v.encrypted AS enc, v.state AS s, r.device AS dev, r.state AS rs, "
        "i.id AS i",
        {"id": volume},
    )
    assert [dict(r) for r in rows] == [
        {
            "n": "data-volume",
            "size": 20,
            "t": "gp3",
            "iops": 3000,
            "enc": True,
            "s": "in-use",
            "dev": "/dev/sdf",
            "rs": "attached",
            "i": instance,
        }
    ]
    snap = f"arn:aws:ec2:{REGION}::snapshot/{estate['snapshot']}"
    assert out_edges(graph, snap) == {("SNAPSHOT_OF", volume)}
    snap_props = graph.read(
        "MATCH (s:EBSSnapshot {id: $id}) RETURN s.description AS d, s.volume_size AS size, s.owner_id AS o",
        {"id": snap},
    )
    assert dict(snap_props[0]) == {"d": "nightly", "size": 20, "o": ACCOUNT}
    image = net.client.describe_images(ImageIds=[estate["ami"]])["Images"][0]
    backing = {m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"] if "Ebs" in m}
    assert backing
    ami = f"arn:aws:ec2:{REGION}::image/{estate['ami']}"
    assert out_edges(graph, ami) == {("USES_SNAPSHOT", f"arn:aws:ec2:{REGION}::snapshot/{s}") for s in backing}
    ami_props = graph.read("MATCH (a:AMI {id: $id}) RETURN a.name AS n, a.description AS d, a.public AS p", {"id": ami})
    assert dict(ami_props[0]) == {"n": "appliance-image", "d": "golden", "p": False}
    # moto's own catalogue image (owner 137112412989) and its snapshot are not the account's.
    assert graph.read("MATCH (s:EBSSnapshot) WHERE s.owner_id <> $a RETURN count(s) AS c", {"a": ACCOUNT})[0]["c"] == 0


def test_running_discovery_twice_writes_nothing_the_second_time(net: Discovered) -> None:
    graph = net.graph
    first = snapshot(graph)
    second_report = discover(net.settings, graph)
    second = snapshot(graph)
    assert len(first.nodes) > 0
    assert second.without_stamps() == first.without_stamps()  # first_seen included
    for key, props in second.nodes.items():  # nothing rewritten: the scopes' stamps say it was seen
        assert props["last_sync"] == first.nodes[key]["last_sync"], key
    assert second_report.job.written == 0
    mine = [u for u in second_report.units if u.service in MY_SERVICES]
    assert [u.counts.removed_nodes + u.counts.removed_edges for u in mine] == [0, 0]


def test_a_disassociated_elastic_ip_and_a_deleted_route_lose_their_edges_on_the_next_run(net: Discovered) -> None:
    graph, estate = net.graph, net.estate
    before = snapshot(graph)
    client = net.client
    client.disassociate_address(AssociationId=estate["eni-eip-association"])
    client.delete_route(RouteTableId=estate["private-rt"], DestinationCidrBlock="10.40.0.0/16")

    report = discover(net.settings, graph, everything=False)
    after = snapshot(graph)

    eip = A(f"elastic-ip/{estate['eni-eip']}")
    gone = {
        (eip, "ASSOCIATED_WITH", A(f"network-interface/{estate['eni']}")),
        (A(f"route-table/{estate['private-rt']}"), "ROUTES_TO", A(f"transit-gateway/{estate['tgw']}")),
    }
    assert gone <= set(before.edges)
    assert set(after.edges) == set(before.edges) - gone
    assert set(after.nodes) == set(before.nodes)
    assert "association_id" not in after.nodes[eip]
    assert after.nodes[eip]["first_seen"] == before.nodes[eip]["first_seen"]
    removed = {u.service: u.counts.removed_edges for u in report.units}
    assert (removed["ebs"], removed["vpc-network"], removed["ec2"]) == (0, 2, 0)
