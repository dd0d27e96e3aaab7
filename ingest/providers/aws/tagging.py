"""Every other AWS resource: what the Resource Groups Tagging API returns and no typed unit covers.

The Tagging API lists tagged (and once-tagged) resources of most services by ARN, so the graph
holds the whole estate even where no typed kind exists yet: each becomes an ``AwsResource`` node
with its ARN's resource type and its tags. ARNs of types a typed unit owns are skipped (the typed
unit writes them, with edges). Untagged resources and EKS, IAM and Route53 are not in the API.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from graph.rows import NodeRow, PropValue, Transformed
from graph.tags import tag_value, tags_from_pairs
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_resourcegroupstaggingapi import ResourceGroupsTaggingAPIClient
    from mypy_boto3_resourcegroupstaggingapi.type_defs import ResourceTagMappingTypeDef

log = logging.getLogger(__name__)

# "service:resource-type" of every ARN a typed unit writes; "service:" where the ARN has no type part.
TYPED_ARN_TYPES = frozenset(
    {
        # ec2 (instances, networking, storage)
        *(
            f"ec2:{t}"
            for t in (
                "instance",
                "vpc",
                "subnet",
                "security-group",
                "security-group-rule",
                "volume",
                "snapshot",
                "image",
                "route-table",
                "internet-gateway",
                "natgateway",
                "vpc-peering-connection",
                "transit-gateway",
                "transit-gateway-attachment",
                "network-acl",
                "network-interface",
                "elastic-ip",
                "launch-template",
            )
        ),
        "elasticloadbalancing:loadbalancer",
        "elasticloadbalancing:listener",
        "elasticloadbalancing:targetgroup",
        "autoscaling:autoScalingGroup",
        "lambda:function",
        "lambda:event-source-mapping",
        "ecs:cluster",
        "ecs:service",
        "ecs:task-definition",
        "ecs:task",
        "eks:cluster",
        "eks:nodegroup",
        "ecr:repository",
        "rds:db",
        "rds:cluster",
        "rds:subgrp",
        "acm:certificate",
        "dynamodb:table",
        "s3:",
        "sqs:",
        "sns:",
        "kms:key",
        "secretsmanager:secret",
        "cloudfront:distribution",
        "route53:hostedzone",
        "apigateway:restapis",
        "apigateway:apis",
    }
)


def arn_type(arn: str) -> tuple[str, str, str, str, str]:
    """(service, region, account, "service:type", name) of an ARN; type is "" when the ARN has none."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return "", "", "", "", ""
    service, region, account, resource = parts[2], parts[3], parts[4], parts[5]
    segments = [s for s in resource.replace(":", "/").split("/") if s]
    kind = segments[0] if len(segments) > 1 else ""
    name = resource.lstrip("/")[len(kind) + 1 :] if kind else resource
    return service, region, account, f"{service}:{kind}", name or arn


def get_tagged(client: ResourceGroupsTaggingAPIClient) -> list[ResourceTagMappingTypeDef]:
    return [m for page in client.get_paginator("get_resources").paginate() for m in page["ResourceTagMappingList"]]


def transform_tagged(mappings: Sequence[ResourceTagMappingTypeDef], account: str, region: str) -> Transformed:
    nodes = []
    for mapping in mappings:
        arn = mapping.get("ResourceARN", "").strip()
        service, arn_region, arn_account, resource_type, arn_name = arn_type(arn)
        if not service or resource_type in TYPED_ARN_TYPES:
            continue
        tags = tags_from_pairs(mapping.get("Tags", []))
        name = tag_value(tags, "Name")
        props: dict[str, PropValue] = {
            "account": arn_account or account,
            "region": arn_region or region,
            "name": name or arn_name,
            "tags": tags,
            "resource_type": resource_type,
            "arn_service": service,
        }
        if props["region"] != region:  # global ARNs (no region) are listed by every region: keep one
            continue
        nodes.append(NodeRow("AwsResource", arn, props))
    return Transformed(tuple(nodes), ())


def fetch_tagged(clients: AwsClients, region: str) -> list[ResourceTagMappingTypeDef]:
    client: ResourceGroupsTaggingAPIClient = clients.client("resourcegroupstaggingapi", region)
    return get_tagged(client)


UNITS = (AwsUnit("tagging", ("AwsResource",), fetch_tagged, transform_tagged),)
