"""Azure containers and identities: subscriptions, resource groups, role assignments, principals."""

from __future__ import annotations

from graph.schema.azure_kind import P, azure_kind
from graph.schema.model import FREE

__all__ = ["PRINCIPAL", "RESOURCE_GROUP", "ROLE_ASSIGNMENT", "SUBSCRIPTION"]

SUBSCRIPTION = azure_kind(
    "AzureSubscription",
    "resources",
    "An Azure subscription: the billing and access boundary that holds resource groups.",
    P("subscription_id", "string", "Subscription GUID.", indexed=True),
    P("tenant_id", "string", "Entra ID tenant the subscription trusts."),
    P("state", "string", "Enabled, Disabled, Warned, PastDue or Deleted."),
    billing=FREE,
)
RESOURCE_GROUP = azure_kind(
    "AzureResourceGroup",
    "resources",
    "A resource group: a container of resources in a subscription.",
    billing=FREE,
)
ROLE_ASSIGNMENT = azure_kind(
    "AzureRoleAssignment",
    "authorization",
    "An Azure RBAC role assignment: a principal holds a role at a scope.",
    P("principal_id", "string", "Object id of the principal.", indexed=True),
    P("principal_type", "string", "User, Group, ServicePrincipal or ForeignGroup."),
    P("role_definition_id", "string", "ARM id of the role definition (lower-case)."),
    P("role_name", "string", "Role name from the role definitions read (Owner, Contributor, ...).", indexed=True),
    P("role_type", "string", "BuiltInRole or CustomRole."),
    P("scope", "string", "Scope the role applies to (lower-case ARM id)."),
    billing=FREE,
)
PRINCIPAL = azure_kind(
    "AzurePrincipal",
    "authorization",
    "An Entra ID principal (user, group, service principal or managed identity) holding role assignments.",
    P("principal_id", "string", "Object id.", indexed=True),
    P("principal_type", "string", "User, Group, ServicePrincipal or ForeignGroup."),
    billing=FREE,
)
