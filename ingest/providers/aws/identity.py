"""AWS IAM, a global service: one unit per account (region ``global``).

get (every page of the list calls, virtual MFA devices included, then the per-user, per-group, per-role and
per-policy calls, ``DETAIL_WORKERS`` at a time) -> transform (pure, in ``identity_transform``). Managed policies
read are the customer managed ones (Scope=Local) and the AWS managed ones attached to something in the account
(Scope=AWS, OnlyAttached=True).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import ClientError

from ingest.providers.aws.client import AwsClients, error_code
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
    from mypy_boto3_iam.type_defs import GroupTypeDef, InstanceProfileTypeDef, PolicyTypeDef

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
# IAM is one unit per account, and its detail calls (several per user, group, role and policy) were read one
# after another: the longest unit of a small estate's discovery. They run this many at a time (boto3 clients
# are thread-safe).
DETAIL_WORKERS = 8


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


def _listed_policies(client: IAMClient) -> list[PolicyTypeDef]:
    return [
        policy
        for scope, only_attached in (("Local", False), ("AWS", True))
        for page in client.get_paginator("list_policies").paginate(Scope=scope, OnlyAttached=only_attached)  # type: ignore[arg-type]
        for policy in page["Policies"]
    ]


def _policy(client: IAMClient, policy: PolicyTypeDef) -> PolicyRecord:
    document: object = None
    if policy.get("Arn") and policy.get("DefaultVersionId"):
        version = client.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        document = version["PolicyVersion"].get("Document")
    return PolicyRecord(policy, document)


def _group_name(group: GroupTypeDef) -> str:
    return group["GroupName"]


def _submit(
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


def _results(futures: Sequence[Future[R | None]]) -> list[R]:
    """The futures' results in their order, the None ones left out (the first failure is raised)."""
    return [r for r in (f.result() for f in futures) if r is not None]


def get_iam(client: IAMClient) -> IamPayload:
    """Read the account's IAM entities: the list calls, then every detail call, ``DETAIL_WORKERS`` at a time.
    A user, group or role deleted between the list and its detail calls (NoSuchEntity) is left out."""
    users = [u["UserName"] for p in client.get_paginator("list_users").paginate() for u in p["Users"]]
    groups = [g for p in client.get_paginator("list_groups").paginate() for g in p["Groups"]]
    roles = [r["RoleName"] for p in client.get_paginator("list_roles").paginate() for r in p["Roles"]]
    profiles: list[InstanceProfileTypeDef] = [
        ip for p in client.get_paginator("list_instance_profiles").paginate() for ip in p["InstanceProfiles"]
    ]
    listed = _listed_policies(client)
    devices = [
        d
        for p in client.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Any")
        for d in p["VirtualMFADevices"]
    ]
    with ThreadPoolExecutor(max_workers=DETAIL_WORKERS, thread_name_prefix="iam") as pool:
        user_f = _submit(pool, users, lambda n: _user(client, n), "user", str)
        group_f = _submit(pool, groups, lambda g: GroupRecord(g, *_group(client, g["GroupName"])), "group", _group_name)
        role_f = _submit(pool, roles, lambda n: _role(client, n), "role", str)
        policy_f = _submit(pool, listed, lambda p: _policy(client, p), "policy", lambda p: p.get("Arn", ""))
        return IamPayload(_results(user_f), _results(group_f), _results(role_f), _results(policy_f), profiles, devices)


def fetch_iam(clients: AwsClients, region: str) -> IamPayload:
    return get_iam(iam_client(clients))


UNITS = (AwsUnit("iam", LABELS, fetch_iam, transform_iam, global_service=True),)
