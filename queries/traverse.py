"""Breadth-first expansion over the edges a rule table selects, one Cypher round trip per level.

Which edges to follow comes from data (``graph.schema.dependencies``): for every declared
(type, source label, target label) the table decides whether a walk at the source may step to the
target (``out``), at the target to the source (``in``), both or neither. Types whose every declared
pair decides the same are matched by type alone; the others carry the allowed pairs, checked on the
nodes' ``kind``. Only ``Resource`` nodes are visited. The walk keeps the first (shortest) path to
each node, stops at ``max_depth`` and at ``max_nodes`` (then ``truncated`` is set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, Protocol, TypeVar

from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from graph.schema.dependencies import ACCESS, DEPENDENCIES, CompoundHop
from queries.model import REF_PROJECTION, NodeRef, PathStep, Reached

Step = Literal["out", "in"]
Decide = Callable[[str, str, str], frozenset[Step]]
Pair = tuple[str, str, str]


@dataclass(frozen=True)
class EdgeSpec:
    """The relationship types a walk follows from a node ``x`` to a neighbour ``m``, per stored direction."""

    out_types: tuple[str, ...] = ()
    in_types: tuple[str, ...] = ()
    out_pairs: tuple[Pair, ...] = ()  # (type, x kind, m kind) allowed for types in out_mixed
    out_mixed: tuple[str, ...] = ()
    in_pairs: tuple[Pair, ...] = ()  # (type, m kind, x kind) allowed for types in in_mixed
    in_mixed: tuple[str, ...] = ()
    compound: tuple[CompoundHop, ...] = field(default=())


class _Rule(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def target(self) -> str | None: ...


R = TypeVar("R", bound=_Rule)


def most_specific(rules: Iterable[R], type_: str, source: str, target: str) -> R | None:
    best: tuple[int, R] | None = None
    for rule in rules:
        r_type, r_src, r_tgt = rule.type, rule.source, rule.target
        if r_type != type_ or r_src not in (None, source) or r_tgt not in (None, target):
            continue
        score = (r_src is not None) * 2 + (r_tgt is not None)
        if best is None or score > best[0]:
            best = (score, rule)
    return best[1] if best else None


def dependency_steps(direction: Literal["DEPENDENCIES", "DEPENDENTS"]) -> Decide:
    """DEPENDENCIES walks from a node to what it needs; DEPENDENTS to what needs it."""

    def decide(type_: str, source: str, target: str) -> frozenset[Step]:
        rule = most_specific(DEPENDENCIES, type_, source, target)
        if rule is None:
            return frozenset()
        source_needs = rule.meaning in ("source", "both")
        target_needs = rule.meaning in ("target", "both")
        steps: set[Step] = set()
        if (source_needs and direction == "DEPENDENCIES") or (target_needs and direction == "DEPENDENTS"):
            steps.add("out")
        if (target_needs and direction == "DEPENDENCIES") or (source_needs and direction == "DEPENDENTS"):
            steps.add("in")
        return frozenset(steps)

    return decide


def access_steps(type_: str, source: str, target: str) -> frozenset[Step]:
    """Walk the way requests and data go (entry points towards data stores)."""
    rule = most_specific(ACCESS, type_, source, target)
    if rule is None:
        return frozenset()
    return frozenset({"out" if rule.forward else "in"})


def build_spec(decide: Decide, compound: tuple[CompoundHop, ...] = ()) -> EdgeSpec:
    """Compile a decision function over every declared resource-to-resource pair into an EdgeSpec."""
    resource = {k.label for k in SCHEMA.resource_kinds()}
    per_type: dict[str, list[tuple[str, str, frozenset[Step]]]] = {}
    for rel in SCHEMA.relationships:
        if rel.source in resource and rel.target in resource:
            per_type.setdefault(rel.type, []).append((rel.source, rel.target, decide(rel.type, rel.source, rel.target)))
    out_t: list[str] = []
    in_t: list[str] = []
    out_m: list[str] = []
    in_m: list[str] = []
    out_p: list[Pair] = []
    in_p: list[Pair] = []
    for type_, pairs in sorted(per_type.items()):
        for step, types, mixed, allowed in (("out", out_t, out_m, out_p), ("in", in_t, in_m, in_p)):
            follow = [(s, t) for s, t, steps in pairs if step in steps]
            if not follow:
                continue
            types.append(type_)
            if len(follow) < len(pairs):
                mixed.append(type_)
                # out: (type, x=source, m=target); in: (type, m=source, x=target) -- both are (type, source, target)
                allowed.extend((type_, s, t) for s, t in follow)
    return EdgeSpec(tuple(out_t), tuple(in_t), tuple(out_p), tuple(out_m), tuple(in_p), tuple(in_m), compound)


@cache
def dependency_spec(direction: Literal["DEPENDENCIES", "DEPENDENTS"]) -> EdgeSpec:
    return build_spec(dependency_steps(direction))


def level_cypher(spec: EdgeSpec) -> str:
    """One query returning every followed neighbour of every node in ``$ids``."""
    branches = []
    if spec.out_types:
        branches.append(
            f"MATCH (x)-[r:{'|'.join(spec.out_types)}]->(m:Resource) "
            "WHERE NOT type(r) IN $out_mixed OR [type(r), x.kind, m.kind] IN $out_pairs "
            "RETURN type(r) AS type, true AS outgoing, m, r.via AS via, r.reason AS reason"
        )
    if spec.in_types:
        branches.append(
            f"MATCH (x)<-[r:{'|'.join(spec.in_types)}]-(m:Resource) "
            "WHERE NOT type(r) IN $in_mixed OR [type(r), m.kind, x.kind] IN $in_pairs "
            "RETURN type(r) AS type, false AS outgoing, m, r.via AS via, r.reason AS reason"
        )
    for hop in spec.compound:
        branches.append(
            f"WITH x AS a {hop.match}"
            + f" RETURN DISTINCT '{hop.name}' AS type, true AS outgoing, b AS m, via.id AS via, null AS reason"
        )
    if not branches:
        return "UNWIND [] AS x RETURN x"
    union = " UNION ALL ".join(branches)
    return (
        "UNWIND $ids AS id MATCH (x:Resource {id: id}) "
        f"CALL (x) {{ {union} }} "
        f"RETURN id, type, outgoing, m {REF_PROJECTION} AS m, via, reason ORDER BY id, type, m.id"
    )


def spec_params(spec: EdgeSpec) -> dict[str, object]:
    return {
        "out_mixed": list(spec.out_mixed),
        "out_pairs": [list(p) for p in spec.out_pairs],
        "in_mixed": list(spec.in_mixed),
        "in_pairs": [list(p) for p in spec.in_pairs],
    }


@dataclass(frozen=True)
class Edge:
    """A followed edge as the walk sees it: from ``from_id`` to ``node``."""

    from_id: str
    node: NodeRef
    step: PathStep


def neighbours(graph: Graph, spec: EdgeSpec, ids: Sequence[str]) -> list[Edge]:
    """Every followed neighbour of ``ids``, in one round trip."""
    if not ids:
        return []
    rows = graph.read(level_cypher(spec), {**spec_params(spec), "ids": list(ids)})
    out = []
    for row in rows:
        node = NodeRef.from_row(row["m"])
        step = PathStep(row["id"], node.id, row["type"], bool(row["outgoing"]), row["via"], row["reason"])
        out.append(Edge(row["id"], node, step))
    return out


@dataclass(frozen=True)
class Expansion:
    """What a walk reached (the start nodes excluded), in order of distance then id."""

    roots: tuple[NodeRef, ...]
    reached: tuple[Reached, ...]
    truncated: bool
    edges: tuple[PathStep, ...]  # every followed edge seen between visited nodes


def expand(graph: Graph, spec: EdgeSpec, roots: Sequence[NodeRef], max_depth: int, max_nodes: int) -> Expansion:
    """Breadth-first walk from ``roots``; one query per level."""
    paths: dict[str, tuple[PathStep, ...]] = {r.id: () for r in roots}
    refs: dict[str, NodeRef] = {r.id: r for r in roots}
    reached: list[Reached] = []
    seen_edges: list[PathStep] = []
    frontier = [r.id for r in roots]
    truncated = False
    for depth in range(1, max_depth + 1):
        if not frontier:
            break
        found = neighbours(graph, spec, frontier)
        frontier = []
        for edge in found:
            seen_edges.append(edge.step)
            if edge.node.id in paths:
                continue
            if len(reached) >= max_nodes:
                truncated = True
                continue
            paths[edge.node.id] = (*paths[edge.from_id], edge.step)
            refs[edge.node.id] = edge.node
            reached.append(Reached(edge.node, depth, paths[edge.node.id]))
            frontier.append(edge.node.id)
        if truncated:
            break
    visited = set(paths)
    edges = tuple(dict.fromkeys(e for e in seen_edges if e.to_id in visited))
    reached.sort(key=lambda r: (r.distance, r.node.id))
    return Expansion(tuple(roots), tuple(reached), truncated, edges)


def refs_by_id(graph: Graph, ids: Sequence[str]) -> dict[str, NodeRef]:
    rows = graph.read(f"UNWIND $ids AS id MATCH (n:Resource {{id: id}}) RETURN n {REF_PROJECTION} AS n", {"ids": ids})
    return {str(r["n"]["id"]): NodeRef.from_row(r["n"]) for r in rows}
