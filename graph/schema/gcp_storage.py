"""The access control of Cloud Storage buckets, read from the Cloud Storage JSON API.

Cloud Asset's bucket data carries no ACL entries, so a bucket made public through its ACL (fine-grained
access, no public access prevention) looks private there. The storage unit reads each bucket's resource
(``iamConfiguration``, ``acl``, ``defaultObjectAcl``) and IAM policy (``getIamPolicy``) and writes one
GCPBucketIamPolicy node per bucket, pointing at the bucket the Cloud Asset unit writes.
"""

from __future__ import annotations

from graph.schema.model import FREE, EntryPoint, NodeKind, Property, RelType

__all__ = ["BUCKET_ACCESS", "NODES", "RELATIONSHIPS"]

P = Property

BUCKET_ACCESS = NodeKind(
    "GCPBucketIamPolicy",
    "gcp",
    "storage",
    "Who can read a Cloud Storage bucket: its IAM policy, ACL and access settings (Cloud Storage JSON API).",
    (
        P("bucket", "string", "Bucket name.", indexed=True),
        P("uniform_bucket_level_access", "bool", "Whether ACLs are disabled (iamConfiguration; absent: false)."),
        P(
            "public_access_prevention",
            "string",
            "enforced or inherited (iamConfiguration.publicAccessPrevention; absent: inherited).",
        ),
        P("acl_entities", "string[]", "Bucket ACL entries as '<entity>:<role>', e.g. allUsers:READER."),
        P("default_object_acl_entities", "string[]", "Default object ACL entries as '<entity>:<role>'."),
        P("bindings", "string[]", "IAM policy bindings as '<role> <member>'."),
        P("public_members", "string[]", "allUsers / allAuthenticatedUsers among the members and ACL entities."),
        P(
            "is_public",
            "bool",
            "Anyone can read: a public IAM member, or a public ACL entity without uniform access, and public "
            "access prevention not enforced.",
            indexed=True,
        ),
    ),
    entry_point=EntryPoint(2, "is_public", True),
    billing=FREE,
)

NODES: tuple[NodeKind, ...] = (BUCKET_ACCESS,)

RELATIONSHIPS: tuple[RelType, ...] = (
    RelType("APPLIES_TO", "GCPBucketIamPolicy", "GCPStorageBucket", "The access control of this bucket."),
)
