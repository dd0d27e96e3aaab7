"""AWS IAM, a global service: one unit per account (region ``global``).

get (GetAccountAuthorizationDetails and the calls it does not answer, in ``identity_gaad``; entity by entity,
in ``identity_entities``, when the caller is denied it) -> transform (pure, in ``identity_transform``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.identity_entities import get_iam_per_entity
from ingest.providers.aws.identity_gaad import authorization_details, get_iam_gaad
from ingest.providers.aws.identity_transform import LABELS, IamPayload, transform_iam
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

__all__ = ["UNITS", "fetch_iam", "get_iam", "iam_client"]

log = logging.getLogger(__name__)


def iam_client(clients: AwsClients) -> IAMClient:
    client: IAMClient = clients._client("iam", clients.settings.default_region)
    return client


def get_iam(client: IAMClient) -> IamPayload:
    """The account's IAM entities: from GetAccountAuthorizationDetails (one call per page of entities), or
    entity by entity (several calls each) when the caller is denied it."""
    pages = authorization_details(client)
    if pages is None:
        log.warning(
            "IAM: iam:GetAccountAuthorizationDetails denied; reading IAM entity by entity (several calls per "
            "user, group, role and policy). Allow that action (it is in the SecurityAudit and ReadOnlyAccess "
            "managed policies) for a faster sync"
        )
        return get_iam_per_entity(client)
    return get_iam_gaad(client, pages)


def fetch_iam(clients: AwsClients, region: str) -> IamPayload:
    return get_iam(iam_client(clients))


UNITS = (AwsUnit("iam", LABELS, fetch_iam, transform_iam, global_service=True),)
