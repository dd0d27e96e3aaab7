"""SQS queues of one region, with their encryption key and dead-letter queue.

get: list_queues, then per queue get_queue_attributes (All) and list_queue_tags; KMS aliases the
queues name (alias/aws/sqs is common) are resolved to key ARNs with kms:DescribeKey.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_map
from ingest.providers.aws.client import AwsClients, partition_for
from ingest.providers.aws.data_common import (
    as_bool,
    as_int,
    client,
    epoch,
    kms_key_ref,
    name_tag,
    optional,
    policy_allows_public,
    resolve_key_aliases,
    resource,
)
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

log = logging.getLogger(__name__)

LABELS = ("SQSQueue",)
_GONE = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


@dataclass(frozen=True)
class SqsQueue:
    url: str
    attributes: Mapping[str, str]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class SqsPayload:
    queues: Sequence[SqsQueue]
    key_aliases: Mapping[str, str] = field(default_factory=dict)


def get_sqs(clients: AwsClients, region: str) -> SqsPayload:
    sqs = client(clients, "sqs", region)
    urls = [u for page in sqs.get_paginator("list_queues").paginate() for u in page.get("QueueUrls", [])]

    def read(url: str) -> SqsQueue | None:
        attrs = optional(
            sqs.get_queue_attributes, _GONE, None, f"sqs attributes {url}", QueueUrl=url, AttributeNames=["All"]
        )
        if attrs is None:
            log.info("SQS queue %s vanished or refused between list and read: skipped", url)
            return None
        tags = optional(sqs.list_queue_tags, _GONE, None, f"sqs tags {url}", QueueUrl=url)
        return SqsQueue(url, attrs.get("Attributes", {}), (tags or {}).get("Tags", {}))

    queues = [q for q in each(clients.settings.fetch_concurrency, urls, read) if q is not None]
    aliases = resolve_key_aliases(clients, region, (q.attributes.get("KmsMasterKeyId") for q in queues))
    return SqsPayload(queues, aliases)


def queue_arn(url: str, account: str, region: str) -> str:
    """The ARN of a queue from its URL (https://sqs.<region>.amazonaws.com/<account>/<name>)."""
    parts = url.rstrip("/").split("/")
    owner = parts[-2] if len(parts) >= 2 and parts[-2].isdigit() else account
    return f"arn:{partition_for(region)}:sqs:{region}:{owner}:{parts[-1]}"


def _redrive(attrs: Mapping[str, str]) -> tuple[str | None, int | None]:
    try:
        policy = json.loads(attrs.get("RedrivePolicy") or "{}")
    except ValueError:
        return None, None
    if not isinstance(policy, dict):
        return None, None
    target = policy.get("deadLetterTargetArn")
    return (str(target) if target else None), as_int(policy.get("maxReceiveCount"))


def transform_sqs(payload: SqsPayload, account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for queue in payload.queues:
        attrs = queue.attributes
        node_id = attrs.get("QueueArn") or queue_arn(queue.url, account, region)
        queue_name = node_id.rsplit(":", 1)[-1]
        tags = tags_from_map(queue.tags)
        dlq, max_receive = _redrive(attrs)
        policy = attrs.get("Policy") or None
        props = resource(
            account,
            region,
            name_tag(tags, queue_name),
            tags,
            queue_name=queue_name,
            queue_url=queue.url,
            fifo=as_bool(attrs.get("FifoQueue")) or queue_name.endswith(".fifo"),
            visibility_timeout=as_int(attrs.get("VisibilityTimeout")),
            message_retention_period=as_int(attrs.get("MessageRetentionPeriod")),
            delay_seconds=as_int(attrs.get("DelaySeconds")),
            max_message_size=as_int(attrs.get("MaximumMessageSize")),
            kms_key_id=attrs.get("KmsMasterKeyId") or None,
            sqs_managed_sse=as_bool(attrs.get("SqsManagedSseEnabled")),
            dead_letter_target_arn=dlq,
            max_receive_count=max_receive,
            policy=policy,
            policy_allows_public=bool(policy_allows_public(policy)),
            created_at=epoch(attrs.get("CreatedTimestamp")),
        )
        nodes.append(NodeRow("SQSQueue", node_id, props))
        key = kms_key_ref(attrs.get("KmsMasterKeyId"), account, region, payload.key_aliases)
        if key:
            edges.append(EdgeRow("ENCRYPTED_BY", "SQSQueue", node_id, "KMSKey", key))
        if dlq:
            edges.append(
                EdgeRow("SENDS_FAILURES_TO", "SQSQueue", node_id, "SQSQueue", dlq, {"max_receive_count": max_receive})
            )
    return Transformed(tuple(nodes), tuple(edges))


def fetch_sqs(clients: AwsClients, region: str) -> SqsPayload:
    return get_sqs(clients, region)


UNITS = (AwsUnit("sqs", LABELS, fetch_sqs, transform_sqs),)
