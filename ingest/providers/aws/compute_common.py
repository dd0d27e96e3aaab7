"""Helpers the AWS compute units share: typed clients, tags, names, ids and lenient value parsing.

Payloads are read defensively (``.get`` everywhere, values type-checked before use): a missing or
surprising field drops that property, never the resource.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.rows import PropValue
from graph.tags import tag_value, tags_from_pairs
from ingest.providers.aws.client import AwsClients, partition_for


def client(clients: AwsClients, service: str, region: str) -> Any:
    """A boto3 client from ``AwsClients`` (endpoint override, adaptive retries); typed at the call site."""
    return clients.client(service, region)


def arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:{partition_for(region)}:{service}:{region}:{account}:{resource}"


def ec2_arn(region: str, account: str, resource: str) -> str:
    return arn("ec2", region, account, resource)


def subnet_arn(region: str, account: str, subnet_id: str) -> str:
    return ec2_arn(region, account, f"subnet/{subnet_id}")


def sg_arn(region: str, account: str, group_id: str) -> str:
    return ec2_arn(region, account, f"security-group/{group_id}")


def vpc_arn(region: str, account: str, vpc_id: str) -> str:
    return ec2_arn(region, account, f"vpc/{vpc_id}")


def instance_arn(region: str, account: str, instance_id: str) -> str:
    return ec2_arn(region, account, f"instance/{instance_id}")


def text(value: object) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def strings(values: object) -> tuple[str, ...] | None:
    """The non-empty strings of a list, in order; None when there are none."""
    if not isinstance(values, list | tuple):
        return None
    out = tuple(v for v in values if isinstance(v, str) and v)
    return out or None


def values_of(items: object, key: str) -> tuple[str, ...] | None:
    """``strings`` of ``item[key]`` for the dict items of a list (e.g. every CertificateArn)."""
    if not isinstance(items, list | tuple):
        return None
    return strings([item.get(key) for item in items if isinstance(item, dict)])


def timestamp(value: object) -> datetime | None:
    """A timezone-aware datetime from a botocore datetime, epoch seconds, or the string forms AWS APIs
    use (``2024-03-01T12:00:00.000+0000``, ``...Z``, nanosecond fractions); None when unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):  # epoch seconds in raw JSON
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not value:
        return None
    raw = value.strip().replace("Z", "+00:00")
    if "." in raw:  # trim the fraction to microseconds: fromisoformat takes at most 6 digits
        head, _, rest = raw.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        raw = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits) :]}"
    if len(raw) >= 5 and raw[-5] in "+-" and raw[-4:].isdigit():  # +0000 -> +00:00
        raw = f"{raw[:-2]}:{raw[-2:]}"
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def tags_from_list(tags: object, key: str = "Key", value: str = "Value") -> tuple[str, ...]:
    """Tags given as [{Key, Value}] (or {key, value} with ``key``/``value`` set) as sorted 'k=v'."""
    return tags_from_pairs(tags, key, value)


def name_tag(tags: tuple[str, ...]) -> str | None:
    return tag_value(tags, "Name")


def resource(account: str, region: str, name: str, tags: tuple[str, ...], **props: PropValue) -> dict[str, PropValue]:
    """A Resource node's props: the Name tag wins over the provider's name."""
    return {"account": account, "region": region, "name": name_tag(tags) or name, "tags": tags, **props}


def last_segment(arn_value: str) -> str:
    return arn_value.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
