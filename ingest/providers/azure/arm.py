"""Plain Azure Resource Manager GETs, for the facts Resource Graph does not index (SQL server firewall rules,
App Service TLS and FTP settings).

The client is azure-mgmt-core's ``ARMPipelineClient`` with the same credential, endpoint, retries and
timeouts as the Resource Graph client. ``get_list`` follows ``nextLink`` and answers the items of every
page, ``get_one`` answers one resource's body; both answer ``Refused`` when ARM answers 403 (the credentials
lack the read permission for that resource) and None when it answers 404 (the parent is gone).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.pipeline.policies import (
    ContentDecodePolicy,
    HeadersPolicy,
    NetworkTraceLoggingPolicy,
    RequestIdPolicy,
    RetryPolicy,
    UserAgentPolicy,
)
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

from core.errors import DiscoveryError
from core.settings import AzureSettings
from ingest.providers.azure.client import https_required, make_credential

__all__ = ["ArmReader", "Refused", "make_arm_reader"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refused:
    """ARM answered 403 for ``path``: the credentials may not read it."""

    path: str
    reason: str


class ArmReader:
    """GET lists of ARM resources below one endpoint; close with ``close()`` or use as a context manager."""

    def __init__(
        self, client: ARMPipelineClient[HttpRequest, HttpResponse], endpoint: str, timeout: float, enforce_https: bool
    ) -> None:
        self._client = client
        self._endpoint = endpoint.rstrip("/")
        self._timeout = timeout
        self._enforce_https = enforce_https

    def get_list(self, path: str, api_version: str) -> list[Mapping[str, Any]] | Refused | None:
        """The items of ``GET {path}?api-version=...`` over every page; None when the parent is gone (404)."""
        items: list[Mapping[str, Any]] = []
        url: str | None = f"{self._endpoint}{path}?api-version={api_version}"
        while url:
            body = self._get(path, url)
            if body is None or isinstance(body, Refused):
                return body
            value = body.get("value")
            items.extend(v for v in value or () if isinstance(v, Mapping))
            next_link = body.get("nextLink")
            url = next_link if isinstance(next_link, str) and next_link else None
        log.debug("arm GET %s: %s item(s)", path, len(items))
        return items

    def get_one(self, path: str, api_version: str) -> Mapping[str, Any] | Refused | None:
        """The body of ``GET {path}?api-version=...``; None when the resource is gone (404)."""
        return self._get(path, f"{self._endpoint}{path}?api-version={api_version}")

    def _get(self, path: str, url: str) -> Mapping[str, Any] | Refused | None:
        response = self._client.send_request(
            HttpRequest("GET", url),
            enforce_https=self._enforce_https,
            connection_timeout=self._timeout,
            read_timeout=self._timeout,
        )
        if response.status_code == 404:
            return None
        if response.status_code == 403:
            return Refused(path, _reason(response))
        if response.status_code != 200:
            raise DiscoveryError(
                f"Azure Resource Manager GET {path} failed (HTTP {response.status_code} {_reason(response)})"
            )
        body = response.json()
        return body if isinstance(body, Mapping) else {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ArmReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reason(response: HttpResponse) -> str:
    """ARM's error code and the first 200 characters of its message (or of the body when it is not JSON)."""
    try:
        error = response.json().get("error") or {}
        code, message = str(error.get("code") or ""), str(error.get("message") or "")
    except (ValueError, AttributeError):
        code, message = "", response.text()
    return f"{code}: {' '.join(message.split())[:200]}".strip(": ")


def make_arm_reader(settings: AzureSettings, credential: TokenCredential | None = None) -> ArmReader:
    """An ARM reader for the configured endpoint, credential, retries and timeouts."""
    scope = f"{settings.endpoint.rstrip('/')}/.default"
    policies = [
        RequestIdPolicy(),
        HeadersPolicy(),
        UserAgentPolicy("aidiscover"),
        RetryPolicy(retry_total=settings.max_retries),
        ARMChallengeAuthenticationPolicy(credential or make_credential(settings), scope),
        ContentDecodePolicy(),
        NetworkTraceLoggingPolicy(),
    ]
    client: ARMPipelineClient[HttpRequest, HttpResponse] = ARMPipelineClient(
        base_url=settings.endpoint, policies=policies
    )
    return ArmReader(client, settings.endpoint, settings.timeout, https_required(settings))
