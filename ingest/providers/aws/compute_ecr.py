"""ECR repositories.

get: every page of describe_repositories and each repository's tags (list_tags_for_resource).
transform (pure): ECRRepository nodes (URI, scan on push, tag mutability, encryption; the KMS key is
an ARN property: KMS keys belong to another area).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.rows import NodeRow, Transformed
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.compute_common import arn, client, flag, resource, tags_from_list, text, timestamp
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr.type_defs import RepositoryTypeDef

log = logging.getLogger(__name__)

LABELS = ("ECRRepository",)


@dataclass(frozen=True)
class EcrPayload:
    """Repositories and their tags, keyed by repository ARN."""

    repositories: Sequence[RepositoryTypeDef] = ()
    tags: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)


def get_ecr(ecr: ECRClient) -> EcrPayload:
    repositories = [r for page in ecr.get_paginator("describe_repositories").paginate() for r in page["repositories"]]
    tags = {
        r["repositoryArn"]: ecr.list_tags_for_resource(resourceArn=r["repositoryArn"]).get("tags", [])
        for r in repositories
    }
    return EcrPayload(repositories, tags)


def transform_ecr(payload: EcrPayload, account: str, region: str) -> Transformed:
    return Transformed(tuple(_repositories(payload.repositories, payload.tags, account, region)), ())


def _repositories(
    repositories: Iterable[RepositoryTypeDef],
    tags: Mapping[str, Sequence[Mapping[str, Any]]],
    account: str,
    region: str,
) -> Iterable[NodeRow]:
    for repo in repositories:
        name = text(repo.get("repositoryName"))
        node_id = text(repo.get("repositoryArn")) or (
            arn("ecr", region, account, f"repository/{name}") if name else None
        )
        if not node_id:
            continue
        scanning: Mapping[str, Any] = repo.get("imageScanningConfiguration") or {}
        encryption: Mapping[str, Any] = repo.get("encryptionConfiguration") or {}
        props = resource(
            account,
            region,
            name or node_id,
            tags_from_list(tags.get(node_id)),
            repository_name=name,
            repository_uri=text(repo.get("repositoryUri")),
            registry_id=text(repo.get("registryId")),
            scan_on_push=flag(scanning.get("scanOnPush")),
            image_tag_mutability=text(repo.get("imageTagMutability")),
            encryption_type=text(encryption.get("encryptionType")),
            kms_key_arn=text(encryption.get("kmsKey")),
            created_at=timestamp(repo.get("createdAt")),
        )
        yield NodeRow("ECRRepository", node_id, props)


def fetch_ecr(clients: AwsClients, region: str) -> EcrPayload:
    return get_ecr(client(clients, "ecr", region))


UNITS = (AwsUnit("ecr", LABELS, fetch_ecr, transform_ecr),)
