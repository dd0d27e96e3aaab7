"""The analysis meanings in graph/schema/dependencies.py cover the schema and name only declared things."""

from __future__ import annotations

from graph.schema import SCHEMA
from graph.schema.dependencies import ACCESS, DEPENDENCIES, NOT_DEPENDENCIES
from queries.traverse import access_steps, dependency_steps


def test_every_relationship_between_resources_has_a_declared_meaning() -> None:
    resource = {k.label for k in SCHEMA.resource_kinds()}
    decided = {d.type for d in DEPENDENCIES} | set(NOT_DEPENDENCIES)
    missing = sorted({r.type for r in SCHEMA.relationships if r.source in resource and r.target in resource} - decided)
    assert missing == [], f"declare these in graph/schema/dependencies.py (DEPENDENCIES or NOT_DEPENDENCIES): {missing}"


def test_declarations_name_declared_types_labels_and_properties() -> None:
    types = set(SCHEMA.relationship_types())
    for rule in (*DEPENDENCIES, *ACCESS):
        assert rule.type in types, rule
        for label in (rule.source, rule.target):
            if label is not None:
                SCHEMA.node(label)
    assert not set(NOT_DEPENDENCIES) & {d.type for d in DEPENDENCIES}
    for label, entry in SCHEMA.entry_points():
        names = {p.name for p in SCHEMA.properties_of(label)}
        assert entry.prop is None or entry.prop in names, entry
    for label, _ in SCHEMA.data_stores():
        assert SCHEMA.node(label).resource


def test_pair_specific_meanings_win_over_the_types_default() -> None:
    needs = dependency_steps("DEPENDENCIES")
    assert needs("ATTACHED_TO", "EBSVolume", "EC2Instance") == {"in"}  # the instance needs its volume
    assert needs("ATTACHED_TO", "TransitGatewayAttachment", "TransitGateway") == {"out"}
    assert needs("PART_OF", "Listener", "LoadBalancer") == {"in", "out"}
    assert needs("HAS_ROLE", "GCPPrincipal", "GCPProject") == frozenset()
    assert dependency_steps("DEPENDENTS")("IN_SUBNET", "EC2Instance", "Subnet") == {"in"}
    assert access_steps("INVOKES", "LambdaEventSourceMapping", "LambdaFunction") == {"in"}
    assert access_steps("INVOKES", "APIGatewayRestApi", "LambdaFunction") == {"out"}
    assert access_steps("ROUTES_TO", "RouteTable", "InternetGateway") == frozenset()
