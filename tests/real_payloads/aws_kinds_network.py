"""How the EC2 networking, instances, volumes, snapshots and images kinds
are read from their published payloads (see aws_reading.Reading)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graph.rows import Transformed
from ingest.providers.aws import ec2, network_ebs
from ingest.providers.aws.network_gateways import (
    transform_peering_connections,
    transform_tgw_attachments,
    transform_transit_gateways,
)
from ingest.providers.aws.network_interfaces import (
    transform_addresses,
    transform_network_acls,
    transform_network_interfaces,
)
from ingest.providers.aws.network_vpc import VpcNetworkPayload, transform_vpc_network
from tests.real_payloads.aws_reading import A, F, Items, R, Reading, one

__all__ = ["KINDS"]


def _owner(items: Items) -> str:
    """Snapshots and images are kept when the account owns them: read them as their owner's account."""
    return str(items[0].get("OwnerId") or A) if items else A


def _tgw_vpc_attachments(items: Items) -> Transformed:
    """A VPC attachment is listed by DescribeTransitGatewayAttachments too (resource type vpc, the VPC as
    its resource); the VPC attachments' own listing adds its subnets."""
    listed = [
        {
            "TransitGatewayAttachmentId": a["TransitGatewayAttachmentId"],
            "TransitGatewayId": a.get("TransitGatewayId"),
            "ResourceType": "vpc",
            "ResourceId": a.get("VpcId"),
            "ResourceOwnerId": a.get("VpcOwnerId"),
            "State": a.get("State"),
        }
        for a in items
    ]
    return transform_tgw_attachments(cast(Any, listed), items, A, R)


_VPC = Reading(
    "Vpcs", "VpcId", lambda i: ec2.transform_vpcs(i, A, R), (F("CidrBlock", "cidr_block"), F("IsDefault", "is_default"))
)


KINDS: Mapping[str, tuple[Reading, ...]] = {
    "VPC": one(_VPC),
    "Subnet": one(
        Reading(
            "Subnets",
            "SubnetId",
            lambda i: ec2.transform_subnets(i, A, R),
            (
                F("CidrBlock", "cidr_block"),
                F("AvailabilityZone", "availability_zone"),
                F("MapPublicIpOnLaunch", "map_public_ip_on_launch"),
                F("VpcId", edge="IN_VPC"),
            ),
        )
    ),
    "RouteTable": one(
        Reading(
            "RouteTables",
            "RouteTableId",
            lambda i: transform_vpc_network(VpcNetworkPayload(route_tables=i), A, R),
            (
                F("Routes[].GatewayId", "routes"),
                F("Associations[].SubnetId", edge="ASSOCIATED_WITH"),
                F("VpcId", edge="IN_VPC"),
            ),
        )
    ),
    "InternetGateway": one(
        Reading(
            "InternetGateways",
            "InternetGatewayId",
            lambda i: transform_vpc_network(VpcNetworkPayload(internet_gateways=i), A, R),
            (F("Attachments[].VpcId", edge="ATTACHED_TO"),),
        )
    ),
    "NATGateway": one(
        Reading(
            "NatGateways",
            "NatGatewayId",
            lambda i: transform_vpc_network(VpcNetworkPayload(nat_gateways=i), A, R),
            (
                F("SubnetId", edge="IN_SUBNET"),
                F("VpcId", edge="IN_VPC"),
                F("NatGatewayAddresses[].PublicIp", "public_ip"),
                F("NatGatewayAddresses[].AllocationId", edge="USES_ELASTIC_IP"),
                F("NatGatewayAddresses[].NetworkInterfaceId", edge="USES_NETWORK_INTERFACE"),
            ),
        )
    ),
    "NetworkAcl": one(
        Reading(
            "NetworkAcls",
            "NetworkAclId",
            lambda i: transform_network_acls(i, A, R),
            (
                F("Associations[].SubnetId", edge="ASSOCIATED_WITH"),
                F("Entries[].RuleNumber", edge="HAS_ENTRY"),
                F("VpcId", edge="IN_VPC"),
            ),
        )
    ),
    "EBSVolume": one(
        Reading(
            "Volumes",
            "VolumeId",
            lambda i: network_ebs.transform_volumes(i, A, R),
            (
                F("Encrypted", "encrypted"),
                F("KmsKeyId", "kms_key_id"),
                F("Size", "size"),
                F("Attachments[].InstanceId", edge="ATTACHED_TO"),
                F("SnapshotId", edge="CREATED_FROM"),
            ),
        )
    ),
    "EBSSnapshot": one(
        Reading(
            "Snapshots",
            "SnapshotId",
            lambda i: network_ebs.transform_snapshots(i, _owner(i), R),
            (
                F("VolumeId", edge="SNAPSHOT_OF"),
                F("Encrypted", "encrypted"),
                F("KmsKeyId", "kms_key_id"),
                F("OwnerId", "owner_id"),
                F("State", "state"),
            ),
        )
    ),
    "AMI": one(
        Reading(
            "Images",
            "ImageId",
            lambda i: network_ebs.transform_images(i, _owner(i), R),
            (
                F("Public", "public"),
                F("OwnerId", "owner_id"),
                F("BlockDeviceMappings[].Ebs.SnapshotId", edge="USES_SNAPSHOT"),
                F("State", "state"),
            ),
        )
    ),
    "EC2Instance": one(
        Reading(
            "Reservations.Instances",
            "InstanceId",
            lambda i: ec2.transform_instances(i, A, R),
            (
                F("InstanceType", "instance_type"),
                F("ImageId", "image_id"),
                F("State.Name", "state"),
                F("PrivateIpAddress", "private_ip"),
                F("PublicIpAddress", "public_ip"),
                F("SubnetId", edge="IN_SUBNET"),
                F("VpcId", "vpc_id"),
                F("SecurityGroups[].GroupId", edge="MEMBER_OF_SECURITY_GROUP"),
                F("IamInstanceProfile.Arn", "iam_instance_profile_arn"),
                F("KeyName", "key_name"),
                F("MetadataOptions.HttpTokens", "metadata_http_tokens"),
                F("MetadataOptions.HttpEndpoint", "metadata_http_endpoint"),
            ),
        )
    ),
    "VPCPeeringConnection": one(
        Reading(
            "VpcPeeringConnections",
            "VpcPeeringConnectionId",
            lambda i: transform_peering_connections(i, A, R),
            (
                F("Status.Code", "status"),
                F("RequesterVpcInfo.VpcId", edge="REQUESTER_VPC"),
                F("AccepterVpcInfo.VpcId", edge="ACCEPTER_VPC"),
                F("RequesterVpcInfo.CidrBlock", "requester_cidr"),
                F("AccepterVpcInfo.CidrBlock", "accepter_cidr"),
                F("AccepterVpcInfo.OwnerId", "accepter_owner_id"),
            ),
        )
    ),
    "TransitGateway": one(
        Reading(
            "TransitGateways",
            "TransitGatewayId",
            lambda i: transform_transit_gateways(i, A, R),
            (
                F("OwnerId", "owner_id"),
                F("State", "state"),
                F("Options.AssociationDefaultRouteTableId", "default_route_table_id"),
                F("Options.AutoAcceptSharedAttachments", "auto_accept_shared_attachments"),
            ),
        )
    ),
    "TransitGatewayAttachment": one(
        Reading(
            "TransitGatewayAttachments",
            "TransitGatewayAttachmentId",
            lambda i: transform_tgw_attachments(i, [], A, R),
            (
                F("TransitGatewayId", edge="ATTACHED_TO"),
                F("ResourceType", "resource_type"),
                F("ResourceId", "resource_id"),
                F("ResourceOwnerId", "resource_owner_id"),
                F("State", "state"),
            ),
            operations=("DescribeTransitGatewayAttachments",),
        ),
        Reading(
            "TransitGatewayVpcAttachments",
            "TransitGatewayAttachmentId",
            _tgw_vpc_attachments,
            (
                F("VpcId", edge="ATTACHES_VPC"),
                F("SubnetIds[]", edge="IN_SUBNET"),
                F("TransitGatewayId", edge="ATTACHED_TO"),
            ),
            operations=("DescribeTransitGatewayVpcAttachments",),
        ),
    ),
    "NetworkInterface": one(
        Reading(
            "NetworkInterfaces",
            "NetworkInterfaceId",
            lambda i: transform_network_interfaces(i, A, R),
            (
                F("PrivateIpAddress", "private_ip"),
                F("Association.PublicIp", "public_ip"),
                F("SubnetId", edge="IN_SUBNET"),
                F("Groups[].GroupId", edge="MEMBER_OF_SECURITY_GROUP"),
                F("Attachment.InstanceId", edge="ATTACHED_TO"),
            ),
        )
    ),
    "ElasticIP": one(
        Reading(
            "Addresses",
            "PublicIp",
            lambda i: transform_addresses(i, A, R),
            (
                F("PublicIp", "public_ip"),
                F("InstanceId", edge="ASSOCIATED_WITH"),
                F("NetworkInterfaceId", edge="ASSOCIATED_WITH"),
            ),
        )
    ),
    "SecurityGroup": one(
        Reading(
            "SecurityGroups",
            "GroupId",
            lambda i: ec2.transform_security_groups(i, A, R),
            (
                F("GroupName", "group_name"),
                F("VpcId", edge="IN_VPC"),
                F("IpPermissions[].IpRanges[].CidrIp", edge="HAS_RULE"),
                F("IpPermissions[].UserIdGroupPairs[].GroupId", edge="HAS_RULE"),
                F("IpPermissionsEgress[].IpRanges[].CidrIp", edge="HAS_RULE"),
            ),
        )
    ),
}
