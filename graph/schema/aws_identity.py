"""AWS identity node kinds and relationship types: the account itself, IAM users, groups, roles, policies and
their statements, instance profiles, access keys and MFA devices. IAM is global: every node has region ``global``."""

from __future__ import annotations

from graph.schema.common import SCOPED_PROPERTIES
from graph.schema.model import FREE, NodeKind, Property, RelType

P = Property

IAM_USER = NodeKind(
    label="IAMUser",
    provider="aws",
    service="iam",
    description="An IAM user: a long-lived identity with a password and/or access keys.",
    properties=(
        P("user_name", "string", "User name.", indexed=True),
        P("user_id", "string", "Unique id (AIDA...)."),
        P("path", "string", "IAM path."),
        P("created", "datetime", "When the user was created."),
        P("password_last_used", "datetime", "When the user's password was last used to sign in, if ever."),
        P("console_access", "bool", "Whether the user has a login profile (can sign in to the console).", indexed=True),
        P("mfa_enabled", "bool", "Whether at least one MFA device is enabled for the user.", indexed=True),
        P("mfa_device_count", "int", "Number of MFA devices."),
        P("permissions_boundary_arn", "string", "ARN of the permissions boundary policy, when set."),
    ),
    billing=FREE,
)

IAM_GROUP = NodeKind(
    label="IAMGroup",
    provider="aws",
    service="iam",
    description="An IAM group: a set of users that share policies.",
    properties=(
        P("group_name", "string", "Group name.", indexed=True),
        P("group_id", "string", "Unique id (AGPA...)."),
        P("path", "string", "IAM path."),
        P("created", "datetime", "When the group was created."),
    ),
    billing=FREE,
)

IAM_ROLE = NodeKind(
    label="IAMRole",
    provider="aws",
    service="iam",
    description="An IAM role: an identity assumed by the principals its trust policy names.",
    properties=(
        P("role_name", "string", "Role name.", indexed=True),
        P("role_id", "string", "Unique id (AROA...)."),
        P("path", "string", "IAM path."),
        P("description", "string", "Description given at creation."),
        P("created", "datetime", "When the role was created."),
        P("max_session_duration", "int", "Longest session, in seconds, an assumption may last."),
        P("last_used", "datetime", "When the role was last assumed, when known."),
        P("last_used_region", "string", "Region of the last assumption, when known."),
        P("trust_policy", "string", "The trust (assume role) policy document, as JSON."),
        P(
            "trusted_principals",
            "string[]",
            "Principals the trust policy allows, each as 'AWS:<arn or account>', 'Service:<service>', "
            "'Federated:<provider>', 'CanonicalUser:<id>' or '*'.",
        ),
        P("trusts_any_principal", "bool", "Whether an Allow statement trusts '*' (anyone).", indexed=True),
        P("trusts_foreign_accounts", "string[]", "Account ids other than this account that the role trusts."),
        P("has_condition", "bool", "Whether any Allow statement of the trust policy has a Condition."),
        P("permissions_boundary_arn", "string", "ARN of the permissions boundary policy, when set."),
    ),
    billing=FREE,
    iam_prefixes=("iam", "sts"),
)

IAM_POLICY = NodeKind(
    label="IAMPolicy",
    provider="aws",
    service="iam",
    description="An IAM permissions policy: managed (customer or AWS) or inline in a user, group or role.",
    properties=(
        P("policy_name", "string", "Policy name.", indexed=True),
        P("policy_id", "string", "Unique id (ANPA...), for managed policies."),
        P("path", "string", "IAM path, for managed policies."),
        P("is_inline", "bool", "Whether the policy is embedded in one user, group or role.", indexed=True),
        P("is_aws_managed", "bool", "Whether AWS owns the policy (arn:aws:iam::aws:policy/...)."),
        P("owner_arn", "string", "The user, group or role an inline policy is embedded in."),
        P("default_version_id", "string", "Default version of a managed policy (v1, v2, ...)."),
        P("attachment_count", "int", "Number of users, groups and roles a managed policy is attached to."),
        P("description", "string", "Description given at creation."),
        P("created", "datetime", "When a managed policy was created."),
        P("updated", "datetime", "When a managed policy's default version was last changed."),
        P("document", "string", "The policy document (default version for managed policies), as JSON."),
    ),
    billing=FREE,
)

IAM_POLICY_STATEMENT = NodeKind(
    label="IAMPolicyStatement",
    provider="aws",
    service="iam",
    description="One statement of an IAM policy document: an effect on actions over resources.",
    resource=False,
    properties=(
        P("id", "string", "Policy id + '/statement/' + the Sid, else the statement's index.", indexed=True),
        P("policy_arn", "string", "Id of the policy the statement belongs to."),
        P("sid", "string", "The statement's Sid, when it has one."),
        P("index", "int", "Position of the statement in the document, from 0."),
        P("effect", "string", "Allow or Deny.", indexed=True),
        P("actions", "string[]", "Action patterns, e.g. s3:GetObject or '*'."),
        P("not_actions", "string[]", "NotAction patterns."),
        P("resources", "string[]", "Resource ARN patterns."),
        P("not_resources", "string[]", "NotResource patterns."),
        P("has_condition", "bool", "Whether the statement has a Condition block."),
        P("condition", "string", "The statement's Condition block as JSON (sorted keys), when it has one."),
        P("is_admin", "bool", "Whether it allows every action ('*') on every resource ('*').", indexed=True),
        *SCOPED_PROPERTIES,
    ),
)

IAM_INSTANCE_PROFILE = NodeKind(
    label="IAMInstanceProfile",
    provider="aws",
    service="iam",
    description="An instance profile: the container that passes a role to EC2 instances.",
    properties=(
        P("instance_profile_name", "string", "Instance profile name.", indexed=True),
        P("instance_profile_id", "string", "Unique id (AIPA...)."),
        P("path", "string", "IAM path."),
        P("created", "datetime", "When the instance profile was created."),
    ),
    billing=FREE,
)

IAM_ACCESS_KEY = NodeKind(
    label="IAMAccessKey",
    provider="aws",
    service="iam",
    description="An access key of an IAM user. Only the key id is stored, never the secret.",
    properties=(
        P("access_key_id", "string", "Access key id (AKIA...).", indexed=True),
        P("user_name", "string", "The user the key belongs to."),
        P("status", "string", "Active or Inactive.", indexed=True),
        P("created", "datetime", "When the key was created."),
        P("last_used", "datetime", "When the key was last used, if ever."),
        P("last_used_service", "string", "Service the key was last used with."),
        P("last_used_region", "string", "Region the key was last used in."),
    ),
    billing=FREE,
)

IAM_MFA_DEVICE = NodeKind(
    label="IAMMFADevice",
    provider="aws",
    service="iam",
    description="An MFA device: virtual (listed by the account, assigned or not) or hardware/security key (listed "
    "per user). Only its serial number and assignment are stored, never a seed.",
    properties=(
        P("serial_number", "string", "Serial number: the device's ARN for a virtual device.", indexed=True),
        P("virtual", "bool", "Whether it is a virtual MFA device."),
        P("assigned", "bool", "Whether a user has it enabled.", indexed=True),
        P("user_name", "string", "The user it is enabled for, when assigned."),
        P("enabled_at", "datetime", "When it was enabled for its user."),
    ),
    billing=FREE,
)

AWS_ACCOUNT = NodeKind(
    label="AWSAccount",
    provider="aws",
    service="account",
    description=(
        "An AWS account: the boundary that holds every other AWS resource. Named by AWS Organizations when "
        "the discovery role may describe it, else by its IAM account alias, else by its id."
    ),
    properties=(
        P("account_id", "string", "The 12-digit account id.", indexed=True),
        P("alias", "string", "The account's IAM alias (its sign-in URL name), when it has one."),
        P("organization_name", "string", "The account's name in AWS Organizations, when it could be read."),
        P("organization_id", "string", "The organization it belongs to (o-...), when it could be read."),
        P("status", "string", "ACTIVE, SUSPENDED or PENDING_CLOSURE, as Organizations reports it."),
    ),
    billing=FREE,
)

NODES = (
    AWS_ACCOUNT,
    IAM_USER,
    IAM_GROUP,
    IAM_ROLE,
    IAM_POLICY,
    IAM_POLICY_STATEMENT,
    IAM_INSTANCE_PROFILE,
    IAM_ACCESS_KEY,
    IAM_MFA_DEVICE,
)

RELATIONSHIPS = (
    RelType("MEMBER_OF", "IAMUser", "IAMGroup", "The user is a member of this group."),
    RelType("HAS_POLICY", "IAMUser", "IAMPolicy", "The policy is attached to, or inline in, the user."),
    RelType("HAS_POLICY", "IAMGroup", "IAMPolicy", "The policy is attached to, or inline in, the group."),
    RelType("HAS_POLICY", "IAMRole", "IAMPolicy", "The policy is attached to, or inline in, the role."),
    RelType("HAS_STATEMENT", "IAMPolicy", "IAMPolicyStatement", "The policy document contains this statement."),
    RelType("CONTAINS_ROLE", "IAMInstanceProfile", "IAMRole", "Instances launched with the profile get this role."),
    RelType("BELONGS_TO", "IAMAccessKey", "IAMUser", "The access key signs requests as this user."),
    RelType("HAS_MFA_DEVICE", "IAMUser", "IAMMFADevice", "The user signs in with this MFA device."),
)
