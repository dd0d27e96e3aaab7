"""Configuration references read from function and task definition payloads AWS publishes (botocore's examples).

The Lambda and ECS examples of the installed botocore wheel (``examples-1.json``, Apache-2.0, the AWS
documentation's own examples) are read in place: a function whose ``BUCKET`` variable names a bucket, and a
task definition whose MySQL container carries its root password as a plain variable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import botocore

from ingest.providers.aws.compute_ecs import TaskDefinition, transform_task_definitions
from ingest.providers.aws.compute_lambda import transform_functions
from ingest.providers.aws.config_refs import reference_of, references

DATA = Path(botocore.__file__).resolve().parent / "data"
A, R = "123456789012", "us-west-2"


def _example(service: str, version: str, operation: str) -> dict[str, Any]:
    examples = json.loads((DATA / service / version / "examples-1.json").read_text())["examples"]
    return cast(dict[str, Any], examples[operation][0]["output"])


def test_a_published_function_names_its_bucket_by_variable_and_keeps_no_value() -> None:
    function = _example("lambda", "2015-03-31", "GetFunctionConfiguration")
    assert function["Environment"]["Variables"]["BUCKET"] == "my-bucket-1xpuxmplzrlbh"
    rows = transform_functions([cast(Any, function)], {}, {}, A, R)
    (node,) = rows.nodes
    assert node.props["config_references"] == ("BUCKET=arn:aws:s3:::my-bucket-1xpuxmplzrlbh",)
    assert node.props["environment_variable_names"] == ("BUCKET", "PREFIX")
    # PREFIX=inbound names nothing; no value is stored anywhere else on the node
    assert not any("inbound" in str(v) for v in node.props.values())


def test_a_published_task_definition_password_is_never_kept() -> None:
    definition = _example("ecs", "2014-11-13", "DescribeTaskDefinition")["taskDefinition"]
    definition["taskDefinitionArn"] = definition["taskDefinitionArn"].replace("<aws_account_id>", A)
    rows = transform_task_definitions([TaskDefinition(cast(Any, definition), ())], A, R)
    (node,) = rows.nodes
    assert node.props["config_references"] is None
    assert not any(v == "password" for v in node.props.values())


def test_values_resolve_to_the_resources_they_name() -> None:
    cases = {
        ("QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/210987654321/orders.fifo"): (
            "arn:aws:sqs:eu-west-1:210987654321:orders.fifo"
        ),
        ("QUEUE_URL", "http://127.0.0.1:5000/123456789012/invoices"): "arn:aws:sqs:us-west-2:123456789012:invoices",
        (
            "DB_HOST",
            "orders.abc123.us-west-2.rds.amazonaws.com",
        ): "rds-endpoint:orders.abc123.us-west-2.rds.amazonaws.com",
        ("DB_URL", "postgres://orders.abc123.us-west-2.rds.amazonaws.com:5432/app"): (
            "rds-endpoint:orders.abc123.us-west-2.rds.amazonaws.com"
        ),
        ("DB_PASSWORD", "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf:password::"): (
            "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf"
        ),
        ("HANDLER", "arn:aws:lambda:us-west-2:123456789012:function:worker:live"): (
            "arn:aws:lambda:us-west-2:123456789012:function:worker"
        ),
        ("ORDERS_TABLE", "orders"): "arn:aws:dynamodb:us-west-2:123456789012:table/orders",
        ("EXPORT_TO", "s3://exports-bucket/daily/"): "arn:aws:s3:::exports-bucket",
    }
    for (name, value), expected in cases.items():
        assert reference_of(name, value, A, R) == expected, name


def test_values_that_name_nothing_or_may_be_secrets_are_dropped() -> None:
    for name, value in (
        ("LOG_LEVEL", "info"),
        ("SECRET_BUCKET", "hunter2-bucket"),  # the name says it may be a secret: a bare value is never read
        ("API_KEY", "AKIAEXAMPLE"),
        ("GREETING", "orders"),  # a bare name in a variable that does not say what it names
        ("BUCKET", "Not A Bucket"),
    ):
        assert reference_of(name, value, A, R) is None, name
    assert references([("LOG_LEVEL", "debug")], A, R) is None
