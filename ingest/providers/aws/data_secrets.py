"""Secrets Manager secrets of one region: metadata only. The secret value is never read
(list_secrets returns no value; this module never calls get_secret_value)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.data_common import aware, client, kms_key_ref, name_tag, resolve_key_aliases, resource
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.type_defs import SecretListEntryTypeDef

log = logging.getLogger(__name__)

LABELS = ("SecretsManagerSecret",)


@dataclass(frozen=True)
class SecretsPayload:
    secrets: Sequence[SecretListEntryTypeDef]
    key_aliases: Mapping[str, str] = field(default_factory=dict)


def get_secrets(clients: AwsClients, region: str) -> SecretsPayload:
    sm = client(clients, "secretsmanager", region)
    secrets = [s for page in sm.get_paginator("list_secrets").paginate() for s in page.get("SecretList", [])]
    aliases = resolve_key_aliases(clients, region, (s.get("KmsKeyId") for s in secrets))
    return SecretsPayload(secrets, aliases)


def transform_secrets(payload: SecretsPayload, account: str, region: str) -> Transformed:
    nodes, edges = [], []
    secrets: Iterable[SecretListEntryTypeDef] = payload.secrets
    for secret in secrets:
        node_id = secret.get("ARN")
        secret_name = secret.get("Name") or ""
        if not node_id:
            log.warning("secret %r in %s has no ARN: skipped", secret_name, region)
            continue
        tags = tags_from_pairs(secret.get("Tags"))
        rules = secret.get("RotationRules", {})
        props = resource(
            account,
            region,
            name_tag(tags, secret_name or node_id),
            tags,
            secret_name=secret_name or None,
            description=secret.get("Description") or None,
            kms_key_id=secret.get("KmsKeyId"),
            rotation_enabled=bool(secret.get("RotationEnabled", False)),
            rotation_lambda_arn=secret.get("RotationLambdaARN") or None,
            rotation_days=rules.get("AutomaticallyAfterDays"),
            last_rotated=aware(secret.get("LastRotatedDate")),
            last_changed=aware(secret.get("LastChangedDate")),
            last_accessed=aware(secret.get("LastAccessedDate")),
            primary_region=secret.get("PrimaryRegion"),
            created_at=aware(secret.get("CreatedDate")),
        )
        nodes.append(NodeRow("SecretsManagerSecret", node_id, props))
        key = kms_key_ref(secret.get("KmsKeyId"), account, region, payload.key_aliases)
        if key:
            edges.append(EdgeRow("ENCRYPTED_BY", "SecretsManagerSecret", node_id, "KMSKey", key))
    return Transformed(tuple(nodes), tuple(edges))


def fetch_secrets(clients: AwsClients, region: str) -> SecretsPayload:
    return get_secrets(clients, region)


UNITS = (AwsUnit("secretsmanager", LABELS, fetch_secrets, transform_secrets),)
