"""DynamoDB tables of one region, with their streams, encryption and point-in-time recovery.

get: list_tables, then per table describe_table, describe_continuous_backups and list_tags_of_resource
(a table deleted between the list and the describe is dropped).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients, partition_for
from ingest.providers.aws.data_common import aware, client, kms_key_ref, name_tag, optional, resource
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import ContinuousBackupsDescriptionTypeDef, TableDescriptionTypeDef, TagTypeDef

log = logging.getLogger(__name__)

LABELS = ("DynamoDBTable",)
_GONE = frozenset({"ResourceNotFoundException", "TableNotFoundException"})


@dataclass(frozen=True)
class DynamoTable:
    table: TableDescriptionTypeDef
    backups: ContinuousBackupsDescriptionTypeDef | None
    tags: Sequence[TagTypeDef]


def get_dynamodb(ddb: DynamoDBClient, concurrency: int = 1) -> list[DynamoTable]:
    names = [n for page in ddb.get_paginator("list_tables").paginate() for n in page.get("TableNames", [])]
    return [t for t in each(concurrency, names, lambda name: _table(ddb, name)) if t is not None]


def _table(ddb: DynamoDBClient, name: str) -> DynamoTable | None:
    described = optional(ddb.describe_table, _GONE, None, f"dynamodb table {name}", TableName=name)
    if not described:
        log.info("DynamoDB table %s vanished or refused between list and describe: skipped", name)
        return None
    table = described["Table"]
    backups = optional(ddb.describe_continuous_backups, _GONE, None, f"dynamodb backups {name}", TableName=name)
    tags: Sequence[TagTypeDef] = ()
    if table.get("TableArn"):
        arn = table["TableArn"]
        listed = optional(ddb.list_tags_of_resource, _GONE, None, f"dynamodb tags {name}", ResourceArn=arn)
        tags = listed.get("Tags", []) if listed else ()
    return DynamoTable(table, backups["ContinuousBackupsDescription"] if backups else None, tags)


def transform_dynamodb(tables: Iterable[DynamoTable], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for item in tables:
        table = item.table
        name = table.get("TableName", "")
        node_id = table.get("TableArn") or f"arn:{partition_for(region)}:dynamodb:{region}:{account}:table/{name}"
        tags = tags_from_pairs(item.tags)
        stream = table.get("StreamSpecification", {})
        sse = table.get("SSEDescription", {})
        # A table created with on-demand billing reports BillingModeSummary; older provisioned tables omit it.
        billing = table.get("BillingModeSummary", {}).get("BillingMode") or (
            "PROVISIONED" if table.get("ProvisionedThroughput", {}).get("ReadCapacityUnits") else None
        )
        pitr = (
            item.backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
            if item.backups
            else None
        )
        props = resource(
            account,
            region,
            name_tag(tags, name or node_id),
            tags,
            table_name=name or None,
            status=table.get("TableStatus"),
            billing_mode=billing,
            item_count=table.get("ItemCount"),
            size_bytes=table.get("TableSizeBytes"),
            stream_enabled=bool(stream.get("StreamEnabled", False)),
            stream_view_type=stream.get("StreamViewType"),
            stream_arn=table.get("LatestStreamArn") if stream.get("StreamEnabled") else None,
            sse_type=sse.get("SSEType"),
            sse_status=sse.get("Status"),
            kms_key_arn=sse.get("KMSMasterKeyArn"),
            point_in_time_recovery=(pitr == "ENABLED") if pitr else None,
            deletion_protection=table.get("DeletionProtectionEnabled"),
            created_at=aware(table.get("CreationDateTime")),
        )
        nodes.append(NodeRow("DynamoDBTable", node_id, props))
        key = kms_key_ref(sse.get("KMSMasterKeyArn"), account, region)
        if key and sse.get("Status") in (None, "ENABLED", "UPDATING"):
            edges.append(EdgeRow("ENCRYPTED_BY", "DynamoDBTable", node_id, "KMSKey", key))
    return Transformed(tuple(nodes), tuple(edges))


def fetch_dynamodb(clients: AwsClients, region: str) -> list[DynamoTable]:
    return get_dynamodb(client(clients, "dynamodb", region), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("dynamodb", LABELS, fetch_dynamodb, transform_dynamodb),)
