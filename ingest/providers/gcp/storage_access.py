"""Bucket access read from the Cloud Storage JSON API -> GCPBucketIamPolicy nodes (pure).

A bucket is public when public access prevention is not ``enforced`` and either its IAM policy names
``allUsers`` or ``allAuthenticatedUsers``, or (without uniform bucket-level access, when ACLs still apply)
an entry of its ACL or default object ACL does. Absent settings take the documented defaults: uniform
bucket-level access off, public access prevention ``inherited``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.gcp.items import as_bool, as_str, m, seq, strings
from ingest.providers.gcp.storage_fetch import BucketRead

__all__ = ["BUCKET_NAME_PREFIX", "PUBLIC_MEMBERS", "access_id", "access_props", "bucket_id", "transform_bucket_access"]

BUCKET_NAME_PREFIX = "//storage.googleapis.com/"
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})


def bucket_id(bucket: str) -> str:
    """The node id of a bucket (its Cloud Asset full resource name) from its name."""
    return f"{BUCKET_NAME_PREFIX}{bucket}"


def access_id(bucket: str) -> str:
    return f"{BUCKET_NAME_PREFIX}{bucket}/iamPolicy"


def _entries(acl: object) -> tuple[str, ...]:
    return tuple(
        f"{as_str(m(e).get('entity'))}:{as_str(m(e).get('role')) or ''}" for e in seq(acl) if as_str(m(e).get("entity"))
    )


def access_props(bucket: Mapping[str, Any], policy: Mapping[str, Any]) -> dict[str, PropValue]:
    """The typed access facts of one bucket resource and its IAM policy."""
    iam = m(bucket.get("iamConfiguration"))
    ubla = as_bool(m(iam.get("uniformBucketLevelAccess")).get("enabled"), False)
    prevention = as_str(iam.get("publicAccessPrevention")) or "inherited"
    acl, default_acl = _entries(bucket.get("acl")), _entries(bucket.get("defaultObjectAcl"))
    bindings = [
        (as_str(m(b).get("role")) or "", strings(seq(m(b).get("members"))) or ()) for b in seq(policy.get("bindings"))
    ]
    members = {member for _, ms in bindings for member in ms}
    acl_entities = {entry.split(":", 1)[0] for entry in (*acl, *default_acl)} if not ubla else set()
    public = sorted(PUBLIC_MEMBERS & (members | acl_entities))
    return {
        "bucket": as_str(bucket.get("name")),
        "uniform_bucket_level_access": ubla,
        "public_access_prevention": prevention,
        "acl_entities": acl,
        "default_object_acl_entities": default_acl,
        "bindings": tuple(f"{role} {member}" for role, ms in bindings for member in ms),
        "public_members": tuple(public),
        "is_public": bool(public) and prevention != "enforced",
    }


def transform_bucket_access(reads: Iterable[BucketRead], buckets: Mapping[str, NodeRow]) -> Transformed:
    """One node per bucket read, placed like its bucket node (account, region), with an APPLIES_TO edge to it.
    ``buckets``: the Cloud Asset bucket nodes by full resource name."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for read in reads:
        owner = buckets.get(bucket_id(read.name))
        place = owner.props if owner is not None else {}
        props: dict[str, PropValue] = {
            "account": place.get("account") or "unknown",
            "region": place.get("region") or "global",
            "name": f"{read.name} IAM policy",  # not the bucket's own name: a name search must find the bucket alone
            "tags": (),
            **access_props(read.bucket, read.policy),
        }
        props["bucket"] = props["bucket"] or read.name
        nodes.append(NodeRow("GCPBucketIamPolicy", access_id(read.name), props))
        edges.append(
            EdgeRow("APPLIES_TO", "GCPBucketIamPolicy", access_id(read.name), "GCPStorageBucket", bucket_id(read.name))
        )
    return Transformed(tuple(nodes), tuple(edges))
