"""The AWS share of the generated estate, created through boto3 against a moto server.

Two accounts (the moto default one, and a second one reached through ``sts:AssumeRole``), two regions
each, and in each region N copies of an app tier: a VPC with a public and a private subnet (two zones),
web, app and db security groups chained web -> app -> db, web and app instances, an internet-facing ALB
with a listener and a target group holding the web instances, a PostgreSQL RDS instance and an SQS queue.
Misconfigurations: the first tier's app group allows SSH from 0.0.0.0/0, and each account has a bucket
whose policy lets anyone read it. Moto's default VPC, subnets and security groups are listed afterwards,
so the manifest holds everything discovery will find of the kinds it covers.
"""

from __future__ import annotations

import json
import logging
import random
from typing import Any

import boto3

from ingest.emulators.estate_manifest import AUDIT_ROLE, AWS_ACCOUNTS, AWS_REGIONS, Collected
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


def seed_aws(url: str, tiers: int, rng: random.Random, out: Collected) -> None:
    for account in AWS_ACCOUNTS:
        acc = _Account(url, account)
        for region in AWS_REGIONS:
            for i in range(tiers):
                _tier(acc, region, i, rng, out)
        _buckets(acc, rng, out)
    for account in AWS_ACCOUNTS:
        acc = _Account(url, account)
        for region in AWS_REGIONS:
            _defaults(acc, region, out)


def _tier(acc: _Account, region: str, i: int, rng: random.Random, out: Collected) -> None:
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
            VpcId=vpc_id, CidrBlock=f"{cidr}.{n}.0/24", AvailabilityZone=f"{region}{zone}",
            TagSpecifications=_spec("subnet", name, tags),
        )["Subnet"]  # fmt: skip
        subnets[kind] = sn["SubnetId"]
        sn_arn = sn.get("SubnetArn") or arn(region, account, f"subnet/{sn['SubnetId']}")
        out.add(CLOUD, "Subnet", sn_arn, name, {"Name": name, **tags})
        out.edge("IN_VPC", "Subnet", sn_arn, "VPC", vpc_arn)
    groups: dict[str, str] = {}
    for role in ("web", "app", "db"):
        name = f"{prefix}-{role}"
        groups[role] = ec2.create_security_group(
            GroupName=name, Description=f"{role} tier", VpcId=vpc_id,
            TagSpecifications=_spec("security-group", name, tags),
        )["GroupId"]  # fmt: skip
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
    for role, port, source in rules:
        ec2.authorize_security_group_ingress(
            GroupId=groups[role], IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}]
        )
    instances: dict[str, list[str]] = {}
    for role, subnet in (("web", "public"), ("app", "private")):
        count = rng.randint(1, 3)
        name = f"{prefix}-{role}"
        reply = ec2.run_instances(
            ImageId="ami-0123456789abcdef0", InstanceType=rng.choice(TYPES), MinCount=count, MaxCount=count,
            SubnetId=subnets[subnet], SecurityGroupIds=[groups[role]],
            TagSpecifications=_spec("instance", name, {**tags, "role": role}),
        )  # fmt: skip
        instances[role] = [inst["InstanceId"] for inst in reply["Instances"]]
        for iid in instances[role]:
            inst_arn = arn(region, account, f"instance/{iid}")
            out.add(CLOUD, "EC2Instance", inst_arn, name, {"Name": name, **tags, "role": role})
            sn_arn = next(r.id for r in out.resources if r.label == "Subnet" and r.id.endswith(subnets[subnet]))
            out.edge("IN_SUBNET", "EC2Instance", inst_arn, "Subnet", sn_arn)
            sg_arn = arn(region, account, f"security-group/{groups[role]}")
            out.edge("MEMBER_OF_SECURITY_GROUP", "EC2Instance", inst_arn, "SecurityGroup", sg_arn)
    _front_and_data(acc, region, prefix, vpc_id, subnets, groups, instances["web"], tags, out)


def _front_and_data(
    acc: _Account, region: str, prefix: str, vpc_id: str, subnets: dict[str, str], groups: dict[str, str],
    web: list[str], tags: dict[str, str], out: Collected,
) -> None:  # fmt: skip
    elb = acc.client("elbv2", region)
    tag_list = _tags(f"{prefix}-alb", tags)
    lb = elb.create_load_balancer(
        Name=f"{prefix}-alb"[:32], Subnets=list(subnets.values()), SecurityGroups=[groups["web"]],
        Scheme="internet-facing", Type="application", Tags=tag_list,
    )["LoadBalancers"][0]  # fmt: skip
    out.add(CLOUD, "LoadBalancer", lb["LoadBalancerArn"], f"{prefix}-alb", {"Name": f"{prefix}-alb", **tags})
    tg = elb.create_target_group(
        Name=f"{prefix}-tg"[:32], Protocol="HTTP", Port=80, VpcId=vpc_id, TargetType="instance", Tags=tag_list
    )["TargetGroups"][0]
    out.add(CLOUD, "TargetGroup", tg["TargetGroupArn"], f"{prefix}-tg", {"Name": f"{prefix}-alb", **tags})
    elb.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": i, "Port": 80} for i in web])
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )  # fmt: skip
    rds = acc.client("rds", region)
    db = rds.create_db_instance(
        DBInstanceIdentifier=f"{prefix}-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="app", MasterUserPassword="not-a-real-password", AllocatedStorage=20,
        VpcSecurityGroupIds=[groups["db"]], Tags=_tags(f"{prefix}-db", tags),
    )["DBInstance"]  # fmt: skip
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
        if kind == "public-reports":  # the misconfiguration: anyone may read it
            s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": False, "IgnorePublicAcls": False,
                    "BlockPublicPolicy": False, "RestrictPublicBuckets": False,
                },
            )  # fmt: skip
            policy = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                               "Resource": f"arn:aws:s3:::{name}/*"}],
            }  # fmt: skip
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        out.add(CLOUD, "S3Bucket", f"arn:{partition_for(AWS_REGIONS[0])}:s3:::{name}", name, {"purpose": kind})


def _defaults(acc: _Account, region: str, out: Collected) -> None:
    """Moto's default VPC, subnets and security groups (and each new VPC's default group): listed, not created."""
    ec2, account = acc.client("ec2", region), acc.account
    known = {r.id for r in out.resources}

    def add(label: str, id_: str, name: str) -> None:
        if id_ not in known:
            out.add(CLOUD, label, id_, name)

    for vpc in ec2.describe_vpcs()["Vpcs"]:
        add("VPC", arn(region, account, f"vpc/{vpc['VpcId']}"), vpc["VpcId"])
    for sn in ec2.describe_subnets()["Subnets"]:
        sn_arn = sn.get("SubnetArn") or arn(region, account, f"subnet/{sn['SubnetId']}")
        if sn_arn not in known:
            add("Subnet", sn_arn, sn["SubnetId"])
            out.edge("IN_VPC", "Subnet", sn_arn, "VPC", arn(region, account, f"vpc/{sn['VpcId']}"))
    for sg in ec2.describe_security_groups()["SecurityGroups"]:
        add(
            "SecurityGroup",
            arn(region, sg.get("OwnerId") or account, f"security-group/{sg['GroupId']}"),
            sg["GroupName"],
        )
