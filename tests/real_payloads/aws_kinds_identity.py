"""How the IAM kinds
are read from their published payloads (see aws_reading.Reading)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graph.rows import Transformed
from ingest.providers.aws.identity_gaad import read_details
from ingest.providers.aws.identity_transform import (
    AccessKeyRecord,
    GroupRecord,
    IamPayload,
    PolicyRecord,
    RoleRecord,
    UserRecord,
    transform_iam,
)
from tests.real_payloads.aws_corpus import load_kind
from tests.real_payloads.aws_reading import A, F, Items, Reading, one

__all__ = ["KINDS"]


def _iam_details(items: Items) -> IamPayload:
    """GetAccountAuthorizationDetails read as the IAM unit reads it: what the per-entity calls return
    (list_groups_for_user, list_attached_*_policies, get_*_policy, get_policy_version) for every user, group,
    role and policy; the instance profiles are those the roles list."""
    details = read_details([cast(Any, items[0])])
    profiles = [p for r in items[0].get("RoleDetailList", []) for p in r.get("InstanceProfileList", [])]
    return IamPayload(details.users, details.groups, details.roles, details.policies, profiles)


def _whole_details() -> Transformed:
    """The account's whole authorization details: a user's groups and policies are listed beside it."""
    [details] = [p for p in load_kind("IAMPolicy") if p.operation == "GetAccountAuthorizationDetails"]
    return transform_iam(_iam_details([details.response]), A, "global")


def _iam(**kwargs: Any) -> Transformed:
    return transform_iam(IamPayload(**kwargs), A, "global")


def _user_arn(name: str) -> str:
    return f"arn:aws:iam::{A}:user/{name}"


def _access_keys(items: Items) -> Transformed:
    users: dict[str, list[AccessKeyRecord]] = {}
    for key in items:
        users.setdefault(str(key.get("UserName")), []).append(AccessKeyRecord(key))
    return _iam(
        users=[UserRecord(cast(Any, {"Arn": _user_arn(n), "UserName": n}), access_keys=k) for n, k in users.items()]
    )


KINDS: Mapping[str, tuple[Reading, ...]] = {
    "IAMRole": one(
        Reading(
            "Role",
            "RoleName",
            lambda i: _iam(roles=[RoleRecord(r) for r in i]),
            (F("MaxSessionDuration", "max_session_duration"), F("RoleLastUsed.Region", "last_used_region")),
        ),
        Reading(
            "RoleDetailList",
            "Arn",
            lambda _: _whole_details(),
            (
                F("AttachedManagedPolicies[].PolicyArn", edge="HAS_POLICY"),
                F("RolePolicyList[].PolicyName", edge="HAS_POLICY"),
                F("AssumeRolePolicyDocument.Statement[].Principal.Service", "trusted_principals"),
                F("RoleLastUsed.Region", "last_used_region"),
            ),
            operations=("GetAccountAuthorizationDetails",),
            source="IAMPolicy",
        ),
    ),
    "IAMUser": one(
        Reading(
            "User",
            "Arn",
            lambda i: _iam(users=[UserRecord(u) for u in i]),
            (F("UserName", "user_name"), F("PasswordLastUsed", "password_last_used")),
            operations=("GetUser",),
        ),
        Reading(
            "Users",
            "Arn",
            lambda i: _iam(users=[UserRecord(u) for u in i]),
            (F("UserName", "user_name"), F("PasswordLastUsed", "password_last_used")),
            operations=("ListUsers",),
        ),
        Reading(
            "UserDetailList",
            "Arn",
            lambda _: _whole_details(),
            (
                F("GroupList[]", edge="MEMBER_OF"),
                F("AttachedManagedPolicies[].PolicyArn", edge="HAS_POLICY"),
                F("UserPolicyList[].PolicyName", edge="HAS_POLICY"),
            ),
            operations=("GetAccountAuthorizationDetails",),
            source="IAMPolicy",
        ),
    ),
    "IAMGroup": one(
        Reading(
            "Groups",
            "Arn",
            lambda i: _iam(groups=[GroupRecord(g) for g in i]),
            (F("GroupName", "group_name"), F("Path", "path")),
            operations=("ListGroups",),
        ),
        Reading(
            "Group",
            "Arn",
            lambda i: _iam(groups=[GroupRecord(g) for g in i]),
            (F("GroupName", "group_name"),),
            operations=("GetGroup",),
        ),
        Reading(
            "GroupDetailList",
            "Arn",
            lambda _: _whole_details(),
            (
                F("AttachedManagedPolicies[].PolicyArn", edge="HAS_POLICY"),
                F("GroupPolicyList[].PolicyName", edge="HAS_POLICY"),
            ),
            operations=("GetAccountAuthorizationDetails",),
            source="IAMPolicy",
        ),
    ),
    "IAMPolicy": one(
        Reading(
            "Policy",
            "Arn",
            lambda i: _iam(policies=[PolicyRecord(p) for p in i]),
            (F("DefaultVersionId", "default_version_id"), F("AttachmentCount", "attachment_count")),
            operations=("GetPolicy",),
        ),
        Reading(
            "",
            "PolicyArn",
            lambda i: _iam(policies=[PolicyRecord({"Arn": p["PolicyArn"]}, p["PolicyVersion"]["Document"]) for p in i]),
            (
                F("PolicyVersion.Document.Statement[].Action", "document"),
                F("PolicyVersion.Document.Statement[].Action[]", "document"),
            ),
            operations=("GetPolicyVersion",),
        ),
        Reading(
            "Policies",
            "Arn",
            lambda _: _whole_details(),
            (F("DefaultVersionId", "default_version_id"), F("AttachmentCount", "attachment_count")),
            operations=("GetAccountAuthorizationDetails",),
        ),
    ),
    "IAMInstanceProfile": one(
        Reading(
            "InstanceProfile",
            "Arn",
            lambda i: _iam(instance_profiles=i),
            (F("Roles[].Arn", edge="CONTAINS_ROLE"), F("InstanceProfileName", "instance_profile_name")),
        )
    ),
    "IAMAccessKey": one(
        Reading(
            "AccessKeyMetadata",
            "AccessKeyId",
            _access_keys,
            (F("Status", "status"), F("CreateDate", "created"), F("UserName", edge="BELONGS_TO")),
        )
    ),
    "IAMMFADevice": one(
        Reading(
            "VirtualMFADevices",
            "SerialNumber",
            lambda i: _iam(virtual_mfa_devices=i),
            (F("SerialNumber", "serial_number"), F("EnableDate", "enabled_at")),
        )
    ),
}
