"""History recorded by the writer against the real Neo4j: created / changed (old -> new) / deleted,
kept after the resource is gone, idempotent when a batch is written twice, pruned by age."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from graph.history import prune_history
from graph.neo4j.client import Graph
from graph.rows import NodeRow, PropValue, Scope
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from queries.history import ChangeFilter, changes_between, resource_history

ACCOUNT, REGION = "111122223333", "eu-west-1"
T1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=1)
S1 = SyncStamp(1_000, T1)
S2 = SyncStamp(2_000, T2)
SCOPE = Scope("aws", ACCOUNT, REGION, ("EC2Instance",))


def inst(ident: str, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": ACCOUNT, "region": REGION, "name": ident, "instance_id": ident}
    return NodeRow("EC2Instance", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{ident}", {**base, **props})


def sync(graph: Graph, rows: list[NodeRow], stamp: SyncStamp, job: str) -> GraphWriter:
    writer = GraphWriter(graph, SCHEMA, history=True, job_id=job)
    writer.nodes(rows, stamp)
    writer.cleanup(SCOPE, stamp)
    return writer


def test_a_sync_that_adds_changes_and_removes_resources_answers_what_changed(graph: Graph) -> None:
    first = sync(graph, [inst("i-a", instance_type="t3.micro", tags=("env=dev",)), inst("i-b"), inst("i-c")], S1, "j1")
    assert first.changes == 3
    second = sync(
        graph,
        [inst("i-a", instance_type="t3.large", tags=("env=prod",)), inst("i-c"), inst("i-d", state="running")],
        S2,
        "j2",
    )
    assert second.changes == 3  # a changed, d created, b deleted (by cleanup)

    between = changes_between(graph, T2, T2)
    assert [(c.resource_id.rsplit("/", 1)[1], c.change) for c in between] == [
        ("i-a", "changed"),
        ("i-b", "deleted"),
        ("i-d", "created"),
    ]
    changed = between[0]
    assert changed.kind == "EC2Instance"
    assert changed.account == ACCOUNT
    assert changed.job_id == "j2"
    assert [(p.name, json.loads(p.old), json.loads(p.new)) for p in changed.properties] == [
        ("instance_type", "t3.micro", "t3.large"),
        ("tags", ["env=dev"], ["env=prod"]),
    ]
    assert between[1].name == "i-b"
    assert between[1].properties == ()

    # the window before the second sync holds only the three creations
    assert [c.change for c in changes_between(graph, T1, T1 + timedelta(minutes=5))] == ["created"] * 3
    only_deleted = changes_between(graph, T1, T2, ChangeFilter(changes=("deleted",)))
    assert [c.resource_id.rsplit("/", 1)[1] for c in only_deleted] == ["i-b"]

    # b is gone from the graph, its timeline is not
    b_id = inst("i-b").id
    assert graph.read("MATCH (n:EC2Instance {id: $id}) RETURN n", {"id": b_id}) == []
    assert [(c.change, c.at) for c in resource_history(graph, b_id)] == [("created", T1), ("deleted", T2)]
    assert [c.change for c in resource_history(graph, inst("i-c").id)] == ["created"]  # unchanged: nothing new


def test_a_property_that_disappears_is_a_change_to_null(graph: Graph) -> None:
    sync(graph, [inst("i-a", state="running")], S1, "j1")
    sync(graph, [inst("i-a")], S2, "j2")
    [_, removed] = resource_history(graph, inst("i-a").id)
    assert [(p.name, json.loads(p.old), json.loads(p.new)) for p in removed.properties] == [("state", "running", None)]


def test_writing_the_same_batch_twice_records_each_change_once(graph: Graph) -> None:
    rows = [inst("i-a", state="running")]
    sync(graph, rows, S1, "j1")
    sync(graph, rows, S1, "j1")  # a redelivered task: same generation, same rows
    sync(graph, [inst("i-a", state="stopped")], S2, "j2")
    sync(graph, [inst("i-a", state="stopped")], S2, "j2")
    assert [c.change for c in resource_history(graph, inst("i-a").id)] == ["created", "changed"]


def test_stamps_are_not_changes(graph: Graph) -> None:
    rows = [inst("i-a", state="running")]
    sync(graph, rows, S1, "j1")
    assert sync(graph, rows, S2, "j2").changes == 0
    assert len(resource_history(graph, inst("i-a").id)) == 1


def test_history_older_than_the_retention_is_pruned(graph: Graph) -> None:
    sync(graph, [inst("i-a")], S1, "j1")
    sync(graph, [inst("i-a", state="x")], S2, "j2")
    assert prune_history(graph, 0, now=T2 + timedelta(days=400)) == 0  # 0 keeps everything
    assert prune_history(graph, 1, now=T1 + timedelta(days=1, minutes=30)) == 1  # only the T1 record is older
    assert [c.change for c in resource_history(graph, inst("i-a").id)] == ["changed"]


def test_a_writer_without_history_records_nothing(graph: Graph) -> None:
    GraphWriter(graph, SCHEMA).nodes([inst("i-a")], S1)
    assert graph.read("MATCH (c:Change) RETURN count(c) AS n")[0]["n"] == 0
