"""KMS keys of one region, with their aliases and rotation status.

get: list_keys, then describe_key per key (a key whose policy refuses us is kept with its id and ARN),
get_key_rotation_status, get_key_policy and list_resource_tags for customer keys, list_aliases.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.rows import NodeRow, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.data_common import aware, client, kms_key_ref, optional, policy_allows_public, resource
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_kms.type_defs import AliasListEntryTypeDef, KeyListEntryTypeDef, KeyMetadataTypeDef, TagTypeDef

log = logging.getLogger(__name__)

LABELS = ("KMSKey",)
_GONE = frozenset({"NotFoundException"})
_NO_ROTATION = frozenset({"UnsupportedOperationException", "NotFoundException", "KMSInvalidStateException"})


@dataclass(frozen=True)
class KmsKey:
    """One key as listed, with what the per-key calls returned (None: refused or not applicable)."""

    entry: KeyListEntryTypeDef
    metadata: KeyMetadataTypeDef | None
    rotation_enabled: bool | None
    tags: Sequence[TagTypeDef]
    policy: str | None = None  # the key policy JSON; None when not read (AWS keys) or refused


@dataclass(frozen=True)
class KmsPayload:
    keys: Sequence[KmsKey]
    aliases: Sequence[AliasListEntryTypeDef]


def get_kms(kms: KMSClient, concurrency: int = 1) -> KmsPayload:
    entries = [k for page in kms.get_paginator("list_keys").paginate() for k in page.get("Keys", [])]
    aliases = [a for page in kms.get_paginator("list_aliases").paginate() for a in page.get("Aliases", [])]
    return KmsPayload(each(concurrency, entries, lambda entry: _key(kms, entry)), aliases)


def _key(kms: KMSClient, entry: KeyListEntryTypeDef) -> KmsKey:
    key_id = entry.get("KeyId", "")
    described = optional(kms.describe_key, _GONE, None, f"kms describe_key {key_id}", KeyId=key_id)
    metadata = described["KeyMetadata"] if described else None
    rotation: bool | None = None
    tags: Sequence[TagTypeDef] = ()
    policy: str | None = None
    if metadata and metadata.get("KeyManager") == "CUSTOMER" and metadata.get("KeyState") != "PendingDeletion":
        status = optional(kms.get_key_rotation_status, _NO_ROTATION, None, f"kms rotation {key_id}", KeyId=key_id)
        rotation = bool(status["KeyRotationEnabled"]) if status else None
        listed = optional(kms.list_resource_tags, _GONE, None, f"kms tags {key_id}", KeyId=key_id)
        tags = listed.get("Tags", []) if listed else ()
        read = optional(kms.get_key_policy, _GONE, None, f"kms policy {key_id}", KeyId=key_id, PolicyName="default")
        policy = read.get("Policy") if read else None
    return KmsKey(entry, metadata, rotation, tags, policy)


def key_arn_for(entry: KeyListEntryTypeDef, account: str, region: str) -> str:
    return entry.get("KeyArn") or kms_key_ref(entry.get("KeyId"), account, region) or ""


def transform_kms(payload: KmsPayload, account: str, region: str) -> Transformed:
    by_key: dict[str, list[str]] = defaultdict(list)
    for alias in payload.aliases:
        if alias.get("TargetKeyId") and alias.get("AliasName"):
            by_key[alias["TargetKeyId"]].append(alias["AliasName"])
    nodes = []
    for key in payload.keys:
        key_id = key.entry.get("KeyId", "")
        node_id = key_arn_for(key.entry, account, region)
        if not node_id:
            log.warning("KMS key without id or ARN in %s skipped", region)
            continue
        meta = key.metadata
        names = tuple(sorted(by_key.get(key_id, ())))
        tags = tags_from_pairs(key.tags, "TagKey", "TagValue")
        props = resource(
            account,
            region,
            names[0] if names else key_id,
            tags,
            key_id=key_id,
            aliases=names or None,
            rotation_enabled=key.rotation_enabled,
            key_manager=meta.get("KeyManager") if meta else None,
            key_state=meta.get("KeyState") if meta else None,
            enabled=meta.get("Enabled") if meta else None,
            key_spec=meta.get("KeySpec") if meta else None,
            key_usage=meta.get("KeyUsage") if meta else None,
            origin=meta.get("Origin") if meta else None,
            multi_region=meta.get("MultiRegion") if meta else None,
            description=(meta.get("Description") or None) if meta else None,
            created_at=aware(meta.get("CreationDate")) if meta else None,
            policy=key.policy,
            policy_allows_public=policy_allows_public(key.policy),
        )
        nodes.append(NodeRow("KMSKey", node_id, props))
    return Transformed(tuple(nodes), ())


def fetch_kms(clients: AwsClients, region: str) -> KmsPayload:
    return get_kms(client(clients, "kms", region), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("kms", LABELS, fetch_kms, transform_kms),)
