"""The Cloud Asset client built from settings, and Google API failures turned into the project's errors.

Production uses google.auth's application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud
ADC, or the metadata server) against Google's endpoint. ``AIDISCOVER_GCP_ANONYMOUS=true`` sends no
credentials at all, for a local server; ``AIDISCOVER_GCP_ENDPOINT`` points the client elsewhere.
The REST transport is used in both cases, so tests exercise the same code path as production.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import google.auth
import requests
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError, TransportError
from google.cloud import asset_v1

from core.errors import ConfigError, DiscoveryError, EndpointUnreachable
from core.settings import GcpSettings

log = logging.getLogger(__name__)

CLOUD_ASSET_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
GOOGLE_ENDPOINT = "https://cloudasset.googleapis.com"


def asset_client(settings: GcpSettings) -> asset_v1.AssetServiceClient:
    """An AssetServiceClient over REST, with the configured endpoint and credentials."""
    credentials: Credentials
    if settings.anonymous:
        credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
    else:
        try:
            credentials, _ = google.auth.default(scopes=[CLOUD_ASSET_SCOPE])
        except DefaultCredentialsError:
            raise ConfigError(
                "no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS or run "
                "`gcloud auth application-default login` (AIDISCOVER_GCP_ANONYMOUS=true only for a local server)"
            ) from None
    options = ClientOptions(api_endpoint=settings.endpoint) if settings.endpoint else None
    return asset_v1.AssetServiceClient(credentials=credentials, transport="rest", client_options=options)


@contextmanager
def gcp_errors(endpoint: str | None) -> Iterator[None]:
    """Translate failures that stop a whole discovery into one-line project errors. PermissionDenied
    passes through: the caller turns it into a warning for that scope."""
    where = endpoint or GOOGLE_ENDPOINT
    try:
        yield
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, TransportError) as exc:
        raise EndpointUnreachable(
            f"Cloud Asset endpoint {where} does not answer ({exc.__class__.__name__}): start it, or fix "
            "AIDISCOVER_GCP_ENDPOINT / your network"
        ) from None
    except (gexc.PermissionDenied, gexc.Forbidden):
        raise
    except gexc.Unauthenticated:
        raise DiscoveryError(
            f"Cloud Asset at {where} rejected the credentials (401): refresh them (`gcloud auth application-default "
            "login`) or set GOOGLE_APPLICATION_CREDENTIALS"
        ) from None
    except gexc.GoogleAPICallError as exc:
        message = str(exc.message).splitlines()[0] if exc.message else ""
        raise DiscoveryError(
            f"Cloud Asset at {where} failed ({exc.code} {exc.__class__.__name__}: {message:.200}); check the "
            "scope in AIDISCOVER_GCP_SCOPES and that the Cloud Asset API is enabled"
        ) from None
    except gexc.RetryError:
        raise EndpointUnreachable(
            f"Cloud Asset endpoint {where} kept failing until the retry deadline: check AIDISCOVER_GCP_ENDPOINT"
            " and the service status"
        ) from None
