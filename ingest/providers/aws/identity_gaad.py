"""AWS IAM read through GetAccountAuthorizationDetails: users, groups, roles and customer managed policies
with their group memberships, attached and inline policies, tags, permissions boundaries, roles' last use and
every policy version, one call per page (up to 1,000 entities) instead of several calls per entity.

The details leave out a few fields the transform reads, taken from the list calls (one call a page):
ListUsers for ``PasswordLastUsed``, ListRoles for ``Description`` and ``MaxSessionDuration``, and ListPolicies
(Scope=Local) for a policy's ``PolicyName`` and ``PolicyId`` where the details omit them (moto does; AWS
documents them in ManagedPolicyDetail). AWS managed
policies are not asked for (the filter would return all of them, over a thousand, with every version):
those attached to something in the account are listed and their default version read, as the per-entity
path does. What only the per-user calls tell (login profile, MFA devices, access keys and their last use),
instance profiles (those holding no role included) and virtual MFA devices are read as on that path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from ingest.providers.aws.client import error_code
from ingest.providers.aws.identity_entities import (
    DETAIL_WORKERS,
    credentials,
    instance_profiles,
    listed_policies,
    read_policy,
    results,
    submit,
    virtual_mfa_devices,
)
from ingest.providers.aws.identity_transform import GroupRecord, IamPayload, PolicyRecord, RoleRecord, UserRecord

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import (
        GetAccountAuthorizationDetailsResponseTypeDef,
        GroupDetailTypeDef,
        GroupTypeDef,
        ManagedPolicyDetailTypeDef,
        PolicyTypeDef,
        RoleDetailTypeDef,
        RoleTypeDef,
        UserDetailTypeDef,
        UserTypeDef,
    )

__all__ = ["DENIED", "FILTER", "Details", "authorization_details", "get_iam_gaad", "read_details"]

log = logging.getLogger(__name__)

FILTER = ("User", "Role", "Group", "LocalManagedPolicy")
"""The entity types asked for; AWSManagedPolicy is left out (see the module's description)."""
DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
"""Error codes meaning the caller may not call GetAccountAuthorizationDetails."""

# The detail lists of each entity, read into the records' own fields rather than kept in the entity.
_USER_LISTS = frozenset({"UserPolicyList", "GroupList", "AttachedManagedPolicies"})
_GROUP_LISTS = frozenset({"GroupPolicyList", "AttachedManagedPolicies"})
_ROLE_LISTS = frozenset({"InstanceProfileList", "RolePolicyList", "AttachedManagedPolicies"})
_POLICY_LISTS = frozenset({"PolicyVersionList"})
_LEFT_OUT_EMPTY = frozenset({"Tags", "Description"})
_NONE: Mapping[str, Any] = MappingProxyType({})


def authorization_details(client: IAMClient) -> list[GetAccountAuthorizationDetailsResponseTypeDef] | None:
    """Every page of GetAccountAuthorizationDetails, or None when the caller is denied it."""
    try:
        return list(client.get_paginator("get_account_authorization_details").paginate(Filter=list(FILTER)))  # type: ignore[arg-type]
    except ClientError as exc:
        if error_code(exc) not in DENIED:
            raise
        return None


def _aws_managed(arn: str) -> bool:
    return arn.split(":")[4:5] == ["aws"]


def _without(entity: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """The entity's own fields; empty tags and descriptions dropped, as the Get and List calls leave them out."""
    return {k: v for k, v in entity.items() if k not in keys and not (k in _LEFT_OUT_EMPTY and not v)}


def _attached(entity: Mapping[str, Any]) -> list[str]:
    """The ARNs of the attached managed policies (a single object read as a list of one, as the aws-cli
    documentation once printed it)."""
    raw = entity.get("AttachedManagedPolicies") or []
    items = [raw] if isinstance(raw, Mapping) else raw
    return [a["PolicyArn"] for a in items if isinstance(a, Mapping) and a.get("PolicyArn")]


def _inline(policies: Iterable[Mapping[str, Any]]) -> dict[str, object]:
    return {p["PolicyName"]: p.get("PolicyDocument") for p in policies if "PolicyName" in p}


def _user(detail: UserDetailTypeDef, listed: Mapping[str, UserTypeDef]) -> UserRecord:
    user = cast("UserTypeDef", {**listed.get(detail["UserName"], {}), **_without(detail, _USER_LISTS)})
    groups = list(detail.get("GroupList", []))
    return UserRecord(user, groups, _attached(detail), _inline(detail.get("UserPolicyList", [])))


def _group(detail: GroupDetailTypeDef) -> GroupRecord:
    group = cast("GroupTypeDef", _without(detail, _GROUP_LISTS))
    return GroupRecord(group, _attached(detail), _inline(detail.get("GroupPolicyList", [])))


def _role(detail: RoleDetailTypeDef, listed: Mapping[str, RoleTypeDef]) -> RoleRecord:
    role = cast("RoleTypeDef", {**listed.get(detail["RoleName"], {}), **_without(detail, _ROLE_LISTS)})
    return RoleRecord(role, _attached(detail), _inline(detail.get("RolePolicyList", [])))


def _policy(detail: ManagedPolicyDetailTypeDef, listed: Mapping[str, PolicyTypeDef]) -> PolicyRecord:
    """The policy and its default version's document, found among the versions the details carry."""
    default = detail.get("DefaultVersionId")
    document = next(
        (v.get("Document") for v in detail.get("PolicyVersionList", []) if v.get("VersionId") == default), None
    )
    policy = cast("PolicyTypeDef", {**listed.get(detail.get("Arn", ""), {}), **_without(detail, _POLICY_LISTS)})
    return PolicyRecord(policy, document)


@dataclass(frozen=True)
class Details:
    """What the details' pages say, as the per-entity records (users without their credential calls)."""

    users: list[UserRecord]
    groups: list[GroupRecord]
    roles: list[RoleRecord]
    policies: list[PolicyRecord]


def read_details(
    pages: Iterable[GetAccountAuthorizationDetailsResponseTypeDef],
    users: Mapping[str, UserTypeDef] = _NONE,
    roles: Mapping[str, RoleTypeDef] = _NONE,
    policies: Mapping[str, PolicyTypeDef] = _NONE,
) -> Details:
    """The records of the details' ``pages`` (pure), completed with the listed ``users``, ``roles`` and
    ``policies`` (by user name, role name and policy ARN) for the fields the details leave out."""
    pages = list(pages)
    return Details(
        [_user(d, users) for p in pages for d in p.get("UserDetailList", [])],
        [_group(d) for p in pages for d in p.get("GroupDetailList", [])],
        [_role(d, roles) for p in pages for d in p.get("RoleDetailList", [])],
        [_policy(d, policies) for p in pages for d in p.get("Policies", [])],
    )


def _with_credentials(client: IAMClient, user: UserRecord) -> UserRecord:
    mfa, login, keys = credentials(client, user.user["UserName"])
    return UserRecord(user.user, user.group_names, user.attached_policy_arns, user.inline_policies, mfa, login, keys)


def get_iam_gaad(client: IAMClient, pages: Iterable[GetAccountAuthorizationDetailsResponseTypeDef]) -> IamPayload:
    """The account's IAM entities from the details' ``pages`` and the calls they do not answer, the per-user
    and per-policy ones ``DETAIL_WORKERS`` at a time. A user deleted before its credential calls
    (NoSuchEntity) is left out."""
    listed_users = {u["UserName"]: u for p in client.get_paginator("list_users").paginate() for u in p["Users"]}
    listed_roles = {r["RoleName"]: r for p in client.get_paginator("list_roles").paginate() for r in p["Roles"]}
    listed = listed_policies(client)
    local_listed = {p["Arn"]: p for p in listed if "Arn" in p and not _aws_managed(p["Arn"])}
    details = read_details(pages, listed_users, listed_roles, local_listed)
    aws_attached = [p for p in listed if _aws_managed(p.get("Arn", ""))]
    profiles = instance_profiles(client)
    devices = virtual_mfa_devices(client)
    with ThreadPoolExecutor(max_workers=DETAIL_WORKERS, thread_name_prefix="iam") as pool:
        user_f = submit(
            pool, details.users, lambda u: _with_credentials(client, u), "user", lambda u: u.user["UserName"]
        )
        policy_f = submit(pool, aws_attached, lambda p: read_policy(client, p), "policy", lambda p: p.get("Arn", ""))
        return IamPayload(
            results(user_f), details.groups, details.roles, [*details.policies, *results(policy_f)], profiles, devices
        )
