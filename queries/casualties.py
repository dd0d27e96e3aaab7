"""Who loses something they use when a resource fails: the casualties walk behind blast radius and dependents.

From the failed resource the walk follows the declared dependency meanings (``graph.schema.dependencies``,
derived edges included) to the dependents, level by level, and gives each a status from the ``effect`` of
the edges from its affected providers:

- ``hard``: the dependent takes the provider's state (down, or degraded when the provider works with less);
- ``capacity``: the provider is one of a group of interchangeable members (a target group's targets, a
  pool's members, the instances one network rule admits the dependent to; a data store is never
  interchangeable): down when every member of the group is down, else degraded;
- ``flow``: an input of events or data: the dependent is degraded and passes that on along flows only;
- ``partial``: degraded, and nothing further.

The statuses are the least fixed point over everything reached (a group member found later can turn a
degraded group down). Kinds in ``STRUCTURAL`` are walked through and never returned. A casualty is
``direct`` when no other casualty lies on its path from the failed resource.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from graph.schema.dependencies import DEPENDENCIES, STRUCTURAL, Dependency, Effect
from graph.schema.dependency_edges import REACHES
from queries.model import NodeRef, PathStep, Reached
from queries.traverse import dependency_spec, most_specific, neighbours

__all__ = ["Casualties", "casualties"]

# statuses, weakest first: a degraded input that travels along flows only; degraded; down
_NONE, _TERMINAL, _FLOW, _DEGRADED, _DOWN = 0, 1, 2, 3, 4
_SHOWN = {_TERMINAL: "degraded", _FLOW: "degraded", _DEGRADED: "degraded", _DOWN: "down"}


@dataclass(frozen=True)
class Casualties:
    root: NodeRef
    reached: tuple[Reached, ...]  # casualties only, nearest first, each with status and directness
    truncated: bool


@dataclass(frozen=True)
class _Need:
    """``dependent`` needs ``provider`` through one edge, with that edge's effect and capacity group."""

    dependent: str
    provider: str
    effect: Effect
    group: str
    step: PathStep  # walking order: provider -> dependent


@cache
def _data_stores() -> frozenset[str]:
    return frozenset(label for label, _ in SCHEMA.data_stores())


def _rule(step: PathStep, kinds: Mapping[str, str]) -> Dependency | None:
    """The declaration behind a stored edge; ``step`` walks from_id -> to_id."""
    source, target = (step.from_id, step.to_id) if step.edge_forward else (step.to_id, step.from_id)
    return most_specific(DEPENDENCIES, step.type, kinds.get(source, ""), kinds.get(target, ""))


def _need(step: PathStep, dependent: str, provider: str, kinds: Mapping[str, str]) -> _Need | None:
    rule = _rule(step, kinds)
    if rule is None:
        return None
    effect = rule.effect
    group = step.type
    if effect == "capacity" and step.type == REACHES:
        # the instances one rule admits the consumer to are interchangeable; a data store is not
        kind = kinds.get(provider, "")
        group = f"{REACHES}|{step.via}|{kind}" if kind not in _data_stores() else f"{REACHES}|{provider}"
    return _Need(dependent, provider, effect, group, step)


def _status(needs: Iterable[_Need], status: Mapping[str, int], members: Mapping[tuple[str, str], set[str]]) -> int:
    best = _NONE
    seen_groups: set[str] = set()
    for need in needs:
        got = status.get(need.provider, _NONE)
        if got == _NONE:
            continue
        if need.effect == "partial":
            best = max(best, _TERMINAL if got >= _FLOW else _NONE)
        elif need.effect == "flow":
            best = max(best, _FLOW if got >= _FLOW else _NONE)
        elif got in (_FLOW, _TERMINAL):
            continue  # a lost input does not stop what serves through the provider
        elif need.effect == "hard":
            best = max(best, got)
        elif need.group not in seen_groups:
            seen_groups.add(need.group)
            group = members.get((need.dependent, need.group), {need.provider})
            all_down = all(status.get(m, _NONE) == _DOWN for m in group)
            best = max(best, _DOWN if all_down else _DEGRADED)
    return best


def _propagates(status: int) -> bool:
    return status >= _FLOW


def casualties(graph: Graph, root: NodeRef, max_depth: int, max_nodes: int) -> Casualties:
    """Walk from ``root`` (down) to everything that loses something it uses, within ``max_depth`` levels.

    One round trip per level for the dependents, plus one for the members of the capacity groups first met
    at that level (a target group's other targets): a hard or flow need is known from the edge walked."""
    dependents_spec, providers_spec = dependency_spec("DEPENDENTS"), dependency_spec("DEPENDENCIES")
    refs: dict[str, NodeRef] = {root.id: root}
    kinds: dict[str, str] = {root.id: root.kind}
    status: dict[str, int] = {root.id: _DOWN}
    needs: dict[str, list[_Need]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    members: dict[tuple[str, str], set[str]] = {}
    grouped: set[str] = set()
    expanded: set[str] = set()
    frontier = [root.id]
    truncated = False
    for _ in range(max_depth):
        if not frontier:
            break
        expanded.update(frontier)
        for edge in neighbours(graph, dependents_spec, frontier):
            refs.setdefault(edge.node.id, edge.node)
            kinds.setdefault(edge.node.id, edge.node.kind)
            _add(edge.step, edge.node.id, edge.from_id, kinds, needs, seen, members)
        capacity = sorted(m for m, ns in needs.items() if m not in grouped and any(n.effect == "capacity" for n in ns))
        grouped.update(capacity)
        for edge in neighbours(graph, providers_spec, capacity) if capacity else ():
            refs.setdefault(edge.node.id, edge.node)
            kinds.setdefault(edge.node.id, edge.node.kind)
            step = edge.step
            walked = PathStep(step.to_id, step.from_id, step.type, not step.edge_forward, step.via, step.reason)
            _add(walked, edge.from_id, edge.node.id, kinds, needs, seen, members)
        _settle(status, needs, members)
        frontier = sorted(n for n, s in status.items() if _propagates(s) and n not in expanded)
        lost = sum(1 for n in status if n != root.id and kinds.get(n) not in STRUCTURAL)
        if lost > max_nodes:
            truncated = True
            break
    return Casualties(root, _reached(root, status, needs, refs)[:max_nodes], truncated)


def _add(
    step: PathStep,
    dependent: str,
    provider: str,
    kinds: Mapping[str, str],
    needs: dict[str, list[_Need]],
    seen: set[tuple[str, str, str, str]],
    members: dict[tuple[str, str], set[str]],
) -> None:
    """Record that ``dependent`` needs ``provider`` through ``step`` (walking order provider -> dependent)."""
    key = (dependent, provider, step.type, step.via or "")
    if key in seen:
        return
    seen.add(key)
    need = _need(step, dependent, provider, kinds)
    if need is None:
        return
    needs.setdefault(dependent, []).append(need)
    if need.effect == "capacity":
        members.setdefault((dependent, need.group), set()).add(provider)


def _settle(
    status: dict[str, int], needs: Mapping[str, list[_Need]], members: Mapping[tuple[str, str], set[str]]
) -> None:
    changed = True
    while changed:
        changed = False
        for node_id, node_needs in needs.items():
            got = _status(node_needs, status, members)
            if got > status.get(node_id, _NONE):
                status[node_id] = got
                changed = True


def _contributes(need: _Need, status: Mapping[str, int]) -> bool:
    got = status.get(need.provider, _NONE)
    if got == _NONE:
        return False
    if need.effect in ("flow", "partial"):
        return got >= _FLOW
    return got >= _DEGRADED


def _reached(
    root: NodeRef, status: Mapping[str, int], needs: Mapping[str, list[_Need]], refs: Mapping[str, NodeRef]
) -> tuple[Reached, ...]:
    """Breadth-first over the edges that carried a status: one shortest path to each casualty."""
    forward: dict[str, list[_Need]] = {}
    for node_needs in needs.values():
        for need in node_needs:
            if status.get(need.dependent, _NONE) and _contributes(need, status):
                forward.setdefault(need.provider, []).append(need)
    paths: dict[str, tuple[PathStep, ...]] = {root.id: ()}
    queue = deque([root.id])
    while queue:
        at = queue.popleft()
        if at != root.id and not _propagates(status.get(at, _NONE)):
            continue
        for need in sorted(forward.get(at, ()), key=lambda n: n.dependent):
            if need.dependent not in paths:
                paths[need.dependent] = (*paths[at], need.step)
                queue.append(need.dependent)
    out = []
    for node_id, path in paths.items():
        node = refs[node_id]
        if node_id == root.id or node.kind in STRUCTURAL:
            continue
        between = [refs[s.to_id] for s in path[:-1]]
        direct = all(n.kind in STRUCTURAL for n in between)
        out.append(Reached(node, len(path), path, _SHOWN[status[node_id]], direct))
    out.sort(key=lambda r: (r.distance, r.node.id))
    return tuple(out)
