"""The AWS share of the generated estate, created through boto3 against a moto server.

Two accounts (the moto default one, and a second one reached through ``sts:AssumeRole``), two regions
each, and in each region N copies of an app tier: a VPC with a public and a private subnet (two zones),
web, app and db security groups chained web -> app -> db, web and app instances, an internet-facing ALB
with a listener and a target group holding the web instances, a PostgreSQL RDS instance and an SQS queue.
Misconfigurations (recorded on the manifest): the first tier's app group allows SSH from 0.0.0.0/0, and
each account has a bucket whose policy lets anyone read it; every instance's root volume and every
database is encrypted. The first account's first region also holds the shared services
(``estate_aws_services``: IAM, data stores, serverless, containers, edge). What the cloud made as side
effects (default VPCs, main route tables, interfaces, root volumes...) is listed afterwards
(``estate_aws_listing``), so the manifest holds everything discovery will find of the kinds it covers.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from typing import Any

import boto3

from devclouds.estate_aws_compute import ENCRYPTED_ROOT
from devclouds.estate_aws_events import list_buses
from devclouds.estate_aws_identity import seed_identity
from devclouds.estate_aws_listing import list_global, list_region
from devclouds.estate_aws_services import seed_services
from devclouds.estate_aws_storage import BLOCK_ALL, bucket_arn, encrypt
from devclouds.estate_manifest import AUDIT_ROLE, AWS_ACCOUNT_ALIASES, AWS_ACCOUNTS, AWS_REGIONS, Collected
from ingest.providers.aws.account import account_node_id
from ingest.providers.aws.client import partition_for
from ingest.providers.aws.ec2 import arn

log = logging.getLogger(__name__)

CLOUD = "aws"
TEAMS = ("payments", "search", "checkout", "platform", "identity")
TYPES = ("t3.micro", "t3.small", "m5.large", "c5.large")


class _Account:
    """boto3 clients of one account (the default account directly, others through an assumed role)."""

    def __init__(self, url: str, account: str) -> None:
        self.url, self.account = url, account
        key, secret, token = "seed", "seed", None  # moto accepts any key for its default account
        if account != AWS_ACCOUNTS[0]:
            sts = boto3.client(
                "sts", endpoint_url=url, region_name=AWS_REGIONS[0], aws_access_key_id=key, aws_secret_access_key=secret
            )
            role = f"arn:aws:iam::{account}:role/{AUDIT_ROLE}"
            creds = sts.assume_role(RoleArn=role, RoleSessionName="estate-generator")["Credentials"]
            key, secret, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]
        self.session = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)

    def client(self, service: str, region: str) -> Any:
        """A client of ``service`` (one factory for several boto3 client types, hence ``Any``)."""
        return self.session.client(service, region_name=region, endpoint_url=self.url)  # type: ignore[call-overload]


def _tags(name: str, extra: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in sorted(extra.items()))]


def _spec(kind: str, name: str, extra: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tags(name, extra)}]


def seed_aws(
    url: str,
    tiers: int,
    rng: random.Random,
    out: Collected,
    accounts: Sequence[str] = AWS_ACCOUNTS,
    services: bool = True,
) -> None:
    """The app tiers in each of ``accounts`` (the moto default one first) and region, each account's buckets, the
    shared services unless ``services`` is false, then what the cloud made as side effects."""
    for account in accounts:
        acc = _Account(url, account)
        alias = AWS_ACCOUNT_ALIASES[account]
        acc.client("iam", AWS_REGIONS[0]).create_account_alias(AccountAlias=alias)
        out.add(CLOUD, "AWSAccount", account_node_id("aws", account), alias)
        for region in AWS_REGIONS:
            vpcs = [_tier(acc, region, i, rng, out) for i in range(tiers)]
            if services and account == AWS_ACCOUNTS[0] and region == AWS_REGIONS[0]:
                seed_services(acc, region, vpcs[0], out)
        _buckets(acc, rng, out)
    for account in accounts:
        acc = _Account(url, account)
        for region in AWS_REGIONS:
            list_region(acc, region, out)
            list_buses(acc, region, out)
        list_global(acc, out)


def seed_aws_small(url: str, rng: random.Random, out: Collected) -> None:
    """About a hundred resources in the default account: one app tier in each region, the buckets, the identities
    (roles, policies, users, a group) and what the cloud made as side effects; no second account, no shared services."""
    seed_aws(url, 1, rng, out, accounts=AWS_ACCOUNTS[:1], services=False)
    assets = next(r.name for r in out.resources if r.label == "S3Bucket" and "-assets-" in r.name)
    seed_identity(_Account(url, AWS_ACCOUNTS[0]).client("iam", AWS_REGIONS[0]), AWS_ACCOUNTS[0], assets, out)


def _tier(acc: _Account, region: str, i: int, rng: random.Random, out: Collected) -> str:
    ec2, account = acc.client("ec2", region), acc.account
    team = rng.choice(TEAMS)
    prefix = f"{team}-{region.split('-')[0]}{region[-1]}-{i:03d}"
    tags = {"team": team, "env": "prod", "tier-copy": str(i)}
    cidr = f"10.{i % 250}"
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16", TagSpecifications=_spec("vpc", f"{prefix}-vpc", tags))["Vpc"]
    vpc_id = vpc["VpcId"]
    vpc_arn = out.add(
        CLOUD, "VPC", arn(region, account, f"vpc/{vpc_id}"), f"{prefix}-vpc", {"Name": f"{prefix}-vpc", **tags}
    )
    subnets: dict[str, str] = {}
    for n, (kind, zone) in enumerate((("public", "a"), ("private", "b"))):
        name = f"{prefix}-{kind}"
        sn = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"{cidr}.{n}.0/24",
            AvailabilityZone=f"{region}{zone}",
            TagSpecifications=_spec("subnet", name, tags),
        )["Subnet"]
        subnets[kind] = sn["SubnetId"]
        sn_arn = sn.get("SubnetArn") or arn(region, account, f"subnet/{sn['SubnetId']}")
        out.add(CLOUD, "Subnet", sn_arn, name, {"Name": name, **tags})
        out.edge("IN_VPC", "Subnet", sn_arn, "VPC", vpc_arn)
    groups: dict[str, str] = {}
    for role in ("web", "app", "db"):
        name = f"{prefix}-{role}"
        groups[role] = ec2.create_security_group(
            GroupName=name,
            Description=f"{role} tier",
            VpcId=vpc_id,
            TagSpecifications=_spec("security-group", name, tags),
        )["GroupId"]
        out.add(
            CLOUD, "SecurityGroup", arn(region, account, f"security-group/{groups[role]}"), name, {"Name": name, **tags}
        )
    rules: list[tuple[str, int, dict[str, Any]]] = [
        ("web", 443, {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        ("app", 8080, {"UserIdGroupPairs": [{"GroupId": groups["web"]}]}),
        ("db", 5432, {"UserIdGroupPairs": [{"GroupId": groups["app"]}]}),
    ]
    if i == 0:  # the misconfiguration: SSH open to the world
        rules.append(("app", 22, {"IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temporary debug"}]}))
    if i == 0:
        out.misconfig(
            "sg-admin-port-open-to-world",
            CLOUD,
            "SecurityGroup",
            arn(region, account, f"security-group/{groups['app']}"),
            "SSH (22) is open to 0.0.0.0/0 on the app tier's group ('temporary debug').",
        )
    for role, port, source in rules:
        ec2.authorize_security_group_ingress(
            GroupId=groups[role], IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}]
        )
    instances: dict[str, list[str]] = {}
    for role, subnet in (("web", "public"), ("app", "private")):
        count = rng.randint(1, 3)
        name = f"{prefix}-{role}"
        reply = ec2.run_instances(
            ImageId="ami-0123456789abcdef0",
            InstanceType=rng.choice(TYPES),
            MinCount=count,
            MaxCount=count,
            SubnetId=subnets[subnet],
            SecurityGroupIds=[groups[role]],
            BlockDeviceMappings=ENCRYPTED_ROOT,
            TagSpecifications=_spec("instance", name, {**tags, "role": role}),
        )
        instances[role] = [inst["InstanceId"] for inst in reply["Instances"]]
        for iid in instances[role]:
            inst_arn = arn(region, account, f"instance/{iid}")
            out.add(CLOUD, "EC2Instance", inst_arn, name, {"Name": name, **tags, "role": role})
            sn_arn = next(r.id for r in out.resources if r.label == "Subnet" and r.id.endswith(subnets[subnet]))
            out.edge("IN_SUBNET", "EC2Instance", inst_arn, "Subnet", sn_arn)
            sg_arn = arn(region, account, f"security-group/{groups[role]}")
            out.edge("MEMBER_OF_SECURITY_GROUP", "EC2Instance", inst_arn, "SecurityGroup", sg_arn)
    _front_and_data(acc, region, prefix, vpc_id, subnets, groups, instances["web"], tags, out)
    return str(vpc_id)


def _front_and_data(
    acc: _Account,
    region: str,
    prefix: str,
    vpc_id: str,
    subnets: dict[str, str],
    groups: dict[str, str],
    web: list[str],
    tags: dict[str, str],
    out: Collected,
) -> None:
    elb = acc.client("elbv2", region)
    tag_list = _tags(f"{prefix}-alb", tags)
    lb = elb.create_load_balancer(
        Name=f"{prefix}-alb"[:32],
        Subnets=list(subnets.values()),
        SecurityGroups=[groups["web"]],
        Scheme="internet-facing",
        Type="application",
        Tags=tag_list,
    )["LoadBalancers"][0]
    out.add(CLOUD, "LoadBalancer", lb["LoadBalancerArn"], f"{prefix}-alb", {"Name": f"{prefix}-alb", **tags})
    tg = elb.create_target_group(
        Name=f"{prefix}-tg"[:32], Protocol="HTTP", Port=80, VpcId=vpc_id, TargetType="instance", Tags=tag_list
    )["TargetGroups"][0]
    out.add(CLOUD, "TargetGroup", tg["TargetGroupArn"], f"{prefix}-tg", {"Name": f"{prefix}-alb", **tags})
    elb.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": i, "Port": 80} for i in web])
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )["Listeners"][0]["ListenerArn"]
    out.add(CLOUD, "Listener", listener, f"{prefix}-alb:80")
    out.edge("FORWARDS_TO", "Listener", listener, "TargetGroup", tg["TargetGroupArn"])
    rds = acc.client("rds", region)
    db = rds.create_db_instance(
        DBInstanceIdentifier=f"{prefix}-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        VpcSecurityGroupIds=[groups["db"]],
        Tags=_tags(f"{prefix}-db", tags),
        StorageEncrypted=True,
        PubliclyAccessible=False,
    )["DBInstance"]
    out.add(CLOUD, "RDSInstance", db["DBInstanceArn"], f"{prefix}-db", {"Name": f"{prefix}-db", **tags})
    sqs = acc.client("sqs", region)
    url = sqs.create_queue(QueueName=f"{prefix}-jobs", tags={"Name": f"{prefix}-jobs", **tags})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    out.add(CLOUD, "SQSQueue", queue_arn, f"{prefix}-jobs", {"Name": f"{prefix}-jobs", **tags})


def _buckets(acc: _Account, rng: random.Random, out: Collected) -> None:
    s3 = acc.client("s3", AWS_REGIONS[0])
    for kind in ("assets", "public-reports"):
        name = f"estate-{acc.account}-{kind}-{rng.randrange(16**6):06x}"
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "purpose", "Value": kind}]})
        encrypt(s3, name)
        if kind == "assets":
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
        if kind == "public-reports":  # the misconfiguration: anyone may read it
            s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": False,
                    "IgnorePublicAcls": False,
                    "BlockPublicPolicy": False,
                    "RestrictPublicBuckets": False,
                },
            )
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{name}/*",
                    }
                ],
            }
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
            out.misconfig(
                "s3-bucket-public-policy",
                CLOUD,
                "S3Bucket",
                bucket_arn(name),
                "The bucket policy lets anyone ('*') read its objects.",
            )
        out.add(CLOUD, "S3Bucket", f"arn:{partition_for(AWS_REGIONS[0])}:s3:::{name}", name, {"purpose": kind})
