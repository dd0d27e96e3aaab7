"""Pure transforms for routing: route tables and their routes, internet and NAT gateways, VPC peering
connections, transit gateways and their attachments.

Routes become ROUTES_TO relationships, one per (table, target): the writer MERGEs one relationship per
pair, so every destination routed to the same target is gathered in list properties. Routes to targets
the graph does not model (local, virtual private gateways, endpoints, egress-only gateways) are kept in
the table's ``routes`` property only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.aws.ec2 import arn, name_from, tag_list
from ingest.providers.aws.network_ebs import parse_time

if TYPE_CHECKING:
    from mypy_boto3_ec2.type_defs import (
        InternetGatewayTypeDef,
        NatGatewayTypeDef,
        RouteTableTypeDef,
        RouteTypeDef,
        TransitGatewayAttachmentTypeDef,
        TransitGatewayTypeDef,
        TransitGatewayVpcAttachmentTypeDef,
        VpcPeeringConnectionTypeDef,
    )


def _sorted(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))


def vpc_arn(region: str, account: str, vpc_id: str) -> str:
    return arn(region, account, f"vpc/{vpc_id}")


def eip_arn(region: str, account: str, allocation_id: str) -> str:
    return arn(region, account, f"elastic-ip/{allocation_id}")


# --- route tables ----------------------------------------------------------------------------------


@dataclass
class _RouteGroup:
    """Routes of one table that share a target."""

    cidrs: set[str] = field(default_factory=set)
    ipv6: set[str] = field(default_factory=set)
    prefix_lists: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)

    def add(self, route: RouteTypeDef) -> None:
        for bucket, value in (
            (self.cidrs, route.get("DestinationCidrBlock")),
            (self.ipv6, route.get("DestinationIpv6CidrBlock")),
            (self.prefix_lists, route.get("DestinationPrefixListId")),
            (self.states, route.get("State")),
            (self.origins, route.get("Origin")),
        ):
            if value:
                bucket.add(str(value))

    def props(self) -> dict[str, PropValue]:
        return {
            "destination_cidrs": tuple(sorted(self.cidrs)) or None,
            "destination_ipv6_cidrs": tuple(sorted(self.ipv6)) or None,
            "destination_prefix_list_ids": tuple(sorted(self.prefix_lists)) or None,
            "states": tuple(sorted(self.states)) or None,
            "origins": tuple(sorted(self.origins)) or None,
        }


_TARGET_KEYS = (
    "GatewayId",
    "NatGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "InstanceId",
    "NetworkInterfaceId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)


def _destination(route: RouteTypeDef) -> str:
    return str(
        route.get("DestinationCidrBlock")
        or route.get("DestinationIpv6CidrBlock")
        or route.get("DestinationPrefixListId")
        or "?"
    )


def _route_targets(route: RouteTypeDef, account: str, region: str, known: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, node id) of every modelled target of one route; an instance route names both the
    instance and its interface."""
    targets: list[tuple[str, str]] = []
    gateway = route.get("GatewayId") or ""
    if gateway.startswith("igw-"):
        targets.append(("InternetGateway", arn(region, account, f"internet-gateway/{gateway}")))
    if route.get("NatGatewayId"):
        targets.append(("NATGateway", arn(region, account, f"natgateway/{route['NatGatewayId']}")))
    if pcx := route.get("VpcPeeringConnectionId"):
        targets.append(
            ("VPCPeeringConnection", known.get(pcx) or arn(region, account, f"vpc-peering-connection/{pcx}"))
        )
    if tgw := route.get("TransitGatewayId"):
        targets.append(("TransitGateway", known.get(tgw) or arn(region, account, f"transit-gateway/{tgw}")))
    if instance := route.get("InstanceId"):
        owner = route.get("InstanceOwnerId") or account
        targets.append(("EC2Instance", arn(region, owner, f"instance/{instance}")))
    if eni := route.get("NetworkInterfaceId"):
        targets.append(("NetworkInterface", arn(region, account, f"network-interface/{eni}")))
    return targets


def transform_route_tables(
    tables: Iterable[RouteTableTypeDef],
    account: str,
    region: str,
    known: Mapping[str, str] | None = None,
    subnets_by_vpc: Mapping[str, Iterable[str]] | None = None,
) -> Transformed:
    """``known`` maps peering connection and transit gateway ids to the node ids their transforms chose.
    ``subnets_by_vpc`` lists each VPC's subnet ids: those with no explicit association get an implicit
    ASSOCIATED_WITH edge from their VPC's main table (the table that actually routes them)."""
    ids = known or {}
    tables = list(tables)
    explicit = {a["SubnetId"] for t in tables for a in t.get("Associations", []) if a.get("SubnetId")}
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for table in tables:
        table_id = table.get("RouteTableId")
        if not table_id:
            continue
        node_id = arn(region, table.get("OwnerId") or account, f"route-table/{table_id}")
        tags = table.get("Tags")
        associations = table.get("Associations", [])
        subnet_ids = _sorted(a.get("SubnetId") for a in associations)
        routes: list[str] = []
        groups: dict[tuple[str, str], _RouteGroup] = defaultdict(_RouteGroup)
        for route in table.get("Routes", []):
            fields = cast(Mapping[str, object], route)
            target = next((str(fields[k]) for k in _TARGET_KEYS if fields.get(k)), "?")
            routes.append(f"{_destination(route)} -> {target} ({route.get('State', 'unknown')})")
            for key in _route_targets(route, account, region, ids):
                groups[key].add(route)
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, table_id),
            "tags": tag_list(tags),
            "route_table_id": table_id,
            "vpc_id": table.get("VpcId"),
            "is_main": any(bool(a.get("Main")) for a in associations),
            "subnet_ids": subnet_ids or None,
            "routes": tuple(sorted(routes)) or None,
            "owner_id": table.get("OwnerId"),
        }
        nodes.append(NodeRow("RouteTable", node_id, props))
        if table.get("VpcId"):
            edges.append(EdgeRow("IN_VPC", "RouteTable", node_id, "VPC", vpc_arn(region, account, table["VpcId"])))
        implicit: list[str] = []
        if props["is_main"] and table.get("VpcId") and subnets_by_vpc:
            implicit = sorted(set(subnets_by_vpc.get(table["VpcId"], ())) - explicit)
        for subnet_id, is_implicit in [*((s, False) for s in subnet_ids), *((s, True) for s in implicit)]:
            target = ids.get(subnet_id) or arn(region, account, f"subnet/{subnet_id}")
            edges.append(EdgeRow("ASSOCIATED_WITH", "RouteTable", node_id, "Subnet", target, {"implicit": is_implicit}))
        for (label, target), group in sorted(groups.items()):
            edges.append(EdgeRow("ROUTES_TO", "RouteTable", node_id, label, target, group.props()))
    return Transformed(tuple(nodes), tuple(edges))


# --- gateways --------------------------------------------------------------------------------------


def transform_internet_gateways(gateways: Iterable[InternetGatewayTypeDef], account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for igw in gateways:
        igw_id = igw.get("InternetGatewayId")
        if not igw_id:
            continue
        node_id = arn(region, account, f"internet-gateway/{igw_id}")
        tags = igw.get("Tags")
        attachments = igw.get("Attachments", [])
        vpc_ids = _sorted(a.get("VpcId") for a in attachments)
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, igw_id),
            "tags": tag_list(tags),
            "internet_gateway_id": igw_id,
            "vpc_ids": vpc_ids or None,
            "attachment_state": attachments[0].get("State") if attachments else None,
            "owner_id": igw.get("OwnerId"),
        }
        nodes.append(NodeRow("InternetGateway", node_id, props))
        for vpc_id in vpc_ids:
            edges.append(EdgeRow("ATTACHED_TO", "InternetGateway", node_id, "VPC", vpc_arn(region, account, vpc_id)))
    return Transformed(tuple(nodes), tuple(edges))


def transform_nat_gateways(gateways: Iterable[NatGatewayTypeDef], account: str, region: str) -> Transformed:
    """NAT gateways; a deleted one (listed for an hour after deletion) is skipped."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for nat in gateways:
        nat_id = nat.get("NatGatewayId")
        if not nat_id or nat.get("State") == "deleted":
            continue
        node_id = arn(region, account, f"natgateway/{nat_id}")
        tags = nat.get("Tags")
        addresses = nat.get("NatGatewayAddresses", [])
        primary = next((a for a in addresses if a.get("IsPrimary")), addresses[0] if addresses else None)
        allocations = _sorted(a.get("AllocationId") for a in addresses)
        enis = _sorted(a.get("NetworkInterfaceId") for a in addresses)
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, nat_id),
            "tags": tag_list(tags),
            "nat_gateway_id": nat_id,
            "state": nat.get("State"),
            "connectivity_type": nat.get("ConnectivityType"),
            "subnet_id": nat.get("SubnetId"),
            "vpc_id": nat.get("VpcId"),
            "public_ip": primary.get("PublicIp") if primary else None,
            "private_ip": primary.get("PrivateIp") if primary else None,
            "public_ips": _sorted(a.get("PublicIp") for a in addresses) or None,
            "allocation_ids": allocations or None,
            "network_interface_ids": enis or None,
            "create_time": parse_time(nat.get("CreateTime")),
        }
        nodes.append(NodeRow("NATGateway", node_id, props))
        if nat.get("SubnetId"):
            target = arn(region, account, f"subnet/{nat['SubnetId']}")
            edges.append(EdgeRow("IN_SUBNET", "NATGateway", node_id, "Subnet", target))
        if nat.get("VpcId"):
            edges.append(EdgeRow("IN_VPC", "NATGateway", node_id, "VPC", vpc_arn(region, account, nat["VpcId"])))
        for allocation in allocations:
            target = eip_arn(region, account, allocation)
            edges.append(EdgeRow("USES_ELASTIC_IP", "NATGateway", node_id, "ElasticIP", target))
        for eni in enis:
            target = arn(region, account, f"network-interface/{eni}")
            edges.append(EdgeRow("USES_NETWORK_INTERFACE", "NATGateway", node_id, "NetworkInterface", target))
    return Transformed(tuple(nodes), tuple(edges))


# --- peering ---------------------------------------------------------------------------------------


def _owner_side(pcx: VpcPeeringConnectionTypeDef, account: str, region: str) -> tuple[str, str]:
    """(account, region) where the connection lives: its requester side, as AWS reports it."""
    requester = pcx.get("RequesterVpcInfo", {})
    return requester.get("OwnerId") or account, requester.get("Region") or region


def peering_arn(pcx: VpcPeeringConnectionTypeDef, account: str, region: str) -> str:
    """Keyed by the requester side (where the connection lives), so both sides name the same node."""
    owner, home = _owner_side(pcx, account, region)
    return arn(home, owner, f"vpc-peering-connection/{pcx.get('VpcPeeringConnectionId', '')}")


def transform_peering_connections(
    connections: Iterable[VpcPeeringConnectionTypeDef], account: str, region: str
) -> Transformed:
    """Peering connections; deleted, rejected, failed and expired ones (listed for a while) are skipped.

    A cross-region (or cross-account) connection is listed by both sides. The node is stored in the
    requester's account and region whichever side reads it, with each side's region as AWS reports it, so
    the two readings write the same properties and a re-sync changes nothing."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for pcx in connections:
        pcx_id = pcx.get("VpcPeeringConnectionId")
        status = pcx.get("Status", {}).get("Code")
        if not pcx_id or status in ("deleted", "rejected", "failed", "expired"):
            continue
        node_id = peering_arn(pcx, account, region)
        owner, home = _owner_side(pcx, account, region)
        tags = pcx.get("Tags")
        req = pcx.get("RequesterVpcInfo", {})
        acc = pcx.get("AccepterVpcInfo", {})
        props: dict[str, PropValue] = {
            "account": owner,
            "region": home,
            "name": name_from(tags, pcx_id),
            "tags": tag_list(tags),
            "vpc_peering_connection_id": pcx_id,
            "status": status,
            "requester_vpc_id": req.get("VpcId"),
            "requester_owner_id": req.get("OwnerId"),
            "requester_region": req.get("Region"),
            "requester_cidr": req.get("CidrBlock"),
            "accepter_vpc_id": acc.get("VpcId"),
            "accepter_owner_id": acc.get("OwnerId"),
            "accepter_region": acc.get("Region"),
            "accepter_cidr": acc.get("CidrBlock"),
            "expiration_time": parse_time(pcx.get("ExpirationTime")),
        }
        nodes.append(NodeRow("VPCPeeringConnection", node_id, props))
        for rel, side in (("REQUESTER_VPC", req), ("ACCEPTER_VPC", acc)):
            if side.get("VpcId"):
                target = vpc_arn(side.get("Region") or region, side.get("OwnerId") or account, side["VpcId"])
                edges.append(EdgeRow(rel, "VPCPeeringConnection", node_id, "VPC", target))
    return Transformed(tuple(nodes), tuple(edges))


# --- transit gateways ------------------------------------------------------------------------------


def _enabled(value: str | None) -> bool | None:
    """An ``enable``/``disable`` option as a bool; None when absent."""
    return None if value is None else value == "enable"


def transform_transit_gateways(gateways: Iterable[TransitGatewayTypeDef], account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    for tgw in gateways:
        tgw_id = tgw.get("TransitGatewayId")
        if not tgw_id or tgw.get("State") == "deleted":
            continue
        owner = tgw.get("OwnerId") or account
        node_id = tgw.get("TransitGatewayArn") or arn(region, owner, f"transit-gateway/{tgw_id}")
        tags = tgw.get("Tags")
        options = tgw.get("Options", {})
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, tgw_id),
            "tags": tag_list(tags),
            "transit_gateway_id": tgw_id,
            "state": tgw.get("State"),
            "owner_id": tgw.get("OwnerId"),
            "description": tgw.get("Description") or None,
            "amazon_side_asn": options.get("AmazonSideAsn"),
            "default_route_table_id": options.get("AssociationDefaultRouteTableId"),
            "auto_accept_shared_attachments": _enabled(options.get("AutoAcceptSharedAttachments")),
            "creation_time": parse_time(tgw.get("CreationTime")),
        }
        nodes.append(NodeRow("TransitGateway", node_id, props))
    return Transformed(tuple(nodes), ())


def transform_tgw_attachments(
    attachments: Iterable[TransitGatewayAttachmentTypeDef],
    vpc_attachments: Iterable[TransitGatewayVpcAttachmentTypeDef],
    account: str,
    region: str,
) -> Transformed:
    """Attachments of every type; the VPC attachments' own listing adds their subnets."""
    subnets_of = {
        a["TransitGatewayAttachmentId"]: a.get("SubnetIds", [])
        for a in vpc_attachments
        if a.get("TransitGatewayAttachmentId")
    }
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for att in attachments:
        att_id = att.get("TransitGatewayAttachmentId")
        if not att_id or att.get("State") == "deleted":
            continue
        node_id = arn(region, account, f"transit-gateway-attachment/{att_id}")
        tags = att.get("Tags")
        subnet_ids = _sorted(subnets_of.get(att_id, []))
        resource_type = att.get("ResourceType")
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, att_id),
            "tags": tag_list(tags),
            "attachment_id": att_id,
            "transit_gateway_id": att.get("TransitGatewayId"),
            "transit_gateway_owner_id": att.get("TransitGatewayOwnerId"),
            "resource_type": resource_type,
            "resource_id": att.get("ResourceId"),
            "resource_owner_id": att.get("ResourceOwnerId"),
            "state": att.get("State"),
            "association_state": att.get("Association", {}).get("State"),
            "subnet_ids": subnet_ids or None,
            "creation_time": parse_time(att.get("CreationTime")),
        }
        nodes.append(NodeRow("TransitGatewayAttachment", node_id, props))
        if tgw_id := att.get("TransitGatewayId"):
            target = arn(region, att.get("TransitGatewayOwnerId") or account, f"transit-gateway/{tgw_id}")
            edges.append(EdgeRow("ATTACHED_TO", "TransitGatewayAttachment", node_id, "TransitGateway", target))
        if resource_type == "vpc" and att.get("ResourceId"):
            owner = att.get("ResourceOwnerId") or account
            target = vpc_arn(region, owner, str(att["ResourceId"]))
            edges.append(EdgeRow("ATTACHES_VPC", "TransitGatewayAttachment", node_id, "VPC", target))
            for subnet_id in subnet_ids:
                target = arn(region, owner, f"subnet/{subnet_id}")
                edges.append(EdgeRow("IN_SUBNET", "TransitGatewayAttachment", node_id, "Subnet", target))
    return Transformed(tuple(nodes), tuple(edges))
