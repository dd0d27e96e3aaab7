"""GraphQL root fields of the analysis queries: facets, dependencies, blast radius, paths, exposure, rollups."""

from __future__ import annotations

import asyncio
from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from app.api.analysis_types import (
    BlastRadiusResult,
    ComponentInfo,
    CountBucket,
    CriticalPathsResult,
    DependencyDirection,
    DependencyResult,
    ExposurePathInfo,
    OverviewResult,
    PathResult,
    ResourceFacets,
    ResourceSortInput,
    RollupBy,
)
from app.api.context import Context
from app.api.permissions import IsViewer
from app.api.records import to_graphql
from app.api.types import ResourceFilterInput
from queries import blast, exposure, paths, rollup
from queries.filters import PropertyPredicate, Sort
from queries.resources import ResourceFilter, TagFilter, resource_facets


def to_filter(flt: ResourceFilterInput | None) -> ResourceFilter:
    """The GraphQL filter as the query layer's, property predicates included."""
    if flt is None:
        return ResourceFilter()
    preds = tuple(PropertyPredicate(p.name, p.op.value, p.value) for p in getattr(flt, "properties", None) or ())
    return ResourceFilter(
        providers=tuple(flt.providers or ()),
        accounts=tuple(flt.accounts or ()),
        regions=tuple(flt.regions or ()),
        kinds=tuple(flt.kinds or ()),
        tags=tuple(TagFilter(t.key, t.value) for t in flt.tags or ()),
        search=flt.search or None,
        properties=preds,
    )


def to_sort(sort: ResourceSortInput | None) -> Sort | None:
    return Sort(sort.property, sort.descending) if sort else None


@strawberry.type
class AnalysisQuery:
    @strawberry.field(
        description="Counts by provider, kind, region and account of the resources matching `filter`.",
        permission_classes=[IsViewer],
        graphql_type=ResourceFacets,
    )
    async def resource_facets(self, info: Info[Context, None], filter: ResourceFilterInput | None = None) -> object:
        return to_graphql(await asyncio.to_thread(resource_facets, info.context.graph, to_filter(filter)))

    @strawberry.field(
        description="What a resource depends on (DEPENDENCIES: every declared dependency edge, derived ones "
        "included) or what depends on it (DEPENDENTS: the blast radius's casualties, each with status and "
        "directness), transitively up to maxDepth (max 10), with one shortest path to each.",
        permission_classes=[IsViewer],
        graphql_type=DependencyResult,
    )
    async def dependencies(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        direction: DependencyDirection = DependencyDirection.DEPENDENCIES,
        max_depth: int = blast.DEFAULT_DEPTH,
        first: int = 1000,
    ) -> object:
        return to_graphql(
            await asyncio.to_thread(blast.dependencies, info.context.graph, str(id), direction.value, max_depth, first)
        )

    @strawberry.field(
        description="Who loses something they use when a resource fails, within maxDepth levels (default 6, "
        "max 10): each casualty down or degraded (a target group keeping another healthy target is degraded), "
        "direct or not, with its path (derived steps carry their reason); structural containment (rules, "
        "routes, subnets, groups) is walked through, never counted. Grouped by kind, distance and status.",
        permission_classes=[IsViewer],
        graphql_type=BlastRadiusResult,
    )
    async def blast_radius(
        self, info: Info[Context, None], id: strawberry.ID, max_depth: int = blast.DEFAULT_DEPTH, first: int = 1000
    ) -> object:
        return to_graphql(await asyncio.to_thread(blast.blast_radius, info.context.graph, str(id), max_depth, first))

    @strawberry.field(
        description="Paths from entry points (internet-facing load balancers, gateways, public IPs, "
        "CDNs) to data stores, ranked by store sensitivity, entry exposure, then length; with the "
        "single points of failure on them.",
        permission_classes=[IsViewer],
        graphql_type=CriticalPathsResult,
    )
    async def critical_paths(
        self, info: Info[Context, None], first: int = 20, provider: str | None = None, max_depth: int = 8
    ) -> object:
        return to_graphql(await asyncio.to_thread(paths.critical_paths, info.context.graph, first, provider, max_depth))

    @strawberry.field(
        description="How two resources are related: one shortest path over any relationships (of `types` when "
        "given), each step with its stored direction (edgeForward), or null when none is within maxDepth (max "
        "15). Not a network path: see `networkPath`.",
        permission_classes=[IsViewer],
        graphql_type=PathResult | None,
    )
    async def shortest_path(
        self,
        info: Info[Context, None],
        from_id: strawberry.ID,
        to_id: strawberry.ID,
        max_depth: int = 8,
        types: list[str] | None = None,
    ) -> object:
        p = await asyncio.to_thread(
            paths.shortest_path, info.context.graph, str(from_id), str(to_id), max_depth, tuple(types or ())
        )
        return to_graphql(p) if p else None

    @strawberry.field(
        description="Internet exposure paths (port-aware: routes, ACLs, security rules) of one "
        "resource, or of every resource of a provider / account.",
        permission_classes=[IsViewer],
        graphql_type=list[ExposurePathInfo],  # type: ignore[valid-type]
    )
    async def exposure_paths(
        self,
        info: Info[Context, None],
        id: strawberry.ID | None = None,
        provider: str | None = None,
        account: str | None = None,
        first: int = 100,
    ) -> object:
        found = await asyncio.to_thread(
            exposure.exposure_paths, info.context.graph, str(id) if id else None, provider, account, first
        )
        return [to_graphql(p) for p in found]

    @strawberry.field(
        description="Applications: resources sharing a value of `tag` (app, team, ...), or without a "
        "tag connected components over dependency edges. Largest first.",
        permission_classes=[IsViewer],
        graphql_type=list[ComponentInfo],  # type: ignore[valid-type]
    )
    async def components(
        self,
        info: Info[Context, None],
        tag: str | None = None,
        provider: str | None = None,
        account: str | None = None,
        first: int = 50,
        members: int = 20,
    ) -> object:
        found = await asyncio.to_thread(rollup.components, info.context.graph, tag, provider, account, first, members)
        return [to_graphql(c) for c in found]

    @strawberry.field(
        description="Resource counts by provider, kind, region or account.",
        permission_classes=[IsViewer],
        graphql_type=list[CountBucket],  # type: ignore[valid-type]
    )
    async def rollup(self, info: Info[Context, None], by: RollupBy, provider: str | None = None) -> object:
        found = await asyncio.to_thread(rollup.rollup, info.context.graph, by.value, provider)
        return [to_graphql(b) for b in found]

    @strawberry.field(
        description="Compact JSON {nodes: [{id, kind, name, provider, account, region}], edges: "
        "[{source, target, type}], truncated} of the resources within `depth` hops (max 3) of `ids`, "
        "at most `limit` nodes: for the viewer.",
        permission_classes=[IsViewer],
    )
    async def subgraph(
        self, info: Info[Context, None], ids: list[strawberry.ID], depth: int = 1, limit: int = 500
    ) -> JSON:
        sub = await asyncio.to_thread(rollup.subgraph, info.context.graph, [str(i) for i in ids], depth, limit)
        return cast(
            JSON,
            {
                "nodes": [
                    {
                        "id": n.id,
                        "kind": n.kind,
                        "name": n.name,
                        "provider": n.provider,
                        "account": n.account,
                        "region": n.region,
                    }
                    for n in sub.nodes
                ],
                "edges": [{"source": e.source, "target": e.target, "type": e.type} for e in sub.edges],
                "truncated": sub.truncated,
            },
        )

    @strawberry.field(
        description="The estate collapsed by account; pass `account` to expand it into regions, and "
        "`region` too for the kinds in it; with the relationship counts between groups.",
        permission_classes=[IsViewer],
        graphql_type=OverviewResult,
    )
    async def overview(
        self, info: Info[Context, None], account: str | None = None, region: str | None = None
    ) -> object:
        return to_graphql(await asyncio.to_thread(rollup.overview, info.context.graph, account, region))
