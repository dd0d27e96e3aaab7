"""The exposure walk, the path ranker and the NL glossary read one declaration of "exposed to the internet"."""

from __future__ import annotations

from datetime import UTC, datetime

from app.nl.glossary import exposure_note
from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from queries.exposure import exposure_paths, network_entries
from queries.paths import _entry_rows
from tests.queries.fixture_graph import build, rid
from web.perspective import _entry_predicate

PUBLIC_DB = "aws:111111111111:RDSInstance:pubdb"


def _estate_with_a_public_database(graph: Graph) -> None:
    graph.wipe()
    build(graph)
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(generation=2, at=datetime(2026, 1, 2, tzinfo=UTC))
    props = {"name": "pubdb", "account": "111111111111", "region": "us-east-1", "publicly_accessible": True}
    writer.nodes([NodeRow("RDSInstance", PUBLIC_DB, props)], stamp)
    edges = [
        EdgeRow("IN_SUBNET", "RDSInstance", PUBLIC_DB, "Subnet", rid("sn-pub")),
        EdgeRow("MEMBER_OF_SECURITY_GROUP", "RDSInstance", PUBLIC_DB, "SecurityGroup", rid("web-sg")),
    ]
    assert writer.edges(edges, stamp).written == 2


def test_a_publicly_accessible_database_in_a_public_subnet_is_exposed(session_graph: Graph) -> None:
    """The glossary called RDSInstance.publicly_accessible public, the exposure walk did not look at it."""
    _estate_with_a_public_database(session_graph)
    paths = exposure_paths(session_graph, resource_id=PUBLIC_DB)
    assert [(p.resource.name, p.ports_text) for p in paths] == [("pubdb", "tcp 443")]
    assert paths[0].hops[-1].allows == "publicly accessible"
    assert (PUBLIC_DB, 2) in [(ref.id, exposure) for ref, exposure in _entry_rows(session_graph, "aws", 200)]


def test_every_place_that_says_exposed_reads_the_kinds() -> None:
    declared = SCHEMA.entry_points()
    assert {label for label, _ in declared} >= {"LoadBalancer", "EC2Instance", "NetworkInterface", "RDSInstance"}
    note = exposure_note()
    predicate = _entry_predicate("n")
    for label, entry in declared:
        assert label in note, label
        assert f"(n:{label}" in predicate, label
        walk = network_entries(SCHEMA.node(label).provider, "res")
        assert (f"res:{label}" in walk) == entry.in_network, label


def test_kinds_exposed_through_their_network_can_be_walked_to() -> None:
    """The AWS and GCP walks reach a kind through its subnet (and security groups): the schema must allow that."""
    reach = {(r.type, r.source) for r in SCHEMA.relationships}
    for label, entry in SCHEMA.entry_points():
        if entry.in_network and SCHEMA.node(label).provider == "aws":
            assert ("IN_SUBNET", label) in reach, label
            assert ("MEMBER_OF_SECURITY_GROUP", label) in reach, label
        if entry.in_network and SCHEMA.node(label).provider == "gcp":
            assert {("IN_SUBNETWORK", label), ("IN_NETWORK", label)} & reach, label
