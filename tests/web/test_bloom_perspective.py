"""The Bloom perspective: generated from the schema, not drifted, shaped like the perspectives Bloom exports,
and every search phrase runs.

The shapes compared against are the keys of perspectives Bloom exported, published in public repositories:
neo4j-graph-examples/cybersecurity bloom/Windows_Domains.json (categories with styleRules, relationship types
with properties), neo4j-graph-examples/bloom bloom/bloom-fraud-detection.bloom-perspective.json (1.4.0:
templates and their params), and the Bloom 2.x keys (``captions`` objects, ``captionKeys``, ``textSize``,
``textAlign``, relationship ``captions``, ``metadata`` with ``pathSegments`` and ``indexes``) as a 2.21
perspective generator reproduces them from exported files (docs/bloom.md).
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
from web.perspective import (
    BLOOM_ICONS,
    NO_ICON,
    PERSPECTIVE_FILE,
    categorised_kinds,
    perspective,
    render,
    search_phrases,
)

# Keys of Bloom's own exports (files named in the module docstring); ``caption`` (a list of strings) is the
# 1.x caption that 2.x replaced with ``captions`` objects.
EXPORTED_TOP = {
    "name",
    "id",
    "categories",
    "palette",
    "createdAt",
    "lastEditedAt",
    "templates",
    "hiddenRelationshipTypes",
    "hiddenCategories",
    "hideUncategorisedData",
    "version",
    "relationshipTypes",
    "parentPerspectiveId",
}
EXPORTED_CATEGORY = {
    "id",
    "name",
    "color",
    "size",
    "icon",
    "labels",
    "properties",
    "createdAt",
    "lastEditedAt",
    "styleRules",
}
EXPORTED_CATEGORY_PROPERTY = {"name", "exclude", "isCaption", "dataType"}
EXPORTED_RELATIONSHIP_TYPE = {"properties", "name", "id", "styleRules"}
EXPORTED_RELATIONSHIP_PROPERTY = {"propertyKey", "type", "dataType"}
EXPORTED_TEMPLATE = {"name", "id", "createdAt", "text", "cypher", "params", "hasCypherErrors"}
EXPORTED_PARAM = {"name", "dataType", "collapsed", "suggestionLabel", "suggestionProp", "suggestionBoolean", "cypher"}
V2_CATEGORY = {"captions", "captionKeys", "textSize", "textAlign"}
V2_CAPTION = {"key", "type", "isCaption", "inTooltip", "styles"}
V2_METADATA = {"pathSegments", "indexes"}
# Icon identifiers Bloom exported (all from the two files above): the perspective may use no other
EXPORTED_ICONS = {
    "63AF6740-290B-43AD-8EE4-9B4966249BD6",
    "DB188874-D25F-4B34-A296-E5E950072319",
    "447F7883-95B5-4D34-9C93-F10804FB7A18",
    "0D871CD1-A03E-4565-B720-D6BC8DF681AB",
    "8EDB1503-B54A-4C25-B4BD-DC85A55BFDCA",
    "15EF77A8-3607-4632-861B-13ADEF8C2A67",
    "D3D9C2F3-676E-499F-8D23-98A17278F0DE",
    "1BA78CC1-ED89-46D5-9D2B-D78DC944A59D",
    NO_ICON,
}

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


def test_a_category_per_resource_kind_finding_and_change_and_every_relationship_type() -> None:
    data = perspective()
    assert data["type"] == "STANDARD_PERSPECTIVE"
    labels = [c["labels"] for c in data["categories"]]
    assert labels == [[k.label] for k in SCHEMA.resource_kinds()] + [["Finding"], ["Change"]]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c["color"]) for c in data["categories"])
    assert {r["name"] for r in data["relationshipTypes"]} == {r.type for r in SCHEMA.relationships}


def test_the_structure_is_the_one_bloom_exports_key_by_key() -> None:
    data = perspective()
    assert EXPORTED_TOP | {"type", "metadata", "sceneActions"} <= set(data)
    assert set(data["metadata"]) == V2_METADATA
    for category in data["categories"]:
        assert set(category) >= EXPORTED_CATEGORY | V2_CATEGORY, category["name"]
        assert "caption" not in category, "1.x caption list: Bloom 2 reads captions objects"
        assert all(set(p) == EXPORTED_CATEGORY_PROPERTY for p in category["properties"])
        assert category["captions"], category["name"]
        for caption in category["captions"]:
            assert set(caption) >= V2_CAPTION
            assert caption["key"] in {p["name"] for p in category["properties"] if p["isCaption"]}
        assert category["icon"] in EXPORTED_ICONS
    assert {c["name"]: c["captionKeys"] for c in data["categories"]}["Finding"] == ["title", "severity"]
    for rel in data["relationshipTypes"]:
        assert EXPORTED_RELATIONSHIP_TYPE | {"captions", "color", "size"} <= set(rel)
        assert all(set(p) == EXPORTED_RELATIONSHIP_PROPERTY and p["type"] == rel["name"] for p in rel["properties"])
        assert rel["captions"][0]["type"] == "relationship"
    for label, props in data["labels"].items():  # the type of a label's property is the label, as Bloom writes it
        assert all(set(p) == EXPORTED_RELATIONSHIP_PROPERTY and p["type"] == label for p in props)
    for template in data["templates"]:
        assert set(template) >= EXPORTED_TEMPLATE
        assert all(set(p) == EXPORTED_PARAM for p in template["params"])
    segments = {(s["source"], s["relationshipType"], s["target"]) for s in data["metadata"]["pathSegments"]}
    assert ("EC2Instance", "IN_SUBNET", "Subnet") in segments
    assert {i["label"] for i in data["metadata"]["indexes"]} == {k.label for k in categorised_kinds()}
    assert {icon for icon, _source in BLOOM_ICONS.values()} <= EXPORTED_ICONS


def test_no_deprecated_id_function() -> None:
    data = perspective()
    everything = [t["cypher"] for t in data["templates"]] + [a["cypher"] for a in data["sceneActions"]]
    assert not [c for c in everything if re.search(r"(?<![\w.])id\(", c)]


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


# how the suggestions name one resource
QUALIFIED = "{v}.name + ' (' + {v}.kind + ') @ ' + {v}.account + ' / ' + {v}.region"


def _params(graph: Graph) -> dict[str, Any]:
    behind_lb = (
        "MATCH (:LoadBalancer {scheme: 'internet-facing'})<-[:PART_OF]-(:Listener)-[:FORWARDS_TO]->"
        f"(:TargetGroup)-[:TARGETS]->(i:EC2Instance) RETURN {QUALIFIED.format(v='i')} AS n ORDER BY n LIMIT 1"
    )
    exposed = _one(graph, behind_lb)
    i_name, s_name = QUALIFIED.format(v="i"), QUALIFIED.format(v="s")
    a, b = graph.read(f"MATCH (i:EC2Instance)-[:IN_SUBNET]->(s:Subnet) RETURN {i_name}, {s_name} LIMIT 1")[0]
    return {
        "name": _one(graph, f"MATCH (v:VPC) RETURN {QUALIFIED.format(v='v')} AS n ORDER BY n LIMIT 1"),
        "exposed": exposed,
        "instance": a,
        "flagged": _one(
            graph,
            f"MATCH (r:Resource)-[:HAS_FINDING]->(:Finding) RETURN {QUALIFIED.format(v='r')} AS n ORDER BY n LIMIT 1",
        ),
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


def test_a_phrase_given_a_shared_name_answers_with_each_resource_instead_of_merging_them(demo: Graph) -> None:
    qualified = QUALIFIED.format(v="r")
    shared = demo.read(
        f"MATCH (r:Resource) WITH {qualified} AS q, collect(r) AS rs WHERE size(rs) = 1 WITH q, rs[0] AS r "
        "MATCH (o:Resource {name: r.name}) WHERE o.account <> r.account AND EXISTS { (r)--(:Resource) } "
        "WITH r, q, collect(o.id) AS others RETURN r.name, r.id, q, others ORDER BY r.name LIMIT 1"
    )
    assert shared, "the demo estate has same-named resources in two accounts"
    name, first, one, others = shared[0]
    ids = [row[0] for row in demo.read("MATCH (r:Resource {name: $n}) RETURN r.id", {"n": name})]
    assert first in ids
    assert set(others) <= set(ids)
    phrase = next(p for p in search_phrases() if p.text == "Neighbours of $name")
    candidates = demo.read(phrase.cypher, {"name": name})
    assert sorted(row[0]["id"] for row in candidates) == sorted(ids)  # each resource once, as a node: pick one
    paths = demo.read(phrase.cypher, {"name": one})
    assert paths
    assert {row[0].start_node["id"] for row in paths} == {ids[0]}  # only that one resource's neighbours
    by_id = demo.read(phrase.cypher, {"name": first})
    assert {row[0].start_node["id"] for row in by_id} == {first}
