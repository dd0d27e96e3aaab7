"""AWS edge services: CloudFront and Route53 (global: one unit per account, region ``global``),
API Gateway REST and HTTP APIs and ACM certificates (regional; ACM in ``edge_acm``).

get (every page) -> transform (pure, in ``edge_transform``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ingest.providers.aws import edge_acm
from ingest.providers.aws.client import AwsClients, error_code
from ingest.providers.aws.edge_transform import (
    API_LABELS,
    GLOBAL_LABELS,
    ApiGatewayPayload,
    DistributionRecord,
    GlobalEdgePayload,
    HttpApiRecord,
    RestApiRecord,
    ZoneRecord,
    transform_api_gateway,
    transform_global_edge,
)
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_route53 import Route53Client
    from mypy_boto3_route53.type_defs import HostedZoneTypeDef

log = logging.getLogger(__name__)

_NOT_FOUND = frozenset({"NotFoundException", "NoSuchHostedZone", "NoSuchResource", "NoSuchDistribution"})


def get_distributions(client: CloudFrontClient) -> list[DistributionRecord]:
    records = []
    for page in client.get_paginator("list_distributions").paginate():
        for dist in page.get("DistributionList", {}).get("Items", []) or []:
            tags: dict[str, str] = {}
            if dist.get("ARN"):
                items = client.list_tags_for_resource(Resource=dist["ARN"])["Tags"].get("Items", []) or []
                tags = {t["Key"]: t.get("Value", "") for t in items}
            records.append(DistributionRecord(dist, tags))
    return records


def get_zones(client: Route53Client, concurrency: int = 1) -> list[ZoneRecord]:
    """Every hosted zone with its record sets; the VPCs of private zones. A zone deleted while being
    read is left out. The zones are read ``concurrency`` at once."""
    zones = [zone for page in client.get_paginator("list_hosted_zones").paginate() for zone in page["HostedZones"]]
    return [r for r in each(concurrency, zones, lambda zone: _zone(client, zone)) if r is not None]


def _zone(client: Route53Client, zone: HostedZoneTypeDef) -> ZoneRecord | None:
    zone_id = zone["Id"].rsplit("/", 1)[-1]
    try:
        rrsets = [
            r
            for p in client.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id)
            for r in p["ResourceRecordSets"]
        ]
        vpcs = client.get_hosted_zone(Id=zone_id).get("VPCs", []) if zone.get("Config", {}).get("PrivateZone") else []
        tag_set = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
    except ClientError as exc:
        if error_code(exc) not in _NOT_FOUND:
            raise
        log.info("hosted zone %s disappeared while being read; skipped", zone_id)
        return None
    tags = {t["Key"]: t.get("Value", "") for t in tag_set.get("ResourceTagSet", {}).get("Tags", []) or []}
    return ZoneRecord(zone, rrsets, vpcs, tags)


def fetch_global_edge(clients: AwsClients, region: str) -> GlobalEdgePayload:
    home = clients.settings.default_region
    cloudfront: CloudFrontClient = clients._client("cloudfront", home)
    route53: Route53Client = clients._client("route53", home)
    return GlobalEdgePayload(get_distributions(cloudfront), get_zones(route53, clients.settings.fetch_concurrency))


def _rest_integrations(client: APIGatewayClient, api_id: str) -> list[str]:
    uris = []
    for page in client.get_paginator("get_resources").paginate(restApiId=api_id):
        for resource in page["items"]:
            for method in resource.get("resourceMethods", {}) or {}:
                try:
                    integration = client.get_integration(restApiId=api_id, resourceId=resource["id"], httpMethod=method)
                except ClientError as exc:
                    if error_code(exc) not in _NOT_FOUND:
                        raise
                    continue  # a method without integration
                if integration.get("uri"):
                    uris.append(integration["uri"])
    return uris


def get_api_gateway(client: APIGatewayClient, v2: ApiGatewayV2Client) -> ApiGatewayPayload:
    rest = []
    for page in client.get_paginator("get_rest_apis").paginate():
        for api in page["items"]:
            listed = client.get_stages(restApiId=api["id"]).get("item", [])
            stages = [s["stageName"] for s in listed if "stageName" in s]
            rest.append(RestApiRecord(api, stages, _rest_integrations(client, api["id"])))
    http = []
    for v2_page in v2.get_paginator("get_apis").paginate():
        for v2_api in v2_page["Items"]:
            api_id = v2_api["ApiId"]
            routes = sum(len(p["Items"]) for p in v2.get_paginator("get_routes").paginate(ApiId=api_id))
            uris = [
                i["IntegrationUri"]
                for p in v2.get_paginator("get_integrations").paginate(ApiId=api_id)
                for i in p["Items"]
                if i.get("IntegrationUri")
            ]
            stages = [s["StageName"] for p in v2.get_paginator("get_stages").paginate(ApiId=api_id) for s in p["Items"]]
            http.append(HttpApiRecord(v2_api, stages, routes, uris))
    return ApiGatewayPayload(rest, http)


def fetch_api_gateway(clients: AwsClients, region: str) -> ApiGatewayPayload:
    client: APIGatewayClient = clients._client("apigateway", region)
    v2: ApiGatewayV2Client = clients._client("apigatewayv2", region)
    return get_api_gateway(client, v2)


UNITS = (
    AwsUnit("cloudfront_route53", GLOBAL_LABELS, fetch_global_edge, transform_global_edge, global_service=True),
    AwsUnit("apigateway", API_LABELS, fetch_api_gateway, transform_api_gateway),
    *edge_acm.UNITS,
)
