"""Per-request GraphQL context: the graph, and DataLoaders so nested fields cost one query per level."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from app.api.generated import to_graphql
from app.api.permissions import Principal
from app.api.types import Direction, Neighbor
from app.settings import Settings
from graph.neo4j.client import Graph
from queries.resources import NeighborQuery, check_neighbor_query, neighbors

if TYPE_CHECKING:
    from app.api.auth import Authenticator

NodeKey = tuple[str, str]  # (kind, id)


@dataclass
class Context:
    graph: Graph
    settings: Settings | None = None
    principal: Principal | None = None  # set by authentication; None = not signed in
    client: str | None = None  # the caller's address (login attempts are limited per address)
    authenticator: Authenticator | None = None  # set by the server (app.api.auth)
    connection_params: dict[str, object] | None = None  # a websocket's connection_init payload
    _neighbor_loaders: dict[NeighborQuery, DataLoader[NodeKey, list[Neighbor]]] = field(default_factory=dict)

    def neighbors(self, query: NeighborQuery) -> DataLoader[NodeKey, list[Neighbor]]:
        """One loader per distinct (direction, types, limit) within this request."""
        loader = self._neighbor_loaders.get(query)
        if loader is None:
            check_neighbor_query(query)

            async def load(keys: Sequence[NodeKey]) -> list[list[Neighbor]]:
                found = await asyncio.to_thread(neighbors, self.graph, list(keys), query)
                return [
                    [Neighbor(type=n.type, direction=Direction(n.direction), node=to_graphql(n.node)) for n in found[k]]
                    for k in keys
                ]

            loader = DataLoader(load_fn=load)
            self._neighbor_loaders[query] = loader
        return loader
