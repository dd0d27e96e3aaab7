"""The IAM share of the generated estate (first account): users, groups, roles, policies, instance profiles, keys.

Clean: alice signs in with MFA, deploy-bot's key is fresh, the app and service roles trust one AWS service,
partner-audited trusts a foreign account only with an external id. Deliberate misconfigurations (each one
recorded on the manifest): bob signs in without MFA, ci-bot's access key is 120 days old, the full-admin
policy allows every action on every resource, open-to-anyone trusts "*", partner-access trusts a foreign
account without a condition.

No IAM API can create an old access key (AWS stamps the creation date), so ci-bot's key is aged in the
in-process moto server's own state, when the generator shares its process (it does in the demo, the tests
and the benchmark); against a remote endpoint the key stays fresh and is not recorded as a misconfiguration.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from devclouds.estate_manifest import Collected
from ingest.providers.aws.identity_transform import access_key_id, inline_policy_id

log = logging.getLogger(__name__)

CLOUD = "aws"
FOREIGN_ACCOUNT = "999988887777"
PASSWORD = "An-Example-Passw0rd!"  # noqa: S105 - a throwaway password for an emulator, never for AWS
OLD_KEY_DAYS = 120


@dataclass(frozen=True)
class Identity:
    """ARNs the other services of the estate run as."""

    app_profile: str
    admin_profile: str
    lambda_role: str
    task_role: str
    execution_role: str
    eks_role: str
    node_role: str
    invoice_role: str = ""


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal: object, condition: dict[str, object] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return _doc(statement)


def _statements(out: Collected, policy_id: str, document: str) -> None:
    for index, _ in enumerate(json.loads(document)["Statement"]):
        sid = f"{policy_id}/statement/{index}"
        out.add(CLOUD, "IAMPolicyStatement", sid, str(index))
        out.edge("HAS_STATEMENT", "IAMPolicy", policy_id, "IAMPolicyStatement", sid)


def _age_key(account: str, user: str, days: int) -> bool:
    """Back-date ``user``'s access keys in the in-process moto state; False when moto is elsewhere."""
    try:
        from moto.iam.models import iam_backends

        keys = iam_backends[account]["aws"].users[user].access_keys
    except (ImportError, KeyError):  # moto runs in another process: no way to age the key
        return False
    for key in keys:
        key.create_date = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days)
    return bool(keys)


def seed_identity(
    iam: Any, account: str, sensitive_bucket: str, out: Collected, uploads_bucket: str = "", invoices_queue: str = ""
) -> Identity:
    def policy(name: str, document: str) -> str:
        arn = str(iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"])
        out.add(CLOUD, "IAMPolicy", arn, name)
        _statements(out, arn, document)
        return arn

    def role(name: str, trust: str) -> str:
        arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"])
        out.add(CLOUD, "IAMRole", arn, name)
        return arn

    def attach(role_name: str, role_arn: str, policy_arn: str) -> None:
        iam.attach_role_policy(RoleName=role_name, PolicyArn=policy_arn)
        out.edge("HAS_POLICY", "IAMRole", role_arn, "IAMPolicy", policy_arn)

    def profile(name: str, role_name: str, role_arn: str) -> str:
        arn = str(iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Arn"])
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=role_name)
        out.add(CLOUD, "IAMInstanceProfile", arn, name)
        out.edge("CONTAINS_ROLE", "IAMInstanceProfile", arn, "IAMRole", role_arn)
        return arn

    admin = policy("full-admin", _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    out.misconfig(
        "iam-policy-admin-wildcard",
        CLOUD,
        "IAMPolicy",
        admin,
        "A customer managed policy allows Action '*' on Resource '*'.",
    )
    bucket = f"arn:aws:s3:::{sensitive_bucket}"
    reader = policy(
        "sensitive-reader",
        _doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [bucket, f"{bucket}/*"]}),
    )
    out.edge("ALLOWS_ACCESS_TO", "IAMPolicyStatement", f"{reader}/statement/0", "S3Bucket", bucket)
    out.edge("ALLOWS_ACCESS_TO", "IAMPolicyStatement", f"{admin}/statement/0", "S3Bucket", bucket)
    deployer = policy(
        "deployer",
        _doc({"Effect": "Allow", "Action": ["lambda:UpdateFunctionCode", "ecr:PutImage"], "Resource": "*"}),
    )

    group = str(iam.create_group(GroupName="admins")["Group"]["Arn"])
    out.add(CLOUD, "IAMGroup", group, "admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin)
    out.edge("HAS_POLICY", "IAMGroup", group, "IAMPolicy", admin)
    users: dict[str, str] = {}
    for name in ("alice", "bob", "ci-bot", "deploy-bot"):
        users[name] = str(iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "platform"}])["User"]["Arn"])
        out.add(CLOUD, "IAMUser", users[name], name, {"team": "platform"})
    for name in ("alice", "bob"):
        iam.create_login_profile(UserName=name, Password=PASSWORD)
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice", SerialNumber=mfa["SerialNumber"], AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    out.add(CLOUD, "IAMMFADevice", mfa["SerialNumber"], "alice-mfa")
    out.edge("HAS_MFA_DEVICE", "IAMUser", users["alice"], "IAMMFADevice", mfa["SerialNumber"])
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    out.edge("MEMBER_OF", "IAMUser", users["alice"], "IAMGroup", group)
    out.misconfig(
        "iam-user-console-without-mfa", CLOUD, "IAMUser", users["bob"], "bob has a console password and no MFA device."
    )
    iam.attach_user_policy(UserName="deploy-bot", PolicyArn=deployer)
    out.edge("HAS_POLICY", "IAMUser", users["deploy-bot"], "IAMPolicy", deployer)
    for name in ("ci-bot", "deploy-bot"):
        key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        key_node = access_key_id(users[name], key)
        out.add(CLOUD, "IAMAccessKey", key_node, key)
        out.edge("BELONGS_TO", "IAMAccessKey", key_node, "IAMUser", users[name])
        if name == "ci-bot" and _age_key(account, name, OLD_KEY_DAYS):
            out.misconfig(
                "iam-access-key-older-than-90-days",
                CLOUD,
                "IAMAccessKey",
                key_node,
                f"ci-bot's active access key was created {OLD_KEY_DAYS} days ago.",
            )

    ec2_trust = _trust({"Service": "ec2.amazonaws.com"})
    app = role("app-ec2", ec2_trust)
    attach("app-ec2", app, reader)
    admin_role = role("admin-ec2", ec2_trust)
    attach("admin-ec2", admin_role, admin)
    open_role = role("open-to-anyone", _trust({"AWS": "*"}))
    out.misconfig(
        "iam-role-trusts-anyone",
        CLOUD,
        "IAMRole",
        open_role,
        "The trust policy lets any principal ('*') assume the role.",
    )
    partner = role("partner-access", _trust({"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:root"}))
    out.misconfig(
        "iam-role-trusts-foreign-account-without-condition",
        CLOUD,
        "IAMRole",
        partner,
        f"Account {FOREIGN_ACCOUNT} may assume the role with no condition (no external id).",
    )
    inline_doc = _doc({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})
    iam.put_role_policy(RoleName="partner-access", PolicyName="partner-read", PolicyDocument=inline_doc)
    inline = inline_policy_id(partner, "partner-read")
    out.add(CLOUD, "IAMPolicy", inline, "partner-read")
    out.edge("HAS_POLICY", "IAMRole", partner, "IAMPolicy", inline)
    _statements(out, inline, inline_doc)
    role(
        "partner-audited",
        _trust(
            {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:root"}, {"StringEquals": {"sts:ExternalId": "estate-audit-7f3a"}}
        ),
    )
    lambda_trust = _trust({"Service": "lambda.amazonaws.com"})
    task_role = role("web-task", _trust({"Service": "ecs-tasks.amazonaws.com"}))
    invoice_role = role("invoice-writer", lambda_trust)
    if uploads_bucket:  # invoice-writer writes the uploads bucket's objects
        store = policy(
            "invoice-store",
            _doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{uploads_bucket}/*"}),
        )
        attach("invoice-writer", invoice_role, store)
    if invoices_queue:  # web-svc's tasks send to the invoices queue, over TLS only
        sender = policy(
            "web-invoices",
            _doc(
                {
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": invoices_queue,
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                }
            ),
        )
        attach("web-task", task_role, sender)
    identity = Identity(
        app_profile=profile("app-ec2-profile", "app-ec2", app),
        admin_profile=profile("admin-ec2-profile", "admin-ec2", admin_role),
        lambda_role=role("worker-lambda", lambda_trust),
        task_role=task_role,
        execution_role=role("web-task-execution", _trust({"Service": "ecs-tasks.amazonaws.com"})),
        eks_role=role("eks-cluster", _trust({"Service": "eks.amazonaws.com"})),
        node_role=role("eks-node", ec2_trust),
        invoice_role=invoice_role,
    )
    log.info("seeded the estate's IAM in %s", account)
    return identity
