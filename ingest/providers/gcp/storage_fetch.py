"""Bucket access read from the Cloud Storage JSON API: the bucket resource and its IAM policy.

``GET {endpoint}/storage/v1/b/{bucket}?projection=full`` answers the bucket with ``iamConfiguration``,
``acl`` and ``defaultObjectAcl`` (the ACL lists need ``projection=full`` and are absent with uniform
bucket-level access); ``GET {endpoint}/storage/v1/b/{bucket}/iam`` answers its ``storage#policy``. A 403 on
either is ``StorageRefused`` (the caller turns it into a warning), a 404 (bucket deleted in between) is
skipped. Production calls Google with application default credentials; a local server without any.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import google.auth
import requests
from google.auth.exceptions import DefaultCredentialsError, TransportError
from google.auth.transport.requests import AuthorizedSession

from core.errors import ConfigError, DiscoveryError, EndpointUnreachable
from core.settings import GcpSettings

__all__ = ["STORAGE_READ_SCOPE", "BucketRead", "StorageReader", "StorageRefused", "storage_reader"]

log = logging.getLogger(__name__)

STORAGE_READ_SCOPE = "https://www.googleapis.com/auth/devstorage.read_only"


@dataclass(frozen=True)
class BucketRead:
    """One bucket's resource (projection=full) and IAM policy, as the JSON API answered them."""

    name: str
    bucket: Mapping[str, Any]
    policy: Mapping[str, Any]


@dataclass(frozen=True)
class StorageRefused:
    """The JSON API answered 403 for one bucket: ``permission`` is the one the credentials lack."""

    name: str
    permission: str
    reason: str


class StorageReader:
    """GETs against one Cloud Storage JSON API endpoint; close with ``close()`` or use ``storage_reader``."""

    def __init__(self, session: requests.Session, endpoint: str, timeout: float) -> None:
        self._session = session
        self._endpoint = endpoint.rstrip("/")
        self._timeout = timeout

    def read(self, name: str) -> BucketRead | StorageRefused | None:
        """The bucket and its policy; None when the bucket is gone (404)."""
        path = f"/storage/v1/b/{quote(name, safe='')}"
        bucket = self._get(path, {"projection": "full"}, name, "storage.buckets.get")
        if not isinstance(bucket, Mapping):
            return bucket
        policy = self._get(f"{path}/iam", {"optionsRequestedPolicyVersion": "3"}, name, "storage.buckets.getIamPolicy")
        if not isinstance(policy, Mapping):
            return policy
        return BucketRead(name, bucket, policy)

    def _get(
        self, path: str, params: Mapping[str, str], name: str, permission: str
    ) -> Mapping[str, Any] | StorageRefused | None:
        url = f"{self._endpoint}{path}"
        try:
            response = self._session.get(url, params=dict(params), timeout=self._timeout)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, TransportError) as exc:
            raise EndpointUnreachable(
                f"Cloud Storage endpoint {self._endpoint} does not answer ({exc.__class__.__name__}): start it, or "
                "fix AIDISCOVER_GCP_STORAGE_ENDPOINT / your network"
            ) from None
        if response.status_code == 404:
            log.info("gcp bucket %s: gone (404), skipped", name)
            return None
        if response.status_code == 403:
            return StorageRefused(name, permission, _reason(response))
        if response.status_code != 200:
            raise DiscoveryError(
                f"Cloud Storage GET {path} failed (HTTP {response.status_code} {_reason(response)}); check "
                "AIDISCOVER_GCP_STORAGE_ENDPOINT and that the Cloud Storage API is enabled"
            )
        body = response.json()
        if not isinstance(body, Mapping):
            raise DiscoveryError(f"Cloud Storage GET {path} answered {type(body).__name__}, not a JSON object")
        return body

    def close(self) -> None:
        self._session.close()


def _reason(response: requests.Response) -> str:
    """Google's error message (first 200 characters), or the start of the body when it is not JSON."""
    try:
        error = response.json().get("error") or {}
        message = str(error.get("message") or "")
    except (ValueError, AttributeError):
        message = response.text
    return " ".join(message.split())[:200]


@contextmanager
def storage_reader(settings: GcpSettings) -> Iterator[StorageReader]:
    """A reader for the configured endpoint: anonymous for a local server, else application default credentials."""
    session: requests.Session
    if settings.anonymous:
        session = requests.Session()
    else:
        try:
            credentials, _ = google.auth.default(scopes=[STORAGE_READ_SCOPE])
        except DefaultCredentialsError:
            raise ConfigError(
                "no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS or run "
                "`gcloud auth application-default login` (AIDISCOVER_GCP_ANONYMOUS=true only for a local server)"
            ) from None
        session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    reader = StorageReader(session, settings.storage_url, settings.storage_timeout)
    try:
        yield reader
    finally:
        reader.close()
