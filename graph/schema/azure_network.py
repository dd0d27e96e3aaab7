"""Azure network kinds: NICs, virtual networks and subnets, NSGs and their rules, load balancers,
application gateways, public IPs, peerings, private endpoints.

Sub-resources that Resource Graph returns inline (subnets, security rules, backend pools, peerings)
become nodes of their own, keyed by their own ARM id.
"""

from __future__ import annotations

from graph.schema.azure_kind import P, azure_kind
from graph.schema.common import SCOPED_PROPERTIES
from graph.schema.model import FREE, EntryPoint, NodeKind

__all__ = [
    "APPLICATION_GATEWAY",
    "APPLICATION_SECURITY_GROUP",
    "LB_BACKEND_POOL",
    "LB_RULE",
    "LOAD_BALANCER",
    "NETWORK_INTERFACE",
    "NETWORK_SECURITY_GROUP",
    "PRIVATE_ENDPOINT",
    "PUBLIC_IP",
    "ROUTE_TABLE",
    "SECURITY_RULE",
    "SUBNET",
    "VIRTUAL_NETWORK",
    "VNET_PEERING",
    "WAF_POLICY",
]

NETWORK_INTERFACE = azure_kind(
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
VIRTUAL_NETWORK = azure_kind(
    "AzureVirtualNetwork",
    "network",
    "A virtual network (VNet).",
    P("address_prefixes", "string[]", "Address spaces (CIDR)."),
    P("enable_ddos_protection", "bool", "Whether DDoS protection is on."),
    billing=FREE,
    provider_types=("microsoft.network/virtualnetworks",),
)
SUBNET = azure_kind(
    "AzureSubnet",
    "network",
    "A subnet of a virtual network.",
    P("address_prefix", "string", "CIDR of the subnet."),
    P("vnet_name", "string", "Name of the virtual network it belongs to."),
    P("delegations", "string[]", "Services the subnet is delegated to."),
    billing=FREE,
)
ROUTE_TABLE = azure_kind(
    "AzureRouteTable",
    "network",
    "A route table (user-defined routes) associated with subnets.",
    P("routes", "string[]", "Routes as '<prefix> -> <next hop type>[ <next hop address>]'."),
    P("default_route_next_hop", "string", "Next hop type of the 0.0.0.0/0 route, when there is one (e.g. Internet)."),
    P("disable_bgp_route_propagation", "bool", "Whether routes learned by BGP are not propagated."),
    billing=FREE,
    provider_types=("microsoft.network/routetables",),
)
APPLICATION_SECURITY_GROUP = azure_kind(
    "AzureApplicationSecurityGroup",
    "network",
    "An application security group: NICs grouped so NSG rules can name them as source or destination.",
    billing=FREE,
    provider_types=("microsoft.network/applicationsecuritygroups",),
)
NETWORK_SECURITY_GROUP = azure_kind(
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
PUBLIC_IP = azure_kind(
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
LOAD_BALANCER = azure_kind(
    "AzureLoadBalancer",
    "network",
    "An Azure load balancer (layer 4).",
    P("sku_name", "string", "Basic or Standard."),
    billing="azure_load_balancer",
    provider_types=("microsoft.network/loadbalancers",),
)
LB_RULE = azure_kind(
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
LB_BACKEND_POOL = azure_kind(
    "AzureLoadBalancerBackendPool",
    "network",
    "A backend address pool of a load balancer.",
    billing=FREE,
)
APPLICATION_GATEWAY = azure_kind(
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
WAF_POLICY = azure_kind(
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
VNET_PEERING = azure_kind(
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
PRIVATE_ENDPOINT = azure_kind(
    "AzurePrivateEndpoint",
    "network",
    "A private endpoint: a private IP in a subnet for a PaaS resource.",
    P("group_ids", "string[]", "Sub-resources reached, e.g. blob, sqlServer, vault."),
    P("connection_state", "string", "Approval state of its first private link connection."),
    billing="azure_private_endpoint",
    provider_types=("microsoft.network/privateendpoints",),
)
