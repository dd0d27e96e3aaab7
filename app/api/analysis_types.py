"""GraphQL types of the analysis fields: their argument enums and inputs, and the result types derived from the
query records (compact resource references, paths, and the results built from them)."""

from __future__ import annotations

from enum import Enum

import strawberry

from app.api.records import Shape, derive
from queries import blast, exposure, paths, rollup
from queries.model import NodeRef, PathStep, Reached
from queries.resources import Facet, Facets


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


ResourceRef = derive(
    Shape(
        NodeRef,
        name="ResourceRef",
        description="A resource named by an analysis result; fetch the rest with `resource(id)`.",
    )
)
PathStepInfo = derive(
    Shape(
        PathStep,
        name="PathStepInfo",
        description="One hop of a path, in walking order.",
        ids=frozenset({"from_id", "to_id"}),
    )
)
ReachedNode = derive(
    Shape(
        Reached,
        name="ReachedNode",
        description="A resource reached by a walk: its distance and one shortest path to it.",
    )
)
DependencyResult = derive(Shape(blast.DependencyResult, types={"direction": DependencyDirection}))
CountBucket = derive(Shape(blast.Count, name="CountBucket"))
derive(Shape(rollup.Bucket, name="CountBucket"))  # the same facts as blast.Count
BlastRadiusResult = derive(Shape(blast.BlastRadius, name="BlastRadiusResult"))
PathResult = derive(Shape(paths.Path, name="PathResult", fields=("nodes", "steps", "length")))
CriticalPathInfo = derive(Shape(paths.CriticalPath, name="CriticalPathInfo"))
SharedPointOfFailure = derive(Shape(paths.SharedPoint, name="SharedPointOfFailure"))
CriticalPathsResult = derive(Shape(paths.CriticalPaths, name="CriticalPathsResult"))
ExposureHopInfo = derive(Shape(exposure.ExposureHop, name="ExposureHopInfo"))
ExposurePathInfo = derive(
    Shape(
        exposure.ExposurePath,
        name="ExposurePathInfo",
        fields=("resource", "protocol", "ports_text", "hops"),
        rename={"ports_text": "ports"},
        exclude={"ports": "port ranges as numbers: shown as text (ports_text)"},
    )
)
FacetCount = derive(Shape(Facet, name="FacetCount"))
ResourceFacets = derive(Shape(Facets, name="ResourceFacets", description="Counts of the resources matching a filter."))
ComponentInfo = derive(Shape(rollup.Component, name="ComponentInfo"))
OverviewGroup = derive(Shape(rollup.Group, name="OverviewGroup", ids=frozenset()))
OverviewEdge = derive(Shape(rollup.GroupEdge, name="OverviewEdge"))
OverviewResult = derive(Shape(rollup.Overview, name="OverviewResult"))
