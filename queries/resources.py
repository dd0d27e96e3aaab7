"""Search resources with filters, sort and keyset pagination, facet counts; read neighbours in batches.

Pagination is keyset: by ``id`` order: a cursor is the opaque (base64) id of the last item seen, so pages
stay correct while the graph changes and deep pages cost the same as the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from graph.schema import RESOURCE_LABEL, SCHEMA
from graph.seen import seen_stamps
from queries import cursors
from queries.filters import (
    PREDICATE_CLAUSE,
    PropertyPredicate,
    Sort,
    check_sort,
    decode_sort_cursor,
    encode_sort_cursor,
    keyset_clause,
    predicate_params,
)
from queries.records import NodeRecord, id_record, node_record

Direction = Literal["OUT", "IN", "BOTH"]
MAX_PAGE = 1000
MAX_NEIGHBORS = 1000


@dataclass(frozen=True)
class TagFilter:
    key: str
    value: str | None = None


@dataclass(frozen=True)
class ResourceFilter:
    """Every given field narrows the result; values within one field are alternatives."""

    providers: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[TagFilter, ...] = ()
    search: str | None = None
    properties: tuple[PropertyPredicate, ...] = ()


@dataclass(frozen=True)
class ResourcePage:
    items: tuple[NodeRecord, ...]
    total: int | None  # None when the caller did not ask for it (``with_total=False``)
    has_next: bool
    end_cursor: str | None
    cursors: tuple[str, ...] = ()  # one per item, for the sort order used


@dataclass(frozen=True)
class Neighbor:
    source_id: str
    type: str
    direction: Literal["OUT", "IN"]
    node: NodeRecord


@dataclass(frozen=True)
class NeighborQuery:
    """Which neighbours to read. With ``properties=False`` only each neighbour's id and labels are read (its
    record carries no other property): for callers that show nothing more, such as a graph view's edges."""

    direction: Direction = "BOTH"
    types: tuple[str, ...] = ()
    limit: int = 100
    properties: bool = True
    _checked: bool = field(default=False, repr=False, compare=False)


def encode_cursor(node_id: str) -> str:
    return cursors.encode("id", node_id)


def decode_cursor(cursor: str) -> str:
    node_id = cursors.decode("id", cursor)
    if node_id is None:
        raise QueryInputError(f"cursor {cursor!r} is not one this API returned; pass a pageInfo.endCursor value")
    return node_id


def _where(flt: ResourceFilter) -> str:
    """Only the conditions the filter sets, so the planner sees a plain label scan (or index) when it can."""
    parts = []
    if flt.providers:
        parts.append("n.provider IN $providers")
    if flt.accounts:
        parts.append("n.account IN $accounts")
    if flt.regions:
        parts.append("n.region IN $regions")
    if flt.kinds:
        parts.append("n.kind IN $kinds")
    if flt.search:
        parts.append("(toLower(n.name) CONTAINS $search OR toLower(n.id) CONTAINS $search)")
    if flt.tags:
        parts.append(
            "all(t IN $tags WHERE CASE WHEN t.value IS NULL "
            "THEN any(x IN coalesce(n.tags, []) WHERE x STARTS WITH t.key + '=') "
            "ELSE (t.key + '=' + t.value) IN coalesce(n.tags, []) END)"
        )
    if flt.properties:
        parts.append(PREDICATE_CLAUSE)
    return " AND ".join(parts) or "true"


def _filter_params(flt: ResourceFilter) -> dict[str, object]:
    known = {k.label for k in SCHEMA.resource_kinds()}
    unknown = [k for k in flt.kinds if k not in known]
    if unknown:
        raise QueryInputError(f"unknown kind(s) {', '.join(unknown)}; known kinds: {', '.join(sorted(known))}")
    if any(not t.key for t in flt.tags):
        raise QueryInputError("a tag filter needs a non-empty key")
    return {
        "providers": list(flt.providers),
        "accounts": list(flt.accounts),
        "regions": list(flt.regions),
        "kinds": list(flt.kinds),
        "tags": [{"key": t.key, "value": t.value} for t in flt.tags],
        "search": flt.search.lower() if flt.search else None,
        "preds": predicate_params(flt.properties, flt.kinds),
    }


def search_resources(
    graph: Graph,
    flt: ResourceFilter | None = None,
    first: int = 50,
    after: str | None = None,
    sort: Sort | None = None,
    with_total: bool = True,
) -> ResourcePage:
    """One page of resources matching ``flt``, ordered by ``sort`` (id by default; nulls last, ties by id),
    with the total count unless ``with_total`` is False (``count_resources`` counts on its own)."""
    if not 1 <= first <= MAX_PAGE:
        raise QueryInputError(f"first must be between 1 and {MAX_PAGE}, got {first}")
    flt = flt or ResourceFilter()
    params = _filter_params(flt)
    where = _where(flt)
    params["limit"] = first + 1
    by_id = sort is None or (sort.property == "id" and not sort.descending)
    if by_id:
        params["after"] = decode_cursor(after) if after else None
        cypher = (
            f"MATCH (n:Resource) WHERE {where} {'AND n.id > $after ' if after else ''}"
            "RETURN n ORDER BY n.id LIMIT $limit"
        )
    else:
        assert sort is not None
        check_sort(sort, flt.kinds)
        value, last_id = decode_sort_cursor(after, sort) if after else (None, None)
        params.update(sort=sort.property, after=last_id, after_value=value, after_null=value is None)
        direction = "DESC" if sort.descending else ""
        cypher = (
            f"MATCH (n:Resource) WHERE {where} AND {keyset_clause(sort.descending)} "
            f"RETURN n ORDER BY n[$sort] IS NULL, n[$sort] {direction}, n.id LIMIT $limit"
        )
    rows = graph.read(cypher, params)
    total = _count(graph, where, params) if with_total else None
    seen = seen_stamps(graph)
    items = tuple(node_record(r["n"], seen) for r in rows[:first])
    if by_id:
        cursors = tuple(encode_cursor(i.id) for i in items)
    else:
        assert sort is not None
        cursors = tuple(encode_sort_cursor(sort, _plain(i.properties.get(sort.property)), i.id) for i in items)
    return ResourcePage(
        items=items,
        total=total,
        has_next=len(rows) > first,
        end_cursor=cursors[-1] if cursors else None,
        cursors=cursors,
    )


def count_resources(graph: Graph, flt: ResourceFilter | None = None) -> int:
    """How many resources match ``flt``."""
    flt = flt or ResourceFilter()
    return _count(graph, _where(flt), _filter_params(flt))


def _count(graph: Graph, where: str, params: dict[str, object]) -> int:
    cypher = (
        "MATCH (n:Resource) RETURN count(n) AS total"  # the count store answers this one without a scan
        if where == "true"
        else f"MATCH (n:Resource) WHERE {where} RETURN count(n) AS total"
    )
    return int(graph.read(cypher, params)[0]["total"])


def _plain(value: object) -> object:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


@dataclass(frozen=True)
class Facet:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts of the resources matching a filter, by provider, kind, region and account (most first)."""

    total: int
    providers: tuple[Facet, ...]
    kinds: tuple[Facet, ...]
    regions: tuple[Facet, ...]
    accounts: tuple[Facet, ...]


def resource_facets(graph: Graph, flt: ResourceFilter | None = None) -> Facets:
    flt = flt or ResourceFilter()
    params = _filter_params(flt)
    rows = graph.read(
        f"MATCH (n:Resource) WHERE {_where(flt)} "
        "RETURN n.provider AS p, n.kind AS k, n.region AS r, n.account AS a, count(*) AS c",
        params,
    )
    sums: dict[str, dict[str, int]] = {"p": {}, "k": {}, "r": {}, "a": {}}
    for row in rows:
        for key, counts in sums.items():
            value = str(row[key] or "")
            counts[value] = counts.get(value, 0) + int(row["c"])

    def facets(key: str) -> tuple[Facet, ...]:
        return tuple(Facet(v, c) for v, c in sorted(sums[key].items(), key=lambda vc: (-vc[1], vc[0])))

    return Facets(sum(sums["p"].values()), facets("p"), facets("k"), facets("r"), facets("a"))


def get_resource(graph: Graph, resource_id: str) -> NodeRecord | None:
    rows = graph.read("MATCH (n:Resource {id: $id}) RETURN n", {"id": resource_id})
    return node_record(rows[0]["n"], seen_stamps(graph)) if rows else None


def check_neighbor_query(query: NeighborQuery) -> NeighborQuery:
    known = set(SCHEMA.relationship_types())
    unknown = [t for t in query.types if t not in known]
    if unknown:
        raise QueryInputError(f"unknown relationship type(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if not 1 <= query.limit <= MAX_NEIGHBORS:
        raise QueryInputError(f"first must be between 1 and {MAX_NEIGHBORS}, got {query.limit}")
    return query


def _neighbor_cypher(label: str, properties: bool) -> str:
    # The label comes from the declared schema (a checked identifier); values are parameters.
    node = "m" if properties else "coalesce(m.id, elementId(m)) AS mid, labels(m) AS labels"
    return (
        f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) "
        "CALL (n) { "
        "  MATCH (n)-[r]-(m) "
        "  WHERE (size($types) = 0 OR type(r) IN $types) "
        "    AND ($direction = 'BOTH' OR ($direction = 'OUT') = (startNode(r) = n)) "
        "  RETURN r, m ORDER BY type(r), m.id LIMIT $limit "
        "} "
        f"RETURN id, type(r) AS type, startNode(r) = n AS outgoing, {node}"
    )


def neighbors(
    graph: Graph, keys: Sequence[tuple[str, str]], query: NeighborQuery
) -> dict[tuple[str, str], list[Neighbor]]:
    """Neighbours of many nodes at once; ``keys`` are (kind, id) pairs. One round trip for every resource, one per
    kind of the other nodes (parts of resources such as rules)."""
    check_neighbor_query(query)
    by_label: dict[str, dict[str, str]] = defaultdict(dict)  # match label -> id -> kind
    for kind, node_id in keys:
        label = RESOURCE_LABEL if SCHEMA.node(kind).resource else kind
        by_label[label][node_id] = kind
    out: dict[tuple[str, str], list[Neighbor]] = {key: [] for key in keys}
    params = {"types": list(query.types), "direction": query.direction, "limit": query.limit}
    seen = seen_stamps(graph) if query.properties else None
    for label, kinds in by_label.items():
        for row in graph.read(_neighbor_cypher(label, query.properties), {**params, "ids": list(kinds)}):
            direction: Literal["OUT", "IN"] = "OUT" if row["outgoing"] else "IN"
            node = node_record(row["m"], seen) if query.properties else id_record(row["mid"], row["labels"])
            neighbour = Neighbor(row["id"], row["type"], direction, node)
            out[(kinds[row["id"]], row["id"])].append(neighbour)
    return out
