"""Blast radius scored against the hand-worked truth set on the demo estate (devclouds/dependency_truth.py).

The demo estate is prepared once per session exactly as `make demo` prepares it (its sync's post-sync hooks
derive the dependency edges); each scenario is one test, right only when the casualties are exactly the
expected ones with their status (down or degraded) and directness.
"""

from __future__ import annotations

import pytest

from devclouds.dependency_eval import score_scenario
from devclouds.dependency_truth import SCENARIOS, Scenario
from graph.neo4j.client import Graph
from graph.schema.dependency_edges import DERIVED_TYPES


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.key for s in SCENARIOS])
def test_blast_radius_matches_the_truth_set(demo_graph: Graph, scenario: Scenario) -> None:
    score = score_scenario(demo_graph, scenario)
    assert score.right, "\n".join(score.problems)


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
