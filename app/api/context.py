"""Per-request GraphQL context: the graph, and DataLoaders so nested fields cost one query per level."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphql.pyutils import Path
from strawberry.dataloader import DataLoader
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from app.api.generated import to_graphql
from app.api.permissions import Principal
from app.api.types import Direction, Neighbor, asks_for_properties
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.resources import Neighbor as NeighborRecord
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
    _prefetched: dict[NeighborQuery, dict[NodeKey, list[Neighbor]]] = field(default_factory=dict)
    _asks: dict[tuple[object, ...], bool] = field(default_factory=dict)

    def asks_for_properties(self, info: Info) -> bool:
        """Whether this ``neighbors`` field needs whole neighbour nodes (see ``types.asks_for_properties``),
        worked out once per place in the query rather than once per node."""
        path: Path | None = info.path
        place: list[object] = [info.path.typename]
        while path is not None:
            if isinstance(path.key, str):
                place.append(path.key)
            path = path.prev
        key = tuple(place)
        asks = self._asks.get(key)
        if asks is None:
            asks = self._asks[key] = any(
                not isinstance(f, SelectedField) or asks_for_properties(f) for f in info.selected_fields
            )
        return asks

    def prime_neighbors(self, query: NeighborQuery, found: dict[NodeKey, list[NeighborRecord]]) -> None:
        """Neighbours read together with a page: the ``neighbors`` fields of its nodes use them directly."""
        self._prefetched.setdefault(query, {}).update((key, self._typed(ns)) for key, ns in found.items())

    def prefetched_neighbors(self, query: NeighborQuery, key: NodeKey) -> list[Neighbor] | None:
        return self._prefetched.get(query, {}).get(key)

    @staticmethod
    def _typed(found: list[NeighborRecord]) -> list[Neighbor]:
        return [Neighbor(type=n.type, direction=Direction(n.direction), node=to_graphql(n.node)) for n in found]

    def neighbors(self, query: NeighborQuery) -> DataLoader[NodeKey, list[Neighbor]]:
        """One loader per distinct (direction, types, limit) within this request."""
        loader = self._neighbor_loaders.get(query)
        if loader is None:
            check_neighbor_query(query)

            async def load(keys: Sequence[NodeKey]) -> list[list[Neighbor]]:
                found = await asyncio.to_thread(neighbors, self.graph, list(keys), query)
                return [self._typed(found[k]) for k in keys]

            loader = DataLoader(load_fn=load)
            self._neighbor_loaders[query] = loader
        return loader
