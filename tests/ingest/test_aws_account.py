"""The AWS account as a node with a name: the transform read on the responses AWS publishes for
ListAccountAliases and DescribeAccount (botocore's service-model examples, tests/fixtures/real/aws/AWSAccount,
sources in SOURCES.md), and discovery end to end through moto: an account with an IAM alias is named by it,
one without keeps its id, and the demo estate's two accounts are named by the aliases seeded in moto.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from ingest.providers.aws.account import AccountPayload, account_node_id, transform_account
from ingest.providers.aws.registry import unit
from tests.discovery import discover_job

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "aws" / "AWSAccount"


def published(name: str) -> Any:
    return json.loads((REAL / name).read_text())["response"]


ALIASES = published("botocore_iam_ListAccountAliases_0.json")["AccountAliases"]
DESCRIBED = published("botocore_organizations_DescribeAccount_0.json")["Account"]


def test_an_account_organizations_describes_is_named_as_organizations_names_it() -> None:
    account = DESCRIBED["Id"]
    rows = transform_account(AccountPayload(ALIASES, DESCRIBED, "aws"), account, "global")
    assert rows.edges == ()
    (node,) = rows.nodes
    assert node.label == "AWSAccount"
    assert SCHEMA.node(node.label).provider == "aws"
    assert node.id == f"arn:aws:iam::{account}:root"
    props = dict(node.props)
    assert props["name"] == DESCRIBED["Name"] == "Beta Account"
    assert (props["alias"], props["organization_name"], props["organization_id"]) == (
        "exmaple-corporation",
        "Beta Account",
        "o-exampleorgid",
    )
    assert (props["account"], props["account_id"], props["region"]) == (account, account, "global")
    assert "Email" in DESCRIBED
    assert "anika@example.com" not in json.dumps(props, default=str)
    declared = {p.name for p in SCHEMA.node("AWSAccount").properties}
    assert {"account_id", "alias", "organization_name", "organization_id", "status"} <= declared


def test_an_alias_names_the_account_when_organizations_cannot_be_read() -> None:
    rows = transform_account(AccountPayload(ALIASES, None, "aws-cn"), "111122223333", "global")
    (node,) = rows.nodes
    assert node.id == "arn:aws-cn:iam::111122223333:root"
    assert (node.props["name"], node.props["alias"], node.props["organization_name"]) == (
        "exmaple-corporation",
        "exmaple-corporation",
        None,
    )


def test_an_account_with_neither_keeps_its_id_as_name_and_another_accounts_answer_is_not_taken() -> None:
    rows = transform_account(AccountPayload((), DESCRIBED, "aws"), "111122223333", "global")  # 555555555555's
    (node,) = rows.nodes
    assert (node.props["name"], node.props["organization_name"], node.props["alias"]) == ("111122223333", None, None)
    assert account_node_id("aws", "111122223333") == node.id


def test_discovery_names_the_account_by_its_alias(moto: MotoServer, aws_settings: Settings, graph: Graph) -> None:
    report = discover_job(aws_settings, graph, regions=("us-east-1",), units=[unit("account")])
    assert (report.errors, report.warnings) == ((), ())
    unnamed = graph.read("MATCH (a:AWSAccount) RETURN a.id AS id, a.name AS name, a.account AS account")
    assert len(unnamed) == 1
    assert unnamed[0]["name"] == unnamed[0]["account"]  # no alias, no organization: the id
    boto3.client("iam", region_name="us-east-1", endpoint_url=moto.url).create_account_alias(AccountAlias="acme-prod")
    assert discover_job(aws_settings, graph, regions=("us-east-1",), units=[unit("account")]).errors == ()
    named = graph.read("MATCH (a:AWSAccount) RETURN a.id AS id, a.name AS name, a.alias AS alias, a.account AS account")
    assert [(r["id"], r["name"], r["alias"]) for r in named] == [(unnamed[0]["id"], "acme-prod", "acme-prod")]
    assert named[0]["id"] == f"arn:aws:iam::{named[0]['account']}:root"
