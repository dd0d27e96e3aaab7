"""Derivation follows the change: an unchanged re-sync recomputes no family, and a changed security group rule
recomputes the AWS network family for that rule's VPC alone.

Two VPCs in moto, each an app instance and a database instance whose group admits tcp/5432 from the app
group, synced through the product's own job runner (the reconciling writer), then derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from queries.derived.compute import FAMILIES, Derived, Family, derive_dependencies

REGION = "us-east-1"
_EDGES = (
    "MATCH (a:EC2Instance)-[r:REACHES]->(b:EC2Instance) "
    "RETURN a.name AS source, b.name AS target, r.ports AS ports, r.derived_at AS gen, r.family AS family "
    "ORDER BY source"
)


def _sync(settings: Settings, graph: Graph) -> None:
    job = run_job_local(
        settings, JobRequest("aws", (), (REGION,), "tests", ("ec2", "vpc-network")), graph=graph, hooks=()
    )
    assert job.status == "succeeded", job.errors


def _tier(ec2: Any, name: str, cidr: str) -> str:
    """A VPC with an app and a database instance; returns the database group's id."""
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.1.0/24")["Subnet"]["SubnetId"]
    groups = {
        role: ec2.create_security_group(GroupName=f"{name}-{role}", Description=role, VpcId=vpc)["GroupId"]
        for role in ("app", "db")
    }
    ec2.authorize_security_group_ingress(
        GroupId=groups["db"],
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": groups["app"]}]}
        ],
    )
    for role in ("app", "db"):
        ec2.run_instances(
            ImageId="ami-0123456789abcdef0",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[groups[role]],
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"{name}-{role}"}]}],
        )
    return str(groups["db"])


def test_an_unchanged_resync_derives_nothing_and_one_changed_rule_recomputes_its_vpc_only(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto.url)
    blue_db = _tier(ec2, "blue", "10.60")
    _tier(ec2, "green", "10.70")
    _sync(aws_settings, graph)

    first = derive_dependencies(graph)
    assert dict(first.families) == {f.name: "all" for f in FAMILIES}
    before = graph.read(_EDGES)
    assert [(e["source"], e["target"], e["ports"], e["family"]) for e in before] == [
        ("blue-app", "blue-db", "tcp 5432", "aws-network"),
        ("green-app", "green-db", "tcp 5432", "aws-network"),
    ]

    _sync(aws_settings, graph)  # nothing changed in the cloud
    again = derive_dependencies(graph)
    assert again.skipped == tuple(f.name for f in FAMILIES)
    assert (again.total, again.removed) == (0, 0)
    assert graph.read(_EDGES) == before

    ec2.revoke_security_group_ingress(
        GroupId=blue_db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": _group(ec2, "blue-app")}],
            }
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=blue_db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 6432,
                "ToPort": 6432,
                "UserIdGroupPairs": [{"GroupId": _group(ec2, "blue-app")}],
            }
        ],
    )
    _sync(aws_settings, graph)
    changed = derive_dependencies(graph)
    families = dict(changed.families)
    assert families.pop("aws-network").startswith("1 of "), changed.line()
    assert set(families.values()) == {"skipped"}, changed.line()
    assert (changed.total, changed.removed) == (1, 1)  # blue's edge (a new rule: a new via) replaced
    after = {e["source"]: e for e in graph.read(_EDGES)}
    assert after["blue-app"]["ports"] == "tcp 6432"
    assert after["blue-app"]["gen"] != before[0]["gen"]
    assert after["green-app"] == before[1]  # green's VPC was not recomputed: its edge is the one written first


def _group(ec2: Any, name: str) -> str:
    return str(
        ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [name]}])["SecurityGroups"][0]["GroupId"]
    )


def test_a_family_whose_inputs_another_job_writes_while_it_computes_is_recomputed_by_the_next_pass(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    # Two accounts synced at once: the other job's units write while this pass computes. Its scope
    # fingerprints may come from rows half written, so it must not record them as the state to skip from.
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto.url)
    _tier(ec2, "blue", "10.60")
    _sync(aws_settings, graph)

    def written_meanwhile(g: Graph, previous: Mapping[str, str]) -> Derived:
        g.write("MATCH (n:EC2Instance) WITH n LIMIT 1 SET n.last_sync = n.last_sync + 1")
        return Derived(())

    def quiet(g: Graph, previous: Mapping[str, str]) -> Derived:
        return Derived(())

    racing = Family("test-racing", "REACHES", ("EC2Instance",), written_meanwhile)
    calm = Family("test-calm", "REACHES", ("EC2Instance",), quiet)
    try:
        first = derive_dependencies(graph, families=(racing, calm))
        # both read their inputs' stamps before the racing one wrote: neither records a state
        assert dict(first.families) == {
            "test-racing": "all (inputs changed meanwhile)",
            "test-calm": "all (inputs changed meanwhile)",
        }
        second = derive_dependencies(graph, families=(calm,))
        assert dict(second.families) == {"test-calm": "all"}  # nothing written meanwhile: recorded
        third = derive_dependencies(graph, families=(racing, calm))
        assert dict(third.families) == {"test-racing": "all (inputs changed meanwhile)", "test-calm": "skipped"}
        fourth = derive_dependencies(graph, families=(calm,))
        assert dict(fourth.families) == {"test-calm": "all"}  # the write the third pass saw is read now
        fifth = derive_dependencies(graph, families=(calm,))
        assert dict(fifth.families) == {"test-calm": "skipped"}
    finally:
        graph.write("MATCH (s:DerivationState) WHERE s.id STARTS WITH 'test-' DELETE s")
