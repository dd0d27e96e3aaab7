"""Which resources a workload's configuration names: environment variables and injected secrets, read purely.

A Lambda function's environment and an ECS container's ``environment`` and ``secrets`` often name the
resources the code uses: an ARN, an SQS queue URL, an RDS endpoint, an ``s3://`` URI, or a bare bucket or
table name in a variable whose name says so (``..._BUCKET``, ``..._TABLE``). Each such value becomes
``NAME=reference`` (``graph.schema.dependency_edges`` derives the ``CONFIGURED_TO_USE`` edge from it, to
the resource the reference names when the graph holds one). Only identifiers are kept, never a value that
may be a secret: a bare value is read only in a variable that names a bucket or table and never in one
whose name says it holds a secret, and every other value is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph.schema.dependency_edges import RDS_ENDPOINT_REF

__all__ = ["reference_of", "references"]

_ACCOUNT = re.compile(r"^\d{12}$")
_QUEUE_URL = re.compile(r"^https?://(?P<host>[^/]+)/(?P<account>\d{12})/(?P<name>[A-Za-z0-9_-]{1,80}(\.fifo)?)/?$")
_SQS_HOST = re.compile(r"^(?:sqs\.)?(?P<region>[a-z]{2}(-[a-z]+)+-\d)\.(?:queue\.)?amazonaws\.com")
_RDS_HOST = re.compile(r"^[a-z0-9.-]+\.rds\.amazonaws\.com(\.cn)?$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_TABLE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY", re.IGNORECASE)
_LAMBDA = re.compile(r"^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+)")
_SECRET_ARN = re.compile(r"^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+)")


def _arn(value: str) -> str | None:
    """The resource an ARN names, as the graph keys it (a function unqualified, a secret without a JSON key)."""
    parts = value.split(":")
    if len(parts) < 6 or not _ACCOUNT.match(parts[4] or "000000000000"):
        return None
    if found := _LAMBDA.match(value):
        return found.group(1)
    if found := _SECRET_ARN.match(value):
        return found.group(1)
    if parts[2] == "dynamodb" and "/stream/" in value:
        return value.split("/stream/")[0]
    return value


def _host(value: str) -> str:
    return value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()


def reference_of(name: str, value: str, account: str, region: str) -> str | None:
    """The resource reference a variable's value holds, or None when it names none (or may be a secret)."""
    value = value.strip()
    if value.startswith("arn:"):
        return _arn(value)
    if found := _QUEUE_URL.match(value):
        host = _SQS_HOST.match(found.group("host"))
        queue_region = host.group("region") if host else region
        return f"arn:aws:sqs:{queue_region}:{found.group('account')}:{found.group('name')}"
    if _RDS_HOST.match(_host(value)):
        return RDS_ENDPOINT_REF + _host(value)
    if value.startswith("s3://"):
        bucket = value[5:].split("/", 1)[0]
        return f"arn:aws:s3:::{bucket}" if _BUCKET.match(bucket) else None
    if _SECRET_NAME.search(name):
        return None
    upper = name.upper()
    if "BUCKET" in upper and _BUCKET.match(value):
        return f"arn:aws:s3:::{value}"
    if "TABLE" in upper and _TABLE.match(value):
        return f"arn:aws:dynamodb:{region}:{account}:table/{value}"
    return None


def references(variables: Iterable[tuple[str, str]], account: str, region: str) -> tuple[str, ...] | None:
    """``NAME=reference`` for every variable whose value names a resource, sorted; None when none does."""
    found = {
        f"{name}={ref}"
        for name, value in variables
        if isinstance(name, str) and isinstance(value, str) and (ref := reference_of(name, value, account, region))
    }
    return tuple(sorted(found)) or None
