"""Credentials for a registered account, in the form each provider's SDK takes (for discovery).

``aws_session``: a boto3 session -- the named profile, or the role assumed (with its external id)
from the default credentials, refreshed before it expires. ``azure_credential``: a
``ClientSecretCredential`` or ``ManagedIdentityCredential``. ``gcp_credentials``: service-account
credentials from the stored key JSON, or application default credentials (workload identity),
impersonating the given service account when one is set. Nothing here logs or returns a secret.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from core.errors import AIDiscoverError, RegistrationError, SecretKeyError
from core.settings import AwsSettings, Settings
from graph.neo4j.client import Graph
from ingest.accounts.model import CloudAccount
from ingest.accounts.store import account_views, list_accounts
from ingest.providers.aws.accounts import AwsTarget, assumed_session
from ingest.providers.aws.client import AwsClients

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


def _expect(account: CloudAccount, provider: str) -> None:
    if account.provider != provider:
        raise RegistrationError(f"{account.id} is a {account.provider} account, not {provider}")


def aws_session(account: CloudAccount, settings: AwsSettings, base: boto3.Session | None = None) -> boto3.Session:
    """A session for the account: its profile, or its role assumed from ``base`` (default credentials)."""
    _expect(account, "aws")
    if account.auth_method == "profile":
        return boto3.Session(profile_name=account.profile, region_name=settings.default_region)
    sts = AwsClients(settings, base).sts()
    return assumed_session(sts, account.role_arn, account.secret, settings.default_region)


def azure_credential(account: CloudAccount) -> Any:
    """An azure-identity credential for the subscription."""
    _expect(account, "azure")
    from azure.identity import ClientSecretCredential, ManagedIdentityCredential

    if account.auth_method == "service_principal":
        if not account.secret:
            raise RegistrationError(f"{account.id}: the client secret was not read; list accounts with list_accounts")
        return ClientSecretCredential(account.tenant_id, account.client_id, account.secret)
    return ManagedIdentityCredential(client_id=account.client_id) if account.client_id else ManagedIdentityCredential()


def gcp_credentials(account: CloudAccount) -> Any:
    """google-auth credentials for the project."""
    _expect(account, "gcp")
    if account.auth_method == "service_account_key":
        from google.oauth2 import service_account

        if not account.secret:
            raise RegistrationError(f"{account.id}: the key JSON was not read; list accounts with list_accounts")
        try:
            return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                json.loads(account.secret), scopes=[CLOUD_PLATFORM]
            )
        except ValueError as exc:  # a malformed private key
            raise RegistrationError(
                f"{account.id}: the stored key JSON is not usable ({exc.__class__.__name__})"
            ) from None
    import google.auth
    from google.auth import impersonated_credentials

    source, _ = google.auth.default(scopes=[CLOUD_PLATFORM])
    if not account.client_id:
        return source
    return impersonated_credentials.Credentials(  # type: ignore[no-untyped-call]
        source_credentials=source, target_principal=account.client_id, target_scopes=[CLOUD_PLATFORM]
    )


def registered_aws_targets(settings: Settings) -> tuple[list[AwsTarget], list[str]]:
    """An AWS discovery target per registered AWS account (profile, or role assumed with its external id),
    and one warning per account that cannot be used (the others still sync)."""
    warnings: list[str] = []
    with Graph(settings.neo4j, settings.redis) as graph:
        try:
            accounts = list_accounts(graph, settings.accounts, "aws")
        except SecretKeyError as exc:  # accounts without a stored secret can still be used
            accounts = [a for a in account_views(graph, "aws") if not a.has_secret]
            warnings += [
                f"registered {a.id}: skipped, its secret cannot be read ({exc})"
                for a in account_views(graph, "aws")
                if a.has_secret
            ]
    targets = []
    for account in accounts:
        try:
            targets.append(
                AwsTarget(f"registered {account.id}", AwsClients(settings.aws, aws_session(account, settings.aws)))
            )
        except (AIDiscoverError, BotoCoreError, ClientError) as exc:  # e.g. a profile this machine lacks
            warnings.append(f"registered {account.id}: skipped ({exc})")
    return targets, warnings
