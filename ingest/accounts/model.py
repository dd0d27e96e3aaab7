"""Cloud accounts as values: what a caller registers (``AccountSpec``) and what is stored (``CloudAccount``),
with the validation of each provider's ids and authentication methods."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.errors import RegistrationError

Provider = Literal["aws", "azure", "gcp"]
AuthMethod = Literal[
    "profile", "role", "service_principal", "managed_identity", "service_account_key", "workload_identity"
]
PROVIDERS: tuple[Provider, ...] = ("aws", "azure", "gcp")
AUTH_METHODS: dict[Provider, tuple[AuthMethod, ...]] = {
    "aws": ("profile", "role"),
    "azure": ("service_principal", "managed_identity"),
    "gcp": ("service_account_key", "workload_identity"),
}
# the one secret each method stores (encrypted), if any
SECRET_OF: dict[AuthMethod, str] = {
    "role": "external id",
    "service_principal": "client secret",
    "service_account_key": "service account key JSON",
}

_AWS_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE_ARN = re.compile(r"^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GCP_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_PROFILE = re.compile(r"^[\w.+@-]{1,128}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def account_key(provider: str, account_id: str) -> str:
    """The CloudAccount node id."""
    return f"{provider}:{account_id}"


@dataclass(frozen=True)
class AccountSpec:
    """A registration request. ``secret`` is the external id, client secret or key JSON (never shown)."""

    provider: str
    auth_method: str
    account_id: str = ""
    name: str = ""
    profile: str = ""
    role_arn: str = ""
    tenant_id: str = ""
    client_id: str = ""
    regions: tuple[str, ...] = ()
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CloudAccount:
    """A registered account. ``secret`` holds the decrypted secret when read with ``list_accounts``."""

    provider: Provider
    account_id: str
    name: str
    auth_method: AuthMethod = field(
        metadata={
            "doc": "profile | role | service_principal | managed_identity | service_account_key | workload_identity"
        }
    )
    profile: str = ""
    role_arn: str = ""
    tenant_id: str = ""
    client_id: str = ""
    regions: tuple[str, ...] = ()
    has_secret: bool = field(
        default=False, metadata={"doc": "Whether an encrypted secret is stored (it is never returned)."}
    )
    created_at: datetime | None = None
    secret: str | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        """'<provider>:<account id>'."""
        return account_key(self.provider, self.account_id)


def validate(spec: AccountSpec) -> CloudAccount:
    """The account ``spec`` describes, or a RegistrationError saying what is wrong and what to pass."""
    provider = spec.provider.strip().lower()
    if provider not in PROVIDERS:
        raise RegistrationError(f"unknown provider {spec.provider!r}; use one of: {', '.join(PROVIDERS)}")
    prov: Provider = provider
    method = spec.auth_method.strip().lower()
    if method not in AUTH_METHODS[prov]:
        raise RegistrationError(
            f"{provider} accounts authenticate with {' or '.join(AUTH_METHODS[prov])}, not {spec.auth_method!r}"
        )
    auth: AuthMethod = method
    secret = spec.secret if spec.secret else None
    account_id = spec.account_id.strip()
    client_id = spec.client_id.strip()
    if prov == "aws":
        account_id = _check_aws(spec, auth, account_id, secret)
    elif prov == "azure":
        _check_azure(spec, auth, account_id, secret)
        account_id = account_id.lower()
    else:
        client_id = _check_gcp(spec, auth, account_id, secret) or client_id
    for region in spec.regions:
        if not re.fullmatch(r"[a-z0-9-]{2,40}", region):
            raise RegistrationError(f"region {region!r} is not a region name (e.g. eu-west-1, westeurope)")
    return CloudAccount(
        provider=prov,
        account_id=account_id,
        name=spec.name.strip() or account_id,
        auth_method=auth,
        profile=spec.profile.strip(),
        role_arn=spec.role_arn.strip(),
        tenant_id=spec.tenant_id.strip().lower(),
        client_id=client_id,
        regions=tuple(spec.regions),
        has_secret=secret is not None,
        secret=secret,
    )


def _check_aws(spec: AccountSpec, auth: AuthMethod, account_id: str, secret: str | None) -> str:
    if auth == "profile":
        if not _PROFILE.match(spec.profile.strip()):
            raise RegistrationError("AWS auth 'profile' needs --profile NAME (a profile of your AWS config)")
        if secret:
            raise RegistrationError("AWS auth 'profile' stores no secret; drop the secret (the profile holds the keys)")
        if not _AWS_ACCOUNT.match(account_id):
            raise RegistrationError(f"AWS account id {account_id!r} must be 12 digits, e.g. 123456789012")
        return account_id
    match = _ROLE_ARN.match(spec.role_arn.strip())
    if not match:
        raise RegistrationError(
            f"role ARN {spec.role_arn!r} is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name>"
        )
    if account_id and account_id != match.group(1):
        raise RegistrationError(
            f"role ARN {spec.role_arn!r} belongs to account {match.group(1)}, not {account_id}; fix one of them"
        )
    if secret is not None and not (2 <= len(secret) <= 1224 and re.fullmatch(r"[\w+=,.@:/-]+", secret)):
        raise RegistrationError("the external id must be 2-1224 characters of letters, digits and +=,.@:/-")
    return match.group(1)


def _check_azure(spec: AccountSpec, auth: AuthMethod, account_id: str, secret: str | None) -> None:
    if not _GUID.match(account_id):
        raise RegistrationError(f"Azure subscription id {account_id!r} must be a GUID (xxxxxxxx-xxxx-...)")
    if auth == "service_principal":
        if not _GUID.match(spec.tenant_id.strip()) or not _GUID.match(spec.client_id.strip()):
            raise RegistrationError("Azure auth 'service_principal' needs --tenant-id and --client-id (both GUIDs)")
        if not secret:
            raise RegistrationError("Azure auth 'service_principal' needs the client secret (--secret-file)")
    else:
        if spec.client_id.strip() and not _GUID.match(spec.client_id.strip()):
            raise RegistrationError("a user-assigned managed identity's --client-id must be a GUID")
        if secret:
            raise RegistrationError("Azure auth 'managed_identity' stores no secret; drop the secret")


def _check_gcp(spec: AccountSpec, auth: AuthMethod, account_id: str, secret: str | None) -> str:
    """Checks; returns the service account e-mail found in the key JSON (or '')."""
    if not _GCP_PROJECT.match(account_id):
        raise RegistrationError(
            f"GCP project id {account_id!r} must be 6-30 lower-case letters, digits or hyphens, starting with a letter"
        )
    if auth == "workload_identity":
        if secret:
            raise RegistrationError("GCP auth 'workload_identity' stores no secret; drop the secret")
        if spec.client_id.strip() and not _EMAIL.match(spec.client_id.strip()):
            raise RegistrationError("--client-id for GCP is the service account e-mail to impersonate")
        return ""
    if not secret:
        raise RegistrationError("GCP auth 'service_account_key' needs the key JSON file (--secret-file key.json)")
    try:
        key = json.loads(secret)
    except ValueError:
        raise RegistrationError(
            "the GCP key is not JSON; pass the key file downloaded for the service account"
        ) from None
    if not isinstance(key, dict) or key.get("type") != "service_account" or not key.get("client_email"):
        raise RegistrationError("the GCP key JSON must be a service account key (type service_account, client_email)")
    return str(key["client_email"])
