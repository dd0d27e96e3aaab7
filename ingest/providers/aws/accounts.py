"""Which AWS accounts to discover, and a boto3 session for each.

Sources, combined: each profile in ``AIDISCOVER_AWS_PROFILES``, each role in ``AIDISCOVER_AWS_ROLE_ARNS``
(assumed from the default session, with its own external id from ``AIDISCOVER_AWS_EXTERNAL_IDS`` or the
shared ``AIDISCOVER_AWS_EXTERNAL_ID``), with ``AIDISCOVER_AWS_ORGANIZATION_ROLE`` that role in every ACTIVE
account AWS Organizations lists, and the default credentials' own account (``default_includes``: beside
roles, or alone; not beside profiles alone unless ``AIDISCOVER_AWS_DEFAULT_ACCOUNT=true``). Assumed-role
credentials refresh themselves before they expire, so a long discovery never runs on stale keys.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
import botocore.session
from botocore.credentials import DeferredRefreshableCredentials

from core.settings import AwsSettings
from ingest.providers.aws.client import AwsClients, partition_for

if TYPE_CHECKING:
    from mypy_boto3_sts import STSClient

log = logging.getLogger(__name__)

SESSION_NAME = "aidiscover"


@dataclass(frozen=True)
class AwsTarget:
    """One account to discover: how it was configured, and its clients."""

    source: str
    clients: AwsClients


def assumed_session(sts: STSClient, role_arn: str, external_id: str | None, region: str) -> boto3.Session:
    def refresh() -> dict[str, str]:
        kwargs = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
        if external_id:
            kwargs["ExternalId"] = external_id
        creds = sts.assume_role(**kwargs)["Credentials"]  # type: ignore[arg-type]
        expiry: datetime = creds["Expiration"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": expiry.isoformat(),
        }

    # Deferred: nothing is called until the first request, so a role that cannot be assumed fails
    # that account's discovery (a warning) and not the whole list of accounts.
    credentials = DeferredRefreshableCredentials(refresh_using=refresh, method="sts-assume-role")
    core = botocore.session.get_session()
    core._credentials = credentials  # type: ignore[attr-defined]  # the usual way to give a botocore session refreshable credentials
    return boto3.Session(botocore_session=core, region_name=region)


DEFAULT_SOURCE = "default credentials"


def default_included(settings: AwsSettings, registered: bool = False) -> tuple[bool, str]:
    """Whether the default credentials' own account is discovered, and why (for the log)."""
    if settings.default_account is not None:
        return settings.default_account, f"AIDISCOVER_AWS_DEFAULT_ACCOUNT={str(settings.default_account).lower()}"
    if settings.role_arns or settings.organization_role:
        return True, "the roles are assumed with them (AIDISCOVER_AWS_DEFAULT_ACCOUNT=false leaves them out)"
    if settings.profiles or registered:
        what = "AIDISCOVER_AWS_PROFILES" if settings.profiles else "registered accounts"
        return False, f"{what} name the accounts (AIDISCOVER_AWS_DEFAULT_ACCOUNT=true adds them)"
    return True, "nothing else is configured"


def aws_targets(settings: AwsSettings, base: boto3.Session | None = None, registered: bool = False) -> list[AwsTarget]:
    """Every configured account, and the default credentials' own when ``default_included`` says so
    (``registered``: accounts registered with `aidiscover accounts add` are discovered too)."""
    targets: list[AwsTarget] = []
    base_session = base or boto3.Session(profile_name=settings.profile)
    for profile in settings.profiles:
        targets.append(AwsTarget(f"profile {profile}", AwsClients(settings, boto3.Session(profile_name=profile))))
    base_clients = AwsClients(settings, base_session)
    roles = list(settings.role_arns)
    if settings.organization_role:
        org = base_clients.client("organizations", settings.default_region)
        partition = partition_for(settings.default_region)
        for page in org.get_paginator("list_accounts").paginate():
            for account in page["Accounts"]:
                if account.get("Status") == "ACTIVE":
                    roles.append(f"arn:{partition}:iam::{account['Id']}:role/{settings.organization_role}")
    sts = base_clients.sts()
    for role_arn in dict.fromkeys(roles):  # keep order, drop repeats
        session = assumed_session(sts, role_arn, settings.external_id_for(role_arn), settings.default_region)
        targets.append(AwsTarget(f"role {role_arn}", AwsClients(settings, session)))
    include, why = default_included(settings, registered)
    level = logging.INFO if targets or registered else logging.DEBUG  # alone, the default needs no word
    log.log(level, "default credentials' account %s: %s", "discovered" if include else "not discovered", why)
    if include:
        targets.append(AwsTarget(DEFAULT_SOURCE, base_clients))
    return targets
