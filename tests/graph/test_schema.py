"""The declared schema is consistent, Schema() rejects bad declarations, and the DDL generated from it
reaches the real Neo4j."""

from __future__ import annotations

import re

import pytest

import graph.schema as schema_package
from core.errors import GraphError, SchemaError
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema, schema_statements
from graph.schema import RESOURCE_LABEL, SCHEMA, STAMP_PROPERTIES, NodeKind, Property, RelType, Schema
from graph.schema.aws import SUBNET, VPC
from graph.schema.common import RESOURCE_PROPERTIES

_CONSTRAINT = re.compile(
    r"^CREATE CONSTRAINT (?P<name>\w+) IF NOT EXISTS FOR \(n:(?P<label>\w+)\) REQUIRE n\.id IS UNIQUE$"
)
_INDEX = re.compile(r"^CREATE INDEX (?P<name>\w+) IF NOT EXISTS FOR \(n:(?P<label>\w+)\) ON \(n\.(?P<prop>\w+)\)$")


def _parsed(statements: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Constraint name -> label, index name -> (label, property); fails on any other statement."""
    constraints: dict[str, str] = {}
    indexes: dict[str, tuple[str, str]] = {}
    for statement in statements:
        if m := _CONSTRAINT.match(statement):
            constraints[m["name"]] = m["label"]
        elif m := _INDEX.match(statement):
            indexes[m["name"]] = (m["label"], m["prop"])
        else:
            pytest.fail(f"unexpected DDL statement: {statement}")
    return constraints, indexes


# --- the declared SCHEMA ---------------------------------------------------------------------------


def test_declared_labels_are_unique_and_not_the_resource_label() -> None:
    labels = [kind.label for kind in SCHEMA.nodes]
    assert len(labels) == len(set(labels))
    assert RESOURCE_LABEL not in labels
    declared = {kind.label for module in schema_package._MODULES for kind in module.NODES}
    assert set(labels) == declared
    assert {"EC2Instance", "VPC", "Subnet", "SecurityGroup", "SecurityGroupRule"} <= declared


def test_every_relationship_end_is_a_declared_label() -> None:
    labels = {kind.label for kind in SCHEMA.nodes}
    ends = {end for rel in SCHEMA.relationships for end in (rel.source, rel.target)}
    assert ends <= labels
    triples = [(rel.type, rel.source, rel.target) for rel in SCHEMA.relationships]
    assert len(triples) == len(set(triples))


def test_resource_kinds_do_not_redeclare_common_properties() -> None:
    common = {p.name for p in SCHEMA.common}
    for kind in SCHEMA.resource_kinds():
        own = [p.name for p in kind.properties]
        assert not set(own) & common, kind.label
        assert len(own) == len(set(own)), kind.label
        assert [p.name for p in SCHEMA.properties_of(kind.label)] == [*(p.name for p in SCHEMA.common), *own]


def test_non_resource_kinds_declare_the_key_the_scope_and_the_stamps_the_writer_uses() -> None:
    # The writer MERGEs on id, cleanup scopes on account + region, and stamps every node.
    # (kinds of provider "any" are AI-Discover's own records -- accounts, jobs, ... -- not written by the writer)
    others = [kind for kind in SCHEMA.nodes if not kind.resource and kind.provider != "any"]
    assert "SecurityGroupRule" in [kind.label for kind in others]
    for kind in others:
        names = {p.name for p in kind.properties}
        assert {"id", "account", "region"} | STAMP_PROPERTIES <= names, kind.label


def test_relationship_types_are_the_sorted_distinct_types() -> None:
    types = SCHEMA.relationship_types()
    assert list(types) == sorted({rel.type for rel in SCHEMA.relationships})
    assert {"ALLOWS_FROM", "HAS_RULE", "IN_SUBNET", "IN_VPC", "MEMBER_OF_SECURITY_GROUP"} <= set(types)


def test_unknown_label_and_undeclared_relationship_raise_schema_error_naming_them() -> None:
    with pytest.raises(SchemaError, match="unknown label 'Bucket'"):
        SCHEMA.node("Bucket")
    with pytest.raises(SchemaError, match=re.escape("(EC2Instance)-[:IN_VPC]->(VPC) is not declared")):
        SCHEMA.relationship("IN_VPC", "EC2Instance", "VPC")


# --- Schema() rejects bad declarations -------------------------------------------------------------


def test_schema_rejects_a_duplicate_label() -> None:
    with pytest.raises(SchemaError, match="label 'VPC' is declared twice"):
        Schema(common=RESOURCE_PROPERTIES, nodes=(VPC, SUBNET, VPC), relationships=())


def test_schema_rejects_labels_that_differ_only_in_case() -> None:
    # constraint names derive from the lower-cased label, so VPC and Vpc would share one
    vpc_again = NodeKind(label="Vpc", provider="aws", service="ec2", description="clash")
    with pytest.raises(SchemaError, match="label 'Vpc' is declared twice \\(ignoring case\\)"):
        Schema(common=RESOURCE_PROPERTIES, nodes=(VPC, vpc_again), relationships=())


def test_schema_rejects_a_kind_labelled_resource() -> None:
    resource = NodeKind(label=RESOURCE_LABEL, provider="any", service="core", description="clash")
    with pytest.raises(SchemaError, match="label 'Resource' is declared twice"):
        Schema(common=RESOURCE_PROPERTIES, nodes=(resource,), relationships=())


@pytest.mark.parametrize(
    ("source", "target", "missing"),
    [("Subnet", "Vpc", "Vpc"), ("Instance", "Subnet", "Instance")],
)
def test_schema_rejects_an_undeclared_relationship_end(source: str, target: str, missing: str) -> None:
    rel = RelType("IN_VPC", source, target, "dangling")
    with pytest.raises(SchemaError, match=f"IN_VPC refers to undeclared label '{missing}'"):
        Schema(common=RESOURCE_PROPERTIES, nodes=(VPC, SUBNET), relationships=(rel,))


def test_schema_rejects_a_duplicate_relationship() -> None:
    rel = RelType("IN_VPC", "Subnet", "VPC", "twice")
    with pytest.raises(SchemaError, match=re.escape("(Subnet)-[:IN_VPC]->(VPC) is declared twice")):
        Schema(common=RESOURCE_PROPERTIES, nodes=(VPC, SUBNET), relationships=(rel, rel))


@pytest.mark.parametrize("label", ["EC2-Instance", "1Vpc", "Vpc) DETACH DELETE (n", "", "Vpc Endpoint", "_Vpc"])
def test_schema_rejects_a_label_that_is_not_an_identifier(label: str) -> None:
    kind = NodeKind(label=label, provider="aws", service="ec2", description="bad")
    with pytest.raises(SchemaError, match=re.escape(f"label {label!r} is not a plain identifier")):
        Schema(common=RESOURCE_PROPERTIES, nodes=(kind,), relationships=())


@pytest.mark.parametrize("name", ["public ip", "public-ip", "9lives", "x}) SET n.owned = true //"])
def test_schema_rejects_a_property_name_that_is_not_an_identifier(name: str) -> None:
    kind = NodeKind("Bucket", "aws", "s3", "bad prop", properties=(Property(name, "string", "bad"),))
    with pytest.raises(SchemaError, match=re.escape(f"property of Bucket {name!r} is not a plain identifier")):
        Schema(common=RESOURCE_PROPERTIES, nodes=(kind,), relationships=())


@pytest.mark.parametrize("type_", ["IN-VPC", "IN VPC", "]->(x) DELETE x //"])
def test_schema_rejects_a_relationship_type_that_is_not_an_identifier(type_: str) -> None:
    rel = RelType(type_, "Subnet", "VPC", "bad")
    with pytest.raises(SchemaError, match=re.escape(f"relationship type {type_!r} is not a plain identifier")):
        Schema(common=RESOURCE_PROPERTIES, nodes=(VPC, SUBNET), relationships=(rel,))


def test_schema_rejects_a_resource_kind_redeclaring_a_common_property() -> None:
    kind = NodeKind("Bucket", "aws", "s3", "clash", properties=(Property("region", "string", "again"),))
    with pytest.raises(SchemaError, match=re.escape("Bucket declares ['region'] twice")):
        Schema(common=RESOURCE_PROPERTIES, nodes=(kind,), relationships=())


def test_schema_rejects_a_property_declared_twice_in_one_kind() -> None:
    kind = NodeKind(
        "Bucket", "aws", "s3", "dup", properties=(Property("arn", "string", "a"), Property("arn", "string", "b"))
    )
    with pytest.raises(SchemaError, match=r"Bucket declares .*'arn'.* twice"):
        Schema(common=RESOURCE_PROPERTIES, nodes=(kind,), relationships=())


# --- DDL generated from the schema -----------------------------------------------------------------


def test_schema_statements_have_one_uniqueness_constraint_per_label_plus_resource() -> None:
    constraints, _ = _parsed(schema_statements(SCHEMA))
    expected = {f"{kind.label.lower()}_id": kind.label for kind in SCHEMA.nodes}
    expected["resource_id"] = RESOURCE_LABEL
    assert constraints == expected


def test_schema_statements_index_every_indexed_property_except_the_constrained_id() -> None:
    _, indexes = _parsed(schema_statements(SCHEMA))
    expected = {f"resource_{p.name}": (RESOURCE_LABEL, p.name) for p in SCHEMA.common if p.indexed and p.name != "id"}
    for kind in SCHEMA.nodes:
        for p in kind.properties:
            if p.indexed and p.name != "id":
                expected[f"{kind.label.lower()}_{p.name}"] = (kind.label, p.name)
    assert indexes == expected
    # Spot checks, so the comprehension above cannot hide an empty result.
    assert indexes["resource_account"] == ("Resource", "account")
    assert indexes["ec2instance_public_ip"] == ("EC2Instance", "public_ip")
    assert indexes["securitygrouprule_region"] == ("SecurityGroupRule", "region")
    assert "resource_tags" not in indexes
    assert "vpc_cidr_block" not in indexes


def test_schema_statements_names_are_unique_and_statements_idempotent() -> None:
    statements = schema_statements(SCHEMA)
    names = [s.split()[2] for s in statements]
    assert len(names) == len(set(names)), "two DDL statements share a name: IF NOT EXISTS would skip one"
    assert all(" IF NOT EXISTS " in s for s in statements)


def test_schema_statements_of_a_small_schema_are_exact() -> None:
    kind = NodeKind(
        "Bucket",
        "aws",
        "s3",
        "An S3 bucket.",
        properties=(Property("bucket_name", "string", "Name.", indexed=True), Property("acl", "string", "ACL.")),
    )
    common = (Property("id", "string", "Key.", indexed=True), Property("region", "string", "Region.", indexed=True))
    assert schema_statements(Schema(common=common, nodes=(kind,), relationships=())) == [
        "CREATE CONSTRAINT resource_id IF NOT EXISTS FOR (n:Resource) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX resource_region IF NOT EXISTS FOR (n:Resource) ON (n.region)",
        "CREATE CONSTRAINT bucket_id IF NOT EXISTS FOR (n:Bucket) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX bucket_bucket_name IF NOT EXISTS FOR (n:Bucket) ON (n.bucket_name)",
    ]


# --- on the real Neo4j -----------------------------------------------------------------------------


def _uniqueness_constraints(graph: Graph) -> set[tuple[str, str, tuple[str, ...]]]:
    records = graph.read(
        "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' AND entityType = 'NODE' "
        "RETURN name, labelsOrTypes, properties"
    )
    out: set[tuple[str, str, tuple[str, ...]]] = set()
    for r in records:
        (label,) = r["labelsOrTypes"]
        out.add((r["name"], label, tuple(r["properties"])))
    return out


def _range_indexes(graph: Graph) -> set[tuple[str, str, tuple[str, ...]]]:
    records = graph.read(
        "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint "
        "WHERE type = 'RANGE' AND entityType = 'NODE' AND owningConstraint IS NULL "
        "RETURN name, labelsOrTypes, properties"
    )
    out: set[tuple[str, str, tuple[str, ...]]] = set()
    for r in records:
        (label,) = r["labelsOrTypes"]
        out.add((r["name"], label, tuple(r["properties"])))
    return out


def test_neo4j_has_a_uniqueness_constraint_on_id_for_every_label_after_ensure_schema(graph: Graph) -> None:
    ensure_schema(graph, SCHEMA)
    expected = {(f"{kind.label.lower()}_id", kind.label, ("id",)) for kind in SCHEMA.nodes}
    expected.add(("resource_id", RESOURCE_LABEL, ("id",)))
    assert _uniqueness_constraints(graph) == expected


def test_neo4j_has_a_range_index_for_every_indexed_property_after_ensure_schema(graph: Graph) -> None:
    ensure_schema(graph, SCHEMA)
    _, indexes = _parsed(schema_statements(SCHEMA))
    assert _range_indexes(graph) == {(name, label, (prop,)) for name, (label, prop) in indexes.items()}


def test_ensure_schema_twice_is_harmless(graph: Graph) -> None:
    ensure_schema(graph, SCHEMA)
    constraints, indexes = _uniqueness_constraints(graph), _range_indexes(graph)
    assert ensure_schema(graph, SCHEMA) == 0  # nothing missing: nothing run
    assert len(constraints) + len(indexes) == len(schema_statements(SCHEMA))
    assert _uniqueness_constraints(graph) == constraints
    assert _range_indexes(graph) == indexes


def test_the_uniqueness_constraint_refuses_a_second_node_with_the_same_id(graph: Graph) -> None:
    graph.write("CREATE (:VPC {id: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1'})")
    with pytest.raises(GraphError, match="ConstraintValidationFailed"):
        graph.write("CREATE (:VPC {id: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1'})")
    assert graph.read("MATCH (n:VPC) RETURN count(n) AS c")[0]["c"] == 1


def test_ensure_schema_creates_only_what_is_missing(graph: Graph) -> None:
    ensure_schema(graph, SCHEMA)
    graph.write("DROP INDEX ec2instance_instance_type")
    assert ensure_schema(graph, SCHEMA) == 1
    assert ("ec2instance_instance_type", "EC2Instance", ("instance_type",)) in _range_indexes(graph)
