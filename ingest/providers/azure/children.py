"""Sub-resources Resource Graph returns inline -> nodes of their own (pure).

Subnets and peerings of a VNet, rules of an NSG, backend pools and rules of a load balancer, and
agent pools of an AKS cluster are keyed by their own ARM id (an agent pool's is built from its name).
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.rows import PropValue
from ingest.providers.azure.props import as_list, get, lb_rule_props, lid, ref, rule_props, strings
from ingest.providers.azure.query import ArmRow

__all__ = ["LB_RULES", "Child", "children"]

Child = tuple[str, str, dict[str, PropValue]]

# Load balancer properties holding rules, and the rule_type each is stored with.
LB_RULES = (
    ("loadBalancingRules", "LoadBalancingRule"),
    ("inboundNatRules", "InboundNatRule"),
    ("inboundNatPools", "InboundNatPool"),
)


def children(label: str, rid: str, row: ArmRow, account: str, region: str) -> Iterator[Child]:
    """(label, id, properties) of each inline sub-resource of one row."""

    def sub(child: object, child_label: str, **extra: PropValue) -> Child | None:
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

    found: list[Child | None] = []
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
        for key, rule_type in LB_RULES:
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
                        enable_node_public_ip=get(pool, "enableNodePublicIP") is True,
                    )
                )
    yield from (f for f in found if f is not None)
