"""The IAM transform is pure: recorded IAM payloads in, exact NodeRows and EdgeRows out.

The recorded payloads also cover what the moto-backed discovery test cannot: AWS managed policies
(moto loads them only on request), URL-encoded documents, federated and multi-account trust policies,
role last-used data, access key last-used data and malformed entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from ingest.providers.aws.identity_policy import account_of, parse_document, statement_rows, trust_of
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

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "identity"
ACCOUNT = "111122223333"
REGION = "global"
IAM = f"arn:aws:iam::{ACCOUNT}"

_TIMESTAMPS = frozenset({"CreateDate", "UpdateDate", "PasswordLastUsed", "LastUsedDate", "EnableDate"})

OfflineWriter = Callable[[Transformed], list[dict[str, Any]]]


def _parse_timestamps(obj: dict[str, Any]) -> dict[str, Any]:
    for key in _TIMESTAMPS & obj.keys():
        obj[key] = datetime.fromisoformat(obj[key])
    return obj


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(), object_hook=_parse_timestamps)


def payload() -> IamPayload:
    users = [
        UserRecord(
            u["User"],
            [g["GroupName"] for g in u["Groups"]],
            [a["PolicyArn"] for a in u["AttachedPolicies"]],
            u["UserPolicies"],
            u["MFADevices"],
            u["LoginProfile"] is not None,
            [AccessKeyRecord(k["AccessKeyMetadata"], k["AccessKeyLastUsed"]) for k in u["AccessKeys"]],
        )
        for u in load("users.json")["Users"]
    ]
    groups = [
        GroupRecord(g["Group"], [a["PolicyArn"] for a in g["AttachedPolicies"]], g["GroupPolicies"])
        for g in load("groups.json")["Groups"]
    ]
    roles = [
        RoleRecord(r["Role"], [a["PolicyArn"] for a in r["AttachedPolicies"]], r["RolePolicies"])
        for r in load("roles.json")["Roles"]
    ]
    policies = [PolicyRecord(p["Policy"], p["Document"]) for p in load("policies.json")["Policies"]]
    profiles = load("list_instance_profiles.json")["InstanceProfiles"]
    return IamPayload(users, groups, roles, policies, profiles)


@pytest.fixture(scope="module")
def rows() -> Transformed:
    return transform_iam(payload(), ACCOUNT, REGION)


def node(rows: Transformed, node_id: str) -> NodeRow:
    matches = [n for n in rows.nodes if n.id == node_id]
    assert len(matches) == 1, node_id
    return matches[0]


def edges_of(rows: Transformed, type_: str) -> set[tuple[str, str]]:
    return {(e.source_id, e.target_id) for e in rows.edges if e.type == type_}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- users ---------------------------------------------------------------------------------------


def test_user_with_console_mfa_boundary_and_name_tag_becomes_an_iam_user_node(rows: Transformed) -> None:
    assert node(rows, f"{IAM}:user/dana") == NodeRow(
        "IAMUser",
        f"{IAM}:user/dana",
        {
            "account": ACCOUNT,
            "region": "global",
            "name": "Dana (platform)",
            "tags": ("Name=Dana (platform)", "team=platform"),
            "user_name": "dana",
            "user_id": "AIDAQ3EGXEXAMPLE1111",
            "path": "/",
            "created": at("2023-02-14T09:12:44+00:00"),
            "password_last_used": at("2025-10-01T17:03:12+00:00"),
            "console_access": True,
            "mfa_enabled": True,
            "mfa_device_count": 1,
            "permissions_boundary_arn": f"{IAM}:policy/boundary",
        },
    )


def test_service_user_without_login_profile_or_mfa(rows: Transformed) -> None:
    props = node(rows, f"{IAM}:user/service/deployer").props
    assert (props["name"], props["path"], props["console_access"], props["mfa_enabled"], props["mfa_device_count"]) == (
        "deployer",
        "/service/",
        False,
        False,
        0,
    )
    assert props["password_last_used"] is None


def test_access_keys_keep_the_key_id_status_and_last_use_and_point_at_their_user(rows: Transformed) -> None:
    user = f"{IAM}:user/service/deployer"
    used = node(rows, f"{user}/access-key/AKIAQ3EGXEXAMPLEKEY1")
    assert used.label == "IAMAccessKey"
    assert used.props == {
        "account": ACCOUNT,
        "region": "global",
        "name": "AKIAQ3EGXEXAMPLEKEY1",
        "tags": (),
        "access_key_id": "AKIAQ3EGXEXAMPLEKEY1",
        "user_name": "deployer",
        "status": "Active",
        "created": at("2021-07-30T12:05:00+00:00"),
        "last_used": at("2025-11-20T03:14:00+00:00"),
        "last_used_service": "s3",
        "last_used_region": "eu-west-1",
    }
    never = node(rows, f"{user}/access-key/AKIAQ3EGXEXAMPLEKEY2").props
    # AWS reports a key that was never used with ServiceName and Region "N/A" and no date
    assert (never["status"], never["last_used"], never["last_used_service"], never["last_used_region"]) == (
        "Inactive",
        None,
        None,
        None,
    )
    assert edges_of(rows, "BELONGS_TO") == {
        (f"{user}/access-key/AKIAQ3EGXEXAMPLEKEY1", user),
        (f"{user}/access-key/AKIAQ3EGXEXAMPLEKEY2", user),
    }


def test_no_property_of_any_row_holds_a_secret_access_key(rows: Transformed) -> None:
    for row in rows.nodes:
        assert not any("secret" in key.lower() for key in row.props), row.id


def test_malformed_user_is_kept_by_arn_and_a_key_without_id_is_dropped(rows: Transformed) -> None:
    ghost = node(rows, f"{IAM}:user/ghost")
    assert (ghost.props["name"], ghost.props["user_name"], ghost.props["console_access"]) == (
        f"{IAM}:user/ghost",
        "",
        False,
    )
    assert [n.id for n in rows.nodes if n.label == "IAMAccessKey" and "ghost" in n.id] == []
    broken = node(rows, f"{IAM}:user/ghost/inline/broken")
    assert (broken.props["is_inline"], broken.props["document"]) == (True, None)
    assert [e for e in rows.edges if e.type == "HAS_STATEMENT" and e.source_id == broken.id] == []


def test_membership_only_in_groups_that_were_listed(rows: Transformed) -> None:
    # deployer's group was deleted between list_groups and list_groups_for_user
    assert edges_of(rows, "MEMBER_OF") == {(f"{IAM}:user/dana", f"{IAM}:group/admins")}


# --- policies and statements ---------------------------------------------------------------------


def test_url_encoded_inline_user_policy_is_decoded_into_a_policy_and_its_statement(rows: Transformed) -> None:
    policy_id = f"{IAM}:user/service/deployer/inline/deploy-artifacts"
    policy = node(rows, policy_id)
    assert policy.props == {
        "account": ACCOUNT,
        "region": "global",
        "name": "deploy-artifacts",
        "tags": (),
        "policy_name": "deploy-artifacts",
        "is_inline": True,
        "is_aws_managed": False,
        "owner_arn": f"{IAM}:user/service/deployer",
        "document": '{"Statement":[{"Action":"s3:PutObject","Effect":"Allow","Resource":"arn:aws:s3:::artifacts/*",'
        '"Sid":"Put"}],"Version":"2012-10-17"}',
    }
    statement = node(rows, f"{policy_id}/statement/Put")
    assert statement.props == {
        "account": ACCOUNT,
        "region": "global",
        "policy_arn": policy_id,
        "sid": "Put",
        "index": 0,
        "effect": "Allow",
        "actions": ("s3:PutObject",),
        "not_actions": None,
        "resources": ("arn:aws:s3:::artifacts/*",),
        "not_resources": None,
        "has_condition": False,
        "condition": None,
        "is_admin": False,
    }


def test_customer_managed_policy_with_duplicate_sids_keys_statements_by_index(rows: Transformed) -> None:
    policy_id = f"{IAM}:policy/web-data"
    props = node(rows, policy_id).props
    assert (props["policy_id"], props["is_inline"], props["is_aws_managed"], props["default_version_id"]) == (
        "ANPAQ3EGXEXAMPLE7777",
        False,
        False,
        "v3",
    )
    assert (props["attachment_count"], props["updated"]) == (1, at("2024-09-09T09:09:09+00:00"))
    statements = {n.id: n.props for n in rows.nodes if n.label == "IAMPolicyStatement" and n.id.startswith(policy_id)}
    assert sorted(statements) == [f"{policy_id}/statement/{i}" for i in (0, 1, 2)]
    assert statements[f"{policy_id}/statement/1"]["sid"] == "Objects"
    third = statements[f"{policy_id}/statement/2"]
    assert (third["actions"], third["resources"], third["not_resources"], third["has_condition"]) == (
        ("kms:Decrypt",),
        None,
        ("arn:aws:kms:us-west-2:111122223333:key/legacy",),
        True,
    )
    assert third["condition"] == '{"StringEquals":{"kms:ViaService":"s3.us-west-2.amazonaws.com"}}'


def test_aws_managed_admin_policy_is_flagged_and_its_statement_is_admin(rows: Transformed) -> None:
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    props = node(rows, arn).props
    assert (props["is_aws_managed"], props["is_inline"], props["name"]) == (True, False, "AdministratorAccess")
    assert node(rows, f"{arn}/statement/0").props["is_admin"] is True
    admins = [n.id for n in rows.nodes if n.label == "IAMPolicyStatement" and n.props["is_admin"]]
    assert admins == [f"{arn}/statement/0"]


def test_managed_policy_without_readable_document_is_kept_without_statements(rows: Transformed) -> None:
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert node(rows, arn).props["document"] is None
    assert [e for e in rows.edges if e.source_id == arn] == []


def test_has_policy_edges_cover_attached_and_inline_policies_of_users_groups_and_roles(rows: Transformed) -> None:
    assert edges_of(rows, "HAS_POLICY") == {
        (f"{IAM}:user/dana", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        (f"{IAM}:user/service/deployer", f"{IAM}:user/service/deployer/inline/deploy-artifacts"),
        (f"{IAM}:user/ghost", f"{IAM}:user/ghost/inline/broken"),
        (f"{IAM}:group/admins", "arn:aws:iam::aws:policy/AdministratorAccess"),
        (f"{IAM}:group/admins", f"{IAM}:group/admins/inline/deny-leaving-org"),
        (f"{IAM}:role/web-server", f"{IAM}:policy/web-data"),
        (f"{IAM}:role/cross-account-audit", "arn:aws:iam::aws:policy/SecurityAudit"),
        (f"{IAM}:role/cross-account-audit", f"{IAM}:role/cross-account-audit/inline/read-findings"),
    }
    kinds = {(e.source_label, e.target_label) for e in rows.edges if e.type == "HAS_POLICY"}
    assert kinds == {("IAMUser", "IAMPolicy"), ("IAMGroup", "IAMPolicy"), ("IAMRole", "IAMPolicy")}


# --- roles ---------------------------------------------------------------------------------------


def test_service_role_trust_last_use_and_session_duration(rows: Transformed) -> None:
    assert node(rows, f"{IAM}:role/web-server").props == {
        "account": ACCOUNT,
        "region": "global",
        "name": "web-server",
        "tags": ("env=prod",),
        "role_name": "web-server",
        "role_id": "AROAQ3EGXEXAMPLE4444",
        "path": "/",
        "description": "Web tier instances",
        "created": at("2022-06-10T11:00:00+00:00"),
        "max_session_duration": 3600,
        "last_used": at("2025-11-26T22:10:00+00:00"),
        "last_used_region": "us-west-2",
        "trust_policy": '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":'
        '{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"}',
        "trusted_principals": ("Service:ec2.amazonaws.com",),
        "trusts_any_principal": False,
        "trusts_foreign_accounts": (),
        "has_condition": False,
        "permissions_boundary_arn": None,
    }


def test_cross_account_role_lists_foreign_accounts_federation_and_condition_and_ignores_deny(
    rows: Transformed,
) -> None:
    props = node(rows, f"{IAM}:role/cross-account-audit").props
    assert props["trusted_principals"] == (
        "AWS:arn:aws:iam::444455556666:root",
        "AWS:777788889999",
        f"AWS:{IAM}:role/web-server",
        f"Federated:{IAM}:oidc-provider/token.actions.githubusercontent.com",
    )
    assert props["trusts_foreign_accounts"] == ("444455556666", "777788889999")
    assert (props["trusts_any_principal"], props["has_condition"]) == (False, True)
    assert (props["max_session_duration"], props["last_used"], props["last_used_region"]) == (43200, None, None)


def test_url_encoded_trust_policy_with_star_principal_trusts_anyone(rows: Transformed) -> None:
    props = node(rows, f"{IAM}:role/legacy-open").props
    assert (props["trusted_principals"], props["trusts_any_principal"], props["has_condition"]) == (("*",), True, False)
    assert props["trust_policy"] == (
        '{"Statement":{"Action":"sts:AssumeRole","Effect":"Allow","Principal":"*"},"Version":"2012-10-17"}'
    )


def test_instance_profiles_contain_their_roles(rows: Transformed) -> None:
    assert node(rows, f"{IAM}:instance-profile/empty").props["instance_profile_id"] == "AIPAQ3EGXEXAMPLE0000"
    assert edges_of(rows, "CONTAINS_ROLE") == {(f"{IAM}:instance-profile/web-server", f"{IAM}:role/web-server")}


# --- the policy helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("123456789012", "123456789012"),
        ("arn:aws:iam::123456789012:user/x", "123456789012"),
        ("arn:aws-cn:iam::210987654321:root", "210987654321"),
        ("*", None),
        ("AROAEXAMPLEUNIQUEID", None),
    ],
)
def test_account_of_an_aws_principal(principal: str, expected: str | None) -> None:
    assert account_of(principal) == expected


def test_allow_with_not_principal_trusts_any_principal() -> None:
    document = {"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::999999999999:root"}}]}
    assert trust_of(document, ACCOUNT).any_principal is True


@pytest.mark.parametrize(
    "document", [None, 42, "", "not json", "[1, 2]", {"Statement": "nonsense"}, {"Statement": [7]}]
)
def test_unreadable_or_odd_documents_give_no_statements_and_no_trust(document: object) -> None:
    parsed = parse_document(document)
    assert statement_rows("p", parsed, ACCOUNT, REGION) == []
    assert trust_of(parsed, ACCOUNT) == trust_of(None, ACCOUNT)
    assert trust_of(None, ACCOUNT).principals == ()


def test_allow_all_with_not_action_is_not_admin() -> None:
    document = {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    assert statement_rows("p", document, ACCOUNT, REGION)[0].props["is_admin"] is False


def test_deny_all_is_not_admin() -> None:
    document = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    assert statement_rows("p", document, ACCOUNT, REGION)[0].props["is_admin"] is False


# --- the whole transform -------------------------------------------------------------------------


def test_node_ids_are_unique_and_every_edge_end_is_a_node_except_unlisted_managed_policies(rows: Transformed) -> None:
    ids = [(n.label, n.id) for n in rows.nodes]
    assert len(ids) == len(set(ids))
    known = set(ids)
    dangling = {
        (e.target_label, e.target_id)
        for e in rows.edges
        if (e.source_label, e.source_id) not in known or (e.target_label, e.target_id) not in known
    }
    # SecurityAudit is attached but was not in the recorded list_policies answer: the writer skips that edge
    assert dangling == {("IAMPolicy", "arn:aws:iam::aws:policy/SecurityAudit")}
    assert {n.label for n in rows.nodes} == set(LABELS)


def test_each_node_label_and_edge_is_declared_in_the_schema(rows: Transformed) -> None:
    for row in rows.nodes:
        SCHEMA.node(row.label)
    for edge in rows.edges:
        SCHEMA.relationship(edge.type, edge.source_label, edge.target_label)


def test_every_transformed_row_passes_the_writers_schema_checks(
    rows: Transformed, offline_writer: OfflineWriter
) -> None:
    offline_writer(rows)


def test_edge_rows_carry_no_properties(rows: Transformed) -> None:
    assert {e.props for e in rows.edges} == {None}
    assert EdgeRow("MEMBER_OF", "IAMUser", f"{IAM}:user/dana", "IAMGroup", f"{IAM}:group/admins") in rows.edges
