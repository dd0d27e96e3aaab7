"""Rows of the local Azure estate filled from Microsoft's published payloads, so the fakes keep the real shapes.

Each builder starts from a deep copy of a real payload (tests/fixtures/real/azure, sources and licence in
SOURCES.md there) or of one of its elements, keeps its keys, and replaces the values: ids, names, addresses,
ports. Keys the estate does not use are removed, never invented; ``tests/real_payloads`` compares the key
sets of the estate's rows with the real ones per kind.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CORPUS",
    "firewall_rule",
    "key_vault_policy",
    "lb_backend_pool",
    "lb_frontend",
    "lb_nat_rule",
    "lb_probe",
    "lb_rule",
    "real",
    "role_definition",
    "route",
    "route_table_properties",
    "waf_policy_properties",
    "web_config",
]

Row = dict[str, Any]
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real" / "azure"


@cache
def _load(kind: str, name: str) -> Any:
    return json.loads((CORPUS / kind / name).read_text())


def real(kind: str, name: str) -> Any:
    """A fresh copy of one published payload."""
    return copy.deepcopy(_load(kind, name))


def _ref(resource_id: str) -> Row:
    return {"id": resource_id}


def _lb() -> Row:
    lb: Row = real("AzureLoadBalancer", "LoadBalancerGet.json")
    return lb


def lb_frontend(lb_id: str, name: str, public_ip: str, rules: list[str], nat_rules: list[str]) -> Row:
    fe: Row = _lb()["properties"]["frontendIPConfigurations"][0]
    props = fe["properties"]
    for key in ("privateIPAddress", "privateIPAllocationMethod", "subnet"):
        props.pop(key)
    props["publicIPAddress"] = _ref(public_ip)
    props["loadBalancingRules"] = [_ref(r) for r in rules]
    props["inboundNatRules"] = [_ref(r) for r in nat_rules]
    fe.update(name=name, id=f"{lb_id}/frontendIPConfigurations/{name}")
    return fe


def lb_backend_pool(lb_id: str, name: str, ip_configurations: list[str], rules: list[str]) -> Row:
    pool: Row = _lb()["properties"]["backendAddressPools"][0]
    pool.update(name=name, id=f"{lb_id}/backendAddressPools/{name}")
    pool["properties"]["loadBalancingRules"] = [_ref(r) for r in rules]
    pool["properties"]["backendIPConfigurations"] = [_ref(c) for c in ip_configurations]
    return pool


def lb_rule(lb_id: str, name: str, frontend: str, pool: str, probe: str, port: int) -> Row:
    rule: Row = _lb()["properties"]["loadBalancingRules"][0]
    rule.update(name=name, id=f"{lb_id}/loadBalancingRules/{name}")
    props = rule["properties"]
    props.update(
        frontendIPConfiguration=_ref(frontend),
        frontendPort=port,
        backendPort=port,
        enableFloatingIP=False,
        idleTimeoutInMinutes=4,
        backendAddressPool=_ref(pool),
        probe=_ref(probe),
    )
    return rule


def lb_probe(lb_id: str, name: str, port: int, rules: list[str]) -> Row:
    probe: Row = _lb()["properties"]["probes"][0]
    probe.update(name=name, id=f"{lb_id}/probes/{name}")
    props = probe["properties"]
    props.update(protocol="Tcp", port=port, loadBalancingRules=[_ref(r) for r in rules])
    props.pop("requestPath")
    return probe


def lb_nat_rule(lb_id: str, name: str, frontend: str, frontend_port: int, backend_port: int, ip_config: str) -> Row:
    """An inbound NAT rule: the load balancer's template rule, with the backend of the published NAT rule list."""
    rule: Row = _lb()["properties"]["inboundNatRules"][0]
    rule.update(name=name, id=f"{lb_id}/inboundNatRules/{name}")
    listed = real("AzureLoadBalancer", "InboundNatRuleList-lb1.json")["properties"]["inboundNatRules"][0]
    props = rule["properties"]
    props.update(
        frontendIPConfiguration=_ref(frontend),
        frontendPort=frontend_port,
        backendPort=backend_port,
        enableFloatingIP=False,
        idleTimeoutInMinutes=4,
        backendIPConfiguration=listed["properties"]["backendIPConfiguration"],
    )
    props["backendIPConfiguration"]["id"] = ip_config
    return rule


def route(table_id: str, name: str, prefix: str, next_hop: str) -> Row:
    r: Row = real("AzureRouteTable", "RouteTableGet.json")["properties"]["routes"][0]
    r.update(name=name, id=f"{table_id}/routes/{name}")
    r["properties"].update(addressPrefix=prefix, nextHopType=next_hop)
    return r


def route_table_properties(routes: list[Row]) -> Row:
    props: Row = real("AzureRouteTable", "RouteTableGet.json")["properties"]
    props["routes"] = routes
    return props


def firewall_rule(server_id: str, name: str, start: str, end: str) -> Row:
    """A SQL server firewall rule as ``GET {server}/firewallRules`` lists it."""
    rule: Row = real("AzureSqlFirewallRule", "FirewallRuleList.json")["value"][0]
    rule.update(id=f"{server_id}/firewallRules/{name}", name=name)
    rule["properties"].update(startIpAddress=start, endIpAddress=end)
    return rule


def web_config(site_id: str, min_tls: str, ftps_state: str) -> Row:
    """An app's TLS and FTP settings as ``GET {site}/config/web`` returns them."""
    config: Row = real("AzureWebAppConfig", "GetSiteConfig.json")
    config["id"] = f"{site_id}/config/web"
    config["properties"].update(minTlsVersion=min_tls, scmMinTlsVersion=min_tls, ftpsState=ftps_state)
    return config


def key_vault_policy(tenant: str, object_id: str, secrets: list[str], keys: list[str], certificates: list[str]) -> Row:
    policy: Row = real("AzureKeyVault", "getVault.json")["properties"]["accessPolicies"][0]
    policy.update(tenantId=tenant, objectId=object_id)
    policy["permissions"].update(secrets=secrets, keys=keys, certificates=certificates)
    return policy


def role_definition(subscription: str, guid: str, name: str, description: str, role_type: str = "BuiltInRole") -> Row:
    """A role definition as Resource Graph's AuthorizationResources returns it (an ARM role definition's fields)."""
    row: Row = real("AzureRoleAssignment", "GetRoleDefinitionById.json")
    row.update(
        id=f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        name=guid,
        subscriptionId=subscription,
    )
    row["properties"].update(
        roleName=name,
        type=role_type,
        description=description,
        assignableScopes=["/"],
        permissions=[{"actions": ["*"], "notActions": [], "dataActions": [], "notDataActions": []}],
    )
    return row


def waf_policy_properties(mode: str) -> Row:
    props: Row = real("AzureWafPolicy", "WafPolicyGet.json")["properties"]
    props["policySettings"]["mode"] = mode
    props["customRules"] = props["customRules"][:1]
    props["managedRules"]["managedRuleSets"] = props["managedRules"]["managedRuleSets"][:1]
    props["managedRules"]["managedRuleSets"][0]["ruleGroupOverrides"] = []
    props["managedRules"]["exclusions"] = []
    return props
