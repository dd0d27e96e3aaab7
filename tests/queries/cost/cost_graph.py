"""Small graphs for the cost tests, written through the real graph writer (schema-checked) into Neo4j."""

from __future__ import annotations

from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow, PropValue
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp

ACCOUNTS = {"aws": "111122223333", "azure": "sub-1", "gcp": "proj-1"}


def node(label: str, id_: str, region: str, **props: PropValue) -> NodeRow:
    provider = SCHEMA.node(label).provider
    return NodeRow(
        label, id_, {"name": id_.rsplit("/", 1)[-1], "account": ACCOUNTS[provider], "region": region, **props}
    )


def edge(type_: str, source: NodeRow, target: NodeRow) -> EdgeRow:
    return EdgeRow(type_, source.label, source.id, target.label, target.id)


def write(graph: Graph, nodes: list[NodeRow], edges: list[EdgeRow] | None = None) -> None:
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp.now()
    assert writer.nodes(nodes, stamp) == len(nodes)
    assert writer.edges(edges or [], stamp).written == len(edges or [])
