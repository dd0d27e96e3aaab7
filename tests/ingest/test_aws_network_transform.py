"""The network and EBS transforms are pure: recorded describe_* payloads in, exact NodeRows and EdgeRows out.

The payloads under tests/data/aws/network are shaped like real EC2 answers, including what moto does not
produce: cross-account peering and transit gateways, blackhole routes, routes to endpoints and virtual
private gateways, managed (NAT, Lambda) interfaces, implicit deny NACL entries, copied snapshots, images
shared by other accounts, and malformed entries with their ids missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.rows import EdgeRow, NodeRow, Transformed
from ingest.providers.aws import network
from ingest.providers.aws.network_ebs import (
    EbsPayload,
    image_arn,
    parse_time,
    snapshot_arn,
    transform_ebs,
    transform_images,
    transform_snapshots,
    transform_volumes,
)
from ingest.providers.aws.network_gateways import (
    transform_internet_gateways,
    transform_nat_gateways,
    transform_peering_connections,
    transform_route_tables,
    transform_tgw_attachments,
    transform_transit_gateways,
)
from ingest.providers.aws.network_interfaces import (
    acl_entry_id,
    transform_addresses,
    transform_network_acls,
    transform_network_interfaces,
)
from ingest.providers.aws.network_vpc import VpcNetworkPayload, transform_vpc_network

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "network"
ACCOUNT = "111122223333"
REGION = "us-west-2"
NETWORK_ACCOUNT = "444455556666"

# boto3 turns these timestamp members into aware datetimes; the recorded JSON holds ISO 8601 strings
# (CreationDate of images is a string in the API itself, and stays one).
_TIMESTAMPS = frozenset({"CreateTime", "StartTime", "CreationTime", "AttachTime", "ExpirationTime", "DeleteTime"})

OfflineWriter = Callable[[Transformed], list[dict[str, Any]]]


def _parse_timestamps(obj: dict[str, Any]) -> dict[str, Any]:
    for key in _TIMESTAMPS & obj.keys():
        obj[key] = datetime.fromisoformat(obj[key])
    return obj


def load(name: str, key: str) -> list[Any]:
    return list(json.loads((DATA / f"{name}.json").read_text(), object_hook=_parse_timestamps)[key])


def A(resource: str, account: str = ACCOUNT, region: str = REGION) -> str:  # noqa: N802 - reads like the ARN
    return f"arn:aws:ec2:{region}:{account}:{resource}"


def by_id(nodes: tuple[NodeRow, ...]) -> dict[str, NodeRow]:
    out = {n.id: n for n in nodes}
    assert len(out) == len(nodes), "duplicate node ids"
    return out


def edge_set(edges: tuple[EdgeRow, ...]) -> set[tuple[str, str, str, str, str]]:
    out = {(e.type, e.source_label, e.source_id, e.target_label, e.target_id) for e in edges}
    assert len(out) == len(edges), "duplicate edges"
    return out


def edge(rows: Transformed, type_: str, source: str, target: str) -> EdgeRow:
    found = [e for e in rows.edges if (e.type, e.source_id, e.target_id) == (type_, source, target)]
    assert len(found) == 1, (type_, source, target)
    return found[0]


PROD_VPC = A("vpc/vpc-0a1b2c3d4e5f60718")
PUBLIC_A = A("subnet/subnet-0aa11bb22cc33dd44")
PUBLIC_B = A("subnet/subnet-0aa11bb22cc33dd55")
DATA_B = A("subnet/subnet-0ee55ff66aa77bb88")
WEB_1 = A("instance/i-0abcdef1234567890")
DB_1 = A("instance/i-0fedcba0987654321")
BATCH = A("instance/i-0123abcd4567ef890")
IGW = A("internet-gateway/igw-0c0c0c0c0c0c0c0c0")
NAT = A("natgateway/nat-0e0e0e0e0e0e0e0e0")
PCX = A("vpc-peering-connection/pcx-0f0f0f0f0f0f0f0f0")
CORE_TGW = A("transit-gateway/tgw-0a1a1a1a1a1a1a1a1", NETWORK_ACCOUNT)
OWN_TGW = A("transit-gateway/tgw-0b2b2b2b2b2b2b2b2")
NAT_EIP = A("elastic-ip/eipalloc-0nat0000000000001")
PUBLIC_ACL = A("network-acl/acl-0pub000000000000001")
WEB_ENI = A("network-interface/eni-0web0000000000001")
NAT_ENI = A("network-interface/eni-0nat00000000000001")
KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


# --- EBS -------------------------------------------------------------------------------------------


def test_volumes_become_nodes_with_size_type_iops_encryption_and_attached_instances() -> None:
    rows = transform_volumes(load("describe_volumes", "Volumes"), ACCOUNT, REGION)
    nodes = by_id(rows.nodes)
    root = A("volume/vol-0a1b2c3d4e5f60001")
    assert list(nodes) == [root, A("volume/vol-0a1b2c3d4e5f60002"), A("volume/vol-0a1b2c3d4e5f60003")]
    assert dict(nodes[root].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-1-root",
        "tags": ("Name=web-1-root", "team=platform"),
        "volume_id": "vol-0a1b2c3d4e5f60001",
        "size": 30,
        "volume_type": "gp3",
        "iops": 3000,
        "throughput": 125,
        "encrypted": True,
        "kms_key_id": KEY,
        "state": "in-use",
        "availability_zone": "us-west-2a",
        "snapshot_id": "snap-0aa0aa0aa0aa0aa01",
        "create_time": datetime(2025, 3, 2, 9, 14, 7, 123000, tzinfo=UTC),
        "multi_attach_enabled": False,
        "attached_instance_ids": ("i-0abcdef1234567890",),
    }
    idle = nodes[A("volume/vol-0a1b2c3d4e5f60002")].props
    assert (idle["name"], idle["state"], idle["snapshot_id"], idle["attached_instance_ids"]) == (
        "vol-0a1b2c3d4e5f60002",
        "available",
        None,
        None,
    )
    shared = A("volume/vol-0a1b2c3d4e5f60003")
    assert nodes[shared].props["attached_instance_ids"] == ("i-0123abcd4567ef890", "i-0fedcba0987654321")
    assert edge_set(rows.edges) == {
        ("ATTACHED_TO", "EBSVolume", root, "EC2Instance", WEB_1),
        ("CREATED_FROM", "EBSVolume", root, "EBSSnapshot", snapshot_arn(REGION, "snap-0aa0aa0aa0aa0aa01")),
        ("ATTACHED_TO", "EBSVolume", shared, "EC2Instance", DB_1),
        ("ATTACHED_TO", "EBSVolume", shared, "EC2Instance", BATCH),
    }
    assert dict(edge(rows, "ATTACHED_TO", root, WEB_1).props or {}) == {
        "device": "/dev/xvda",
        "state": "attached",
        "delete_on_termination": True,
    }


def test_snapshots_of_other_owners_are_dropped_and_copied_ones_have_no_source_volume_edge() -> None:
    rows = transform_snapshots(load("describe_snapshots", "Snapshots"), ACCOUNT, REGION)
    nightly = "arn:aws:ec2:us-west-2::snapshot/snap-0aa0aa0aa0aa0aa01"
    copied = "arn:aws:ec2:us-west-2::snapshot/snap-0aa0aa0aa0aa0aa02"
    pending = "arn:aws:ec2:us-west-2::snapshot/snap-0aa0aa0aa0aa0aa03"
    nodes = by_id(rows.nodes)
    assert list(nodes) == [nightly, copied, pending]  # snap-0bb... belongs to 999988887777
    assert dict(nodes[nightly].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-1-nightly",
        "tags": ("Name=web-1-nightly",),
        "snapshot_id": "snap-0aa0aa0aa0aa0aa01",
        "volume_id": "vol-0a1b2c3d4e5f60001",
        "volume_size": 30,
        "state": "completed",
        "progress": "100%",
        "encrypted": True,
        "kms_key_id": KEY,
        "start_time": datetime(2025, 3, 1, 2, 0, tzinfo=UTC),
        "description": "nightly web-1 root",
        "owner_id": ACCOUNT,
        "storage_tier": "standard",
    }
    assert (nodes[copied].props["volume_id"], nodes[copied].props["storage_tier"]) == ("vol-ffffffff", "archive")
    assert (nodes[pending].props["state"], nodes[pending].props["progress"]) == ("pending", None)
    assert edge_set(rows.edges) == {
        ("SNAPSHOT_OF", "EBSSnapshot", nightly, "EBSVolume", A("volume/vol-0a1b2c3d4e5f60001")),
    }


def test_owned_images_use_the_snapshots_of_their_ebs_block_devices() -> None:
    rows = transform_images(load("describe_images", "Images"), ACCOUNT, REGION)
    golden = image_arn(REGION, "ami-0123456789abcdef0")
    broken = image_arn(REGION, "ami-0eeee0000eeee0000")
    assert golden == "arn:aws:ec2:us-west-2::image/ami-0123456789abcdef0"
    nodes = by_id(rows.nodes)
    assert list(nodes) == [golden, broken]  # the image shared by 999988887777 is not ours
    assert dict(nodes[golden].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-golden-2025-03-01",
        "tags": ("team=platform",),
        "image_id": "ami-0123456789abcdef0",
        "image_name": "web-golden-2025-03-01",
        "state": "available",
        "description": "web tier golden image",
        "architecture": "x86_64",
        "platform": "Linux/UNIX",
        "image_type": "machine",
        "root_device_type": "ebs",
        "root_device_name": "/dev/xvda",
        "virtualization_type": "hvm",
        "creation_date": datetime(2025, 3, 1, 4, 12, 33, tzinfo=UTC),
        "public": False,
        "owner_id": ACCOUNT,
        "snapshot_ids": ("snap-0aa0aa0aa0aa0aa01", "snap-0aa0aa0aa0aa0aa02"),
    }
    # An unparseable CreationDate is dropped, not fatal; a nameless image is named by its id.
    assert (nodes[broken].props["name"], nodes[broken].props["creation_date"]) == ("ami-0eeee0000eeee0000", None)
    assert edge_set(rows.edges) == {
        ("USES_SNAPSHOT", "AMI", golden, "EBSSnapshot", snapshot_arn(REGION, "snap-0aa0aa0aa0aa0aa01")),
        ("USES_SNAPSHOT", "AMI", golden, "EBSSnapshot", snapshot_arn(REGION, "snap-0aa0aa0aa0aa0aa02")),
    }


def test_parse_time_accepts_datetimes_and_iso_strings_and_makes_them_aware() -> None:
    assert parse_time("2025-03-01T04:12:33.000Z") == datetime(2025, 3, 1, 4, 12, 33, tzinfo=UTC)
    assert parse_time(datetime(2025, 1, 1, 12)) == datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert parse_time("yesterday") is None
    assert parse_time(None) is None
    assert parse_time("") is None


def test_snapshot_and_image_arns_follow_the_partition_and_have_no_account() -> None:
    assert snapshot_arn("cn-north-1", "snap-1") == "arn:aws-cn:ec2:cn-north-1::snapshot/snap-1"
    assert image_arn("us-gov-west-1", "ami-1") == "arn:aws-us-gov:ec2:us-gov-west-1::image/ami-1"


# --- route tables ----------------------------------------------------------------------------------


def route_tables() -> Transformed:
    known = {
        "tgw-0a1a1a1a1a1a1a1a1": CORE_TGW,
        "pcx-0f0f0f0f0f0f0f0f0": PCX,
    }
    return transform_route_tables(load("describe_route_tables", "RouteTables"), ACCOUNT, REGION, known)


def test_route_tables_carry_main_flag_associated_subnets_and_every_route_as_text() -> None:
    rows = route_tables()
    main, public, private, bare = (
        A(f"route-table/{i}")
        for i in (
            "rtb-0main00000000000001",
            "rtb-0pub000000000000001",
            "rtb-0priv00000000000001",
            "rtb-0bare00000000000001",
        )
    )
    nodes = by_id(rows.nodes)
    assert list(nodes) == [main, public, private, bare]
    assert dict(nodes[main].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "rtb-0main00000000000001",
        "tags": (),
        "route_table_id": "rtb-0main00000000000001",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "is_main": True,
        "subnet_ids": None,
        "routes": (
            "10.20.0.0/16 -> local (active)",
            "192.168.100.0/24 -> vgw-0a0a0a0a0a0a0a0a0 (active)",
            "pl-68a54001 -> vpce-0b0b0b0b0b0b0b0b0 (active)",
        ),
        "owner_id": ACCOUNT,
    }
    assert (nodes[public].props["is_main"], nodes[public].props["subnet_ids"]) == (
        False,
        ("subnet-0aa11bb22cc33dd44", "subnet-0aa11bb22cc33dd55"),
    )
    assert nodes[private].props["routes"] == (
        "0.0.0.0/0 -> nat-0e0e0e0e0e0e0e0e0 (active)",
        "10.20.0.0/16 -> local (active)",
        "10.30.0.0/16 -> pcx-0f0f0f0f0f0f0f0f0 (active)",
        "10.31.0.0/16 -> pcx-0f0f0f0f0f0f0f0f0 (active)",
        "10.40.0.0/14 -> tgw-0a1a1a1a1a1a1a1a1 (active)",
        "192.168.0.0/16 -> i-0123abcd4567ef890 (active)",
        "::/0 -> eigw-0d1d1d1d1d1d1d1d1 (active)",
    )
    assert (nodes[bare].props["name"], nodes[bare].props["is_main"], nodes[bare].props["routes"]) == (
        "rtb-0bare00000000000001",
        False,
        None,
    )
    assert edge_set(rows.edges) == {
        ("IN_VPC", "RouteTable", main, "VPC", PROD_VPC),
        ("IN_VPC", "RouteTable", public, "VPC", PROD_VPC),
        ("IN_VPC", "RouteTable", private, "VPC", PROD_VPC),
        ("ASSOCIATED_WITH", "RouteTable", public, "Subnet", PUBLIC_A),
        ("ASSOCIATED_WITH", "RouteTable", public, "Subnet", PUBLIC_B),
        ("ASSOCIATED_WITH", "RouteTable", private, "Subnet", DATA_B),
        ("ROUTES_TO", "RouteTable", public, "InternetGateway", IGW),
        ("ROUTES_TO", "RouteTable", public, "NATGateway", A("natgateway/nat-0dead0000dead0000")),
        ("ROUTES_TO", "RouteTable", private, "NATGateway", NAT),
        ("ROUTES_TO", "RouteTable", private, "VPCPeeringConnection", PCX),
        ("ROUTES_TO", "RouteTable", private, "TransitGateway", CORE_TGW),
        ("ROUTES_TO", "RouteTable", private, "EC2Instance", BATCH),
        ("ROUTES_TO", "RouteTable", private, "NetworkInterface", A("network-interface/eni-0appliance0000001")),
    }


def test_routes_to_one_target_become_one_relationship_listing_every_destination() -> None:
    rows = route_tables()
    public = A("route-table/rtb-0pub000000000000001")
    private = A("route-table/rtb-0priv00000000000001")
    assert dict(edge(rows, "ROUTES_TO", public, IGW).props or {}) == {
        "destination_cidrs": ("0.0.0.0/0",),
        "destination_ipv6_cidrs": ("::/0",),
        "destination_prefix_list_ids": None,
        "states": ("active",),
        "origins": ("CreateRoute",),
    }
    assert dict(edge(rows, "ROUTES_TO", private, PCX).props or {}) == {
        "destination_cidrs": ("10.30.0.0/16", "10.31.0.0/16"),
        "destination_ipv6_cidrs": None,
        "destination_prefix_list_ids": None,
        "states": ("active",),
        "origins": ("CreateRoute",),
    }
    blackhole = edge(rows, "ROUTES_TO", public, A("natgateway/nat-0dead0000dead0000"))
    assert (blackhole.props or {})["states"] == ("blackhole",)


def test_the_main_table_routes_every_subnet_of_its_vpc_without_an_explicit_association_implicitly() -> None:
    subnets = {
        "vpc-0a1b2c3d4e5f60718": ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88", "subnet-0new"],
        "vpc-0other": ["subnet-0elsewhere"],
    }
    rows = transform_route_tables(load("describe_route_tables", "RouteTables"), ACCOUNT, REGION, None, subnets)
    main = A("route-table/rtb-0main00000000000001")
    associations = {(e.source_id, e.target_id): dict(e.props or {}) for e in rows.edges if e.type == "ASSOCIATED_WITH"}
    assert associations == {
        (main, A("subnet/subnet-0new")): {"implicit": True},
        (A("route-table/rtb-0pub000000000000001"), PUBLIC_A): {"implicit": False},
        (A("route-table/rtb-0pub000000000000001"), PUBLIC_B): {"implicit": False},
        (A("route-table/rtb-0priv00000000000001"), DATA_B): {"implicit": False},
    }
    assert by_id(rows.nodes)[main].props["subnet_ids"] is None  # the property lists explicit associations only


def test_a_route_to_an_unknown_transit_gateway_or_peering_uses_the_accounts_own_arn() -> None:
    rows = transform_route_tables(load("describe_route_tables", "RouteTables"), ACCOUNT, REGION)
    private = A("route-table/rtb-0priv00000000000001")
    targets = {e.target_id for e in rows.edges if e.source_id == private and e.type == "ROUTES_TO"}
    assert A("transit-gateway/tgw-0a1a1a1a1a1a1a1a1") in targets
    assert PCX in targets


# --- gateways and peering --------------------------------------------------------------------------


def test_internet_gateways_are_attached_to_their_vpcs_and_a_detached_one_has_no_edge() -> None:
    rows = transform_internet_gateways(load("describe_internet_gateways", "InternetGateways"), ACCOUNT, REGION)
    detached = A("internet-gateway/igw-0detached00000001")
    nodes = by_id(rows.nodes)
    assert dict(nodes[IGW].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "prod-igw",
        "tags": ("Name=prod-igw",),
        "internet_gateway_id": "igw-0c0c0c0c0c0c0c0c0",
        "vpc_ids": ("vpc-0a1b2c3d4e5f60718",),
        "attachment_state": "available",
        "owner_id": ACCOUNT,
    }
    assert (nodes[detached].props["vpc_ids"], nodes[detached].props["attachment_state"]) == (None, None)
    assert edge_set(rows.edges) == {("ATTACHED_TO", "InternetGateway", IGW, "VPC", PROD_VPC)}


def test_nat_gateways_sit_in_their_subnet_and_use_their_elastic_ips_deleted_ones_are_skipped() -> None:
    rows = transform_nat_gateways(load("describe_nat_gateways", "NatGateways"), ACCOUNT, REGION)
    private_nat = A("natgateway/nat-0private000000001")
    nodes = by_id(rows.nodes)
    assert list(nodes) == [NAT, private_nat]
    assert dict(nodes[NAT].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "prod-nat",
        "tags": ("Name=prod-nat",),
        "nat_gateway_id": "nat-0e0e0e0e0e0e0e0e0",
        "state": "available",
        "connectivity_type": "public",
        "subnet_id": "subnet-0aa11bb22cc33dd44",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "public_ip": "52.10.20.30",
        "private_ip": "10.20.1.200",
        "public_ips": ("52.10.20.30", "52.10.20.31"),
        "allocation_ids": ("eipalloc-0nat0000000000001", "eipalloc-0nat0000000000002"),
        "network_interface_ids": ("eni-0nat00000000000001",),
        "create_time": datetime(2025, 2, 11, 12, 0, tzinfo=UTC),
    }
    assert (nodes[private_nat].props["public_ip"], nodes[private_nat].props["private_ip"]) == (None, "10.20.3.9")
    assert edge_set(rows.edges) == {
        ("IN_SUBNET", "NATGateway", NAT, "Subnet", PUBLIC_A),
        ("IN_VPC", "NATGateway", NAT, "VPC", PROD_VPC),
        ("USES_ELASTIC_IP", "NATGateway", NAT, "ElasticIP", NAT_EIP),
        ("USES_ELASTIC_IP", "NATGateway", NAT, "ElasticIP", A("elastic-ip/eipalloc-0nat0000000000002")),
        ("USES_NETWORK_INTERFACE", "NATGateway", NAT, "NetworkInterface", NAT_ENI),
        ("IN_SUBNET", "NATGateway", private_nat, "Subnet", DATA_B),
        ("IN_VPC", "NATGateway", private_nat, "VPC", PROD_VPC),
        (
            "USES_NETWORK_INTERFACE",
            "NATGateway",
            private_nat,
            "NetworkInterface",
            A("network-interface/eni-0nat00000000000002"),
        ),
    }


def test_peering_connections_point_at_vpcs_in_other_accounts_and_regions_keyed_by_the_requester() -> None:
    rows = transform_peering_connections(
        load("describe_vpc_peering_connections", "VpcPeeringConnections"), ACCOUNT, REGION
    )
    incoming = A("vpc-peering-connection/pcx-0incoming00000001", "777788889999", "us-east-1")
    nodes = by_id(rows.nodes)
    assert list(nodes) == [PCX, incoming]  # the deleted one is skipped
    assert dict(nodes[PCX].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "prod-to-shared",
        "tags": ("Name=prod-to-shared",),
        "vpc_peering_connection_id": "pcx-0f0f0f0f0f0f0f0f0",
        "status": "active",
        "requester_vpc_id": "vpc-0a1b2c3d4e5f60718",
        "requester_owner_id": ACCOUNT,
        "requester_region": REGION,
        "requester_cidr": "10.20.0.0/16",
        "accepter_vpc_id": "vpc-0peer000000000001",
        "accepter_owner_id": NETWORK_ACCOUNT,
        "accepter_region": "eu-west-1",
        "accepter_cidr": "10.30.0.0/16",
        "expiration_time": None,
    }
    assert nodes[incoming].props["status"] == "pending-acceptance"
    assert nodes[incoming].props["expiration_time"] == datetime(2025, 3, 10, tzinfo=UTC)
    assert edge_set(rows.edges) == {
        ("REQUESTER_VPC", "VPCPeeringConnection", PCX, "VPC", PROD_VPC),
        (
            "ACCEPTER_VPC",
            "VPCPeeringConnection",
            PCX,
            "VPC",
            A("vpc/vpc-0peer000000000001", NETWORK_ACCOUNT, "eu-west-1"),
        ),
        (
            "REQUESTER_VPC",
            "VPCPeeringConnection",
            incoming,
            "VPC",
            A("vpc/vpc-0partner00000001", "777788889999", "us-east-1"),
        ),
        ("ACCEPTER_VPC", "VPCPeeringConnection", incoming, "VPC", PROD_VPC),
    }


# --- transit gateways ------------------------------------------------------------------------------


def test_transit_gateways_keep_their_arn_or_get_one_from_their_owner_deleted_ones_are_skipped() -> None:
    rows = transform_transit_gateways(load("describe_transit_gateways", "TransitGateways"), ACCOUNT, REGION)
    nodes = by_id(rows.nodes)
    assert list(nodes) == [CORE_TGW, OWN_TGW]
    assert dict(nodes[CORE_TGW].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "core-tgw",
        "tags": ("Name=core-tgw",),
        "transit_gateway_id": "tgw-0a1a1a1a1a1a1a1a1",
        "state": "available",
        "owner_id": NETWORK_ACCOUNT,
        "description": "network-account hub",
        "amazon_side_asn": 64512,
        "default_route_table_id": "tgw-rtb-0a1a1a1a1a1a1a1a1",
        "auto_accept_shared_attachments": True,
        "creation_time": datetime(2024, 9, 1, 10, 0, tzinfo=UTC),
    }
    assert (nodes[OWN_TGW].props["description"], nodes[OWN_TGW].props["amazon_side_asn"]) == (None, 4200000000)
    assert rows.edges == ()


def test_tgw_attachments_point_at_their_gateway_and_a_vpc_attachment_at_its_vpc_and_subnets() -> None:
    rows = transform_tgw_attachments(
        load("describe_transit_gateway_attachments", "TransitGatewayAttachments"),
        load("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"),
        ACCOUNT,
        REGION,
    )
    vpc_att = A("transit-gateway-attachment/tgw-attach-0a0a0a0a0a0a0a0a0")
    vpn_att = A("transit-gateway-attachment/tgw-attach-0b0b0b0b0b0b0b0b0")
    nodes = by_id(rows.nodes)
    assert list(nodes) == [vpc_att, vpn_att]
    assert dict(nodes[vpc_att].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "prod-to-core",
        "tags": ("Name=prod-to-core",),
        "attachment_id": "tgw-attach-0a0a0a0a0a0a0a0a0",
        "transit_gateway_id": "tgw-0a1a1a1a1a1a1a1a1",
        "transit_gateway_owner_id": NETWORK_ACCOUNT,
        "resource_type": "vpc",
        "resource_id": "vpc-0a1b2c3d4e5f60718",
        "resource_owner_id": ACCOUNT,
        "state": "available",
        "association_state": "associated",
        "subnet_ids": ("subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"),
        "creation_time": datetime(2024, 9, 2, 10, 0, tzinfo=UTC),
    }
    assert (nodes[vpn_att].props["resource_type"], nodes[vpn_att].props["subnet_ids"]) == ("vpn", None)
    assert edge_set(rows.edges) == {
        ("ATTACHED_TO", "TransitGatewayAttachment", vpc_att, "TransitGateway", CORE_TGW),
        ("ATTACHES_VPC", "TransitGatewayAttachment", vpc_att, "VPC", PROD_VPC),
        ("IN_SUBNET", "TransitGatewayAttachment", vpc_att, "Subnet", PUBLIC_A),
        ("IN_SUBNET", "TransitGatewayAttachment", vpc_att, "Subnet", DATA_B),
        ("ATTACHED_TO", "TransitGatewayAttachment", vpn_att, "TransitGateway", OWN_TGW),
    }


# --- network ACLs ----------------------------------------------------------------------------------


def test_network_acls_govern_their_subnets_and_hold_one_entry_node_per_direction_and_rule_number() -> None:
    rows = transform_network_acls(load("describe_network_acls", "NetworkAcls"), ACCOUNT, REGION)
    default_acl = A("network-acl/acl-0def000000000000001")
    acls = by_id(tuple(n for n in rows.nodes if n.label == "NetworkAcl"))
    assert dict(acls[PUBLIC_ACL].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "public-acl",
        "tags": ("Name=public-acl",),
        "network_acl_id": "acl-0pub000000000000001",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "is_default": False,
        "subnet_ids": ("subnet-0aa11bb22cc33dd44",),
        "owner_id": ACCOUNT,
    }
    entries = by_id(tuple(n for n in rows.nodes if n.label == "NetworkAclEntry"))
    assert set(entries) == {
        f"{PUBLIC_ACL}/ingress/100",
        f"{PUBLIC_ACL}/ingress/101",
        f"{PUBLIC_ACL}/ingress/200",
        f"{PUBLIC_ACL}/ingress/300",
        f"{PUBLIC_ACL}/ingress/32767",
        f"{PUBLIC_ACL}/egress/100",
        f"{PUBLIC_ACL}/egress/32767",
        f"{default_acl}/ingress/100",
        f"{default_acl}/egress/100",
    }
    assert dict(entries[f"{PUBLIC_ACL}/ingress/200"].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "network_acl_id": "acl-0pub000000000000001",
        "rule_number": 200,
        "egress": False,
        "direction": "ingress",
        "protocol": "6",
        "rule_action": "deny",
        "cidr": "0.0.0.0/0",
        "from_port": 22,
        "to_port": 22,
        "icmp_type": None,
        "icmp_code": None,
    }
    ipv6 = entries[f"{PUBLIC_ACL}/ingress/101"].props
    assert (ipv6["cidr"], ipv6["rule_action"], ipv6["from_port"]) == ("::/0", "allow", 443)
    icmp = entries[f"{PUBLIC_ACL}/ingress/300"].props
    assert (icmp["protocol"], icmp["icmp_type"], icmp["icmp_code"], icmp["from_port"]) == ("1", 8, -1, None)
    out = entries[f"{PUBLIC_ACL}/egress/100"].props
    assert (out["egress"], out["from_port"], out["to_port"]) == (True, 1024, 65535)
    assert edge_set(rows.edges) == {
        ("IN_VPC", "NetworkAcl", PUBLIC_ACL, "VPC", PROD_VPC),
        ("IN_VPC", "NetworkAcl", default_acl, "VPC", PROD_VPC),
        ("ASSOCIATED_WITH", "NetworkAcl", PUBLIC_ACL, "Subnet", PUBLIC_A),
        ("ASSOCIATED_WITH", "NetworkAcl", default_acl, "Subnet", DATA_B),
        *{("HAS_ENTRY", "NetworkAcl", e.rsplit("/", 2)[0], "NetworkAclEntry", e) for e in entries},
    }


def test_acl_entry_ids_are_stable_and_distinguish_direction() -> None:
    assert acl_entry_id("arn:x", egress=True, rule_number=100) == "arn:x/egress/100"
    assert acl_entry_id("arn:x", egress=False, rule_number=100) == "arn:x/ingress/100"
    assert acl_entry_id("arn:x", egress=False, rule_number=None) == "arn:x/ingress/unknown"


# --- network interfaces and Elastic IPs ------------------------------------------------------------


def test_network_interfaces_sit_in_subnets_use_groups_and_attach_to_instances() -> None:
    rows = transform_network_interfaces(load("describe_network_interfaces", "NetworkInterfaces"), ACCOUNT, REGION)
    lambda_eni = A("network-interface/eni-0lambda00000000001")
    nodes = by_id(rows.nodes)
    assert list(nodes) == [WEB_ENI, NAT_ENI, lambda_eni]  # the interface without an id is skipped
    assert dict(nodes[WEB_ENI].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-1-eth0",
        "tags": ("Name=web-1-eth0",),
        "network_interface_id": "eni-0web0000000000001",
        "interface_type": "interface",
        "status": "in-use",
        "description": None,
        "subnet_id": "subnet-0aa11bb22cc33dd44",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "availability_zone": "us-west-2a",
        "private_ip": "10.20.1.10",
        "private_ips": ("10.20.1.10", "10.20.1.12"),
        "ipv6_addresses": ("2600:1f14:abc:de00::10",),
        "public_ip": "34.210.1.2",
        "mac_address": "02:1a:2b:3c:4d:5e",
        "requester_managed": False,
        "requester_id": None,
        "owner_id": ACCOUNT,
        "source_dest_check": True,
        "attached_instance_id": "i-0abcdef1234567890",
        "device_index": 0,
        "attachment_status": "attached",
        "security_group_ids": ("sg-0123456789abcdef0", "sg-0b1d3f5a7c9e02468"),
    }
    nat = nodes[NAT_ENI].props
    assert (nat["interface_type"], nat["requester_managed"], nat["description"]) == (
        "nat_gateway",
        True,
        "Interface for NAT Gateway nat-0e0e0e0e0e0e0e0e0",
    )
    assert nodes[lambda_eni].props["requester_id"] == "AROAEXAMPLELAMBDA:orders-worker"
    assert edge_set(rows.edges) == {
        ("IN_SUBNET", "NetworkInterface", WEB_ENI, "Subnet", PUBLIC_A),
        ("IN_VPC", "NetworkInterface", WEB_ENI, "VPC", PROD_VPC),
        (
            "MEMBER_OF_SECURITY_GROUP",
            "NetworkInterface",
            WEB_ENI,
            "SecurityGroup",
            A("security-group/sg-0123456789abcdef0"),
        ),
        (
            "MEMBER_OF_SECURITY_GROUP",
            "NetworkInterface",
            WEB_ENI,
            "SecurityGroup",
            A("security-group/sg-0b1d3f5a7c9e02468"),
        ),
        ("ATTACHED_TO", "NetworkInterface", WEB_ENI, "EC2Instance", WEB_1),
        ("IN_SUBNET", "NetworkInterface", NAT_ENI, "Subnet", PUBLIC_A),
        ("IN_VPC", "NetworkInterface", NAT_ENI, "VPC", PROD_VPC),
        ("IN_SUBNET", "NetworkInterface", lambda_eni, "Subnet", DATA_B),
        ("IN_VPC", "NetworkInterface", lambda_eni, "VPC", PROD_VPC),
        (
            "MEMBER_OF_SECURITY_GROUP",
            "NetworkInterface",
            lambda_eni,
            "SecurityGroup",
            A("security-group/sg-0a2b4c6d8e0f13579"),
        ),
    }


def test_elastic_ips_associate_with_interfaces_and_instances_an_idle_one_has_no_edge() -> None:
    rows = transform_addresses(load("describe_addresses", "Addresses"), ACCOUNT, REGION)
    bastion = A("elastic-ip/eipalloc-0bastion00000001")
    idle = A("elastic-ip/eipalloc-0idle000000000001")
    classic = A("elastic-ip/54.1.2.3")
    nodes = by_id(rows.nodes)
    assert list(nodes) == [NAT_EIP, bastion, idle, classic]  # an address with neither id nor IP is skipped
    assert dict(nodes[NAT_EIP].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "nat-eip",
        "tags": ("Name=nat-eip",),
        "public_ip": "52.10.20.30",
        "allocation_id": "eipalloc-0nat0000000000001",
        "association_id": "eipassoc-0nat000000000001",
        "domain": "vpc",
        "instance_id": None,
        "network_interface_id": "eni-0nat00000000000001",
        "network_interface_owner_id": ACCOUNT,
        "private_ip": "10.20.1.200",
        "public_ipv4_pool": "amazon",
        "network_border_group": "us-west-2",
    }
    assert (nodes[idle].props["name"], nodes[idle].props["association_id"]) == ("52.10.20.50", None)
    assert (nodes[classic].props["name"], nodes[classic].props["domain"]) == ("54.1.2.3", "standard")
    assert edge_set(rows.edges) == {
        ("ASSOCIATED_WITH", "ElasticIP", NAT_EIP, "NetworkInterface", NAT_ENI),
        ("ASSOCIATED_WITH", "ElasticIP", bastion, "NetworkInterface", A("network-interface/eni-0bastion000000001")),
        ("ASSOCIATED_WITH", "ElasticIP", bastion, "EC2Instance", DB_1),
    }


# --- the units -------------------------------------------------------------------------------------


def ebs_payload() -> EbsPayload:
    return EbsPayload(
        load("describe_volumes", "Volumes"), load("describe_snapshots", "Snapshots"), load("describe_images", "Images")
    )


def vpc_payload() -> VpcNetworkPayload:
    return VpcNetworkPayload(
        route_tables=load("describe_route_tables", "RouteTables"),
        internet_gateways=load("describe_internet_gateways", "InternetGateways"),
        nat_gateways=load("describe_nat_gateways", "NatGateways"),
        peering_connections=load("describe_vpc_peering_connections", "VpcPeeringConnections"),
        transit_gateways=load("describe_transit_gateways", "TransitGateways"),
        tgw_attachments=load("describe_transit_gateway_attachments", "TransitGatewayAttachments"),
        tgw_vpc_attachments=load("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"),
        network_acls=load("describe_network_acls", "NetworkAcls"),
        network_interfaces=load("describe_network_interfaces", "NetworkInterfaces"),
        addresses=load("describe_addresses", "Addresses"),
    )


def test_the_vpc_network_unit_resolves_shared_transit_gateways_by_their_owners_arn() -> None:
    rows = transform_vpc_network(vpc_payload(), ACCOUNT, REGION)
    private = A("route-table/rtb-0priv00000000000001")
    assert ("ROUTES_TO", "RouteTable", private, "TransitGateway", CORE_TGW) in edge_set(rows.edges)
    assert CORE_TGW in by_id(rows.nodes)


def test_the_units_are_registered_with_the_labels_they_emit() -> None:
    assert [u.service for u in network.UNITS] == ["ebs", "vpc-network"]
    ebs, vpc = network.UNITS
    assert {n.label for n in transform_ebs(ebs_payload(), ACCOUNT, REGION).nodes} == set(ebs.labels)
    assert {n.label for n in transform_vpc_network(vpc_payload(), ACCOUNT, REGION).nodes} == set(vpc.labels)
    assert not set(ebs.labels) & set(vpc.labels)


def test_empty_and_malformed_payloads_never_crash() -> None:
    assert transform_ebs(EbsPayload([], [], []), ACCOUNT, REGION) == Transformed()
    assert transform_vpc_network(VpcNetworkPayload(), ACCOUNT, REGION) == Transformed()
    odd: list[Any] = [{}]
    assert transform_ebs(EbsPayload(odd, odd, odd), ACCOUNT, REGION) == Transformed()
    everything_odd = VpcNetworkPayload(odd, odd, odd, odd, odd, odd, odd, odd, odd, odd)
    assert transform_vpc_network(everything_odd, ACCOUNT, REGION) == Transformed()


def test_every_transformed_row_passes_the_writers_schema_checks(offline_writer: OfflineWriter) -> None:
    rows = transform_ebs(ebs_payload(), ACCOUNT, REGION) + transform_vpc_network(vpc_payload(), ACCOUNT, REGION)
    written = offline_writer(rows)
    private_to_pcx = next(
        r for r in written if r.get("source") == A("route-table/rtb-0priv00000000000001") and r.get("target") == PCX
    )
    assert private_to_pcx["props"] == {
        "destination_cidrs": ["10.30.0.0/16", "10.31.0.0/16"],
        "states": ["active"],
        "origins": ["CreateRoute"],
    }
    entry = next(r for r in written if r.get("id") == f"{PUBLIC_ACL}/ingress/200")
    assert "kind" not in entry["props"]  # entries are not Resources
    assert next(r for r in written if r.get("id") == WEB_ENI)["props"]["kind"] == "NetworkInterface"
