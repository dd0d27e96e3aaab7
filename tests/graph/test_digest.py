"""The digest of a unit's rows: the same rows give the same digest, any change to a node, an edge, a reference,
the scopes or the schema gives another, and a scope state holds a digest only when every scope has it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from graph.digest import CHUNK, ScopeState, rows_digest
from graph.reconcile_plan import Plan
from graph.rows import EdgeRow, NodeRow, PropValue, Scope

FP = b"schema"
SCOPE = Scope("aws", "111122223333", "eu-west-1", ("VPC", "Subnet", "EC2Instance"))
T1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def node(n: int, **extra: PropValue) -> NodeRow:
    props: dict[str, PropValue] = {"account": SCOPE.account, "region": SCOPE.region, "name": f"i-{n}", **extra}
    return NodeRow("EC2Instance", f"arn:i-{n}", props)


def edge(n: int, subnet: int = 0) -> EdgeRow:
    return EdgeRow("IN_SUBNET", "EC2Instance", f"arn:i-{n}", "Subnet", f"arn:s-{subnet}")


NODES = [node(n, launched=T1, tags=("team=a",), cores=2, ratio=0.5, public=False) for n in range(10)]
EDGES = [edge(n) for n in range(10)]
REFS = [EdgeRow("USES_KEY", "EC2Instance", "arn:i-1", "KMSKey", "arn:k-1", {"why": "volume"})]


def digest(nodes: list[NodeRow] = NODES, edges: list[EdgeRow] = EDGES, refs: list[EdgeRow] = REFS) -> str:
    return rows_digest(FP, [SCOPE], nodes, edges, refs)


def test_the_same_rows_give_the_same_digest() -> None:
    rebuilt = [NodeRow(r.label, r.id, dict(r.props)) for r in NODES]
    assert digest(rebuilt, list(EDGES), list(REFS)) == digest()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("name", "i-x"),
        ("launched", datetime(2026, 3, 1, 10, 1, tzinfo=UTC)),
        ("tags", ("team=b",)),
        ("cores", 3),
        ("ratio", 0.25),
        ("public", True),
        ("cores", 2.0),
        ("public", 0),
        ("tags", "team=a"),
        ("name", None),
    ],
)
def test_one_changed_property_of_one_node_changes_the_digest(name: str, value: PropValue) -> None:
    changed = list(NODES)
    changed[7] = replace(NODES[7], props={**NODES[7].props, name: value})
    assert digest(changed) != digest()


def test_a_dropped_or_added_property_changes_the_digest() -> None:
    dropped = [*NODES[:3], replace(NODES[3], props={k: v for k, v in NODES[3].props.items() if k != "tags"})]
    assert digest([*dropped, *NODES[4:]]) != digest()
    assert digest([*NODES[:-1], node(9, extra="x")]) != digest()


def test_changed_edges_references_scopes_and_schema_change_the_digest() -> None:
    base = digest()
    assert digest(edges=[*EDGES[:4], edge(4, subnet=1), *EDGES[5:]]) != base
    assert digest(edges=EDGES[:-1]) != base
    assert digest(refs=[replace(REFS[0], props={"why": "snapshot"})]) != base
    assert digest(refs=[]) != base
    # a row moved from the edges to the references is not the same unit
    assert digest(edges=EDGES[:-1], refs=[*REFS, EDGES[-1]]) != base
    other = Scope("aws", "444455556666", SCOPE.region, SCOPE.labels)
    assert rows_digest(FP, [other], NODES, EDGES, REFS) != base
    assert rows_digest(b"schema2", [SCOPE], NODES, EDGES, REFS) != base


def test_a_vanished_or_new_node_changes_the_digest() -> None:
    assert digest(NODES[:-1]) != digest()
    assert digest([*NODES, node(10)]) != digest()


def test_rows_past_one_chunk_are_all_covered() -> None:
    many = [node(n) for n in range(CHUNK * 2 + 5)]
    base = digest(many, [], [])
    for i in (0, CHUNK - 1, CHUNK, 2 * CHUNK + 4):
        changed = list(many)
        changed[i] = node(i, state="stopped")
        assert digest(changed, [], []) != base, i


def test_another_mapping_type_serialises_like_a_dict() -> None:
    proxied = [NodeRow(r.label, r.id, MappingProxyType(dict(r.props))) for r in NODES]
    assert digest(proxied) == digest()


def test_another_order_is_another_digest() -> None:
    """Order is part of the digest: another order costs one full reconcile, never a missed change."""
    assert digest(list(reversed(NODES))) != digest()


def test_a_scope_state_holds_a_digest_only_when_every_scope_has_it() -> None:
    assert ScopeState(("d", "d"), (1, 1), frozenset()).holds("d")
    assert not ScopeState(("d", None), (1, 1), frozenset()).holds("d")
    assert not ScopeState(("d", "e"), (1, 1), frozenset()).holds("d")
    assert not ScopeState((), (), frozenset()).holds("d")


def test_a_plan_keeps_its_digest_and_counters_through_json() -> None:
    """A worker's plan waits in Redis between the phases: what finish needs to record the digest survives."""
    plan = Plan(3, 1, (("EC2Instance", "arn:i-1"),), (EDGES[0],), (), (("EC2Instance", "arn:i-0", "h"),), 9)
    plan = replace(plan, digest="d" * 32, expected=(4, 7), unchanged=True)
    back = Plan.from_json(json.loads(json.dumps(plan.to_json())), plan.edges, plan.references)
    assert back == plan
    assert Plan.from_json({"nodes": 1}, (), ()).expected is None
