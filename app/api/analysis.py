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
    CriticalPathInfo,
    CriticalPathsResult,
    DependencyDirection,
    DependencyResult,
    ExposureHopInfo,
    ExposurePathInfo,
    FacetCount,
    OverviewEdge,
    OverviewGroup,
    OverviewResult,
    PathResult,
    ResourceFacets,
    ResourceSortInput,
    RollupBy,
    SharedPointOfFailure,
    reached,
    ref,
    step,
)
from app.api.context import Context
from app.api.permissions import IsViewer
from app.api.types import ResourceFilterInput
from queries import blast, exposure, paths, rollup
from queries.filters import PropertyPredicate, Sort
from queries.resources import Facet, ResourceFilter, TagFilter, resource_facets


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


def _path(p: paths.Path) -> PathResult:
    return PathResult(nodes=[ref(n) for n in p.nodes], steps=[step(s) for s in p.steps], length=p.length)


def _facets(values: tuple[Facet, ...]) -> list[FacetCount]:
    return [FacetCount(value=f.value, count=f.count) for f in values]


@strawberry.type
class AnalysisQuery:
    @strawberry.field(
        description="Counts by provider, kind, region and account of the resources matching `filter`.",
        permission_classes=[IsViewer],
    )
    async def resource_facets(
        self, info: Info[Context, None], filter: ResourceFilterInput | None = None
    ) -> ResourceFacets:
        f = await asyncio.to_thread(resource_facets, info.context.graph, to_filter(filter))
        return ResourceFacets(
            total=f.total,
            providers=_facets(f.providers),
            kinds=_facets(f.kinds),
            regions=_facets(f.regions),
            accounts=_facets(f.accounts),
        )

    @strawberry.field(
        description="What a resource depends on (DEPENDENCIES) or what depends on it (DEPENDENTS), "
        "transitively up to maxDepth (max 10), with one shortest path to each.",
        permission_classes=[IsViewer],
    )
    async def dependencies(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        direction: DependencyDirection = DependencyDirection.DEPENDENCIES,
        max_depth: int = blast.DEFAULT_DEPTH,
        first: int = 1000,
    ) -> DependencyResult:
        r = await asyncio.to_thread(blast.dependencies, info.context.graph, str(id), direction.value, max_depth, first)
        return DependencyResult(
            root=ref(r.root),
            direction=direction,
            max_depth=r.max_depth,
            nodes=[reached(n) for n in r.nodes],
            truncated=r.truncated,
        )

    @strawberry.field(
        description="Everything that depends on a resource within maxDepth hops (default 6, max 10), "
        "grouped by kind and by distance, with paths.",
        permission_classes=[IsViewer],
    )
    async def blast_radius(
        self, info: Info[Context, None], id: strawberry.ID, max_depth: int = blast.DEFAULT_DEPTH, first: int = 1000
    ) -> BlastRadiusResult:
        r = await asyncio.to_thread(blast.blast_radius, info.context.graph, str(id), max_depth, first)
        return BlastRadiusResult(
            root=ref(r.root),
            max_depth=r.max_depth,
            total=r.total,
            by_kind=[CountBucket(key=c.key, count=c.count) for c in r.by_kind],
            by_distance=[CountBucket(key=c.key, count=c.count) for c in r.by_distance],
            nodes=[reached(n) for n in r.nodes],
            truncated=r.truncated,
        )

    @strawberry.field(
        description="Paths from entry points (internet-facing load balancers, gateways, public IPs, "
        "CDNs) to data stores, ranked by store sensitivity, entry exposure, then length; with the "
        "single points of failure on them.",
        permission_classes=[IsViewer],
    )
    async def critical_paths(
        self, info: Info[Context, None], first: int = 20, provider: str | None = None, max_depth: int = 8
    ) -> CriticalPathsResult:
        r = await asyncio.to_thread(paths.critical_paths, info.context.graph, first, provider, max_depth)
        return CriticalPathsResult(
            paths=[
                CriticalPathInfo(
                    rank=p.rank,
                    entry=ref(p.entry),
                    store=ref(p.store),
                    exposure=p.exposure,
                    sensitivity=p.sensitivity,
                    path=_path(p.path),
                    single_points_of_failure=[ref(n) for n in p.single_points_of_failure],
                )
                for p in r.paths
            ],
            total=r.total,
            entries=r.entries,
            single_points_of_failure=[
                SharedPointOfFailure(node=ref(s.node), paths=s.paths) for s in r.single_points_of_failure
            ],
        )

    @strawberry.field(
        description="One shortest path between two resources over any relationships (of `types` when "
        "given), or null when none is within maxDepth (max 15).",
        permission_classes=[IsViewer],
    )
    async def shortest_path(
        self,
        info: Info[Context, None],
        from_id: strawberry.ID,
        to_id: strawberry.ID,
        max_depth: int = 8,
        types: list[str] | None = None,
    ) -> PathResult | None:
        p = await asyncio.to_thread(
            paths.shortest_path, info.context.graph, str(from_id), str(to_id), max_depth, tuple(types or ())
        )
        return _path(p) if p else None

    @strawberry.field(
        description="Internet exposure paths (port-aware: routes, ACLs, security rules) of one "
        "resource, or of every resource of a provider / account.",
        permission_classes=[IsViewer],
    )
    async def exposure_paths(
        self,
        info: Info[Context, None],
        id: strawberry.ID | None = None,
        provider: str | None = None,
        account: str | None = None,
        first: int = 100,
    ) -> list[ExposurePathInfo]:
        found = await asyncio.to_thread(
            exposure.exposure_paths, info.context.graph, str(id) if id else None, provider, account, first
        )
        return [
            ExposurePathInfo(
                resource=ref(p.resource),
                protocol=p.protocol,
                ports=p.ports_text,
                hops=[ExposureHopInfo(node=ref(h.node), allows=h.allows, rule_id=h.rule_id) for h in p.hops],
            )
            for p in found
        ]

    @strawberry.field(
        description="Applications: resources sharing a value of `tag` (app, team, ...), or without a "
        "tag connected components over dependency edges. Largest first.",
        permission_classes=[IsViewer],
    )
    async def components(
        self,
        info: Info[Context, None],
        tag: str | None = None,
        provider: str | None = None,
        account: str | None = None,
        first: int = 50,
        members: int = 20,
    ) -> list[ComponentInfo]:
        found = await asyncio.to_thread(rollup.components, info.context.graph, tag, provider, account, first, members)
        return [
            ComponentInfo(
                key=c.key,
                size=c.size,
                kinds=[CountBucket(key=k.key, count=k.count) for k in c.kinds],
                members=[ref(m) for m in c.members],
                internal_edges=c.internal_edges,
            )
            for c in found
        ]

    @strawberry.field(
        description="Resource counts by provider, kind, region or account.", permission_classes=[IsViewer]
    )
    async def rollup(self, info: Info[Context, None], by: RollupBy, provider: str | None = None) -> list[CountBucket]:
        found = await asyncio.to_thread(rollup.rollup, info.context.graph, by.value, provider)
        return [CountBucket(key=b.key, count=b.count) for b in found]

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
    )
    async def overview(
        self, info: Info[Context, None], account: str | None = None, region: str | None = None
    ) -> OverviewResult:
        o = await asyncio.to_thread(rollup.overview, info.context.graph, account, region)
        return OverviewResult(
            groups=[
                OverviewGroup(
                    id=g.id,
                    level=g.level,
                    account=g.account,
                    region=g.region,
                    kind=g.kind,
                    provider=g.provider,
                    count=g.count,
                )
                for g in o.groups
            ],
            edges=[OverviewEdge(source=e.source, target=e.target, type=e.type, count=e.count) for e in o.edges],
            total=o.total,
        )
