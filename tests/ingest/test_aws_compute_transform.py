"""Pure transforms of the AWS compute units, on recorded API payloads (tests/data/aws/compute).

The payloads are shaped like the real API answers, including what moto does not return (weighted
forwards, target health states other than healthy, Lambda targets, mixed instances policies, ECS
task ENI attachments, EKS cluster security groups and VPC ids) and malformed entries (nulls, empty
ids, unreadable dates) that must be kept with what is known, never crash the transform.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import NodeRow, Transformed
from graph.schema import SCHEMA, aws_compute
from ingest.providers.aws import compute
from ingest.providers.aws.compute_autoscaling import AutoScalingPayload, transform_autoscaling
from ingest.providers.aws.compute_common import timestamp
from ingest.providers.aws.compute_ecr import EcrPayload, transform_ecr
from ingest.providers.aws.compute_ecs import EcsPayload, TaskDefinition, _latest_per_family, transform_ecs
from ingest.providers.aws.compute_eks import EksPayload, transform_eks
from ingest.providers.aws.compute_elb import ElbPayload, transform_elb
from ingest.providers.aws.compute_lambda import FunctionUrl, LambdaPayload, transform_lambda

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "compute"
ACCOUNT, REGION = "123456789012", "us-east-1"
EC2 = f"arn:aws:ec2:{REGION}:{ACCOUNT}"
ELB = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}"
ALB = f"{ELB}:loadbalancer/app/web-alb/50dc6c495c0c9188"
NLB = f"{ELB}:loadbalancer/net/api-nlb/73e2d6bc24d8a067"
WEB_TG = f"{ELB}:targetgroup/web-tg/6d0ecf831eec9f09"
CANARY_TG = f"{ELB}:targetgroup/web-canary-tg/1e2f3a4b5c6d7e8f"
IP_TG = f"{ELB}:targetgroup/api-ip-tg/9a8b7c6d5e4f3a2b"
FN_TG = f"{ELB}:targetgroup/thumbs-fn-tg/2b3c4d5e6f7a8b9c"
CLASSIC = f"{ELB}:loadbalancer/legacy-web"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"
ECS = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
SUBNET_A, SUBNET_B = f"{EC2}:subnet/subnet-0123aaaa4567bbbb8", f"{EC2}:subnet/subnet-0987cccc6543dddd2"
VPC = f"{EC2}:vpc/vpc-0a1b2c3d4e5f60718"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def node(rows: Transformed, node_id: str) -> NodeRow:
    found = [n for n in rows.nodes if n.id == node_id]
    assert len(found) == 1, node_id
    return found[0]


def edges_from(rows: Transformed, source_id: str) -> set[tuple[str, str, str, str]]:
    """(type, target label, target id, props as JSON without the None values the writer drops)."""
    out = set()
    for e in rows.edges:
        if e.source_id == source_id:
            props = {k: v for k, v in (e.props or {}).items() if v is not None}
            out.add((e.type, e.target_label, e.target_id, json.dumps(props, sort_keys=True)))
    return out


def simple_edges(rows: Transformed, source_id: str) -> set[tuple[str, str]]:
    return {(e.type, e.target_id) for e in rows.edges if e.source_id == source_id}


def assert_fits_schema(rows: Transformed) -> None:
    """Every label, property, relationship and relationship property is declared (the writer would refuse)."""
    for row in rows.nodes:
        declared = {p.name for p in SCHEMA.properties_of(row.label)}
        assert set(row.props) <= declared, (row.label, set(row.props) - declared)
    for edge in rows.edges:
        rel = SCHEMA.relationship(edge.type, edge.source_label, edge.target_label)
        assert set(edge.props or {}) <= {p.name for p in rel.properties}, edge


# --- fixtures: each recorded payload as the unit's payload --------------------------------------------


@pytest.fixture
def elb() -> Transformed:
    v2, classic = load("elbv2"), load("classic_elb")
    tags = {d["ResourceArn"]: d["Tags"] for d in v2["TagDescriptions"]}
    classic_tags = {d["LoadBalancerName"]: d["Tags"] for d in classic["TagDescriptions"]}
    payload = ElbPayload(
        v2["LoadBalancers"],
        v2["Listeners"],
        v2["TargetGroups"],
        v2["TargetHealth"],
        tags,
        classic["LoadBalancerDescriptions"],
        classic_tags,
    )
    return transform_elb(payload, ACCOUNT, REGION)


@pytest.fixture
def autoscaling() -> Transformed:
    data = load("autoscaling")
    payload = AutoScalingPayload(data["AutoScalingGroups"], data["LaunchTemplates"], data["LatestVersions"])
    return transform_autoscaling(payload, ACCOUNT, REGION)


@pytest.fixture
def lambdas() -> Transformed:
    data = load("lambda")
    urls = {k: FunctionUrl(v["FunctionUrl"], v["AuthType"]) for k, v in data["Urls"].items()}
    return transform_lambda(
        LambdaPayload(data["Functions"], data["EventSourceMappings"], data["Tags"], urls), ACCOUNT, REGION
    )


@pytest.fixture
def ecs() -> Transformed:
    data = load("ecs")
    definitions = [TaskDefinition(d["taskDefinition"], d["tags"]) for d in data["taskDefinitions"]]
    return transform_ecs(EcsPayload(data["clusters"], data["services"], definitions, data["tasks"]), ACCOUNT, REGION)


@pytest.fixture
def eks() -> Transformed:
    data = load("eks")
    return transform_eks(EksPayload(data["clusters"], data["nodegroups"]), ACCOUNT, REGION)


@pytest.fixture
def ecr() -> Transformed:
    data = load("ecr")
    return transform_ecr(EcrPayload(data["repositories"], data["tags"]), ACCOUNT, REGION)


# --- load balancing ----------------------------------------------------------------------------------


def test_alb_node_carries_scheme_dns_type_placement_and_sorted_tags(elb: Transformed) -> None:
    assert dict(node(elb, ALB).props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-alb",
        "tags": ("env=prod", "team=web"),
        "load_balancer_name": "web-alb",
        "lb_type": "application",
        "scheme": "internet-facing",
        "dns_name": "web-alb-1234567890.us-east-1.elb.amazonaws.com",
        "state": "active",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "ip_address_type": "ipv4",
        "availability_zones": ("us-east-1a", "us-east-1b"),
        "subnet_ids": ("subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"),
        "security_group_ids": ("sg-0123456789abcdef0",),
        "canonical_hosted_zone_id": "Z35SXDOTRQ7X7K",
        "created_time": datetime(2024, 3, 1, 10, 15, 30, 120000, tzinfo=UTC),
        "elastic_ip_allocation_ids": None,
    }
    assert simple_edges(elb, ALB) == {
        ("IN_SUBNET", f"{EC2}:subnet/subnet-0aaa1111bbbb2222c"),
        ("IN_SUBNET", f"{EC2}:subnet/subnet-0ddd3333eeee4444f"),
        ("MEMBER_OF_SECURITY_GROUP", f"{EC2}:security-group/sg-0123456789abcdef0"),
        ("IN_VPC", VPC),
    }


def test_internal_nlb_is_named_by_its_name_tag_and_has_no_security_group(elb: Transformed) -> None:
    props = node(elb, NLB).props
    assert (props["name"], props["scheme"], props["lb_type"], props["security_group_ids"]) == (
        "internal-api",
        "internal",
        "network",
        None,
    )
    assert simple_edges(elb, NLB) == {("IN_SUBNET", SUBNET_A), ("IN_VPC", VPC)}


def test_load_balancer_with_null_fields_is_kept_without_edges(elb: Transformed) -> None:
    broken = f"{ELB}:loadbalancer/app/broken/0000000000000000"
    props = node(elb, broken).props
    assert (props["name"], props["lb_type"], props["state"], props["subnet_ids"]) == (
        "broken",
        "application",
        None,
        None,
    )
    assert simple_edges(elb, broken) == set()


def test_https_listener_forwards_to_both_weighted_target_groups(elb: Transformed) -> None:
    listener = f"{ELB}:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
    props = node(elb, listener).props
    assert dict(props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-alb HTTPS:443",
        "tags": (),
        "load_balancer_arn": ALB,
        "protocol": "HTTPS",
        "port": 443,
        "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificate_arns": ("arn:aws:acm:us-east-1:123456789012:certificate/3f2e1d0c-aaaa-bbbb-cccc-0123456789ab",),
        "default_action_types": ("forward",),
    }
    assert edges_from(elb, listener) == {
        ("PART_OF", "LoadBalancer", ALB, "{}"),
        ("FORWARDS_TO", "TargetGroup", WEB_TG, '{"weight": 90}'),
        ("FORWARDS_TO", "TargetGroup", CANARY_TG, '{"weight": 10}'),
    }


def test_redirect_listener_forwards_nowhere_and_single_group_forward_has_no_weight(elb: Transformed) -> None:
    redirect = f"{ELB}:listener/app/web-alb/50dc6c495c0c9188/0467ef3c8400ae65"
    assert node(elb, redirect).props["default_action_types"] == ("redirect",)
    assert simple_edges(elb, redirect) == {("PART_OF", ALB)}
    tcp = f"{ELB}:listener/net/api-nlb/73e2d6bc24d8a067/5f4e3d2c1b0a9988"
    assert edges_from(elb, tcp) == {("PART_OF", "LoadBalancer", NLB, "{}"), ("FORWARDS_TO", "TargetGroup", IP_TG, "{}")}


def test_instance_target_group_targets_each_instance_once_with_port_and_health(elb: Transformed) -> None:
    props = node(elb, WEB_TG).props
    assert (props["target_type"], props["protocol"], props["port"], props["health_check_path"]) == (
        "instance",
        "HTTP",
        8080,
        "/health",
    )
    assert props["load_balancer_arns"] == (ALB,)
    # i-0ee55ff66aa77bb88 is registered twice (ports 8080 and 9090): one edge, the first registration's
    assert edges_from(elb, WEB_TG) == {
        ("IN_VPC", "VPC", VPC, "{}"),
        ("TARGETS", "EC2Instance", f"{EC2}:instance/i-0aa11bb22cc33dd44", '{"health_state": "healthy", "port": 8080}'),
        (
            "TARGETS",
            "EC2Instance",
            f"{EC2}:instance/i-0ee55ff66aa77bb88",
            '{"health_state": "unhealthy", "port": 8080}',
        ),
    }


def test_ip_target_group_lists_its_targets_as_a_property_and_targets_no_node(elb: Transformed) -> None:
    assert node(elb, IP_TG).props["ip_targets"] == ("10.0.20.15:8443", "10.0.21.16:8443")
    assert simple_edges(elb, IP_TG) == {("IN_VPC", VPC)}


def test_lambda_target_group_targets_the_unqualified_function(elb: Transformed) -> None:
    props = node(elb, FN_TG).props
    assert (props["target_type"], props["vpc_id"], props["protocol"], props["load_balancer_arns"]) == (
        "lambda",
        None,
        None,
        None,
    )
    assert edges_from(elb, FN_TG) == {("TARGETS", "LambdaFunction", f"{FN}:thumbs", '{"health_state": "unavailable"}')}


def test_classic_elb_gets_a_built_arn_listeners_and_registered_instances(elb: Transformed) -> None:
    props = node(elb, CLASSIC).props
    assert (props["name"], props["tags"], props["lb_type"], props["scheme"], props["vpc_id"]) == (
        "legacy web",
        ("Name=legacy web", "cost-center="),
        "classic",
        "internet-facing",
        "vpc-0a1b2c3d4e5f60718",
    )
    assert props["created_time"] == datetime(2019, 6, 12, 9, 30, 0, 500000, tzinfo=UTC)
    assert simple_edges(elb, CLASSIC) == {
        ("IN_SUBNET", f"{EC2}:subnet/subnet-0aaa1111bbbb2222c"),
        ("IN_SUBNET", f"{EC2}:subnet/subnet-0ddd3333eeee4444f"),
        ("MEMBER_OF_SECURITY_GROUP", f"{EC2}:security-group/sg-0fedcba9876543210"),
        ("IN_VPC", VPC),
        ("TARGETS", f"{EC2}:instance/i-0aa11bb22cc33dd44"),  # the entry with an empty id is dropped
    }
    https = node(elb, f"{CLASSIC}/listener/443").props
    assert (https["name"], https["protocol"], https["instance_protocol"], https["instance_port"]) == (
        "legacy-web HTTPS:443",
        "HTTPS",
        "HTTP",
        8080,
    )
    assert https["certificate_arns"] == ("arn:aws:iam::123456789012:server-certificate/legacy-web",)
    assert simple_edges(elb, f"{CLASSIC}/listener/22") == {("PART_OF", CLASSIC)}
    assert len([n for n in elb.nodes if n.id.startswith(f"{CLASSIC}/listener/")]) == 2  # the null listener is skipped


def test_elb_counts(elb: Transformed) -> None:
    labels = sorted(n.label for n in elb.nodes)
    assert labels == ["Listener"] * 5 + ["LoadBalancer"] * 4 + ["TargetGroup"] * 3
    assert_fits_schema(elb)


# --- auto scaling ----------------------------------------------------------------------------------


AS = f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup"
ASG = f"{AS}:8c2d7a55-4b3e-4d1e-9f0a-1b2c3d4e5f60:autoScalingGroupName/web-asg"
SPOT = f"{AS}:1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b:autoScalingGroupName/batch-spot"


def test_asg_has_sizes_subnets_template_version_target_groups_and_members(autoscaling: Transformed) -> None:
    props = node(autoscaling, ASG).props
    assert (props["name"], props["auto_scaling_group_name"], props["tags"]) == (
        "web fleet",
        "web-asg",
        ("Name=web fleet", "env=prod"),
    )
    assert (props["min_size"], props["max_size"], props["desired_capacity"], props["health_check_type"]) == (
        2,
        10,
        3,
        "ELB",
    )
    assert props["subnet_ids"] == ("subnet-0123aaaa4567bbbb8", "subnet-0987cccc6543dddd2")
    assert (props["launch_template_id"], props["launch_template_version"]) == ("lt-0abc123def4567890", "$Latest")
    assert edges_from(autoscaling, ASG) == {
        ("IN_SUBNET", "Subnet", SUBNET_A, "{}"),
        ("IN_SUBNET", "Subnet", SUBNET_B, "{}"),
        (
            "USES_LAUNCH_TEMPLATE",
            "LaunchTemplate",
            f"{EC2}:launch-template/lt-0abc123def4567890",
            '{"version": "$Latest"}',
        ),
        ("ATTACHED_TO", "TargetGroup", WEB_TG, "{}"),
        ("ATTACHED_TO", "LoadBalancer", CLASSIC, "{}"),
        (
            "MANAGES",
            "EC2Instance",
            f"{EC2}:instance/i-0aa11bb22cc33dd44",
            '{"health_status": "Healthy", "lifecycle_state": "InService"}',
        ),
        (
            "MANAGES",
            "EC2Instance",
            f"{EC2}:instance/i-0ee55ff66aa77bb88",
            '{"health_status": "Unhealthy", "lifecycle_state": "Terminating"}',
        ),
    }


def test_mixed_instances_asg_finds_its_template_by_name(autoscaling: Transformed) -> None:
    props = node(autoscaling, SPOT).props
    assert (props["launch_template_id"], props["launch_template_version"], props["subnet_ids"]) == (
        "lt-0fff000eee111ddd2",
        "$Default",
        None,
    )
    assert edges_from(autoscaling, SPOT) == {
        (
            "USES_LAUNCH_TEMPLATE",
            "LaunchTemplate",
            f"{EC2}:launch-template/lt-0fff000eee111ddd2",
            '{"version": "$Default"}',
        )
    }


def test_launch_template_describes_its_latest_version_without_user_data(autoscaling: Transformed) -> None:
    template = f"{EC2}:launch-template/lt-0abc123def4567890"
    assert dict(node(autoscaling, template).props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web-lt",
        "tags": ("team=web",),
        "launch_template_id": "lt-0abc123def4567890",
        "launch_template_name": "web-lt",
        "latest_version": 3,
        "default_version": 2,
        "instance_type": "t3.medium",
        "image_id": "ami-0b5eea76982371e91",
        "security_group_ids": ("sg-0123456789abcdef0", "sg-0a0a0a0a0a0a0a0a0"),
        "key_name": "ops",
        "iam_instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/web-profile",
        "subnet_ids": None,
        "metadata_http_tokens": None,
        "created_time": datetime(2024, 2, 20, 13, 59, 2, tzinfo=UTC),
    }
    assert simple_edges(autoscaling, template) == {
        ("USES_SECURITY_GROUP", f"{EC2}:security-group/sg-0123456789abcdef0"),
        ("USES_SECURITY_GROUP", f"{EC2}:security-group/sg-0a0a0a0a0a0a0a0a0"),
    }
    batch = node(autoscaling, f"{EC2}:launch-template/lt-0fff000eee111ddd2").props
    assert (batch["latest_version"], batch["instance_type"], batch["security_group_ids"]) == (1, None, None)
    assert_fits_schema(autoscaling)


# --- lambda -----------------------------------------------------------------------------------------


def test_function_has_runtime_role_vpc_placement_and_only_variable_names(lambdas: Transformed) -> None:
    assert dict(node(lambdas, f"{FN}:order-worker").props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "order-worker",
        "tags": ("env=prod", "team=orders"),
        "function_name": "order-worker",
        "runtime": "python3.12",
        "handler": "app.handler",
        "package_type": "Zip",
        "memory_size": 512,
        "timeout": 30,
        "role_arn": "arn:aws:iam::123456789012:role/order-worker-role",
        "architectures": ("arm64",),
        "state": "Active",
        "last_modified": datetime(2024, 3, 4, 16, 20, 12, 345000, tzinfo=UTC),
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "subnet_ids": ("subnet-0123aaaa4567bbbb8", "subnet-0987cccc6543dddd2"),
        "security_group_ids": ("sg-0b1b2b3b4b5b6b7b8",),
        "environment_variable_names": ("DB_PASSWORD", "QUEUE_URL"),
        "config_references": ("QUEUE_URL=arn:aws:sqs:us-east-1:123456789012:orders",),  # the URL resolved, not kept
        "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "layer_arns": ("arn:aws:lambda:us-east-1:123456789012:layer:common-libs:7",),
        "function_url": None,
        "function_url_auth_type": None,
        "description": "Processes orders from the queue",
    }
    assert simple_edges(lambdas, f"{FN}:order-worker") == {
        ("IN_SUBNET", SUBNET_A),
        ("IN_SUBNET", SUBNET_B),
        ("MEMBER_OF_SECURITY_GROUP", f"{EC2}:security-group/sg-0b1b2b3b4b5b6b7b8"),
    }


def test_no_environment_variable_value_reaches_any_row(lambdas: Transformed) -> None:
    assert "hunter2-do-not-copy" in (DATA / "lambda.json").read_text()
    assert "hunter2-do-not-copy" not in repr(lambdas)
    assert "https://sqs.us-east-1.amazonaws.com/123456789012/orders" not in repr(lambdas)


def test_public_function_url_and_image_function_outside_a_vpc(lambdas: Transformed) -> None:
    props = node(lambdas, f"{FN}:thumbs").props
    assert (props["function_url_auth_type"], props["function_url"]) == (
        "NONE",
        "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/",
    )
    assert (props["package_type"], props["runtime"], props["vpc_id"], props["subnet_ids"], props["tags"]) == (
        "Image",
        None,
        None,
        None,
        (),
    )
    assert simple_edges(lambdas, f"{FN}:thumbs") == set()


def test_function_with_nulls_and_an_unreadable_date_is_kept(lambdas: Transformed) -> None:
    props = node(lambdas, f"{FN}:half-written").props
    assert (props["name"], props["runtime"], props["last_modified"], props["environment_variable_names"]) == (
        "half-written",
        None,
        None,
        None,
    )


def test_event_source_mappings_invoke_their_unqualified_function(lambdas: Transformed) -> None:
    sqs = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
    props = node(lambdas, sqs).props
    assert (props["name"], props["event_source_arn"], props["state"], props["batch_size"]) == (
        "a1b2c3d4-5678-90ab-cdef-11111EXAMPLE",
        "arn:aws:sqs:us-east-1:123456789012:orders",
        "Enabled",
        10,
    )
    assert (props["maximum_batching_window"], props["last_modified"]) == (
        5,
        datetime(2024, 3, 4, 16, 20, 12, tzinfo=UTC),
    )
    assert simple_edges(lambdas, sqs) == {("INVOKES", f"{FN}:order-worker")}
    # no EventSourceMappingArn in the answer: the ARN is built from the UUID
    kinesis = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:b2c3d4e5-6789-01ab-cdef-22222EXAMPLE"
    assert node(lambdas, kinesis).props["starting_position"] == "LATEST"
    assert simple_edges(lambdas, kinesis) == {("INVOKES", f"{FN}:thumbs")}
    assert_fits_schema(lambdas)


# --- ecs ---------------------------------------------------------------------------------------------


def test_ecs_cluster_counts_and_capacity_providers(ecs: Transformed) -> None:
    props = node(ecs, f"{ECS}:cluster/web-cluster").props
    assert (props["name"], props["tags"], props["running_tasks_count"], props["active_services_count"]) == (
        "web-cluster",
        ("env=prod",),
        2,
        1,
    )
    assert props["capacity_providers"] == ("FARGATE", "FARGATE_SPOT")


def test_fargate_service_edges_to_cluster_task_definition_load_balancers_and_network(ecs: Transformed) -> None:
    service = f"{ECS}:service/web-cluster/web-svc"
    props = node(ecs, service).props
    assert (props["launch_type"], props["desired_count"], props["assign_public_ip"], props["tags"]) == (
        "FARGATE",
        2,
        "DISABLED",
        ("team=web",),
    )
    container = '{"container_name": "web", "container_port": 8080}'
    assert edges_from(ecs, service) == {
        ("IN_CLUSTER", "ECSCluster", f"{ECS}:cluster/web-cluster", "{}"),
        ("USES_TASK_DEFINITION", "ECSTaskDefinition", f"{ECS}:task-definition/web:42", "{}"),
        ("ATTACHED_TO", "TargetGroup", WEB_TG, container),
        ("ATTACHED_TO", "LoadBalancer", CLASSIC, container),
        ("IN_SUBNET", "Subnet", SUBNET_A, "{}"),
        ("IN_SUBNET", "Subnet", SUBNET_B, "{}"),
        ("MEMBER_OF_SECURITY_GROUP", "SecurityGroup", f"{EC2}:security-group/sg-0a0a0a0a0a0a0a0a0", "{}"),
    }


def test_service_with_nulls_keeps_only_its_cluster_edge(ecs: Transformed) -> None:
    service = f"{ECS}:service/web-cluster/daemon"
    props = node(ecs, service).props
    assert (props["status"], props["launch_type"], props["task_definition_arn"]) == ("DRAINING", None, None)
    assert simple_edges(ecs, service) == {("IN_CLUSTER", f"{ECS}:cluster/web-cluster")}


def test_task_definition_lists_images_and_roles_but_no_environment_values(ecs: Transformed) -> None:
    props = node(ecs, f"{ECS}:task-definition/web:42").props
    assert dict(props) == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "web:42",
        "tags": ("app=web",),
        "family": "web",
        "revision": 42,
        "status": "ACTIVE",
        "task_role_arn": "arn:aws:iam::123456789012:role/web-task-role",
        "execution_role_arn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "network_mode": "awsvpc",
        "requires_compatibilities": ("FARGATE",),
        "cpu": "512",
        "memory": "1024",
        "container_names": ("web", "log-router"),
        "container_images": (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2",
            "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
        ),
        "container_ports": ("8080",),
        # an injected secret's source ARN names the secret (an identifier, not its value)
        "config_references": ("API_KEY=arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key-AbCdEf",),
    }
    assert "never-copied" not in repr(ecs)


def test_task_is_placed_in_its_eni_subnet(ecs: Transformed) -> None:
    task = f"{ECS}:task/web-cluster/4f5e6d7c8b9a4c3d2e1f0a9b8c7d6e5f"
    props = node(ecs, task).props
    assert (props["name"], props["last_status"], props["private_ip"], props["group"], props["started_at"]) == (
        "4f5e6d7c8b9a4c3d2e1f0a9b8c7d6e5f",
        "RUNNING",
        "10.0.10.31",
        "service:web-svc",
        datetime(2024, 3, 1, 9, 2, 10, 500000, tzinfo=UTC),
    )
    assert simple_edges(ecs, task) == {
        ("IN_CLUSTER", f"{ECS}:cluster/web-cluster"),
        ("USES_TASK_DEFINITION", f"{ECS}:task-definition/web:42"),
        ("IN_SUBNET", SUBNET_A),
    }
    provisioning = f"{ECS}:task/web-cluster/0badc0de0badc0de0badc0de0badc0d"
    assert simple_edges(ecs, provisioning) == {("IN_CLUSTER", f"{ECS}:cluster/web-cluster")}
    assert_fits_schema(ecs)


def test_latest_revision_per_family_is_chosen_numerically() -> None:
    arns = [f"{ECS}:task-definition/web:9", f"{ECS}:task-definition/web:10", f"{ECS}:task-definition/worker:3"]
    assert sorted(_latest_per_family(arns)) == [f"{ECS}:task-definition/web:10", f"{ECS}:task-definition/worker:3"]


# --- eks and ecr --------------------------------------------------------------------------------------


def test_eks_cluster_exposure_role_and_placement(eks: Transformed) -> None:
    cluster = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/web-eks"
    props = node(eks, cluster).props
    assert (props["version"], props["endpoint_public_access"], props["endpoint_private_access"]) == (
        "1.29",
        True,
        False,
    )
    assert (props["public_access_cidrs"], props["role_arn"], props["cluster_security_group_id"]) == (
        ("0.0.0.0/0",),
        "arn:aws:iam::123456789012:role/eks-cluster-role",
        "sg-0e0e0e0e0e0e0e0e0",
    )
    assert simple_edges(eks, cluster) == {
        ("IN_SUBNET", SUBNET_A),
        ("IN_SUBNET", SUBNET_B),
        ("MEMBER_OF_SECURITY_GROUP", f"{EC2}:security-group/sg-0c0c0c0c0c0c0c0c0"),
        ("MEMBER_OF_SECURITY_GROUP", f"{EC2}:security-group/sg-0e0e0e0e0e0e0e0e0"),
        ("IN_VPC", VPC),
    }
    creating = node(eks, f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/creating").props
    assert (creating["status"], creating["endpoint_public_access"]) == ("CREATING", None)


def test_eks_node_group_scaling_and_cluster(eks: Transformed) -> None:
    group = f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/web-eks/web-nodes/4ac6b1a2-3c4d-5e6f-7a8b-9c0d1e2f3a4b"
    props = node(eks, group).props
    assert (props["min_size"], props["max_size"], props["desired_size"], props["capacity_type"]) == (2, 6, 3, "SPOT")
    assert props["instance_types"] == ("m6i.large", "m5.large")
    assert props["auto_scaling_group_names"] == ("eks-web-nodes-4ac6b1a2-3c4d-5e6f-7a8b-9c0d1e2f3a4b",)
    assert simple_edges(eks, group) == {
        ("IN_CLUSTER", f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/web-eks"),
        ("IN_SUBNET", SUBNET_A),
        ("IN_SUBNET", SUBNET_B),
    }
    assert_fits_schema(eks)


def test_ecr_repositories_with_kms_and_with_a_null_scanning_configuration(ecr: Transformed) -> None:
    web = node(ecr, f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/web").props
    assert (web["scan_on_push"], web["image_tag_mutability"], web["encryption_type"], web["tags"]) == (
        True,
        "IMMUTABLE",
        "KMS",
        ("team=web",),
    )
    assert web["kms_key_arn"] == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    tools = node(ecr, f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/tools").props
    assert (tools["name"], tools["scan_on_push"], tools["encryption_type"], tools["kms_key_arn"]) == (
        "team/tools",
        None,
        "AES256",
        None,
    )
    assert ecr.edges == ()
    assert_fits_schema(ecr)


# --- shared ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-04T16:20:12.345+0000", datetime(2024, 3, 4, 16, 20, 12, 345000, tzinfo=UTC)),
        ("2026-11-27T04:26:59.646391000Z", datetime(2026, 11, 27, 4, 26, 59, 646391, tzinfo=UTC)),
        ("2024-01-10T08:05:00Z", datetime(2024, 1, 10, 8, 5, tzinfo=UTC)),
        (1709569212, datetime(2024, 3, 4, 16, 20, 12, tzinfo=UTC)),
        (datetime(2024, 1, 1), datetime(2024, 1, 1, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
        (True, None),
    ],
)
def test_timestamp_reads_the_forms_aws_apis_use(raw: object, expected: datetime | None) -> None:
    assert timestamp(raw) == expected


def test_compute_exports_every_unit_in_dependency_order() -> None:
    assert [u.service for u in compute.UNITS] == ["lambda", "elb", "autoscaling", "ecs", "eks", "ecr"]
    owned = [label for u in compute.UNITS for label in u.labels]
    assert sorted(owned) == sorted(aws_compute.NODES[i].label for i in range(len(aws_compute.NODES)))
    assert len(owned) == len(set(owned)) == 14


def test_odd_shapes_keep_the_resource_with_what_is_known() -> None:
    """Lists holding non-objects, null tags and ports, a target group whose health answer is garbage."""
    tg_arn = f"{ELB}:targetgroup/odd/1"
    elb = transform_elb(
        ElbPayload(
            target_groups=[{"TargetGroupArn": tg_arn, "TargetType": "ip", "LoadBalancerArns": [None, 7]}],
            target_health={tg_arn: [{"Target": {"Id": "10.1.1.1", "Port": None}}, {"Target": None}, "junk"]},
            tags={tg_arn: [None, {"Key": "a", "Value": None}, {"Value": "no key"}]},
        ),
        ACCOUNT,
        REGION,
    )
    props = node(elb, tg_arn).props
    assert (props["name"], props["ip_targets"], props["tags"], props["load_balancer_arns"]) == (
        tg_arn,
        ("10.1.1.1",),
        ("a=",),
        None,
    )
    ecs = transform_ecs(
        EcsPayload(task_definitions=[TaskDefinition({"taskDefinitionArn": f"{ECS}:task-definition/x:1"}, None)]),  # type: ignore[arg-type]
        ACCOUNT,
        REGION,
    )
    assert node(ecs, f"{ECS}:task-definition/x:1").props["name"] == "x:1"
    asg = transform_autoscaling(
        AutoScalingPayload(
            groups=[
                {
                    "AutoScalingGroupName": "g",
                    "AutoScalingGroupARN": f"{AS}:u:g",
                    "Tags": None,
                    "Instances": [None, {"InstanceId": None}],
                }
            ]
        ),
        ACCOUNT,
        REGION,
    )
    assert (node(asg, f"{AS}:u:g").props["tags"], asg.edges) == ((), ())
