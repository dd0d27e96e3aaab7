"""S3 buckets: listed once per account (a global unit), each written with its own region; the unit's
cleanup covers every region of the account (``cleanup_all_regions``).

get: list_buckets, then per bucket (through a client of the bucket's region) its location, policy,
ACL, public access block, default encryption, versioning and tags. "Not configured" answers
(NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration, ...) are values, not errors; a call
refused for one bucket leaves that property unknown; a bucket deleted meanwhile is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients, error_code, partition_for
from ingest.providers.aws.data_common import (
    aware,
    client,
    kms_key_ref,
    name_tag,
    optional,
    policy_allows_public,
    resolve_key_aliases,
    resource,
)
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import (
        BucketTypeDef,
        GrantTypeDef,
        PublicAccessBlockConfigurationTypeDef,
        ServerSideEncryptionRuleTypeDef,
        TagTypeDef,
    )

log = logging.getLogger(__name__)

LABELS = ("S3Bucket",)
PUBLIC_GRANTEES = frozenset(
    {
        "http://acs.amazonaws.com/groups/global/AllUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    }
)
_GONE = frozenset({"NoSuchBucket"})
_NO_POLICY = frozenset({"NoSuchBucketPolicy"})
_NO_BLOCK = frozenset({"NoSuchPublicAccessBlockConfiguration"})
_NO_ENCRYPTION = frozenset({"ServerSideEncryptionConfigurationNotFoundError"})
_NO_TAGS = frozenset({"NoSuchTagSet"})
# The AWS managed key S3 uses for aws:kms default encryption without a key of your own.
S3_MANAGED_KEY_ALIAS = "alias/aws/s3"


@dataclass(frozen=True)
class BucketDetails:
    """One bucket and what its per-bucket calls said. For each optional part, None means the call was
    refused (unknown) and an empty value means "not configured" (policy "" = no policy)."""

    bucket: BucketTypeDef
    region: str
    policy: str | None = ""
    grants: Sequence[GrantTypeDef] | None = ()
    public_access_block: PublicAccessBlockConfigurationTypeDef | None = None
    encryption_rules: Sequence[ServerSideEncryptionRuleTypeDef] | None = ()
    versioning: Mapping[str, Any] | None = None
    tags: Sequence[TagTypeDef] | None = ()
    resolved_kms_key: str | None = None
    notifications: Mapping[str, Any] | None = None


def bucket_region(location: str | None) -> str:
    """get_bucket_location's LocationConstraint as a region: None or '' is us-east-1, 'EU' is eu-west-1."""
    if not location:
        return "us-east-1"
    return "eu-west-1" if location == "EU" else location


def _details(s3: S3Client, bucket: BucketTypeDef, region: str) -> BucketDetails | None:
    name = bucket["Name"]

    def call(what: str, fn: Any, absent: frozenset[str], absent_value: Any) -> Any:
        return optional(fn, absent, absent_value, f"s3 {what} {name}", Bucket=name)

    try:
        return _read_details(s3, call, bucket, region)
    except ClientError as exc:
        if error_code(exc) in _GONE:
            log.info("S3 bucket %s vanished while being read: skipped", name)
            return None
        raise


def _read_details(s3: S3Client, call: Any, bucket: BucketTypeDef, region: str) -> BucketDetails:
    policy = call("policy", s3.get_bucket_policy, _NO_POLICY, {"Policy": ""})
    acl = call("acl", s3.get_bucket_acl, frozenset(), None)
    block = call("public access block", s3.get_public_access_block, _NO_BLOCK, {"PublicAccessBlockConfiguration": {}})
    encryption = call("encryption", s3.get_bucket_encryption, _NO_ENCRYPTION, {})
    versioning = call("versioning", s3.get_bucket_versioning, frozenset(), None)
    tagging = call("tagging", s3.get_bucket_tagging, _NO_TAGS, {"TagSet": []})
    notifications = call("notifications", s3.get_bucket_notification_configuration, frozenset(), None)
    return BucketDetails(
        bucket=bucket,
        region=region,
        policy=policy.get("Policy", "") if policy is not None else None,
        grants=acl.get("Grants", []) if acl is not None else None,
        public_access_block=block.get("PublicAccessBlockConfiguration", {}) if block is not None else None,
        encryption_rules=(
            encryption.get("ServerSideEncryptionConfiguration", {}).get("Rules", []) if encryption is not None else None
        ),
        versioning={k: v for k, v in versioning.items() if k != "ResponseMetadata"} if versioning is not None else None,
        tags=tagging.get("TagSet", []) if tagging is not None else None,
        notifications=notifications,
    )


def get_s3(clients: AwsClients) -> list[BucketDetails]:
    home = clients.settings.default_region
    s3_home: S3Client = client(clients, "s3", home)
    buckets = [b for page in s3_home.get_paginator("list_buckets").paginate() for b in page.get("Buckets", [])]

    def read(bucket: BucketTypeDef) -> BucketDetails | None:
        name = bucket["Name"]
        region = bucket.get("BucketRegion")
        if not region:
            location = optional(s3_home.get_bucket_location, _GONE, None, f"s3 location {name}", Bucket=name)
            if location is None:
                log.info("S3 bucket %s: location unknown (gone or refused): skipped", name)
                return None
            region = bucket_region(location.get("LocationConstraint"))
        return _details(client(clients, "s3", region), bucket, region)

    out = [details for details in each(clients.settings.fetch_concurrency, buckets, read) if details is not None]
    return _with_resolved_aliases(clients, out)


def _kms_ref(details: BucketDetails) -> str | None:
    default = _default_encryption(details.encryption_rules)
    if not default or not str(default.get("SSEAlgorithm", "")).startswith("aws:kms"):
        return None
    return str(default.get("KMSMasterKeyID") or S3_MANAGED_KEY_ALIAS)


def _with_resolved_aliases(clients: AwsClients, buckets: list[BucketDetails]) -> list[BucketDetails]:
    by_region: dict[str, set[str]] = {}
    for details in buckets:
        ref = _kms_ref(details)
        if ref:
            by_region.setdefault(details.region, set()).add(ref)
    resolved = {region: resolve_key_aliases(clients, region, refs) for region, refs in by_region.items()}
    return [replace(d, resolved_kms_key=resolved.get(d.region, {}).get(_kms_ref(d) or "")) for d in buckets]


def _default_encryption(rules: Sequence[ServerSideEncryptionRuleTypeDef] | None) -> Mapping[str, Any] | None:
    for rule in rules or ():
        default = rule.get("ApplyServerSideEncryptionByDefault")
        if default:
            return default
    return None


def _bucket_key(rules: Sequence[ServerSideEncryptionRuleTypeDef] | None) -> bool | None:
    for rule in rules or ():
        if "BucketKeyEnabled" in rule:
            return bool(rule["BucketKeyEnabled"])
    return None


_NOTIFICATION_KEYS = (
    ("LambdaFunctionConfigurations", "LambdaFunctionArn"),
    ("QueueConfigurations", "QueueArn"),
    ("TopicConfigurations", "TopicArn"),
)


def notification_targets(config: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The function, queue and topic ARNs a bucket's event notifications deliver to (sorted, once each)."""
    found = {
        str(item[arn_key])
        for list_key, arn_key in _NOTIFICATION_KEYS
        for item in (config or {}).get(list_key) or ()
        if isinstance(item, dict) and item.get(arn_key)
    }
    return tuple(sorted(found))


def transform_s3(buckets: Iterable[BucketDetails], account: str, region: str) -> Transformed:
    """``region`` is the unit's (global); every node carries its bucket's own region."""
    del region
    nodes, edges = [], []
    for d in buckets:
        name = d.bucket["Name"]
        node_id = f"arn:{partition_for(d.region)}:s3:::{name}"
        tags = tags_from_pairs(d.tags)
        block = d.public_access_block
        default = _default_encryption(d.encryption_rules)
        acl_public = (
            None if d.grants is None else any(g.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES for g in d.grants)
        )
        public_policy = None if d.policy is None else bool(policy_allows_public(d.policy))
        versioning = None if d.versioning is None else str(d.versioning.get("Status") or "Disabled")
        props = resource(
            account,
            d.region,
            name_tag(tags, name),
            tags,
            bucket_name=name,
            created_at=aware(d.bucket.get("CreationDate")),
            policy=d.policy or None,
            policy_allows_public=public_policy,
            acl_public=acl_public,
            block_public_acls=None if block is None else bool(block.get("BlockPublicAcls", False)),
            ignore_public_acls=None if block is None else bool(block.get("IgnorePublicAcls", False)),
            block_public_policy=None if block is None else bool(block.get("BlockPublicPolicy", False)),
            restrict_public_buckets=None if block is None else bool(block.get("RestrictPublicBuckets", False)),
            encryption_algorithm=default.get("SSEAlgorithm") if default else None,
            kms_key_id=default.get("KMSMasterKeyID") if default else None,
            bucket_key_enabled=_bucket_key(d.encryption_rules),
            versioning=versioning,
            mfa_delete=d.versioning.get("MFADelete") if d.versioning else None,
            notification_targets=notification_targets(d.notifications) or None,
        )
        nodes.append(NodeRow("S3Bucket", node_id, props))
        ref = _kms_ref(d)
        key = d.resolved_kms_key or kms_key_ref(ref, account, d.region)
        if key:
            edges.append(EdgeRow("ENCRYPTED_BY", "S3Bucket", node_id, "KMSKey", key))
    return Transformed(tuple(nodes), tuple(edges))


def fetch_s3(clients: AwsClients, region: str) -> list[BucketDetails]:
    del region  # global: list_buckets once, from the configured home region
    return get_s3(clients)


# Listed once per account; each bucket carries its own region, so cleanup covers every region.
UNITS = (AwsUnit("s3", LABELS, fetch_s3, transform_s3, global_service=True, cleanup_all_regions=True),)
