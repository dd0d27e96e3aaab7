"""IAM payloads to rows (pure): users, groups, roles, managed and inline policies with their statements,
instance profiles, access keys and MFA devices (virtual ones listed by the account, assigned or not, and each
user's own, hardware keys included). IAM is global: every row gets the region the unit runs with (``global``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.identity_policy import document_json, parse_document, statement_rows, trust_of

if TYPE_CHECKING:
    from mypy_boto3_iam.type_defs import (
        AccessKeyLastUsedTypeDef,
        AccessKeyMetadataTypeDef,
        GroupTypeDef,
        InstanceProfileTypeDef,
        MFADeviceTypeDef,
        PolicyTypeDef,
        RoleTypeDef,
        TagTypeDef,
        UserTypeDef,
        VirtualMFADeviceTypeDef,
    )

LABELS = (
    "IAMUser",
    "IAMGroup",
    "IAMRole",
    "IAMPolicy",
    "IAMPolicyStatement",
    "IAMInstanceProfile",
    "IAMAccessKey",
    "IAMMFADevice",
)


@dataclass(frozen=True)
class AccessKeyRecord:
    key: AccessKeyMetadataTypeDef
    last_used: AccessKeyLastUsedTypeDef | None = None


@dataclass(frozen=True)
class UserRecord:
    """A user with what the per-user calls returned. ``login_profile`` is None when unknown."""

    user: UserTypeDef
    group_names: Sequence[str] = ()
    attached_policy_arns: Sequence[str] = ()
    inline_policies: Mapping[str, object] = field(default_factory=dict)
    mfa_devices: Sequence[MFADeviceTypeDef] = ()
    login_profile: bool | None = None
    access_keys: Sequence[AccessKeyRecord] = ()


@dataclass(frozen=True)
class GroupRecord:
    group: GroupTypeDef
    attached_policy_arns: Sequence[str] = ()
    inline_policies: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RoleRecord:
    role: RoleTypeDef
    attached_policy_arns: Sequence[str] = ()
    inline_policies: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyRecord:
    """A managed policy and its default version's document."""

    policy: PolicyTypeDef
    document: object = None


@dataclass(frozen=True)
class IamPayload:
    users: Sequence[UserRecord] = ()
    groups: Sequence[GroupRecord] = ()
    roles: Sequence[RoleRecord] = ()
    policies: Sequence[PolicyRecord] = ()
    instance_profiles: Sequence[InstanceProfileTypeDef] = ()
    virtual_mfa_devices: Sequence[VirtualMFADeviceTypeDef] = ()


def tag_list(tags: Iterable[TagTypeDef] | None) -> tuple[str, ...]:
    return tags_from_pairs(tags)


def name_from(tags: Iterable[TagTypeDef] | None, fallback: str) -> str:
    for tag in tags or ():
        if tag.get("Key") == "Name" and tag.get("Value"):
            return str(tag["Value"])
    return fallback


def inline_policy_id(owner_arn: str, name: str) -> str:
    return f"{owner_arn}/inline/{name}"


def access_key_id(user_arn: str, key_id: str) -> str:
    return f"{user_arn}/access-key/{key_id}"


def mfa_device_id(serial: str, user_arn: str | None) -> str:
    """A virtual device's serial is its ARN; a hardware device's serial is keyed under its user."""
    return serial if serial.startswith("arn:") else f"{user_arn}/mfa/{serial}"


class _Rows:
    """Accumulates rows; policies (with their statements) are written once per id."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.nodes: list[NodeRow] = []
        self.edges: list[EdgeRow] = []
        self._ids: set[tuple[str, str]] = set()
        self._edge_keys: set[tuple[str, str, str]] = set()

    def seen(self, label: str, node_id: str) -> bool:
        return (label, node_id) in self._ids

    def node(self, label: str, node_id: str, name: str, tags: tuple[str, ...], **props: PropValue) -> None:
        if self.seen(label, node_id):
            return
        self._ids.add((label, node_id))
        base: dict[str, PropValue] = {"account": self.account, "region": self.region, "name": name, "tags": tags}
        self.nodes.append(NodeRow(label, node_id, {**base, **props}))

    def edge(self, type_: str, source_label: str, source_id: str, target_label: str, target_id: str) -> None:
        self.edges.append(EdgeRow(type_, source_label, source_id, target_label, target_id))

    def edge_once(self, type_: str, source_label: str, source_id: str, target_label: str, target_id: str) -> None:
        """An edge two listings may both show (a user's MFA device): written once."""
        key = (type_, source_id, target_id)
        if key not in self._edge_keys:
            self._edge_keys.add(key)
            self.edge(type_, source_label, source_id, target_label, target_id)

    def policy_document(self, policy_id: str, document: object) -> str | None:
        parsed = parse_document(document)
        for row in statement_rows(policy_id, parsed, self.account, self.region):
            self.nodes.append(row)
            self.edge("HAS_STATEMENT", "IAMPolicy", policy_id, "IAMPolicyStatement", row.id)
        return document_json(parsed)

    def policies_of(self, label: str, owner_arn: str, attached: Sequence[str], inline: Mapping[str, object]) -> None:
        for policy_arn in attached:
            self.edge("HAS_POLICY", label, owner_arn, "IAMPolicy", policy_arn)
        for name, document in sorted(inline.items()):
            policy_id = inline_policy_id(owner_arn, name)
            if self.seen("IAMPolicy", policy_id):
                continue
            text = self.policy_document(policy_id, document)
            self.node(
                "IAMPolicy",
                policy_id,
                name,
                (),
                policy_name=name,
                is_inline=True,
                is_aws_managed=False,
                owner_arn=owner_arn,
                document=text,
            )
            self.edge("HAS_POLICY", label, owner_arn, "IAMPolicy", policy_id)


def _users(rows: _Rows, users: Iterable[UserRecord], groups_by_name: Mapping[str, str]) -> None:
    for record in users:
        user = record.user
        user_arn, user_name = user["Arn"], user.get("UserName", "")
        tags = user.get("Tags")
        mfa = len(record.mfa_devices)
        rows.node(
            "IAMUser",
            user_arn,
            name_from(tags, user_name or user_arn),
            tag_list(tags),
            user_name=user_name,
            user_id=user.get("UserId"),
            path=user.get("Path"),
            created=user.get("CreateDate"),
            password_last_used=user.get("PasswordLastUsed"),
            console_access=record.login_profile,
            mfa_enabled=mfa > 0,
            mfa_device_count=mfa,
            permissions_boundary_arn=user.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
        )
        for group_name in record.group_names:
            if group_name in groups_by_name:
                rows.edge("MEMBER_OF", "IAMUser", user_arn, "IAMGroup", groups_by_name[group_name])
        rows.policies_of("IAMUser", user_arn, record.attached_policy_arns, record.inline_policies)
        for device in record.mfa_devices:
            serial = device.get("SerialNumber")
            if serial:
                node_id = mfa_device_id(serial, user_arn)
                _mfa_node(rows, node_id, serial, user_name, device.get("EnableDate"))
                rows.edge_once("HAS_MFA_DEVICE", "IAMUser", user_arn, "IAMMFADevice", node_id)
        for key_record in record.access_keys:
            key = key_record.key
            used: Mapping[str, object] = key_record.last_used or {}
            key_id = key.get("AccessKeyId")
            if not key_id:
                continue
            node_id = access_key_id(user_arn, key_id)
            service, region = used.get("ServiceName"), used.get("Region")
            last_used = used.get("LastUsedDate")
            rows.node(
                "IAMAccessKey",
                node_id,
                key_id,
                (),
                access_key_id=key_id,
                user_name=user_name,
                status=key.get("Status"),
                created=key.get("CreateDate"),
                last_used=last_used if isinstance(last_used, datetime) else None,
                last_used_service=service if isinstance(service, str) and service != "N/A" else None,
                last_used_region=region if isinstance(region, str) and region != "N/A" else None,
            )
            rows.edge("BELONGS_TO", "IAMAccessKey", node_id, "IAMUser", user_arn)


def _mfa_node(rows: _Rows, node_id: str, serial: str, user_name: str | None, enabled: object) -> None:
    rows.node(
        "IAMMFADevice",
        node_id,
        serial.rsplit("/", 1)[-1],
        (),
        serial_number=serial,
        virtual=serial.startswith("arn:") and ":mfa/" in serial,
        assigned=bool(user_name),
        user_name=user_name or None,
        enabled_at=enabled if isinstance(enabled, datetime) else None,
    )


def _virtual_mfa_devices(rows: _Rows, devices: Iterable[VirtualMFADeviceTypeDef]) -> None:
    """Every virtual device, assigned or not; one a user's own listing already wrote is kept as written."""
    for device in devices:
        serial = device.get("SerialNumber")
        if not serial:
            continue
        user: Mapping[str, object] = device.get("User") or {}
        user_arn, user_name = user.get("Arn"), user.get("UserName")
        node_id = mfa_device_id(serial, str(user_arn) if user_arn else None)
        _mfa_node(rows, node_id, serial, str(user_name) if user_name else None, device.get("EnableDate"))
        if user_arn:
            rows.edge_once("HAS_MFA_DEVICE", "IAMUser", str(user_arn), "IAMMFADevice", node_id)


def _roles(rows: _Rows, roles: Iterable[RoleRecord]) -> None:
    for record in roles:
        role = record.role
        role_arn, role_name = role["Arn"], role.get("RoleName", "")
        tags = role.get("Tags")
        trust_document = parse_document(role.get("AssumeRolePolicyDocument"))
        trust = trust_of(trust_document, rows.account)
        last_used = role.get("RoleLastUsed", {})
        rows.node(
            "IAMRole",
            role_arn,
            name_from(tags, role_name or role_arn),
            tag_list(tags),
            role_name=role_name,
            role_id=role.get("RoleId"),
            path=role.get("Path"),
            description=role.get("Description") or None,
            created=role.get("CreateDate"),
            max_session_duration=role.get("MaxSessionDuration"),
            last_used=last_used.get("LastUsedDate"),
            last_used_region=last_used.get("Region"),
            trust_policy=document_json(trust_document),
            trusted_principals=trust.principals,
            trusts_any_principal=trust.any_principal,
            trusts_foreign_accounts=trust.foreign_accounts,
            has_condition=trust.has_condition,
            permissions_boundary_arn=role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
        )
        rows.policies_of("IAMRole", role_arn, record.attached_policy_arns, record.inline_policies)


def _managed_policies(rows: _Rows, policies: Iterable[PolicyRecord]) -> None:
    for record in policies:
        policy = record.policy
        policy_arn = policy.get("Arn")
        if not policy_arn or rows.seen("IAMPolicy", policy_arn):
            continue
        name = policy.get("PolicyName") or policy_arn
        text = rows.policy_document(policy_arn, record.document)
        tags = policy.get("Tags")
        rows.node(
            "IAMPolicy",
            policy_arn,
            name_from(tags, name),
            tag_list(tags),
            policy_name=name,
            policy_id=policy.get("PolicyId"),
            path=policy.get("Path"),
            is_inline=False,
            is_aws_managed=policy_arn.split(":")[4:5] == ["aws"],
            default_version_id=policy.get("DefaultVersionId"),
            attachment_count=policy.get("AttachmentCount"),
            description=policy.get("Description") or None,
            created=policy.get("CreateDate"),
            updated=policy.get("UpdateDate"),
            document=text,
        )


def transform_iam(payload: IamPayload, account: str, region: str) -> Transformed:
    rows = _Rows(account, region)
    groups_by_name: dict[str, str] = {}
    for group_record in payload.groups:
        group = group_record.group
        group_arn, group_name = group["Arn"], group.get("GroupName", "")
        groups_by_name[group_name] = group_arn
        rows.node(
            "IAMGroup",
            group_arn,
            group_name or group_arn,
            (),
            group_name=group_name,
            group_id=group.get("GroupId"),
            path=group.get("Path"),
            created=group.get("CreateDate"),
        )
        rows.policies_of("IAMGroup", group_arn, group_record.attached_policy_arns, group_record.inline_policies)
    _users(rows, payload.users, groups_by_name)
    _virtual_mfa_devices(rows, payload.virtual_mfa_devices)
    _roles(rows, payload.roles)
    _managed_policies(rows, payload.policies)
    for profile in payload.instance_profiles:
        profile_arn, profile_name = profile["Arn"], profile.get("InstanceProfileName", "")
        tags = profile.get("Tags")
        rows.node(
            "IAMInstanceProfile",
            profile_arn,
            name_from(tags, profile_name or profile_arn),
            tag_list(tags),
            instance_profile_name=profile_name,
            instance_profile_id=profile.get("InstanceProfileId"),
            path=profile.get("Path"),
            created=profile.get("CreateDate"),
        )
        for role in profile.get("Roles", []):
            if role.get("Arn"):
                rows.edge("CONTAINS_ROLE", "IAMInstanceProfile", profile_arn, "IAMRole", role["Arn"])
    return Transformed(tuple(rows.nodes), tuple(rows.edges))
