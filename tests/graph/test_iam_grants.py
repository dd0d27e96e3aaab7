"""An IAM statement reaches a resource only through actions that act on the resource's kind.

The statements are read from policy documents by the IAM transform (``statement_rows``), written with the
resources into the real Neo4j, and resolved by the derived ALLOWS_ACCESS_TO rule (``graph.links``): a
``logs:*`` statement on ``Resource: "*"`` reaches no bucket or table, ``s3:GetObject`` on ``*`` reaches the
buckets only, the edge keeps only the actions that act on its target, and the Condition rides on the edge.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from graph.links import apply_links
from graph.neo4j.client import Graph
from graph.rows import NodeRow
from graph.schema import SCHEMA
from graph.schema.links import GRANT_TARGETS
from graph.write import GraphWriter, SyncStamp
from ingest.providers.aws.identity_policy import statement_rows

ACCOUNT, REGION = "123456789012", "us-east-1"
BUCKET = "arn:aws:s3:::reports"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
POLICY = f"arn:aws:iam::{ACCOUNT}:policy/mixed"
CONDITION = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}

# One statement per case, keyed by Sid (the statement id is <policy>/statement/<Sid>).
DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"},
        {"Sid": "GetObject", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Mixed", "Effect": "Allow", "Action": ["s3:GetObject", "logs:PutLogEvents"], "Resource": "*"},
        {
            "Sid": "Conditional",
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": "*",
            "Condition": CONDITION,
        },
        {"Sid": "AnyService", "Effect": "Allow", "Action": "*:Get*", "Resource": "*"},
        {"Sid": "AllButIam", "Effect": "Allow", "NotAction": ["iam:*", "sqs:*"], "Resource": "*"},
        {"Sid": "Deny", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
    ],
}


def _node(label: str, node_id: str) -> NodeRow:
    return NodeRow(label, node_id, {"account": ACCOUNT, "region": REGION, "name": node_id})


def test_statements_reach_only_the_kinds_their_actions_act_on_with_actions_and_condition(graph: Graph) -> None:
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    statements = statement_rows(POLICY, DOCUMENT, ACCOUNT, "global")
    writer.nodes(
        [
            _node("S3Bucket", BUCKET),
            _node("DynamoDBTable", TABLE),
            _node("IAMRole", ROLE),
            _node("SQSQueue", QUEUE),
            *statements,
        ],
        stamp,
    )
    apply_links(graph, ACCOUNT, stamp)
    rows = graph.read(
        "MATCH (a:IAMPolicyStatement)-[r:ALLOWS_ACCESS_TO]->(b) "
        "RETURN a.sid AS sid, b.id AS target, r.actions AS actions, r.not_actions AS not_actions, "
        "r.condition AS condition, r.has_condition AS has_condition"
    )
    found = {(r["sid"], r["target"]): r for r in rows}
    assert sorted(found) == sorted(
        [
            ("GetObject", BUCKET),
            ("Mixed", BUCKET),
            ("Conditional", TABLE),
            *(("AnyService", t) for t in (BUCKET, TABLE, ROLE, QUEUE)),
            *(("AllButIam", t) for t in (BUCKET, TABLE, ROLE)),  # sts:* still acts on the role; sqs:* is excluded
        ]
    )
    assert found[("Mixed", BUCKET)]["actions"] == ["s3:GetObject"]  # logs:PutLogEvents does not act on a bucket
    assert found[("GetObject", BUCKET)]["actions"] == ["s3:GetObject"]
    assert found[("AnyService", ROLE)]["actions"] == ["*:Get*"]
    conditional = found[("Conditional", TABLE)]
    assert (conditional["actions"], conditional["has_condition"]) == (["dynamodb:GetItem"], True)
    assert json.loads(conditional["condition"]) == CONDITION
    assert found[("GetObject", BUCKET)]["has_condition"] is False
    not_action = found[("AllButIam", BUCKET)]
    assert (not_action["actions"], not_action["not_actions"]) == (None, ["iam:*", "sqs:*"])


def test_every_grant_target_declares_the_action_prefixes_that_reach_it() -> None:
    assert set(GRANT_TARGETS) >= {"S3Bucket", "DynamoDBTable", "SecretsManagerSecret", "IAMRole"}
    for label in GRANT_TARGETS:
        prefixes = SCHEMA.node(label).iam_prefixes
        assert prefixes, label
        assert all(p == p.lower() and ":" not in p for p in prefixes), label
    assert SCHEMA.node("S3Bucket").iam_prefixes == ("s3",)
    assert SCHEMA.node("VPC").iam_prefixes == ()  # not a grant target: no statement links to a VPC
