"""The bucket access transform on the Cloud Storage JSON API responses Google published (storage_api/ in
tests/fixtures/real/gcp, sources in SOURCES.md): a bucket resource with its ACL and a getIamPolicy answer.

The public variants change one published value each (an ACL entity, a binding member, the access settings),
so every other field stays as the service sent it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ingest.providers.gcp.storage_access import access_id, access_props, transform_bucket_access
from ingest.providers.gcp.storage_fetch import BucketRead

API = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "gcp" / "storage_api"
NAME = "forseti-system-test.a.testing"


def published() -> tuple[dict[str, Any], dict[str, Any]]:
    bucket = json.loads((API / f"forseti_bucket_{NAME}.json").read_text())
    policy = json.loads((API / f"forseti_bucket_iam_policy_{NAME}.json").read_text())
    return bucket, policy


def test_the_published_bucket_and_policy_become_typed_access_facts() -> None:
    bucket, policy = published()
    props = access_props(bucket, policy)
    assert props == {
        "bucket": NAME,
        "uniform_bucket_level_access": False,  # no iamConfiguration: the documented default
        "public_access_prevention": "inherited",
        "acl_entities": (
            "project-owners-1111111:OWNER",
            "project-editors-1111111:OWNER",
            "project-viewers-1111111:READER",
        ),
        "default_object_acl_entities": (
            "project-owners-1111111:OWNER",
            "project-editors-1111111:OWNER",
            "project-viewers-1111111:READER",
        ),
        "bindings": (
            "roles/storage.legacyBucketOwner projectEditor:forseti-system-test",
            "roles/storage.legacyBucketOwner projectOwner:forseti-system-test",
            "roles/storage.legacyBucketReader projectViewer:forseti-system-test",
        ),
        "public_members": (),
        "is_public": False,
    }


def test_a_public_acl_entry_makes_the_bucket_public_unless_acls_are_off_or_prevention_is_enforced() -> None:
    bucket, policy = published()
    bucket["acl"][2]["entity"] = "allUsers"
    assert access_props(bucket, policy)["is_public"] is True
    assert access_props(bucket, policy)["public_members"] == ("allUsers",)
    uniform = copy.deepcopy(bucket)
    uniform["iamConfiguration"] = {"uniformBucketLevelAccess": {"enabled": True}}
    assert access_props(uniform, policy)["is_public"] is False  # the ACL no longer applies
    enforced = copy.deepcopy(bucket)
    enforced["iamConfiguration"] = {"publicAccessPrevention": "enforced"}
    assert access_props(enforced, policy)["is_public"] is False


def test_a_public_member_of_the_policy_makes_the_bucket_public_whatever_the_acl() -> None:
    bucket, policy = published()
    bucket["iamConfiguration"] = {"uniformBucketLevelAccess": {"enabled": True}}
    policy["bindings"][1]["members"].append("allAuthenticatedUsers")
    props = access_props(bucket, policy)
    assert (props["is_public"], props["public_members"]) == (True, ("allAuthenticatedUsers",))


def test_one_node_per_bucket_read_placed_like_its_bucket_and_pointing_at_it() -> None:
    bucket, policy = published()
    rows = transform_bucket_access([BucketRead(NAME, bucket, policy)], {})
    [node] = rows.nodes
    assert (node.label, node.id, node.props["account"], node.props["name"]) == (
        "GCPBucketIamPolicy",
        access_id(NAME),
        "unknown",
        f"{NAME} IAM policy",
    )
    [edge] = rows.edges
    assert (edge.type, edge.target_label, edge.target_id) == (
        "APPLIES_TO",
        "GCPStorageBucket",
        f"//storage.googleapis.com/{NAME}",
    )
