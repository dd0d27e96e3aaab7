"""The gate's pure checks, the schema prompt, the glossary and the few-shot bank (every example EXPLAINs)."""

from __future__ import annotations

import pytest

from app.nl import examples, gate, scope
from app.nl.cypher_text import strip_fences
from app.nl.glossary import GLOSSARY, labels_in, most_specific
from app.nl.prompt import focus_labels, generation_messages, schema_text
from app.nl.store import property_graph_store, structured_schema
from core.errors import UnsafeCypherError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.schema import SCHEMA


def test_fences_and_a_cypher_label_line_are_removed() -> None:
    assert strip_fences("```cypher\nMATCH (n) RETURN n\n```") == "MATCH (n) RETURN n"
    assert strip_fences("Here you go:\n```\nMATCH (n) RETURN n\n```\nDone.") == "MATCH (n) RETURN n"
    assert strip_fences("cypher\nMATCH (n) RETURN n") == "MATCH (n) RETURN n"
    assert strip_fences("```cypher\nMATCH (n) RETURN n") == "MATCH (n) RETURN n"


def test_comments_go_but_strings_keep_their_slashes() -> None:
    vetted = gate.vet("MATCH (n:Resource) // note\nWHERE n.name = 'a//b' /* x */ RETURN n.id AS id", SCHEMA)
    assert vetted.cypher == "MATCH (n:Resource) WHERE n.name = 'a//b' RETURN n.id AS id"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("MATCH (n) RETURN n\u200b", "invisible"),
        ("MATCH (n) RETURN 'a", "unterminated string"),
        ("MATCH (n) RETURN n /* x", "unterminated /*"),
        ("MATCH (n) RETURN n; MATCH (m) RETURN m", "more than one statement"),
        ("", "no Cypher"),
        ("MATCH (n:`a$b`) RETURN n", "unusual characters"),
    ],
)
def test_text_the_parser_refuses(text: str, needle: str) -> None:
    with pytest.raises(UnsafeCypherError, match=needle):
        gate.vet(text, SCHEMA)


def test_non_ascii_is_fine_inside_strings() -> None:
    assert gate.vet("MATCH (n:Resource) WHERE n.name = 'café-ünïcode' RETURN n.id AS id", SCHEMA)


@pytest.mark.parametrize(
    ("cypher", "expected"),
    [
        ("MATCH (s:Subnet)-[:IN_SUBNET]->(i:EC2Instance) RETURN i", "MATCH (s:Subnet)<-[:IN_SUBNET]-(i:EC2Instance)"),
        ("MATCH (v:VPC)-[:IN_VPC]->(s:Subnet) RETURN s", "MATCH (v:VPC)<-[:IN_VPC]-(s:Subnet)"),
        ("MATCH (i:EC2Instance)<-[:IN_SUBNET]-(s:Subnet) RETURN i", "MATCH (i:EC2Instance)-[:IN_SUBNET]->(s:Subnet)"),
        ("MATCH (i:EC2Instance)-[:IN_SUBNET]->(s:Subnet) RETURN i", "MATCH (i:EC2Instance)-[:IN_SUBNET]->(s:Subnet)"),
        ("MATCH (s:Subnet) MATCH (s)-[r:IN_SUBNET]->(i:EC2Instance) RETURN i", "<-[r:IN_SUBNET]-(i:EC2Instance)"),
        ("MATCH (s:Subnet)-[:IN_SUBNET]-(i:EC2Instance) RETURN i", "(s:Subnet)-[:IN_SUBNET]-(i:EC2Instance)"),
    ],
)
def test_relationship_direction_is_corrected_against_the_schema(cypher: str, expected: str) -> None:
    assert expected in gate.vet(cypher, SCHEMA).cypher


def test_unlabeled_nodes_are_limited_to_readable_labels() -> None:
    vetted = gate.vet("MATCH (a:EC2Instance)-[*1..2]-(b) RETURN count(b) AS c", SCHEMA).cypher
    assert "(b:Resource|" in vetted
    assert "count(b)" in vetted
    assert "User" not in vetted
    assert "ApiKey" not in scope.readable_labels(SCHEMA)
    assert {"password_hash", "hash"} <= scope.hidden_properties(SCHEMA)
    assert "name" not in scope.hidden_properties(SCHEMA)


def test_scrub_drops_hidden_nodes_and_keys() -> None:
    rows = ({"n": {"_labels": ["User"], "username": "root"}, "m": {"hash": "x", "name": "ok"}},)
    assert scope.scrub(rows, SCHEMA) == ({"n": None, "m": {"name": "ok"}},)


def test_a_property_spelled_like_a_keyword_stays_a_property_read() -> None:
    vetted = gate.vet("MATCH (n:Resource) RETURN n.delete AS d, n.`set` AS s", SCHEMA).cypher
    assert vetted.endswith("RETURN n.`delete` AS d, n.`set` AS s")


def test_glossary_labels_are_declared() -> None:
    declared = {k.label for k in SCHEMA.nodes}
    for term in GLOSSARY:
        assert set(term.labels) <= declared, term


def test_glossary_reading() -> None:
    assert most_specific("how many ec2 instances") == ("EC2Instance",)
    assert most_specific("s3 buckets") == ("S3Bucket",)
    assert set(most_specific("buckets")) == {"S3Bucket", "AzureStorageAccount", "GCPStorageBucket"}
    assert "DynamoDBTable" in labels_in("which DynamoDBTables are unencrypted")


def test_the_prompt_is_generated_from_the_schema_and_filtered_to_the_question() -> None:
    labels = focus_labels("which ec2 instances are in which subnet")
    assert set(labels[:2]) == {"EC2Instance", "Subnet"}
    text = schema_text(labels)
    assert "(:EC2Instance)-[:IN_SUBNET]->(:Subnet)" in text
    assert "instance_type (string):" in text
    messages = generation_messages("how many public buckets", examples.select("how many public buckets"))
    assert messages[0][0] == "system"
    assert "policy_allows_public" in messages[0][1]  # glossary note for "public"
    assert messages[-1] == ("user", "how many public buckets")


def test_bm25_selects_similar_examples() -> None:
    chosen = examples.select("which security groups allow ssh from anywhere", k=3)
    assert chosen[0].question == "Which security groups allow SSH from the internet?"
    assert examples.select("zzz qqq") == ()


@pytest.mark.parametrize("example", examples.BANK, ids=[e.question for e in examples.BANK])
def test_every_example_passes_the_gate_and_explains(example: examples.Example, graph: Graph) -> None:
    vetted = gate.vet(example.cypher, SCHEMA)
    assert vetted.corrections == ()
    result = gate.execute(graph, vetted, timeout=5, row_cap=5)
    assert result.truncated is False


@pytest.mark.neo4j
def test_llamaindex_store_without_apoc(settings: Settings) -> None:
    store = property_graph_store(settings)
    try:
        schema = store.get_schema()
        assert schema is structured_schema(SCHEMA) or schema == structured_schema(SCHEMA)
        assert {"start": "EC2Instance", "type": "IN_SUBNET", "end": "Subnet"} in schema["relationships"]
        assert "User" not in schema["node_props"]
        assert "EC2Instance" in store.get_schema_str()
    finally:
        store.close()
