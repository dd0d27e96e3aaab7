"""Edges of Azure network rows: NICs, public IPs, VNets and subnets, NSGs, route tables, load balancers,
application gateways, WAF policies and private endpoints (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.providers.azure.builder import PRIVATE_LINK_TARGETS, Builder, EdgeFn, backend_target, parent_id
from ingest.providers.azure.children import LB_RULES
from ingest.providers.azure.props import as_list, get, lid, ref
from ingest.providers.azure.query import ArmRow
from ingest.providers.references import Unresolved

__all__ = ["NETWORK_EDGES", "ip_configuration_owner"]


def ip_configuration_owner(conf: str) -> tuple[str, str] | None:
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


def _network_interface(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
    for conf in as_list(get(p, "ipConfigurations")):
        out.edge("IN_SUBNET", me, "AzureSubnet", ref(get(conf, "properties", "subnet")))
        out.edge("HAS_PUBLIC_IP", me, "AzurePublicIPAddress", ref(get(conf, "properties", "publicIPAddress")))
        for asg in as_list(get(conf, "properties", "applicationSecurityGroups")):
            out.edge("MEMBER_OF", me, "AzureApplicationSecurityGroup", ref(asg))
    out.edge("PROTECTED_BY", me, "AzureNetworkSecurityGroup", ref(get(p, "networkSecurityGroup")))
    vm = ref(get(p, "virtualMachine"))
    if vm:
        out.edge("HAS_NETWORK_INTERFACE", ("AzureVirtualMachine", vm), *me)


def _public_ip(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    conf = ref(get(row, "properties", "ipConfiguration"))
    owner = ip_configuration_owner(conf)
    if owner is not None:
        out.edge("HAS_PUBLIC_IP", owner, *me)
    elif conf:
        out.dropped.append(Unresolved("HAS_PUBLIC_IP", conf))


def _waf_policy(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    for gateway in as_list(get(row, "properties", "applicationGateways")):
        out.edge("PROTECTED_BY", ("AzureApplicationGateway", ref(gateway)), *me)


def _route_table(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    for s in as_list(get(row, "properties", "subnets")):
        out.edge("ASSOCIATED_WITH", me, "AzureSubnet", ref(s))


def _virtual_network(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p, rid = get(row, "properties"), me[1]
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


def _security_group(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
    for key in ("securityRules", "defaultSecurityRules"):
        for r in as_list(get(p, key)):
            out.edge("HAS_RULE", me, "AzureSecurityRule", ref(r))
    for subnet in as_list(get(p, "subnets")):
        out.edge("PROTECTED_BY", ("AzureSubnet", ref(subnet)), *me)
    for nic in as_list(get(p, "networkInterfaces")):
        holder = backend_target(f"{ref(nic)}/ipconfigurations/x") if ref(nic) else None
        if holder is not None and holder[0] == "AzureNetworkInterface":
            out.edge("PROTECTED_BY", holder, *me)
        elif holder is not None:
            out.dropped.append(Unresolved("PROTECTED_BY", ref(nic)))


def _load_balancer(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
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
    for key, _ in LB_RULES:
        for r in as_list(get(p, key)):
            rule = ("AzureLoadBalancerRule", ref(r))
            if not rule[1]:
                continue
            out.edge("HAS_RULE", me, *rule)
            rp = get(r, "properties")
            pools = [get(rp, "backendAddressPool"), *as_list(get(rp, "backendAddressPools"))]
            for pool_ref in dict.fromkeys(ref(x) for x in pools if ref(x)):
                out.edge("ROUTES_TO", rule, "AzureLoadBalancerBackendPool", pool_ref)
            backend = ref(get(rp, "backendIPConfiguration"))
            if backend:
                out.edge("ROUTES_TO", rule, *backend_target(backend))


def _application_gateway(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
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


def _private_endpoint(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
    out.edge("IN_SUBNET", me, "AzureSubnet", ref(get(p, "subnet")))
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in as_list(get(p, key)):
            target = lid(get(conn, "properties", "privateLinkServiceId"))
            out.edge_to_known("CONNECTS_TO", me, target, PRIVATE_LINK_TARGETS)


NETWORK_EDGES: Mapping[str, EdgeFn] = {
    "AzureNetworkInterface": _network_interface,
    "AzurePublicIPAddress": _public_ip,
    "AzureWafPolicy": _waf_policy,
    "AzureRouteTable": _route_table,
    "AzureVirtualNetwork": _virtual_network,
    "AzureNetworkSecurityGroup": _security_group,
    "AzureLoadBalancer": _load_balancer,
    "AzureApplicationGateway": _application_gateway,
    "AzurePrivateEndpoint": _private_endpoint,
}
