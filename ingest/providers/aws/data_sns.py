"""SNS topics and subscriptions of one region.

get: list_topics, get_topic_attributes and list_tags_for_resource per topic, list_subscriptions.
A subscription delivering to a queue of this account gets a DELIVERS_TO edge; a lambda endpoint is
kept as the lambda_function_arn property (LambdaFunction belongs to the compute area).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.data_common import (
    as_int,
    client,
    kms_key_ref,
    name_tag,
    optional,
    policy_allows_public,
    resolve_key_aliases,
    resource,
)
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_sns.type_defs import SubscriptionTypeDef, TagTypeDef

log = logging.getLogger(__name__)

LABELS = ("SNSTopic", "SNSSubscription")
_GONE = frozenset({"NotFound", "NotFoundException"})


@dataclass(frozen=True)
class SnsTopic:
    arn: str
    attributes: Mapping[str, str]
    tags: Sequence[TagTypeDef]


@dataclass(frozen=True)
class SnsPayload:
    topics: Sequence[SnsTopic]
    subscriptions: Sequence[SubscriptionTypeDef]
    key_aliases: Mapping[str, str] = field(default_factory=dict)


def get_sns(clients: AwsClients, region: str) -> SnsPayload:
    sns = client(clients, "sns", region)
    arns = [t["TopicArn"] for page in sns.get_paginator("list_topics").paginate() for t in page.get("Topics", [])]

    def read(arn: str) -> SnsTopic | None:
        attrs = optional(sns.get_topic_attributes, _GONE, None, f"sns topic {arn}", TopicArn=arn)
        if attrs is None:
            log.info("SNS topic %s vanished or refused between list and read: skipped", arn)
            return None
        tags = optional(sns.list_tags_for_resource, _GONE, None, f"sns tags {arn}", ResourceArn=arn)
        return SnsTopic(arn, attrs.get("Attributes", {}), (tags or {}).get("Tags", []))

    topics = [t for t in each(clients.settings.fetch_concurrency, arns, read) if t is not None]
    subs = [s for page in sns.get_paginator("list_subscriptions").paginate() for s in page.get("Subscriptions", [])]
    aliases = resolve_key_aliases(clients, region, (t.attributes.get("KmsMasterKeyId") for t in topics))
    return SnsPayload(topics, subs, aliases)


def subscription_id(sub: SubscriptionTypeDef) -> str:
    """The subscription ARN; a subscription pending confirmation has none (its ARN field reads
    'PendingConfirmation'), so it is keyed by topic, protocol and endpoint."""
    arn = sub.get("SubscriptionArn", "")
    if arn.startswith("arn:"):
        return arn
    return f"{sub.get('TopicArn', '')}/pending/{sub.get('Protocol', '')}/{sub.get('Endpoint', '')}"


def transform_sns(payload: SnsPayload, account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for topic in payload.topics:
        attrs = topic.attributes
        topic_name = topic.arn.rsplit(":", 1)[-1]
        tags = tags_from_pairs(topic.tags)
        policy = attrs.get("Policy") or None
        props = resource(
            account,
            region,
            name_tag(tags, topic_name),
            tags,
            topic_name=topic_name,
            display_name=attrs.get("DisplayName") or None,
            fifo=attrs.get("FifoTopic", "").lower() == "true" or topic_name.endswith(".fifo"),
            kms_key_id=attrs.get("KmsMasterKeyId") or None,
            policy=policy,
            policy_allows_public=bool(policy_allows_public(policy)),
            subscriptions_confirmed=as_int(attrs.get("SubscriptionsConfirmed")),
            subscriptions_pending=as_int(attrs.get("SubscriptionsPending")),
        )
        nodes.append(NodeRow("SNSTopic", topic.arn, props))
        key = kms_key_ref(attrs.get("KmsMasterKeyId"), account, region, payload.key_aliases)
        if key:
            edges.append(EdgeRow("ENCRYPTED_BY", "SNSTopic", topic.arn, "KMSKey", key))
    for sub in payload.subscriptions:
        node_id = subscription_id(sub)
        protocol = sub.get("Protocol")
        endpoint = sub.get("Endpoint")
        topic_arn = sub.get("TopicArn")
        pending = not sub.get("SubscriptionArn", "").startswith("arn:")
        props = resource(
            account,
            region,
            f"{(topic_arn or '').rsplit(':', 1)[-1]} -> {endpoint or protocol or node_id}",
            (),
            subscription_arn=None if pending else node_id,
            topic_arn=topic_arn,
            protocol=protocol,
            endpoint=endpoint,
            pending_confirmation=pending,
            lambda_function_arn=endpoint if protocol == "lambda" else None,
        )
        nodes.append(NodeRow("SNSSubscription", node_id, props))
        if topic_arn:
            edges.append(EdgeRow("SUBSCRIBES_TO", "SNSSubscription", node_id, "SNSTopic", topic_arn))
        if protocol == "sqs" and endpoint and endpoint.split(":")[4:5] == [account]:
            edges.append(EdgeRow("DELIVERS_TO", "SNSSubscription", node_id, "SQSQueue", endpoint))
    return Transformed(tuple(nodes), tuple(edges))


def fetch_sns(clients: AwsClients, region: str) -> SnsPayload:
    return get_sns(clients, region)


UNITS = (AwsUnit("sns", LABELS, fetch_sns, transform_sns),)
