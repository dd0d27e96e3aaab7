"""Effective access carried from roles to the workloads that run as them, and its named share (READS), purely."""

from __future__ import annotations

from graph.schema import SCHEMA
from graph.schema.dependency_edges import ACCESS_HOLDERS, HAS_ACCESS_TO, READS
from graph.schema.links import GRANT_TARGETS
from queries.derived.access import Grant, workload_edges
from queries.derived.config import parse_references

ROLE = "arn:aws:iam::123456789012:role/app"
BUCKET = "arn:aws:s3:::reports"
FN = "arn:aws:lambda:us-east-1:123456789012:function:deploy-target"
TLS = '{"Bool":{"aws:SecureTransport":"true"}}'


def _grant(resource: str, kind: str, actions: tuple[str, ...], named: bool, condition: str | None = None) -> Grant:
    return Grant(
        ROLE, "app", None, "app-policy", f"{ROLE}/stmt/{kind}", resource, kind, kind, actions, condition, named
    )


def test_a_workload_gets_its_roles_access_with_actions_and_condition() -> None:
    grants = [
        _grant(BUCKET, "S3Bucket", ("s3:GetObject",), named=True, condition=TLS),
        _grant(FN, "LambdaFunction", ("lambda:*",), named=False),
    ]
    edges = workload_edges(grants, [("i-1", ROLE)], frozenset({"S3Bucket"}))
    access = {(e.target, e.actions, e.condition, e.named) for e in edges if e.type == HAS_ACCESS_TO}
    assert access == {(BUCKET, ("s3:GetObject",), TLS, True), (FN, ("lambda:*",), None, False)}
    assert all(e.source == "i-1" and "runs as role app" in e.reason for e in edges)
    assert "Bool aws:SecureTransport=true" in next(e.reason for e in edges if e.target == BUCKET)


def test_only_a_named_grant_on_a_data_store_is_a_use() -> None:
    grants = [
        _grant(BUCKET, "S3Bucket", ("s3:GetObject",), named=True),
        _grant("arn:aws:s3:::other", "S3Bucket", ("s3:*",), named=False),  # a wildcard: a permission only
        _grant(FN, "LambdaFunction", ("lambda:InvokeFunction",), named=True),  # named, but not a data store
    ]
    reads = [e for e in workload_edges(grants, [("i-1", ROLE)], frozenset({"S3Bucket"})) if e.type == READS]
    assert [(e.source, e.target, e.actions) for e in reads] == [("i-1", BUCKET, ("s3:GetObject",))]


def test_a_workload_without_the_role_gets_nothing() -> None:
    grants = [_grant(BUCKET, "S3Bucket", ("s3:GetObject",), named=True)]
    assert workload_edges(grants, [("i-2", "arn:aws:iam::123456789012:role/other")], frozenset({"S3Bucket"})) == []


def test_every_holder_and_grant_target_pair_is_declared() -> None:
    for holder in ACCESS_HOLDERS:
        for target in GRANT_TARGETS:
            assert SCHEMA.relationship(HAS_ACCESS_TO, holder, target).derived


def test_stored_references_parse_to_variable_and_reference() -> None:
    assert parse_references(["BUCKET=arn:aws:s3:::b", "broken", "=x", "Q=arn:aws:sqs:r:1:q=odd"]) == [
        ("BUCKET", "arn:aws:s3:::b"),
        ("Q", "arn:aws:sqs:r:1:q=odd"),
    ]
