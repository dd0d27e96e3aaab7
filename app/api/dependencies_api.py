"""GraphQL root fields of the dependency model: network paths, name resolution, derived edge counts.

``networkPath`` answers "can A reach B on port P, and how" (network only, the allowing rule at each hop);
``shortestPath`` (``app.api.analysis``) stays "how are A and B related" over any edges, each step with its
stored direction. ``resourceCandidates`` lists every resource a name may mean, with cloud, account and
region, so a client asks back instead of picking one. ``whoCanAccess`` lists the identities and workloads
effective IAM access lets act on a resource. ``dependencyEdgeCounts`` counts the derived dependency edges by
type.
"""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from app.api.analysis_types import CountBucket, ResourceRef
from app.api.context import Context
from app.api.permissions import IsViewer
from app.api.records import Shape, derive, to_graphql
from graph.schema.dependency_edges import DERIVED_TYPES
from queries import access, names, netpath
from queries.blast import Count

__all__ = ["AccessorInfo", "DependencyQuery", "NetworkHopInfo", "NetworkPathResult"]

NetworkHopInfo = derive(Shape(netpath.NetworkHop, name="NetworkHopInfo"))
NetworkPathResult = derive(Shape(netpath.NetworkPath, name="NetworkPathResult"))
AccessorInfo = derive(Shape(access.Accessor, name="AccessorInfo"))


def _edge_counts(graph: object) -> list[Count]:
    rows = graph.read(  # type: ignore[attr-defined]
        "UNWIND $types AS t CALL (t) { MATCH ()-[r]->() WHERE type(r) = t RETURN count(r) AS n } RETURN t, n",
        {"types": list(DERIVED_TYPES)},
    )
    return [Count(str(r["t"]), int(r["n"])) for r in rows]


@strawberry.type
class DependencyQuery:
    @strawberry.field(
        description="Can `fromId` (a resource id, or `internet`) open a connection to `toId` on `protocol` "
        "(tcp or udp) port `port`, and how: each hop with the rule, route or entry that lets traffic through. "
        "Network only: shared subnets or IAM grants never make a path (see `shortestPath` for any relation).",
        permission_classes=[IsViewer],
        graphql_type=NetworkPathResult,
    )
    async def network_path(
        self, info: Info[Context, None], from_id: strawberry.ID, to_id: strawberry.ID, port: int, protocol: str = "tcp"
    ) -> object:
        found = await asyncio.to_thread(
            netpath.network_path, info.context.graph, str(from_id), str(to_id), port, protocol
        )
        return to_graphql(found)

    @strawberry.field(
        description="Every resource an id or name may mean (exact-case names first), narrowed by kind, "
        "provider, account and region; more than one means the name is ambiguous: ask which.",
        permission_classes=[IsViewer],
        graphql_type=list[ResourceRef],  # type: ignore[valid-type]
    )
    async def resource_candidates(
        self,
        info: Info[Context, None],
        name: str,
        kind: str | None = None,
        provider: str | None = None,
        account: str | None = None,
        region: str | None = None,
    ) -> object:
        query = names.NameQuery(name, kind, provider, account, region)
        found = await asyncio.to_thread(names.candidates, info.context.graph, query)
        return [to_graphql(n) for n in found]

    @strawberry.field(
        description="Who can act on the resource `id` through IAM: every role, user and workload running as a "
        "role, with the allowed actions that act on its kind, the conditions, and whether a grant names it.",
        permission_classes=[IsViewer],
        graphql_type=list[AccessorInfo],  # type: ignore[valid-type]
    )
    async def who_can_access(self, info: Info[Context, None], id: strawberry.ID) -> object:
        found = await asyncio.to_thread(access.who_can_access, info.context.graph, str(id))
        return [to_graphql(a) for a in found]

    @strawberry.field(
        description="How many derived dependency edges (REACHES, CONSUMES, READS, CONFIGURED_TO_USE, "
        "HAS_ACCESS_TO) the graph holds, by type.",
        permission_classes=[IsViewer],
        graphql_type=list[CountBucket],  # type: ignore[valid-type]
    )
    async def dependency_edge_counts(self, info: Info[Context, None]) -> object:
        return [to_graphql(c) for c in await asyncio.to_thread(_edge_counts, info.context.graph)]
