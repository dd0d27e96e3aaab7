"""Many accounts, and the sync going on through AccessDenied, throttling and an unreachable region.

AWS is a real moto server; faults come from a proxy in front of it that answers the way AWS does
(see devclouds/aws_faults.py). Discovery reaches both only through AWS_ENDPOINT_URL.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from core.settings import Settings
from devclouds.aws_faults import FaultProxy, FaultRule
from devclouds.demo_estate import DEMO_ACCOUNT, DEMO_REGIONS, seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.providers.aws.accounts import aws_targets
from ingest.providers.aws.registry import unit
from tests.discovery import discover_job
from tests.settings_update import replace_settings

EC2_ONLY = (unit("ec2"),)
OTHER_ACCOUNT = "111111111111"


@pytest.fixture
def proxy(moto: MotoServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(moto.url)
    fault_proxy.start()
    yield fault_proxy
    fault_proxy.stop()


def via(settings: Settings, proxy: FaultProxy, **aws: object) -> Settings:
    return replace_settings(settings, aws={"endpoint_url": proxy.url, **aws})


def names(graph: Graph, label: str, account: str) -> set[str]:
    rows = graph.read(f"MATCH (n:{label} {{account: $a}}) RETURN n.name AS name", {"a": account})  # type: ignore[arg-type]
    return {r["name"] for r in rows}


def test_roles_in_two_accounts_are_discovered_side_by_side(
    aws_settings: Settings, moto: MotoServer, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/aidiscover-audit"
    sts = boto3.client("sts", endpoint_url=moto.url, region_name="us-east-1")
    creds = sts.assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
    other = boto3.client(
        "ec2",
        endpoint_url=moto.url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    other.create_vpc(
        CidrBlock="10.9.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "audit-vpc"}]}],
    )
    settings = replace_settings(
        aws_settings, aws={"role_arns": (f"arn:aws:iam::{DEMO_ACCOUNT}:role/aidiscover-audit", role)}
    )
    report = discover_job(settings, graph, regions=("us-east-1",), units=EC2_ONLY)
    assert report.accounts == tuple(sorted((DEMO_ACCOUNT, OTHER_ACCOUNT)))
    assert [u.account for u in report.all_units] == sorted([DEMO_ACCOUNT, OTHER_ACCOUNT])  # one EC2 unit each
    assert not report.warnings
    assert not report.errors
    assert "audit-vpc" in names(graph, "VPC", OTHER_ACCOUNT)
    assert "audit-vpc" not in names(graph, "VPC", DEMO_ACCOUNT)
    assert {"web-1", "web-2", "app-1", "db-1", "bastion"} == names(graph, "EC2Instance", DEMO_ACCOUNT)
    assert names(graph, "EC2Instance", OTHER_ACCOUNT) == set()


def test_an_account_whose_role_cannot_be_assumed_is_reported_and_the_others_sync(
    aws_settings: Settings, moto: MotoServer, proxy: FaultProxy, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    bad_role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/missing"
    proxy.rules = [FaultRule("deny", service="sts", body_contains="missing")]
    settings = via(aws_settings, proxy, role_arns=(bad_role, f"arn:aws:iam::{DEMO_ACCOUNT}:role/audit"))
    report = discover_job(settings, graph, regions=("us-east-1",), units=EC2_ONLY)
    assert len(report.warnings) == 1  # the failed account's, from planning: it has no units
    assert report.warnings[0].startswith(f"role {bad_role}: AccessDenied")
    assert "account skipped, nothing removed" in report.warnings[0]
    assert report.account == DEMO_ACCOUNT
    assert report.errors == ()
    assert "web-1" in names(graph, "EC2Instance", DEMO_ACCOUNT)


def test_access_denied_in_one_region_is_a_warning_and_removes_nothing_there(
    aws_settings: Settings, moto: MotoServer, proxy: FaultProxy, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    settings = via(aws_settings, proxy)
    discover_job(settings, graph, regions=DEMO_REGIONS, units=EC2_ONLY)
    before_eu = graph.read("MATCH (n {region: 'eu-west-1'}) RETURN count(n) AS c")[0]["c"]
    assert before_eu > 0
    proxy.rules = [FaultRule("deny", service="ec2", region="eu-west-1", body_contains="DescribeSecurityGroups")]
    report = discover_job(settings, graph, regions=DEMO_REGIONS, units=EC2_ONLY)
    assert report.warnings == (
        f"aws/{DEMO_ACCOUNT}/eu-west-1/ec2: AWS UnauthorizedOperation; skipped, nothing removed",
    )
    assert [(u.region, u.service) for u in report.units] == [("us-east-1", "ec2")]
    assert graph.read("MATCH (n {region: 'eu-west-1'}) RETURN count(n) AS c")[0]["c"] == before_eu
    assert proxy.rules[0].injected >= 1


def test_a_throttled_share_of_calls_is_retried_and_the_sync_is_complete(
    aws_settings: Settings, moto: MotoServer, proxy: FaultProxy, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    clean = discover_job(via(aws_settings, proxy), graph, regions=DEMO_REGIONS, units=EC2_ONLY)
    proxy.rules = [FaultRule("throttle", service="ec2", every=3)]  # a third of EC2 calls answer RequestLimitExceeded
    report = discover_job(via(aws_settings, proxy), graph, regions=DEMO_REGIONS, units=EC2_ONLY)
    assert proxy.rules[0].injected >= 3
    assert report.warnings == ()
    assert (report.nodes, report.edges) == (clean.nodes, clean.edges)


def test_an_unreachable_region_is_a_warning_and_the_others_complete(
    aws_settings: Settings, moto: MotoServer, proxy: FaultProxy, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    proxy.rules = [FaultRule("drop", service="ec2", region="eu-west-1")]
    settings = via(aws_settings, proxy, max_attempts=2)
    report = discover_job(settings, graph, regions=DEMO_REGIONS, units=EC2_ONLY)
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"aws/{DEMO_ACCOUNT}/eu-west-1/ec2: endpoint unreachable (")
    assert [u.region for u in report.units] == ["us-east-1"]
    assert "web-1" in names(graph, "EC2Instance", DEMO_ACCOUNT)
    assert names(graph, "EC2Instance", DEMO_ACCOUNT) & {"staging-app-1"} == set()


def test_no_accounts_configured_means_the_default_credentials(aws_settings: Settings) -> None:
    targets = aws_targets(aws_settings.aws)
    assert [t.source for t in targets] == ["default credentials"]
