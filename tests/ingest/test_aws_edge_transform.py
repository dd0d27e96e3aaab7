"""The CloudFront, Route53 and API Gateway transforms are pure: recorded payloads in, exact rows out.

The recorded payloads cover what the moto-backed discovery test cannot: a WAF web ACL, mixed S3 and
custom origins, alias records to load balancers, latency records with set identifiers, multi-VPC
private zones, tagged distributions, Lambda aliases and WebSocket APIs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from ingest.providers.aws.edge_transform import (
    API_LABELS,
    GLOBAL_LABELS,
    ApiGatewayPayload,
    DistributionRecord,
    GlobalEdgePayload,
    HttpApiRecord,
    RestApiRecord,
    ZoneRecord,
    dns_key,
    lambda_arn,
    transform_api_gateway,
    transform_global_edge,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "edge"
ACCOUNT = "111122223333"
REGION = "us-west-2"
DIST = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHEXAMPLE"
PUBLIC = "arn:aws:route53:::hostedzone/Z0PUBLICEXAMPLE"
PRIVATE = "arn:aws:route53:::hostedzone/Z0PRIVATEEXAMPLE"

_TIMESTAMPS = frozenset({"LastModifiedTime", "createdDate", "CreatedDate"})


def _parse_timestamps(obj: dict[str, Any]) -> dict[str, Any]:
    for key in _TIMESTAMPS & obj.keys():
        obj[key] = datetime.fromisoformat(obj[key])
    return obj


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(), object_hook=_parse_timestamps)


def global_payload() -> GlobalEdgePayload:
    tags = load("distribution_tags.json")
    distributions = []
    for dist in load("list_distributions.json")["DistributionList"]["Items"]:
        items = tags.get(dist.get("ARN", ""), {}).get("Tags", {}).get("Items", [])
        distributions.append(DistributionRecord(dist, {t["Key"]: t["Value"] for t in items}))
    zones = [
        ZoneRecord(z["HostedZone"], z["ResourceRecordSets"], z["VPCs"], {t["Key"]: t["Value"] for t in z["Tags"]})
        for z in load("hosted_zones.json")["Zones"]
    ]
    return GlobalEdgePayload(distributions, zones)


def api_payload() -> ApiGatewayPayload:
    data = load("apigateway.json")
    return ApiGatewayPayload(
        [RestApiRecord(r["Api"], r["Stages"], r["IntegrationUris"]) for r in data["RestApis"]],
        [HttpApiRecord(h["Api"], h["Stages"], h["RoutesCount"], h["IntegrationUris"]) for h in data["HttpApis"]],
    )


@pytest.fixture(scope="module")
def edge_rows() -> Transformed:
    return transform_global_edge(global_payload(), ACCOUNT, "global")


@pytest.fixture(scope="module")
def api_rows() -> Transformed:
    return transform_api_gateway(api_payload(), ACCOUNT, REGION)


def node(rows: Transformed, node_id: str) -> NodeRow:
    matches = [n for n in rows.nodes if n.id == node_id]
    assert len(matches) == 1, node_id
    return matches[0]


def edges_of(rows: Transformed, type_: str) -> set[tuple[str, str]]:
    return {(e.source_id, e.target_id) for e in rows.edges if e.type == type_}


# --- CloudFront ----------------------------------------------------------------------------------


def test_distribution_with_waf_aliases_and_s3_and_alb_origins(edge_rows: Transformed) -> None:
    assert node(edge_rows, DIST) == NodeRow(
        "CloudFrontDistribution",
        DIST,
        {
            "account": ACCOUNT,
            "region": "global",
            "name": "public-site",
            "tags": ("Name=public-site", "env=prod"),
            "distribution_id": "E2QWRUHEXAMPLE",
            "domain_name": "d111111abcdef8.cloudfront.net",
            "aliases": ("www.example.org", "example.org"),
            "enabled": True,
            "status": "Deployed",
            "price_class": "PriceClass_All",
            "viewer_protocol_policy": "redirect-to-https",
            "minimum_protocol_version": None,
            "web_acl_id": "arn:aws:wafv2:us-east-1:111122223333:global/webacl/site-acl/a1b2c3",
            "origins": ("example-site.s3.us-west-2.amazonaws.com", "web-alb-1234567890.us-west-2.elb.amazonaws.com"),
            "origin_types": ("s3", "custom"),
            "http_version": "http2and3",
            "comment": "public site",
            "last_modified": datetime(2025, 8, 19, 14, 22, 5, 123000, tzinfo=UTC),
        },
    )


def test_disabled_distribution_without_aliases_or_waf(edge_rows: Transformed) -> None:
    props = node(edge_rows, f"arn:aws:cloudfront::{ACCOUNT}:distribution/E3DISABLEDEXMPL").props
    assert (props["enabled"], props["aliases"], props["web_acl_id"], props["comment"]) == (False, None, None, None)
    assert (props["origins"], props["origin_types"], props["name"]) == (
        ("legacy.example.net",),
        ("custom",),
        "d222222abcdef8.cloudfront.net",
    )


def test_malformed_distribution_is_kept_with_a_built_arn(edge_rows: Transformed) -> None:
    props = node(edge_rows, f"arn:aws:cloudfront::{ACCOUNT}:distribution/E4MALFORMED").props
    assert (props["name"], props["domain_name"], props["origins"]) == ("E4MALFORMED", None, None)


# --- Route53 -------------------------------------------------------------------------------------


def test_public_zone_node(edge_rows: Transformed) -> None:
    assert node(edge_rows, PUBLIC).props == {
        "account": ACCOUNT,
        "region": "global",
        "name": "example.org.",
        "tags": ("env=prod",),
        "zone_id": "Z0PUBLICEXAMPLE",
        "zone_name": "example.org.",
        "private_zone": False,
        "record_count": 7,
        "comment": "public",
        "vpc_ids": None,
    }


def test_private_zone_is_associated_with_each_vpc_that_has_a_region(edge_rows: Transformed) -> None:
    props = node(edge_rows, PRIVATE).props
    assert (props["private_zone"], props["vpc_ids"], props["comment"]) == (
        True,
        ("vpc-0a1b2c3d4e5f60718", "vpc-0fedcba9876543210", "vpc-noregion"),
        None,
    )
    assert edges_of(edge_rows, "ASSOCIATED_WITH") == {
        (PRIVATE, f"arn:aws:ec2:us-west-2:{ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718"),
        (PRIVATE, f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0fedcba9876543210"),
    }


def test_record_ids_are_zone_name_type_and_set_identifier(edge_rows: Transformed) -> None:
    records = sorted(n.id for n in edge_rows.nodes if n.label == "Route53Record")
    assert records == sorted(
        [
            f"{PUBLIC}/example.org./NS/",
            f"{PUBLIC}/example.org./A/",
            f"{PUBLIC}/www.example.org./AAAA/",
            f"{PUBLIC}/api.example.org./A/us-west-2",
            f"{PUBLIC}/api.example.org./A/eu-west-1",
            f"{PUBLIC}/mail.example.org./MX/",
            f"{PUBLIC}/\\052.dev.example.org./CNAME/",
            f"{PRIVATE}/db.corp.internal./CNAME/",
            f"{PRIVATE}/broken.corp.internal.//",
        ]
    )
    assert edges_of(edge_rows, "IN_ZONE") == {(r, r.split("/", 1)[0] + "/" + r.split("/")[1]) for r in records}


def test_value_record_and_latency_alias_record_properties(edge_rows: Transformed) -> None:
    assert node(edge_rows, f"{PUBLIC}/api.example.org./A/eu-west-1").props == {
        "account": ACCOUNT,
        "region": "global",
        "name": "api.example.org.",
        "tags": (),
        "zone_id": "Z0PUBLICEXAMPLE",
        "record_name": "api.example.org.",
        "record_type": "A",
        "ttl": 60,
        "values": ("203.0.113.7",),
        "alias_target_dns": None,
        "alias_target_zone_id": None,
        "set_identifier": "eu-west-1",
    }
    alias = node(edge_rows, f"{PUBLIC}/api.example.org./A/us-west-2").props
    assert (alias["ttl"], alias["values"], alias["alias_target_dns"], alias["alias_target_zone_id"]) == (
        None,
        None,
        "dualstack.web-alb-1234567890.us-west-2.elb.amazonaws.com.",
        "Z1H1FL5HABSF5",
    )


def test_alias_records_route_to_the_distribution_whatever_the_case_and_trailing_dot(edge_rows: Transformed) -> None:
    # the load balancer alias is left to the owner of LoadBalancer
    assert edges_of(edge_rows, "ROUTES_TO") == {
        (f"{PUBLIC}/example.org./A/", DIST),
        (f"{PUBLIC}/www.example.org./AAAA/", DIST),
    }


def test_record_without_type_or_values_is_kept(edge_rows: Transformed) -> None:
    props = node(edge_rows, f"{PRIVATE}/broken.corp.internal.//").props
    assert (props["record_type"], props["values"], props["ttl"]) == ("", None, None)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("D111.cloudfront.net.", "d111.cloudfront.net"),
        ("dualstack.my-lb-1.us-east-1.elb.amazonaws.com.", "my-lb-1.us-east-1.elb.amazonaws.com"),
        (None, ""),
    ],
)
def test_dns_key(name: str | None, key: str) -> None:
    assert dns_key(name) == key


# --- API Gateway ---------------------------------------------------------------------------------


def test_rest_api_with_stages_and_lambda_integrations(api_rows: Transformed) -> None:
    lam = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"
    assert node(api_rows, f"arn:aws:apigateway:{REGION}::/restapis/a1b2c3d4e5").props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "orders",
        "tags": ("team=orders",),
        "api_id": "a1b2c3d4e5",
        "description": "Orders API",
        "endpoint_types": ("EDGE",),
        "stages": ("dev", "prod"),
        "created": datetime(2024, 4, 4, 4, 4, 4, tzinfo=UTC),
        "api_key_source": "HEADER",
        "disable_execute_api_endpoint": False,
        "lambda_arns": (f"{lam}:orders-list", f"{lam}:orders-create:live"),
        "integration_uris": (
            "arn:aws:apigateway:us-west-2:dynamodb:action/PutItem",
            f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{lam}:orders-create:live/invocations",
            f"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/{lam}:orders-list/invocations",
            "https://legacy.example.net/orders",
        ),
    }


def test_rest_api_with_only_an_id(api_rows: Transformed) -> None:
    props = node(api_rows, f"arn:aws:apigateway:{REGION}::/restapis/zzzzzzzzzz").props
    assert (props["name"], props["stages"], props["lambda_arns"], props["endpoint_types"]) == (
        "zzzzzzzzzz",
        None,
        None,
        None,
    )


def test_http_api_with_cors_routes_and_targets(api_rows: Transformed) -> None:
    assert node(api_rows, f"arn:aws:apigateway:{REGION}::/apis/h7g6f5e4d3").props == {
        "account": ACCOUNT,
        "region": REGION,
        "name": "events-http",
        "tags": ("Name=events-http",),
        "api_id": "h7g6f5e4d3",
        "protocol_type": "HTTP",
        "api_endpoint": "https://h7g6f5e4d3.execute-api.us-west-2.amazonaws.com",
        "description": None,
        "has_cors": True,
        "cors_allow_origins": ("https://app.example.org",),
        "routes_count": 3,
        "integration_targets": (
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:events-ingest",
            "https://backend.example.org/{proxy}",
        ),
        "stages": ("$default",),
        "created": datetime(2025, 1, 15, 12, tzinfo=UTC),
        "disable_execute_api_endpoint": False,
    }


def test_websocket_api_without_cors(api_rows: Transformed) -> None:
    props = node(api_rows, f"arn:aws:apigateway:{REGION}::/apis/w1w2w3w4w5").props
    assert (props["protocol_type"], props["has_cors"], props["cors_allow_origins"], props["routes_count"]) == (
        "WEBSOCKET",
        False,
        None,
        0,
    )


@pytest.mark.parametrize(
    ("uri", "arn"),
    [
        (
            "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f/invocations",
            "arn:aws:lambda:eu-west-1:123456789012:function:f",
        ),
        (
            "arn:aws:lambda:eu-west-1:123456789012:function:f:prod",
            "arn:aws:lambda:eu-west-1:123456789012:function:f:prod",
        ),
        ("https://example.org/lambda/function:x", None),
        ("arn:aws:apigateway:eu-west-1:sqs:path/123456789012/q", None),
    ],
)
def test_lambda_arn_from_an_integration_uri(uri: str, arn: str | None) -> None:
    assert lambda_arn(uri) == arn


# --- both ----------------------------------------------------------------------------------------


def test_every_row_is_declared_and_ids_are_unique(edge_rows: Transformed, api_rows: Transformed) -> None:
    for rows, labels in ((edge_rows, GLOBAL_LABELS), (api_rows, API_LABELS)):
        assert {n.label for n in rows.nodes} == set(labels)
        ids = [n.id for n in rows.nodes]
        assert len(ids) == len(set(ids))
        for row in rows.nodes:
            SCHEMA.node(row.label)
        for edge in rows.edges:
            SCHEMA.relationship(edge.type, edge.source_label, edge.target_label)
    assert api_rows.edges == ()
    assert EdgeRow("IN_ZONE", "Route53Record", f"{PUBLIC}/example.org./NS/", "Route53HostedZone", PUBLIC) in (
        edge_rows.edges
    )
