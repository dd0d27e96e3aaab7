"""Compute discovery end to end: the seeded web tier in moto, read by every registered unit through the
real AWS APIs, into the real Neo4j.

Expected numbers are derived from what the APIs themselves return, never hard-coded. Discovery runs
with the default parallel pool: every unit writes its nodes before any unit writes edges, so edges to
nodes other units own (instances, subnets, target groups) are never skipped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import neo4j.time
import pytest

from core.settings import Settings, load_settings
from devclouds.moto_server import MotoServer
from devclouds.seed_aws_compute import seed
from graph.neo4j.client import Graph
from graph.rows import HASH_PROPERTIES
from graph.schema.references import REFERENCES
from ingest.providers.aws import compute
from tests.conftest import point_boto3_at
from tests.discovery import Discovery, discover_job

REGION = "us-east-1"
ACCOUNT = "123456789012"
AMIS = Path(__file__).resolve().parent.parent / "data" / "aws" / "moto_amis.json"
STAMPS = frozenset({"last_seen", "last_sync"}) | HASH_PROPERTIES  # bookkeeping, not the resource
OWNED = tuple(label for unit in compute.UNITS for label in unit.labels)
SERVICES = tuple(unit.service for unit in compute.UNITS)


def ec2_arn(resource: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{resource}"


@pytest.fixture
def tier(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("MOTO_AMIS_PATH", str(AMIS))  # one AMI instead of moto's catalogue: fast resets
    return seed(moto.url, REGION)


@dataclass(frozen=True)
class Seeded:
    graph: Graph
    moto: MotoServer
    tier: dict[str, str]


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer, session_graph: Graph) -> Seeded:
    """The web tier seeded and discovered once, for the tests that only read it (the last two change the
    tier: they seed and discover their own)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MOTO_AMIS_PATH", str(AMIS))
        point_boto3_at(env, moto_server)
        moto_server.reset()
        session_graph.wipe()
        tier = seed(moto_server.url, REGION)
        discover(load_settings(), session_graph)
    return Seeded(session_graph, moto_server, tier)


def aws(moto: MotoServer, service: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name=REGION,
        endpoint_url=moto.url,
        aws_access_key_id="testing",  # explicit: the module's shared tier is read outside the moto fixture
        aws_secret_access_key="testing",
    )


def discover(settings: Settings, graph: Graph) -> Discovery:
    report = discover_job(settings, graph, regions=(REGION,))
    assert report.account == ACCOUNT
    mine = [u for u in report.units if u.service in SERVICES]
    assert sorted(u.service for u in mine) == sorted(SERVICES)
    assert [w for w in report.warnings if w.split(" ")[0] in SERVICES] == []
    assert [(u.service, u.counts.skipped_edges) for u in mine if u.counts.skipped_edges] == []
    return report


# --- what the APIs say ---------------------------------------------------------------------------------


def api_counts(moto: MotoServer) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Nodes per owned label and edges per (source label, type), counted from the APIs' own answers."""
    nodes: Counter[str] = Counter({label: 0 for label in OWNED})
    edges: Counter[tuple[str, str]] = Counter()
    elbv2, elb = aws(moto, "elbv2"), aws(moto, "elb")
    lbs = elbv2.describe_load_balancers()["LoadBalancers"]
    classic = elb.describe_load_balancers()["LoadBalancerDescriptions"]
    nodes["LoadBalancer"] = len(lbs) + len(classic)
    for lb in lbs:
        edges["LoadBalancer", "IN_SUBNET"] += len(lb["AvailabilityZones"])
        edges["LoadBalancer", "MEMBER_OF_SECURITY_GROUP"] += len(lb.get("SecurityGroups", []))
        edges["LoadBalancer", "IN_VPC"] += 1
        for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
            nodes["Listener"] += 1
            edges["Listener", "PART_OF"] += 1
            edges["Listener", "FORWARDS_TO"] += sum(1 for a in listener["DefaultActions"] if a["Type"] == "forward")
    for lb in classic:
        nodes["Listener"] += len(lb["ListenerDescriptions"])
        edges["Listener", "PART_OF"] += len(lb["ListenerDescriptions"])
        edges["LoadBalancer", "IN_SUBNET"] += len(lb["Subnets"])
        edges["LoadBalancer", "MEMBER_OF_SECURITY_GROUP"] += len(lb["SecurityGroups"])
        edges["LoadBalancer", "IN_VPC"] += 1
        edges["LoadBalancer", "TARGETS"] += len(lb["Instances"])
    for tg in elbv2.describe_target_groups()["TargetGroups"]:
        nodes["TargetGroup"] += 1
        edges["TargetGroup", "IN_VPC"] += 1
        health = elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
        if tg["TargetType"] == "instance":
            edges["TargetGroup", "TARGETS"] += len({d["Target"]["Id"] for d in health})
    for group in aws(moto, "autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]:
        nodes["AutoScalingGroup"] += 1
        edges["AutoScalingGroup", "IN_SUBNET"] += len(group["VPCZoneIdentifier"].split(","))
        edges["AutoScalingGroup", "USES_LAUNCH_TEMPLATE"] += 1
        edges["AutoScalingGroup", "ATTACHED_TO"] += len(group["TargetGroupARNs"]) + len(group["LoadBalancerNames"])
        edges["AutoScalingGroup", "MANAGES"] += len(group["Instances"])
    ec2 = aws(moto, "ec2")
    for template in ec2.describe_launch_templates()["LaunchTemplates"]:
        nodes["LaunchTemplate"] += 1
        latest = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"]
        )["LaunchTemplateVersions"][0]
        edges["LaunchTemplate", "USES_SECURITY_GROUP"] += len(latest["LaunchTemplateData"]["SecurityGroupIds"])
    lam = aws(moto, "lambda")
    for function in lam.list_functions()["Functions"]:
        nodes["LambdaFunction"] += 1
        edges["LambdaFunction", "IN_SUBNET"] += len(function["VpcConfig"]["SubnetIds"])
        edges["LambdaFunction", "MEMBER_OF_SECURITY_GROUP"] += len(function["VpcConfig"]["SecurityGroupIds"])
    mappings = lam.list_event_source_mappings()["EventSourceMappings"]
    nodes["LambdaEventSourceMapping"] = len(mappings)
    edges["LambdaEventSourceMapping", "INVOKES"] = len(mappings)
    ecs = aws(moto, "ecs")
    clusters = ecs.list_clusters()["clusterArns"]
    nodes["ECSCluster"] = len(clusters)
    for cluster in clusters:
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        for service in ecs.describe_services(cluster=cluster, services=arns)["services"]:
            nodes["ECSService"] += 1
            vpc = service["networkConfiguration"]["awsvpcConfiguration"]
            edges["ECSService", "IN_CLUSTER"] += 1
            edges["ECSService", "USES_TASK_DEFINITION"] += 1
            edges["ECSService", "ATTACHED_TO"] += len(service["loadBalancers"])
            edges["ECSService", "IN_SUBNET"] += len(vpc["subnets"])
            edges["ECSService", "MEMBER_OF_SECURITY_GROUP"] += len(vpc["securityGroups"])
        nodes["ECSTask"] += len(ecs.list_tasks(cluster=cluster)["taskArns"])
    families = {a.rsplit(":", 1)[0] for a in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]}
    nodes["ECSTaskDefinition"] = len(families)  # the seed's service runs the latest (only) revision
    eks = aws(moto, "eks")
    for name in eks.list_clusters()["clusters"]:
        cluster = eks.describe_cluster(name=name)["cluster"]
        config = cluster["resourcesVpcConfig"]
        nodes["EKSCluster"] += 1
        edges["EKSCluster", "IN_SUBNET"] += len(config["subnetIds"])
        groups = {
            *config["securityGroupIds"],
            *([config["clusterSecurityGroupId"]] if "clusterSecurityGroupId" in config else []),
        }
        edges["EKSCluster", "MEMBER_OF_SECURITY_GROUP"] += len(groups)
        edges["EKSCluster", "IN_VPC"] += 1 if config.get("vpcId") else 0
        for group in eks.list_nodegroups(clusterName=name)["nodegroups"]:
            nodegroup = eks.describe_nodegroup(clusterName=name, nodegroupName=group)["nodegroup"]
            nodes["EKSNodeGroup"] += 1
            edges["EKSNodeGroup", "IN_CLUSTER"] += 1
            edges["EKSNodeGroup", "IN_SUBNET"] += len(nodegroup["subnets"])
    nodes["ECRRepository"] = len(aws(moto, "ecr").describe_repositories()["repositories"])
    return nodes, +edges


REFERENCE_PAIRS = [[ref.rel.source, ref.rel.type] for ref in REFERENCES]


def graph_counts(graph: Graph) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    nodes = Counter({label: 0 for label in OWNED})
    for r in graph.read("MATCH (n) WHERE n.kind IN $labels RETURN n.kind AS label, count(*) AS c", {"labels": OWNED}):
        nodes[r["label"]] = r["c"]
    edges: Counter[tuple[str, str]] = Counter()
    for r in graph.read(
        "MATCH (a)-[r]->() WHERE a.kind IN $labels AND NOT [a.kind, type(r)] IN $refs "
        "RETURN a.kind AS source, type(r) AS t, count(*) AS c",
        {"labels": OWNED, "refs": REFERENCE_PAIRS},  # cross-service references are checked in tests/graph
    ):
        edges[r["source"], r["t"]] = r["c"]
    return nodes, edges


def props_of(graph: Graph, label: str, node_id: str) -> dict[str, Any]:
    rows = graph.read(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p", {"id": node_id})
    assert len(rows) == 1, node_id
    return {k: _native(v) for k, v in rows[0]["p"].items() if k not in {"first_seen", *STAMPS}}


def out_edges(graph: Graph, node_id: str, type_: str) -> dict[str, dict[str, Any]]:
    rows = graph.read(f"MATCH ({{id: $id}})-[r:{type_}]->(b) RETURN b.id AS b, properties(r) AS p", {"id": node_id})
    return {r["b"]: {k: v for k, v in r["p"].items() if k not in {"first_seen", *STAMPS}} for r in rows}


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


# --- tests -----------------------------------------------------------------------------------------------


def test_counts_per_label_and_edge_type_match_what_the_apis_return(seeded: Seeded) -> None:
    graph, moto = seeded.graph, seeded.moto
    expected_nodes, expected_edges = api_counts(moto)
    got_nodes, got_edges = graph_counts(graph)
    assert got_nodes == expected_nodes
    assert got_edges == expected_edges
    # the seed is in there: the derived numbers are not trivially zero
    assert min(expected_nodes[label] for label in OWNED if label != "ECSTask") >= 1
    assert expected_edges["TargetGroup", "TARGETS"] >= 2


def test_alb_is_internet_facing_in_the_public_subnets_and_forwards_https_to_the_web_target_group(
    seeded: Seeded,
) -> None:
    graph, tier = seeded.graph, seeded.tier
    alb = props_of(graph, "LoadBalancer", tier["alb"])
    assert (alb["name"], alb["lb_type"], alb["scheme"], alb["dns_name"], alb["vpc_id"]) == (
        "web-alb",
        "application",
        "internet-facing",
        tier["alb:dns"],
        tier["vpc"],
    )
    assert alb["tags"] == ["env=prod", "team=web"]
    assert set(out_edges(graph, tier["alb"], "IN_SUBNET")) == {
        ec2_arn(f"subnet/{tier['subnet:public-a']}"),
        ec2_arn(f"subnet/{tier['subnet:public-b']}"),
    }
    assert set(out_edges(graph, tier["alb"], "MEMBER_OF_SECURITY_GROUP")) == {
        ec2_arn(f"security-group/{tier['sg:alb-sg']}")
    }
    https = props_of(graph, "Listener", tier["listener:https"])
    assert (https["protocol"], https["port"], https["ssl_policy"], https["certificate_arns"]) == (
        "HTTPS",
        443,
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        [tier["certificate"]],
    )
    assert out_edges(graph, tier["listener:https"], "FORWARDS_TO") == {tier["tg"]: {}}
    assert out_edges(graph, tier["listener:http"], "FORWARDS_TO") == {}
    assert set(out_edges(graph, tier["listener:http"], "PART_OF")) == {tier["alb"]}


def test_target_group_targets_the_registered_instances_with_port_and_health(seeded: Seeded) -> None:
    graph, moto, tier = seeded.graph, seeded.moto, seeded.tier
    health = aws(moto, "elbv2").describe_target_health(TargetGroupArn=tier["tg"])["TargetHealthDescriptions"]
    expected = {
        ec2_arn(f"instance/{d['Target']['Id']}"): {
            "port": d["Target"]["Port"],
            "health_state": d["TargetHealth"]["State"],
        }
        for d in health
    }
    targets = out_edges(graph, tier["tg"], "TARGETS")
    assert targets == expected
    for name in ("web-1", "web-2"):  # the two registered by hand; the ASG's instances are the others
        assert targets[ec2_arn(f"instance/{tier[f'instance:{name}']}")] == {"port": 8080, "health_state": "healthy"}
    ip_group = props_of(graph, "TargetGroup", tier["tg:ip"])
    assert (ip_group["target_type"], ip_group["ip_targets"]) == ("ip", ["10.20.10.50:9000"])
    assert out_edges(graph, tier["tg:ip"], "TARGETS") == {}


def test_classic_elb_targets_its_registered_instance(seeded: Seeded) -> None:
    graph, tier = seeded.graph, seeded.tier
    classic = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy-elb"
    props = props_of(graph, "LoadBalancer", classic)
    assert (props["name"], props["lb_type"], props["scheme"]) == ("legacy", "classic", "internet-facing")
    assert set(out_edges(graph, classic, "TARGETS")) == {ec2_arn(f"instance/{tier['instance:web-1']}")}
    listener = props_of(graph, "Listener", f"{classic}/listener/80")
    assert (listener["protocol"], listener["instance_port"]) == ("HTTP", 8080)


def test_asg_uses_latest_launch_template_and_manages_the_instances_it_launched(seeded: Seeded) -> None:
    graph, moto, tier = seeded.graph, seeded.moto, seeded.tier
    group = aws(moto, "autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"][0]
    props = props_of(graph, "AutoScalingGroup", tier["asg"])
    assert (props["min_size"], props["max_size"], props["desired_capacity"], props["health_check_type"]) == (
        1,
        4,
        2,
        "ELB",
    )
    template = ec2_arn(f"launch-template/{tier['launch_template']}")
    assert out_edges(graph, tier["asg"], "USES_LAUNCH_TEMPLATE") == {template: {"version": "$Latest"}}
    assert set(out_edges(graph, tier["asg"], "ATTACHED_TO")) == {tier["tg"]}
    assert set(out_edges(graph, tier["asg"], "IN_SUBNET")) == {
        ec2_arn(f"subnet/{tier['subnet:private-a']}"),
        ec2_arn(f"subnet/{tier['subnet:private-b']}"),
    }
    managed = out_edges(graph, tier["asg"], "MANAGES")
    assert set(managed) == {ec2_arn(f"instance/{i['InstanceId']}") for i in group["Instances"]}
    assert len(managed) == 2
    lt = props_of(graph, "LaunchTemplate", template)
    assert (lt["name"], lt["latest_version"], lt["default_version"], lt["instance_type"], lt["image_id"]) == (
        "web-lt",
        2,
        1,
        "t3.medium",
        "ami-0b5eea76982371e91",
    )
    assert lt["security_group_ids"] == [tier["sg:app-sg"]]


def test_lambda_function_in_the_vpc_with_its_sqs_mapping_and_no_variable_values(seeded: Seeded) -> None:
    graph, tier = seeded.graph, seeded.tier
    fn = props_of(graph, "LambdaFunction", tier["lambda"])
    assert (fn["runtime"], fn["handler"], fn["memory_size"], fn["timeout"], fn["role_arn"]) == (
        "python3.12",
        "app.handler",
        256,
        30,
        tier["role:lambda"],
    )
    assert fn["environment_variable_names"] == ["DB_PASSWORD", "QUEUE_URL"]
    assert (fn["function_url"], fn["function_url_auth_type"], fn["tags"]) == (
        tier["lambda:url"],
        "AWS_IAM",
        ["env=prod"],
    )
    assert set(out_edges(graph, tier["lambda"], "IN_SUBNET")) == {
        ec2_arn(f"subnet/{tier['subnet:private-a']}"),
        ec2_arn(f"subnet/{tier['subnet:private-b']}"),
    }
    assert set(out_edges(graph, tier["lambda"], "MEMBER_OF_SECURITY_GROUP")) == {
        ec2_arn(f"security-group/{tier['sg:lambda-sg']}")
    }
    assert "s3cret-value" not in repr(snapshot(graph))  # the seed set it as DB_PASSWORD's value
    mapping_id = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{tier['esm']}"
    mapping = props_of(graph, "LambdaEventSourceMapping", mapping_id)
    assert (mapping["event_source_arn"], mapping["batch_size"], mapping["state"]) == (tier["queue"], 5, "Enabled")
    assert set(out_edges(graph, mapping_id, "INVOKES")) == {tier["lambda"]}


def test_fargate_service_runs_in_the_cluster_behind_the_target_group(seeded: Seeded) -> None:
    graph, tier = seeded.graph, seeded.tier
    service = props_of(graph, "ECSService", tier["service"])
    assert (service["launch_type"], service["desired_count"], service["assign_public_ip"]) == ("FARGATE", 2, "DISABLED")
    assert set(out_edges(graph, tier["service"], "IN_CLUSTER")) == {tier["cluster"]}
    assert set(out_edges(graph, tier["service"], "USES_TASK_DEFINITION")) == {tier["task_definition"]}
    assert out_edges(graph, tier["service"], "ATTACHED_TO") == {
        tier["tg"]: {"container_name": "web", "container_port": 8080}
    }
    assert set(out_edges(graph, tier["service"], "MEMBER_OF_SECURITY_GROUP")) == {
        ec2_arn(f"security-group/{tier['sg:app-sg']}")
    }
    definition = props_of(graph, "ECSTaskDefinition", tier["task_definition"])
    assert (definition["name"], definition["family"], definition["revision"], definition["network_mode"]) == (
        "web:1",
        "web",
        1,
        "awsvpc",
    )
    assert definition["task_role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/web-task-role"
    assert definition["container_images"] == [
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2",
        "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
    ]


def test_eks_cluster_exposure_and_node_group_and_ecr_repository(seeded: Seeded) -> None:
    graph, tier = seeded.graph, seeded.tier
    cluster = props_of(graph, "EKSCluster", tier["eks"])
    assert (cluster["version"], cluster["endpoint_public_access"], cluster["public_access_cidrs"]) == (
        "1.29",
        True,
        ["203.0.113.0/24"],
    )
    assert cluster["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/eks-cluster-role"
    assert set(out_edges(graph, tier["eks"], "MEMBER_OF_SECURITY_GROUP")) == {
        ec2_arn(f"security-group/{tier['sg:eks-sg']}")
    }
    nodes = props_of(graph, "EKSNodeGroup", tier["nodegroup"])
    assert (nodes["instance_types"], nodes["min_size"], nodes["max_size"], nodes["desired_size"]) == (
        ["m6i.large"],
        2,
        6,
        3,
    )
    assert set(out_edges(graph, tier["nodegroup"], "IN_CLUSTER")) == {tier["eks"]}
    repo = props_of(graph, "ECRRepository", tier["ecr"])
    assert (repo["repository_uri"], repo["scan_on_push"], repo["image_tag_mutability"], repo["encryption_type"]) == (
        tier["ecr:uri"],
        True,
        "IMMUTABLE",
        "AES256",
    )


@dataclass(frozen=True)
class Snapshot:
    nodes: dict[str, dict[str, Any]]
    edges: dict[tuple[str, str, str], dict[str, Any]]

    def without_stamps(self) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
        def drop(p: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in p.items() if k not in STAMPS}

        return {k: drop(v) for k, v in self.nodes.items()}, {k: drop(v) for k, v in self.edges.items()}


def snapshot(graph: Graph) -> Snapshot:
    nodes = {
        r["id"]: {k: _native(v) for k, v in r["p"].items()}
        for r in graph.read("MATCH (n) RETURN n.id AS id, properties(n) AS p")
    }
    edges = {
        (r["a"], r["t"], r["b"]): {k: _native(v) for k, v in r["p"].items()}
        for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p")
    }
    return Snapshot(nodes, edges)


def test_a_second_run_writes_nothing_the_second_time(
    aws_settings: Settings, graph: Graph, tier: dict[str, str]
) -> None:
    discover(aws_settings, graph)
    first = snapshot(graph)
    report = discover(aws_settings, graph)
    second = snapshot(graph)
    assert second.without_stamps() == first.without_stamps()
    mine = {k for k, p in first.nodes.items() if p.get("kind") in OWNED}
    assert len(mine) >= len(OWNED) - 1  # every kind but ECSTask is seeded
    for key in mine:  # nothing rewritten: the scopes' stamps say it was seen
        assert second.nodes[key]["last_sync"] == first.nodes[key]["last_sync"], key
    assert report.job.written == 0
    removed = [
        (u.service, u.counts.removed_nodes, u.counts.removed_edges) for u in report.units if u.service in SERVICES
    ]
    assert sorted(removed) == sorted((s, 0, 0) for s in SERVICES)  # a job's units come in key order


def test_deleted_resources_and_a_deregistered_target_are_gone_after_the_next_run(
    aws_settings: Settings, graph: Graph, moto: MotoServer, tier: dict[str, str]
) -> None:
    discover(aws_settings, graph)
    before = snapshot(graph)
    mapping_id = f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{tier['esm']}"
    web_2 = ec2_arn(f"instance/{tier['instance:web-2']}")
    assert {tier["ecr"], mapping_id} <= set(before.nodes)
    assert (tier["tg"], "TARGETS", web_2) in before.edges

    aws(moto, "ecr").delete_repository(repositoryName="web")
    aws(moto, "lambda").delete_event_source_mapping(UUID=tier["esm"])
    aws(moto, "elbv2").deregister_targets(TargetGroupArn=tier["tg"], Targets=[{"Id": tier["instance:web-2"]}])
    discover(aws_settings, graph)
    after = snapshot(graph)

    assert set(after.nodes) == set(before.nodes) - {tier["ecr"], mapping_id}
    gone = {(mapping_id, "INVOKES", tier["lambda"]), (tier["tg"], "TARGETS", web_2)}
    gone |= {e for e in before.edges if e[0] == mapping_id}  # its READS_FROM reference to the queue too
    assert set(after.edges) == set(before.edges) - gone
