"""CloudFront, Route53 and API Gateway payloads to rows (pure).

CloudFront and Route53 are global (one payload per account, region ``global``), so a record aliasing a
distribution is matched to it inside the same payload by DNS name. API Gateway is regional.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.tags import tags_from_map
from ingest.providers.aws.client import partition_for

if TYPE_CHECKING:
    from mypy_boto3_apigateway.type_defs import RestApiTypeDef
    from mypy_boto3_apigatewayv2.type_defs import ApiTypeDef
    from mypy_boto3_cloudfront.type_defs import DistributionSummaryTypeDef, OriginOutputTypeDef
    from mypy_boto3_route53.type_defs import HostedZoneTypeDef, ResourceRecordSetOutputTypeDef, VPCTypeDef

GLOBAL_LABELS = ("CloudFrontDistribution", "Route53HostedZone", "Route53Record")
API_LABELS = ("APIGatewayRestApi", "APIGatewayHttpApi")

_LAMBDA_IN_URI = re.compile(r"(arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[^/]+?)(?:/invocations)?$")


@dataclass(frozen=True)
class ZoneRecord:
    """A hosted zone with its record sets, associated VPCs (private zones) and tags."""

    zone: HostedZoneTypeDef
    records: Sequence[ResourceRecordSetOutputTypeDef] = ()
    vpcs: Sequence[VPCTypeDef] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DistributionRecord:
    distribution: DistributionSummaryTypeDef
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GlobalEdgePayload:
    distributions: Sequence[DistributionRecord] = ()
    zones: Sequence[ZoneRecord] = ()


@dataclass(frozen=True)
class RestApiRecord:
    api: RestApiTypeDef
    stages: Sequence[str] = ()
    integration_uris: Sequence[str] = ()


@dataclass(frozen=True)
class HttpApiRecord:
    api: ApiTypeDef
    stages: Sequence[str] = ()
    routes_count: int = 0
    integration_uris: Sequence[str] = ()


@dataclass(frozen=True)
class ApiGatewayPayload:
    rest_apis: Sequence[RestApiRecord] = ()
    http_apis: Sequence[HttpApiRecord] = ()


def tags_of(tags: Mapping[str, str] | None) -> tuple[str, ...]:
    return tags_from_map(tags)


def _name(tags: Mapping[str, str] | None, fallback: str) -> str:
    return (tags or {}).get("Name") or fallback


def _base(account: str, region: str, name: str, tags: tuple[str, ...], **props: PropValue) -> dict[str, PropValue]:
    return {"account": account, "region": region, "name": name, "tags": tags, **props}


def dns_key(name: str | None) -> str:
    """A DNS name compared case-insensitively and without its trailing dot; alias names of dual-stack
    targets start with 'dualstack.', which is dropped."""
    key = (name or "").strip().rstrip(".").lower()
    return key.removeprefix("dualstack.")


def zone_arn(zone_id: str, region: str) -> str:
    return f"arn:{partition_for(region)}:route53:::hostedzone/{zone_id.rsplit('/', 1)[-1]}"


def record_id(zone: str, name: str, type_: str, set_identifier: str | None) -> str:
    return f"{zone}/{name}/{type_}/{set_identifier or ''}"


def distribution_arn(distribution_id: str, account: str, region: str) -> str:
    return f"arn:{partition_for(region)}:cloudfront::{account}:distribution/{distribution_id}"


def origin_type(origin: OriginOutputTypeDef) -> str:
    if "S3OriginConfig" in origin or ".s3." in origin.get("DomainName", "") + ".":
        return "s3"
    return "custom"


def transform_distributions(records: Iterable[DistributionRecord], account: str, region: str) -> Transformed:
    nodes = []
    for record in records:
        dist = record.distribution
        dist_id = dist.get("Id", "")
        node_id = dist.get("ARN") or distribution_arn(dist_id, account, region)
        origins = dist.get("Origins", {}).get("Items", []) or []
        props = _base(
            account,
            region,
            _name(record.tags, dist.get("DomainName") or dist_id),
            tags_of(record.tags),
            distribution_id=dist_id,
            domain_name=dist.get("DomainName"),
            aliases=tuple(dist.get("Aliases", {}).get("Items", []) or ()) or None,
            enabled=dist.get("Enabled"),
            status=dist.get("Status"),
            price_class=dist.get("PriceClass"),
            viewer_protocol_policy=dist.get("DefaultCacheBehavior", {}).get("ViewerProtocolPolicy"),
            minimum_protocol_version=dist.get("ViewerCertificate", {}).get("MinimumProtocolVersion"),
            web_acl_id=dist.get("WebACLId") or None,
            origins=tuple(o.get("DomainName", "") for o in origins) or None,
            origin_types=tuple(origin_type(o) for o in origins) or None,
            http_version=dist.get("HttpVersion"),
            comment=dist.get("Comment") or None,
            last_modified=dist.get("LastModifiedTime"),
        )
        nodes.append(NodeRow("CloudFrontDistribution", node_id, props))
    return Transformed(tuple(nodes), ())


def transform_zones(
    zones: Iterable[ZoneRecord], account: str, region: str, distributions_by_dns: Mapping[str, str]
) -> Transformed:
    """Zones and records. ``distributions_by_dns`` maps a distribution's dns_key to its node id."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for record in zones:
        zone = record.zone
        zone_id = zone.get("Id", "").rsplit("/", 1)[-1]
        node_id = zone_arn(zone_id, region)
        config = zone.get("Config", {})
        vpc_ids = tuple(v["VPCId"] for v in record.vpcs if v.get("VPCId"))
        nodes.append(
            NodeRow(
                "Route53HostedZone",
                node_id,
                _base(
                    account,
                    region,
                    _name(record.tags, zone.get("Name") or zone_id),
                    tags_of(record.tags),
                    zone_id=zone_id,
                    zone_name=zone.get("Name"),
                    private_zone=bool(config.get("PrivateZone", False)),
                    record_count=zone.get("ResourceRecordSetCount"),
                    comment=config.get("Comment") or None,
                    vpc_ids=vpc_ids or None,
                ),
            )
        )
        for vpc in record.vpcs:
            vpc_region = vpc.get("VPCRegion") or ""
            if vpc.get("VPCId") and vpc_region:
                vpc_arn = f"arn:{partition_for(vpc_region)}:ec2:{vpc_region}:{account}:vpc/{vpc['VPCId']}"
                edges.append(EdgeRow("ASSOCIATED_WITH", "Route53HostedZone", node_id, "VPC", vpc_arn))
        for rrset in record.records:
            name, type_ = rrset.get("Name", ""), rrset.get("Type", "")
            set_identifier = rrset.get("SetIdentifier")
            alias = rrset.get("AliasTarget")
            rec_id = record_id(node_id, name, type_, set_identifier)
            values = tuple(r.get("Value", "") for r in rrset.get("ResourceRecords", []) or [])
            nodes.append(
                NodeRow(
                    "Route53Record",
                    rec_id,
                    _base(
                        account,
                        region,
                        name,
                        (),
                        zone_id=zone_id,
                        record_name=name,
                        record_type=type_,
                        ttl=rrset.get("TTL"),
                        values=values or None,
                        alias_target_dns=alias.get("DNSName") if alias else None,
                        alias_target_zone_id=alias.get("HostedZoneId") if alias else None,
                        set_identifier=set_identifier,
                    ),
                )
            )
            edges.append(EdgeRow("IN_ZONE", "Route53Record", rec_id, "Route53HostedZone", node_id))
            target = distributions_by_dns.get(dns_key(alias.get("DNSName"))) if alias else None
            if target:
                edges.append(EdgeRow("ROUTES_TO", "Route53Record", rec_id, "CloudFrontDistribution", target))
    return Transformed(tuple(nodes), tuple(edges))


def transform_global_edge(payload: GlobalEdgePayload, account: str, region: str) -> Transformed:
    distributions = transform_distributions(payload.distributions, account, region)
    by_dns = {dns_key(str(n.props.get("domain_name") or "")): n.id for n in distributions.nodes}
    by_dns.pop("", None)
    return distributions + transform_zones(payload.zones, account, region, by_dns)


def lambda_arn(uri: str) -> str | None:
    """The Lambda function an integration URI invokes: a function ARN, or an apigateway
    ``.../functions/<function arn>/invocations`` URI."""
    match = _LAMBDA_IN_URI.search(uri)
    return match.group(1) if match else None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def transform_api_gateway(payload: ApiGatewayPayload, account: str, region: str) -> Transformed:
    nodes = []
    partition = partition_for(region)
    for rest in payload.rest_apis:
        api = rest.api
        api_id = api.get("id", "")
        tags = api.get("tags")
        lambdas = _unique(arn for arn in map(lambda_arn, rest.integration_uris) if arn)
        nodes.append(
            NodeRow(
                "APIGatewayRestApi",
                f"arn:{partition}:apigateway:{region}::/restapis/{api_id}",
                _base(
                    account,
                    region,
                    _name(tags, api.get("name") or api_id),
                    tags_of(tags),
                    api_id=api_id,
                    description=api.get("description") or None,
                    endpoint_types=tuple(api.get("endpointConfiguration", {}).get("types", []) or ()) or None,
                    stages=tuple(sorted(rest.stages)) or None,
                    created=api.get("createdDate"),
                    api_key_source=api.get("apiKeySource"),
                    disable_execute_api_endpoint=api.get("disableExecuteApiEndpoint"),
                    lambda_arns=lambdas or None,
                    integration_uris=_unique(sorted(rest.integration_uris)) or None,
                ),
            )
        )
    for http in payload.http_apis:
        v2 = http.api
        api_id = v2.get("ApiId", "")
        v2_tags = v2.get("Tags")
        cors = v2.get("CorsConfiguration")
        nodes.append(
            NodeRow(
                "APIGatewayHttpApi",
                f"arn:{partition}:apigateway:{region}::/apis/{api_id}",
                _base(
                    account,
                    region,
                    _name(v2_tags, v2.get("Name") or api_id),
                    tags_of(v2_tags),
                    api_id=api_id,
                    protocol_type=v2.get("ProtocolType"),
                    api_endpoint=v2.get("ApiEndpoint"),
                    description=v2.get("Description") or None,
                    has_cors=cors is not None,
                    cors_allow_origins=tuple(cors.get("AllowOrigins", []) or ()) or None if cors else None,
                    routes_count=http.routes_count,
                    integration_targets=_unique(sorted(http.integration_uris)) or None,
                    stages=tuple(sorted(http.stages)) or None,
                    created=v2.get("CreatedDate"),
                    disable_execute_api_endpoint=v2.get("DisableExecuteApiEndpoint"),
                ),
            )
        )
    return Transformed(tuple(nodes), ())
