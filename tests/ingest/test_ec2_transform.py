"""The EC2 transform is pure: recorded describe_* payloads in, exact NodeRows and EdgeRows out."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from ingest.providers.aws.client import partition_for
from ingest.providers.aws.ec2 import (
    LABELS,
    Ec2Payload,
    arn,
    name_from,
    tag_list,
    transform_ec2,
    transform_instances,
    transform_security_groups,
    transform_subnets,
    transform_vpcs,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "aws"
ACCOUNT = "111122223333"
REGION = "us-west-2"
PEER_ACCOUNT = "444455556666"

# boto3 turns these timestamp members into aware datetimes; the recorded JSON holds ISO 8601 strings.
_TIMESTAMPS = frozenset({"LaunchTime", "AttachTime", "UsageOperationUpdateTime"})

OfflineWriter = Callable[[Transformed], list[dict[str, Any]]]


def _parse_timestamps(obj: dict[str, Any]) -> dict[str, Any]:
    for key in _TIMESTAMPS & obj.keys():
        obj[key] = datetime.fromisoformat(obj[key])
    return obj


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(), object_hook=_parse_timestamps)


def vpcs() -> list[Any]:
    return list(load("describe_vpcs.json")["Vpcs"])


def subnets() -> list[Any]:
    return list(load("describe_subnets.json")["Subnets"])


def groups() -> list[Any]:
    return list(load("describe_security_groups.json")["SecurityGroups"])


def instances() -> list[Any]:
    return [i for r in load("describe_instances.json")["Reservations"] for i in r["Instances"]]


def payload() -> Ec2Payload:
    return Ec2Payload(vpcs(), subnets(), groups(), instances())


def A(resource: str, account: str = ACCOUNT) -> str:  # noqa: N802 - reads like the ARN it builds
    return f"arn:aws:ec2:{REGION}:{account}:{resource}"


PROD_VPC = A("vpc/vpc-0a1b2c3d4e5f60718")
DEFAULT_VPC = A("vpc/vpc-0d3f5a7c9e1b24680")
PUBLIC_A = A("subnet/subnet-0aa11bb22cc33dd44")
DATA_B = A("subnet/subnet-0ee55ff66aa77bb88")
DEFAULT_SUBNET = A("subnet/subnet-0c0ffee1234567890")
WEB_SG = A("security-group/sg-0123456789abcdef0")
APP_SG = A("security-group/sg-0a2b4c6d8e0f13579")
DB_SG = A("security-group/sg-0f1e2d3c4b5a69788")
DEFAULT_SG = A("security-group/sg-0b1d3f5a7c9e02468")
PEER_SG = A("security-group/sg-0fedcba9876543210", PEER_ACCOUNT)
WEB_1 = A("instance/i-0abcdef1234567890")
DB_1 = A("instance/i-0fedcba0987654321")
BATCH = A("instance/i-0123abcd4567ef890")

RULES = {
    f"{WEB_SG}/ingress/tcp/443-443/0.0.0.0/0",
    f"{WEB_SG}/ingress/tcp/443-443/::/0",
    f"{WEB_SG}/ingress/tcp/80-80/0.0.0.0/0",
    f"{WEB_SG}/egress/-1/all/0.0.0.0/0",
    f"{WEB_SG}/egress/-1/all/::/0",
    f"{APP_SG}/ingress/tcp/8080-8080/sg-0123456789abcdef0",
    f"{APP_SG}/ingress/tcp/22-22/pl-0abc1234def567890",
    f"{APP_SG}/ingress/icmp/8--1/10.20.0.0/16",
    f"{APP_SG}/egress/-1/all/0.0.0.0/0",
    f"{DB_SG}/ingress/tcp/5432-5432/sg-0a2b4c6d8e0f13579",
    f"{DB_SG}/ingress/tcp/5432-5432/sg-0fedcba9876543210",
    f"{DEFAULT_SG}/ingress/-1/all/sg-0b1d3f5a7c9e02468",
    f"{DEFAULT_SG}/egress/-1/all/0.0.0.0/0",
}


def by_id(nodes: tuple[NodeRow, ...]) -> dict[str, NodeRow]:
    out = {n.id: n for n in nodes}
    assert len(out) == len(nodes), "duplicate node ids"
    return out


def edge_set(edges: tuple[EdgeRow, ...]) -> set[tuple[str, str, str, str, str]]:
    out = {(e.type, e.source_label, e.source_id, e.target_label, e.target_id) for e in edges}
    assert len(out) == len(edges), "duplicate edges"
    return out


# --- helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "partition"),
    [("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("eu-west-1", "aws")],
)
def test_partition_for_region(region: str, partition: str) -> None:
    assert partition_for(region) == partition


def test_arn_uses_the_partition_of_the_region() -> None:
    assert arn("cn-north-1", "123456789012", "vpc/vpc-1") == "arn:aws-cn:ec2:cn-north-1:123456789012:vpc/vpc-1"
    assert arn("us-east-1", "123456789012", "vpc/vpc-1") == "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"


def test_tags_become_sorted_key_equals_value_strings() -> None:
    tags = [{"Key": "team", "Value": "platform"}, {"Key": "Name", "Value": "prod-vpc"}, {"Key": "cc", "Value": "a=b"}]
    assert tag_list(tags) == ("Name=prod-vpc", "cc=a=b", "team=platform")  # type: ignore[arg-type]
    assert tag_list(None) == ()
    assert tag_list([]) == ()


def test_name_is_the_name_tag_else_the_fallback() -> None:
    assert name_from([{"Key": "env", "Value": "x"}, {"Key": "Name", "Value": "web-1"}], "i-1") == "web-1"
    assert name_from([{"Key": "Name", "Value": ""}], "i-1") == "i-1"
    assert name_from([{"Key": "name", "Value": "lower-case key is another tag"}], "i-1") == "i-1"
    assert name_from(None, "i-1") == "i-1"


# --- VPCs and subnets ------------------------------------------------------------------------------


def test_vpcs_become_vpc_nodes_with_arn_ids_names_tags_and_cidrs() -> None:
    rows = transform_vpcs(vpcs(), ACCOUNT, REGION)
    assert rows.edges == ()
    nodes = by_id(rows.nodes)
    assert list(nodes) == [PROD_VPC, DEFAULT_VPC]
    assert {n.label for n in rows.nodes} == {"VPC"}
    assert dict(nodes[PROD_VPC].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "prod-vpc",
        "tags": ("Name=prod-vpc", "cost-center=cc=42", "team=platform"),
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "cidr_block": "10.20.0.0/16",
        "cidr_blocks": ("10.20.0.0/16", "100.64.0.0/16"),
        "is_default": False,
        "state": "available",
        "instance_tenancy": "default",
    }
    default = nodes[DEFAULT_VPC].props
    assert (default["name"], default["tags"], default["is_default"]) == ("vpc-0d3f5a7c9e1b24680", (), True)
    assert default["cidr_blocks"] == ("172.31.0.0/16",)


def test_subnets_become_subnet_nodes_in_their_vpc() -> None:
    rows = transform_subnets(subnets(), ACCOUNT, REGION)
    nodes = by_id(rows.nodes)
    assert list(nodes) == [PUBLIC_A, DATA_B, DEFAULT_SUBNET]
    assert dict(nodes[PUBLIC_A].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "public-a",
        "tags": ("Name=public-a", "tier=public"),
        "subnet_id": "subnet-0aa11bb22cc33dd44",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "cidr_block": "10.20.1.0/24",
        "availability_zone": "us-west-2a",
        "map_public_ip_on_launch": True,
        "default_for_az": False,
        "available_ip_count": 249,
        "state": "available",
    }
    assert (nodes[DATA_B].props["name"], nodes[DATA_B].props["tags"]) == ("subnet-0ee55ff66aa77bb88", ("tier=data",))
    assert (nodes[DEFAULT_SUBNET].props["name"], nodes[DEFAULT_SUBNET].props["tags"]) == (
        "subnet-0c0ffee1234567890",
        (),
    )
    assert edge_set(rows.edges) == {
        ("IN_VPC", "Subnet", PUBLIC_A, "VPC", PROD_VPC),
        ("IN_VPC", "Subnet", DATA_B, "VPC", PROD_VPC),
        ("IN_VPC", "Subnet", DEFAULT_SUBNET, "VPC", DEFAULT_VPC),
    }


def test_subnet_without_subnet_arn_gets_the_same_computed_arn() -> None:
    raw = subnets()
    for s in raw:
        del s["SubnetArn"]
    assert [n.id for n in transform_subnets(raw, ACCOUNT, REGION).nodes] == [PUBLIC_A, DATA_B, DEFAULT_SUBNET]


# --- security groups and rules ---------------------------------------------------------------------


def test_security_groups_become_nodes_named_by_name_tag_else_group_name() -> None:
    rows = transform_security_groups(groups(), ACCOUNT, REGION)
    sg_nodes = [n for n in rows.nodes if n.label == "SecurityGroup"]
    assert [n.id for n in sg_nodes] == [WEB_SG, APP_SG, DB_SG, DEFAULT_SG]
    assert [n.props["name"] for n in sg_nodes] == ["web-sg", "app-sg", "db-sg", "default"]
    assert dict(sg_nodes[0].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-sg",
        "tags": ("Name=web-sg", "env=prod"),
        "group_id": "sg-0123456789abcdef0",
        "group_name": "prod-web",
        "description": "HTTPS from the internet",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
    }


def test_one_rule_node_per_peer_with_stable_ids() -> None:
    rows = transform_security_groups(groups(), ACCOUNT, REGION)
    rule_ids = [n.id for n in rows.nodes if n.label == "SecurityGroupRule"]
    assert len(rule_ids) == len(RULES)
    assert set(rule_ids) == RULES
    again = transform_security_groups(groups(), ACCOUNT, REGION)
    assert [n.id for n in again.nodes] == [n.id for n in rows.nodes]


def test_rule_ids_do_not_depend_on_the_order_the_api_lists_peers_and_permissions() -> None:
    shuffled = copy.deepcopy(groups())
    shuffled.reverse()
    for g in shuffled:
        for key in ("IpPermissions", "IpPermissionsEgress"):
            g[key].reverse()
            for perm in g[key]:
                for peers in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"):
                    perm[peers].reverse()
    rows = transform_security_groups(shuffled, ACCOUNT, REGION)
    assert {n.id for n in rows.nodes if n.label == "SecurityGroupRule"} == RULES


def test_rule_properties_for_cidr_ipv6_group_prefix_list_and_all_traffic_peers() -> None:
    nodes = by_id(transform_security_groups(groups(), ACCOUNT, REGION).nodes)
    base = {"account": ACCOUNT, "region": REGION}
    assert dict(nodes[f"{WEB_SG}/ingress/tcp/443-443/0.0.0.0/0"].props) == {
        **base,
        "group_id": "sg-0123456789abcdef0",
        "direction": "ingress",
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "cidr": "0.0.0.0/0",
        "rule_description": "public HTTPS",
    }
    assert dict(nodes[f"{WEB_SG}/ingress/tcp/443-443/::/0"].props) == {
        **base,
        "group_id": "sg-0123456789abcdef0",
        "direction": "ingress",
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "cidr": "::/0",
        "rule_description": "public HTTPS v6",
    }
    assert dict(nodes[f"{WEB_SG}/egress/-1/all/0.0.0.0/0"].props) == {
        **base,
        "group_id": "sg-0123456789abcdef0",
        "direction": "egress",
        "protocol": "-1",
        "from_port": None,
        "to_port": None,
        "cidr": "0.0.0.0/0",
        "rule_description": None,
    }
    assert dict(nodes[f"{APP_SG}/ingress/tcp/8080-8080/sg-0123456789abcdef0"].props) == {
        **base,
        "group_id": "sg-0a2b4c6d8e0f13579",
        "direction": "ingress",
        "protocol": "tcp",
        "from_port": 8080,
        "to_port": 8080,
        "peer_group_id": "sg-0123456789abcdef0",
        "rule_description": "from web",
    }
    assert dict(nodes[f"{APP_SG}/ingress/tcp/22-22/pl-0abc1234def567890"].props) == {
        **base,
        "group_id": "sg-0a2b4c6d8e0f13579",
        "direction": "ingress",
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "prefix_list_id": "pl-0abc1234def567890",
        "rule_description": "corporate VPN",
    }
    assert dict(nodes[f"{APP_SG}/ingress/icmp/8--1/10.20.0.0/16"].props) == {
        **base,
        "group_id": "sg-0a2b4c6d8e0f13579",
        "direction": "ingress",
        "protocol": "icmp",
        "from_port": 8,
        "to_port": -1,
        "cidr": "10.20.0.0/16",
        "rule_description": "ping from the VPC",
    }


def test_security_group_edges_in_vpc_has_rule_and_allows_from_with_the_right_ends() -> None:
    rows = transform_security_groups(groups(), ACCOUNT, REGION)
    edges = edge_set(rows.edges)
    assert {e for e in edges if e[0] == "IN_VPC"} == {
        ("IN_VPC", "SecurityGroup", WEB_SG, "VPC", PROD_VPC),
        ("IN_VPC", "SecurityGroup", APP_SG, "VPC", PROD_VPC),
        ("IN_VPC", "SecurityGroup", DB_SG, "VPC", PROD_VPC),
        ("IN_VPC", "SecurityGroup", DEFAULT_SG, "VPC", DEFAULT_VPC),
    }
    assert {e for e in edges if e[0] == "HAS_RULE"} == {
        ("HAS_RULE", "SecurityGroup", rule.split("/ingress/")[0].split("/egress/")[0], "SecurityGroupRule", rule)
        for rule in RULES
    }
    assert {e for e in edges if e[0] == "ALLOWS_FROM"} == {
        (
            "ALLOWS_FROM",
            "SecurityGroupRule",
            f"{APP_SG}/ingress/tcp/8080-8080/sg-0123456789abcdef0",
            "SecurityGroup",
            WEB_SG,
        ),
        (
            "ALLOWS_FROM",
            "SecurityGroupRule",
            f"{DB_SG}/ingress/tcp/5432-5432/sg-0a2b4c6d8e0f13579",
            "SecurityGroup",
            APP_SG,
        ),
        (
            "ALLOWS_FROM",
            "SecurityGroupRule",
            f"{DB_SG}/ingress/tcp/5432-5432/sg-0fedcba9876543210",
            "SecurityGroup",
            PEER_SG,
        ),  # the peer group lives in the peered account
        (
            "ALLOWS_FROM",
            "SecurityGroupRule",
            f"{DEFAULT_SG}/ingress/-1/all/sg-0b1d3f5a7c9e02468",
            "SecurityGroup",
            DEFAULT_SG,
        ),  # the default group admits its own members
    }
    assert len(edges) == 4 + len(RULES) + 4


def test_security_group_without_arn_in_the_payload_gets_the_arn_of_its_owner() -> None:
    raw = groups()
    for g in raw:
        del g["SecurityGroupArn"]
    ids = [n.id for n in transform_security_groups(raw, ACCOUNT, REGION).nodes if n.label == "SecurityGroup"]
    assert ids == [WEB_SG, APP_SG, DB_SG, DEFAULT_SG]


# --- instances -------------------------------------------------------------------------------------


def test_instances_become_nodes_with_state_placement_and_aware_launch_time() -> None:
    rows = transform_instances(instances(), ACCOUNT, REGION)
    nodes = by_id(rows.nodes)
    assert list(nodes) == [WEB_1, DB_1, BATCH]
    assert dict(nodes[WEB_1].props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-1",
        "tags": ("Name=web-1", "env=prod", "role=web"),
        "instance_id": "i-0abcdef1234567890",
        "instance_type": "t3.small",
        "state": "running",
        "image_id": "ami-0c55b159cbfafe1f0",
        "availability_zone": "us-west-2a",
        "private_ip": "10.20.1.17",
        "public_ip": "54.201.10.20",
        "private_dns": "ip-10-20-1-17.us-west-2.compute.internal",
        "public_dns": "ec2-54-201-10-20.us-west-2.compute.amazonaws.com",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "subnet_id": "subnet-0aa11bb22cc33dd44",
        "architecture": "x86_64",
        "platform": "Linux/UNIX",
        "key_name": "ops-2024",
        "iam_instance_profile_arn": "arn:aws:iam::111122223333:instance-profile/web-server",
        "launch_time": datetime(2024, 3, 14, 9, 26, 53, tzinfo=UTC),
        "monitoring": "enabled",
        "metadata_http_tokens": "required",
        "metadata_http_endpoint": "enabled",
    }
    batch = nodes[BATCH].props
    assert (batch["name"], batch["tags"], batch["state"]) == ("i-0123abcd4567ef890", ("owner=batch",), "stopped")
    assert (batch["public_ip"], batch["public_dns"], batch["key_name"]) == (None, None, None)
    assert batch["architecture"] == "arm64"
    launch_time = batch["launch_time"]
    assert isinstance(launch_time, datetime)
    assert launch_time.utcoffset() is not None


def test_instance_edges_in_subnet_and_member_of_every_security_group() -> None:
    rows = transform_instances(instances(), ACCOUNT, REGION)
    assert edge_set(rows.edges) == {
        ("IN_SUBNET", "EC2Instance", WEB_1, "Subnet", PUBLIC_A),
        ("IN_SUBNET", "EC2Instance", DB_1, "Subnet", DATA_B),
        ("IN_SUBNET", "EC2Instance", BATCH, "Subnet", DEFAULT_SUBNET),
        ("MEMBER_OF_SECURITY_GROUP", "EC2Instance", WEB_1, "SecurityGroup", WEB_SG),
        ("MEMBER_OF_SECURITY_GROUP", "EC2Instance", DB_1, "SecurityGroup", DB_SG),
        ("MEMBER_OF_SECURITY_GROUP", "EC2Instance", DB_1, "SecurityGroup", DEFAULT_SG),
        ("MEMBER_OF_SECURITY_GROUP", "EC2Instance", BATCH, "SecurityGroup", DEFAULT_SG),
    }


# --- the whole payload -----------------------------------------------------------------------------


def test_transform_ec2_emits_every_label_and_every_edge_end_except_foreign_peers_is_a_node() -> None:
    rows = transform_ec2(payload(), ACCOUNT, REGION)
    nodes = by_id(rows.nodes)
    assert {n.label for n in rows.nodes} == set(LABELS)
    counts = {label: sum(1 for n in rows.nodes if n.label == label) for label in LABELS}
    assert counts == {"VPC": 2, "Subnet": 3, "SecurityGroup": 4, "SecurityGroupRule": len(RULES), "EC2Instance": 3}
    dangling = {
        (e.target_label, e.target_id)
        for e in rows.edges
        if e.target_id not in nodes or nodes[e.target_id].label != e.target_label
    }
    assert dangling == {("SecurityGroup", PEER_SG)}
    assert all(nodes[e.source_id].label == e.source_label for e in rows.edges)
    for e in rows.edges:
        SCHEMA.relationship(e.type, e.source_label, e.target_label)  # raises if undeclared


def test_an_instance_in_a_subnet_shared_from_another_account_points_at_that_subnets_node() -> None:
    owner = "999988887777"
    raw_subnets = subnets()
    shared = raw_subnets[1]  # subnet-0ee55ff66aa77bb88, where db-1 runs
    shared["OwnerId"] = owner
    shared["SubnetArn"] = f"arn:aws:ec2:{REGION}:{owner}:subnet/{shared['SubnetId']}"
    rows = transform_ec2(Ec2Payload(vpcs(), raw_subnets, groups(), instances()), ACCOUNT, REGION)
    subnet_ids = {n.id for n in rows.nodes if n.label == "Subnet"}
    targets = {e.source_id: e.target_id for e in rows.edges if e.type == "IN_SUBNET"}
    assert targets[DB_1] == shared["SubnetArn"]
    assert set(targets.values()) <= subnet_ids


def test_ec2_labels_are_declared_in_the_schema() -> None:
    assert {SCHEMA.node(label).label for label in LABELS} == set(LABELS)


def test_ids_built_for_a_china_region_use_the_aws_cn_partition() -> None:
    raw_subnets, raw_groups = subnets(), groups()
    for s in raw_subnets:
        del s["SubnetArn"]
    for g in raw_groups:
        del g["SecurityGroupArn"]
    rows = transform_ec2(Ec2Payload(vpcs(), raw_subnets, raw_groups, instances()), ACCOUNT, "cn-north-1")
    ends = {i for e in rows.edges for i in (e.source_id, e.target_id)}
    assert {n.id.split(":")[1] for n in rows.nodes} == {"aws-cn"}
    assert {i.split(":")[1] for i in ends} == {"aws-cn"}
    assert f"arn:aws-cn:ec2:cn-north-1:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718" in {n.id for n in rows.nodes}


def test_every_transformed_row_passes_the_writers_schema_checks(offline_writer: OfflineWriter) -> None:
    rows = transform_ec2(payload(), ACCOUNT, REGION)
    written = offline_writer(rows)
    web_1 = next(r for r in written if r.get("id") == WEB_1)
    assert web_1["props"]["launch_time"] == datetime(2024, 3, 14, 9, 26, 53, tzinfo=UTC)
    assert web_1["props"]["tags"] == ["Name=web-1", "env=prod", "role=web"]
    assert web_1["props"]["kind"] == "EC2Instance"
    assert "public_ip" not in next(r for r in written if r.get("id") == BATCH)["props"]
