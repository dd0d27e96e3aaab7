"""GraphQL types of the analysis fields: compact resource references, paths, and the results built from them."""

from __future__ import annotations

from enum import Enum

import strawberry

from queries.model import NodeRef, PathStep, Reached


@strawberry.enum(description="Walk towards what a resource needs, or towards what needs it.")
class DependencyDirection(Enum):
    DEPENDENCIES = "DEPENDENCIES"
    DEPENDENTS = "DEPENDENTS"


@strawberry.enum(description="What to count resources by.")
class RollupBy(Enum):
    PROVIDER = "PROVIDER"
    KIND = "KIND"
    REGION = "REGION"
    ACCOUNT = "ACCOUNT"


@strawberry.enum(description="A property condition's operator.")
class PropertyOp(Enum):
    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    CONTAINS = "CONTAINS"
    EXISTS = "EXISTS"


@strawberry.input(description="A condition on a declared property; the value is converted to its declared type.")
class PropertyPredicateInput:
    name: str
    op: PropertyOp = PropertyOp.EQ
    value: str | None = None


@strawberry.input(description="Sort resources by a declared property (nulls last, ties by id).")
class ResourceSortInput:
    property: str = "id"
    descending: bool = False


@strawberry.type(description="A resource named by an analysis result; fetch the rest with `resource(id)`.")
class ResourceRef:
    id: strawberry.ID
    kind: str
    name: str
    provider: str
    account: str
    region: str


def ref(node: NodeRef) -> ResourceRef:
    return ResourceRef(
        id=strawberry.ID(node.id),
        kind=node.kind,
        name=node.name,
        provider=node.provider,
        account=node.account,
        region=node.region,
    )


@strawberry.type(description="One hop of a path, in walking order.")
class PathStepInfo:
    from_id: strawberry.ID
    to_id: strawberry.ID
    type: str = strawberry.field(description="Relationship type, or a compound hop such as ALLOWED_BY_SECURITY_GROUP.")
    edge_forward: bool = strawberry.field(description="False when the stored relationship points to_id -> from_id.")
    via: str | None = strawberry.field(description="The node explaining a compound hop (e.g. the allowing rule).")


def step(s: PathStep) -> PathStepInfo:
    return PathStepInfo(
        from_id=strawberry.ID(s.from_id),
        to_id=strawberry.ID(s.to_id),
        type=s.type,
        edge_forward=s.edge_forward,
        via=s.via,
    )


@strawberry.type(description="A resource reached by a walk: its distance and one shortest path to it.")
class ReachedNode:
    node: ResourceRef
    distance: int
    path: list[PathStepInfo]


def reached(r: Reached) -> ReachedNode:
    return ReachedNode(node=ref(r.node), distance=r.distance, path=[step(s) for s in r.path])


@strawberry.type
class DependencyResult:
    root: ResourceRef
    direction: DependencyDirection
    max_depth: int
    nodes: list[ReachedNode]
    truncated: bool = strawberry.field(description="True when the node cap stopped the walk.")


@strawberry.type(description="A count for one key.")
class CountBucket:
    key: str
    count: int


@strawberry.type(description="What depends on a resource, directly or transitively, grouped by kind and distance.")
class BlastRadiusResult:
    root: ResourceRef
    max_depth: int
    total: int
    by_kind: list[CountBucket]
    by_distance: list[CountBucket]
    nodes: list[ReachedNode]
    truncated: bool


@strawberry.type
class PathResult:
    nodes: list[ResourceRef]
    steps: list[PathStepInfo]
    length: int


@strawberry.type(description="A ranked path from an entry point to a data store.")
class CriticalPathInfo:
    rank: int
    entry: ResourceRef
    store: ResourceRef
    exposure: int
    sensitivity: int
    path: PathResult
    single_points_of_failure: list[ResourceRef]


@strawberry.type
class SharedPointOfFailure:
    node: ResourceRef
    paths: int


@strawberry.type(description="Ranked by store sensitivity, then entry exposure, then shorter path.")
class CriticalPathsResult:
    paths: list[CriticalPathInfo]
    total: int
    entries: int
    single_points_of_failure: list[SharedPointOfFailure]


@strawberry.type(description="One hop from the internet towards the resource, with what allows it.")
class ExposureHopInfo:
    node: ResourceRef
    allows: str
    rule_id: str | None


@strawberry.type(description="An internet exposure path: the ports every layer lets through.")
class ExposurePathInfo:
    resource: ResourceRef
    protocol: str
    ports: str = strawberry.field(description="Open ports, e.g. 'tcp 22,80' or 'tcp all'.")
    hops: list[ExposureHopInfo]


@strawberry.type
class FacetCount:
    value: str
    count: int


@strawberry.type(description="Counts of the resources matching a filter.")
class ResourceFacets:
    total: int
    providers: list[FacetCount]
    kinds: list[FacetCount]
    regions: list[FacetCount]
    accounts: list[FacetCount]


@strawberry.type(description="Resources grouped into an application: by tag value, or by connectivity.")
class ComponentInfo:
    key: str
    size: int
    kinds: list[CountBucket]
    members: list[ResourceRef]
    internal_edges: int


@strawberry.type(description="A collapsed group of the estate: an account, a region of it, or a kind in a region.")
class OverviewGroup:
    id: str
    level: str
    account: str
    region: str | None
    kind: str | None
    provider: str
    count: int


@strawberry.type
class OverviewEdge:
    source: str
    target: str
    type: str
    count: int


@strawberry.type(description="The estate collapsed; expand a group by passing its account (and region).")
class OverviewResult:
    groups: list[OverviewGroup]
    edges: list[OverviewEdge]
    total: int
