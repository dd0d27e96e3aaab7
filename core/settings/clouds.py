"""Which AWS, Azure and GCP estates discovery reads, and how hard it presses their APIs."""

from __future__ import annotations

import json
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, ValidationInfo, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from core.settings.base import AreaSettings, check_http_url, env, split_csv

__all__ = ["AwsSettings", "AzureSettings", "GcpSettings"]

_ROLE_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")  # what STS AssumeRole accepts
_EXTERNAL_IDS_EXAMPLE = '{"arn:aws:iam::123456789012:role/audit": "ext-id-1"}'


class AwsSettings(AreaSettings):
    """AWS accounts, regions and the botocore client's endpoint, retries and timeouts."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_AWS_")

    endpoint_url: str | None = Field(
        None,
        validation_alias=env("AWS_ENDPOINT_URL"),
        description="Endpoint for every AWS service (boto3's own variable; a moto server in tests and the demo).",
    )
    regions: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated AWS regions to discover; empty: every region `describe_regions` returns.",
    )
    default_region: str = Field(
        "us-east-1",
        validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION", "aws_default_region"),
        description="Region for global calls (STS, describe_regions); boto3's AWS_REGION / AWS_DEFAULT_REGION.",
    )
    profile: str | None = Field(
        None, validation_alias=env("AWS_PROFILE"), description="AWS shared-config profile (boto3's own)."
    )
    profiles: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated AWS profiles, one account each (in addition to the roles below)."
    )
    role_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated IAM role ARNs (arn:aws:iam::ACCOUNT:role/NAME) to assume from the default "
        "credentials, one account each. They add accounts: the default credentials' own account is still "
        "discovered (see AIDISCOVER_AWS_DEFAULT_ACCOUNT).",
    )
    external_id: str | None = Field(
        None,
        repr=False,
        description="External id passed when assuming a role that AIDISCOVER_AWS_EXTERNAL_IDS gives none of its own.",
    )
    organization_role: str | None = Field(
        None, description="Role name to assume in every ACTIVE account AWS Organizations lists."
    )
    # Pairs rather than a dict: settings are hashable (the Celery app is cached per settings).
    external_ids: Annotated[tuple[tuple[str, str], ...], NoDecode] = Field(
        (),
        repr=False,
        description=f"Per-role external ids, a JSON object of role ARN to external id ({_EXTERNAL_IDS_EXAMPLE}); "
        "each ARN must be in AIDISCOVER_AWS_ROLE_ARNS or be the organization role in some account. A role "
        "not listed uses AIDISCOVER_AWS_EXTERNAL_ID.",
    )
    default_account: bool | None = Field(
        None,
        description="Whether the default credentials' own account is discovered. Unset: yes when nothing else is "
        "configured, and beside AIDISCOVER_AWS_ROLE_ARNS or AIDISCOVER_AWS_ORGANIZATION_ROLE (the roles are "
        "assumed with those credentials); not beside AIDISCOVER_AWS_PROFILES or registered accounts alone, "
        "which name the accounts. true: always too; false: only the profiles, roles and registered accounts. "
        "Planning logs which way it went; an account reached twice is discovered once.",
    )
    max_workers: int = Field(
        8, ge=1, le=64, description="Parallel AWS units (service x region) per discovery: the bounded fetch pool."
    )
    fetch_concurrency: int = Field(
        4,
        ge=1,
        le=32,
        description="AWS calls in flight at once within one unit for its per-resource reads (a bucket's policy, a "
        "role's policies, a queue's attributes); units run side by side besides (AIDISCOVER_AWS_MAX_WORKERS), so a "
        "discovery has at most max_workers x fetch_concurrency calls in flight. Throttling is absorbed by botocore's "
        "adaptive retries (AIDISCOVER_AWS_MAX_ATTEMPTS); 1 reads one resource at a time.",
    )
    max_attempts: int = Field(
        8, ge=1, le=50, description="botocore attempts per call in adaptive retry mode (throttling backoff)."
    )
    connect_timeout: float = Field(5.0, gt=0, description="Seconds to wait for an AWS endpoint to connect.")

    @field_validator("endpoint_url")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:5000")
        return value

    @field_validator("regions", "profiles", "role_arns", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return split_csv(value)

    @field_validator("role_arns")
    @classmethod
    def _check_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for role in value:
            if not _ROLE_ARN.match(role):
                raise ValueError(
                    f"{role!r} is not an IAM role ARN: give arn:aws:iam::ACCOUNT:role/NAME, comma-separated "
                    "(per-role external ids go in AIDISCOVER_AWS_EXTERNAL_IDS)"
                )
        return value

    @field_validator("external_id")
    @classmethod
    def _check_external_id(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not _EXTERNAL_ID.match(str(value)):
            raise ValueError("an external id is 2 to 1224 characters of letters, digits and +=,.@:/-_")
        return value

    @field_validator("external_ids", mode="before")
    @classmethod
    def _parse_external_ids(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return {}
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError(
                    f"must be a JSON object of role ARN to external id, e.g. {_EXTERNAL_IDS_EXAMPLE}"
                ) from None
        if isinstance(value, (tuple, list)):
            value = dict(value)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValueError(
                f"must be a JSON object of role ARN to external id (a string), e.g. {_EXTERNAL_IDS_EXAMPLE}"
            )
        return tuple(sorted(value.items()))

    @field_validator("external_ids")
    @classmethod
    def _check_external_ids(
        cls, value: tuple[tuple[str, str], ...], info: ValidationInfo
    ) -> tuple[tuple[str, str], ...]:
        roles = set(info.data.get("role_arns") or ())
        org_role = info.data.get("organization_role")
        for role, external in value:
            if not _ROLE_ARN.match(role):
                raise ValueError(f"{role!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
            if role not in roles and not (org_role and role.endswith(f":role/{org_role}")):
                raise ValueError(
                    f"{role} is not in AIDISCOVER_AWS_ROLE_ARNS nor the organization role: add it there, or "
                    "remove it here"
                )
            if not _EXTERNAL_ID.match(external):
                raise ValueError(
                    f"the external id of {role} must be 2 to 1224 characters of letters, digits and +=,.@:/-_"
                )
        return value

    def external_id_for(self, role_arn: str) -> str | None:
        """The external id to assume ``role_arn`` with: its own, else the shared one, else none."""
        return dict(self.external_ids).get(role_arn, self.external_id)


class AzureSettings(AreaSettings):
    """Azure subscriptions and the Resource Graph client."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_AZURE_")

    endpoint: str = Field(
        "https://management.azure.com",
        description="Azure Resource Manager endpoint (Resource Graph is under it); a local server in tests.",
    )
    subscriptions: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated Azure subscription ids to discover."
    )
    token: str | None = Field(
        None,
        description="Static bearer token for Resource Graph (a local server in tests and the demo); "
        "empty: azure-identity's DefaultAzureCredential.",
        repr=False,
    )
    page_size: int = Field(1000, ge=1, le=1000, description="Rows per Resource Graph page ($top).")
    max_retries: int = Field(
        3, ge=0, le=20, description="Retries per Resource Graph call (throttling, 5xx, connection errors)."
    )
    timeout: float = Field(30.0, gt=0, description="Seconds to wait for Resource Graph to connect and answer.")

    @field_validator("endpoint")
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        return check_http_url(value, "https://management.azure.com")

    @field_validator("subscriptions", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return split_csv(value)


class GcpSettings(AreaSettings):
    """GCP scopes and the Cloud Asset client."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_GCP_")

    endpoint: str | None = Field(
        None, description="Cloud Asset API endpoint; default: Google's. A local server in tests and the demo."
    )
    scopes: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated Cloud Asset scopes: projects/P, folders/F or organizations/O."
    )
    anonymous: bool = Field(
        False,
        description="Call the Cloud Asset endpoint without credentials (a local server); "
        "otherwise google.auth's application default credentials.",
    )
    page_size: int = Field(500, ge=1, le=1000, description="Cloud Asset results requested per page.")
    asset_types: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated Cloud Asset types (or regexes) to discover; empty: every type."
    )
    storage_endpoint: str | None = Field(
        None,
        description="Cloud Storage JSON API endpoint, read for bucket IAM policies and ACLs; default: Google's "
        "(https://storage.googleapis.com), or the Cloud Asset endpoint when that one is set (a local server "
        "serving both).",
    )
    storage_timeout: float = Field(30.0, gt=0, description="Seconds to wait for one Cloud Storage JSON API call.")

    @property
    def storage_url(self) -> str:
        """The Cloud Storage JSON API endpoint to call."""
        return (self.storage_endpoint or self.endpoint or "https://storage.googleapis.com").rstrip("/")

    @field_validator("scopes", "asset_types", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return split_csv(value)
