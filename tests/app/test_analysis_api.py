"""The analysis GraphQL fields executed through the schema on the fixture estate (real Neo4j)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.api.context import Context
from app.api.permissions import Principal, Role
from app.api.schema import schema
from core.settings import Settings
from graph.neo4j.client import Graph
from tests.queries.fixture_graph import build, rid


@pytest.fixture(scope="module")
def fixture_graph(session_graph: Graph) -> Graph:
    session_graph.wipe()
    build(session_graph)
    return session_graph


def run(graph: Graph, settings: Settings, query: str, role: Role | None = "admin", **variables: Any) -> Any:
    principal = Principal("test", role, "local") if role else None
    ctx = Context(graph=graph, settings=settings, principal=principal)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))


def test_blast_radius_and_dependencies(fixture_graph: Graph, settings: Settings) -> None:
    q = """query($id: ID!) { blastRadius(id: $id, maxDepth: 6) { total truncated byKind { key count }
        byDistance { key count } nodes { node { name } distance path { type edgeForward } } }
      dependencies(id: $id, direction: DEPENDENCIES) { nodes { node { name kind } distance } } }"""
    result = run(fixture_graph, settings, q, id=rid("kms1"))
    assert result.errors is None
    blast = result.data["blastRadius"]
    assert blast["total"] == 6
    assert blast["byDistance"] == [
        {"key": "1", "count": 2},
        {"key": "2", "count": 1},
        {"key": "3", "count": 1},
        {"key": "4", "count": 1},
        {"key": "5", "count": 1},
    ]
    assert {n["node"]["name"]: n["distance"] for n in blast["nodes"]} == {
        "db1": 1,
        "vol1": 1,
        "web1": 2,
        "tg": 3,
        "l443": 4,
        "alb": 5,
    }
    assert blast["nodes"][0]["path"] == [{"type": "ENCRYPTED_BY", "edgeForward": False}]
    assert result.data["dependencies"] == {"nodes": []}  # a key needs nothing


def test_critical_paths_shortest_path_and_exposure(fixture_graph: Graph, settings: Settings) -> None:
    q = """query($a: ID!, $b: ID!) {
      criticalPaths(first: 5) { total entries paths { rank entry { name } store { name }
        path { length nodes { name } } singlePointsOfFailure { name } } }
      shortestPath(fromId: $a, toId: $b) { length nodes { name } steps { type edgeForward } }
      exposurePaths(provider: "azure") {
        resource { name } protocol ports hops { node { name kind } ruleId allows } } }"""
    result = run(fixture_graph, settings, q, a=rid("web1"), b=rid("kms1"))
    assert result.errors is None
    cp = result.data["criticalPaths"]
    assert (cp["total"], cp["entries"]) == (3, 4)
    assert [
        (
            p["rank"],
            p["entry"]["name"],
            p["store"]["name"],
            p["path"]["length"],
            [n["name"] for n in p["singlePointsOfFailure"]],
        )
        for p in cp["paths"]
    ] == [
        (1, "pip1", "kv1", 3, ["nic1", "vm1"]),
        (2, "alb", "db1", 4, ["l443", "tg"]),
        (3, "gi1", "gsql", 1, []),
    ]
    sp = result.data["shortestPath"]
    assert (sp["length"], [n["name"] for n in sp["nodes"]]) == (2, ["web1", "vol1", "kms1"])
    exposure = result.data["exposurePaths"]
    assert [(e["resource"]["name"], e["protocol"], e["ports"]) for e in exposure] == [("vm1", "tcp", "tcp 22")]
    assert [h["ruleId"] for h in exposure[0]["hops"]] == [None, None, None, "nsg-sub/ssh-rdp", "nsg-nic/ssh", None]
    assert exposure[0]["hops"][0]["node"] == {"name": "Internet", "kind": "Internet"}


def test_search_with_predicates_sort_facets_rollup_components_overview_subgraph(
    fixture_graph: Graph, settings: Settings
) -> None:
    q = """query($ids: [ID!]!) {
      resources(filter: {kinds: ["EC2Instance"], properties: [{name: "instance_type", op: EQ, value: "t3.large"}]},
                sort: {property: "name", descending: true}) { totalCount edges { node { name } } }
      resourceFacets(filter: {providers: ["gcp"]}) { total kinds { value count } }
      rollup(by: PROVIDER) { key count }
      components(tag: "app") { key size }
      overview { groups { id count } }
      subgraph(ids: $ids, depth: 1) }"""
    result = run(fixture_graph, settings, q, ids=[rid("web1")])
    assert result.errors is None
    data = result.data
    assert data["resources"] == {"totalCount": 2, "edges": [{"node": {"name": "web2"}}, {"node": {"name": "bastion"}}]}
    assert data["resourceFacets"] == {
        "total": 7,
        "kinds": [
            {"value": "GCPFirewall", "count": 3},
            {"value": "GCPCloudSQLInstance", "count": 1},
            {"value": "GCPComputeInstance", "count": 1},
            {"value": "GCPNetwork", "count": 1},
            {"value": "GCPSubnetwork", "count": 1},
        ],
    }
    assert data["rollup"] == [{"key": "aws", "count": 19}, {"key": "azure", "count": 9}, {"key": "gcp", "count": 7}]
    assert data["components"] == [{"key": "shop", "size": 4}, {"key": "crm", "size": 2}]
    assert [g["count"] for g in data["overview"]["groups"]] == [19, 7, 9]
    sub = data["subgraph"]
    assert sorted(n["name"] for n in sub["nodes"]) == ["app-sg", "sn-priv", "tg", "vol1", "web1"]
    assert len(sub["edges"]) == 4
    assert set(sub["nodes"][0]) == {"id", "kind", "name", "provider", "account", "region"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{ blastRadius(id: "nope") { total } }', "no resource with id 'nope'"),
        ('{ blastRadius(id: "x", maxDepth: 50) { total } }', "maxDepth must be between 1 and 10, got 50"),
        ('{ resources(filter: {properties: [{name: "bogus", value: "1"}]}) { totalCount } }', "unknown property"),
        ('{ resources(sort: {property: "tags"}) { totalCount } }', "cannot sort by tags"),
        ('{ subgraph(ids: ["x"], limit: 100000) }', "limit must be between 1 and 5000"),
        ("{ criticalPaths(first: 9999) { total } }", "first must be between 1 and 500"),
        ('{ exposurePaths(provider: "oracle") { ports } }', "provider must be aws, azure or gcp"),
    ],
)
def test_bad_input_is_a_clear_error_not_a_500(
    fixture_graph: Graph, settings: Settings, query: str, message: str
) -> None:
    result = run(fixture_graph, settings, query)
    assert result.errors is not None
    assert message in result.errors[0].message


def test_fields_need_a_signed_in_viewer(fixture_graph: Graph, settings: Settings) -> None:
    result = run(fixture_graph, settings, "{ rollup(by: KIND) { key } }", role=None)
    assert result.errors is not None
    assert "not signed in" in result.errors[0].message
