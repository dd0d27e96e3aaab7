"""graph.neo4j.client against the real Neo4j."""

from __future__ import annotations

from graph.neo4j.client import Graph


def test_wipe_empties_a_graph_whose_nodes_hold_more_relationships_than_a_batch(graph: Graph) -> None:
    """Relationships go first, in their own batches: a hub with 25,000 relationships is no problem."""
    graph.write(
        "CREATE (hub:WipeHub {id: 'hub'}) WITH hub UNWIND range(1, 25000) AS i "
        "CREATE (hub)-[:WIPE_LINK]->(:WipeLeaf {id: i})"
    )
    assert graph.read("MATCH ()-[r:WIPE_LINK]->() RETURN count(r) AS c")[0]["c"] == 25000
    graph.wipe()
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0
    assert graph.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"] == 0
    assert graph.read("SHOW CONSTRAINTS YIELD name RETURN count(*) AS c")[0]["c"] > 0  # the schema stays
