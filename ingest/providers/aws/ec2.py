"""EC2 networking and compute: VPCs, subnets, security groups with their rules, instances.

get (paginated boto3 calls) -> transform (pure: API payloads to NodeRow/EdgeRow); the generic
unit runner loads (nodes before edges) and cleans up, scoped to this account and region.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients, partition_for
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.type_defs import (
        InstanceTypeDef,
        IpPermissionOutputTypeDef,
        SecurityGroupTypeDef,
        SubnetTypeDef,
        TagTypeDef,
        VpcTypeDef,
    )

log = logging.getLogger(__name__)

LABELS = ("VPC", "Subnet", "SecurityGroup", "SecurityGroupRule", "EC2Instance")


@dataclass(frozen=True)
class Ec2Payload:
    """What one account and region returned."""

    vpcs: Sequence[VpcTypeDef]
    subnets: Sequence[SubnetTypeDef]
    security_groups: Sequence[SecurityGroupTypeDef]
    instances: Sequence[InstanceTypeDef]


# --- get -------------------------------------------------------------------------------------------


def get_ec2(client: EC2Client) -> Ec2Payload:
    """Read every page of each describe call for one region."""
    vpcs = [v for page in client.get_paginator("describe_vpcs").paginate() for v in page["Vpcs"]]
    subnets = [s for page in client.get_paginator("describe_subnets").paginate() for s in page["Subnets"]]
    groups = [g for page in client.get_paginator("describe_security_groups").paginate() for g in page["SecurityGroups"]]
    instances = [
        i
        for page in client.get_paginator("describe_instances").paginate()
        for reservation in page["Reservations"]
        for i in reservation.get("Instances", [])
    ]
    return Ec2Payload(vpcs, subnets, groups, instances)


# --- transform (pure) ------------------------------------------------------------------------------


def arn(region: str, account: str, resource: str) -> str:
    return f"arn:{partition_for(region)}:ec2:{region}:{account}:{resource}"


def tag_list(tags: Iterable[TagTypeDef] | None) -> tuple[str, ...]:
    return tags_from_pairs(tags)


def name_from(tags: Iterable[TagTypeDef] | None, fallback: str) -> str:
    for tag in tags or ():
        if tag.get("Key") == "Name" and tag.get("Value"):
            return str(tag["Value"])
    return fallback


def _resource(account: str, region: str, name: str, tags: tuple[str, ...], **props: PropValue) -> dict[str, PropValue]:
    return {"account": account, "region": region, "name": name, "tags": tags, **props}


def transform_vpcs(vpcs: Iterable[VpcTypeDef], account: str, region: str) -> Transformed:
    nodes = []
    for vpc in vpcs:
        vpc_id = vpc["VpcId"]
        tags = vpc.get("Tags")
        cidrs = tuple(a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", []) if "CidrBlock" in a)
        props = _resource(
            account,
            region,
            name_from(tags, vpc_id),
            tag_list(tags),
            vpc_id=vpc_id,
            cidr_block=vpc.get("CidrBlock"),
            cidr_blocks=cidrs or None,
            is_default=bool(vpc.get("IsDefault", False)),
            state=vpc.get("State"),
            instance_tenancy=vpc.get("InstanceTenancy"),
        )
        nodes.append(NodeRow("VPC", arn(region, account, f"vpc/{vpc_id}"), props))
    return Transformed(tuple(nodes), ())


def transform_subnets(subnets: Iterable[SubnetTypeDef], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for subnet in subnets:
        subnet_id = subnet["SubnetId"]
        tags = subnet.get("Tags")
        node_id = subnet.get("SubnetArn") or arn(region, account, f"subnet/{subnet_id}")
        props = _resource(
            account,
            region,
            name_from(tags, subnet_id),
            tag_list(tags),
            subnet_id=subnet_id,
            vpc_id=subnet.get("VpcId"),
            cidr_block=subnet.get("CidrBlock"),
            availability_zone=subnet.get("AvailabilityZone"),
            map_public_ip_on_launch=subnet.get("MapPublicIpOnLaunch"),
            default_for_az=subnet.get("DefaultForAz"),
            available_ip_count=subnet.get("AvailableIpAddressCount"),
            state=subnet.get("State"),
        )
        nodes.append(NodeRow("Subnet", node_id, props))
        if subnet.get("VpcId"):
            edges.append(EdgeRow("IN_VPC", "Subnet", node_id, "VPC", arn(region, account, f"vpc/{subnet['VpcId']}")))
    return Transformed(tuple(nodes), tuple(edges))


def transform_security_groups(groups: Iterable[SecurityGroupTypeDef], account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for group in groups:
        group_id = group["GroupId"]
        owner = group.get("OwnerId") or account
        group_arn = group.get("SecurityGroupArn") or arn(region, owner, f"security-group/{group_id}")
        tags = group.get("Tags")
        props = _resource(
            account,
            region,
            name_from(tags, group.get("GroupName") or group_id),
            tag_list(tags),
            group_id=group_id,
            group_name=group.get("GroupName"),
            description=group.get("Description"),
            vpc_id=group.get("VpcId"),
        )
        nodes.append(NodeRow("SecurityGroup", group_arn, props))
        if group.get("VpcId"):
            edges.append(
                EdgeRow("IN_VPC", "SecurityGroup", group_arn, "VPC", arn(region, account, f"vpc/{group['VpcId']}"))
            )
        for direction, perms in (
            ("ingress", group.get("IpPermissions", [])),
            ("egress", group.get("IpPermissionsEgress", [])),
        ):
            for perm in perms:
                for rule in _rules(perm, group_arn, group_id, direction, account, region):
                    nodes.append(rule.node)
                    edges.append(EdgeRow("HAS_RULE", "SecurityGroup", group_arn, "SecurityGroupRule", rule.node.id))
                    if rule.peer_arn:
                        edges.append(
                            EdgeRow("ALLOWS_FROM", "SecurityGroupRule", rule.node.id, "SecurityGroup", rule.peer_arn)
                        )
    return Transformed(tuple(nodes), tuple(edges))


@dataclass(frozen=True)
class _Rule:
    node: NodeRow
    peer_arn: str | None


def _rules(
    perm: IpPermissionOutputTypeDef, group_arn: str, group_id: str, direction: str, account: str, region: str
) -> Iterable[_Rule]:
    """One rule per peer: each CIDR, security group or prefix list of the permission."""
    protocol = str(perm.get("IpProtocol", "-1"))
    from_port = perm.get("FromPort")
    to_port = perm.get("ToPort")
    ports = "all" if from_port in (None, -1) and to_port in (None, -1) else f"{from_port}-{to_port}"
    base: dict[str, PropValue] = {
        "account": account,
        "region": region,
        "group_id": group_id,
        "direction": direction,
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
    }
    peers: list[tuple[str, dict[str, PropValue], str | None]] = []
    for r4 in perm.get("IpRanges", []):
        peers.append((r4["CidrIp"], {"cidr": r4["CidrIp"], "rule_description": r4.get("Description")}, None))
    for r6 in perm.get("Ipv6Ranges", []):
        peers.append((r6["CidrIpv6"], {"cidr": r6["CidrIpv6"], "rule_description": r6.get("Description")}, None))
    for pair in perm.get("UserIdGroupPairs", []):
        peer_id = pair.get("GroupId", "")
        peer_arn = arn(region, pair.get("UserId") or account, f"security-group/{peer_id}")
        peers.append((peer_id, {"peer_group_id": peer_id, "rule_description": pair.get("Description")}, peer_arn))
    for pl in perm.get("PrefixListIds", []):
        pl_id = pl.get("PrefixListId", "")
        peers.append((pl_id, {"prefix_list_id": pl_id, "rule_description": pl.get("Description")}, None))
    for peer, extra, maybe_peer_arn in peers:
        rule_id = f"{group_arn}/{direction}/{protocol}/{ports}/{peer}"
        yield _Rule(NodeRow("SecurityGroupRule", rule_id, {**base, **extra}), maybe_peer_arn)


def transform_instances(
    instances: Iterable[InstanceTypeDef],
    account: str,
    region: str,
    known_ids: Mapping[str, str] | None = None,
) -> Transformed:
    """Instances and their edges. ``known_ids`` maps subnet and group ids to the node ids their own
    transforms chose (a subnet shared from another account is keyed by its owner's ARN).
    Terminated instances are skipped: describe_instances lists them for a while after they are gone."""
    known = known_ids or {}
    nodes, edges = [], []
    for inst in instances:
        if inst.get("State", {}).get("Name") == "terminated":
            continue
        instance_id = inst["InstanceId"]
        node_id = arn(region, account, f"instance/{instance_id}")
        tags = inst.get("Tags")
        props = _resource(
            account,
            region,
            name_from(tags, instance_id),
            tag_list(tags),
            instance_id=instance_id,
            instance_type=inst.get("InstanceType"),
            state=inst.get("State", {}).get("Name"),
            image_id=inst.get("ImageId"),
            availability_zone=inst.get("Placement", {}).get("AvailabilityZone"),
            private_ip=inst.get("PrivateIpAddress"),
            public_ip=inst.get("PublicIpAddress"),
            private_dns=inst.get("PrivateDnsName") or None,
            public_dns=inst.get("PublicDnsName") or None,
            vpc_id=inst.get("VpcId"),
            subnet_id=inst.get("SubnetId"),
            architecture=inst.get("Architecture"),
            platform=inst.get("PlatformDetails") or ("Windows" if inst.get("Platform") == "windows" else None),
            key_name=inst.get("KeyName"),
            iam_instance_profile_arn=inst.get("IamInstanceProfile", {}).get("Arn"),
            launch_time=inst.get("LaunchTime"),
            monitoring=inst.get("Monitoring", {}).get("State"),
            metadata_http_tokens=inst.get("MetadataOptions", {}).get("HttpTokens"),
            metadata_http_endpoint=inst.get("MetadataOptions", {}).get("HttpEndpoint"),
        )
        nodes.append(NodeRow("EC2Instance", node_id, props))
        if inst.get("SubnetId"):
            subnet_arn = known.get(inst["SubnetId"]) or arn(region, account, f"subnet/{inst['SubnetId']}")
            edges.append(EdgeRow("IN_SUBNET", "EC2Instance", node_id, "Subnet", subnet_arn))
        for sg in inst.get("SecurityGroups", []):
            group_id = sg.get("GroupId", "")
            sg_arn = known.get(group_id) or arn(region, account, f"security-group/{group_id}")
            edges.append(EdgeRow("MEMBER_OF_SECURITY_GROUP", "EC2Instance", node_id, "SecurityGroup", sg_arn))
    return Transformed(tuple(nodes), tuple(edges))


def transform_ec2(payload: Ec2Payload, account: str, region: str) -> Transformed:
    vpcs = transform_vpcs(payload.vpcs, account, region)
    subnets = transform_subnets(payload.subnets, account, region)
    groups = transform_security_groups(payload.security_groups, account, region)
    known = {
        str(row.props.get("subnet_id") or row.props.get("group_id")): row.id
        for row in (*subnets.nodes, *groups.nodes)
        if row.label in ("Subnet", "SecurityGroup")
    }
    parts = (vpcs, subnets, groups, transform_instances(payload.instances, account, region, known))
    return Transformed(
        tuple(n for p in parts for n in p.nodes),
        tuple(e for p in parts for e in p.edges),
    )


# --- the unit ---------------------------------------------------------------------------------------


def fetch_ec2(clients: AwsClients, region: str) -> Ec2Payload:
    return get_ec2(clients.ec2(region))


UNITS = (AwsUnit("ec2", LABELS, fetch_ec2, transform_ec2),)
