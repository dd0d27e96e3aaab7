"""Azure node kinds and relationship types, as read from Azure Resource Graph.

The kinds are declared by family (azure_identity, azure_compute, azure_network, azure_data); this module
composes them and declares the relationships among them. Every Azure id is the ARM resource id
lower-cased; ``account`` is the subscription id, ``region`` the location (``global`` when there is none).
"""

from __future__ import annotations

from graph.schema.azure_compute import (
    AKS_CLUSTER,
    AKS_NODE_POOL,
    APP_SERVICE_PLAN,
    DISK,
    SCALE_SET,
    VIRTUAL_MACHINE,
    WEB_APP,
    WEB_APP_CONFIG,
)
from graph.schema.azure_data import COSMOS_DB, KEY_VAULT, SQL_DATABASE, SQL_FIREWALL_RULE, SQL_SERVER, STORAGE_ACCOUNT
from graph.schema.azure_identity import PRINCIPAL, RESOURCE_GROUP, ROLE_ASSIGNMENT, SUBSCRIPTION
from graph.schema.azure_kind import P, azure_kind
from graph.schema.azure_network import (
    APPLICATION_GATEWAY,
    APPLICATION_SECURITY_GROUP,
    LB_BACKEND_POOL,
    LB_RULE,
    LOAD_BALANCER,
    NETWORK_INTERFACE,
    NETWORK_SECURITY_GROUP,
    PRIVATE_ENDPOINT,
    PUBLIC_IP,
    ROUTE_TABLE,
    SECURITY_RULE,
    SUBNET,
    VIRTUAL_NETWORK,
    VNET_PEERING,
    WAF_POLICY,
)
from graph.schema.model import NodeKind, RelType

__all__ = ["GENERIC", "LABELS", "NODES", "PRIVATE_LINK_TARGETS", "RELATIONSHIPS", "TOP_LEVEL"]

GENERIC = azure_kind(
    "AzureResource",
    "other",
    "Any other Azure resource type (see resource_type).",
    P("sku_name", "string", "SKU name, when it has one."),
    P("azure_kind", "string", "ARM kind, when it has one."),
)

NODES: tuple[NodeKind, ...] = (
    SUBSCRIPTION,
    RESOURCE_GROUP,
    VIRTUAL_MACHINE,
    SCALE_SET,
    NETWORK_INTERFACE,
    VIRTUAL_NETWORK,
    SUBNET,
    ROUTE_TABLE,
    APPLICATION_SECURITY_GROUP,
    NETWORK_SECURITY_GROUP,
    SECURITY_RULE,
    PUBLIC_IP,
    DISK,
    LOAD_BALANCER,
    LB_RULE,
    LB_BACKEND_POOL,
    APPLICATION_GATEWAY,
    WAF_POLICY,
    VNET_PEERING,
    PRIVATE_ENDPOINT,
    SQL_SERVER,
    SQL_DATABASE,
    SQL_FIREWALL_RULE,
    STORAGE_ACCOUNT,
    KEY_VAULT,
    AKS_CLUSTER,
    AKS_NODE_POOL,
    APP_SERVICE_PLAN,
    WEB_APP,
    WEB_APP_CONFIG,
    COSMOS_DB,
    ROLE_ASSIGNMENT,
    PRINCIPAL,
    GENERIC,
)

LABELS: tuple[str, ...] = tuple(kind.label for kind in NODES)

# Kinds that are rows of the Resources table: they sit in a resource group and can be a role's scope.
TOP_LEVEL: tuple[str, ...] = (
    "AzureVirtualMachine",
    "AzureVirtualMachineScaleSet",
    "AzureNetworkInterface",
    "AzureVirtualNetwork",
    "AzureRouteTable",
    "AzureApplicationSecurityGroup",
    "AzureWafPolicy",
    "AzureNetworkSecurityGroup",
    "AzurePublicIPAddress",
    "AzureDisk",
    "AzureLoadBalancer",
    "AzureApplicationGateway",
    "AzurePrivateEndpoint",
    "AzureSqlServer",
    "AzureSqlDatabase",
    "AzureSqlFirewallRule",
    "AzureStorageAccount",
    "AzureKeyVault",
    "AzureAKSCluster",
    "AzureAppServicePlan",
    "AzureWebApp",
    "AzureCosmosDBAccount",
    "AzureResource",
)

# Kinds a private endpoint can connect to.
PRIVATE_LINK_TARGETS: tuple[str, ...] = (
    "AzureStorageAccount",
    "AzureSqlServer",
    "AzureKeyVault",
    "AzureCosmosDBAccount",
    "AzureWebApp",
    "AzureResource",
)

R = RelType
_DISK_PROPS = (
    P("role", "string", "os or data."),
    P("lun", "int", "Logical unit number of a data disk."),
)

RELATIONSHIPS: tuple[RelType, ...] = (
    *(
        R("IN_RESOURCE_GROUP", label, "AzureResourceGroup", "The resource lives in this resource group.")
        for label in TOP_LEVEL
    ),
    R("IN_SUBSCRIPTION", "AzureResourceGroup", "AzureSubscription", "The resource group belongs to this subscription."),
    R("HAS_NETWORK_INTERFACE", "AzureVirtualMachine", "AzureNetworkInterface", "The VM uses this NIC."),
    R("USES_DISK", "AzureVirtualMachine", "AzureDisk", "The VM has this managed disk attached.", _DISK_PROPS),
    R(
        "ENCRYPTED_BY",
        "AzureDisk",
        "AzureKeyVault",
        "Azure Disk Encryption keeps the disk's encryption secret or key-encryption key in this vault.",
    ),
    R("IN_SUBNET", "AzureNetworkInterface", "AzureSubnet", "An IP configuration of the NIC is in this subnet."),
    R("IN_SUBNET", "AzurePrivateEndpoint", "AzureSubnet", "The private endpoint's address is in this subnet."),
    R("IN_SUBNET", "AzureApplicationGateway", "AzureSubnet", "The gateway is deployed in this subnet."),
    R("IN_SUBNET", "AzureLoadBalancer", "AzureSubnet", "A private frontend of the load balancer is in this subnet."),
    R("IN_SUBNET", "AzureAKSNodePool", "AzureSubnet", "The pool's nodes are in this subnet."),
    R("IN_SUBNET", "AzureWebApp", "AzureSubnet", "The app's outbound VNet integration uses this subnet."),
    R("IN_VNET", "AzureSubnet", "AzureVirtualNetwork", "The subnet belongs to this virtual network."),
    R("ASSOCIATED_WITH", "AzureRouteTable", "AzureSubnet", "The subnet's traffic follows this route table."),
    R("MEMBER_OF", "AzureNetworkInterface", "AzureApplicationSecurityGroup", "An IP configuration is in this group."),
    R("PROTECTED_BY", "AzureApplicationGateway", "AzureWafPolicy", "The gateway applies this WAF policy."),
    R("HAS_RULE", "AzureLoadBalancer", "AzureLoadBalancerRule", "The load balancer forwards traffic by this rule."),
    R("ROUTES_TO", "AzureLoadBalancerRule", "AzureLoadBalancerBackendPool", "The rule sends traffic to this pool."),
    R("ROUTES_TO", "AzureLoadBalancerRule", "AzureNetworkInterface", "The NAT rule sends traffic to this NIC."),
    R(
        "ROUTES_TO",
        "AzureLoadBalancerRule",
        "AzureVirtualMachineScaleSet",
        "The NAT rule sends traffic to an instance NIC of this scale set.",
    ),
    R(
        "ROUTES_TO",
        "AzureLoadBalancerBackendPool",
        "AzureVirtualMachineScaleSet",
        "The pool sends traffic to instance NICs of this scale set.",
    ),
    R("PROTECTED_BY", "AzureNetworkInterface", "AzureNetworkSecurityGroup", "The NIC is filtered by this NSG."),
    R("PROTECTED_BY", "AzureSubnet", "AzureNetworkSecurityGroup", "The subnet is filtered by this NSG."),
    R("HAS_RULE", "AzureNetworkSecurityGroup", "AzureSecurityRule", "The NSG contains this rule."),
    R("HAS_PUBLIC_IP", "AzureNetworkInterface", "AzurePublicIPAddress", "An IP configuration uses this public IP."),
    R("HAS_PUBLIC_IP", "AzureLoadBalancer", "AzurePublicIPAddress", "A frontend of the load balancer uses it."),
    R("HAS_PUBLIC_IP", "AzureApplicationGateway", "AzurePublicIPAddress", "A frontend of the gateway uses it."),
    R("HAS_BACKEND_POOL", "AzureLoadBalancer", "AzureLoadBalancerBackendPool", "The load balancer has this pool."),
    R("ROUTES_TO", "AzureLoadBalancerBackendPool", "AzureNetworkInterface", "The pool sends traffic to this NIC."),
    R("ROUTES_TO", "AzureApplicationGateway", "AzureNetworkInterface", "A backend pool targets this NIC."),
    R(
        "ROUTES_TO",
        "AzureApplicationGateway",
        "AzureVirtualMachineScaleSet",
        "A backend pool targets instance NICs of this scale set.",
    ),
    R("ROUTES_TO", "AzureApplicationGateway", "AzureWebApp", "A backend pool targets this app's host name."),
    R(
        "PEERED_WITH",
        "AzureVirtualNetwork",
        "AzureVirtualNetwork",
        "This network is peered with the other.",
        (P("peering_state", "string", "State of the peering on this side."),),
    ),
    R("HAS_PEERING", "AzureVirtualNetwork", "AzureVirtualNetworkPeering", "The network's side of a peering."),
    R("CONNECTS_TO", "AzureVirtualNetworkPeering", "AzureVirtualNetwork", "The peering's remote network."),
    *(
        R("CONNECTS_TO", "AzurePrivateEndpoint", label, "The endpoint gives private access to this resource.")
        for label in PRIVATE_LINK_TARGETS
    ),
    R("HAS_DATABASE", "AzureSqlServer", "AzureSqlDatabase", "The server hosts this database."),
    R(
        "HAS_FIREWALL_RULE",
        "AzureSqlServer",
        "AzureSqlFirewallRule",
        "The server admits this IP range.",
        written_with_target=True,
    ),
    R("HAS_NODE_POOL", "AzureAKSCluster", "AzureAKSNodePool", "The cluster runs this node pool."),
    R("HOSTED_ON", "AzureWebApp", "AzureAppServicePlan", "The app runs on this App Service plan."),
    R(
        "HAS_CONFIG",
        "AzureWebApp",
        "AzureWebAppConfig",
        "The app's TLS and FTP settings (config/web).",
        written_with_target=True,
    ),
    R("ASSIGNED_TO", "AzureRoleAssignment", "AzurePrincipal", "The principal holding the role."),
    R(
        "HAS_ROLE",
        "AzurePrincipal",
        "AzureKeyVault",
        "An access policy of the vault grants the principal these permissions.",
        (
            P("role", "string", "'access policy'."),
            P("keys", "string[]", "Key permissions, e.g. get, decrypt."),
            P("secrets", "string[]", "Secret permissions, e.g. get, list."),
            P("certificates", "string[]", "Certificate permissions."),
        ),
    ),
    *(
        R("GRANTS_ACCESS_TO", "AzureRoleAssignment", label, "The scope the role applies to.")
        for label in ("AzureSubscription", "AzureResourceGroup", *TOP_LEVEL)
    ),
)
