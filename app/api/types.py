"""The GraphQL types every node shares: ``GraphNode``, ``Resource``, neighbours and connections.

Concrete types (``EC2Instance``, ``VPC``, ...) are generated from the schema declaration in
``app.api.generated``; this module holds what they build on.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from app.api.analysis_types import PropertyPredicateInput
from queries.resources import NeighborQuery

if TYPE_CHECKING:
    from app.api.context import Context


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
    async def neighbors(
        self,
        info: Info,
        direction: Direction = Direction.BOTH,
        types: list[str] | None = None,
        first: int = 100,
    ) -> list[Neighbor]:
        query = NeighborQuery(direction=direction.value, types=tuple(types or ()), limit=first)
        context: Context = info.context
        return await context.neighbors(query).load((self.kind, str(self.id)))


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
    total_count: int = strawberry.field(description="How many resources match the filter, on every page.")


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
