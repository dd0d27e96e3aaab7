"""The Resource Graph client built from settings, and Azure SDK failures turned into the project's errors.

Credentials: ``AIDISCOVER_AZURE_TOKEN`` set -> a static bearer token (a local Resource Graph server in
tests and the demo); unset -> azure-identity's ``DefaultAzureCredential`` (environment, workload or
managed identity, Azure CLI, ...). azure-core refuses to send a token over plain http; settings only
accept ``http://`` for a loopback endpoint, and only then do calls pass ``enforce_https=False``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from azure.core.credentials import AccessToken, TokenCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError
from azure.identity import DefaultAzureCredential
from azure.mgmt.resourcegraph import ResourceGraphClient

from core.errors import ConfigError, DiscoveryError, EndpointUnreachable
from core.settings import AzureSettings

log = logging.getLogger(__name__)

ENDPOINT_VARIABLE = "AIDISCOVER_AZURE_ENDPOINT"


class StaticTokenCredential:
    """A TokenCredential that always returns one configured token (never logged, never shown in repr)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        return AccessToken(self._token, int(time.time()) + 3600)

    def __repr__(self) -> str:
        return "StaticTokenCredential(token=***)"


def make_credential(settings: AzureSettings) -> TokenCredential:
    if settings.token:
        log.info("azure: using the static token from AIDISCOVER_AZURE_TOKEN")
        return StaticTokenCredential(settings.token)
    return DefaultAzureCredential()


def make_client(settings: AzureSettings, credential: TokenCredential | None = None) -> ResourceGraphClient:
    """A ResourceGraphClient for the configured endpoint, with the configured retries and timeouts."""
    return ResourceGraphClient(
        credential or make_credential(settings),
        base_url=settings.endpoint,
        retry_total=settings.max_retries,
        connection_timeout=settings.timeout,
        read_timeout=settings.timeout,
    )


def https_required(settings: AzureSettings) -> bool:
    """False only for a plain-http endpoint, which settings accept on a loopback host only."""
    return urlsplit(settings.endpoint).scheme != "http"


def _reason(exc: HttpResponseError) -> str:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) or (exc.reason or "")
    lines = (getattr(error, "message", None) or exc.message or "").splitlines()
    message = lines[0][:200] if lines else ""
    return f"HTTP {exc.status_code} {code}: {message}".strip()


@contextmanager
def azure_errors(endpoint: str) -> Iterator[None]:
    """Translate failures that stop an Azure discovery into one-line project errors."""
    try:
        yield
    except ServiceRequestError as exc:
        raise EndpointUnreachable(
            f"Azure Resource Graph endpoint {endpoint} does not answer ({exc.__class__.__name__}): start it, "
            f"or fix {ENDPOINT_VARIABLE} / your network"
        ) from None
    except ClientAuthenticationError as exc:
        if exc.status_code is None:  # the credential chain found nothing usable; no request was sent
            raise ConfigError(
                "no Azure credentials found: run `az login`, set AZURE_CLIENT_ID / AZURE_TENANT_ID / "
                "AZURE_CLIENT_SECRET, use a managed identity, or set AIDISCOVER_AZURE_TOKEN for a local server"
            ) from None
        raise DiscoveryError(
            f"Azure Resource Graph at {endpoint} rejected the credentials ({_reason(exc)}): "
            "sign in again or check the token / service principal"
        ) from None
    except HttpResponseError as exc:
        if exc.status_code == 403:
            raise DiscoveryError(
                f"Azure Resource Graph at {endpoint} refused access ({_reason(exc)}): grant the Reader role on "
                "the subscriptions, or use other credentials"
            ) from None
        raise DiscoveryError(f"Azure Resource Graph at {endpoint} failed ({_reason(exc)})") from None
