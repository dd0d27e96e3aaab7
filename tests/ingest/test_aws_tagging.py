"""Resources no typed unit covers reach the graph through the Resource Groups Tagging API."""

from __future__ import annotations

import boto3
import pytest

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.providers.aws.registry import unit
from ingest.providers.aws.tagging import arn_type, transform_tagged
from tests.discovery import discover_job

ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:logs:us-east-1:1:log-group:/app/web", ("logs", "us-east-1", "1", "logs:log-group", "/app/web")),
        ("arn:aws:ssm:eu-west-1:1:parameter/app/flag", ("ssm", "eu-west-1", "1", "ssm:parameter", "app/flag")),
        ("arn:aws:sqs:us-east-1:1:orders", ("sqs", "us-east-1", "1", "sqs:", "orders")),
        ("arn:aws:s3:::my-bucket", ("s3", "", "", "s3:", "my-bucket")),
        (
            "arn:aws:apigateway:us-east-1::/restapis/a1b2",
            ("apigateway", "us-east-1", "", "apigateway:restapis", "a1b2"),
        ),
        ("not-an-arn", ("", "", "", "", "")),
    ],
)
def test_arn_parts(arn: str, expected: tuple[str, str, str, str, str]) -> None:
    assert arn_type(arn) == expected


def test_untyped_resources_become_generic_nodes_and_typed_ones_are_left_to_their_units() -> None:
    mappings = [
        {
            "ResourceARN": "arn:aws:logs:us-east-1:123456789012:log-group:/app/web",
            "Tags": [{"Key": "team", "Value": "web"}],
        },
        {
            "ResourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
            "Tags": [{"Key": "Name", "Value": "Clicks"}],
        },
        {"ResourceARN": "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "Tags": [{"Key": "Name", "Value": "web"}]},
        {"ResourceARN": "arn:aws:sqs:us-east-1:123456789012:orders", "Tags": []},
        {"ResourceARN": "arn:aws:logs:eu-west-1:123456789012:log-group:/other", "Tags": []},
        {"ResourceARN": "garbage"},
    ]
    rows = transform_tagged(mappings, ACCOUNT, REGION)  # type: ignore[arg-type]
    assert rows.edges == ()
    assert [(n.label, n.id, dict(n.props)) for n in rows.nodes] == [
        (
            "AwsResource",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web",
            {
                "account": ACCOUNT,
                "region": REGION,
                "name": "/app/web",
                "tags": ("team=web",),
                "resource_type": "logs:log-group",
                "arn_service": "logs",
            },
        ),
        (
            "AwsResource",
            "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
            {
                "account": ACCOUNT,
                "region": REGION,
                "name": "Clicks",
                "tags": ("Name=Clicks",),
                "resource_type": "kinesis:stream",
                "arn_service": "kinesis",
            },
        ),
    ]


def test_tagging_unit_writes_and_cleans_generic_resources(
    aws_settings: Settings, moto: MotoServer, graph: Graph
) -> None:
    kw = {"endpoint_url": moto.url, "region_name": REGION}
    logs = boto3.client("logs", **kw)
    logs.create_log_group(logGroupName="/app/web", tags={"team": "web"})
    boto3.client("ssm", **kw).put_parameter(
        Name="/app/flag", Value="on", Type="String", Tags=[{"Key": "team", "Value": "web"}]
    )
    boto3.client("sqs", **kw).create_queue(QueueName="orders", tags={"team": "web"})
    report = discover_job(aws_settings, graph, regions=(REGION,), units=(unit("tagging"),))
    assert report.warnings == ()
    rows = graph.read("MATCH (n:AwsResource:Resource) RETURN n.resource_type AS t, n.name AS name ORDER BY t")
    assert [(r["t"], r["name"]) for r in rows] == [("logs:log-group", "/app/web"), ("ssm:parameter", "app/flag")]
    logs.delete_log_group(logGroupName="/app/web")
    discover_job(aws_settings, graph, regions=(REGION,), units=(unit("tagging"),))
    rows = graph.read("MATCH (n:AwsResource) RETURN n.resource_type AS t")
    assert [r["t"] for r in rows] == ["ssm:parameter"]
