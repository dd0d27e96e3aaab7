"""The AWS data transforms are pure: recorded API payloads in, exact NodeRows and EdgeRows out.

The recorded payloads (tests/data/aws/data/*.json) are shaped like real AWS answers and cover what
moto cannot produce: AWS managed KMS keys and KeyUsage, multi-Region keys, lambda and pending SNS
subscriptions, secret rotation, public ACL grants, the legacy 'EU' location, refused per-bucket calls.
The get_* functions are also run against replaying fakes to check how "not configured", "refused"
and "gone" answers are told apart.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError

from graph.rows import NodeRow, Transformed
from graph.schema import SCHEMA
from graph.write import GraphWriter
from ingest.providers.aws import data, data_common, data_s3, data_sqs
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.data_common import kms_key_ref, policy_allows_public
from ingest.providers.aws.data_dynamodb import DynamoTable, get_dynamodb, transform_dynamodb
from ingest.providers.aws.data_kms import KmsPayload, get_kms, transform_kms
from ingest.providers.aws.data_rds import RdsPayload, transform_rds
from ingest.providers.aws.data_s3 import BucketDetails, bucket_region, get_s3, transform_s3
from ingest.providers.aws.data_secrets import SecretsPayload, transform_secrets
from ingest.providers.aws.data_sns import SnsPayload, SnsTopic, subscription_id, transform_sns
from ingest.providers.aws.data_sqs import SqsPayload, SqsQueue, get_sqs, queue_arn, transform_sqs

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "data"
ACCOUNT = "111122223333"
REGION = "us-west-2"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SQS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321"
_TIMESTAMPS = frozenset(
    {
        "CreationDate",
        "InstanceCreateTime",
        "ClusterCreateTime",
        "CreationDateTime",
        "LastRotatedDate",
        "LastChangedDate",
        "LastAccessedDate",
        "CreatedDate",
        "LastUpdatedDate",
    }
)


def _parse(obj: dict[str, Any]) -> dict[str, Any]:
    for key in _TIMESTAMPS & obj.keys():
        if isinstance(obj[key], str):
            obj[key] = datetime.fromisoformat(obj[key])
    return obj


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(), object_hook=_parse)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def node(rows: Transformed, node_id: str) -> NodeRow:
    found = [n for n in rows.nodes if n.id == node_id]
    assert len(found) == 1, node_id
    return found[0]


def edges(rows: Transformed) -> set[tuple[str, str, str, str, str]]:
    return {(e.source_label, e.source_id, e.type, e.target_label, e.target_id) for e in rows.edges}


def schema_check(rows: Transformed) -> None:
    """Every row passes the writer's own schema checks (labels, types, required fields)."""
    writer = GraphWriter(cast(Any, None), SCHEMA)
    for row in rows.nodes:
        writer._node_props(SCHEMA.node(row.label), row)
    for edge in rows.edges:
        SCHEMA.relationship(edge.type, edge.source_label, edge.target_label)


# --- replaying fakes for the get_* functions -------------------------------------------------------


def client_error(code: str, op: str = "Op") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, op)


class Replay:
    """A boto3-client stand-in: ``answers[op][key]`` is the recorded response (or {"Error": ...})."""

    def __init__(self, answers: dict[str, Any], pages: dict[str, list[Any]]) -> None:
        self.answers = answers
        self.pages = pages
        self.calls: list[tuple[str, str]] = []

    def get_paginator(self, op: str) -> Any:
        return SimpleNamespace(paginate=lambda **_: iter(self.pages[op]))

    def __getattr__(self, op: str) -> Any:
        def call(**kwargs: Any) -> Any:
            key = str(next(iter(kwargs.values()))) if kwargs else ""
            self.calls.append((op, key))
            by_key = self.answers.get(op, {})
            if key not in by_key:
                raise client_error("NotFoundException", op)
            answer = by_key[key]
            if isinstance(answer, dict) and "Error" in answer:
                raise client_error(answer["Error"]["Code"], op)
            return answer

        return call


def fake_clients(region: str = "us-east-1") -> AwsClients:
    return cast(AwsClients, SimpleNamespace(settings=SimpleNamespace(default_region=region, fetch_concurrency=2)))


# --- KMS -------------------------------------------------------------------------------------------


def kms_payload() -> KmsPayload:
    raw = load("kms.json")
    fake = Replay(
        {
            "describe_key": raw["describe_key"],
            "get_key_rotation_status": raw["get_key_rotation_status"],
            "list_resource_tags": raw["list_resource_tags"],
        },
        {"list_keys": [raw["list_keys"]], "list_aliases": [raw["list_aliases"]]},
    )
    return get_kms(cast(Any, fake))


def test_kms_customer_key_has_rotation_aliases_tags_and_metadata() -> None:
    rows = transform_kms(kms_payload(), ACCOUNT, REGION)
    assert node(rows, KEY).props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "alias/app-data",
        "tags": ("env=prod", "team=orders"),
        "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
        "aliases": ("alias/app-data", "alias/orders-data"),
        "rotation_enabled": True,
        "key_manager": "CUSTOMER",
        "key_state": "Enabled",
        "enabled": True,
        "key_spec": "SYMMETRIC_DEFAULT",
        "key_usage": "ENCRYPT_DECRYPT",
        "origin": "AWS_KMS",
        "multi_region": False,
        "description": "orders data key",
        "created_at": t("2024-02-01T09:58:12.337000+00:00"),
        "policy": None,
        "policy_allows_public": None,
    }
    schema_check(rows)


def test_kms_aws_managed_key_skips_rotation_and_tag_calls() -> None:
    payload = kms_payload()
    rows = transform_kms(payload, ACCOUNT, REGION)
    managed = node(rows, SQS_KEY).props
    assert (managed["key_manager"], managed["rotation_enabled"], managed["aliases"], managed["name"]) == (
        "AWS",
        None,
        ("alias/aws/sqs",),
        "alias/aws/sqs",
    )
    assert managed["tags"] == ()


def test_kms_key_whose_describe_fails_is_kept_with_its_id_and_arn() -> None:
    rows = transform_kms(kms_payload(), ACCOUNT, REGION)
    mrk = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/mrk-5f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f"
    props = node(rows, mrk).props
    assert props["name"] == props["key_id"] == "mrk-5f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f"
    assert props["key_manager"] is None
    assert props["rotation_enabled"] is None
    assert len(rows.nodes) == 3
    assert rows.edges == ()


def test_kms_get_asks_rotation_tags_and_policy_only_for_customer_keys() -> None:
    raw = load("kms.json")
    fake = Replay(
        {
            "describe_key": raw["describe_key"],
            "get_key_rotation_status": raw["get_key_rotation_status"],
            "list_resource_tags": raw["list_resource_tags"],
        },
        {"list_keys": [raw["list_keys"]], "list_aliases": [raw["list_aliases"]]},
    )
    get_kms(cast(Any, fake))
    customer = "1234abcd-12ab-34cd-56ef-1234567890ab"
    assert [c for c in fake.calls if c[0] != "describe_key"] == [
        ("get_key_rotation_status", customer),
        ("list_resource_tags", customer),
        ("get_key_policy", customer),
    ]


def test_kms_access_denied_on_rotation_leaves_it_unknown() -> None:
    raw = load("kms.json")
    customer = "1234abcd-12ab-34cd-56ef-1234567890ab"
    fake = Replay(
        {
            "describe_key": raw["describe_key"],
            "list_resource_tags": raw["list_resource_tags"],
            "get_key_rotation_status": {customer: {"Error": {"Code": "AccessDeniedException"}}},
        },
        {"list_keys": [raw["list_keys"]], "list_aliases": [raw["list_aliases"]]},
    )
    payload = get_kms(cast(Any, fake))
    assert [k.rotation_enabled for k in payload.keys if k.entry["KeyId"] == customer] == [None]


# --- RDS -------------------------------------------------------------------------------------------


def rds_payload() -> RdsPayload:
    raw = load("rds.json")
    return RdsPayload(
        raw["describe_db_instances"]["DBInstances"],
        raw["describe_db_clusters"]["DBClusters"],
        raw["describe_db_subnet_groups"]["DBSubnetGroups"],
    )


def ec2(resource: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{resource}"


ORDERS_DB = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db"
AURORA = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:reports-aurora"
AURORA_1 = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:reports-aurora-instance-1"
SUBNET_GROUP = f"arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:orders-db-subnets"


def test_rds_instance_properties() -> None:
    rows = transform_rds(rds_payload(), ACCOUNT, REGION)
    assert node(rows, ORDERS_DB).props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "Orders DB",
        "tags": ("Name=Orders DB", "env=prod"),
        "db_instance_identifier": "orders-db",
        "engine": "postgres",
        "engine_version": "15.5",
        "instance_class": "db.m6g.large",
        "status": "available",
        "storage_type": "gp3",
        "allocated_storage": 100,
        "multi_az": True,
        "publicly_accessible": False,
        "storage_encrypted": True,
        "read_replica_source": None,
        "kms_key_id": KEY,
        "endpoint_address": "orders-db.c9akciq32.us-west-2.rds.amazonaws.com",
        "endpoint_port": 5432,
        "backup_retention_period": 14,
        "availability_zone": "us-west-2a",
        "db_subnet_group": "orders-db-subnets",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "cluster_identifier": None,
        "deletion_protection": None,
        "iam_database_authentication": None,
        "created_at": t("2023-09-14T08:12:44.512000+00:00"),
    }
    schema_check(rows)


def test_rds_edges_subnets_groups_cluster_and_key() -> None:
    rows = transform_rds(rds_payload(), ACCOUNT, REGION)
    subnets = [ec2("subnet/subnet-0aa11bb22cc33dd44"), ec2("subnet/subnet-0ee55ff66aa77bb88")]
    db_sg, app_sg = ec2("security-group/sg-0f1e2d3c4b5a69788"), ec2("security-group/sg-0a2b4c6d8e0f13579")
    assert edges(rows) == {
        *{("RDSInstance", ORDERS_DB, "IN_SUBNET", "Subnet", s) for s in subnets},
        ("RDSInstance", ORDERS_DB, "MEMBER_OF_SECURITY_GROUP", "SecurityGroup", db_sg),
        ("RDSInstance", ORDERS_DB, "MEMBER_OF_SECURITY_GROUP", "SecurityGroup", app_sg),
        ("RDSInstance", ORDERS_DB, "ENCRYPTED_BY", "KMSKey", KEY),
        *{("RDSInstance", AURORA_1, "IN_SUBNET", "Subnet", s) for s in subnets},
        ("RDSInstance", AURORA_1, "MEMBER_OF_SECURITY_GROUP", "SecurityGroup", db_sg),
        ("RDSInstance", AURORA_1, "MEMBER_OF_CLUSTER", "RDSCluster", AURORA),
        ("RDSInstance", AURORA_1, "ENCRYPTED_BY", "KMSKey", KEY),
        # the cluster names its subnet group only; the subnets come from describe_db_subnet_groups
        *{("RDSCluster", AURORA, "IN_SUBNET", "Subnet", s) for s in subnets},
        ("RDSCluster", AURORA, "MEMBER_OF_SECURITY_GROUP", "SecurityGroup", db_sg),
        ("RDSCluster", AURORA, "ENCRYPTED_BY", "KMSKey", KEY),
        # instance and cluster -> their DB subnet group -> its subnets and VPC
        ("RDSInstance", ORDERS_DB, "IN_SUBNET_GROUP", "RDSSubnetGroup", SUBNET_GROUP),
        ("RDSInstance", AURORA_1, "IN_SUBNET_GROUP", "RDSSubnetGroup", SUBNET_GROUP),
        ("RDSCluster", AURORA, "IN_SUBNET_GROUP", "RDSSubnetGroup", SUBNET_GROUP),
        *{("RDSSubnetGroup", SUBNET_GROUP, "IN_SUBNET", "Subnet", s) for s in subnets},
        ("RDSSubnetGroup", SUBNET_GROUP, "IN_VPC", "VPC", ec2("vpc/vpc-0a1b2c3d4e5f60718")),
    }


def test_db_subnet_group_from_the_aws_cli_documentation_example() -> None:
    """The DB subnet group of `aws rds describe-db-subnet-groups`' documented output (source in the fixture)."""
    example = load("rds_subnet_groups_cli_example.json")
    rows = transform_rds(RdsPayload([], [], example["DBSubnetGroups"]), "123456789012", "us-east-1")
    group = "arn:aws:rds:us-east-1:123456789012:subgrp:mydbsubnetgroup"
    assert [(n.label, n.id) for n in rows.nodes] == [("RDSSubnetGroup", group)]
    props = rows.nodes[0].props
    assert props["db_subnet_group_name"] == "mydbsubnetgroup"
    assert (props["description"], props["vpc_id"], props["status"]) == (
        "My DB Subnet Group",
        "vpc-971c12ee",
        "Complete",
    )
    subnets = ("subnet-0ccde220", "subnet-718fdc7d", "subnet-cbc8e7e7", "subnet-d8c8e7f4")
    assert props["subnet_ids"] == subnets
    assert props["availability_zones"] == ("us-east-1a", "us-east-1f")
    arn = "arn:aws:ec2:us-east-1:123456789012:"
    assert edges(rows) == {
        *{("RDSSubnetGroup", group, "IN_SUBNET", "Subnet", f"{arn}subnet/{s}") for s in subnets},
        ("RDSSubnetGroup", group, "IN_VPC", "VPC", f"{arn}vpc/vpc-971c12ee"),
    }
    schema_check(rows)


def test_rds_cluster_properties_members_and_writer() -> None:
    props = node(transform_rds(rds_payload(), ACCOUNT, REGION), AURORA).props
    assert props["members"] == ("reports-aurora-instance-1", "reports-aurora-instance-2")
    assert (props["region"], props["availability_zones"]) == (REGION, ("us-west-2a", "us-west-2b", "us-west-2c"))
    assert props["writer"] == "reports-aurora-instance-1"
    assert (props["engine"], props["port"], props["deletion_protection"], props["backup_retention_period"]) == (
        "aurora-mysql",
        3306,
        True,
        7,
    )
    assert props["created_at"] == t("2024-01-03T16:31:55.610000+00:00")
    assert props["tags"] == ("env=prod",)


def test_rds_instance_without_arn_endpoint_or_subnet_group_is_kept_with_a_built_arn() -> None:
    rows = transform_rds(rds_payload(), ACCOUNT, REGION)
    legacy = node(rows, f"arn:aws:rds:{REGION}:{ACCOUNT}:db:legacy-mysql").props
    assert (legacy["publicly_accessible"], legacy["storage_encrypted"], legacy["endpoint_address"]) == (
        True,
        False,
        None,
    )
    assert legacy["created_at"] is None
    assert not [e for e in rows.edges if e.source_id.endswith(":db:legacy-mysql")]


# --- DynamoDB ----------------------------------------------------------------------------------------


def dynamo_tables() -> list[DynamoTable]:
    raw = load("dynamodb.json")["tables"]
    fake = Replay(
        {
            "describe_table": {t["describe_table"]["Table"]["TableName"]: t["describe_table"] for t in raw},
            "describe_continuous_backups": {
                t["describe_table"]["Table"]["TableName"]: t["describe_continuous_backups"] for t in raw
            },
            "list_tags_of_resource": {
                t["describe_table"]["Table"]["TableArn"]: t["list_tags_of_resource"] for t in raw
            },
        },
        # "deleted-meanwhile" is listed but describe_table answers ResourceNotFoundException
        {"list_tables": [{"TableNames": ["orders", "sessions"]}, {"TableNames": ["deleted-meanwhile"]}]},
    )
    fake.answers["describe_table"]["deleted-meanwhile"] = {"Error": {"Code": "ResourceNotFoundException"}}
    return get_dynamodb(cast(Any, fake))


def test_dynamodb_table_properties_and_key_edge() -> None:
    rows = transform_dynamodb(dynamo_tables(), ACCOUNT, REGION)
    orders = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
    assert node(rows, orders).props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders",
        "tags": ("team=orders",),
        "table_name": "orders",
        "status": "ACTIVE",
        "billing_mode": "PAY_PER_REQUEST",
        "item_count": 120433,
        "size_bytes": 48213377,
        "stream_enabled": True,
        "stream_view_type": "NEW_AND_OLD_IMAGES",
        "stream_arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/stream/2023-05-02T11:20:33.104",
        "sse_type": "KMS",
        "sse_status": "ENABLED",
        "kms_key_arn": KEY,
        "point_in_time_recovery": True,
        "deletion_protection": True,
        "created_at": t("2023-05-02T11:20:33.104000+00:00"),
    }
    assert edges(rows) == {("DynamoDBTable", orders, "ENCRYPTED_BY", "KMSKey", KEY)}
    schema_check(rows)


def test_dynamodb_provisioned_table_without_summary_or_sse_and_a_vanished_table() -> None:
    rows = transform_dynamodb(dynamo_tables(), ACCOUNT, REGION)
    assert len(rows.nodes) == 2  # deleted-meanwhile dropped
    sessions = node(rows, f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/sessions").props
    assert (sessions["billing_mode"], sessions["stream_enabled"], sessions["stream_arn"]) == (
        "PROVISIONED",
        False,
        None,
    )
    assert (sessions["sse_type"], sessions["kms_key_arn"], sessions["point_in_time_recovery"]) == (None, None, False)


# --- S3 ----------------------------------------------------------------------------------------------


def s3_buckets(monkeypatch: pytest.MonkeyPatch) -> tuple[list[BucketDetails], dict[str, Replay]]:
    raw = load("s3.json")
    answers: dict[str, dict[str, Any]] = {}
    for bucket, calls in raw["buckets"].items():
        for op, answer in calls.items():
            answers.setdefault(op, {})[bucket] = answer
    fakes: dict[str, Replay] = {}

    def fake_client(clients: AwsClients, service: str, region: str) -> Replay:
        if service == "kms":
            kms = {
                "describe_key": {
                    "alias/aws/s3": {"KeyMetadata": {"Arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/s3-managed"}}
                }
            }
            return Replay(kms, {})
        fakes.setdefault(region, Replay(answers, {"list_buckets": [raw["list_buckets"]]}))
        return fakes[region]

    monkeypatch.setattr(data_s3, "client", fake_client)
    monkeypatch.setattr(data_common, "client", fake_client)
    return get_s3(fake_clients("us-east-1")), fakes


S3_ORDERS = "arn:aws:s3:::orders-archive-111122223333"
S3_WWW = "arn:aws:s3:::www-assets-example"
S3_LEGACY = "arn:aws:s3:::legacy-eu-logs"
S3_PARTNER = "arn:aws:s3:::partner-drop"


def test_s3_private_bucket_properties_and_key_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    buckets, _ = s3_buckets(monkeypatch)
    rows = transform_s3(buckets, ACCOUNT, "global")
    assert node(rows, S3_ORDERS).props == {
        "account": ACCOUNT,
        "region": "us-east-1",  # LocationConstraint None
        "name": "orders-archive-111122223333",
        "tags": ("team=orders",),
        "bucket_name": "orders-archive-111122223333",
        "created_at": t("2022-04-18T09:30:11+00:00"),
        "policy": None,
        "policy_allows_public": False,
        "acl_public": False,
        "block_public_acls": True,
        "ignore_public_acls": True,
        "block_public_policy": True,
        "restrict_public_buckets": True,
        "encryption_algorithm": "aws:kms",
        "kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
        "bucket_key_enabled": True,
        "versioning": "Enabled",
        "mfa_delete": "Disabled",
        "notification_targets": ("arn:aws:sqs:us-east-1:111122223333:archive-events",),
    }
    # a bare key id is resolved in the bucket's own region
    assert (
        "S3Bucket",
        S3_ORDERS,
        "ENCRYPTED_BY",
        "KMSKey",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ) in edges(rows)
    schema_check(rows)


def test_s3_public_bucket_policy_acl_and_missing_block(monkeypatch: pytest.MonkeyPatch) -> None:
    buckets, _ = s3_buckets(monkeypatch)
    www = node(transform_s3(buckets, ACCOUNT, "global"), S3_WWW).props
    assert www["region"] == "eu-west-1"
    assert (www["policy_allows_public"], www["acl_public"]) == (True, True)
    assert [
        www[k] for k in ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")
    ] == [False, False, False, False]
    assert json.loads(str(www["policy"]))["Statement"][0]["Sid"] == "PublicReadGetObject"
    assert (www["encryption_algorithm"], www["kms_key_id"], www["versioning"], www["tags"]) == (
        "AES256",
        None,
        "Disabled",
        (),
    )


def test_s3_refused_calls_leave_properties_unknown_and_legacy_eu_is_eu_west_1(monkeypatch: pytest.MonkeyPatch) -> None:
    buckets, _ = s3_buckets(monkeypatch)
    legacy = node(transform_s3(buckets, ACCOUNT, "global"), S3_LEGACY).props
    assert legacy["region"] == "eu-west-1"
    unknown = (
        "policy",
        "policy_allows_public",
        "acl_public",
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    )
    assert {k: legacy[k] for k in unknown} == dict.fromkeys(unknown)
    assert (legacy["encryption_algorithm"], legacy["versioning"]) == (None, "Suspended")


def test_s3_conditioned_policy_is_not_public_and_managed_kms_key_is_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    buckets, fakes = s3_buckets(monkeypatch)
    rows = transform_s3(buckets, ACCOUNT, "global")
    partner = node(rows, S3_PARTNER).props
    assert (partner["region"], partner["policy_allows_public"], partner["acl_public"]) == ("us-west-2", False, False)
    assert (partner["block_public_acls"], partner["ignore_public_acls"]) == (True, False)
    assert (
        "S3Bucket",
        S3_PARTNER,
        "ENCRYPTED_BY",
        "KMSKey",
        f"arn:aws:kms:us-west-2:{ACCOUNT}:key/s3-managed",
    ) in edges(rows)
    # BucketRegion from list_buckets spares the location call; each bucket is read through its own region
    assert ("get_bucket_location", "partner-drop") not in fakes["us-east-1"].calls
    assert ("get_bucket_policy", "partner-drop") in fakes["us-west-2"].calls
    assert ("get_bucket_policy", "www-assets-example") in fakes["eu-west-1"].calls
    assert len(rows.edges) == 2


def test_s3_bucket_deleted_while_read_is_dropped_and_other_errors_propagate(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = load("s3.json")
    answers = {
        "get_bucket_location": {"gone": {"LocationConstraint": None}},
        "get_bucket_policy": {"gone": {"Error": {"Code": "NoSuchBucket"}}},
    }
    listing = {"Buckets": [{"Name": "gone", "CreationDate": raw["list_buckets"]["Buckets"][0]["CreationDate"]}]}
    fake = Replay(answers, {"list_buckets": [listing]})
    monkeypatch.setattr(data_s3, "client", lambda *_: fake)
    assert get_s3(fake_clients()) == []
    answers["get_bucket_policy"]["gone"] = {"Error": {"Code": "InternalError"}}
    with pytest.raises(ClientError):
        get_s3(fake_clients())


@pytest.mark.parametrize(
    ("location", "region"),
    [(None, "us-east-1"), ("", "us-east-1"), ("EU", "eu-west-1"), ("ap-southeast-2", "ap-southeast-2")],
)
def test_bucket_region_from_location_constraint(location: str | None, region: str) -> None:
    assert bucket_region(location) == region


# --- SQS ---------------------------------------------------------------------------------------------


def sqs_payload() -> SqsPayload:
    raw = load("sqs.json")
    queues = [
        SqsQueue(q["QueueUrl"], q["get_queue_attributes"]["Attributes"], q["list_queue_tags"].get("Tags", {}))
        for q in raw["queues"]
    ]
    return SqsPayload(queues, raw["key_aliases"])


ORDERS_Q = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders.fifo"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq.fifo"
PUBLIC_Q = f"arn:aws:sqs:{REGION}:{ACCOUNT}:public-inbox"


def test_sqs_fifo_queue_with_redrive_and_aliased_key() -> None:
    rows = transform_sqs(sqs_payload(), ACCOUNT, REGION)
    props = dict(node(rows, ORDERS_Q).props)
    policy = props.pop("policy")
    assert props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders.fifo",
        "tags": ("env=prod", "team=orders"),
        "queue_name": "orders.fifo",
        "queue_url": "https://sqs.us-west-2.amazonaws.com/111122223333/orders.fifo",
        "fifo": True,
        "visibility_timeout": 60,
        "message_retention_period": 1209600,
        "delay_seconds": 0,
        "max_message_size": 262144,
        "kms_key_id": "alias/aws/sqs",
        "sqs_managed_sse": None,
        "dead_letter_target_arn": DLQ,
        "max_receive_count": 5,
        "policy_allows_public": False,  # Principal is the SNS service, restricted by aws:SourceArn
        "created_at": datetime(2024, 1, 3, 16, 40, tzinfo=UTC),
    }
    assert json.loads(str(policy))["Id"] == "orders-policy"
    assert edges(rows) == {
        ("SQSQueue", ORDERS_Q, "ENCRYPTED_BY", "KMSKey", SQS_KEY),
        ("SQSQueue", ORDERS_Q, "SENDS_FAILURES_TO", "SQSQueue", DLQ),
    }
    redrive = next(e for e in rows.edges if e.type == "SENDS_FAILURES_TO")
    assert redrive.props == {"max_receive_count": 5}
    schema_check(rows)


def test_sqs_malformed_attributes_keep_the_queue_and_public_policy_with_secure_transport_only() -> None:
    props = node(transform_sqs(sqs_payload(), ACCOUNT, REGION), PUBLIC_Q).props
    assert (props["name"], props["created_at"], props["dead_letter_target_arn"]) == ("Public inbox", None, None)
    assert (props["sqs_managed_sse"], props["policy_allows_public"], props["fifo"]) == (False, True, False)
    assert props["message_retention_period"] is None


def test_sqs_unresolved_alias_gives_no_edge() -> None:
    payload = sqs_payload()
    rows = transform_sqs(SqsPayload(payload.queues, {}), ACCOUNT, REGION)
    assert [e for e in rows.edges if e.type == "ENCRYPTED_BY"] == []
    assert node(rows, ORDERS_Q).props["kms_key_id"] == "alias/aws/sqs"


def test_sqs_get_skips_a_queue_gone_between_list_and_read_and_resolves_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = load("sqs.json")
    urls = [q["QueueUrl"] for q in raw["queues"]]
    gone = "https://sqs.us-west-2.amazonaws.com/111122223333/deleted"
    answers: dict[str, dict[str, Any]] = {
        "get_queue_attributes": {q["QueueUrl"]: q["get_queue_attributes"] for q in raw["queues"]},
        "list_queue_tags": {q["QueueUrl"]: q["list_queue_tags"] for q in raw["queues"]},
        "describe_key": {"alias/aws/sqs": {"KeyMetadata": {"Arn": SQS_KEY}}},
    }
    answers["get_queue_attributes"][gone] = {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue"}}
    fake = Replay(answers, {"list_queues": [{"QueueUrls": [*urls[:1], gone, *urls[1:]]}]})
    monkeypatch.setattr(data_sqs, "client", lambda *_: fake)
    monkeypatch.setattr(data_common, "client", lambda *_: fake)
    payload = get_sqs(fake_clients(), REGION)
    assert [q.url for q in payload.queues] == urls
    assert payload.key_aliases == {"alias/aws/sqs": SQS_KEY}
    assert ("list_queue_tags", gone) not in fake.calls


def test_queue_arn_from_url() -> None:
    assert queue_arn("https://sqs.eu-west-1.amazonaws.com/444455556666/jobs", ACCOUNT, "eu-west-1") == (
        "arn:aws:sqs:eu-west-1:444455556666:jobs"
    )


# --- SNS ---------------------------------------------------------------------------------------------


def sns_payload() -> SnsPayload:
    raw = load("sns.json")
    topics = [
        SnsTopic(t["TopicArn"], t["get_topic_attributes"]["Attributes"], t["list_tags_for_resource"]["Tags"])
        for t in raw["topics"]
    ]
    return SnsPayload(topics, raw["list_subscriptions"]["Subscriptions"], raw["key_aliases"])


TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:order-events.fifo"
PUBLIC_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:public-alerts"
SUB_SQS = f"{TOPIC}:6b0e71bd-7e97-4d97-80ce-4a0994e55286"
SUB_LAMBDA = f"{TOPIC}:1f2e3d4c-5b6a-4789-8a0b-c1d2e3f4a5b6"
SUB_PARTNER = f"{TOPIC}:9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"
SUB_PENDING = f"{TOPIC}/pending/email/ops@example.com"


def test_sns_topics_properties_and_public_flag() -> None:
    rows = transform_sns(sns_payload(), ACCOUNT, REGION)
    topic = dict(node(rows, TOPIC).props)
    topic.pop("policy")
    assert topic == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "order-events.fifo",
        "tags": ("team=orders",),
        "topic_name": "order-events.fifo",
        "display_name": "Order events",
        "fifo": True,
        "kms_key_id": KEY,
        "policy_allows_public": False,  # the default policy's AWS:SourceOwner condition restricts it
        "subscriptions_confirmed": 3,
        "subscriptions_pending": 1,
    }
    public = node(rows, PUBLIC_TOPIC).props
    assert (public["policy_allows_public"], public["display_name"], public["kms_key_id"]) == (
        True,
        None,
        "alias/aws/sns",
    )
    schema_check(rows)


def test_sns_subscription_edges_only_to_own_queues_lambda_as_property() -> None:
    rows = transform_sns(sns_payload(), ACCOUNT, REGION)
    assert edges(rows) == {
        ("SNSTopic", TOPIC, "ENCRYPTED_BY", "KMSKey", KEY),
        *{
            ("SNSSubscription", s, "SUBSCRIBES_TO", "SNSTopic", TOPIC)
            for s in (SUB_SQS, SUB_LAMBDA, SUB_PARTNER, SUB_PENDING)
        },
        ("SNSSubscription", SUB_SQS, "DELIVERS_TO", "SQSQueue", ORDERS_Q),
    }
    lam = node(rows, SUB_LAMBDA).props
    assert (lam["protocol"], lam["lambda_function_arn"], lam["pending_confirmation"]) == (
        "lambda",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:order-indexer",
        False,
    )
    assert node(rows, SUB_SQS).props["name"] == f"order-events.fifo -> {ORDERS_Q}"


def test_sns_pending_subscription_is_keyed_by_topic_protocol_endpoint() -> None:
    rows = transform_sns(sns_payload(), ACCOUNT, REGION)
    pending = node(rows, SUB_PENDING).props
    assert (pending["subscription_arn"], pending["pending_confirmation"], pending["endpoint"]) == (
        None,
        True,
        "ops@example.com",
    )
    assert (
        subscription_id(
            {"SubscriptionArn": "PendingConfirmation", "TopicArn": "t", "Protocol": "sms", "Endpoint": "+1555"}
        )
        == "t/pending/sms/+1555"
    )


# --- Secrets Manager ---------------------------------------------------------------------------------


ROTATOR = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:SecretsManagerRDSPostgreSQLRotationSingleUser"


def test_secret_with_rotation_and_aliased_key() -> None:
    raw = load("secretsmanager.json")
    rows = transform_secrets(SecretsPayload(raw["list_secrets"]["SecretList"], raw["key_aliases"]), ACCOUNT, REGION)
    arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders/db-password-AbCdEf"
    assert node(rows, arn).props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders/db-password",
        "tags": ("env=prod",),
        "secret_name": "orders/db-password",
        "description": "orders database master password",
        "kms_key_id": "alias/orders-data",
        "rotation_enabled": True,
        "rotation_lambda_arn": ROTATOR,
        "rotation_days": 30,
        "last_rotated": t("2024-03-01T00:00:00+00:00"),
        "last_changed": t("2024-03-01T00:00:05+00:00"),
        "last_accessed": t("2024-03-10T00:00:00+00:00"),
        "primary_region": "us-west-2",
        "created_at": t("2023-09-14T08:15:00+00:00"),
    }
    assert edges(rows) == {("SecretsManagerSecret", arn, "ENCRYPTED_BY", "KMSKey", KEY)}
    legacy = node(rows, f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:legacy/api-token-QwErTy").props
    assert (legacy["rotation_enabled"], legacy["kms_key_id"], legacy["description"]) == (False, None, None)
    assert len(rows.nodes) == 2  # the entry without an ARN is skipped
    schema_check(rows)


def test_secrets_module_never_reads_secret_values() -> None:
    source = (Path(data_common.__file__).parent / "data_secrets.py").read_text()
    assert "get_secret_value" not in source.replace("never calls get_secret_value", "")
    assert "batch_get_secret_value" not in source


# --- shared pieces -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (KEY, KEY),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", KEY),
        ("alias/app-data", None),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app-data", None),
        ("", None),
        (None, None),
    ],
)
def test_kms_key_ref(ref: str | None, expected: str | None) -> None:
    assert kms_key_ref(ref, ACCOUNT, REGION) == expected


def test_kms_key_ref_uses_resolved_aliases_and_partition() -> None:
    assert kms_key_ref("alias/app-data", ACCOUNT, REGION, {"alias/app-data": KEY}) == KEY
    assert kms_key_ref("abc", ACCOUNT, "cn-north-1") == f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/abc"


def _policy(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:*"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}, "Action": "sqs:*"}, True),
        ({"Effect": "Deny", "Principal": "*", "Action": "s3:*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:*"}, False),
        ({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage"}, False),
        ({"Effect": "Allow", "Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}, False),
        ({"Effect": "Allow", "Principal": "*", "Condition": {"StringEquals": {"AWS:SourceOwner": "1"}}}, False),
        ({"Effect": "Allow", "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, True),
    ],
)
def test_policy_allows_public(statement: dict[str, Any], public: bool) -> None:
    assert policy_allows_public(_policy(statement)) is public


def test_policy_allows_public_on_missing_or_broken_text() -> None:
    assert policy_allows_public(None) is None
    assert policy_allows_public("{broken") is None
    assert policy_allows_public('{"Statement": "nonsense"}') is False


def test_data_units_registered_with_their_labels() -> None:
    assert [(u.service, u.labels, u.global_service, u.cleanup_all_regions) for u in data.UNITS] == [
        ("kms", ("KMSKey",), False, False),
        ("rds", ("RDSInstance", "RDSCluster", "RDSSubnetGroup"), False, False),
        ("dynamodb", ("DynamoDBTable",), False, False),
        ("s3", ("S3Bucket",), True, True),
        ("sqs", ("SQSQueue",), False, False),
        ("sns", ("SNSTopic", "SNSSubscription"), False, False),
        ("secretsmanager", ("SecretsManagerSecret",), False, False),
    ]
    owned = {label for u in data.UNITS for label in u.labels}
    assert owned == {
        k.label for k in SCHEMA.nodes if k.service in {"kms", "rds", "dynamodb", "s3", "sqs", "sns", "secretsmanager"}
    }


def test_empty_payloads_give_no_rows() -> None:
    assert transform_kms(KmsPayload([], []), ACCOUNT, REGION) == Transformed()
    assert transform_rds(RdsPayload([], [], []), ACCOUNT, REGION) == Transformed()
    assert transform_dynamodb([], ACCOUNT, REGION) == Transformed()
    assert transform_s3([], ACCOUNT, "global") == Transformed()
    assert transform_sqs(SqsPayload([]), ACCOUNT, REGION) == Transformed()
    assert transform_sns(SnsPayload([], []), ACCOUNT, REGION) == Transformed()
    assert transform_secrets(SecretsPayload([]), ACCOUNT, REGION) == Transformed()
