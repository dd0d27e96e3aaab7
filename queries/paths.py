"""Shortest path between two resources, and critical paths from entry points to data stores.

Critical paths walk the way requests and data go (``graph.schema.dependencies.ACCESS`` and its
compound hops, such as one security group admitting another) from every entry point (internet-facing
load balancers, API gateways, public addresses, CDN distributions, and the Azure/GCP equivalents) up
to ``max_depth`` hops, and keep the data stores reached. Ranking: data sensitivity of the store
first (secrets, then databases, buckets, queues), then exposure of the entry, then the shorter path,
then ids (so the order is stable). A single point of failure of a path is a node between the entry
and the store that every walk from that entry to that store passes through.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from graph.schema.dependencies import COMPOUND_HOPS
from queries.blast import check_depth, root_ref
from queries.model import REF_PROJECTION, NodeRef, PathStep
from queries.traverse import Edge, EdgeSpec, access_steps, build_spec, neighbours

MAX_PATH_DEPTH = 15
MAX_ENTRIES = 500
MAX_FIRST = 500


@dataclass(frozen=True)
class Path:
    nodes: tuple[NodeRef, ...]
    steps: tuple[PathStep, ...]

    @property
    def length(self) -> int:
        return len(self.steps)


def shortest_path(graph: Graph, from_id: str, to_id: str, max_depth: int = 8, types: Sequence[str] = ()) -> Path | None:
    """One shortest path between two resources over any relationships (of ``types`` when given), either direction,
    through resources only; None when there is none within ``max_depth`` hops."""
    check_depth(max_depth, MAX_PATH_DEPTH)
    known = set(SCHEMA.relationship_types())
    unknown = [t for t in types if t not in known]
    if unknown:
        raise QueryInputError(f"unknown relationship type(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    start, end = root_ref(graph, from_id), root_ref(graph, to_id)
    if start.id == end.id:
        return Path((start,), ())
    rel = f":{'|'.join(types)}" if types else ""
    # max_depth is a checked int and the types declared names: both safe to place in the text
    rows = graph.read(
        "MATCH (a:Resource {id: $a}), (b:Resource {id: $b}) "
        f"MATCH p = shortestPath((a)-[{rel}*..{max_depth}]-(b)) WHERE all(n IN nodes(p) WHERE n:Resource) "
        f"RETURN [n IN nodes(p) | n {REF_PROJECTION}] AS nodes, "
        "[r IN relationships(p) | [type(r), startNode(r).id, endNode(r).id]] AS rels",
        {"a": start.id, "b": end.id},
    )
    if not rows:
        return None
    nodes = tuple(NodeRef.from_row(n) for n in rows[0]["nodes"])
    steps = []
    for i, (type_, src, _tgt) in enumerate(rows[0]["rels"]):
        a, b = nodes[i].id, nodes[i + 1].id
        steps.append(PathStep(a, b, str(type_), src == a))
    return Path(nodes, tuple(steps))


@dataclass(frozen=True)
class CriticalPath:
    """A ranked path from an entry point to a data store."""

    rank: int
    entry: NodeRef
    store: NodeRef
    exposure: int
    sensitivity: int
    path: Path
    single_points_of_failure: tuple[NodeRef, ...]


@dataclass(frozen=True)
class SharedPoint:
    node: NodeRef
    paths: int  # how many of the returned paths it is a single point of failure of


@dataclass(frozen=True)
class CriticalPaths:
    """Ranked by store sensitivity, then entry exposure, then shorter path."""

    paths: tuple[CriticalPath, ...]
    total: int  # entry-to-store pairs found (before `first`)
    entries: int
    single_points_of_failure: tuple[SharedPoint, ...]  # most shared first


@cache
def access_spec() -> EdgeSpec:
    return build_spec(access_steps, COMPOUND_HOPS)


_ENTRIES = (
    "UNWIND $entries AS e MATCH (n:Resource {kind: e.label}) "
    "WHERE ($provider IS NULL OR n.provider = $provider) AND (e.prop IS NULL "
    "OR (e.equals IS NULL AND n[e.prop] IS NOT NULL) OR n[e.prop] = e.equals) "
    f"RETURN n {REF_PROJECTION} AS n, e.exposure AS exposure ORDER BY exposure DESC, n.id LIMIT $limit"
)


def _entry_rows(graph: Graph, provider: str | None, limit: int) -> list[tuple[NodeRef, int]]:
    entries = [
        {"label": label, "prop": e.prop, "equals": e.equals, "exposure": e.exposure}
        for label, e in SCHEMA.entry_points()
    ]
    rows = graph.read(_ENTRIES, {"entries": entries, "provider": provider, "limit": limit})
    return [(NodeRef.from_row(r["n"]), int(r["exposure"])) for r in rows]


def _walk(adjacency: dict[str, list[Edge]], start: str, banned: str | None = None) -> dict[str, tuple[PathStep, ...]]:
    """Breadth-first over the fetched adjacency; the first path to each node."""
    paths: dict[str, tuple[PathStep, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        at = queue.popleft()
        for edge in adjacency.get(at, ()):
            nxt = edge.node.id
            if nxt in paths or nxt == banned:
                continue
            paths[nxt] = (*paths[at], edge.step)
            queue.append(nxt)
    return paths


def critical_paths(
    graph: Graph, first: int = 20, provider: str | None = None, max_depth: int = 8, max_entries: int = 200
) -> CriticalPaths:
    """Ranked paths from entry points to data stores, with their single points of failure."""
    check_depth(max_depth, MAX_PATH_DEPTH)
    if not 1 <= first <= MAX_FIRST:
        raise QueryInputError(f"first must be between 1 and {MAX_FIRST}, got {first}")
    if not 1 <= max_entries <= MAX_ENTRIES:
        raise QueryInputError(f"maxEntries must be between 1 and {MAX_ENTRIES}, got {max_entries}")
    if provider is not None and provider not in ("aws", "azure", "gcp"):
        raise QueryInputError(f"provider must be aws, azure or gcp, got {provider!r}")
    entries = _entry_rows(graph, provider, max_entries)
    spec = access_spec()
    adjacency: dict[str, list[Edge]] = {}
    refs: dict[str, NodeRef] = {e.id: e for e, _ in entries}
    # Fetch the neighbourhood level by level (shared by all entries), depth-bounded from the entries.
    frontier = {e.id for e, _ in entries}
    for _ in range(max_depth):
        todo = sorted(i for i in frontier if i not in adjacency)
        if not todo:
            break
        for node_id in todo:
            adjacency[node_id] = []
        for edge in neighbours(graph, spec, todo):
            adjacency[edge.from_id].append(edge)
            refs[edge.node.id] = edge.node
        frontier = {e.node.id for i in todo for e in adjacency[i]}
    sensitivity = {label: s.sensitivity for label, s in SCHEMA.data_stores()}
    found: list[tuple[NodeRef, int, NodeRef, tuple[PathStep, ...]]] = []
    for entry, exposure in entries:
        walked = _walk(adjacency, entry.id)
        for node_id, steps in walked.items():
            node = refs[node_id]
            if node.kind in sensitivity and node_id != entry.id and len(steps) <= max_depth:
                found.append((entry, exposure, node, steps))
    found.sort(key=lambda f: (-sensitivity[f[2].kind], -f[1], len(f[3]), f[0].id, f[2].id))
    result: list[CriticalPath] = []
    shared: Counter[str] = Counter()
    for rank, (entry, exposure, store, steps) in enumerate(found[:first], start=1):
        interior = [s.to_id for s in steps[:-1]]
        spof = tuple(refs[v] for v in interior if store.id not in _walk(adjacency, entry.id, banned=v))
        shared.update(n.id for n in spof)
        nodes = (entry, *(refs[s.to_id] for s in steps))
        result.append(CriticalPath(rank, entry, store, exposure, sensitivity[store.kind], Path(nodes, steps), spof))
    points = tuple(SharedPoint(refs[i], c) for i, c in sorted(shared.items(), key=lambda ic: (-ic[1], ic[0])))
    return CriticalPaths(tuple(result), len(found), len(entries), points)
