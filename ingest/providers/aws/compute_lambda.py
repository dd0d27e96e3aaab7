"""Lambda functions and event source mappings.

get: every page of list_functions and list_event_source_mappings; per function its tags (list_tags)
and its function URL (get_function_url_config; none is not an error).
transform (pure): LambdaFunction nodes with the NAMES of their environment variables only (values
can hold secrets and are never copied; a value that names a resource is kept as that resource's reference
beside its variable's name, ``config_refs``), VPC placement edges; LambdaEventSourceMapping nodes INVOKES
their function. The execution role, the event source and the KMS key are ARN properties: those
labels belong to other areas.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_map
from ingest.providers.aws.client import AwsClients, error_code
from ingest.providers.aws.compute_common import (
    arn,
    client,
    integer,
    resource,
    sg_arn,
    strings,
    subnet_arn,
    text,
    timestamp,
    values_of,
)
from ingest.providers.aws.compute_elb import lambda_function_id
from ingest.providers.aws.config_refs import references
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_lambda.type_defs import EventSourceMappingConfigurationTypeDef, FunctionConfigurationTypeDef

log = logging.getLogger(__name__)

LABELS = ("LambdaFunction", "LambdaEventSourceMapping")


@dataclass(frozen=True)
class FunctionUrl:
    url: str | None
    auth_type: str | None


@dataclass(frozen=True)
class LambdaPayload:
    """What one account and region returned; tags and URLs are keyed by function ARN."""

    functions: Sequence[FunctionConfigurationTypeDef] = ()
    mappings: Sequence[EventSourceMappingConfigurationTypeDef] = ()
    tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    urls: Mapping[str, FunctionUrl] = field(default_factory=dict)


# --- get -------------------------------------------------------------------------------------------


def _url(lam: LambdaClient, function_name: str) -> FunctionUrl | None:
    try:
        config = lam.get_function_url_config(FunctionName=function_name)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    return FunctionUrl(text(config.get("FunctionUrl")), text(config.get("AuthType")))


def get_lambda(lam: LambdaClient, concurrency: int = 1) -> LambdaPayload:
    functions = [f for page in lam.get_paginator("list_functions").paginate() for f in page["Functions"]]
    mappings = [
        m for page in lam.get_paginator("list_event_source_mappings").paginate() for m in page["EventSourceMappings"]
    ]

    def read(function: FunctionConfigurationTypeDef) -> tuple[Mapping[str, str], FunctionUrl | None]:
        return lam.list_tags(Resource=function["FunctionArn"]).get("Tags", {}), _url(lam, function["FunctionName"])

    read_all = each(concurrency, functions, read)
    tags = {f["FunctionArn"]: found[0] for f, found in zip(functions, read_all, strict=True)}
    urls = {f["FunctionArn"]: found[1] for f, found in zip(functions, read_all, strict=True) if found[1]}
    return LambdaPayload(functions, mappings, tags, urls)


# --- transform (pure) ------------------------------------------------------------------------------


def transform_functions(
    functions: Iterable[FunctionConfigurationTypeDef],
    tags: Mapping[str, Mapping[str, str]],
    urls: Mapping[str, FunctionUrl],
    account: str,
    region: str,
) -> Transformed:
    nodes, edges = [], []
    for function in functions:
        raw_arn = text(function.get("FunctionArn"))
        name = text(function.get("FunctionName"))
        if not raw_arn and not name:
            continue
        node_id = lambda_function_id(raw_arn) if raw_arn else arn("lambda", region, account, f"function:{name}")
        vpc: Mapping[str, Any] = function.get("VpcConfig") or {}
        subnets = strings(vpc.get("SubnetIds")) or ()
        groups = strings(vpc.get("SecurityGroupIds")) or ()
        variables = (function.get("Environment") or {}).get("Variables") or {}
        url = urls.get(raw_arn or "") or urls.get(node_id)
        props = resource(
            account,
            region,
            name or node_id,
            tags_from_map(tags.get(raw_arn or "") or tags.get(node_id)),
            function_name=name,
            runtime=text(function.get("Runtime")),
            handler=text(function.get("Handler")),
            package_type=text(function.get("PackageType")),
            memory_size=integer(function.get("MemorySize")),
            timeout=integer(function.get("Timeout")),
            role_arn=text(function.get("Role")),
            architectures=strings(function.get("Architectures")),
            state=text(function.get("State")),
            last_modified=timestamp(function.get("LastModified")),
            vpc_id=text(vpc.get("VpcId")) if subnets else None,
            subnet_ids=subnets or None,
            security_group_ids=groups or None,
            environment_variable_names=tuple(sorted(k for k in variables if isinstance(k, str))) or None,
            config_references=references(variables.items(), account, region),
            kms_key_arn=text(function.get("KMSKeyArn")),
            layer_arns=values_of(function.get("Layers"), "Arn"),
            function_url=url.url if url else None,
            function_url_auth_type=url.auth_type if url else None,
            description=text(function.get("Description")),
        )
        nodes.append(NodeRow("LambdaFunction", node_id, props))
        edges += [
            EdgeRow("IN_SUBNET", "LambdaFunction", node_id, "Subnet", subnet_arn(region, account, s)) for s in subnets
        ]
        edges += [
            EdgeRow("MEMBER_OF_SECURITY_GROUP", "LambdaFunction", node_id, "SecurityGroup", sg_arn(region, account, g))
            for g in groups
        ]
    return Transformed(tuple(nodes), tuple(edges))


def transform_mappings(
    mappings: Iterable[EventSourceMappingConfigurationTypeDef], account: str, region: str
) -> Transformed:
    nodes, edges = [], []
    for mapping in mappings:
        uuid = text(mapping.get("UUID"))
        if not uuid:
            continue
        node_id = text(mapping.get("EventSourceMappingArn")) or arn(
            "lambda", region, account, f"event-source-mapping:{uuid}"
        )
        function_arn = text(mapping.get("FunctionArn"))
        props = resource(
            account,
            region,
            uuid,
            (),
            uuid=uuid,
            event_source_arn=text(mapping.get("EventSourceArn")),
            function_arn=function_arn,
            state=text(mapping.get("State")),
            batch_size=integer(mapping.get("BatchSize")),
            maximum_batching_window=integer(mapping.get("MaximumBatchingWindowInSeconds")),
            starting_position=text(mapping.get("StartingPosition")),
            last_modified=timestamp(mapping.get("LastModified")),
        )
        nodes.append(NodeRow("LambdaEventSourceMapping", node_id, props))
        if function_arn:
            edges.append(
                EdgeRow(
                    "INVOKES", "LambdaEventSourceMapping", node_id, "LambdaFunction", lambda_function_id(function_arn)
                )
            )
    return Transformed(tuple(nodes), tuple(edges))


def transform_lambda(payload: LambdaPayload, account: str, region: str) -> Transformed:
    return transform_functions(payload.functions, payload.tags, payload.urls, account, region) + transform_mappings(
        payload.mappings, account, region
    )


# --- the unit ---------------------------------------------------------------------------------------


def fetch_lambda(clients: AwsClients, region: str) -> LambdaPayload:
    return get_lambda(client(clients, "lambda", region), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("lambda", LABELS, fetch_lambda, transform_lambda),)
