"""Helpers shared by the AWS data units: clients, optional calls, KMS key references, access policies.

Pure except for :func:`client`, :func:`optional` and :func:`resolve_key_aliases`, which do I/O.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from graph.rows import PropValue
from graph.tags import tag_value
from ingest.providers.aws.client import SKIPPABLE_CODES, AwsClients, error_code, partition_for

log = logging.getLogger(__name__)

T = TypeVar("T")

# A Condition on any of these keys narrows who the statement admits: the statement is not public.
_RESTRICTING_CONDITION_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:userid",
        "aws:username",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:resourceaccount",
        "aws:principalservicename",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
        "kms:calleraccount",
        "kms:viaservice",
    }
)


def client(clients: AwsClients, service: str, region: str) -> Any:
    """The account's shared boto3 client for any service (the project's retry configuration and endpoint)."""
    return clients.client(service, region)


def optional(call: Callable[..., T], absent: frozenset[str], absent_value: T, what: str, **kwargs: Any) -> T | None:
    """Run one per-resource call, ``call(**kwargs)``. An error code in ``absent`` means "not configured":
    ``absent_value``. Access refused to this one call: None (unknown), logged. Anything else propagates."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        code = error_code(exc)
        if code in absent:
            return absent_value
        if code in SKIPPABLE_CODES:
            log.warning("%s refused (%s): left unknown", what, code)
            return None
        raise


def kms_key_ref(ref: str | None, account: str, region: str, aliases: Mapping[str, str] | None = None) -> str | None:
    """The key ARN a KMS key reference (key ARN, key id, alias name or alias ARN) points at, or None
    when it is an alias nobody resolved. ``aliases`` maps alias names and alias ARNs to key ARNs."""
    if not ref:
        return None
    if ref.startswith("arn:") and ":key/" in ref:
        return ref
    if aliases and ref in aliases:
        return aliases[ref]
    if ref.startswith("alias/") or (ref.startswith("arn:") and ":alias/" in ref):
        return None
    if ref.startswith("arn:"):
        return None
    return f"arn:{partition_for(region)}:kms:{region}:{account}:key/{ref}"


def is_alias(ref: str | None) -> bool:
    return bool(ref) and (str(ref).startswith("alias/") or ":alias/" in str(ref))


def resolve_key_aliases(clients: AwsClients, region: str, refs: Iterable[str | None]) -> dict[str, str]:
    """Alias references -> key ARNs, through kms:DescribeKey (one call per distinct alias). Aliases that
    cannot be resolved (gone, refused) are left out: the reference stays a property without an edge."""
    wanted = sorted({r for r in refs if r and is_alias(r)})
    if not wanted:
        return {}
    kms = client(clients, "kms", region)
    out: dict[str, str] = {}
    for alias in wanted:
        try:
            out[alias] = str(kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"])
        except ClientError as exc:
            log.info("KMS alias %s not resolved in %s (%s): no ENCRYPTED_BY edge", alias, region, error_code(exc))
    return out


def _principal_is_everyone(principal: object) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        aws = principal.get("AWS")
        values = aws if isinstance(aws, list) else [aws]
        return "*" in values
    return False


def _condition_restricts(condition: object) -> bool:
    if not isinstance(condition, Mapping):
        return False
    for operator_block in condition.values():
        if isinstance(operator_block, Mapping):
            for key in operator_block:
                if str(key).lower() in _RESTRICTING_CONDITION_KEYS:
                    return True
    return False


def policy_allows_public(policy: str | None) -> bool | None:
    """Whether a resource policy has an Allow statement for everyone ("*" or {"AWS": "*"}) that no
    Condition on the caller's identity, account, network or source narrows. None when there is no
    policy text or it is not valid JSON."""
    if not policy:
        return None
    try:
        doc = json.loads(policy)
    except ValueError:
        return None
    statements = doc.get("Statement") if isinstance(doc, Mapping) else None
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        return False
    for st in statements:
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
            continue
        if _principal_is_everyone(st.get("Principal")) and not _condition_restricts(st.get("Condition")):
            return True
    return False


def name_tag(tags: tuple[str, ...], fallback: str) -> str:
    return tag_value(tags, "Name") or fallback


def as_int(value: object) -> int | None:
    """An int from an API value (SQS and SNS attributes are strings); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def epoch(value: object) -> datetime | None:
    """An aware datetime from epoch seconds given as a string (SQS's CreatedTimestamp)."""
    try:
        return datetime.fromtimestamp(float(str(value)), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def aware(value: object) -> datetime | None:
    """The datetime if it is one, in UTC (a naive one is taken as UTC); anything else: None."""
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def resource(account: str, region: str, name: str, tags: tuple[str, ...], **props: PropValue) -> dict[str, PropValue]:
    return {"account": account, "region": region, "name": name, "tags": tags, **props}
