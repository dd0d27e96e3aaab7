"""Cross-service edges: declared ARN references (written by the source's unit) and derived links
(matched by DNS name or address after a sync)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.links import apply_links
from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow
from graph.schema import SCHEMA
from graph.schema.references import edges_from_properties, kms_key, lambda_function, stream_table
from graph.write import GraphWriter, SyncStamp

ACCOUNT, REGION = "123456789012", "us-east-1"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"


def row(label: str, node_id: str, **props: object) -> NodeRow:
    return NodeRow(label, node_id, {"account": ACCOUNT, "region": REGION, "name": node_id, **props})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FN, FN),
        (f"{FN}:live", FN),
        (f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{FN}:3/invocations", FN),
        ("https://example.com/hook", None),
    ],
)
def test_lambda_function_references_are_unqualified(value: str, expected: str | None) -> None:
    assert lambda_function(value, row("X", "x")) == expected


def test_stream_and_key_resolvers() -> None:
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
    assert stream_table(f"{table}/stream/2026-01-01T00:00:00.000", row("X", "x")) == table
    assert stream_table(f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", row("X", "x")) == f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
    assert stream_table(f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/c/1", row("X", "x")) is None
    assert kms_key("1234abcd", row("X", "x")) == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd"
    assert kms_key(f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app", row("X", "x")) is None


def test_references_become_edges_from_the_owning_rows() -> None:
    rows = [
        row("LambdaFunction", FN, role_arn=f"arn:aws:iam::{ACCOUNT}:role/orders"),
        row("LaunchTemplate", "lt", image_id="ami-0abc", iam_instance_profile_arn="web"),
        row("APIGatewayHttpApi", "api", integration_targets=(f"{FN}:live", "https://example.com", FN)),
        row("VPC", "vpc"),
    ]
    assert edges_from_properties(rows) == (
        EdgeRow("USES_ROLE", "LambdaFunction", FN, "IAMRole", f"arn:aws:iam::{ACCOUNT}:role/orders"),
        EdgeRow("USES_IMAGE", "LaunchTemplate", "lt", "AMI", f"arn:aws:ec2:{REGION}::image/ami-0abc"),
        EdgeRow("USES_INSTANCE_PROFILE", "LaunchTemplate", "lt", "IAMInstanceProfile",
                f"arn:aws:iam::{ACCOUNT}:instance-profile/web"),
        EdgeRow("INVOKES", "APIGatewayHttpApi", "api", "LambdaFunction", FN),
    )  # fmt: skip


def test_every_reference_is_a_declared_property_of_its_source() -> None:
    from graph.schema.references import REFERENCES

    for ref in REFERENCES:
        assert ref.property in {p.name for p in SCHEMA.properties_of(ref.rel.source)}, ref


def test_derived_links_match_dns_names_and_addresses_and_drop_stale_ones(graph: Graph) -> None:
    writer = GraphWriter(graph, SCHEMA)
    lb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1"
    eip = f"arn:aws:ec2:{REGION}:{ACCOUNT}:elastic-ip/eipalloc-1"
    first = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    writer.nodes([
        row("LoadBalancer", lb, dns_name="Web-1.us-east-1.elb.amazonaws.com"),
        row("ElasticIP", eip, public_ip="54.1.2.3"),
        row("Route53Record", "alias", alias_target_dns="dualstack.web-1.us-east-1.elb.amazonaws.com."),
        row("Route53Record", "a", record_type="A", values=("54.1.2.3",)),
        row("Route53Record", "other", record_type="A", values=("10.0.0.1",)),
        row("CloudFrontDistribution", "cdn", origins=("web-1.us-east-1.elb.amazonaws.com", "bucket.s3.amazonaws.com")),
    ], first)  # fmt: skip
    counts = apply_links(graph, ACCOUNT, first)
    assert counts.written == 3
    links = {
        (r["a"], r["t"], r["b"]) for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b")
    }
    assert links == {("alias", "ROUTES_TO", lb), ("a", "RESOLVES_TO", eip), ("cdn", "ORIGIN", lb)}
    # the record now points elsewhere: the next sync's links drop the stale edge and keep the others' first_seen
    graph.write("MATCH (r:Route53Record {id: 'a'}) SET r.values = ['10.9.9.9']")
    later = SyncStamp(2, datetime(2026, 1, 2, tzinfo=UTC))
    assert apply_links(graph, ACCOUNT, later).removed == 1
    rows = graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, r.first_seen AS fs ORDER BY a")
    assert [(r["a"], r["t"]) for r in rows] == [("alias", "ROUTES_TO"), ("cdn", "ORIGIN")]
    assert all(r["fs"].to_native() == first.at for r in rows)


def test_unit_cleanup_leaves_derived_links_alone(graph: Graph) -> None:
    from graph.rows import Scope

    writer = GraphWriter(graph, SCHEMA)
    lb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1"
    first = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    writer.nodes([row("LoadBalancer", lb, dns_name="web.elb.amazonaws.com"),
                  row("Route53Record", "alias", alias_target_dns="web.elb.amazonaws.com")], first)  # fmt: skip
    apply_links(graph, ACCOUNT, first)
    later = SyncStamp(2, datetime(2026, 1, 2, tzinfo=UTC))
    writer.nodes([row("Route53Record", "alias", alias_target_dns="web.elb.amazonaws.com")], later)
    writer.cleanup(Scope("aws", ACCOUNT, REGION, ("Route53Record",)), later)
    assert graph.read("MATCH ()-[r:ROUTES_TO]->() RETURN count(r) AS c")[0]["c"] == 1
