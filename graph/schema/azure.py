"""Azure node kinds and relationship types, as read from Azure Resource Graph.

Every Azure id is the ARM resource id lower-cased (ARM ids are case-insensitive and payloads disagree
on case). ``account`` is the subscription id, ``region`` the location (``global`` when there is none).
Sub-resources that Resource Graph returns inline (subnets, security rules, backend pools, peerings,
AKS node pools) become nodes of their own, keyed by their own ARM id.
"""

from __future__ import annotations

from typing import Unpack

from graph.schema.common import SCOPED_PROPERTIES
from graph.schema.model import FREE, DataStore, EntryPoint, KindFacts, NodeKind, Property, RelType

P = Property

_ARM = (
    P(
        "resource_type",
        "string",
        "ARM resource type, lower-case, e.g. microsoft.compute/virtualmachines.",
        indexed=True,
    ),
    P(
        "resource_group",
        "string",
        "Resource group name (lower-case), empty for subscription-level objects.",
        indexed=True,
    ),
    P("provisioning_state", "string", "ARM provisioning state, e.g. Succeeded."),
    P("zones", "string[]", "Availability zones the resource is pinned to (its region stays in region)."),
)


def _kind(label: str, service: str, description: str, *props: Property, **facts: Unpack[KindFacts]) -> NodeKind:
    return NodeKind(
        label=label, provider="azure", service=service, description=description, properties=(*_ARM, *props), **facts
    )


SUBSCRIPTION = _kind(
    "AzureSubscription",
    "resources",
    "An Azure subscription: the billing and access boundary that holds resource groups.",
    P("subscription_id", "string", "Subscription GUID.", indexed=True),
    P("tenant_id", "string", "Entra ID tenant the subscription trusts."),
    P("state", "string", "Enabled, Disabled, Warned, PastDue or Deleted."),
    billing=FREE,
)
RESOURCE_GROUP = _kind(
    "AzureResourceGroup",
    "resources",
    "A resource group: a container of resources in a subscription.",
    billing=FREE,
)
VIRTUAL_MACHINE = _kind(
    "AzureVirtualMachine",
    "compute",
    "An Azure virtual machine.",
    P("vm_id", "string", "The VM's unique id (properties.vmId)."),
    P("vm_size", "string", "Size, e.g. Standard_D2s_v3.", indexed=True),
    P("os_type", "string", "Linux or Windows (from the OS disk)."),
    P("computer_name", "string", "Host name inside the guest."),
    P("power_state", "string", "Power state code, e.g. PowerState/running.", indexed=True),
    P("image", "string", "Marketplace image publisher:offer:sku:version, when it has one."),
    billing="azure_vm",
    provider_types=("microsoft.compute/virtualmachines",),
)
SCALE_SET = _kind(
    "AzureVirtualMachineScaleSet",
    "compute",
    "A virtual machine scale set (AKS node pools run on one); its instances' NICs stand for it in references.",
    P("vm_size", "string", "Instance size (sku.name), e.g. Standard_D2s_v3."),
    P("capacity", "int", "Number of instances (sku.capacity)."),
    P("orchestration_mode", "string", "Uniform or Flexible."),
    provider_types=("microsoft.compute/virtualmachinescalesets",),
)
NETWORK_INTERFACE = _kind(
    "AzureNetworkInterface",
    "network",
    "A network interface card of a VM or private endpoint.",
    P("private_ips", "string[]", "Private IP addresses of its IP configurations."),
    P("mac_address", "string", "MAC address."),
    P("enable_ip_forwarding", "bool", "Whether the NIC forwards traffic not addressed to it."),
    P("enable_accelerated_networking", "bool", "Whether accelerated networking is on."),
    P("application_security_groups", "string[]", "ARM ids (lower-case) of the application security groups it is in."),
    billing=FREE,
    provider_types=("microsoft.network/networkinterfaces",),
)
VIRTUAL_NETWORK = _kind(
    "AzureVirtualNetwork",
    "network",
    "A virtual network (VNet).",
    P("address_prefixes", "string[]", "Address spaces (CIDR)."),
    P("enable_ddos_protection", "bool", "Whether DDoS protection is on."),
    billing=FREE,
    provider_types=("microsoft.network/virtualnetworks",),
)
SUBNET = _kind(
    "AzureSubnet",
    "network",
    "A subnet of a virtual network.",
    P("address_prefix", "string", "CIDR of the subnet."),
    P("vnet_name", "string", "Name of the virtual network it belongs to."),
    P("delegations", "string[]", "Services the subnet is delegated to."),
    billing=FREE,
)
ROUTE_TABLE = _kind(
    "AzureRouteTable",
    "network",
    "A route table (user-defined routes) associated with subnets.",
    P("routes", "string[]", "Routes as '<prefix> -> <next hop type>[ <next hop address>]'."),
    P("default_route_next_hop", "string", "Next hop type of the 0.0.0.0/0 route, when there is one (e.g. Internet)."),
    P("disable_bgp_route_propagation", "bool", "Whether routes learned by BGP are not propagated."),
    billing=FREE,
    provider_types=("microsoft.network/routetables",),
)
APPLICATION_SECURITY_GROUP = _kind(
    "AzureApplicationSecurityGroup",
    "network",
    "An application security group: NICs grouped so NSG rules can name them as source or destination.",
    billing=FREE,
    provider_types=("microsoft.network/applicationsecuritygroups",),
)
NETWORK_SECURITY_GROUP = _kind(
    "AzureNetworkSecurityGroup",
    "network",
    "A network security group: prioritised allow/deny rules.",
    billing=FREE,
    provider_types=("microsoft.network/networksecuritygroups",),
)
SECURITY_RULE = NodeKind(
    label="AzureSecurityRule",
    provider="azure",
    service="network",
    description="One rule of a network security group (custom or default).",
    resource=False,
    properties=(
        P("id", "string", "ARM id of the rule (lower-case).", indexed=True),
        P("name", "string", "Rule name."),
        P("nsg_id", "string", "ARM id of the network security group (lower-case)."),
        P("access", "string", "Allow or Deny.", indexed=True),
        P("direction", "string", "Inbound or Outbound.", indexed=True),
        P("priority", "int", "Priority: lower numbers are evaluated first."),
        P("protocol", "string", "Tcp, Udp, Icmp, Esp, Ah or * (any)."),
        P("source_prefixes", "string[]", "Source address prefixes (CIDR, service tag such as Internet, or *)."),
        P("destination_prefixes", "string[]", "Destination address prefixes."),
        P("source_port_ranges", "string[]", "Source port ranges."),
        P("destination_port_ranges", "string[]", "Destination port ranges, e.g. 22 or 8000-8080 or *."),
        P("source_asgs", "string[]", "ARM ids (lower-case) of source application security groups."),
        P("destination_asgs", "string[]", "ARM ids (lower-case) of destination application security groups."),
        P("is_default", "bool", "Whether Azure created the rule (defaultSecurityRules)."),
        P(
            "open_to_internet",
            "bool",
            "Inbound Allow rule whose source is *, Internet, Any or 0.0.0.0/0.",
            indexed=True,
        ),
        *SCOPED_PROPERTIES,
    ),
)
PUBLIC_IP = _kind(
    "AzurePublicIPAddress",
    "network",
    "A public IP address resource.",
    P("ip_address", "string", "The allocated address, when allocated.", indexed=True),
    P("allocation_method", "string", "Static or Dynamic."),
    P("sku_name", "string", "Basic or Standard."),
    P("fqdn", "string", "DNS name, when one is set."),
    entry_point=EntryPoint(2),
    billing="azure_public_ip",
    provider_types=("microsoft.network/publicipaddresses",),
)
DISK = _kind(
    "AzureDisk",
    "compute",
    "A managed disk.",
    P("disk_size_gb", "int", "Size in GiB."),
    P("sku_name", "string", "Storage type, e.g. Premium_LRS."),
    P("disk_state", "string", "Attached, Unattached, Reserved, ..."),
    P("os_type", "string", "Linux or Windows for OS disks."),
    P("encryption_type", "string", "Encryption at rest, e.g. EncryptionAtRestWithPlatformKey."),
    billing="azure_disk",
    provider_types=("microsoft.compute/disks",),
)
LOAD_BALANCER = _kind(
    "AzureLoadBalancer",
    "network",
    "An Azure load balancer (layer 4).",
    P("sku_name", "string", "Basic or Standard."),
    billing="azure_load_balancer",
    provider_types=("microsoft.network/loadbalancers",),
)
LB_RULE = _kind(
    "AzureLoadBalancerRule",
    "network",
    "A load-balancing rule, inbound NAT rule or inbound NAT pool: a frontend port forwarded to a backend port.",
    P("rule_type", "string", "LoadBalancingRule, InboundNatRule or InboundNatPool.", indexed=True),
    P("protocol", "string", "Tcp, Udp or All."),
    P("frontend_port", "int", "Frontend port (0 with protocol All: every port)."),
    P("frontend_port_end", "int", "Last frontend port of a port range (NAT pools and ranged NAT rules)."),
    P("backend_port", "int", "Backend port the traffic is sent to."),
    P("lb_id", "string", "ARM id of the load balancer (lower-case)."),
    billing=FREE,
)
LB_BACKEND_POOL = _kind(
    "AzureLoadBalancerBackendPool",
    "network",
    "A backend address pool of a load balancer.",
    billing=FREE,
)
APPLICATION_GATEWAY = _kind(
    "AzureApplicationGateway",
    "network",
    "An application gateway (layer 7 load balancer, optionally a WAF).",
    P("sku_name", "string", "SKU name, e.g. WAF_v2."),
    P("sku_tier", "string", "SKU tier."),
    P("waf_enabled", "bool", "Whether the web application firewall is enabled."),
    P("backend_addresses", "string[]", "FQDNs and IP addresses of its backend pools."),
    P("listeners", "string[]", "HTTP listeners as '<protocol>:<frontend port>', e.g. Https:443."),
    P("min_tls_versions", "string[]", "Minimum TLS versions of its SSL policy and SSL profiles, e.g. TLSv1_2."),
    P("waf_mode", "string", "Detection or Prevention (inline WAF configuration)."),
    entry_point=EntryPoint(3),
    billing="azure_app_gateway",
    provider_types=("microsoft.network/applicationgateways",),
)
WAF_POLICY = _kind(
    "AzureWafPolicy",
    "network",
    "A web application firewall policy of application gateways.",
    P("state", "string", "Enabled or Disabled (policySettings.state)."),
    P("mode", "string", "Detection or Prevention (policySettings.mode)."),
    P("managed_rule_sets", "string[]", "Managed rule sets as '<type>:<version>'."),
    P("custom_rule_count", "int", "Number of custom rules."),
    billing=FREE,
    provider_types=("microsoft.network/applicationgatewaywebapplicationfirewallpolicies",),
)
VNET_PEERING = _kind(
    "AzureVirtualNetworkPeering",
    "network",
    "One side of a peering between two virtual networks.",
    P("peering_state", "string", "Connected, Initiated or Disconnected."),
    P("remote_vnet_id", "string", "ARM id of the remote virtual network (lower-case)."),
    P("allow_forwarded_traffic", "bool", "Whether forwarded traffic is allowed."),
    P("allow_gateway_transit", "bool", "Whether gateway transit is allowed."),
    P("use_remote_gateways", "bool", "Whether the remote network's gateways are used."),
    billing=FREE,
)
PRIVATE_ENDPOINT = _kind(
    "AzurePrivateEndpoint",
    "network",
    "A private endpoint: a private IP in a subnet for a PaaS resource.",
    P("group_ids", "string[]", "Sub-resources reached, e.g. blob, sqlServer, vault."),
    P("connection_state", "string", "Approval state of its first private link connection."),
    billing="azure_private_endpoint",
    provider_types=("microsoft.network/privateendpoints",),
)
SQL_SERVER = _kind(
    "AzureSqlServer",
    "sql",
    "An Azure SQL logical server.",
    P("fqdn", "string", "Fully qualified domain name.", indexed=True),
    P("version", "string", "SQL version, e.g. 12.0."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("minimal_tls_version", "string", "Minimum TLS version."),
    P("administrator_login", "string", "SQL administrator login name."),
    data_store=DataStore(4),
    billing=FREE,
    provider_types=("microsoft.sql/servers",),
)
SQL_DATABASE = _kind(
    "AzureSqlDatabase",
    "sql",
    "A database of an Azure SQL server.",
    P("sku_name", "string", "SKU, e.g. GP_Gen5_2 or System."),
    P("status", "string", "Online, Paused, ..."),
    P("max_size_bytes", "int", "Maximum size in bytes."),
    P("zone_redundant", "bool", "Whether the database is zone redundant."),
    data_store=DataStore(4),
    billing="azure_sql_database",
    provider_types=("microsoft.sql/servers/databases",),
)
SQL_FIREWALL_RULE = _kind(
    "AzureSqlFirewallRule",
    "sql",
    "A server-level IP firewall rule of an Azure SQL server.",
    P("start_ip", "string", "First allowed address."),
    P("end_ip", "string", "Last allowed address."),
    P("allows_all", "bool", "The rule admits every IPv4 address (0.0.0.0 - 255.255.255.255).", indexed=True),
    billing=FREE,
    provider_types=("microsoft.sql/servers/firewallrules",),
)
STORAGE_ACCOUNT = _kind(
    "AzureStorageAccount",
    "storage",
    "A storage account (blobs, files, queues, tables).",
    P("sku_name", "string", "Replication SKU, e.g. Standard_LRS."),
    P("storage_kind", "string", "StorageV2, BlobStorage, ..."),
    P(
        "allow_blob_public_access",
        "bool",
        "Whether containers may allow anonymous reads (absent: true, the documented default interpretation).",
        indexed=True,
    ),
    P("network_default_action", "string", "Allow or Deny for traffic no network rule matches."),
    P("minimum_tls_version", "string", "Minimum TLS version, e.g. TLS1_2 (absent: TLS1_0, the documented default)."),
    P("https_only", "bool", "supportsHttpsTrafficOnly."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("primary_blob_endpoint", "string", "Blob service endpoint URL."),
    P("ip_rules", "string[]", "IP addresses or ranges the network rules allow."),
    P(
        "allow_shared_key_access",
        "bool",
        "Whether account keys (Shared Key, SAS) are accepted (absent: true, the default).",
    ),
    data_store=DataStore(3),
    provider_types=("microsoft.storage/storageaccounts",),
)
KEY_VAULT = _kind(
    "AzureKeyVault",
    "keyvault",
    "A Key Vault holding keys, secrets and certificates.",
    P("vault_uri", "string", "Vault URI."),
    P("sku_name", "string", "standard or premium."),
    P("enable_soft_delete", "bool", "Whether soft delete is on."),
    P("enable_purge_protection", "bool", "Whether purge protection is on."),
    P("enable_rbac_authorization", "bool", "Whether data access uses Azure RBAC rather than access policies."),
    P("network_default_action", "string", "Allow or Deny for traffic no network rule matches."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("access_policy_count", "int", "Number of access policies (used when RBAC authorization is off)."),
    data_store=DataStore(5),
    provider_types=("microsoft.keyvault/vaults",),
)
AKS_CLUSTER = _kind(
    "AzureAKSCluster",
    "containerservice",
    "An Azure Kubernetes Service cluster.",
    P("kubernetes_version", "string", "Kubernetes version."),
    P("fqdn", "string", "API server FQDN."),
    P("private_cluster", "bool", "Whether the API server is private."),
    P("authorized_ip_ranges", "string[]", "IP ranges allowed to reach the API server (empty: any)."),
    P("network_plugin", "string", "azure, kubenet or none."),
    P("node_resource_group", "string", "Resource group holding the cluster's nodes."),
    provider_types=("microsoft.containerservice/managedclusters",),
)
AKS_NODE_POOL = _kind(
    "AzureAKSNodePool",
    "containerservice",
    "An agent (node) pool of an AKS cluster.",
    P("vm_size", "string", "Node VM size."),
    P("node_count", "int", "Number of nodes."),
    P("mode", "string", "System or User."),
    P("os_type", "string", "Linux or Windows."),
    P("orchestrator_version", "string", "Kubernetes version of the pool."),
    billing="azure_node_pool",
)
APP_SERVICE_PLAN = _kind(
    "AzureAppServicePlan",
    "web",
    "An App Service plan: the compute that web and function apps run on.",
    P("sku_name", "string", "SKU, e.g. P1v3 or Y1."),
    P("sku_tier", "string", "Tier, e.g. PremiumV3 or Dynamic."),
    P("linux", "bool", "Whether it is a Linux plan (properties.reserved)."),
    billing="azure_app_service_plan",
    provider_types=("microsoft.web/serverfarms",),
)
WEB_APP = _kind(
    "AzureWebApp",
    "web",
    "An App Service web app or function app.",
    P("is_function", "bool", "Whether it is a function app (kind contains functionapp).", indexed=True),
    P("app_kind", "string", "ARM kind, e.g. app,linux or functionapp,linux."),
    P("default_host_name", "string", "Default host name, e.g. x.azurewebsites.net.", indexed=True),
    P("https_only", "bool", "Whether plain HTTP is redirected to HTTPS."),
    P("state", "string", "Running or Stopped."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("identity_principal_id", "string", "Object id of its system-assigned managed identity.", indexed=True),
    entry_point=EntryPoint(2, "public_network_access", "Enabled"),
    billing=FREE,
    provider_types=("microsoft.web/sites",),
)
COSMOS_DB = _kind(
    "AzureCosmosDBAccount",
    "cosmosdb",
    "A Cosmos DB database account.",
    P("api_kind", "string", "GlobalDocumentDB, MongoDB or Parse."),
    P("document_endpoint", "string", "Account endpoint URL."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("ip_rules", "string[]", "IP ranges allowed in (empty with public access Enabled: any)."),
    P("vnet_filter_enabled", "bool", "isVirtualNetworkFilterEnabled."),
    P("consistency_level", "string", "Default consistency level."),
    data_store=DataStore(4),
    provider_types=("microsoft.documentdb/databaseaccounts",),
)
ROLE_ASSIGNMENT = _kind(
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
PRINCIPAL = _kind(
    "AzurePrincipal",
    "authorization",
    "An Entra ID principal (user, group, service principal or managed identity) holding role assignments.",
    P("principal_id", "string", "Object id.", indexed=True),
    P("principal_type", "string", "User, Group, ServicePrincipal or ForeignGroup."),
    billing=FREE,
)
GENERIC = _kind(
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
    R("HAS_FIREWALL_RULE", "AzureSqlServer", "AzureSqlFirewallRule", "The server admits this IP range."),
    R("HAS_NODE_POOL", "AzureAKSCluster", "AzureAKSNodePool", "The cluster runs this node pool."),
    R("HOSTED_ON", "AzureWebApp", "AzureAppServicePlan", "The app runs on this App Service plan."),
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
