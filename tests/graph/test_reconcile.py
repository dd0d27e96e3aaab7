"""The reconciling writer against the real Neo4j: an unchanged re-sync writes nothing, a changed row is the only
one written, vanished rows are removed within the scope only, first_seen stays, last_seen is answered from the
scope's stamp, a missing edge end is tried again next sync, and the content hash covers every declared property."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j.time
import pytest

from graph.digest import forget_account, unit_key
from graph.neo4j.client import Graph
from graph.reconcile import Plan, Reconciled, Reconciler, edge_hash, fingerprint, node_hash
from graph.rows import EdgeRow, NodeRow, PropValue, Scope
from graph.schema import SCHEMA, Property
from graph.schema.types import PROP_TYPES
from graph.seen import SeenStamps, last_seen_cypher
from graph.write import GraphWriter, SyncStamp, writable
from queries.history import resource_history

ACCOUNT, OTHER = "111122223333", "444455556666"
REGION = "eu-west-1"
T1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
S1 = SyncStamp(1_000, T1)
S2 = SyncStamp(2_000, T1 + timedelta(hours=1))
S3 = SyncStamp(3_000, T1 + timedelta(hours=2))
S2_G = {"g": S2.generation}
LABELS = ("VPC", "Subnet", "EC2Instance")


def scope(account: str = ACCOUNT) -> Scope:
    return Scope("aws", account, REGION, LABELS)


def _arn(kind: str, ident: str, account: str) -> str:
    return f"arn:aws:ec2:{REGION}:{account}:{kind}/{ident}"


def vpc(account: str = ACCOUNT) -> NodeRow:  # one per account
    props: dict[str, PropValue] = {"account": account, "region": REGION, "name": "vpc-1", "vpc_id": "vpc-1"}
    return NodeRow("VPC", _arn("vpc", "vpc-1", account), props)


def subnet(n: int, account: str = ACCOUNT) -> NodeRow:
    props: dict[str, PropValue] = {"account": account, "region": REGION, "name": f"s-{n}", "subnet_id": f"s-{n}"}
    return NodeRow("Subnet", _arn("subnet", f"s-{n}", account), props)


def instance(n: int, account: str = ACCOUNT, **extra: PropValue) -> NodeRow:
    props: dict[str, PropValue] = {"account": account, "region": REGION, "name": f"i-{n}", "instance_id": f"i-{n}"}
    return NodeRow("EC2Instance", _arn("instance", f"i-{n}", account), {**props, "state": "running", **extra})


def edge(type_: str, a: NodeRow, b: NodeRow) -> EdgeRow:
    return EdgeRow(type_, a.label, a.id, b.label, b.id)


def estate(instances: int = 100, account: str = ACCOUNT) -> tuple[list[NodeRow], list[EdgeRow]]:
    """A VPC, 10 subnets in it, ``instances`` instances spread over the subnets."""
    v = vpc(account)
    subnets = [subnet(n, account) for n in range(10)]
    insts = [instance(n, account) for n in range(instances)]
    edges = [edge("IN_VPC", s, v) for s in subnets] + [
        edge("IN_SUBNET", i, subnets[n % 10]) for n, i in enumerate(insts)
    ]
    return [v, *subnets, *insts], edges


def sync(
    graph: Graph,
    nodes: Sequence[NodeRow],
    edges: Sequence[EdgeRow],
    stamp: SyncStamp,
    scopes: Sequence[Scope] = (scope(),),
    references: Sequence[EdgeRow] = (),
) -> tuple[Plan, Reconciled]:
    """One unit, both phases, each with its own writer (as a worker runs them)."""
    writer = GraphWriter(graph, SCHEMA, history=True, job_id=f"job-{stamp.generation}")
    plan = Reconciler(writer).stage(nodes, edges, references, scopes, stamp)
    done = Reconciler(GraphWriter(graph, SCHEMA, history=True, job_id=f"job-{stamp.generation}")).finish(
        plan, scopes, stamp
    )
    return plan, done


def written_by(graph: Graph, stamp: SyncStamp) -> tuple[int, int]:
    """Nodes (scopes' stamps aside) and relationships the sync of ``stamp`` wrote."""
    nodes = graph.read("MATCH (n:Resource) WHERE n.last_sync = $g RETURN count(n) AS c", {"g": stamp.generation})[0][
        "c"
    ]
    rels = graph.read("MATCH ()-[r]->() WHERE r.last_sync = $g RETURN count(r) AS c", {"g": stamp.generation})[0]["c"]
    return int(nodes), int(rels)


def graph_state(graph: Graph) -> tuple[set[str], set[tuple[str, str, str]]]:
    ids = {r["id"] for r in graph.read("MATCH (n:Resource) RETURN n.id AS id")}
    rels = graph.read("MATCH (a:Resource)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b")
    return ids, {(r["a"], r["t"], r["b"]) for r in rels}


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


def test_an_unchanged_re_sync_writes_no_row_and_keeps_every_one(graph: Graph) -> None:
    nodes, edges = estate()
    plan, done = sync(graph, nodes, edges, S1)
    assert (plan.nodes, plan.written, done.edges, done.written_edges) == (111, 111, 110, 110)
    before = graph_state(graph)

    plan, done = sync(graph, nodes, edges, S2)
    assert (plan.nodes, plan.written, plan.vanished) == (111, 0, ())
    assert (done.edges, done.written_edges, done.removed_nodes, done.removed_edges) == (110, 0, 0, 0)
    assert plan.edges == plan.references == plan.sources == ()
    assert written_by(graph, S2) == (0, 0)
    assert graph_state(graph) == before
    assert graph.read("MATCH (c:Change) WHERE c.generation = $g RETURN count(c) AS c", S2_G)[0]["c"] == 0


def test_one_percent_changed_writes_only_those_rows_and_history_records_exactly_them(graph: Graph) -> None:
    nodes, edges = estate(instances=989)  # 1,000 nodes, 999 edges
    sync(graph, nodes, edges, S1)
    changed = {3: "stopped", 500: "stopped"}
    again = [
        instance(int(n.id.rsplit("-", 1)[1]), state=changed[int(n.id.rsplit("-", 1)[1])])
        if n.label == "EC2Instance" and int(n.id.rsplit("-", 1)[1]) in changed
        else n
        for n in nodes
    ]
    moved = edge("IN_SUBNET", instance(7), subnet(8))  # instance 7 moves from subnet 7 to subnet 8
    edges2 = [moved if e.source_id == instance(7).id else e for e in edges]
    plan, done = sync(graph, again, edges2, S2)
    assert plan.written == 2
    assert (done.written_edges, done.removed_edges) == (1, 1)
    assert written_by(graph, S2) == (2, 1)
    assert (plan.written + done.written_edges + done.removed_edges) / (len(nodes) + len(edges)) <= 0.02
    rows = graph.read("MATCH (c:Change) WHERE c.generation = $g RETURN c.resource_id AS id, c.change AS change", S2_G)
    assert sorted((r["id"], r["change"]) for r in rows) == sorted((instance(n).id, "changed") for n in changed)
    rels = graph_state(graph)[1]
    assert (instance(7).id, "IN_SUBNET", subnet(8).id) in rels
    assert (instance(7).id, "IN_SUBNET", subnet(7).id) not in rels


def test_vanished_nodes_and_edges_are_removed_and_recorded_within_the_scope_only(graph: Graph) -> None:
    nodes, edges = estate(instances=20)
    other_nodes, other_edges = estate(instances=5, account=OTHER)
    sync(graph, nodes, edges, S1)
    sync(graph, other_nodes, other_edges, S1, (scope(OTHER),))
    gone = instance(4)
    kept = [n for n in nodes if n.id != gone.id]
    kept_edges = [e for e in edges if e.source_id != gone.id and e.source_id != subnet(9).id]  # s-9 leaves its VPC
    plan, done = sync(graph, kept, kept_edges, S2)
    assert plan.vanished == (("EC2Instance", gone.id),)
    assert (done.removed_nodes, done.removed_edges) == (1, 2)  # the instance with its IN_SUBNET, and s-9's IN_VPC
    ids, rels = graph_state(graph)
    assert gone.id not in ids
    assert (subnet(9).id, "IN_VPC", vpc().id) not in rels
    assert {n.id for n in other_nodes} <= ids  # the other account's scope: untouched
    assert {(e.source_id, e.type, e.target_id) for e in other_edges} <= rels
    assert [c.change for c in resource_history(graph, gone.id)] == ["created", "deleted"]


def test_first_seen_is_kept_and_last_seen_is_answered_from_the_scopes_stamp(graph: Graph) -> None:
    nodes, edges = estate(instances=3)
    sync(graph, nodes, edges, S1)
    sync(graph, nodes, edges, S2)
    target = instance(1)
    own = graph.read("MATCH (n {id: $id}) RETURN n.first_seen AS f, n.last_seen AS l", {"id": target.id})[0]
    assert (_native(own["f"]), _native(own["l"])) == (T1, T1)  # not rewritten
    derived = graph.read(f"MATCH (n {{id: $id}}) RETURN {last_seen_cypher('n')} AS seen", {"id": target.id})[0]
    assert _native(derived["seen"]) == S2.at
    stamps = SeenStamps.load(graph)
    assert stamps.last_seen(["EC2Instance", "Resource"], ACCOUNT, REGION, T1) == S2.at
    assert stamps.last_seen(["EC2Instance", "Resource"], OTHER, REGION, T1) == T1  # no scope of that account
    assert stamps.last_seen(["SecurityGroup"], ACCOUNT, REGION, T1) == T1  # a label the scope does not cover
    sync(graph, nodes, edges, S1)  # an older sync finishing late never moves the stamp back
    assert SeenStamps.load(graph).last_seen(["EC2Instance"], ACCOUNT, REGION, None) == S2.at


def test_an_older_sync_finishing_last_never_removes_what_a_newer_one_wrote(graph: Graph) -> None:
    nodes, edges = estate(instances=5)
    sync(graph, nodes, edges, S1)
    back = instance(4, state="stopped")
    older_nodes = [n for n in nodes if n.id != back.id]  # the older sync's fetch missed instance 4
    older = Reconciler(GraphWriter(graph, SCHEMA)).stage(
        older_nodes, [e for e in edges if e.source_id != back.id], (), [scope()], S2
    )
    assert older.vanished == (("EC2Instance", back.id),)
    newcomer = instance(99)
    newer = [back if n.id == back.id else n for n in nodes] + [newcomer]
    sync(graph, newer, [*edges, edge("IN_SUBNET", newcomer, subnet(0))], S3)
    done = Reconciler(GraphWriter(graph, SCHEMA)).finish(older, [scope()], S2)
    assert (done.removed_nodes, done.removed_edges) == (0, 0)
    ids, rels = graph_state(graph)
    assert {back.id, newcomer.id} <= ids
    assert (newcomer.id, "IN_SUBNET", subnet(0).id) in rels
    assert (back.id, "IN_SUBNET", subnet(4).id) in rels


def test_concurrent_syncs_of_different_scopes_keep_each_others_rows(graph: Graph) -> None:
    mine, my_edges = estate(instances=5)
    theirs, their_edges = estate(instances=5, account=OTHER)
    a = Reconciler(GraphWriter(graph, SCHEMA)).stage(mine, my_edges, (), [scope()], S1)
    b = Reconciler(GraphWriter(graph, SCHEMA)).stage(theirs, their_edges, (), [scope(OTHER)], S2)
    Reconciler(GraphWriter(graph, SCHEMA)).finish(b, [scope(OTHER)], S2)
    Reconciler(GraphWriter(graph, SCHEMA)).finish(a, [scope()], S1)
    ids, rels = graph_state(graph)
    assert {n.id for n in (*mine, *theirs)} == ids
    assert {(e.source_id, e.type, e.target_id) for e in (*my_edges, *their_edges)} == rels


def test_an_edge_whose_end_is_missing_is_tried_again_by_the_next_sync(graph: Graph) -> None:
    v, s = vpc(), subnet(1)
    lonely = [v, s]
    ghost = instance(1)  # the edge's source exists, its target will come later
    ref = edge("IN_SUBNET", ghost, s)
    sync(graph, [s, v], [edge("IN_VPC", s, v)], S1)
    plan, done = sync(graph, [*lonely, ghost], [], S2, references=[ref])
    assert done.written_edges == 1  # the reference's ends both exist now
    assert (ghost.id, "IN_SUBNET", s.id) in graph_state(graph)[1]
    missing = edge("IN_VPC", subnet(2), vpc("999999999999"))
    plan, done = sync(graph, [*lonely, ghost, subnet(2)], [edge("IN_VPC", s, v), missing], S3, references=[ref])
    assert done.skipped_edges == 1
    stored = graph.read("MATCH (n {id: $id}) RETURN n.sync_edges AS h", {"id": subnet(2).id})[0]["h"]
    assert stored is None  # not recorded: the next sync reconciles its edges again
    s4 = SyncStamp(4_000, T1 + timedelta(hours=3))
    plan, _ = sync(graph, [*lonely, ghost, subnet(2)], [edge("IN_VPC", s, v), missing], s4, references=[ref])
    assert [src[1] for src in plan.sources] == [subnet(2).id]


# --- the digest of a unit's rows ------------------------------------------------------------------


def scope_digests(graph: Graph, labels: tuple[str, ...] = LABELS) -> dict[str, str | None]:
    """Per account, the digest the unit covering ``labels`` keeps on its account-region scope node."""
    key = "sync_digest." + unit_key(Scope("aws", ACCOUNT, REGION, labels))
    rows = graph.read("MATCH (s:SyncScope) RETURN s.account AS account, s[$key] AS d", {"key": key})
    return {str(r["account"]): r["d"] for r in rows}


def test_an_unchanged_scope_is_decided_by_its_digest_and_writes_nothing(graph: Graph) -> None:
    nodes, edges = estate()
    plan, _ = sync(graph, nodes, edges, S1)
    assert not plan.unchanged
    before = graph_state(graph)
    plan, done = sync(graph, list(nodes), list(edges), S2)
    assert plan.unchanged
    assert (plan.nodes, plan.written, plan.unchanged_edges, plan.edges, plan.sources) == (111, 0, 110, (), ())
    assert (done.edges, done.written_edges, done.removed_nodes, done.removed_edges) == (110, 0, 0, 0)
    assert written_by(graph, S2) == (0, 0)
    assert graph_state(graph) == before
    assert graph.read("MATCH (c:Change) WHERE c.generation = $g RETURN count(c) AS c", S2_G)[0]["c"] == 0
    seen = graph.read(f"MATCH (n {{id: $id}}) RETURN {last_seen_cypher('n')} AS seen", {"id": instance(3).id})
    assert _native(seen[0]["seen"]) == S2.at  # still answered from the scope's stamp


def test_one_changed_property_misses_the_digest_and_rewrites_only_its_row(graph: Graph) -> None:
    nodes, edges = estate(instances=20)
    sync(graph, nodes, edges, S1)
    changed = [instance(5, state="stopped") if n.id == instance(5).id else n for n in nodes]
    plan, done = sync(graph, changed, edges, S2)
    assert not plan.unchanged
    assert (plan.written, done.written_edges, done.removed_edges) == (1, 0, 0)
    assert written_by(graph, S2) == (1, 0)
    rows = graph.read("MATCH (c:Change) WHERE c.generation = $g RETURN c.resource_id AS id", S2_G)
    assert [r["id"] for r in rows] == [instance(5).id]
    plan, _ = sync(graph, changed, edges, S3)  # the new digest was recorded
    assert plan.unchanged


def test_a_vanished_row_misses_the_digest_and_is_removed(graph: Graph) -> None:
    nodes, edges = estate(instances=20)
    sync(graph, nodes, edges, S1)
    gone = instance(4)
    plan, done = sync(graph, [n for n in nodes if n.id != gone.id], [e for e in edges if e.source_id != gone.id], S2)
    assert not plan.unchanged
    assert (done.removed_nodes, done.removed_edges) == (1, 1)
    assert gone.id not in graph_state(graph)[0]


def test_a_second_scope_keeps_its_digest_and_rows_when_the_first_changes(graph: Graph) -> None:
    nodes, edges = estate(instances=10)
    theirs, their_edges = estate(instances=10, account=OTHER)
    sync(graph, nodes, edges, S1)
    sync(graph, theirs, their_edges, S1, (scope(OTHER),))
    kept = scope_digests(graph)[OTHER]
    assert kept is not None
    plan, _ = sync(graph, nodes[:-1], edges[:-1], S2)  # the first scope loses an instance
    assert not plan.unchanged
    assert scope_digests(graph)[OTHER] == kept
    plan, _ = sync(graph, theirs, their_edges, S3, (scope(OTHER),))
    assert plan.unchanged
    assert written_by(graph, S3) == (0, 0)
    ids, rels = graph_state(graph)
    assert {n.id for n in theirs} <= ids
    assert {(e.source_id, e.type, e.target_id) for e in their_edges} <= rels


def test_two_units_of_one_region_keep_their_own_digests_on_the_shared_scope_node(graph: Graph) -> None:
    """Every unit of an account and region stamps the same scope node: one unit's write phase must neither
    clear nor outdate the other's digest, or no real re-sync (many units per region) would be decided by it."""
    nodes, edges = estate(instances=5)
    volumes = ("EBSVolume",)
    disk = NodeRow("EBSVolume", _arn("volume", "vol-1", ACCOUNT), {"account": ACCOUNT, "region": REGION, "name": "v"})
    sync(graph, nodes, edges, S1)
    sync(graph, [disk], [], S1, (Scope("aws", ACCOUNT, REGION, volumes),))
    assert graph.read("MATCH (s:SyncScope) RETURN count(s) AS c")[0]["c"] == 1
    assert scope_digests(graph)[ACCOUNT] is not None
    assert scope_digests(graph, volumes)[ACCOUNT] is not None
    plan, _ = sync(graph, nodes, edges, S2)
    assert plan.unchanged
    plan, _ = sync(graph, [disk], [], S2, (Scope("aws", ACCOUNT, REGION, volumes),))
    assert plan.unchanged
    assert written_by(graph, S2) == (0, 0)


def test_a_sync_another_one_wrote_into_between_its_phases_records_no_digest(graph: Graph) -> None:
    nodes, edges = estate(instances=5)
    sync(graph, nodes, edges, S1)
    older_nodes = [instance(2, state="stopped") if n.id == instance(2).id else n for n in nodes]
    older = Reconciler(GraphWriter(graph, SCHEMA)).stage(older_nodes, edges, (), [scope()], S2)
    assert older.written == 1
    newer = [instance(3, state="stopped") if n.id == instance(3).id else n for n in nodes]
    plan, _ = sync(graph, newer, edges, S3)  # reads the older one's instance 2 and puts it back
    assert plan.written == 2
    assert scope_digests(graph)[ACCOUNT] == plan.digest
    Reconciler(GraphWriter(graph, SCHEMA)).finish(older, [scope()], S2)
    assert scope_digests(graph)[ACCOUNT] is None  # the newer sync wrote since the older one read: not recorded
    s4 = SyncStamp(4_000, T1 + timedelta(hours=3))
    plan, _ = sync(graph, newer, edges, s4)
    assert not plan.unchanged  # read row by row, and the graph already holds the newest rows
    assert plan.written == 0
    states = graph.read(
        "MATCH (n:EC2Instance) WHERE n.id IN $ids RETURN n.id AS id, n.state AS s",
        {"ids": [instance(2).id, instance(3).id]},
    )
    assert {r["id"]: r["s"] for r in states} == {instance(2).id: "running", instance(3).id: "stopped"}
    s5 = SyncStamp(5_000, T1 + timedelta(hours=4))
    assert sync(graph, newer, edges, s5)[0].unchanged


def test_an_unchanged_re_sync_retries_only_the_edges_whose_end_was_missing(graph: Graph) -> None:
    nodes, edges = estate(instances=5)
    later = subnet(42, OTHER)  # another account's subnet: no unit has stored it yet
    ref = EdgeRow("IN_SUBNET", "EC2Instance", instance(1).id, "Subnet", later.id)
    plan, done = sync(graph, nodes, edges, S1, references=[ref])
    assert done.written_edges == len(edges)
    plan, done = sync(graph, nodes, edges, S2, references=[ref])
    assert plan.unchanged
    mine = tuple(e for e in edges if e.source_id == instance(1).id)  # the pending source's edges, all of them
    assert (plan.edges, plan.references) == (mine, (ref,))
    assert [s[1] for s in plan.sources] == [instance(1).id]
    assert done.written_edges == 0
    sync(graph, [later], [], S2, (scope(OTHER),))  # the other account's unit stores it
    s4 = SyncStamp(4_000, T1 + timedelta(hours=3))
    plan, done = sync(graph, nodes, edges, s4, references=[ref])
    assert plan.unchanged
    assert done.written_edges == 1
    assert (instance(1).id, "IN_SUBNET", later.id) in graph_state(graph)[1]
    s5 = SyncStamp(5_000, T1 + timedelta(hours=4))
    plan, _ = sync(graph, nodes, edges, s5, references=[ref])
    assert plan.unchanged
    assert plan.references == ()  # nothing pending any more


def test_resources_removed_outside_a_sync_are_written_again_once_their_account_is_forgotten(graph: Graph) -> None:
    nodes, edges = estate(instances=5)
    sync(graph, nodes, edges, S1)
    graph.write("MATCH (n:Resource {account: $a}) DETACH DELETE n", {"a": ACCOUNT})  # as an account purge does
    forget_account(graph, "aws", ACCOUNT)
    plan, done = sync(graph, nodes, edges, S2)
    assert not plan.unchanged
    assert (plan.written, done.written_edges) == (len(nodes), len(edges))
    assert graph_state(graph)[0] == {n.id for n in nodes}


# --- the content hash ----------------------------------------------------------------------------

SAMPLE: dict[str, tuple[PropValue, PropValue]] = {
    "string": ("a", "b"),
    "int": (1, 2),
    "float": (1.5, 2.5),
    "bool": (False, True),
    "datetime": (T1, T1 + timedelta(seconds=1)),
    "string[]": (("a",), ("a", "b")),
    "datetime[]": ((T1,), (T1, T1 + timedelta(seconds=1))),  # type: ignore[dict-item]
}


def _declared(props: Sequence[Property]) -> list[Property]:
    names = set(writable(props))
    return [p for p in props if p.name in names]


def test_samples_cover_every_property_type() -> None:
    assert set(SAMPLE) == set(PROP_TYPES)


@pytest.mark.parametrize("kind", [k.label for k in SCHEMA.nodes])
def test_the_node_hash_changes_with_every_declared_property(kind: str) -> None:
    props = _declared(SCHEMA.properties_of(kind))
    base = {p.name: SAMPLE[p.type][0] for p in props}
    fp = fingerprint(kind, SCHEMA.properties_of(kind))
    h = node_hash(fp, base)
    assert node_hash(fp, dict(base)) == h  # the same properties: the same hash
    for p in props:
        assert node_hash(fp, {**base, p.name: SAMPLE[p.type][1]}) != h, f"{kind}.{p.name} changed, hash did not"
        assert node_hash(fp, {k: v for k, v in base.items() if k != p.name}) != h, f"{kind}.{p.name} dropped"


@pytest.mark.parametrize("rel", [r for r in SCHEMA.relationships if _declared(r.properties)], ids=str)
def test_the_edge_hash_changes_with_every_declared_property_and_its_target(rel: Any) -> None:
    props = _declared(rel.properties)
    base = {p.name: SAMPLE[p.type][0] for p in props}
    fp = fingerprint(f"{rel.type}|{rel.source}|{rel.target}", rel.properties)
    h = edge_hash(fp, "target", base)
    assert edge_hash(fp, "other-target", base) != h
    for p in props:
        assert edge_hash(fp, "target", {**base, p.name: SAMPLE[p.type][1]}) != h, f"{rel.type}.{p.name}"


def test_a_schema_change_changes_the_hash_of_the_same_row() -> None:
    props = SCHEMA.properties_of("VPC")
    row = vpc().props
    assert node_hash(fingerprint("VPC", props), row) != node_hash(
        fingerprint("VPC", (*props, Property("new_fact", "string", "d"))), row
    )
