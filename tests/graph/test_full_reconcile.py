"""What the rows' digest cannot see, and the full reconcile that repairs it, against the real Neo4j: a node deleted by
hand stays deleted while the digest decides unchanged re-syncs (documented: the digest trusts that only the writer
changes a scope's rows) and comes back, with its edges, on a forced or periodic full reconcile; an edge removed
behind the writer's back comes back too; a sync that stopped mid-write makes the next one reconcile in full."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import build_parser
from graph.digest import FullReconcile, ScopeState, read_state
from graph.neo4j.client import Graph
from graph.reconcile import Plan, Reconciled, Reconciler
from graph.rows import EdgeRow, NodeRow, Scope
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.jobs.model import JobRequest, UnitSpec
from tests.graph.test_reconcile import estate, scope

T1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def stamp(n: int, hours: float = 0.0) -> SyncStamp:
    return SyncStamp(1_000 * n, T1 + timedelta(hours=n + hours))


def sync(
    graph: Graph,
    nodes: Sequence[NodeRow],
    edges: Sequence[EdgeRow],
    at: SyncStamp,
    full: FullReconcile | None = None,
    scopes: Sequence[Scope] = (scope(),),
) -> tuple[Plan, Reconciled]:
    """One unit, both phases, each with its own writer (as a worker runs them)."""
    plan = Reconciler(GraphWriter(graph, SCHEMA), full=full).stage(nodes, edges, (), scopes, at)
    return plan, Reconciler(GraphWriter(graph, SCHEMA), full=full).finish(plan, scopes, at)


def present(graph: Graph, node_id: str) -> tuple[bool, int]:
    """Whether the node is in the graph, and how many relationships it has."""
    rows = graph.read("MATCH (n {id: $id}) RETURN COUNT { (n)--() } AS rels", {"id": node_id})
    return (True, int(rows[0]["rels"])) if rows else (False, 0)


# --- when a full reconcile is due (pure) -----------------------------------------------------------------------
def state(since: int = 0, full_at: datetime | None = T1, dirty: bool = False) -> ScopeState:
    return ScopeState(("d",), (1,), frozenset(), (since,), (full_at,), dirty)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("policy", "current", "due"),
    [
        (FullReconcile(), state(since=1000, full_at=None), False),  # nothing asked: the digest decides
        (FullReconcile(force=True), state(), True),
        (FullReconcile(), state(dirty=True), True),  # a sync stopped mid-write
        (FullReconcile(every=24), state(since=23), False),
        (FullReconcile(every=24), state(since=24), True),
        (FullReconcile(hours=24), state(full_at=T1 - timedelta(hours=23)), False),
        (FullReconcile(hours=24), state(full_at=T1 - timedelta(hours=24)), True),
        (FullReconcile(hours=24), state(full_at=None), True),  # never reconciled in full
        (FullReconcile(every=24, hours=24), state(since=3, full_at=T1 - timedelta(hours=30)), True),
    ],
)
def test_a_full_reconcile_is_due_after_n_syncs_or_hours_when_forced_or_after_a_stopped_sync(
    policy: FullReconcile, current: ScopeState, due: bool
) -> None:
    assert policy.due(current, T1) is due


@pytest.mark.unit
def test_discover_full_reaches_every_unit_and_survives_the_hand_over_between_phases() -> None:
    args = build_parser("discover").parse_args(["discover", "aws", "--full"])
    assert args.full
    assert not build_parser("discover").parse_args(["discover", "aws"]).full
    spec = replace(UnitSpec("aws", "111122223333", "eu-west-1", "ec2"), full=True)
    assert UnitSpec.from_json(json.loads(json.dumps(spec.to_json()))) == spec
    assert not UnitSpec.from_json({"provider": "aws", "account": "a", "region": "r", "service": "s"}).full
    plan = Plan(1, 0, (), (), (), (), 0, "d", (1,), full=True)
    assert Plan.from_json(json.loads(json.dumps(plan.to_json())), (), ()) == plan
    assert JobRequest("aws", full=True).scope() == "full reconcile"


# --- against the graph ---------------------------------------------------------------------------------------
def test_a_node_deleted_by_hand_comes_back_on_a_forced_full_reconcile_not_on_a_digest_decided_one(
    graph: Graph,
) -> None:
    nodes, edges = estate(20)
    sync(graph, nodes, edges, stamp(1))
    victim = nodes[-1].id
    assert present(graph, victim) == (True, 1)
    graph.write("MATCH (n {id: $id}) DETACH DELETE n", {"id": victim})

    plan, _ = sync(graph, nodes, edges, stamp(2))
    assert (plan.unchanged, plan.full) == (True, False)  # the digest decided: the deletion is not seen
    assert present(graph, victim) == (False, 0)

    plan, done = sync(graph, nodes, edges, stamp(3), FullReconcile(force=True))
    assert (plan.full, plan.unchanged) == (True, False)
    assert (plan.written, done.written_edges) == (1, 1)  # only what was missing is written
    assert present(graph, victim) == (True, 1)
    plan, _ = sync(graph, nodes, edges, stamp(4))
    assert plan.unchanged  # the full reconcile recorded the digest again


def test_an_edge_removed_behind_the_writers_back_comes_back_on_the_periodic_full_reconcile(graph: Graph) -> None:
    nodes, edges = estate(20)
    every = FullReconcile(every=3)
    sync(graph, nodes, edges, stamp(1), every)
    subnet = nodes[1].id
    removed = graph.write_tx(
        lambda tx: tx.run(
            "MATCH (:EC2Instance)-[r:IN_SUBNET]->(:Subnet {id: $id}) DELETE r RETURN count(r) AS n", {"id": subnet}
        ).single(strict=True)["n"]
    )
    assert removed == 2
    for n in (2, 3):  # the digest decides the next two syncs
        plan, _ = sync(graph, nodes, edges, stamp(n), every)
        assert plan.unchanged, n
        assert present(graph, subnet) == (True, 1)  # its VPC edge only
    plan, done = sync(graph, nodes, edges, stamp(4), every)  # the third sync since the count began
    assert (plan.full, done.written_edges) == (True, 2)
    assert present(graph, subnet) == (True, 3)
    assert read_state(graph, (scope(),)).since_full == (0,)  # the count starts again


def test_a_sync_that_stopped_mid_write_makes_the_next_one_reconcile_in_full(graph: Graph) -> None:
    nodes, edges = estate(20)
    sync(graph, nodes, edges, stamp(1))
    changed = [*nodes[:-1], NodeRow(nodes[-1].label, nodes[-1].id, {**nodes[-1].props, "state": "stopped"})]
    # the next sync stages (writes the changed node) and dies before its second phase
    Reconciler(GraphWriter(graph, SCHEMA)).stage(changed, edges, (), (scope(),), stamp(2))
    assert read_state(graph, (scope(),)).dirty
    victim = nodes[5].id  # and meanwhile a node goes behind the writer's back
    graph.write("MATCH (n {id: $id}) DETACH DELETE n", {"id": victim})

    plan, _ = sync(graph, changed, edges, stamp(3))
    assert plan.full  # no policy asked for it: the stopped sync did
    assert present(graph, victim) == (True, 3)  # its VPC edge and its two instances' edges
    assert not read_state(graph, (scope(),)).dirty
    plan, _ = sync(graph, changed, edges, stamp(4))
    assert (plan.unchanged, plan.full) == (True, False)
