"""A small, realistic demo AWS estate, created through the real EC2 API of a moto server.

Two regions of one account: a three-tier production VPC in us-east-1 (public web tier behind
HTTPS, an app tier reachable only from the web tier, a database tier reachable only from the app
tier, and a bastion with SSH open to the world) and a small staging VPC in eu-west-1. Each region
also has moto's default VPC, subnets and security group, as real AWS does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.literals import InstanceTypeType, ResourceTypeType
    from mypy_boto3_ec2.type_defs import IpPermissionTypeDef, TagSpecificationTypeDef, TagTypeDef

log = logging.getLogger(__name__)

DEMO_ACCOUNT = "123456789012"
DEMO_REGIONS = ("us-east-1", "eu-west-1")


@dataclass(frozen=True)
class DemoEstate:
    """Ids of what was created, for tests and the demo's summary."""

    vpcs: dict[str, str]
    subnets: dict[str, str]
    security_groups: dict[str, str]
    instances: dict[str, str]


def _spec(resource_type: ResourceTypeType, name: str, tags: dict[str, str]) -> list[TagSpecificationTypeDef]:
    pairs: list[TagTypeDef] = [{"Key": "Name", "Value": name}]
    pairs += [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return [{"ResourceType": resource_type, "Tags": pairs}]


def _client(endpoint_url: str, region: str) -> EC2Client:
    client: EC2Client = boto3.client(
        "ec2",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="demo",
        aws_secret_access_key="demo",  # noqa: S106 - moto accepts any key
    )
    return client


def _tcp(port: int, *, cidr: str | None = None, group: str | None = None, note: str = "") -> IpPermissionTypeDef:
    perm: IpPermissionTypeDef = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        perm["IpRanges"] = [{"CidrIp": cidr, "Description": note}]
    if group:
        perm["UserIdGroupPairs"] = [{"GroupId": group, "Description": note}]
    return perm


def seed_demo_estate(endpoint_url: str) -> DemoEstate:
    """Create the demo estate; call once per fresh moto server (or after a reset)."""
    vpcs: dict[str, str] = {}
    subnets: dict[str, str] = {}
    groups: dict[str, str] = {}
    instances: dict[str, str] = {}

    ec2 = _client(endpoint_url, "us-east-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    prod = {"env": "prod", "team": "platform"}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_spec("vpc", "prod-vpc", prod))["Vpc"]["VpcId"]
    vpcs["prod-vpc"] = vpc
    for name, cidr, public in (
        ("public-a", "10.0.1.0/24", True),
        ("private-a", "10.0.2.0/24", False),
        ("data-a", "10.0.3.0/24", False),
    ):
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1a", TagSpecifications=_spec("subnet", name, prod)
        )["Subnet"]["SubnetId"]
        if public:
            ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
        subnets[name] = subnet

    def group(name: str, description: str, rules: list[IpPermissionTypeDef], vpc_id: str = vpc) -> str:
        gid = ec2.create_security_group(
            GroupName=name, Description=description, VpcId=vpc_id, TagSpecifications=_spec("security-group", name, prod)
        )["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        groups[name] = gid
        return gid

    web = group(
        "web-sg",
        "HTTPS from the internet",
        [_tcp(443, cidr="0.0.0.0/0", note="public HTTPS"), _tcp(80, cidr="0.0.0.0/0", note="redirect to HTTPS")],
    )
    app = group("app-sg", "App tier, from the web tier only", [_tcp(8080, group=web, note="from web")])
    group("db-sg", "PostgreSQL, from the app tier only", [_tcp(5432, group=app, note="from app")])
    group("bastion-sg", "SSH for operators", [_tcp(22, cidr="0.0.0.0/0", note="TODO: restrict")])

    def launch(
        name: str,
        subnet: str,
        group_name: str,
        itype: InstanceTypeType,
        role: str,
        client: EC2Client = ec2,
        ami: str = image,
        tags: dict[str, str] = prod,
    ) -> None:
        reservation = client.run_instances(
            ImageId=ami,
            InstanceType=itype,
            MinCount=1,
            MaxCount=1,
            SubnetId=subnets[subnet],
            SecurityGroupIds=[groups[group_name]],
            TagSpecifications=_spec("instance", name, {**tags, "role": role}),
        )
        instances[name] = reservation["Instances"][0]["InstanceId"]

    launch("web-1", "public-a", "web-sg", "t3.small", "web")
    launch("web-2", "public-a", "web-sg", "t3.small", "web")
    launch("app-1", "private-a", "app-sg", "m5.large", "app")
    launch("db-1", "data-a", "db-sg", "r5.large", "database")
    launch("bastion", "public-a", "bastion-sg", "t3.micro", "bastion")

    eu = _client(endpoint_url, "eu-west-1")
    eu_image = eu.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    staging = {"env": "staging", "team": "payments"}
    vpc_eu = eu.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=_spec("vpc", "staging-vpc", staging))["Vpc"][
        "VpcId"
    ]
    vpcs["staging-vpc"] = vpc_eu
    subnets["staging-a"] = eu.create_subnet(
        VpcId=vpc_eu,
        CidrBlock="10.1.1.0/24",
        AvailabilityZone="eu-west-1a",
        TagSpecifications=_spec("subnet", "staging-a", staging),
    )["Subnet"]["SubnetId"]
    gid = eu.create_security_group(GroupName="staging-app-sg", Description="Staging app", VpcId=vpc_eu)["GroupId"]
    eu.authorize_security_group_ingress(GroupId=gid, IpPermissions=[_tcp(8080, cidr="10.1.0.0/16", note="vpc")])
    groups["staging-app-sg"] = gid
    launch("staging-app-1", "staging-a", "staging-app-sg", "t3.medium", "app", client=eu, ami=eu_image, tags=staging)
    log.info("demo estate seeded: %s instances in %s", len(instances), ", ".join(DEMO_REGIONS))
    return DemoEstate(vpcs, subnets, groups, instances)
