"""Rollups, the collapsed overview for large estates, application components, and compact subgraphs.

``rollup(by)`` counts resources per provider, kind, region or account. ``overview`` collapses the
estate one level at a time (accounts; the regions of an account; the kinds in a region) with the
relationship counts between groups, so a viewer shows a million resources as a handful of boxes and
expands one on demand. ``components`` groups resources into applications by a tag (app, team, ...)
or, without a tag, by connectivity over dependency edges. ``subgraph`` is the viewer's compact
nodes/edges around some ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from graph.tags import tag_prefix
from queries.model import REF_PROJECTION, NodeRef
from queries.traverse import dependency_spec

RollupBy = Literal["PROVIDER", "KIND", "REGION", "ACCOUNT"]
_FIELD = {"PROVIDER": "provider", "KIND": "kind", "REGION": "region", "ACCOUNT": "account"}
MAX_SUBGRAPH = 5000
MAX_COMPONENT_NODES = 200_000


@dataclass(frozen=True)
class Bucket:
    key: str
    count: int


def rollup(graph: Graph, by: RollupBy, provider: str | None = None) -> tuple[Bucket, ...]:
    """Resource counts per value of ``by`` (most first, then by key)."""
    field = _FIELD[by]  # a fixed name from the mapping above
    rows = graph.read(
        f"MATCH (n:Resource) WHERE $provider IS NULL OR n.provider = $provider "
        f"RETURN coalesce(n.{field}, '') AS key, count(*) AS count ORDER BY count DESC, key",
        {"provider": provider},
    )
    return tuple(Bucket(str(r["key"]), int(r["count"])) for r in rows)


@dataclass(frozen=True)
class Group:
    """A collapsed group of the estate: an account, a region of it, or a kind in a region."""

    id: str  # e.g. "account:123|region:us-east-1"
    level: Literal["ACCOUNT", "REGION", "KIND"]
    account: str
    region: str | None
    kind: str | None
    provider: str
    count: int


@dataclass(frozen=True)
class GroupEdge:
    source: str
    target: str
    type: str
    count: int


@dataclass(frozen=True)
class Overview:
    """The estate collapsed; expand a group by passing its account (and region)."""

    groups: tuple[Group, ...]
    edges: tuple[GroupEdge, ...]
    total: int


def overview(graph: Graph, account: str | None = None, region: str | None = None) -> Overview:
    """The estate collapsed: by account; with ``account``, its regions; with both, the kinds in that region."""
    if region is not None and account is None:
        raise QueryInputError("region needs an account: pass account too (expand an account first)")
    level: Literal["ACCOUNT", "REGION", "KIND"] = (
        "ACCOUNT" if account is None else "REGION" if region is None else "KIND"
    )
    key = {
        "ACCOUNT": "'account:' + n.account",
        "REGION": "'account:' + n.account + '|region:' + n.region",
        "KIND": "'account:' + n.account + '|region:' + n.region + '|kind:' + n.kind",
    }[level]
    scope = "($account IS NULL OR n.account = $account) AND ($region IS NULL OR n.region = $region)"
    params = {"account": account, "region": region}
    rows = graph.read(
        f"MATCH (n:Resource) WHERE {scope} RETURN {key} AS id, n.account AS account, "
        "CASE WHEN $lvl = 'ACCOUNT' THEN null ELSE n.region END AS region, "
        "CASE WHEN $lvl = 'KIND' THEN n.kind ELSE null END AS kind, "
        "min(n.provider) AS provider, count(*) AS count ORDER BY id",
        {**params, "lvl": level},
    )
    groups = tuple(
        Group(str(r["id"]), level, str(r["account"]), r["region"], r["kind"], str(r["provider"]), int(r["count"]))
        for r in rows
    )
    edge_rows = graph.read(
        f"MATCH (n:Resource)-[r]->(m:Resource) WHERE {scope} AND {scope.replace('n.', 'm.')} "
        f"WITH {key} AS s, {key.replace('n.', 'm.')} AS t, type(r) AS type WHERE s <> t "
        "RETURN s, t, type, count(*) AS count ORDER BY s, t, type",
        params,
    )
    edges = tuple(GroupEdge(str(r["s"]), str(r["t"]), str(r["type"]), int(r["count"])) for r in edge_rows)
    return Overview(groups, edges, sum(g.count for g in groups))


@dataclass(frozen=True)
class Component:
    """Resources grouped into an application: by tag value, or by connectivity."""

    key: str  # the tag value, or the smallest id of a connected component
    size: int
    kinds: tuple[Bucket, ...]
    members: tuple[NodeRef, ...]  # up to the requested number, by id
    internal_edges: int


def components(
    graph: Graph,
    tag: str | None = None,
    provider: str | None = None,
    account: str | None = None,
    first: int = 50,
    members: int = 20,
) -> tuple[Component, ...]:
    """Applications: resources sharing a value of ``tag``; without a tag, connected components over dependency
    edges (containers such as projects and resource groups left out). Largest first."""
    if not 1 <= first <= 1000 or not 0 <= members <= 1000:
        raise QueryInputError("first must be between 1 and 1000 and members between 0 and 1000")
    if tag is not None and not tag:
        raise QueryInputError("tag must be a non-empty tag key, e.g. app or team")
    scope = "($provider IS NULL OR n.provider = $provider) AND ($account IS NULL OR n.account = $account)"
    params: dict[str, object] = {"provider": provider, "account": account, "limit": MAX_COMPONENT_NODES}
    refs: dict[str, NodeRef] = {}
    group_of: dict[str, str] = {}
    if tag is not None:
        rows = graph.read(
            f"MATCH (n:Resource) WHERE {scope} UNWIND coalesce(n.tags, []) AS t WITH n, t WHERE t STARTS WITH $prefix "
            f"RETURN n {REF_PROJECTION} AS n, substring(t, size($prefix)) AS value LIMIT $limit",
            {**params, "prefix": tag_prefix(tag)},
        )
        for r in rows:
            ref = NodeRef.from_row(r["n"])
            refs[ref.id] = ref
            group_of[ref.id] = str(r["value"])
        edges = _edges_among(graph, list(refs))
    else:
        spec = dependency_spec("DEPENDENCIES")
        containers = ("IN_PROJECT", "IN_FOLDER", "IN_ORGANIZATION", "IN_RESOURCE_GROUP", "IN_SUBSCRIPTION")
        types = "|".join(t for t in spec.out_types + spec.in_types if t not in containers)
        rows = graph.read(f"MATCH (n:Resource) WHERE {scope} RETURN n {REF_PROJECTION} AS n LIMIT $limit", params)
        refs = {str(r["n"]["id"]): NodeRef.from_row(r["n"]) for r in rows}
        edges = [
            (str(r["a"]), str(r["b"]))
            for r in graph.read(
                f"MATCH (n:Resource)-[:{types}]->(m:Resource) WHERE {scope} RETURN n.id AS a, m.id AS b", params
            )
            if r["a"] in refs and r["b"] in refs
        ]
        group_of = _union_find(list(refs), edges)
    by_group: dict[str, list[str]] = defaultdict(list)
    for node_id, key in group_of.items():
        by_group[key].append(node_id)
    inside: dict[str, int] = defaultdict(int)
    for a, b in edges:
        if a in group_of and group_of.get(a) == group_of.get(b):
            inside[group_of[a]] += 1
    out = []
    for key, ids in by_group.items():
        kinds: dict[str, int] = defaultdict(int)
        for i in ids:
            kinds[refs[i].kind] += 1
        ordered = sorted(ids)
        out.append(
            Component(
                key=key,
                size=len(ids),
                kinds=tuple(Bucket(k, c) for k, c in sorted(kinds.items(), key=lambda kc: (-kc[1], kc[0]))),
                members=tuple(refs[i] for i in ordered[:members]),
                internal_edges=inside[key],
            )
        )
    out.sort(key=lambda c: (-c.size, c.key))
    return tuple(out[:first])


def _edges_among(graph: Graph, ids: Sequence[str]) -> list[tuple[str, str]]:
    rows = graph.read(
        "UNWIND $ids AS id MATCH (n:Resource {id: id})-[]->(m:Resource) WHERE m.id IN $ids RETURN n.id AS a, m.id AS b",
        {"ids": list(ids)},
    )
    return [(str(r["a"]), str(r["b"])) for r in rows]


def _union_find(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each id -> the smallest id of its connected component."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}


@dataclass(frozen=True)
class SubgraphEdge:
    source: str
    target: str
    type: str


@dataclass(frozen=True)
class Subgraph:
    nodes: tuple[NodeRef, ...]
    edges: tuple[SubgraphEdge, ...]
    truncated: bool


def subgraph(graph: Graph, ids: Sequence[str], depth: int = 1, limit: int = 500) -> Subgraph:
    """The resources within ``depth`` hops of ``ids`` (any relationship, either way), at most ``limit`` nodes,
    and every relationship among them."""
    if not 0 <= depth <= 3:
        raise QueryInputError(f"depth must be between 0 and 3, got {depth}")
    if not ids:
        raise QueryInputError("ids must name at least one resource")
    if not 1 <= limit <= MAX_SUBGRAPH:
        raise QueryInputError(f"limit must be between 1 and {MAX_SUBGRAPH}, got {limit}")
    start = graph.read(f"UNWIND $ids AS id MATCH (n:Resource {{id: id}}) RETURN n {REF_PROJECTION} AS n", {"ids": ids})
    refs = {str(r["n"]["id"]): NodeRef.from_row(r["n"]) for r in start}
    missing = [i for i in ids if i not in refs]
    if missing:
        raise QueryInputError(f"no resource with id {missing[0]!r}; look ids up with the `resources` query")
    frontier = list(refs)
    truncated = False
    for _ in range(depth):
        rows = graph.read(
            "UNWIND $ids AS id MATCH (n:Resource {id: id})--(m:Resource) "
            f"RETURN DISTINCT m {REF_PROJECTION} AS m ORDER BY m.id",
            {"ids": frontier},
        )
        frontier = []
        for r in rows:
            ref = NodeRef.from_row(r["m"])
            if ref.id in refs:
                continue
            if len(refs) >= limit:
                truncated = True
                break
            refs[ref.id] = ref
            frontier.append(ref.id)
        if truncated or not frontier:
            break
    edges = graph.read(
        "UNWIND $ids AS id MATCH (n:Resource {id: id})-[r]->(m:Resource) WHERE m.id IN $ids "
        "RETURN n.id AS s, m.id AS t, type(r) AS type ORDER BY s, t, type",
        {"ids": list(refs)},
    )
    return Subgraph(
        nodes=tuple(sorted(refs.values(), key=lambda n: n.id)),
        edges=tuple(SubgraphEdge(str(e["s"]), str(e["t"]), str(e["type"])) for e in edges),
        truncated=truncated,
    )
