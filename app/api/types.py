"""The GraphQL types every node shares: ``GraphNode``, ``Resource``, neighbours and connections.

Concrete types (``EC2Instance``, ``VPC``, ...) are generated from the schema declaration in
``app.api.generated``; this module holds what they build on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from app.api.analysis_types import PropertyPredicateInput
from queries.resources import NeighborQuery

if TYPE_CHECKING:
    from app.api.context import Context


DEFAULT_NEIGHBORS = 100  # neighbours per node when `first` is not given


@strawberry.enum(description="Which way a relationship points, seen from the node asked about.")
class Direction(Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


@strawberry.type(description="A tag: a key and its value.")
class Tag:
    key: str
    value: str


@strawberry.interface(description="Any node of the graph: a resource or a part of one (such as a security rule).")
class GraphNode:
    id: strawberry.ID = strawberry.field(description="Stable id (ARN, Azure resource id or GCP full name).")
    kind: str = strawberry.field(description="The node's specific label, e.g. EC2Instance.")
    raw: strawberry.Private[dict[str, object]]

    @strawberry.field(description="Every stored property, as JSON (typed fields cover the common ones).")
    def properties(self) -> JSON:
        return cast(JSON, {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.raw.items()})

    @strawberry.field(description="Adjacent nodes, batched per request. `first` caps the count per node (max 1000).")
    def neighbors(
        self,
        info: Info,
        direction: Direction = Direction.BOTH,
        types: list[str] | None = None,
        first: int = DEFAULT_NEIGHBORS,
    ) -> list[Neighbor]:
        context: Context = info.context
        query = NeighborQuery(direction.value, tuple(types or ()), first, properties=context.asks_for_properties(info))
        key = (self.kind, str(self.id))
        found = context.prefetched_neighbors(query, key)
        if found is not None:  # read with the page this node came from
            return found
        # Otherwise batched with the other nodes of this request: graphql-core awaits the loader's future.
        return cast(list[Neighbor], context.neighbors(query).load(key))


_ID_FIELDS = frozenset({"id", "kind", "__typename"})


def asks_for_properties(neighbors: SelectedField) -> bool:
    """False when a ``neighbors`` selection asks for nothing of the neighbour beyond its id, kind and type
    name (a graph view's edges): then only ids and labels are read. Fragments count as asking for more."""
    for selection in neighbors.selections:
        if not isinstance(selection, SelectedField):
            return True
        if selection.name == "node" and any(
            not isinstance(sub, SelectedField) or sub.name not in _ID_FIELDS for sub in selection.selections
        ):
            return True
    return False


def nested_neighbor_query(connection: SelectedField) -> NeighborQuery | None:
    """The neighbour query of ``edges { node { neighbors(...) } }`` under a resource connection, when it is asked
    for once and outside fragments (then the page's neighbours can be read with the page); else None."""
    found = [
        field
        for edges in connection.selections
        if isinstance(edges, SelectedField) and edges.name == "edges"
        for node in edges.selections
        if isinstance(node, SelectedField) and node.name == "node"
        for field in node.selections
        if not isinstance(field, SelectedField) or field.name == "neighbors"
    ]
    if len(found) != 1 or not isinstance(found[0], SelectedField):
        return None
    args = found[0].arguments
    direction = Direction(args.get("direction") or Direction.BOTH.value)
    return NeighborQuery(
        direction.value,
        tuple(args.get("types") or ()),
        int(args.get("first", DEFAULT_NEIGHBORS)),
        properties=asks_for_properties(found[0]),
    )


@strawberry.interface(description="A cloud resource: it carries provider, account, region, name and tags.")
class Resource(GraphNode):
    provider: str = strawberry.field(description="Cloud provider: aws, azure or gcp.")
    account: str = strawberry.field(description="AWS account id, Azure subscription id or GCP project id.")
    region: str = strawberry.field(description="Region or location.")
    name: str = strawberry.field(description="Display name: the Name tag, else the provider's name or id.")
    tags: list[Tag] = strawberry.field(description="Tags, split on the first '='.")
    first_seen: datetime | None = strawberry.field(description="When discovery first saw the resource.")
    last_seen: datetime | None = strawberry.field(description="When discovery last saw the resource.")


@strawberry.type(description="One relationship from the node asked about to a neighbour.")
class Neighbor:
    type: str = strawberry.field(description="Relationship type, e.g. IN_SUBNET.")
    direction: Direction = strawberry.field(description="OUT: the node points at the neighbour; IN: the reverse.")
    node: Annotated[GraphNode, strawberry.lazy("app.api.types")] = strawberry.field(description="The neighbour.")


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ResourceEdge:
    cursor: str
    node: Resource


@strawberry.type(description="A page of resources, ordered by id.")
class ResourceConnection:
    edges: list[ResourceEdge]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], int]]

    @strawberry.field(description="How many resources match the filter, on every page (counted when asked for).")
    async def total_count(self) -> int:
        return await asyncio.to_thread(self.count)


@strawberry.input(description="A tag condition: the key must exist; with a value, it must equal it.")
class TagFilterInput:
    key: str
    value: str | None = None


@strawberry.input(description="Resource filter: every given field narrows; values within a field are alternatives.")
class ResourceFilterInput:
    providers: list[str] | None = None
    accounts: list[str] | None = None
    regions: list[str] | None = None
    kinds: list[str] | None = strawberry.field(default=None, description="Specific labels, e.g. EC2Instance.")
    tags: list[TagFilterInput] | None = None
    search: str | None = strawberry.field(default=None, description="Case-insensitive substring of name or id.")
    properties: list[PropertyPredicateInput] | None = strawberry.field(
        default=None, description="Conditions on declared properties, e.g. instance_type EQ t3.large, size GT 100."
    )
