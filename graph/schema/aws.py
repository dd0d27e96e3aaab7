"""AWS node kinds and relationship types (EC2 networking and compute)."""

from __future__ import annotations

from graph.schema.common import SCOPED_PROPERTIES
from graph.schema.model import FREE, EntryPoint, NodeKind, Property, RelType

P = Property

EC2_INSTANCE = NodeKind(
    label="EC2Instance",
    provider="aws",
    service="ec2",
    description="An EC2 virtual machine.",
    properties=(
        P("instance_id", "string", "Instance id (i-...).", indexed=True),
        P("instance_type", "string", "Instance type, e.g. t3.micro.", indexed=True),
        P("state", "string", "Lifecycle state: pending, running, stopping, stopped, terminated.", indexed=True),
        P("image_id", "string", "AMI the instance was launched from."),
        P("availability_zone", "string", "Availability zone."),
        P("private_ip", "string", "Primary private IPv4 address.", indexed=True),
        P("public_ip", "string", "Public IPv4 address, when it has one.", indexed=True),
        P("private_dns", "string", "Private DNS name."),
        P("public_dns", "string", "Public DNS name, when it has one."),
        P("vpc_id", "string", "VPC id the instance runs in."),
        P("subnet_id", "string", "Subnet id the instance runs in."),
        P("architecture", "string", "CPU architecture."),
        P("platform", "string", "Platform details, e.g. Linux/UNIX."),
        P("key_name", "string", "SSH key pair name."),
        P("iam_instance_profile_arn", "string", "ARN of the attached instance profile."),
        P("launch_time", "datetime", "When the instance was launched."),
        P("monitoring", "string", "Detailed monitoring state."),
        P(
            "metadata_http_tokens",
            "string",
            "Instance metadata tokens: required (IMDSv2 only) or optional (IMDSv1 answers unsigned requests).",
            indexed=True,
        ),
        P("metadata_http_endpoint", "string", "Instance metadata service: enabled or disabled."),
    ),
    entry_point=EntryPoint(2, "public_ip", in_network=True),
    billing="ec2_instance",
)

VPC = NodeKind(
    label="VPC",
    provider="aws",
    service="ec2",
    description="A virtual private cloud: an isolated network.",
    properties=(
        P("vpc_id", "string", "VPC id (vpc-...).", indexed=True),
        P("cidr_block", "string", "Primary IPv4 CIDR block."),
        P("cidr_blocks", "string[]", "Every associated IPv4 CIDR block."),
        P("is_default", "bool", "Whether this is the region's default VPC."),
        P("state", "string", "available or pending."),
        P("instance_tenancy", "string", "default, dedicated or host."),
    ),
    billing=FREE,
)

SUBNET = NodeKind(
    label="Subnet",
    provider="aws",
    service="ec2",
    description="A subnet of a VPC in one availability zone.",
    properties=(
        P("subnet_id", "string", "Subnet id (subnet-...).", indexed=True),
        P("vpc_id", "string", "VPC the subnet belongs to."),
        P("cidr_block", "string", "IPv4 CIDR block."),
        P("availability_zone", "string", "Availability zone."),
        P("map_public_ip_on_launch", "bool", "Whether instances get a public IP at launch."),
        P("default_for_az", "bool", "Whether this is the default subnet of its zone."),
        P("available_ip_count", "int", "Free IPv4 addresses."),
        P("state", "string", "available or pending."),
    ),
    billing=FREE,
)

SECURITY_GROUP = NodeKind(
    label="SecurityGroup",
    provider="aws",
    service="ec2",
    description="An EC2 security group: stateful allow rules for attached interfaces.",
    properties=(
        P("group_id", "string", "Security group id (sg-...).", indexed=True),
        P("group_name", "string", "Security group name."),
        P("description", "string", "Description given at creation."),
        P("vpc_id", "string", "VPC the group belongs to."),
    ),
    billing=FREE,
)

SECURITY_GROUP_RULE = NodeKind(
    label="SecurityGroupRule",
    provider="aws",
    service="ec2",
    description="One allow rule of a security group: a direction, protocol, port range and one source or destination.",
    resource=False,
    properties=(
        P("id", "string", "Group ARN + direction + protocol + ports + peer: stable across syncs.", indexed=True),
        P("group_id", "string", "The security group the rule belongs to."),
        P("direction", "string", "ingress or egress."),
        P("protocol", "string", "IP protocol: tcp, udp, icmp, a number, or -1 for all."),
        P("from_port", "int", "First port of the range (-1 or absent for all)."),
        P("to_port", "int", "Last port of the range (-1 or absent for all)."),
        P("cidr", "string", "IPv4 or IPv6 CIDR the rule allows, when the peer is an address range."),
        P("peer_group_id", "string", "Security group the rule allows, when the peer is a group."),
        P("prefix_list_id", "string", "Managed prefix list the rule allows, when the peer is one."),
        P("rule_description", "string", "The rule's own description."),
        *SCOPED_PROPERTIES,
    ),
)

AWS_RESOURCE = NodeKind(
    label="AwsResource",
    provider="aws",
    service="tagging",
    description="Any other AWS resource the Resource Groups Tagging API returns (no typed kind yet).",
    properties=(
        P("resource_type", "string", "ARN service and resource type, e.g. logs:log-group.", indexed=True),
        P("arn_service", "string", "The ARN's service part, e.g. kinesis."),
    ),
)

NODES = (EC2_INSTANCE, VPC, SUBNET, SECURITY_GROUP, SECURITY_GROUP_RULE, AWS_RESOURCE)

RELATIONSHIPS = (
    RelType("IN_SUBNET", "EC2Instance", "Subnet", "The instance's primary interface is in this subnet."),
    RelType("IN_VPC", "Subnet", "VPC", "The subnet belongs to this VPC."),
    RelType("IN_VPC", "SecurityGroup", "VPC", "The security group belongs to this VPC."),
    RelType(
        "MEMBER_OF_SECURITY_GROUP",
        "EC2Instance",
        "SecurityGroup",
        "The instance's interfaces are governed by this security group.",
    ),
    RelType("HAS_RULE", "SecurityGroup", "SecurityGroupRule", "The group contains this rule."),
    RelType(
        "ALLOWS_FROM",
        "SecurityGroupRule",
        "SecurityGroup",
        "The rule's peer is this security group (members of it may connect, or be connected to).",
    ),
)
