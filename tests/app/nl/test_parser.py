"""The semantic parser on a hand-made vocabulary (no service): what it understands, the Cypher it composes,
when it asks back and when it declines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.nl import gate
from app.nl.compose import CHANGES_HEAD, cypher_of, gated, understood
from app.nl.parser import parse
from app.nl.reading import Clarify, Decline, Reading
from app.nl.vocabulary import Named, Vocabulary
from app.nl.words import parse_time
from graph.schema import SCHEMA


def _named(id_: str, kind: str, name: str, provider: str = "aws", account: str = "111111111111") -> Named:
    region = {"aws": "eu-west-1", "gcp": "us-central1", "azure": "westeurope"}[provider]
    return Named(id_, kind, name, provider, account, region)


NODES = (
    _named("db-aws", "RDSInstance", "orders-db"),
    _named("db-gcp", "GCPCloudSQLInstance", "orders-db", "gcp", "acme-prod"),
    _named("sg-orders", "SecurityGroup", "orders-db"),
    _named("i-1", "EC2Instance", "web-1"),
    _named("sg-web", "SecurityGroup", "web-1"),
    _named("subnet-a", "Subnet", "app-a"),
)


def vocab() -> Vocabulary:
    names: dict[str, list[Named]] = {}
    for n in NODES:
        names.setdefault(n.name, []).append(n)
        names.setdefault(n.id, []).append(n)
    return Vocabulary(
        names={k: tuple(v) for k, v in names.items()},
        regions=frozenset({"eu-west-1", "us-central1", "westeurope"}),
        accounts=frozenset({"111111111111", "acme-prod"}),
        values={
            "running": (("EC2Instance", "state", "running"),),
            "t3.micro": (("EC2Instance", "instance_type", "t3.micro"),),
            "postgres": (("RDSInstance", "engine", "postgres"),),
        },
        tags={"team=payments": "team=payments", "env=prod": "env=prod"},
        tag_keys={"team": "team", "env": "env"},
        tag_values={"team": frozenset({"payments"}), "env": frozenset({"prod"})},
    )


def read(question: str) -> Reading:
    found = parse(question, vocab())
    assert isinstance(found, Reading), found
    return found


def test_a_count_with_state_and_region_is_said_back_and_composed_into_gated_cypher() -> None:
    reading = read("How many EC2 instances are running in eu-west-1?")
    assert (reading.intent, reading.kinds) == ("count", ("EC2Instance",))
    assert understood(reading) == "counted EC2Instance where in eu-west-1, state = running"
    cypher = cypher_of(reading, 200)
    assert cypher == (
        "MATCH (n:EC2Instance) WHERE n.region = 'eu-west-1' AND (toLower(toString(n.state)) = 'running') "
        "RETURN count(n) AS count"
    )
    assert "tolower(tostring(n.state)) = 'running'" in gate.vet(cypher, SCHEMA).cypher


@pytest.mark.parametrize(
    ("question", "intent", "kinds", "said"),
    [
        ("list the t3.micro instances", "list", ("EC2Instance",), "instance_type = t3.micro"),
        ("which resources are tagged team=payments", "list", (), "tagged team=payments"),
        ("show everything of team payments in azure", "list", (), "tagged team=payments"),
        ("rds instances by engine", "group", ("RDSInstance",), "per engine"),
        ("top 3 most expensive ec2 instances", "top", ("EC2Instance",), "top 3"),
        ("which s3 buckets are public?", "list", ("S3Bucket",), "where public"),
        ("unencrypted ebs volumes", "list", ("EBSVolume",), "not encrypted"),
        ("how many critical findings in gcp", "count", (), "severity critical"),
    ],
)
def test_kinds_filters_and_aggregations_compose(question: str, intent: str, kinds: tuple[str, ...], said: str) -> None:
    reading = read(question)
    assert (reading.intent, reading.kinds) == (intent, kinds)
    assert said in understood(reading)
    gated(cypher_of(reading, 200))  # every composed query passes the gate's static checks


def test_a_relationship_hop_to_a_named_resource() -> None:
    reading = read("which ec2 instances are in subnet app-a")
    assert reading.hop is not None
    assert (reading.hop.types, reading.hop.name, reading.hop.outgoing) == (("IN_SUBNET",), "app-a", True)
    assert "-[:IN_SUBNET]->(m:Resource)" in cypher_of(reading, 200)


def test_a_name_in_several_clouds_is_asked_back_and_a_cloud_or_kind_settles_it() -> None:
    asked = parse("what depends on orders-db?", vocab())
    assert isinstance(asked, Clarify)
    # the security group named after the database gives way to the databases themselves
    assert {c.id for c in asked.candidates} == {"db-aws", "db-gcp"}
    in_gcp = read("what depends on orders-db in gcp")
    assert (in_gcp.intent, in_gcp.target and in_gcp.target.id) == ("blast", "db-gcp")
    rds = read("blast radius of the RDS instance orders-db")
    assert rds.target is not None
    assert rds.target.id == "db-aws"
    needs = read("what does web-1 depend on")
    assert (needs.intent, needs.target and needs.target.id) == ("dependencies", "i-1")


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("delete all public buckets", "change"),
        ("what is the CPU utilisation of web-1?", "utilisation"),
        ("how many spaceships are there?", "spaceships"),
        ("which kubernetes pods are crashing?", "pods"),
        ("who deleted the bucket?", "who made a change"),
        ("list the unicorns", "unicorns"),
    ],
)
def test_what_it_cannot_read_is_declined_with_the_reason(question: str, why: str) -> None:
    found = parse(question, vocab())
    assert isinstance(found, Decline)
    assert why in found.why


def test_time_spans() -> None:
    now = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday
    assert parse_time("what changed in the last day", now)[:2] == (now - timedelta(days=1), "in the last 1 day")  # type: ignore[index]
    assert parse_time("changes since monday", now)[0] == datetime(2026, 3, 9, tzinfo=UTC)  # type: ignore[index]
    assert parse_time("new since yesterday", now)[0] == datetime(2026, 3, 10, tzinfo=UTC)  # type: ignore[index]
    assert parse_time("deleted 3 days ago", now)[0] == now - timedelta(days=3)  # type: ignore[index]
    assert parse_time("what's new since 2026-01-02", now)[0] == datetime(2026, 1, 2, tzinfo=UTC)  # type: ignore[index]
    assert parse_time("how many buckets", now) is None


def test_history_reading_uses_the_change_records() -> None:
    reading = read("which ec2 instances were created in the last week")
    assert (reading.subject, reading.change, reading.since_said) == ("changes", "created", "in the last 1 week")
    cypher = cypher_of(reading, 200)
    assert cypher.startswith(CHANGES_HEAD + " WHERE n.at >= datetime(")  # both forms of the history
    assert "n.resource_kind IN ['EC2Instance']" in cypher
