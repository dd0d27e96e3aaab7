"""The Bloom perspective: generated from the schema, not drifted, and every search phrase runs.

The phrases run on real Neo4j over the demo estate (generator size S, discovered from the local
clouds, then the post-sync hooks: findings and cost), with parameters read from that graph.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from web.perspective import PERSPECTIVE_FILE, perspective, render, search_phrases

REQUIRED = (
    "Blast radius of $name",
    "Exposure of $name",
    "Resources in $region",
    "Findings of severity $severity",
    "What changed since $date",
    "Path from $a to $b",
    "Cost of team $team",
)


def test_the_committed_perspective_is_the_generated_one() -> None:
    assert PERSPECTIVE_FILE.read_text() == render(), "run `make docs` to regenerate web/bloom/ai-discover.json"


def test_a_category_per_resource_kind_and_every_relationship_type() -> None:
    data = perspective()
    assert data["type"] == "STANDARD_PERSPECTIVE"
    assert [c["labels"] for c in data["categories"]] == [[k.label] for k in SCHEMA.resource_kinds()]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c["color"]) and c["caption"] == ["name"] for c in data["categories"])
    assert {r["name"] for r in data["relationshipTypes"]} == {r.type for r in SCHEMA.relationships}


def test_search_phrases_declare_their_parameters() -> None:
    texts = {p.text for p in search_phrases()}
    assert len(texts) >= 12
    assert set(REQUIRED) <= texts
    for template in perspective()["templates"]:
        in_text = set(re.findall(r"\$\w+", template["text"]))
        assert in_text == {p["name"] for p in template["params"]}, template["text"]
        assert in_text <= set(re.findall(r"\$\w+", template["cypher"])), template["text"]


@pytest.fixture(scope="module")
def demo(demo_graph: Graph) -> Graph:
    # history is written by discovery jobs (tests/ingest cover it); one record stands in for a job's here
    demo_graph.write(
        "MATCH (r:Resource) WITH r LIMIT 1 CREATE (:Change {id: r.id + '|1|changed', resource_id: r.id, "
        "resource_kind: r.kind, change: 'changed', changed_properties: ['name'], at: datetime(), generation: 1})"
    )
    return demo_graph


def _one(graph: Graph, cypher: str) -> Any:
    rows = graph.read(cypher)
    assert rows, f"the demo estate has nothing for: {cypher}"
    return rows[0][0]


def _params(graph: Graph) -> dict[str, Any]:
    behind_lb = (
        "MATCH (:LoadBalancer {scheme: 'internet-facing'})<-[:PART_OF]-(:Listener)-[:FORWARDS_TO]->"
        "(:TargetGroup)-[:TARGETS]->(i:EC2Instance) RETURN i.name ORDER BY i.name LIMIT 1"
    )
    exposed = _one(graph, behind_lb)
    a, b = graph.read("MATCH (i:EC2Instance)-[:IN_SUBNET]->(s:Subnet) RETURN i.name AS a, s.name AS b LIMIT 1")[0]
    return {
        "name": _one(graph, "MATCH (v:VPC) RETURN v.name ORDER BY v.name LIMIT 1"),
        "exposed": exposed,
        "instance": a,
        "flagged": _one(graph, "MATCH (r:Resource)-[:HAS_FINDING]->(:Finding) RETURN r.name ORDER BY r.name LIMIT 1"),
        "region": "us-east-1",
        "account": _one(graph, "MATCH (r:Resource {provider: 'aws'}) RETURN r.account LIMIT 1"),
        "severity": _one(graph, "MATCH (f:Finding {status: 'open'}) RETURN f.severity ORDER BY f.severity LIMIT 1"),
        "date": "2020-01-01T00:00:00Z",
        "team": _one(
            graph,
            "MATCH (r:Resource) WHERE r.monthly_cost_usd > 0 UNWIND r.tags AS t WITH t "
            "WHERE t STARTS WITH 'team=' RETURN substring(t, 5) LIMIT 1",
        ),
        "kind": "EC2Instance",
        "a": a,
        "b": b,
    }


def test_every_category_label_is_in_the_live_schema(demo: Graph) -> None:
    constrained = {label for row in demo.read("SHOW CONSTRAINTS YIELD labelsOrTypes") for label in row[0]}
    missing = [c["name"] for c in perspective()["categories"] if c["labels"][0] not in constrained]
    assert missing == []


@pytest.mark.parametrize("phrase", search_phrases(), ids=lambda p: p.text)
def test_every_search_phrase_runs_on_the_demo_estate_and_returns_rows(demo: Graph, phrase: Any) -> None:
    params = _params(demo)
    # $name is a VPC by default: it has dependents; these phrases need a resource with what they look for
    instead = {"Exposure of $name": "exposed", "What $name depends on": "instance", "Findings of $name": "flagged"}
    if phrase.text in instead:
        params["name"] = params[instead[phrase.text]]
    rows = demo.read(phrase.cypher, {n: params[n] for n, _t, _s in phrase.params})
    assert rows, f"{phrase.text!r} returned nothing with {json.dumps({n: params[n] for n, _t, _s in phrase.params})}"
