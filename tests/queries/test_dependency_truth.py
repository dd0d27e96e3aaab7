"""Blast radius scored against the hand-worked truth set on the demo estate (devclouds/dependency_truth.py).

The demo estate is prepared once per session exactly as `make demo` prepares it (its sync's post-sync hooks
derive the dependency edges); each scenario is one test, right only when the casualties are exactly the
expected ones with their status (down or degraded) and directness.
"""

from __future__ import annotations

import asyncio

import pytest

from app.api.context import Context
from app.api.permissions import Principal
from app.api.schema import schema
from core.settings import Settings
from devclouds.dependency_eval import score_access, score_scenario
from devclouds.dependency_truth import ACCESS_SCENARIOS, SCENARIOS, AccessScenario, Scenario
from graph.neo4j.client import Graph
from graph.schema.dependencies import STRUCTURAL
from graph.schema.dependency_edges import DERIVED_TYPES
from queries.blast import blast_radius, dependencies
from queries.names import AmbiguousNameError, NameQuery, resolve
from queries.netpath import network_path
from web.perspective import search_phrases


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.key for s in SCENARIOS])
def test_blast_radius_matches_the_truth_set(demo_graph: Graph, scenario: Scenario) -> None:
    score = score_scenario(demo_graph, scenario)
    assert score.right, "\n".join(score.problems)


@pytest.mark.parametrize("scenario", ACCESS_SCENARIOS, ids=[s.key for s in ACCESS_SCENARIOS])
def test_who_can_act_on_a_store_matches_the_truth_set(demo_graph: Graph, scenario: AccessScenario) -> None:
    score = score_access(demo_graph, scenario)
    assert score.right, "\n".join(score.problems)


def test_who_can_access_is_served_by_the_api_with_actions_and_conditions(demo_graph: Graph, settings: Settings) -> None:
    queue = _one(demo_graph, "SQSQueue", "invoices")
    ctx = Context(graph=demo_graph, settings=settings, principal=Principal("test", "viewer", "local"))
    query = "query($id: ID!) { whoCanAccess(id: $id) { holder { kind name } actions conditions named } }"
    result = asyncio.run(schema.execute(query, variable_values={"id": queue}, context_value=ctx))
    assert result.errors is None, result.errors
    found = {(a["holder"]["kind"], a["holder"]["name"]): a for a in result.data["whoCanAccess"]}
    sender = found[("ECSService", "web-svc")]
    assert (sender["actions"], sender["named"]) == (["sqs:SendMessage"], True)
    assert sender["conditions"] == ['{"Bool":{"aws:SecureTransport":"true"}}']
    assert found[("IAMRole", "admin-ec2")]["named"] is False  # full-admin matches it by wildcard only


def test_configuration_references_name_the_variable_and_never_its_value(demo_graph: Graph) -> None:
    rows = demo_graph.read(
        "MATCH (w:Resource)-[r:CONFIGURED_TO_USE]->(t:Resource) RETURN w.name AS w, r.variable AS v, t.name AS t, "
        "properties(r) AS props ORDER BY w, v"
    )
    found = {(r["w"], r["v"], r["t"]) for r in rows}
    assert ("invoice-writer", "INVOICES_BUCKET", "estate-123456789012-uploads") in found
    assert ("web:1", "INVOICES_QUEUE_URL", "invoices") in found
    assert ("web:1", "DB_PASSWORD", "orders/db-password") in found
    stored = " ".join(str(v) for r in rows for v in r["props"].values())
    assert "http" not in stored  # the queue URL value is not kept


def test_a_disabled_rule_carries_no_events(demo_graph: Graph) -> None:
    rows = demo_graph.read(
        "MATCH (rule:EventBridgeRule)-[:TRIGGERS]->(t:Resource) "
        "OPTIONAL MATCH (t)-[c:CONSUMES {via: rule.id}]->(bus:EventBridgeBus) "
        "RETURN rule.name AS rule, rule.enabled AS enabled, t.name AS target, bus.name AS bus ORDER BY rule"
    )
    assert [(r["rule"], r["enabled"], r["target"], r["bus"]) for r in rows] == [
        ("nightly-invoices", True, "invoice-writer", "default"),
        ("order-placed", True, "invoices", "orders-bus"),
        ("orders-replay", False, "orders", None),
    ]


def test_the_sync_derived_every_kind_of_dependency_edge_with_a_reason(demo_graph: Graph) -> None:
    rows = demo_graph.read(
        "UNWIND $types AS t CALL (t) { MATCH ()-[r]->() WHERE type(r) = t "
        "RETURN count(r) AS n, count(r.reason) AS with_reason, count(r.via) AS with_via } "
        "RETURN t, n, with_reason, with_via",
        {"types": list(DERIVED_TYPES)},
    )
    for row in rows:
        assert row["n"] > 0, f"no {row['t']} edge on the demo estate"
        assert row["with_reason"] == row["n"] == row["with_via"], f"{row['t']} edges without a reason or via"


def _one(graph: Graph, kind: str, name: str) -> str:
    rows = graph.read("MATCH (n:Resource {kind: $k, name: $n}) RETURN n.id AS id", {"k": kind, "n": name})
    assert len(rows) == 1, f"{len(rows)} {kind} named {name}"
    return str(rows[0]["id"])


def test_dependents_are_the_blast_radius_casualties(demo_graph: Graph) -> None:
    db = _one(demo_graph, "RDSInstance", "orders-db")
    blast = blast_radius(demo_graph, db, max_depth=10)
    dependents = dependencies(demo_graph, db, "DEPENDENTS", max_depth=10)
    assert [(r.node.id, r.status) for r in dependents.nodes] == [(r.node.id, r.status) for r in blast.nodes]
    assert all(r.node.kind not in STRUCTURAL for r in blast.nodes)
    assert {c.key: c.count for c in blast.by_status} == {"down": blast.total}


def test_a_network_path_names_the_rule_that_allows_it(demo_graph: Graph) -> None:
    worker, db = _one(demo_graph, "EC2Instance", "admin-worker"), _one(demo_graph, "RDSInstance", "orders-db")
    path = network_path(demo_graph, worker, db, 5432)
    assert path.reachable
    assert path.ports == "tcp 5432"
    assert path.hops[2].rule_id is not None
    assert "10.250.0.0/16" in path.hops[2].allows
    assert not network_path(demo_graph, worker, db, 3306).reachable
    other_vpc = demo_graph.read(
        "MATCH (n:RDSInstance {name: 'payments-us1-000-db', account: '123456789012'}) RETURN n.id AS id"
    )[0]["id"]
    assert not network_path(demo_graph, worker, str(other_vpc), 5432).reachable


def test_a_rule_open_to_everyone_lets_a_connection_through_without_naming_a_consumer(demo_graph: Graph) -> None:
    web, app = _one(demo_graph, "AzureVirtualMachine", "vm-web-1"), _one(demo_graph, "AzureVirtualMachine", "vm-app-1")
    named = network_path(demo_graph, web, app, 8080)
    assert named.reachable
    assert "allow-8080-from-web" in named.hops[2].allows
    ssh = network_path(demo_graph, web, app, 22)
    assert ssh.reachable
    assert "allow-ssh-anywhere" in ssh.hops[2].allows
    assert "names no consumer" in ssh.hops[2].allows


def test_a_name_several_resources_carry_is_never_guessed(demo_graph: Graph) -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        resolve(demo_graph, NameQuery("orders-db"))
    where = {(c.kind, c.provider, c.account, c.region) for c in raised.value.candidates}
    assert where == {
        ("RDSInstance", "aws", "123456789012", "us-east-1"),
        ("SecurityGroup", "aws", "123456789012", "us-east-1"),
        ("GCPCloudSQLInstance", "gcp", "acme-data", "us-central1"),
    }
    assert resolve(demo_graph, NameQuery("orders-db", provider="gcp")).kind == "GCPCloudSQLInstance"
    with pytest.raises(AmbiguousNameError):  # the same tier name in both AWS accounts
        resolve(demo_graph, NameQuery("payments-us1-000-db", kind="RDSInstance"))


def test_the_bloom_blast_phrase_returns_the_candidates_of_an_ambiguous_name(demo_graph: Graph) -> None:
    phrase = next(p for p in search_phrases() if p.name == "Blast radius")
    ambiguous = demo_graph.read(phrase.cypher, {"name": "orders-db"})
    assert sorted((r["p"]["kind"], r["p"]["account"]) for r in ambiguous) == [
        ("GCPCloudSQLInstance", "acme-data"),
        ("RDSInstance", "123456789012"),
        ("SecurityGroup", "123456789012"),
    ]
    unique = demo_graph.read(phrase.cypher, {"name": "order-worker"})
    reached = {n["name"] for r in unique for n in r["p"].nodes}
    assert {"orders-api", "events-api"} <= reached
