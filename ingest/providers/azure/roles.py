"""Role assignments and the principals holding them -> nodes and edges (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ingest.providers.azure.builder import (
    GLOBAL,
    LABEL_BY_TYPE,
    Builder,
    account_of,
    base_props,
    parent_id,
)
from ingest.providers.azure.props import get, lid
from ingest.providers.azure.query import ArmRow

__all__ = ["principal_nodes", "role_names", "transform_role_assignments"]

_SCOPE_LABELS = frozenset({"AzureSubscription", "AzureResourceGroup", *LABEL_BY_TYPE.values(), "AzureResource"})


def role_names(rows: Iterable[ArmRow]) -> dict[str, tuple[str, str | None]]:
    """Role definition GUID (lower-case) -> (role name, BuiltInRole or CustomRole), from roleDefinitions rows."""
    names: dict[str, tuple[str, str | None]] = {}
    for row in rows:
        name = get(row, "properties", "roleName")
        guid = lid(row.get("name")) or lid(row.get("id")).rsplit("/", 1)[-1]
        if guid and isinstance(name, str) and name:
            kind = get(row, "properties", "type")
            names[guid] = (name, kind if isinstance(kind, str) else None)
    return names


def transform_role_assignments(
    rows: Iterable[ArmRow], b: Builder, roles: Mapping[str, tuple[str, str | None]] | None = None
) -> None:
    roles = roles or {}
    for row in rows:
        rid = lid(row.get("id"))
        p = get(row, "properties")
        principal = lid(get(p, "principalId"))
        if not rid:
            continue
        account = account_of(row)
        role = lid(get(p, "roleDefinitionId"))
        principal_type = get(p, "principalType")
        scope = lid(get(p, "scope")) or parent_id(rid, "providers/microsoft.authorization")
        role_name, role_type = roles.get(role.rsplit("/", 1)[-1], (None, None))
        props = base_props(row, account, GLOBAL)
        props.update(
            principal_id=principal or None,
            principal_type=principal_type if isinstance(principal_type, str) else None,
            role_definition_id=role or None,
            role_name=role_name,
            role_type=role_type,
            scope=scope,
        )
        b.node("AzureRoleAssignment", rid, props)
        if principal:
            b.edge("ASSIGNED_TO", ("AzureRoleAssignment", rid), "AzurePrincipal", principal)
            b.principal(principal, account, principal_type if isinstance(principal_type, str) else None)
        b.edge_to_known("GRANTS_ACCESS_TO", ("AzureRoleAssignment", rid), scope, _SCOPE_LABELS)


def principal_nodes(b: Builder) -> None:
    """One AzurePrincipal node per principal the builder has seen."""
    for principal, (account, principal_type) in sorted(b.principals.items()):
        b.node(
            "AzurePrincipal",
            principal,
            {
                "account": account,
                "region": GLOBAL,
                "name": principal,
                "tags": (),
                "resource_type": None,
                "principal_id": principal,
                "principal_type": principal_type,
            },
        )
