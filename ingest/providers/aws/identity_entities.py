"""AWS IAM read entity by entity: every page of the list calls, virtual MFA devices included, then the
per-user, per-group, per-role and per-policy calls, ``DETAIL_WORKERS`` at a time. The path taken when the
caller may not call GetAccountAuthorizationDetails; its per-user credential reads (login profile, MFA devices,
access keys) and per-policy reads serve both paths. Managed policies read are the customer managed ones
(Scope=Local) and the AWS managed ones attached to something in the account (Scope=AWS, OnlyAttached=True).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import ClientError

from ingest.providers.aws.client import error_code
from ingest.providers.aws.identity_transform import (
    AccessKeyRecord,
    GroupRecord,
    IamPayload,
    PolicyRecord,
    RoleRecord,
    UserRecord,
)

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import (
        GroupTypeDef,
        InstanceProfileTypeDef,
        MFADeviceTypeDef,
        PolicyTypeDef,
        VirtualMFADeviceTypeDef,
    )

__all__ = [
    "DETAIL_WORKERS",
    "credentials",
    "get_iam_per_entity",
    "instance_profiles",
    "listed_policies",
    "read_policy",
    "results",
    "submit",
    "virtual_mfa_devices",
]

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
# IAM is one unit per account, and its detail calls (several per user, group, role and policy) were read one
# after another: the longest unit of a small estate's discovery. They run this many at a time (boto3 clients
# are thread-safe).
DETAIL_WORKERS = 8


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
    return UserRecord(user, groups, attached, inline, *credentials(client, name))


def credentials(client: IAMClient, name: str) -> tuple[list[MFADeviceTypeDef], bool | None, list[AccessKeyRecord]]:
    """What only the per-user calls tell: the user's MFA devices, whether it has a console password (login
    profile), and its access keys with their last use."""
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
    return mfa, login, keys


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


def listed_policies(
    client: IAMClient, scopes: Sequence[tuple[str, bool]] = (("Local", False), ("AWS", True))
) -> list[PolicyTypeDef]:
    """The managed policies of each (scope, only attached) pair."""
    return [
        policy
        for scope, only_attached in scopes
        for page in client.get_paginator("list_policies").paginate(Scope=scope, OnlyAttached=only_attached)  # type: ignore[arg-type]
        for policy in page["Policies"]
    ]


def read_policy(client: IAMClient, policy: PolicyTypeDef) -> PolicyRecord:
    document: object = None
    if policy.get("Arn") and policy.get("DefaultVersionId"):
        version = client.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        document = version["PolicyVersion"].get("Document")
    return PolicyRecord(policy, document)


def _group_name(group: GroupTypeDef) -> str:
    return group["GroupName"]


def submit(
    pool: ThreadPoolExecutor, items: Sequence[T], read: Callable[[T], R], what: str, name: Callable[[T], str]
) -> list[Future[R | None]]:
    """``read`` of every item on the pool; an entity deleted between the list call and its detail calls
    (NoSuchEntity) gives None."""

    def one(item: T) -> R | None:
        try:
            return read(item)
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
            log.info("IAM %s %s disappeared while being read; skipped", what, name(item))
            return None

    return [pool.submit(one, item) for item in items]


def results(futures: Sequence[Future[R | None]]) -> list[R]:
    """The futures' results in their order, the None ones left out (the first failure is raised)."""
    return [r for r in (f.result() for f in futures) if r is not None]


def instance_profiles(client: IAMClient) -> list[InstanceProfileTypeDef]:
    """Every instance profile, those holding no role included."""
    return [ip for p in client.get_paginator("list_instance_profiles").paginate() for ip in p["InstanceProfiles"]]


def virtual_mfa_devices(client: IAMClient) -> list[VirtualMFADeviceTypeDef]:
    """The account's virtual MFA devices, assigned or not."""
    return [
        d
        for p in client.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Any")
        for d in p["VirtualMFADevices"]
    ]


def get_iam_per_entity(client: IAMClient) -> IamPayload:
    """Read the account's IAM entities: the list calls, then every detail call, ``DETAIL_WORKERS`` at a time.
    A user, group or role deleted between the list and its detail calls (NoSuchEntity) is left out."""
    users = [u["UserName"] for p in client.get_paginator("list_users").paginate() for u in p["Users"]]
    groups = [g for p in client.get_paginator("list_groups").paginate() for g in p["Groups"]]
    roles = [r["RoleName"] for p in client.get_paginator("list_roles").paginate() for r in p["Roles"]]
    profiles = instance_profiles(client)
    listed = listed_policies(client)
    devices = virtual_mfa_devices(client)
    with ThreadPoolExecutor(max_workers=DETAIL_WORKERS, thread_name_prefix="iam") as pool:
        user_f = submit(pool, users, lambda n: _user(client, n), "user", str)
        group_f = submit(pool, groups, lambda g: GroupRecord(g, *_group(client, g["GroupName"])), "group", _group_name)
        role_f = submit(pool, roles, lambda n: _role(client, n), "role", str)
        policy_f = submit(pool, listed, lambda p: read_policy(client, p), "policy", lambda p: p.get("Arn", ""))
        return IamPayload(results(user_f), results(group_f), results(role_f), results(policy_f), profiles, devices)
