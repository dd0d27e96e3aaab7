"""Dependencies, dependents and blast radius: depth-bounded walks over the declared dependency edges.

``dependencies(x)`` is what ``x`` needs, directly or transitively (every declared dependency edge, the
derived ones included). ``dependents(x)`` and the blast radius of ``x`` are one definition: who loses
something they use when ``x`` fails (``queries.casualties``), each ``down`` or ``degraded`` and
``direct`` or not, structural containment (rules, routes, subnets, groups) walked through but never
counted. The blast radius groups them by kind, distance and status. Each comes with one shortest path.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from queries.casualties import casualties
from queries.model import NodeRef, Reached
from queries.traverse import dependency_spec, expand, refs_by_id

DependencyDirection = Literal["DEPENDENCIES", "DEPENDENTS"]
MAX_DEPTH = 10
DEFAULT_DEPTH = 6
MAX_NODES = 5000


@dataclass(frozen=True)
class DependencyResult:
    root: NodeRef
    direction: DependencyDirection
    max_depth: int
    nodes: tuple[Reached, ...]
    truncated: bool = field(metadata={"doc": "True when the node cap stopped the walk."})


@dataclass(frozen=True)
class Count:
    """A count for one key."""

    key: str
    count: int


@dataclass(frozen=True)
class BlastRadius:
    """What depends on a resource, directly or transitively, grouped by kind and distance."""

    root: NodeRef
    max_depth: int
    total: int
    by_kind: tuple[Count, ...]  # most first, then by kind
    by_distance: tuple[Count, ...]  # key is the distance as text, nearest first
    nodes: tuple[Reached, ...]
    truncated: bool
    by_status: tuple[Count, ...] = field(default=(), metadata={"doc": "Casualties down and degraded."})
    direct: int = field(default=0, metadata={"doc": "Casualties with no other casualty between them and the root."})


def check_depth(max_depth: int, cap: int = MAX_DEPTH) -> None:
    if not 1 <= max_depth <= cap:
        raise QueryInputError(f"maxDepth must be between 1 and {cap}, got {max_depth}")


def root_ref(graph: Graph, resource_id: str) -> NodeRef:
    found = refs_by_id(graph, [resource_id])
    if resource_id not in found:
        raise QueryInputError(f"no resource with id {resource_id!r}; look ids up with the `resources` query")
    return found[resource_id]


def dependencies(
    graph: Graph,
    resource_id: str,
    direction: DependencyDirection = "DEPENDENCIES",
    max_depth: int = DEFAULT_DEPTH,
    max_nodes: int = MAX_NODES,
) -> DependencyResult:
    """What ``resource_id`` depends on (DEPENDENCIES) or what depends on it (DEPENDENTS), up to ``max_depth`` hops."""
    check_depth(max_depth)
    if not 1 <= max_nodes <= MAX_NODES:
        raise QueryInputError(f"first must be between 1 and {MAX_NODES}, got {max_nodes}")
    root = root_ref(graph, resource_id)
    if direction == "DEPENDENTS":
        lost = casualties(graph, root, max_depth, max_nodes)
        return DependencyResult(root, direction, max_depth, lost.reached[:max_nodes], lost.truncated)
    walk = expand(graph, dependency_spec(direction), [root], max_depth, max_nodes)
    return DependencyResult(root, direction, max_depth, walk.reached, walk.truncated)


def blast_radius(
    graph: Graph, resource_id: str, max_depth: int = DEFAULT_DEPTH, max_nodes: int = MAX_NODES
) -> BlastRadius:
    """Who loses something they use when ``resource_id`` fails, within ``max_depth`` levels, grouped by kind,
    distance and status."""
    result = dependencies(graph, resource_id, "DEPENDENTS", max_depth, max_nodes)
    kinds = Counter(r.node.kind for r in result.nodes)
    distances = Counter(r.distance for r in result.nodes)
    statuses = Counter(r.status or "" for r in result.nodes)
    return BlastRadius(
        root=result.root,
        max_depth=max_depth,
        total=len(result.nodes),
        by_kind=tuple(Count(k, c) for k, c in sorted(kinds.items(), key=lambda kc: (-kc[1], kc[0]))),
        by_distance=tuple(Count(str(d), c) for d, c in sorted(distances.items())),
        nodes=result.nodes,
        truncated=result.truncated,
        by_status=tuple(Count(k, statuses[k]) for k in ("down", "degraded") if statuses[k]),
        direct=sum(1 for r in result.nodes if r.direct),
    )
