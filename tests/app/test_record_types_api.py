"""Every field of the record-derived GraphQL types, asked for through the schema on the fixture estate (real Neo4j):
the converter fills each one from the records the queries return."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType

from app.api.context import Context
from app.api.permissions import Principal
from app.api.schema import schema
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.estimate import estimate_graph
from queries.cost.prices_snapshot import load_prices
from tests.queries.fixture_graph import build, rid


@pytest.fixture(scope="module")
def fixture_graph(session_graph: Graph, settings: Settings) -> Graph:
    session_graph.wipe()
    build(session_graph)
    estimate_graph(session_graph, load_prices(settings))
    return session_graph


def run(graph: Graph, settings: Settings, query: str, **variables: Any) -> Any:
    ctx = Context(graph=graph, settings=settings, principal=Principal("test", "admin", "local"))
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))


def every_field(type_: GraphQLOutputType, depth: int = 0) -> str:
    """A selection of every field without required arguments, nested objects included (to a depth of 6)."""
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    if not isinstance(type_, GraphQLObjectType):
        return ""
    assert depth < 6, f"{type_.name} nests too deep for this test"
    names = [
        name + every_field(f.type, depth + 1)
        for name, f in type_.fields.items()
        if not any(isinstance(a.type, GraphQLNonNull) for a in f.args.values())
    ]
    return " { " + " ".join(names) + " }"


def select(root: str, call: str) -> str:
    field = schema._schema.query_type.fields[root]  # type: ignore[union-attr]
    return f"{root}{call}{every_field(field.type)}"


def test_every_field_of_the_analysis_results_is_filled(fixture_graph: Graph, settings: Settings) -> None:
    query = (
        "query($id: ID!, $a: ID!, $b: ID!) { "
        + " ".join(
            [
                select("dependencies", "(id: $id, direction: DEPENDENTS)"),
                select("blastRadius", "(id: $id)"),
                select("criticalPaths", "(first: 5)"),
                select("shortestPath", "(fromId: $a, toId: $b)"),
                select("exposurePaths", '(provider: "azure")'),
                select("resourceFacets", ""),
                select("components", '(tag: "app")'),
                select("rollup", "(by: KIND)"),
                select("overview", ""),
                select("kinds", ""),
            ]
        )
        + " }"
    )
    result = run(fixture_graph, settings, query, id=rid("kms1"), a=rid("web1"), b=rid("kms1"))
    assert result.errors is None, result.errors
    data = result.data
    deps = data["dependencies"]
    assert deps["direction"] == "DEPENDENTS"  # the record's literal, as the GraphQL enum
    assert deps["root"] == {
        "id": rid("kms1"),
        "kind": "KMSKey",
        "name": "kms1",
        "provider": "aws",
        "account": deps["root"]["account"],
        "region": deps["root"]["region"],
    }
    assert deps["maxDepth"] == 6
    assert deps["truncated"] is False
    first = deps["nodes"][0]
    assert set(first) == {"node", "distance", "path", "status", "direct"}
    assert first["status"] in ("down", "degraded")
    assert set(first["path"][0]) == {"fromId", "toId", "type", "edgeForward", "via", "reason"}
    assert data["blastRadius"]["total"] == 6
    assert data["shortestPath"]["length"] == len(data["shortestPath"]["steps"]) == 2
    exposure = data["exposurePaths"][0]
    assert exposure["ports"] == "tcp 22"  # ports_text, under the field name the API always had
    assert data["criticalPaths"]["singlePointsOfFailure"][0]["paths"] >= 1
    assert data["overview"]["groups"][0]["level"] == "ACCOUNT"
    assert data["components"][0]["members"][0]["id"]
    assert {"label", "provider", "service", "description", "resource"} == set(data["kinds"][0])


def test_every_field_of_the_cost_answers_is_filled(fixture_graph: Graph, settings: Settings) -> None:
    query = (
        "query($id: ID!) { "
        + " ".join(
            [
                select("costSummary", "(by: KIND)"),
                select("resourceCost", "(id: $id)"),
                select("savings", "(first: 1)"),
            ]
        )
        + " }"
    )
    result = run(fixture_graph, settings, query, id=rid("web1"))
    assert result.errors is None, result.errors
    summary = result.data["costSummary"]
    assert summary["by"] == "KIND"  # the record's "kind", as the GraphQL enum
    prices = load_prices(settings)
    assert summary["prices"] == {
        "label": prices.label,
        "source": prices.source,
        "date": prices.date,
        "fetched": prices.fetched,
        "currency": prices.currency,
        "sourceUrls": list(prices.source_urls),
    }
    assert summary["resources"] == 35
    assert summary["priced"] + summary["notPriced"] + summary["notEstimated"] == summary["resources"]
    assert len(summary["notPricedResources"]) == min(summary["notPriced"], 50)
    cost = result.data["resourceCost"]
    assert (cost["id"], cost["name"], cost["prices"]["date"]) == (rid("web1"), "web1", prices.date)
    savings = result.data["savings"]
    assert len(savings["items"]) == min(1, savings["totalItems"])  # a page of the items, counted in full
    assert {r["status"] for r in savings["rules"]} <= {"evaluated", "needs data"}
