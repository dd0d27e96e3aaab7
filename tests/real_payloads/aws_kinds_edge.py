"""How the CloudFront, Route 53, API Gateway, ACM, tagged resources, the account and EventBridge kinds
are read from their published payloads (see aws_reading.Reading)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graph.rows import Transformed
from ingest.providers.aws.account import AccountPayload, transform_account
from ingest.providers.aws.edge_acm import AcmPayload, transform_acm
from ingest.providers.aws.edge_transform import (
    ApiGatewayPayload,
    DistributionRecord,
    HttpApiRecord,
    RestApiRecord,
    ZoneRecord,
    record_id,
    transform_api_gateway,
    transform_distributions,
    transform_zones,
    zone_arn,
)
from ingest.providers.aws.events import EventsPayload, Rule, transform_events
from ingest.providers.aws.tagging import transform_tagged
from tests.real_payloads.aws_reading import A, F, Items, R, Reading, one

__all__ = ["KINDS"]


def _rules(items: Items) -> Transformed:
    """ListRules and ListTargetsByRule: the published examples ran on the default bus of A in R."""
    rules = [
        Rule(
            cast(Any, {**r, "Arn": f"arn:aws:events:{R}:{A}:rule/{r['Name']}", "EventBusName": "default"}),
            r.get("Targets", []),
        )
        for r in items
    ]
    return transform_events(EventsPayload(rules=rules), A, R)


def _record_id(item: Mapping[str, Any]) -> str:
    zone = zone_arn(str(item["HostedZoneId"]).rsplit("/", 1)[-1], R)
    return record_id(zone, item.get("Name", ""), item.get("Type", ""), item.get("SetIdentifier"))


def _records(items: Items) -> Transformed:
    zone = {"Id": items[0]["HostedZoneId"]} if items else {}
    records = [{k: v for k, v in i.items() if k != "HostedZoneId"} for i in items]
    return transform_zones([ZoneRecord(cast(Any, zone), cast(Any, records))], A, R, {})


def _distribution_items(items: Items) -> Transformed:
    return transform_distributions([DistributionRecord(d) for d in items], A, R)


KINDS: Mapping[str, tuple[Reading, ...]] = {
    "CloudFrontDistribution": one(
        Reading(
            "DistributionList.Items",
            "Id",
            _distribution_items,
            (
                F("Origins.Items[].DomainName", "origins"),
                F("DefaultCacheBehavior.ViewerProtocolPolicy", "viewer_protocol_policy"),
                F("WebACLId", "web_acl_id"),
                F("Aliases.Items[]", "aliases"),
                F("Enabled", "enabled"),
                F("ViewerCertificate.MinimumProtocolVersion", "minimum_protocol_version"),
                F("ViewerCertificate.ACMCertificateArn", "certificate_arn"),
            ),
        )
    ),
    "Route53HostedZone": one(
        Reading(
            "HostedZone",
            "Name",
            lambda i: transform_zones([ZoneRecord(z) for z in i], A, R, {}),
            (F("Config.PrivateZone", "private_zone"), F("Name", "zone_name")),
        )
    ),
    "Route53Record": one(
        Reading(
            "ResourceRecordSets",
            _record_id,
            _records,
            (
                F("Type", "record_type"),
                F("TTL", "ttl"),
                F("ResourceRecords[].Value", "values"),
                F("AliasTarget.DNSName", "alias_target_dns"),
                F("AliasTarget.HostedZoneId", "alias_target_zone_id"),
                F("SetIdentifier", "set_identifier"),
                F("HostedZoneId", edge="IN_ZONE"),
            ),
        )
    ),
    "APIGatewayRestApi": one(
        Reading(
            "items",
            "id",
            lambda i: transform_api_gateway(ApiGatewayPayload(rest_apis=[RestApiRecord(a) for a in i]), A, R),
            (F("endpointConfiguration.types[]", "endpoint_types"), F("apiKeySource", "api_key_source")),
            operations=("GetRestApis",),
        ),
        Reading(
            "",
            "restApiId",
            lambda i: transform_api_gateway(
                ApiGatewayPayload(
                    rest_apis=[RestApiRecord({"id": x["restApiId"]}, integration_uris=[x["uri"]]) for x in i]
                ),
                A,
                R,
            ),
            (F("uri", "integration_uris"),),
            operations=("GetIntegration",),
        ),
    ),
    "APIGatewayHttpApi": one(
        Reading(
            "Items",
            "ApiId",
            lambda i: transform_api_gateway(ApiGatewayPayload(http_apis=[HttpApiRecord(a) for a in i]), A, R),
            (
                F("ProtocolType", "protocol_type"),
                F("ApiEndpoint", "api_endpoint"),
                F("CorsConfiguration.AllowOrigins[]", "cors_allow_origins"),
                F("DisableExecuteApiEndpoint", "disable_execute_api_endpoint"),
            ),
            operations=("GetApis",),
        ),
        Reading(
            "",
            "ApiId",
            lambda i: transform_api_gateway(
                ApiGatewayPayload(
                    http_apis=[
                        HttpApiRecord(
                            cast(Any, {"ApiId": x["ApiId"]}),
                            integration_uris=[it["IntegrationUri"] for it in x["Items"]],
                        )
                        for x in i
                    ]
                ),
                A,
                R,
            ),
            (F("Items[].IntegrationUri", "integration_targets"),),
            operations=("GetIntegrations",),
        ),
    ),
    "ACMCertificate": one(
        Reading(
            "Certificate",
            "CertificateArn",
            lambda i: transform_acm(AcmPayload(certificates=i), A, R),
            (
                F("DomainName", "domain_name"),
                F("SubjectAlternativeNames[]", "subject_alternative_names"),
                F("Status", "status"),
                F("NotAfter", "not_after"),
                F("InUseBy[]", "in_use_by"),
                F("KeyAlgorithm", "key_algorithm"),
                F("Type", "certificate_type"),
            ),
        )
    ),
    "AwsResource": one(
        Reading(
            "ResourceTagMappingList",
            "ResourceARN",
            lambda i: transform_tagged(i, A, "us-west-2"),
            (F("Tags[].Key", "tags"),),
        )
    ),
    "AWSAccount": one(
        Reading(
            "",
            lambda _: A,
            lambda i: transform_account(AccountPayload(aliases=[a for x in i for a in x["AccountAliases"]]), A, R),
            (F("AccountAliases[]", "alias"),),
            operations=("ListAccountAliases",),
        ),
        Reading(
            "Account",
            "Id",
            lambda i: transform_account(AccountPayload(organization_account=i[0]), str(i[0]["Id"]), R),
            (F("Name", "organization_name"), F("Status", "status")),
            operations=("DescribeAccount",),
        ),
    ),
    "EventBridgeBus": one(
        Reading(
            "EventBuses",
            "Name",
            lambda i: transform_events(EventsPayload(buses=i), A, R),
            (F("Policy", "policy"),),
        )
    ),
    "EventBridgeRule": one(
        Reading(
            "Rules",
            "Name",
            _rules,
            (
                F("EventPattern", "event_pattern"),
                F("ScheduleExpression", "schedule_expression"),
                F("RoleArn", "role_arn"),
                F("Targets[].Arn", "target_arns"),
            ),
        )
    ),
}
