"""AWS IAM, a global service: one unit per account (region ``global``).

get (every page of the list calls, virtual MFA devices included, then the per-user, per-group and per-role
calls) -> transform (pure, in ``identity_transform``). Managed policies read are the customer managed
ones (Scope=Local) and the AWS managed ones attached to something in the account (Scope=AWS,
OnlyAttached=True).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import ClientError

from ingest.providers.aws.client import AwsClients, error_code
from ingest.providers.aws.fanout import each
from ingest.providers.aws.identity_transform import (
    LABELS,
    AccessKeyRecord,
    GroupRecord,
    IamPayload,
    PolicyRecord,
    RoleRecord,
    UserRecord,
    transform_iam,
)
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import InstanceProfileTypeDef, PolicyTypeDef

log = logging.getLogger(__name__)
T = TypeVar("T")


def iam_client(clients: AwsClients) -> IAMClient:
    client: IAMClient = clients._client("iam", clients.settings.default_region)
    return client


def _user(client: IAMClient, name: str) -> UserRecord:
    user = client.get_user(UserName=name)["User"]
    groups = [
        g["GroupName"]
        for p in client.get_paginator("list_groups_for_user").paginate(UserName=name)
        for g in p["Groups"]
    ]
    attached = [
        a["PolicyArn"]
        for p in client.get_paginator("list_attached_user_policies").paginate(UserName=name)
        for a in p["AttachedPolicies"]
        if "PolicyArn" in a
    ]
    inline = {
        n: client.get_user_policy(UserName=name, PolicyName=n)["PolicyDocument"]
        for p in client.get_paginator("list_user_policies").paginate(UserName=name)
        for n in p["PolicyNames"]
    }
    mfa = [d for p in client.get_paginator("list_mfa_devices").paginate(UserName=name) for d in p["MFADevices"]]
    try:
        client.get_login_profile(UserName=name)
        login: bool | None = True
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        login = False
    keys = []
    for page in client.get_paginator("list_access_keys").paginate(UserName=name):
        for key in page["AccessKeyMetadata"]:
            used = client.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
            keys.append(AccessKeyRecord(key, used))
    return UserRecord(user, groups, attached, inline, mfa, login, keys)


def _group(client: IAMClient, name: str) -> tuple[list[str], dict[str, object]]:
    attached = [
        a["PolicyArn"]
        for p in client.get_paginator("list_attached_group_policies").paginate(GroupName=name)
        for a in p["AttachedPolicies"]
        if "PolicyArn" in a
    ]
    inline: dict[str, object] = {
        n: client.get_group_policy(GroupName=name, PolicyName=n)["PolicyDocument"]
        for p in client.get_paginator("list_group_policies").paginate(GroupName=name)
        for n in p["PolicyNames"]
    }
    return attached, inline


def _role(client: IAMClient, name: str) -> RoleRecord:
    role = client.get_role(RoleName=name)["Role"]  # list_roles omits RoleLastUsed and tags
    attached = [
        a["PolicyArn"]
        for p in client.get_paginator("list_attached_role_policies").paginate(RoleName=name)
        for a in p["AttachedPolicies"]
        if "PolicyArn" in a
    ]
    inline: dict[str, object] = {
        n: client.get_role_policy(RoleName=name, PolicyName=n)["PolicyDocument"]
        for p in client.get_paginator("list_role_policies").paginate(RoleName=name)
        for n in p["PolicyNames"]
    }
    return RoleRecord(role, attached, inline)


def _policies(client: IAMClient, concurrency: int) -> list[PolicyRecord]:
    listed: list[PolicyTypeDef] = [
        policy
        for scope, only_attached in (("Local", False), ("AWS", True))
        for page in client.get_paginator("list_policies").paginate(Scope=scope, OnlyAttached=only_attached)  # type: ignore[arg-type]
        for policy in page["Policies"]
    ]

    def read(policy: PolicyTypeDef) -> PolicyRecord:
        document: object = None
        if policy.get("Arn") and policy.get("DefaultVersionId"):
            version = client.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            document = version["PolicyVersion"].get("Document")
        return PolicyRecord(policy, document)

    return each(concurrency, listed, read)


def get_iam(client: IAMClient, concurrency: int = 1) -> IamPayload:
    """Read the account's IAM entities. A user, group or role deleted between the list and its detail
    calls (NoSuchEntity) is left out. Each entity's detail calls run ``concurrency`` entities at once."""
    users = [u["UserName"] for p in client.get_paginator("list_users").paginate() for u in p["Users"]]
    groups = [g for p in client.get_paginator("list_groups").paginate() for g in p["Groups"]]
    roles = [r["RoleName"] for p in client.get_paginator("list_roles").paginate() for r in p["Roles"]]
    profiles: list[InstanceProfileTypeDef] = [
        ip for p in client.get_paginator("list_instance_profiles").paginate() for ip in p["InstanceProfiles"]
    ]
    user_records = [u for u in each(concurrency, users, lambda name: _present("user", name, _user, client)) if u]
    group_records = [
        GroupRecord(group, *found)
        for group, found in zip(
            groups,
            each(concurrency, [g["GroupName"] for g in groups], lambda name: _present("group", name, _group, client)),
            strict=True,
        )
        if found
    ]
    role_records = [r for r in each(concurrency, roles, lambda name: _present("role", name, _role, client)) if r]
    devices = [
        d
        for p in client.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Any")
        for d in p["VirtualMFADevices"]
    ]
    return IamPayload(user_records, group_records, role_records, _policies(client, concurrency), profiles, devices)


def _present(what: str, name: str, read: Callable[[IAMClient, str], T], client: IAMClient) -> T | None:
    """``read`` of one entity, or None when it was deleted between the list and its detail calls."""
    try:
        return read(client, name)
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        log.info("IAM %s %s disappeared while being read; skipped", what, name)
        return None


def fetch_iam(clients: AwsClients, region: str) -> IamPayload:
    return get_iam(iam_client(clients), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("iam", LABELS, fetch_iam, transform_iam, global_service=True),)
