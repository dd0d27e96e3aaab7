"""The post-sync hooks look at what the sync changed: a re-sync that changed one security group rule refreshes
that group's findings, and leaves the findings and cost estimates of the kinds it did not change as they were; a
re-sync that changed nothing writes nothing in the hooks.

A VPC with a security group and an SQS queue whose policy lets anyone use it, in moto, discovered through the
product's own job runner with every post-sync hook.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest

REGION = "us-east-1"
SERVICES = ("ec2", "vpc-network", "sqs")
_FINDINGS = "MATCH (f:Finding) RETURN f.rule_id AS rule, f.resource_id AS resource, properties(f) AS props"
_QUEUE_COST = "MATCH (q:SQSQueue) RETURN q.monthly_cost_usd AS usd, q.cost_basis AS basis"
# What the hooks write: findings, derivation state, cost estimates
_HOOK_STATE = (
    "MATCH (n) WHERE n:Finding OR n:DerivationState OR n.cost_basis IS NOT NULL "
    "RETURN n.id AS id, properties(n) AS props ORDER BY id"
)


def _sync(settings: Settings, graph: Graph) -> None:
    job = run_job_local(settings, JobRequest("aws", (), (REGION,), "tests", SERVICES), graph=graph)
    assert job.status == "succeeded", job.errors


def _estate(moto: MotoServer) -> tuple[Any, str]:
    """The VPC's security group (https from a private range) and the public queue; returns ec2 and the group."""
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto.url)
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
    )
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto.url)
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return ec2, str(group)


def _findings(graph: Graph) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["rule"], r["resource"]): dict(r["props"]) for r in graph.read(_FINDINGS)}


def test_one_changed_rule_refreshes_its_groups_findings_and_leaves_the_queues_alone(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    ec2, group = _estate(moto)
    _sync(aws_settings, graph)
    first = _findings(graph)
    queue_finding = next(props for (rule, _), props in first.items() if rule == "aws-sqs-public-policy")
    assert not [key for key in first if key[0] == "aws-sg-ssh-open"]
    queue_cost = graph.read(_QUEUE_COST)
    assert queue_cost, "the first sync estimated the queue"
    assert queue_cost[0]["basis"]
    # A stand-in estimate: a pass that re-estimated the queue would replace it
    graph.write("MATCH (q:SQSQueue) SET q.monthly_cost_usd = -1.0, q.cost_basis = 'kept'")

    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    _sync(aws_settings, graph)

    after = _findings(graph)
    ssh = [props for (rule, resource), props in after.items() if rule == "aws-sg-ssh-open" and group in resource]
    assert [p["status"] for p in ssh] == ["open"], after.keys()
    # the queue's kinds did not change: its rule was not evaluated again, nor its cost estimated again
    assert next(props for (rule, _), props in after.items() if rule == "aws-sqs-public-policy") == queue_finding
    assert [dict(r) for r in graph.read(_QUEUE_COST)] == [{"usd": -1.0, "basis": "kept"}]

    # closing the port again resolves the finding: the group's rules are evaluated on this change too
    ec2.revoke_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    _sync(aws_settings, graph)
    resolved = [p for (rule, res), p in _findings(graph).items() if rule == "aws-sg-ssh-open" and group in res]
    assert [p["status"] for p in resolved] == ["resolved"]


def test_a_resync_that_changed_nothing_writes_nothing_in_the_hooks(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    _estate(moto)
    _sync(aws_settings, graph)
    before = [(r["id"], dict(r["props"])) for r in graph.read(_HOOK_STATE)]
    assert any(props.get("rule_id") == "aws-sqs-public-policy" for _, props in before)
    assert any(props.get("cost_basis") for _, props in before)

    _sync(aws_settings, graph)
    assert [(r["id"], dict(r["props"])) for r in graph.read(_HOOK_STATE)] == before
