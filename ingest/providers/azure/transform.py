"""Resource Graph rows -> graph rows (pure).

Every row becomes a node: a typed label for the kinds in ``graph.schema.azure``, ``AzureResource``
otherwise. Sub-resources that Resource Graph returns inline (subnets, NSG rules, LB backend pools,
VNet peerings, AKS agent pools) become nodes keyed by their own ARM id (``children``). Edges come
from ARM property references, by family (``edges_network``, ``edges_compute``, ``edges_data``); an
edge whose target nobody wrote is skipped by the writer, never invented here, except where the
target's label is only known from the rows (role scopes, private link targets, app gateway host
names): those are emitted only when the target is among the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from graph.rows import EdgeRow, Transformed
from ingest.providers.azure.builder import (
    PRIVATE_LINK_TARGETS,
    RESOURCE_GROUP_TYPE,
    SUBSCRIPTION_TYPE,
    Builder,
    EdgeFn,
    account_of,
    arm_row,
    backend_target,
    base_props,
    label_for,
    parent_id,
    region_of,
    resource_group_id,
    tag_tuple,
)
from ingest.providers.azure.children import children
from ingest.providers.azure.edges_compute import COMPUTE_EDGES
from ingest.providers.azure.edges_data import DATA_EDGES, private_endpoint_connections
from ingest.providers.azure.edges_network import NETWORK_EDGES
from ingest.providers.azure.props import get, lid, typed_props
from ingest.providers.azure.query import ArmRow, AzurePayload
from ingest.providers.azure.roles import principal_nodes, role_names, transform_role_assignments
from ingest.providers.references import Unresolved, unresolved

__all__ = [
    "SUBSCRIPTION_TYPE",
    "AzureRead",
    "arm_row",
    "backend_target",
    "label_for",
    "read_azure",
    "role_names",
    "tag_tuple",
    "transform_azure",
    "transform_containers",
    "transform_resources",
    "transform_sql_firewall_rules",
]

_EDGES: Mapping[str, EdgeFn] = {**NETWORK_EDGES, **COMPUTE_EDGES, **DATA_EDGES}


def transform_containers(rows: Iterable[ArmRow], b: Builder) -> None:
    for row in rows:
        rid, type_ = lid(row.get("id")), lid(row.get("type"))
        if not rid:
            continue
        account = account_of(row)
        props = base_props(row, account, region_of(row))
        if type_ == SUBSCRIPTION_TYPE:
            props.update(
                subscription_id=account,
                tenant_id=row.get("tenantId") or None,
                state=get(row, "properties", "state"),
                resource_group=None,
            )
            b.node("AzureSubscription", rid, props)
        elif type_ == RESOURCE_GROUP_TYPE:
            b.node("AzureResourceGroup", rid, props)
            b.edge("IN_SUBSCRIPTION", ("AzureResourceGroup", rid), "AzureSubscription", f"/subscriptions/{account}")


def transform_resources(rows: Iterable[ArmRow], b: Builder) -> None:
    rows = list(rows)
    host_names = {
        str(get(r, "properties", "defaultHostName")).lower(): lid(r.get("id"))
        for r in rows
        if label_for(lid(r.get("type"))) == "AzureWebApp" and get(r, "properties", "defaultHostName")
    }
    deferred: list[tuple[str, str, ArmRow]] = []
    for row in rows:
        rid = lid(row.get("id"))
        if not rid:
            continue
        label = label_for(lid(row.get("type")))
        account, region = account_of(row), region_of(row)
        props = base_props(row, account, region)
        props.update(typed_props(label, row))
        b.node(label, rid, props)
        b.edge("IN_RESOURCE_GROUP", (label, rid), "AzureResourceGroup", resource_group_id(row, account))
        for child in children(label, rid, row, account, region):
            b.node(*child)
        deferred.append((label, rid, row))
    for label, rid, row in deferred:  # after every node is known: some edges need the target's label
        for edge in _edges(label, rid, row, b, host_names):
            b.edges.append(edge)


def _edges(label: str, rid: str, row: ArmRow, b: Builder, host_names: Mapping[str, str]) -> Iterator[EdgeRow]:
    out = b.sharing()
    me = (label, rid)
    family = _EDGES.get(label)
    if family is not None:
        family(out, me, row, host_names)
    if label in PRIVATE_LINK_TARGETS:
        private_endpoint_connections(out, me, row)
    yield from out.edges


def transform_sql_firewall_rules(servers: Iterable[ArmRow], rules: Iterable[ArmRow]) -> Transformed:
    """SQL server firewall rules read from ARM -> their nodes, and edges to their server and resource group
    (nodes another unit writes). A rule takes its server's location."""
    location = {lid(s.get("id")): s.get("location") for s in servers}
    b = Builder()
    for item in rules:
        rid = lid(item.get("id"))
        if not rid:
            continue
        row = arm_row(item, location.get(parent_id(rid, "firewallrules")))
        account = account_of(row)
        props = base_props(row, account, region_of(row))
        props.update(typed_props("AzureSqlFirewallRule", row))
        b.node("AzureSqlFirewallRule", rid, props)
        group = resource_group_id(row, account)
        b.edge("IN_RESOURCE_GROUP", ("AzureSqlFirewallRule", rid), "AzureResourceGroup", group)
        b.edge("HAS_FIREWALL_RULE", ("AzureSqlServer", parent_id(rid, "firewallrules")), "AzureSqlFirewallRule", rid)
    return Transformed(tuple(b.nodes), tuple(b.edges))


@dataclass(frozen=True)
class AzureRead:
    """The rows of one read, and the references among them that will not become edges."""

    rows: Transformed
    unresolved: tuple[Unresolved, ...]


def read_azure(payload: AzurePayload) -> AzureRead:
    """All rows of one Resource Graph read -> nodes and edges, and the references left unresolved."""
    b = Builder()
    transform_containers(payload.containers, b)
    transform_resources(payload.resources, b)
    transform_role_assignments(payload.role_assignments, b, role_names(payload.role_definitions))
    principal_nodes(b)
    # A relationship named from both ends (a subnet's NSG and the NSG's subnets, a VM's disk and the disk's
    # VM) is one edge: the first wins, unless only a later one carries properties (the VM's role and LUN).
    edges: dict[tuple[str, str, str, str, str], EdgeRow] = {}
    for e in b.edges:
        key = (e.type, e.source_label, e.source_id, e.target_label, e.target_id)
        known = edges.get(key)
        if known is None or (not known.props and e.props):
            edges[key] = e
    rows = Transformed(tuple(b.nodes), tuple(edges.values()))
    return AzureRead(rows, (*unresolved(rows), *b.dropped))


def transform_azure(payload: AzurePayload) -> Transformed:
    """All rows of one Resource Graph read -> nodes and edges."""
    return read_azure(payload).rows
