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
from ingest.providers.aws.compute_ecs import transform_tasks
from ingest.providers.aws.compute_elb import transform_load_balancers
from ingest.providers.aws.data_s3 import notification_targets

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
        EdgeRow(
            "USES_INSTANCE_PROFILE",
            "LaunchTemplate",
            "lt",
            "IAMInstanceProfile",
            f"arn:aws:iam::{ACCOUNT}:instance-profile/web",
        ),
        EdgeRow("INVOKES", "APIGatewayHttpApi", "api", "LambdaFunction", FN),
    )


def test_every_reference_is_a_declared_property_of_its_source() -> None:
    from graph.schema.references import REFERENCES

    for ref in REFERENCES:
        assert ref.property in {p.name for p in SCHEMA.properties_of(ref.rel.source)}, ref


def test_derived_links_match_dns_names_and_addresses_and_drop_stale_ones(graph: Graph) -> None:
    writer = GraphWriter(graph, SCHEMA)
    lb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1"
    eip = f"arn:aws:ec2:{REGION}:{ACCOUNT}:elastic-ip/eipalloc-1"
    first = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    writer.nodes(
        [
            row("LoadBalancer", lb, dns_name="Web-1.us-east-1.elb.amazonaws.com"),
            row("ElasticIP", eip, public_ip="54.1.2.3"),
            row("Route53Record", "alias", alias_target_dns="dualstack.web-1.us-east-1.elb.amazonaws.com."),
            row("Route53Record", "a", record_type="A", values=("54.1.2.3",)),
            row("Route53Record", "other", record_type="A", values=("10.0.0.1",)),
            row(
                "CloudFrontDistribution",
                "cdn",
                origins=("web-1.us-east-1.elb.amazonaws.com", "bucket.s3.amazonaws.com"),
            ),
        ],
        first,
    )
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
    writer.nodes(
        [
            row("LoadBalancer", lb, dns_name="web.elb.amazonaws.com"),
            row("Route53Record", "alias", alias_target_dns="web.elb.amazonaws.com"),
        ],
        first,
    )
    apply_links(graph, ACCOUNT, first)
    later = SyncStamp(2, datetime(2026, 1, 2, tzinfo=UTC))
    writer.nodes([row("Route53Record", "alias", alias_target_dns="web.elb.amazonaws.com")], later)
    writer.cleanup(Scope("aws", ACCOUNT, REGION, ("Route53Record",)), later)
    assert graph.read("MATCH ()-[r:ROUTES_TO]->() RETURN count(r) AS c")[0]["c"] == 1


def test_nlb_elastic_ips_ecs_task_interfaces_replicas_and_bucket_notifications_become_edges() -> None:
    """Recorded payload shapes (moto returns no NLB addresses and cannot run awsvpc tasks) through the transforms."""
    nlb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/edge/1"
    lbs = transform_load_balancers(
        [
            {
                "LoadBalancerArn": nlb,
                "LoadBalancerName": "edge",
                "Type": "network",
                "Scheme": "internet-facing",
                "AvailabilityZones": [
                    {
                        "ZoneName": "us-east-1a",
                        "SubnetId": "subnet-1",
                        "LoadBalancerAddresses": [{"IpAddress": "54.1.2.3", "AllocationId": "eipalloc-9"}],
                    }
                ],
            }
        ],
        {},
        ACCOUNT,
        REGION,
    )
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/web/abc"
    tasks = transform_tasks(
        [
            {
                "taskArn": task,
                "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/web",
                "lastStatus": "RUNNING",
                "attachments": [
                    {
                        "type": "ElasticNetworkInterface",
                        "status": "ATTACHED",
                        "details": [
                            {"name": "subnetId", "value": "subnet-1"},
                            {"name": "networkInterfaceId", "value": "eni-0abc"},
                            {"name": "privateIPv4Address", "value": "10.0.1.5"},
                        ],
                    }
                ],
            }
        ],
        ACCOUNT,
        REGION,
    )
    queue, topic = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders", f"arn:aws:sns:{REGION}:{ACCOUNT}:events"
    targets = notification_targets(
        {
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": f"{FN}:live", "Events": ["s3:ObjectCreated:*"]}],
            "QueueConfigurations": [{"QueueArn": queue, "Events": ["s3:ObjectRemoved:*"]}],
            "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:Put"]}],
        }
    )
    rows = [
        *lbs.nodes,
        *tasks.nodes,
        row("S3Bucket", "arn:aws:s3:::uploads", notification_targets=targets),
        row("RDSInstance", "replica", read_replica_source="orders-db"),
    ]
    edges = {(e.type, e.source_id, e.target_label, e.target_id) for e in edges_from_properties(rows)}
    assert {
        ("USES_ELASTIC_IP", nlb, "ElasticIP", f"arn:aws:ec2:{REGION}:{ACCOUNT}:elastic-ip/eipalloc-9"),
        (
            "USES_NETWORK_INTERFACE",
            task,
            "NetworkInterface",
            f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-0abc",
        ),
        ("NOTIFIES", "arn:aws:s3:::uploads", "LambdaFunction", FN),
        ("NOTIFIES", "arn:aws:s3:::uploads", "SQSQueue", queue),
        ("NOTIFIES", "arn:aws:s3:::uploads", "SNSTopic", topic),
        ("REPLICA_OF", "replica", "RDSInstance", f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db"),
    } <= edges


def test_policy_statements_link_to_the_resources_their_arn_patterns_grant_with_the_actions(graph: Graph) -> None:
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"

    def statement(id_: str, effect: str, action: str, resource: str) -> NodeRow:
        props = {
            "account": ACCOUNT,
            "region": "global",
            "effect": effect,
            "actions": (action,),
            "resources": (resource,),
        }
        return NodeRow("IAMPolicyStatement", id_, props)  # type: ignore[arg-type]

    writer.nodes(
        [
            row("S3Bucket", "arn:aws:s3:::reports"),
            row("S3Bucket", "arn:aws:s3:::reports-archive"),
            row("S3Bucket", "arn:aws:s3:::other"),
            row("DynamoDBTable", table),
            statement("objects", "Allow", "s3:GetObject", "arn:aws:s3:::reports/*"),
            statement("prefix", "Allow", "s3:List*", "arn:aws:s3:::reports*"),
            statement("all", "Allow", "*", "*"),
            statement("deny", "Deny", "s3:*", "*"),
            statement("table", "Allow", "dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/ord?rs"),
        ],
        stamp,
    )
    apply_links(graph, ACCOUNT, stamp)
    found = {
        (r["a"], r["b"], tuple(r["actions"]))
        for r in graph.read(
            "MATCH (a:IAMPolicyStatement)-[r:ALLOWS_ACCESS_TO]->(b) RETURN a.id AS a, b.id AS b, r.actions AS actions"
        )
    }
    everything = ["arn:aws:s3:::reports", "arn:aws:s3:::reports-archive", "arn:aws:s3:::other", table]
    assert found == {
        ("objects", "arn:aws:s3:::reports", ("s3:GetObject",)),
        ("prefix", "arn:aws:s3:::reports", ("s3:List*",)),
        ("prefix", "arn:aws:s3:::reports-archive", ("s3:List*",)),
        ("table", table, ("dynamodb:GetItem",)),
        *(("all", target, ("*",)) for target in everything),
    }


def test_a_load_balancer_interface_links_to_its_load_balancer_by_description(graph: Graph) -> None:
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    alb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188"
    eni = f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-1"
    writer.nodes(
        [
            row("LoadBalancer", alb),
            row("NetworkInterface", eni, description="ELB app/web/50dc6c495c0c9188"),
            row("NetworkInterface", "plain", description="Primary network interface"),
        ],
        stamp,
    )
    apply_links(graph, ACCOUNT, stamp)
    rows = graph.read("MATCH (a:NetworkInterface)-[:ATTACHED_TO]->(b:LoadBalancer) RETURN a.id AS a, b.id AS b")
    assert [(r["a"], r["b"]) for r in rows] == [(eni, alb)]
