"""Routing between VPCs on rows: longest prefix match, peering and transit gateway both ways, and the REACHES
edges the network computation draws across VPCs (pure: no service).

One side of the routes comes from the recorded EC2 payloads of tests/data/aws/network (shaped like real
answers: a private table with routes to a peering, a transit gateway and a NAT gateway; an active
cross-region peering, a pending one, a deleted one; a VPC attachment), through the ingest transforms,
turned into the rows the derivation's queries return; the other side is written beside each test.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

from graph.rows import Transformed
from ingest.providers.aws.ec2 import arn
from ingest.providers.aws.network_gateways import (
    transform_peering_connections,
    transform_route_tables,
    transform_tgw_attachments,
    transform_transit_gateways,
)
from queries.derived.network_aws import network_edges, network_from_rows
from queries.derived.routes_aws import TGW_CAVEAT, Route, book_from_rows, longest_match, parse_route

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "network"
ACCOUNT, REGION = "111122223333", "us-west-2"
HOME_VPC = arn(REGION, ACCOUNT, "vpc/vpc-0a1b2c3d4e5f60718")
PEER_VPC = arn("eu-west-1", "444455556666", "vpc/vpc-0peer000000000001")
PRIVATE = arn(REGION, ACCOUNT, "subnet/subnet-0ee55ff66aa77bb88")  # routed by rtb-0priv...: pcx, tgw, NAT
PUBLIC = arn(REGION, ACCOUNT, "subnet/subnet-0aa11bb22cc33dd44")  # routed by rtb-0pub...: igw only


def _load(name: str, key: str) -> list[Any]:
    return list(json.loads((DATA / f"{name}.json").read_text())[key])


def _tables(rows: Transformed) -> list[dict[str, Any]]:
    """The rows the derivation's route table query returns (one per associated subnet)."""
    nodes = {n.id: n for n in rows.nodes}
    return [
        {"subnet": e.target_id, "id": e.source_id, "name": nodes[e.source_id].props["name"]}
        | {"routes": list(nodes[e.source_id].props["routes"] or ())}  # type: ignore[arg-type]
        for e in rows.edges
        if e.type == "ASSOCIATED_WITH"
    ]


def _peerings(rows: Transformed) -> list[dict[str, Any]]:
    return [
        {
            "id": n.id,
            "raw": n.props["vpc_peering_connection_id"],
            "name": n.props["name"],
            "status": n.props["status"],
            "vpcs": [e.target_id for e in rows.edges if e.source_id == n.id],
            "regions": [n.props["requester_region"], n.props["accepter_region"]],
        }
        for n in rows.nodes
    ]


def _gateways(gateways: Transformed, attachments: Transformed) -> list[dict[str, Any]]:
    states = {n.id: n.props for n in attachments.nodes}
    return [
        {
            "id": g.id,
            "raw": g.props["transit_gateway_id"],
            "name": g.props["name"],
            "state": g.props["state"],
            "vpcs": [
                e.target_id
                for e in attachments.edges
                if e.type == "ATTACHES_VPC"
                and states[e.source_id]["transit_gateway_id"] == g.props["transit_gateway_id"]
                and states[e.source_id]["state"] in ("available", "modifying")
            ],
        }
        for g in gateways.nodes
    ]


def _recorded() -> dict[str, list[dict[str, Any]]]:
    tables = transform_route_tables(_load("describe_route_tables", "RouteTables"), ACCOUNT, REGION)
    peerings = transform_peering_connections(
        _load("describe_vpc_peering_connections", "VpcPeeringConnections"), ACCOUNT, REGION
    )
    gateways = transform_transit_gateways(_load("describe_transit_gateways", "TransitGateways"), ACCOUNT, REGION)
    attachments = transform_tgw_attachments(
        _load("describe_transit_gateway_attachments", "TransitGatewayAttachments"),
        _load("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"),
        ACCOUNT,
        REGION,
    )
    return {"tables": _tables(tables), "peerings": _peerings(peerings), "gateways": _gateways(gateways, attachments)}


def _net(text: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(text)


def test_parse_route_reads_the_tables_routes_property() -> None:
    assert parse_route("10.30.0.0/16 -> pcx-0f0f0f0f0f0f0f0f0 (active)") == Route(
        "10.30.0.0/16", "pcx-0f0f0f0f0f0f0f0f0", "active"
    )
    assert parse_route("172.16.0.0/12 -> nat-0dead0000dead0000 (blackhole)") == Route(
        "172.16.0.0/12", "nat-0dead0000dead0000", "blackhole"
    )
    assert parse_route("no arrow here") is None


def test_the_most_specific_route_holding_the_whole_range_decides() -> None:
    private = next(t for t in _recorded()["tables"] if t["subnet"] == PRIVATE)
    routes = [r for r in (parse_route(t) for t in private["routes"]) if r is not None]

    def target(cidr: str) -> str | None:
        found = longest_match(routes, _net(cidr))
        return found.target if found else None

    assert target("10.30.4.0/24") == "pcx-0f0f0f0f0f0f0f0f0"
    assert target("10.41.0.0/24") == "tgw-0a1a1a1a1a1a1a1a1"  # inside 10.40.0.0/14
    assert target("10.20.7.0/24") == "local"
    assert target("8.8.8.0/24") == "nat-0e0e0e0e0e0e0e0e0"  # only the default route holds it
    assert target("10.40.0.0/13") == "nat-0e0e0e0e0e0e0e0e0"  # wider than the TGW route: it does not hold it all


def _peer_side(target: str, state: str = "active", destination: str = "10.20.0.0/16") -> dict[str, Any]:
    """The peer VPC's table, routing the home VPC's range back to ``target``."""
    return {
        "subnet": "peer-subnet",
        "id": "peer-rt",
        "name": "peer-rt",
        "routes": ["10.30.0.0/16 -> local (active)", f"{destination} -> {target} ({state})"],
    }


def _cross(rows: dict[str, list[dict[str, Any]]], group_reference: bool = False) -> str | None:
    book = book_from_rows(rows["tables"], rows["peerings"], rows["gateways"])
    route = book.cross(
        (PRIVATE, _net("10.20.2.0/24"), HOME_VPC), ("peer-subnet", _net("10.30.1.0/24"), PEER_VPC), group_reference
    )
    return route.gateway.raw if route else None


def test_an_active_peering_routed_both_ways_carries_traffic() -> None:
    rows = _recorded()
    rows["tables"].append(_peer_side("pcx-0f0f0f0f0f0f0f0f0"))
    assert _cross(rows) == "pcx-0f0f0f0f0f0f0f0f0"


def test_no_return_route_or_a_return_elsewhere_means_no_way() -> None:
    rows = _recorded()
    assert _cross(rows) is None  # the peer subnet has no table at all
    rows["tables"].append(_peer_side("igw-0peer", destination="0.0.0.0/0"))
    assert _cross(rows) is None  # replies go to the internet gateway
    rows["tables"][-1] = _peer_side("pcx-0f0f0f0f0f0f0f0f0", state="blackhole")
    assert _cross(rows) is None


def test_a_peering_that_is_not_active_carries_nothing() -> None:
    rows = _recorded()
    rows["tables"].append(_peer_side("pcx-0f0f0f0f0f0f0f0f0"))
    rows["peerings"] = [p | {"status": "pending-acceptance"} for p in rows["peerings"]]
    assert _cross(rows) is None


def test_a_group_reference_does_not_cross_regions_nor_transit_gateways() -> None:
    rows = _recorded()
    rows["tables"].append(_peer_side("pcx-0f0f0f0f0f0f0f0f0"))
    assert _cross(rows, group_reference=True) is None  # the recorded peering joins us-west-2 and eu-west-1
    rows["peerings"] = [p | {"regions": [REGION, REGION]} for p in rows["peerings"]]
    assert _cross(rows, group_reference=True) == "pcx-0f0f0f0f0f0f0f0f0"


def _tgw_rows(attached: bool) -> dict[str, list[dict[str, Any]]]:
    rows = _recorded()
    spoke = arn(REGION, ACCOUNT, "vpc/vpc-0spoke")
    rows["tables"].append(
        {
            "subnet": "spoke-subnet",
            "id": "spoke-rt",
            "name": "spoke-rt",
            "routes": ["10.20.0.0/16 -> tgw-0a1a1a1a1a1a1a1a1 (active)"],
        }
    )
    if attached:
        rows["gateways"] = [g | {"vpcs": [*g["vpcs"], spoke]} for g in rows["gateways"]]
    return rows


def test_a_transit_gateway_joins_vpcs_attached_to_it_with_routes_both_ways() -> None:
    spoke = arn(REGION, ACCOUNT, "vpc/vpc-0spoke")
    for attached, expected in ((True, "tgw-0a1a1a1a1a1a1a1a1"), (False, None)):
        rows = _tgw_rows(attached)
        book = book_from_rows(rows["tables"], rows["peerings"], rows["gateways"])
        route = book.cross((PRIVATE, _net("10.20.2.0/24"), HOME_VPC), ("spoke-subnet", _net("10.41.3.0/24"), spoke))
        assert (route.gateway.raw if route else None) == expected
        if route is not None:
            assert TGW_CAVEAT in route.text()
            assert route.hops[1] == route.gateway.id


def _workloads(consumer_subnet: str, cidr: str, vpc: str) -> dict[str, list[dict[str, Any]]]:
    """An app instance in ``consumer_subnet`` and a database in the peer VPC whose group admits ``cidr``."""
    return {
        "nodes": [
            {
                "id": "app",
                "kind": "EC2Instance",
                "region": REGION,
                "groups": ["sg-app"],
                "group_vpcs": [HOME_VPC],
                "subnets": [{"id": consumer_subnet, "cidr_block": "10.20.2.0/24", "vpc": HOME_VPC}],
            },
            {
                "id": "db",
                "kind": "RDSInstance",
                "region": REGION,
                "groups": ["sg-db"],
                "group_vpcs": [vpc],
                "subnets": [{"id": "peer-subnet", "cidr_block": "10.30.1.0/24", "vpc": vpc}],
            },
        ],
        "rules": [
            {
                "group_id": "sg-db",
                "group_name": "db",
                "vpc": vpc,
                "rule": {"id": "rule-5432", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr": cidr},
            }
        ],
        "acls": [],
    }


def test_edges_cross_a_routed_peering_and_name_the_route_and_the_rule() -> None:
    rows = _recorded() | _workloads(PRIVATE, "10.20.2.0/24", PEER_VPC)
    rows["tables"].append(_peer_side("pcx-0f0f0f0f0f0f0f0f0"))
    edges = network_edges(network_from_rows(rows))
    assert [(e.source, e.target, e.via, e.ports) for e in edges] == [("app", "db", "rule-5432", "tcp 5432")]
    edge = edges[0]
    assert edge.hops == (arn(REGION, ACCOUNT, "route-table/rtb-0priv00000000000001"), _peerings_id(rows), "peer-rt")
    assert "pcx-0f0f0f0f0f0f0f0f0" in (edge.route or "")
    assert "db admits tcp 5432 from 10.20.2.0/24" in edge.reason
    assert edge.scope == PEER_VPC


def _peerings_id(rows: dict[str, list[dict[str, Any]]]) -> str:
    return str(next(p["id"] for p in rows["peerings"] if p["raw"] == "pcx-0f0f0f0f0f0f0f0f0"))


def test_no_edge_without_the_route_back_nor_from_a_subnet_routed_elsewhere() -> None:
    rows = _recorded() | _workloads(PRIVATE, "10.20.2.0/24", PEER_VPC)
    assert network_edges(network_from_rows(rows)) == []  # the peer subnet has no route back
    rows = _recorded() | _workloads(PUBLIC, "10.20.2.0/24", PEER_VPC)
    rows["tables"].append(_peer_side("pcx-0f0f0f0f0f0f0f0f0"))
    assert network_edges(network_from_rows(rows)) == []  # the public table sends 10.30/16 to the internet
