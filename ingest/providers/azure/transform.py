"""Resource Graph rows -> graph rows (pure).

Every row becomes a node: a typed label for the kinds in ``graph.schema.azure``, ``AzureResource``
otherwise. Sub-resources that Resource Graph returns inline (subnets, NSG rules, LB backend pools,
VNet peerings, AKS agent pools) become nodes keyed by their own ARM id. Ids are lower-cased
everywhere (ARM ids are case-insensitive; payloads disagree on case). Edges come from ARM property
references; an edge whose target nobody wrote is skipped by the writer, never invented here, except
where the target's label is only known from the rows (role scopes, private link targets, app gateway
host names): those are emitted only when the target is among the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.schema import SCHEMA
from graph.tags import tags_from_map
from ingest.providers.azure.props import (
    as_list,
    get,
    lb_rule_props,
    lid,
    ref,
    rule_props,
    strings,
    typed_props,
)
from ingest.providers.azure.query import ArmRow, AzurePayload
from ingest.providers.references import Unresolved, unresolved

GLOBAL = "global"

# Declared on the kinds (NodeKind.provider_types, lower-case); any other type becomes AzureResource.
LABEL_BY_TYPE: Mapping[str, str] = SCHEMA.provider_types("azure")
SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
RESOURCE_GROUP_TYPE = "microsoft.resources/subscriptions/resourcegroups"
PRIVATE_LINK_TARGETS = frozenset(
    {"AzureStorageAccount", "AzureSqlServer", "AzureKeyVault", "AzureCosmosDBAccount", "AzureWebApp", "AzureResource"}
)


def label_for(resource_type: str) -> str:
    return LABEL_BY_TYPE.get(resource_type.lower(), "AzureResource")


def tag_tuple(tags: object) -> tuple[str, ...]:
    return tags_from_map(tags)


def parent_id(child_id: str, segment: str) -> str:
    """The id before ``/<segment>/`` (case-insensitive), e.g. a NIC's id from one of its ipConfiguration ids."""
    lowered = child_id.lower()
    cut = lowered.find(f"/{segment.lower()}/")
    return lowered[:cut] if cut > 0 else lowered


def backend_target(ip_configuration_id: str) -> tuple[str, str]:
    """What a backend IP configuration id stands for: its NIC, or for a scale-set instance NIC
    (``.../virtualMachineScaleSets/<s>/virtualMachines/<i>/networkInterfaces/<n>/ipConfigurations/<c>``,
    never a node of its own) the scale set."""
    nic = parent_id(ip_configuration_id, "ipconfigurations")
    if "/virtualmachinescalesets/" in nic and "/virtualmachines/" in nic:
        return "AzureVirtualMachineScaleSet", parent_id(nic, "virtualmachines")
    return "AzureNetworkInterface", nic


class _Builder:
    """Accumulates rows; knows which label each id was written with."""

    def __init__(self) -> None:
        self.nodes: list[NodeRow] = []
        self.edges: list[EdgeRow] = []
        self.labels: dict[str, str] = {}
        self.dropped: list[Unresolved] = []  # references whose target's kind is only known from the rows
        self.principals: dict[str, tuple[str, str | None]] = {}  # principal id -> (account, principal type)

    def node(self, label: str, id_: str, props: Mapping[str, PropValue]) -> None:
        if id_ in self.labels:  # the same id twice (duplicated row): first one wins
            return
        self.labels[id_] = label
        self.nodes.append(NodeRow(label, id_, props))

    def edge(
        self,
        type_: str,
        source: tuple[str, str],
        target_label: str,
        target_id: str | None,
        props: Mapping[str, PropValue] | None = None,
    ) -> None:
        if target_id:
            self.edges.append(EdgeRow(type_, source[0], source[1], target_label, target_id, props))

    def edge_to_known(self, type_: str, source: tuple[str, str], target_id: str | None, allowed: Iterable[str]) -> None:
        label = self.labels.get(target_id or "")
        if target_id and label in set(allowed):
            self.edges.append(EdgeRow(type_, source[0], source[1], label, target_id))
        elif target_id:
            self.dropped.append(Unresolved(type_, target_id))

    def principal(self, principal_id: str, account: str, principal_type: str | None) -> None:
        """One node per principal, whatever subscriptions see it: its account is the lowest one (stable)."""
        known = self.principals.get(principal_id)
        if known is None or account < known[0]:
            self.principals[principal_id] = (account, principal_type or (known[1] if known else None))
        elif principal_type and known[1] is None:
            self.principals[principal_id] = (known[0], principal_type)


def _base(row: ArmRow, account: str, region: str) -> dict[str, PropValue]:
    tags = row.get("tags")
    name_tag = tags.get("Name") if isinstance(tags, Mapping) else None
    rid = lid(row.get("id"))
    return {
        "account": account,
        "region": region,
        "name": str(name_tag or row.get("name") or rid),
        "tags": tag_tuple(tags),
        "resource_type": lid(row.get("type")),
        "resource_group": lid(row.get("resourceGroup")),
        "provisioning_state": get(row, "properties", "provisioningState"),
        "zones": strings(as_list(row.get("zones"))),
    }


def _account(row: ArmRow) -> str:
    sub = lid(row.get("subscriptionId"))
    if sub:
        return sub
    parts = lid(row.get("id")).split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else "unknown"


def _region(row: ArmRow) -> str:
    location = row.get("location")
    return location.lower() if isinstance(location, str) and location else GLOBAL


def transform_containers(rows: Iterable[ArmRow], b: _Builder) -> None:
    for row in rows:
        rid, type_ = lid(row.get("id")), lid(row.get("type"))
        if not rid:
            continue
        account = _account(row)
        props = _base(row, account, _region(row))
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


def _resource_group_id(row: ArmRow, account: str) -> str | None:
    group = lid(row.get("resourceGroup"))
    return f"/subscriptions/{account}/resourcegroups/{group}" if group else None


def transform_resources(rows: Iterable[ArmRow], b: _Builder) -> None:
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
        account, region = _account(row), _region(row)
        props = _base(row, account, region)
        props.update(typed_props(label, row))
        b.node(label, rid, props)
        b.edge("IN_RESOURCE_GROUP", (label, rid), "AzureResourceGroup", _resource_group_id(row, account))
        for child in _children(label, rid, row, account, region):
            b.node(*child)
        deferred.append((label, rid, row))
    for label, rid, row in deferred:  # after every node is known: some edges need the target's label
        for edge in _edges(label, rid, row, b, host_names):
            b.edges.append(edge)


def _children(
    label: str, rid: str, row: ArmRow, account: str, region: str
) -> Iterator[tuple[str, str, dict[str, PropValue]]]:
    def sub(child: object, child_label: str, **extra: PropValue) -> tuple[str, str, dict[str, PropValue]] | None:
        cid = ref(child)
        if not cid:
            return None
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": str(get(child, "name") or cid.rsplit("/", 1)[-1]),
            "tags": (),
            "resource_type": lid(get(child, "type")) or None,
            "resource_group": lid(row.get("resourceGroup")),
            "provisioning_state": get(child, "properties", "provisioningState"),
            **extra,
        }
        return child_label, cid, props

    found: list[tuple[str, str, dict[str, PropValue]] | None] = []
    if label == "AzureVirtualNetwork":
        for s in as_list(get(row, "properties", "subnets")):
            delegations = strings(
                get(d, "properties", "serviceName") for d in as_list(get(s, "properties", "delegations"))
            )
            found.append(
                sub(
                    s,
                    "AzureSubnet",
                    address_prefix=get(s, "properties", "addressPrefix"),
                    vnet_name=str(row.get("name") or ""),
                    delegations=delegations,
                )
            )
        for p in as_list(get(row, "properties", "virtualNetworkPeerings")):
            pp = get(p, "properties")
            found.append(
                sub(
                    p,
                    "AzureVirtualNetworkPeering",
                    peering_state=get(pp, "peeringState"),
                    remote_vnet_id=ref(get(pp, "remoteVirtualNetwork")) or None,
                    allow_forwarded_traffic=get(pp, "allowForwardedTraffic"),
                    allow_gateway_transit=get(pp, "allowGatewayTransit"),
                    use_remote_gateways=get(pp, "useRemoteGateways"),
                )
            )
    elif label == "AzureNetworkSecurityGroup":
        for key, default in (("securityRules", False), ("defaultSecurityRules", True)):
            for r in as_list(get(row, "properties", key)):
                rule_id = ref(r)
                if rule_id:
                    props: dict[str, PropValue] = {"account": account, "region": region, "nsg_id": rid}
                    props.update(rule_props(r, default))
                    found.append(("AzureSecurityRule", rule_id, props))
    elif label == "AzureLoadBalancer":
        for pool in as_list(get(row, "properties", "backendAddressPools")):
            found.append(sub(pool, "AzureLoadBalancerBackendPool"))
        for key, rule_type in _LB_RULES:
            for r in as_list(get(row, "properties", key)):
                found.append(sub(r, "AzureLoadBalancerRule", **lb_rule_props(r, rule_type, rid)))
    elif label == "AzureAKSCluster":
        for pool in as_list(get(row, "properties", "agentPoolProfiles")):
            name = get(pool, "name")
            if isinstance(name, str) and name:
                found.append(
                    sub(
                        {
                            "id": f"{rid}/agentpools/{name}",
                            "name": name,
                            "type": "microsoft.containerservice/managedclusters/agentpools",
                            "properties": pool,
                        },
                        "AzureAKSNodePool",
                        vm_size=get(pool, "vmSize"),
                        node_count=get(pool, "count"),
                        mode=get(pool, "mode"),
                        os_type=get(pool, "osType"),
                        orchestrator_version=get(pool, "orchestratorVersion"),
                    )
                )
    yield from (f for f in found if f is not None)


_LB_RULES = (
    ("loadBalancingRules", "LoadBalancingRule"),
    ("inboundNatRules", "InboundNatRule"),
    ("inboundNatPools", "InboundNatPool"),
)


def _edges(label: str, rid: str, row: ArmRow, b: _Builder, host_names: Mapping[str, str]) -> Iterator[EdgeRow]:
    out = _Builder()
    out.labels, out.dropped, out.principals = b.labels, b.dropped, b.principals
    me = (label, rid)
    p = get(row, "properties")
    if label == "AzureVirtualMachine":
        for nic in as_list(get(p, "networkProfile", "networkInterfaces")):
            out.edge("HAS_NETWORK_INTERFACE", me, "AzureNetworkInterface", ref(nic))
        os_disk = get(p, "storageProfile", "osDisk", "managedDisk")
        out.edge("USES_DISK", me, "AzureDisk", ref(os_disk), {"role": "os"})
        for disk in as_list(get(p, "storageProfile", "dataDisks")):
            lun = get(disk, "lun")
            out.edge(
                "USES_DISK",
                me,
                "AzureDisk",
                ref(get(disk, "managedDisk")),
                {"role": "data", "lun": lun if isinstance(lun, int) else None},
            )
    elif label == "AzureNetworkInterface":
        for conf in as_list(get(p, "ipConfigurations")):
            out.edge("IN_SUBNET", me, "AzureSubnet", ref(get(conf, "properties", "subnet")))
            out.edge("HAS_PUBLIC_IP", me, "AzurePublicIPAddress", ref(get(conf, "properties", "publicIPAddress")))
            for asg in as_list(get(conf, "properties", "applicationSecurityGroups")):
                out.edge("MEMBER_OF", me, "AzureApplicationSecurityGroup", ref(asg))
        out.edge("PROTECTED_BY", me, "AzureNetworkSecurityGroup", ref(get(p, "networkSecurityGroup")))
        vm = ref(get(p, "virtualMachine"))
        if vm:
            out.edge("HAS_NETWORK_INTERFACE", ("AzureVirtualMachine", vm), label, rid)
    elif label == "AzurePublicIPAddress":
        owner = _ip_configuration_owner(ref(get(p, "ipConfiguration")))
        if owner is not None:
            out.edge("HAS_PUBLIC_IP", owner, label, rid)
        elif ref(get(p, "ipConfiguration")):
            out.dropped.append(Unresolved("HAS_PUBLIC_IP", ref(get(p, "ipConfiguration"))))
    elif label == "AzureWafPolicy":
        for gateway in as_list(get(p, "applicationGateways")):
            out.edge("PROTECTED_BY", ("AzureApplicationGateway", ref(gateway)), label, rid)
    elif label == "AzureRouteTable":
        for s in as_list(get(p, "subnets")):
            out.edge("ASSOCIATED_WITH", me, "AzureSubnet", ref(s))
    elif label == "AzureVirtualMachineScaleSet":
        confs = as_list(get(p, "virtualMachineProfile", "networkProfile", "networkInterfaceConfigurations"))
        for conf in confs:
            for ip in as_list(get(conf, "properties", "ipConfigurations")):
                for pool in as_list(get(ip, "properties", "loadBalancerBackendAddressPools")):
                    out.edge("ROUTES_TO", ("AzureLoadBalancerBackendPool", ref(pool)), label, rid)
    elif label == "AzureKeyVault":
        for policy in as_list(get(p, "accessPolicies")):
            principal = lid(get(policy, "objectId"))
            if not principal:
                continue
            b.principal(principal, lid(row.get("subscriptionId")) or rid.split("/")[2], None)
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
    elif label == "AzureVirtualNetwork":
        for s in as_list(get(p, "subnets")):
            sid = ref(s)
            if sid:
                out.edge("IN_VNET", ("AzureSubnet", sid), "AzureVirtualNetwork", rid)
                nsg = ref(get(s, "properties", "networkSecurityGroup"))
                out.edge("PROTECTED_BY", ("AzureSubnet", sid), "AzureNetworkSecurityGroup", nsg)
                table = ref(get(s, "properties", "routeTable"))
                if table:
                    out.edge("ASSOCIATED_WITH", ("AzureRouteTable", table), "AzureSubnet", sid)
        for peering in as_list(get(p, "virtualNetworkPeerings")):
            pid, remote = ref(peering), ref(get(peering, "properties", "remoteVirtualNetwork"))
            if pid:
                out.edge("HAS_PEERING", me, "AzureVirtualNetworkPeering", pid)
                out.edge("CONNECTS_TO", ("AzureVirtualNetworkPeering", pid), "AzureVirtualNetwork", remote)
            out.edge(
                "PEERED_WITH",
                me,
                "AzureVirtualNetwork",
                remote,
                {"peering_state": get(peering, "properties", "peeringState")},
            )
    elif label == "AzureNetworkSecurityGroup":
        for key in ("securityRules", "defaultSecurityRules"):
            for r in as_list(get(p, key)):
                out.edge("HAS_RULE", me, "AzureSecurityRule", ref(r))
        for subnet in as_list(get(p, "subnets")):
            out.edge("PROTECTED_BY", ("AzureSubnet", ref(subnet)), label, rid)
        for nic in as_list(get(p, "networkInterfaces")):
            holder = backend_target(f"{ref(nic)}/ipconfigurations/x") if ref(nic) else None
            if holder is not None and holder[0] == "AzureNetworkInterface":
                out.edge("PROTECTED_BY", holder, label, rid)
            elif holder is not None:
                out.dropped.append(Unresolved("PROTECTED_BY", ref(nic)))
    elif label == "AzureLoadBalancer":
        for fe in as_list(get(p, "frontendIPConfigurations")):
            out.edge("HAS_PUBLIC_IP", me, "AzurePublicIPAddress", ref(get(fe, "properties", "publicIPAddress")))
            out.edge("IN_SUBNET", me, "AzureSubnet", ref(get(fe, "properties", "subnet")))
        for pool in as_list(get(p, "backendAddressPools")):
            pool_id = ref(pool)
            if pool_id:
                out.edge("HAS_BACKEND_POOL", me, "AzureLoadBalancerBackendPool", pool_id)
                for conf in as_list(get(pool, "properties", "backendIPConfigurations")):
                    if ref(conf):
                        out.edge("ROUTES_TO", ("AzureLoadBalancerBackendPool", pool_id), *backend_target(ref(conf)))
        for key, _ in _LB_RULES:
            for r in as_list(get(p, key)):
                rule = ("AzureLoadBalancerRule", ref(r))
                if not rule[1]:
                    continue
                out.edge("HAS_RULE", me, *rule)
                rp = get(r, "properties")
                pools = [get(rp, "backendAddressPool"), *as_list(get(rp, "backendAddressPools"))]
                for pool in dict.fromkeys(ref(x) for x in pools if ref(x)):
                    out.edge("ROUTES_TO", rule, "AzureLoadBalancerBackendPool", pool)
                backend = ref(get(rp, "backendIPConfiguration"))
                if backend:
                    out.edge("ROUTES_TO", rule, *backend_target(backend))
    elif label == "AzureApplicationGateway":
        out.edge("PROTECTED_BY", me, "AzureWafPolicy", ref(get(p, "firewallPolicy")))
        for conf in as_list(get(p, "gatewayIPConfigurations")):
            out.edge("IN_SUBNET", me, "AzureSubnet", ref(get(conf, "properties", "subnet")))
        for fe in as_list(get(p, "frontendIPConfigurations")):
            out.edge("HAS_PUBLIC_IP", me, "AzurePublicIPAddress", ref(get(fe, "properties", "publicIPAddress")))
        for pool in as_list(get(p, "backendAddressPools")):
            for conf in as_list(get(pool, "properties", "backendIPConfigurations")):
                if ref(conf):
                    out.edge("ROUTES_TO", me, *backend_target(ref(conf)))
            for address in as_list(get(pool, "properties", "backendAddresses")):
                fqdn = get(address, "fqdn")
                if isinstance(fqdn, str):
                    out.edge_to_known("ROUTES_TO", me, host_names.get(fqdn.lower()), ("AzureWebApp",))
    elif label == "AzurePrivateEndpoint":
        out.edge("IN_SUBNET", me, "AzureSubnet", ref(get(p, "subnet")))
        for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
            for conn in as_list(get(p, key)):
                target = lid(get(conn, "properties", "privateLinkServiceId"))
                out.edge_to_known("CONNECTS_TO", me, target, PRIVATE_LINK_TARGETS)
    elif label == "AzureSqlDatabase":
        out.edge("HAS_DATABASE", ("AzureSqlServer", parent_id(rid, "databases")), label, rid)
    elif label == "AzureSqlFirewallRule":
        out.edge("HAS_FIREWALL_RULE", ("AzureSqlServer", parent_id(rid, "firewallrules")), label, rid)
    elif label == "AzureAKSCluster":
        for pool in as_list(get(p, "agentPoolProfiles")):
            name = get(pool, "name")
            if isinstance(name, str) and name:
                pool_id = f"{rid}/agentpools/{name.lower()}"
                out.edge("HAS_NODE_POOL", me, "AzureAKSNodePool", pool_id)
                out.edge("IN_SUBNET", ("AzureAKSNodePool", pool_id), "AzureSubnet", lid(get(pool, "vnetSubnetID")))
    elif label == "AzureWebApp":
        out.edge("HOSTED_ON", me, "AzureAppServicePlan", lid(get(p, "serverFarmId")))
        out.edge("IN_SUBNET", me, "AzureSubnet", lid(get(p, "virtualNetworkSubnetId")))
    if label in PRIVATE_LINK_TARGETS:
        for conn in as_list(get(p, "privateEndpointConnections")):
            endpoint = ref(get(conn, "properties", "privateEndpoint"))
            out.edge("CONNECTS_TO", ("AzurePrivateEndpoint", endpoint), label, rid)
    yield from out.edges


def _ip_configuration_owner(conf: str) -> tuple[str, str] | None:
    """The node holding an IP configuration: a NIC, or the load balancer or gateway of a frontend IP
    configuration; None for a scale-set instance NIC (never a node) or an unknown owner."""
    if "/frontendipconfigurations/" in conf:
        owner = parent_id(conf, "frontendipconfigurations")
        if "/loadbalancers/" in owner:
            return "AzureLoadBalancer", owner
        if "/applicationgateways/" in owner:
            return "AzureApplicationGateway", owner
        return None
    if "/ipconfigurations/" in conf:
        target = backend_target(conf)
        return target if target[0] == "AzureNetworkInterface" else None
    return None


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
    rows: Iterable[ArmRow], b: _Builder, roles: Mapping[str, tuple[str, str | None]] | None = None
) -> None:
    roles = roles or {}
    for row in rows:
        rid = lid(row.get("id"))
        p = get(row, "properties")
        principal = lid(get(p, "principalId"))
        if not rid:
            continue
        account = _account(row)
        role = lid(get(p, "roleDefinitionId"))
        principal_type = get(p, "principalType")
        scope = lid(get(p, "scope")) or parent_id(rid, "providers/microsoft.authorization")
        role_name, role_type = roles.get(role.rsplit("/", 1)[-1], (None, None))
        props = _base(row, account, GLOBAL)
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


def _principal_nodes(b: _Builder) -> None:
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


_SCOPE_LABELS = frozenset({"AzureSubscription", "AzureResourceGroup", *LABEL_BY_TYPE.values(), "AzureResource"})


def arm_row(row: ArmRow, location: object = None) -> dict[str, object]:
    """An ARM GET item shaped like a Resource Graph row: subscriptionId, resourceGroup (from the id) and
    lower-case type added, the location given when the item has none (child resources carry none)."""
    parts = lid(row.get("id")).split("/")
    group = parts[4] if len(parts) > 4 and parts[3] == "resourcegroups" else ""
    return {
        **row,
        "type": lid(row.get("type")),
        "subscriptionId": parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else "",
        "resourceGroup": group,
        "location": row.get("location") or location,
    }


def transform_sql_firewall_rules(servers: Iterable[ArmRow], rules: Iterable[ArmRow]) -> Transformed:
    """SQL server firewall rules read from ARM -> their nodes, and edges to their server and resource group
    (nodes another unit writes). A rule takes its server's location."""
    location = {lid(s.get("id")): s.get("location") for s in servers}
    b = _Builder()
    for item in rules:
        rid = lid(item.get("id"))
        if not rid:
            continue
        row = arm_row(item, location.get(parent_id(rid, "firewallrules")))
        account = _account(row)
        props = _base(row, account, _region(row))
        props.update(typed_props("AzureSqlFirewallRule", row))
        b.node("AzureSqlFirewallRule", rid, props)
        group = _resource_group_id(row, account)
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
    b = _Builder()
    transform_containers(payload.containers, b)
    transform_resources(payload.resources, b)
    transform_role_assignments(payload.role_assignments, b, role_names(payload.role_definitions))
    _principal_nodes(b)
    # A relationship named from both ends (a subnet's NSG and the NSG's subnets) is one edge: the first wins.
    edges: dict[tuple[str, str, str, str, str], EdgeRow] = {}
    for e in b.edges:
        edges.setdefault((e.type, e.source_label, e.source_id, e.target_label, e.target_id), e)
    rows = Transformed(tuple(b.nodes), tuple(edges.values()))
    return AzureRead(rows, (*unresolved(rows), *b.dropped))


def transform_azure(payload: AzurePayload) -> Transformed:
    """All rows of one Resource Graph read -> nodes and edges."""
    return read_azure(payload).rows
