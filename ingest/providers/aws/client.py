"""boto3 clients built from settings, and botocore failures turned into the project's errors.

Clients use botocore's *adaptive* retry mode (client-side rate limiting plus exponential backoff on
throttling) and honour ``AWS_ENDPOINT_URL`` so the same code reads real AWS or a moto server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from core.errors import ConfigError, DiscoveryError, EndpointUnreachable
from core.settings import AwsSettings

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_sts import STSClient

log = logging.getLogger(__name__)

# Error codes that mean "this region or service is closed to us": a job warning, not a failure.
SKIPPABLE_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthFailure",
        "OptInRequired",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
    }
)


_PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-iso-", "aws-iso"),
)


def partition_for(region: str) -> str:
    """The ARN partition a region belongs to."""
    for prefix, partition in _PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


class AwsClients:
    """boto3 clients for one set of credentials (one account): one session, and one client per (service,
    region) shared by every unit that asks for it. Clients are thread-safe; the session is not, so clients
    are created one at a time under a lock. The session's botocore loader caches the service models, so a
    second region's client of a service costs no JSON parsing."""

    def __init__(self, settings: AwsSettings, session: boto3.Session | None = None) -> None:
        self.settings = settings
        self.session = session or boto3.Session(profile_name=settings.profile)
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": settings.max_attempts},
            connect_timeout=settings.connect_timeout,
            read_timeout=60,
            # a client is shared by the units of its service and region, each reading fetch_concurrency at once
            max_pool_connections=max(10, min(100, settings.max_workers * settings.fetch_concurrency)),
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        """The shared client of ``service`` in ``region``; type it at the call site with the mypy_boto3 stub."""
        key = (service, region)
        found = self._clients.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self.session.client(
                    service,  # type: ignore[call-overload]
                    region_name=region,
                    endpoint_url=self.settings.endpoint_url,
                    config=self.config,
                )
                self._clients[key] = found
                log.debug("aws client %s %s created", service, region)
        return found

    _client = client  # older name, kept for callers written before `client` was public

    def ec2(self, region: str) -> EC2Client:
        client: EC2Client = self.client("ec2", region)
        return client

    def sts(self) -> STSClient:
        client: STSClient = self.client("sts", self.settings.default_region)
        return client


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def aws_errors(endpoint: str | None) -> Iterator[None]:
    """Translate failures that stop a whole discovery into one-line project errors."""
    where = endpoint or "AWS"
    try:
        yield
    except (EndpointConnectionError, ConnectTimeoutError) as exc:
        raise EndpointUnreachable(
            f"AWS endpoint {where} does not answer ({exc.__class__.__name__}): start it, or fix AWS_ENDPOINT_URL"
            " / your network"
        ) from None
    except (NoCredentialsError, PartialCredentialsError):
        raise ConfigError(
            "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        ) from None
    except ClientError as exc:
        if error_code(exc) in SKIPPABLE_CODES:
            raise DiscoveryError(
                f"AWS refused {exc.operation_name} ({error_code(exc)}): grant the read-only permissions"
                " listed in docs/discovery.md, or use other credentials"
            ) from None
        raise
