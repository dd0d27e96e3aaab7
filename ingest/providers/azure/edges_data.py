"""Edges of Azure data stores: Key Vault access policies, SQL databases and firewall rules, and the
private endpoint connections of every private link target (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.providers.azure.builder import Builder, EdgeFn, parent_id
from ingest.providers.azure.props import as_list, get, lid, ref, strings
from ingest.providers.azure.query import ArmRow

__all__ = ["DATA_EDGES", "private_endpoint_connections"]


def _key_vault(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    label, rid = me
    for policy in as_list(get(row, "properties", "accessPolicies")):
        principal = lid(get(policy, "objectId"))
        if not principal:
            continue
        out.principal(principal, lid(row.get("subscriptionId")) or rid.split("/")[2], None)
        perms = get(policy, "permissions")
        out.edge(
            "HAS_ROLE",
            ("AzurePrincipal", principal),
            label,
            rid,
            {
                "role": "access policy",
                "keys": strings(as_list(get(perms, "keys"))),
                "secrets": strings(as_list(get(perms, "secrets"))),
                "certificates": strings(as_list(get(perms, "certificates"))),
            },
        )


def _sql_database(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    out.edge("HAS_DATABASE", ("AzureSqlServer", parent_id(me[1], "databases")), *me)


def _sql_firewall_rule(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    out.edge("HAS_FIREWALL_RULE", ("AzureSqlServer", parent_id(me[1], "firewallrules")), *me)


def private_endpoint_connections(out: Builder, me: tuple[str, str], row: ArmRow) -> None:
    """The private endpoints a private link target names as connected to it."""
    for conn in as_list(get(row, "properties", "privateEndpointConnections")):
        endpoint = ref(get(conn, "properties", "privateEndpoint"))
        out.edge("CONNECTS_TO", ("AzurePrivateEndpoint", endpoint), *me)


DATA_EDGES: Mapping[str, EdgeFn] = {
    "AzureKeyVault": _key_vault,
    "AzureSqlDatabase": _sql_database,
    "AzureSqlFirewallRule": _sql_firewall_rule,
}
