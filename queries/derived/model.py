"""A derived dependency edge as the computation produces it, before it is written."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DerivedEdge"]


@dataclass(frozen=True)
class DerivedEdge:
    """``source`` uses ``target`` (``type`` is one of ``graph.schema.dependency_edges.DERIVED_TYPES``)."""

    type: str
    source: str
    target: str
    via: str  # id of what makes it true: the allowing rule, the mapping, the grant
    reason: str
    protocol: str | None = None
    ports: str | None = None
    route: str | None = None
    actions: tuple[str, ...] = ()
    hops: tuple[str, ...] = ()  # ids of the route tables and the peering or gateway a cross-VPC route takes
    scope: str | None = None  # the part its family recomputes it with (queries.derived.compute)
    condition: str | None = None  # HAS_ACCESS_TO: the statement's Condition block as JSON
    named: bool | None = None  # HAS_ACCESS_TO: the statement names the target without a wildcard
    variable: str | None = None  # CONFIGURED_TO_USE: the variable's name

    def properties(self) -> dict[str, object]:
        props: dict[str, object] = {"via": self.via, "reason": self.reason}
        if self.protocol is not None:
            props.update(protocol=self.protocol, ports=self.ports, route=self.route, route_hops=list(self.hops))
        if self.actions:
            props["actions"] = list(self.actions)
        if self.named is not None:
            props.update(condition=self.condition, named=self.named)
        if self.variable is not None:
            props["variable"] = self.variable
        return props
