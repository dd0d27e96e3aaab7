"""AWS data discovery end to end: the data estate seeded in moto, read through the real APIs by
a discovery job (with the EC2 unit, whose subnets and groups the RDS edges point at), into the real Neo4j.
S3 is a global unit whose buckets carry their own regions; its cleanup covers every region.

Expected counts are derived from what the APIs themselves return.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import neo4j.time
import pytest

from core.settings import Settings, load_settings
from devclouds.moto_server import MotoServer
from devclouds.seed_aws_data import PRIVATE_BUCKET, PUBLIC_BUCKET, PUBLIC_BUCKET_REGION, seed
from graph.neo4j.client import Graph
from graph.rows import HASH_PROPERTIES
from graph.schema import aws_data
from graph.write import UnitCounts
from ingest.providers.aws import data, data_s3, ec2
from tests.discovery import Discovery, discover_job

ACCOUNT = "123456789012"
REGION = "us-east-1"
AMIS = Path(__file__).resolve().parent.parent / "data" / "aws" / "moto_amis.json"
STAMPS = frozenset({"last_seen", "last_sync"}) | HASH_PROPERTIES  # bookkeeping, not the resource
DATA_LABELS = tuple(label for u in data.UNITS for label in u.labels)


@pytest.fixture
def data_settings(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # One worker: the job's units run one after another (it writes every unit's nodes before any edge).
    monkeypatch.setenv("AIDISCOVER_AWS_MAX_WORKERS", "1")
    monkeypatch.setenv("AWS_REGION", REGION)
    return load_settings()


@pytest.fixture
def estate(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    # moto's MOTO_AMIS_PATH: one AMI instead of its catalogue of thousands, loaded per region after a reset
    monkeypatch.setenv("MOTO_AMIS_PATH", str(AMIS))
    return seed(moto.url, REGION)


def api(moto: MotoServer, service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=moto.url)  # type: ignore[call-overload]


def discover(settings: Settings, graph: Graph) -> Discovery:
    report = discover_job(settings, graph, regions=(REGION,), units=(*ec2.UNITS, *data.UNITS))
    assert report.warnings == ()
    assert report.account == ACCOUNT
    return report


def discover_s3(settings: Settings, graph: Graph) -> UnitCounts:
    report = discover_job(settings, graph, regions=(REGION,), units=data_s3.UNITS)
    assert report.warnings == ()
    assert [(u.service, u.region) for u in report.units] == [("s3", "global")]
    return report.units[0].counts


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


@dataclass(frozen=True)
class World:
    """The graph right after one discovery of the seeded estate, and the counts the APIs imply."""

    estate: dict[str, str]
    nodes: dict[str, dict[str, Any]]
    edges: dict[tuple[str, str, str], dict[str, Any]]
    graph_counts: tuple[Counter[str], Counter[tuple[str, str, str]]]
    api_counts: tuple[Counter[str], Counter[tuple[str, str, str]]]


@pytest.fixture(scope="module")
def world(moto_server: MotoServer, session_graph: Graph) -> Iterator[World]:
    """Seed and discover once for the read-only tests of this module (each takes a copy in memory, so
    the per-test wipes of the other tests cannot reach it)."""
    with pytest.MonkeyPatch.context() as mp:
        moto_server.reset()
        for name, value in (
            ("AWS_ENDPOINT_URL", moto_server.url),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AIDISCOVER_AWS_MAX_WORKERS", "1"),
            ("AWS_REGION", REGION),
            ("MOTO_AMIS_PATH", str(AMIS)),
        ):
            mp.setenv(name, value)
        mp.delenv("AWS_PROFILE", raising=False)
        session_graph.wipe()
        estate = seed(moto_server.url, REGION)
        discover(load_settings(), session_graph)
        nodes, edges = snapshot(session_graph)
        yield World(estate, nodes, edges, graph_counts(session_graph), api_counts(moto_server))


def props_of(world: World, node_id: str) -> dict[str, Any]:
    return {k: v for k, v in world.nodes[node_id].items() if k not in STAMPS | {"first_seen"}}


def out_edges(world: World, node_id: str) -> set[tuple[str, str]]:
    return {(t, b) for a, t, b in world.edges if a == node_id}


def snapshot(graph: Graph) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str, str], dict[str, Any]]]:
    nodes = {
        r["id"]: {k: _native(v) for k, v in r["p"].items()}
        for r in graph.read("MATCH (n) RETURN n.id AS id, properties(n) AS p")
    }
    edges = {
        (r["a"], r["t"], r["b"]): {k: _native(v) for k, v in r["p"].items()}
        for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p")
    }
    return nodes, edges


def ec2_arn(resource: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{resource}"


# --- counts derived from the APIs --------------------------------------------------------------------


def api_counts(moto: MotoServer) -> tuple[Counter[str], Counter[tuple[str, str, str]]]:
    nodes: Counter[str] = Counter()
    edges: Counter[tuple[str, str, str]] = Counter()
    kms = api(moto, "kms")
    nodes["KMSKey"] = len(kms.list_keys()["Keys"])
    rds = api(moto, "rds")
    instances = rds.describe_db_instances()["DBInstances"]
    clusters = rds.describe_db_clusters()["DBClusters"]
    groups = {g["DBSubnetGroupName"]: g for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]}
    nodes["RDSInstance"], nodes["RDSCluster"], nodes["RDSSubnetGroup"] = len(instances), len(clusters), len(groups)
    for g in groups.values():
        edges["RDSSubnetGroup", "IN_SUBNET", "Subnet"] += len(g["Subnets"])
        edges["RDSSubnetGroup", "IN_VPC", "VPC"] += 1 if g.get("VpcId") else 0
    for i in instances:
        edges["RDSInstance", "IN_SUBNET", "Subnet"] += len(i.get("DBSubnetGroup", {}).get("Subnets", []))
        edges["RDSInstance", "IN_SUBNET_GROUP", "RDSSubnetGroup"] += 1 if i.get("DBSubnetGroup") else 0
        edges["RDSInstance", "MEMBER_OF_SECURITY_GROUP", "SecurityGroup"] += len(i["VpcSecurityGroups"])
        edges["RDSInstance", "MEMBER_OF_CLUSTER", "RDSCluster"] += 1 if i.get("DBClusterIdentifier") else 0
        edges["RDSInstance", "ENCRYPTED_BY", "KMSKey"] += 1 if i.get("KmsKeyId") else 0
    for c in clusters:
        edges["RDSCluster", "IN_SUBNET", "Subnet"] += len(groups[c["DBSubnetGroup"]]["Subnets"])
        edges["RDSCluster", "IN_SUBNET_GROUP", "RDSSubnetGroup"] += 1
        edges["RDSCluster", "MEMBER_OF_SECURITY_GROUP", "SecurityGroup"] += len(c["VpcSecurityGroups"])
        edges["RDSCluster", "ENCRYPTED_BY", "KMSKey"] += 1 if c.get("KmsKeyId") else 0
    ddb = api(moto, "dynamodb")
    tables = [ddb.describe_table(TableName=n)["Table"] for n in ddb.list_tables()["TableNames"]]
    nodes["DynamoDBTable"] = len(tables)
    edges["DynamoDBTable", "ENCRYPTED_BY", "KMSKey"] = sum(1 for t in tables if t.get("SSEDescription"))
    s3 = api(moto, "s3")
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    nodes["S3Bucket"] = len(buckets)
    for name in buckets:
        try:
            s3.get_bucket_encryption(Bucket=name)
            edges["S3Bucket", "ENCRYPTED_BY", "KMSKey"] += 1
        except s3.exceptions.ClientError:
            pass
    sqs = api(moto, "sqs")
    queues = [
        sqs.get_queue_attributes(QueueUrl=u, AttributeNames=["All"])["Attributes"]
        for u in sqs.list_queues()["QueueUrls"]
    ]
    nodes["SQSQueue"] = len(queues)
    edges["SQSQueue", "ENCRYPTED_BY", "KMSKey"] = sum(1 for q in queues if q.get("KmsMasterKeyId"))
    edges["SQSQueue", "SENDS_FAILURES_TO", "SQSQueue"] = sum(1 for q in queues if q.get("RedrivePolicy"))
    sns = api(moto, "sns")
    topics = [sns.get_topic_attributes(TopicArn=t["TopicArn"])["Attributes"] for t in sns.list_topics()["Topics"]]
    subs = sns.list_subscriptions()["Subscriptions"]
    nodes["SNSTopic"], nodes["SNSSubscription"] = len(topics), len(subs)
    edges["SNSTopic", "ENCRYPTED_BY", "KMSKey"] = sum(1 for t in topics if t.get("KmsMasterKeyId"))
    edges["SNSSubscription", "SUBSCRIBES_TO", "SNSTopic"] = len(subs)
    edges["SNSSubscription", "DELIVERS_TO", "SQSQueue"] = sum(1 for s in subs if s["Protocol"] == "sqs")
    secrets = api(moto, "secretsmanager").list_secrets()["SecretList"]
    nodes["SecretsManagerSecret"] = len(secrets)
    edges["SecretsManagerSecret", "ENCRYPTED_BY", "KMSKey"] = sum(1 for s in secrets if s.get("KmsKeyId"))
    return nodes, +edges


def graph_counts(graph: Graph) -> tuple[Counter[str], Counter[tuple[str, str, str]]]:
    cypher = "MATCH (n) WHERE n.kind IN $k RETURN n.kind AS k, count(*) AS c"
    nodes = Counter({r["k"]: r["c"] for r in graph.read(cypher, {"k": list(DATA_LABELS)})})
    edges = Counter(
        {
            (r["a"], r["t"], r["b"]): r["c"]
            for r in graph.read(
                "MATCH (a)-[r]->(b) WHERE a.kind IN $k RETURN a.kind AS a, type(r) AS t, b.kind AS b, count(*) AS c",
                {"k": list(DATA_LABELS)},
            )
        }
    )
    return nodes, edges


# --- tests -------------------------------------------------------------------------------------------


def test_counts_per_label_and_edge_type_match_what_the_apis_return(world: World) -> None:
    expected_nodes, expected_edges = world.api_counts
    assert world.graph_counts == (expected_nodes, expected_edges)
    # The seeded estate is in there: the derived numbers are not trivially zero.
    assert expected_nodes["RDSInstance"] == 2
    assert expected_nodes["S3Bucket"] == 2
    assert expected_edges["SQSQueue", "SENDS_FAILURES_TO", "SQSQueue"] == 1
    assert len(expected_edges) == len(aws_data.RELATIONSHIPS)  # every declared edge type occurs


def test_orders_db_properties_and_its_subnets_group_and_key(world: World) -> None:
    estate = world.estate
    db = estate["rds_instance_arn"]
    props = props_of(world, db)
    created = props.pop("created_at")
    assert created.tzinfo is not None
    assert props == {
        "id": db,
        "kind": "RDSInstance",
        "provider": "aws",
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders-db",
        "tags": ["env=prod"],
        "db_instance_identifier": "orders-db",
        "engine": "postgres",
        "engine_version": "15.4",
        "instance_class": "db.t3.micro",
        "status": "available",
        "storage_type": "gp3",
        "allocated_storage": 20,
        "multi_az": True,
        "publicly_accessible": False,
        "storage_encrypted": True,
        "kms_key_id": estate["kms_key_arn"],
        "endpoint_address": "orders-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com",
        "endpoint_port": 5432,
        "backup_retention_period": 7,
        "availability_zone": "us-east-1a",
        "db_subnet_group": "db-subnets",
        "vpc_id": estate["vpc"],
        "deletion_protection": False,
        "iam_database_authentication": False,
    }
    assert out_edges(world, db) == {
        ("IN_SUBNET", ec2_arn(f"subnet/{estate['subnet_a']}")),
        ("IN_SUBNET", ec2_arn(f"subnet/{estate['subnet_b']}")),
        ("MEMBER_OF_SECURITY_GROUP", ec2_arn(f"security-group/{estate['db_sg']}")),
        ("ENCRYPTED_BY", estate["kms_key_arn"]),
        ("IN_SUBNET_GROUP", f"arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:db-subnets"),
    }
    subnets = {b for t, b in out_edges(world, db) if t == "IN_SUBNET"}
    assert {b for a, t, b in world.edges if a in subnets and t == "IN_VPC"} == {ec2_arn(f"vpc/{estate['vpc']}")}


def test_aurora_cluster_members_subnets_and_key(world: World) -> None:
    estate = world.estate
    cluster = estate["rds_cluster_arn"]
    props = props_of(world, cluster)
    assert (props["engine"], props["members"], props["writer"], props["storage_encrypted"], props["port"]) == (
        "aurora-postgresql",
        ["reports-aurora-1"],
        "reports-aurora-1",
        True,
        5432,
    )
    assert out_edges(world, cluster) == {
        ("IN_SUBNET", ec2_arn(f"subnet/{estate['subnet_a']}")),
        ("IN_SUBNET", ec2_arn(f"subnet/{estate['subnet_b']}")),
        ("MEMBER_OF_SECURITY_GROUP", ec2_arn(f"security-group/{estate['db_sg']}")),
        ("ENCRYPTED_BY", estate["kms_key_arn"]),
        ("IN_SUBNET_GROUP", f"arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:db-subnets"),
    }
    assert ("MEMBER_OF_CLUSTER", cluster) in out_edges(world, estate["rds_cluster_member_arn"])


def test_kms_key_with_alias_rotation_and_what_it_encrypts(world: World) -> None:
    estate = world.estate
    key = props_of(world, estate["kms_key_arn"])
    assert {
        k: key[k]
        for k in (
            "name",
            "aliases",
            "rotation_enabled",
            "key_manager",
            "key_state",
            "enabled",
            "key_spec",
            "tags",
            "description",
        )
    } == {
        "name": "alias/app-data",
        "aliases": ["alias/app-data"],
        "rotation_enabled": True,
        "key_manager": "CUSTOMER",
        "key_state": "Enabled",
        "enabled": True,
        "key_spec": "SYMMETRIC_DEFAULT",
        "tags": ["team=data"],
        "description": "app data key",
    }
    # the key policy is read from the service (moto answers with the default policy naming the account root)
    assert "kms:*" in key["policy"]
    assert key["policy_allows_public"] is False
    sources = [a for a, t, b in world.edges if t == "ENCRYPTED_BY" and b == estate["kms_key_arn"]]
    assert sorted((world.nodes[a]["kind"], world.nodes[a]["name"]) for a in sources) == [
        ("DynamoDBTable", "orders"),
        ("RDSCluster", "reports-aurora"),
        ("RDSInstance", "orders-db"),
        ("RDSInstance", "reports-aurora-1"),
        ("S3Bucket", PRIVATE_BUCKET),
        ("SNSTopic", "order-events"),
        ("SQSQueue", "orders"),
        ("SecretsManagerSecret", "orders/db-password"),
    ]


def test_dynamodb_table_stream_and_point_in_time_recovery(world: World) -> None:
    estate = world.estate
    props = props_of(world, estate["dynamodb_table_arn"])
    assert {
        k: props[k]
        for k in (
            "billing_mode",
            "stream_enabled",
            "stream_view_type",
            "stream_arn",
            "sse_type",
            "kms_key_arn",
            "point_in_time_recovery",
            "item_count",
            "size_bytes",
        )
    } == {
        "billing_mode": "PAY_PER_REQUEST",
        "stream_enabled": True,
        "stream_view_type": "NEW_AND_OLD_IMAGES",
        "stream_arn": estate["dynamodb_stream_arn"],
        "sse_type": "KMS",
        "kms_key_arn": estate["kms_key_arn"],
        "point_in_time_recovery": True,
        "item_count": 0,
        "size_bytes": 0,
    }


def test_s3_buckets_carry_their_own_regions_and_public_flags(world: World) -> None:
    estate = world.estate
    private = props_of(world, f"arn:aws:s3:::{PRIVATE_BUCKET}")
    public = props_of(world, f"arn:aws:s3:::{PUBLIC_BUCKET}")
    flags = (
        "region",
        "policy_allows_public",
        "acl_public",
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
        "encryption_algorithm",
        "kms_key_id",
        "versioning",
    )
    assert {k: private.get(k) for k in flags} == {
        "region": REGION,
        "policy_allows_public": False,
        "acl_public": False,
        "block_public_acls": True,
        "ignore_public_acls": True,
        "block_public_policy": True,
        "restrict_public_buckets": True,
        "encryption_algorithm": "aws:kms",
        "kms_key_id": estate["kms_key_arn"],
        "versioning": "Enabled",
    }
    assert {k: public.get(k) for k in flags} == {
        "region": PUBLIC_BUCKET_REGION,
        "policy_allows_public": True,
        "acl_public": False,
        "block_public_acls": False,
        "ignore_public_acls": False,
        "block_public_policy": False,
        "restrict_public_buckets": False,
        "encryption_algorithm": None,
        "kms_key_id": None,
        "versioning": "Disabled",
    }
    assert json.loads(public["policy"])["Statement"][0]["Principal"] == "*"
    assert "policy" not in private
    assert out_edges(world, f"arn:aws:s3:::{PUBLIC_BUCKET}") == set()


def test_a_deleted_bucket_is_removed_by_the_all_regions_scope_and_nothing_else(
    data_settings: Settings, graph: Graph, moto: MotoServer, estate: dict[str, str]
) -> None:
    discover(data_settings, graph)
    before_nodes, before_edges = snapshot(graph)
    s3 = api(moto, "s3", PUBLIC_BUCKET_REGION)
    s3.delete_bucket_policy(Bucket=PUBLIC_BUCKET)
    s3.delete_bucket(Bucket=PUBLIC_BUCKET)

    counts = discover_s3(data_settings, graph)
    after_nodes, after_edges = snapshot(graph)

    assert counts.removed_nodes == 1
    assert set(after_nodes) == set(before_nodes) - {f"arn:aws:s3:::{PUBLIC_BUCKET}"}
    assert set(after_edges) == set(before_edges)


def test_queue_dead_letter_and_topic_subscription_edges(world: World) -> None:
    estate = world.estate
    queue = props_of(world, estate["queue_arn"])
    assert {
        k: queue.get(k)
        for k in (
            "queue_name",
            "fifo",
            "visibility_timeout",
            "message_retention_period",
            "kms_key_id",
            "dead_letter_target_arn",
            "max_receive_count",
            "policy_allows_public",
            "tags",
        )
    } == {
        "queue_name": "orders",
        "fifo": False,
        "visibility_timeout": 45,
        "message_retention_period": 86400,
        "kms_key_id": estate["kms_key_arn"],
        "dead_letter_target_arn": estate["dlq_arn"],
        "max_receive_count": 5,
        "policy_allows_public": False,
        "tags": ["team=orders"],
    }
    assert out_edges(world, estate["queue_arn"]) == {
        ("SENDS_FAILURES_TO", estate["dlq_arn"]),
        ("ENCRYPTED_BY", estate["kms_key_arn"]),
    }
    subscription = estate["subscription_arn"]
    assert out_edges(world, subscription) == {
        ("SUBSCRIBES_TO", estate["topic_arn"]),
        ("DELIVERS_TO", estate["queue_arn"]),
    }
    assert [a for a, t, _ in world.edges if t == "DELIVERS_TO"] == [subscription]
    assert (world.nodes[subscription]["protocol"], world.nodes[estate["topic_arn"]]["policy_allows_public"]) == (
        "sqs",
        False,
    )


def test_secret_metadata_without_its_value(world: World) -> None:
    estate = world.estate
    secret = props_of(world, estate["secret_arn"])
    assert {k: secret.get(k) for k in ("name", "description", "kms_key_id", "rotation_enabled", "tags")} == {
        "name": "orders/db-password",
        "description": "orders database password",
        "kms_key_id": estate["kms_key_arn"],
        "rotation_enabled": False,
        "tags": ["env=prod"],
    }
    assert "not-a-secret-2" not in json.dumps({k: str(v) for k, v in secret.items()})
    assert out_edges(world, estate["secret_arn"]) == {("ENCRYPTED_BY", estate["kms_key_arn"])}


def test_running_discovery_twice_writes_nothing_the_second_time(
    data_settings: Settings, graph: Graph, estate: dict[str, str]
) -> None:
    discover(data_settings, graph)
    first_nodes, first_edges = snapshot(graph)
    report = discover(data_settings, graph)
    second_nodes, second_edges = snapshot(graph)

    def drop(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k not in STAMPS}

    assert len(second_nodes) == len(first_nodes) > 0
    assert {k: drop(v) for k, v in second_nodes.items()} == {k: drop(v) for k, v in first_nodes.items()}
    assert {k: drop(v) for k, v in second_edges.items()} == {k: drop(v) for k, v in first_edges.items()}
    for key, props in second_nodes.items():  # nothing rewritten: the scopes' stamps say it was seen
        assert props["last_sync"] == first_nodes[key]["last_sync"], key
    assert report.job.written == 0
    assert sum(u.counts.removed_nodes + u.counts.removed_edges for u in report.units) == 0
    assert all(u.counts.skipped_edges == 0 for u in report.units)
    assert "s3" in {u.service for u in report.units}


def test_a_deleted_queue_is_gone_with_its_edges_after_the_next_run(
    data_settings: Settings, graph: Graph, moto: MotoServer, estate: dict[str, str]
) -> None:
    discover(data_settings, graph)
    before_nodes, before_edges = snapshot(graph)
    sqs = api(moto, "sqs")
    sns = api(moto, "sns")
    sns.unsubscribe(SubscriptionArn=estate["subscription_arn"])
    sqs.delete_queue(QueueUrl=estate["queue_url"])

    report = discover(data_settings, graph)
    after_nodes, after_edges = snapshot(graph)

    gone = {estate["queue_arn"], estate["subscription_arn"]}
    assert set(after_nodes) == set(before_nodes) - gone
    assert set(after_edges) == {e for e in before_edges if e[0] not in gone and e[2] not in gone}
    removed = {u.service: u.counts.removed_nodes for u in report.units}
    assert (removed["sqs"], removed["sns"]) == (1, 1)


def test_s3_runs_once_as_a_global_unit_in_a_job_and_writes_each_bucket_in_its_region(
    data_settings: Settings, graph: Graph, estate: dict[str, str]
) -> None:
    report = discover_job(data_settings, graph, regions=(REGION,), units=data.UNITS)
    assert report.warnings == ()
    assert [(u.service, u.region) for u in report.units if u.service == "s3"] == [("s3", "global")]
    rows = graph.read("MATCH (b:S3Bucket) RETURN b.bucket_name AS name, b.region AS region ORDER BY name")
    assert [(r["name"], r["region"]) for r in rows] == [(PRIVATE_BUCKET, REGION), (PUBLIC_BUCKET, PUBLIC_BUCKET_REGION)]
