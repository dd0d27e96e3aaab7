"""The "vpc-network" unit: route tables, internet and NAT gateways, peering connections, transit
gateways and their attachments, network ACLs, network interfaces and Elastic IPs of one region.

get (every page of each describe call) -> transform (pure: the transforms live in
network_gateways and network_interfaces).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.rows import Transformed
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.network_gateways import (
    peering_arn,
    transform_internet_gateways,
    transform_nat_gateways,
    transform_peering_connections,
    transform_route_tables,
    transform_tgw_attachments,
    transform_transit_gateways,
)
from ingest.providers.aws.network_interfaces import (
    transform_addresses,
    transform_network_acls,
    transform_network_interfaces,
)
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.type_defs import (
        AddressTypeDef,
        InternetGatewayTypeDef,
        NatGatewayTypeDef,
        NetworkAclTypeDef,
        NetworkInterfaceTypeDef,
        RouteTableTypeDef,
        SubnetTypeDef,
        TransitGatewayAttachmentTypeDef,
        TransitGatewayTypeDef,
        TransitGatewayVpcAttachmentTypeDef,
        VpcPeeringConnectionTypeDef,
    )

log = logging.getLogger(__name__)

LABELS = (
    "RouteTable",
    "InternetGateway",
    "NATGateway",
    "VPCPeeringConnection",
    "TransitGateway",
    "TransitGatewayAttachment",
    "NetworkAcl",
    "NetworkAclEntry",
    "NetworkInterface",
    "ElasticIP",
)


@dataclass(frozen=True)
class VpcNetworkPayload:
    """What one account and region returned."""

    route_tables: Sequence[RouteTableTypeDef] = ()
    internet_gateways: Sequence[InternetGatewayTypeDef] = ()
    nat_gateways: Sequence[NatGatewayTypeDef] = ()
    peering_connections: Sequence[VpcPeeringConnectionTypeDef] = ()
    transit_gateways: Sequence[TransitGatewayTypeDef] = ()
    tgw_attachments: Sequence[TransitGatewayAttachmentTypeDef] = ()
    tgw_vpc_attachments: Sequence[TransitGatewayVpcAttachmentTypeDef] = ()
    network_acls: Sequence[NetworkAclTypeDef] = ()
    network_interfaces: Sequence[NetworkInterfaceTypeDef] = ()
    addresses: Sequence[AddressTypeDef] = ()
    subnets: Sequence[SubnetTypeDef] = ()  # read only to find the subnets that use their VPC's main route table


# --- get -------------------------------------------------------------------------------------------


def get_vpc_network(client: EC2Client) -> VpcNetworkPayload:
    """Read every page of each describe call for one region (describe_addresses has no pages)."""
    return VpcNetworkPayload(
        route_tables=[
            t for page in client.get_paginator("describe_route_tables").paginate() for t in page["RouteTables"]
        ],
        internet_gateways=[
            g
            for page in client.get_paginator("describe_internet_gateways").paginate()
            for g in page["InternetGateways"]
        ],
        nat_gateways=[
            g for page in client.get_paginator("describe_nat_gateways").paginate() for g in page["NatGateways"]
        ],
        peering_connections=[
            p
            for page in client.get_paginator("describe_vpc_peering_connections").paginate()
            for p in page["VpcPeeringConnections"]
        ],
        transit_gateways=[
            g for page in client.get_paginator("describe_transit_gateways").paginate() for g in page["TransitGateways"]
        ],
        tgw_attachments=[
            a
            for page in client.get_paginator("describe_transit_gateway_attachments").paginate()
            for a in page["TransitGatewayAttachments"]
        ],
        tgw_vpc_attachments=[
            a
            for page in client.get_paginator("describe_transit_gateway_vpc_attachments").paginate()
            for a in page["TransitGatewayVpcAttachments"]
        ],
        network_acls=[
            a for page in client.get_paginator("describe_network_acls").paginate() for a in page["NetworkAcls"]
        ],
        network_interfaces=[
            i
            for page in client.get_paginator("describe_network_interfaces").paginate()
            for i in page["NetworkInterfaces"]
        ],
        addresses=client.describe_addresses()["Addresses"],
        subnets=[s for page in client.get_paginator("describe_subnets").paginate() for s in page["Subnets"]],
    )


def fetch_vpc_network(clients: AwsClients, region: str) -> VpcNetworkPayload:
    return get_vpc_network(clients.ec2(region))


# --- transform (pure) ------------------------------------------------------------------------------


def transform_vpc_network(payload: VpcNetworkPayload, account: str, region: str) -> Transformed:
    tgws = transform_transit_gateways(payload.transit_gateways, account, region)
    known = {str(row.props["transit_gateway_id"]): row.id for row in tgws.nodes}
    for pcx in payload.peering_connections:
        if pcx.get("VpcPeeringConnectionId"):
            known[pcx["VpcPeeringConnectionId"]] = peering_arn(pcx, account, region)
    subnets_by_vpc: dict[str, list[str]] = defaultdict(list)
    for subnet in payload.subnets:
        if subnet.get("VpcId") and subnet.get("SubnetId"):
            subnets_by_vpc[subnet["VpcId"]].append(subnet["SubnetId"])
    return (
        transform_route_tables(payload.route_tables, account, region, known, subnets_by_vpc)
        + transform_internet_gateways(payload.internet_gateways, account, region)
        + transform_nat_gateways(payload.nat_gateways, account, region)
        + transform_peering_connections(payload.peering_connections, account, region)
        + tgws
        + transform_tgw_attachments(payload.tgw_attachments, payload.tgw_vpc_attachments, account, region)
        + transform_network_acls(payload.network_acls, account, region)
        + transform_network_interfaces(payload.network_interfaces, account, region)
        + transform_addresses(payload.addresses, account, region)
    )


UNIT = AwsUnit("vpc-network", LABELS, fetch_vpc_network, transform_vpc_network)
