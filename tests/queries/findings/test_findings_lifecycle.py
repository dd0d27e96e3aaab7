"""Findings over time, on real Neo4j and Redis: first seen, resolved (kept), reopened, suppressed by rule,
resource or tag until the suppression expires; new critical findings queued as aidiscover.notify events."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from core.errors import QueryInputError
from core.settings import Settings
from graph.neo4j.client import Graph
from ingest.broker import NOTIFY_TASK
from ingest.jobs.hooks import POST_SYNC, evaluate_findings, run_post_sync
from queries.findings.catalogue import BY_ID
from queries.findings.evaluate import evaluate
from queries.findings.suppressions import create_suppression, delete_suppression, list_suppressions
from tests.queries.findings.cases_aws import BUCKET

RULES = (BY_ID["aws-s3-public-policy"], BY_ID["aws-s3-versioning-off"])


def _bucket(graph: Graph, public: bool, tags: list[str] | None = None) -> None:
    graph.write(
        "MERGE (b:S3Bucket:Resource {id: $id}) SET b.provider = 'aws', b.account = '123456789012', "
        "b.region = 'us-east-1', b.kind = 'S3Bucket', b.name = 'estate-reports', b.bucket_name = 'estate-reports', "
        "b.tags = $tags, b.policy_allows_public = $public, b.versioning = 'Enabled', b.block_public_policy = false, "
        "b.restrict_public_buckets = false",
        {"id": BUCKET, "public": public, "tags": tags or ["team=data"]},
    )


def _finding(graph: Graph, rule_id: str = "aws-s3-public-policy") -> dict[str, object]:
    rows = graph.read(
        "MATCH (f:Finding {id: $id}) OPTIONAL MATCH (r)-[:HAS_FINDING]->(f) RETURN properties(f) AS f, r.id AS r",
        {"id": f"{rule_id}:{BUCKET}"},
    )
    assert len(rows) == 1
    return {**dict(rows[0]["f"]), "linked_from": rows[0]["r"]}


def test_a_finding_is_created_linked_resolved_and_reopened(graph: Graph) -> None:
    _bucket(graph, public=True)
    first = evaluate(graph, RULES)
    assert [n.id for n in first.new] == [f"aws-s3-public-policy:{BUCKET}"]
    f = _finding(graph)
    assert f["status"] == "open"
    assert f["linked_from"] == BUCKET
    assert f["severity"] == "critical"
    assert f["command"] == (
        "aws s3api put-public-access-block --bucket estate-reports --public-access-block-configuration "
        "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
    )
    first_seen = f["first_seen"]

    again = evaluate(graph, RULES)
    assert again.new == ()
    assert _finding(graph)["first_seen"] == first_seen

    _bucket(graph, public=False)
    fixed = evaluate(graph, RULES)
    f = _finding(graph)
    assert fixed.resolved == 1
    assert f["status"] == "resolved"
    assert f["resolved_at"] is not None

    _bucket(graph, public=True)
    back = evaluate(graph, RULES)
    f = _finding(graph)
    assert back.new == ()
    assert back.reopened == 1
    assert f["status"] == "open"
    assert "resolved_at" not in f
    assert f["reopened_count"] == 1
    assert f["first_seen"] == first_seen


def test_a_deleted_resource_resolves_its_findings(graph: Graph) -> None:
    _bucket(graph, public=True)
    evaluate(graph, RULES)
    graph.write("MATCH (b:S3Bucket {id: $id}) DETACH DELETE b", {"id": BUCKET})
    evaluate(graph, RULES)
    assert _finding(graph)["status"] == "resolved"


@pytest.mark.parametrize(
    "how",
    [
        {"rule_id": "aws-s3-public-policy"},
        {"resource_id": BUCKET},
        {"tag": "team=data"},
        {"rule_id": "aws-s3-public-policy", "tag": "team=data"},
    ],
)
def test_a_suppression_silences_matching_findings_until_it_is_removed(graph: Graph, how: dict[str, str]) -> None:
    _bucket(graph, public=True)
    evaluate(graph, RULES)
    until = datetime.now(UTC) + timedelta(days=30)
    sup = create_suppression(graph, reason="public by design: static site", expires_at=until, created_by="ops", **how)
    f = _finding(graph)
    assert f["status"] == "suppressed"
    assert f["suppressed_by"] == sup.id
    assert evaluate(graph, RULES).suppressed == 1
    assert _finding(graph)["status"] == "suppressed"
    assert delete_suppression(graph, sup.id)
    assert _finding(graph)["status"] == "open"
    assert not delete_suppression(graph, sup.id)


def test_a_suppression_that_does_not_match_leaves_findings_open(graph: Graph) -> None:
    _bucket(graph, public=True)
    evaluate(graph, RULES)
    until = datetime.now(UTC) + timedelta(days=30)
    create_suppression(graph, reason="other team", expires_at=until, created_by="ops", tag="team=web")
    create_suppression(graph, reason="rule", expires_at=until, created_by="ops", rule_id="aws-s3-versioning-off")
    assert _finding(graph)["status"] == "open"


def test_an_expired_suppression_stops_applying(graph: Graph) -> None:
    _bucket(graph, public=True)
    evaluate(graph, RULES)
    created = datetime.now(UTC) - timedelta(days=10)
    create_suppression(
        graph,
        reason="until the migration",
        expires_at=created + timedelta(days=5),
        created_by="ops",
        resource_id=BUCKET,
        now=created,
    )
    assert evaluate(graph, RULES).suppressed == 0
    assert _finding(graph)["status"] == "open"
    assert len(list_suppressions(graph)) == 1
    assert list_suppressions(graph, include_expired=False) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs a rule id, a resource id or a tag"),
        ({"rule_id": "aws-nope"}, "unknown rule 'aws-nope'"),
        ({"tag": "novalue"}, "must look like key=value"),
        ({"resource_id": BUCKET, "reason": " "}, "needs a reason"),
        ({"resource_id": BUCKET, "expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, "is in the past"),
        ({"resource_id": BUCKET, "expires_at": datetime(2099, 1, 1)}, "needs a time zone"),
    ],
)
def test_bad_suppressions_are_refused_with_what_to_do(graph: Graph, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"reason": "because", "expires_at": datetime.now(UTC) + timedelta(days=1), **kwargs}
    with pytest.raises(QueryInputError, match=message):
        create_suppression(graph, created_by="ops", **args)  # type: ignore[arg-type]
    assert list_suppressions(graph) == []


def test_a_path_finding_records_its_path_and_affects_the_resources_on_it(graph: Graph) -> None:
    from tests.queries.findings.cases_paths import INSTANCE, PATH_CASES

    case = next(c for c in PATH_CASES if c.rule_id == "aws-path-internet-instance-admin-role")
    graph.write(case.build(True).cypher())  # type: ignore[arg-type]
    evaluate(graph, (BY_ID[case.rule_id],))
    rows = graph.read(
        "MATCH (f:Finding {rule_id: $rule}) OPTIONAL MATCH (f)-[:AFFECTS]->(x) "
        "RETURN f.path_ids AS ids, f.path_rels AS rels, f.resource_id AS resource, collect(x.kind) AS kinds",
        {"rule": case.rule_id},
    )
    assert rows[0]["resource"] == INSTANCE
    assert rows[0]["rels"] == [
        "HAS_RULE",
        "MEMBER_OF_SECURITY_GROUP",
        "USES_INSTANCE_PROFILE",
        "CONTAINS_ROLE",
        "HAS_POLICY",
        "HAS_STATEMENT",
    ]
    assert len(rows[0]["ids"]) == len(rows[0]["rels"]) + 1
    assert sorted(rows[0]["kinds"]) == ["IAMInstanceProfile", "IAMPolicy", "IAMRole", "SecurityGroup"]


@pytest.fixture
def broker(settings: Settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.redis.url)
    client.delete("celery")
    yield client
    client.delete("celery")


def _queued(client: redis.Redis) -> list[tuple[str, list[object]]]:
    out = []
    for raw in client.lrange("celery", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        out.append((message["headers"]["task"], args))
    return out


def test_new_critical_findings_are_queued_once_as_notify_events(
    graph: Graph, settings: Settings, broker: redis.Redis
) -> None:
    _bucket(graph, public=True)
    graph.write(
        "CREATE (:S3Bucket:Resource {id: 'arn:aws:s3:::quiet', provider: 'aws', account: '123456789012', "
        "region: 'us-east-1', kind: 'S3Bucket', name: 'quiet', bucket_name: 'quiet', versioning: 'Suspended'})"
    )
    evaluate_findings(graph, settings)
    queued = [(task, args) for task, args in _queued(broker) if task == NOTIFY_TASK]
    events = [args[0] for _, args in queued]
    assert [e["finding_id"] for e in events if isinstance(e, dict)] == [f"aws-s3-public-policy:{BUCKET}"]
    event = events[0]
    assert isinstance(event, dict)
    assert event["type"] == "finding.critical"
    assert event["severity"] == "critical"
    assert event["resource"] == BUCKET
    assert event["rule"] == "aws-s3-public-policy"
    broker.delete("celery")
    evaluate_findings(graph, settings)  # not new any more: nothing is sent again
    assert [t for t, _ in _queued(broker) if t == NOTIFY_TASK] == []


def test_the_post_sync_hook_evaluates_the_rules(graph: Graph, settings: Settings, broker: redis.Redis) -> None:
    assert evaluate_findings in POST_SYNC
    _bucket(graph, public=True)
    assert run_post_sync(graph, settings, hooks=[evaluate_findings]) == []
    assert _finding(graph)["status"] == "open"
