"""Per Azure kind: the payload fields that matter for security and dependencies, and where each one lands.

A :class:`Field` names a path in the payload as discovery receives it (a Resource Graph row, or an item of an
ARM list), ``[]`` marking a list (``properties.subnets[].properties.routeTable.id``), and what it must
become: a property (``prop``, on the kind or on the child kind ``on``) or a relationship (``edge``, with
one end of the kind or ``on`` and the other, or the same, end the id the value names: ``ref`` says how a
value names that id when it is not the id itself). The field-coverage tests read these declarations
against published payloads: every value a payload carries for a declared field must reach its property
or its exact relationship, else the transform loses data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ingest.providers.azure.builder import backend_target, parent_id
from ingest.providers.azure.props import lid

__all__ = ["FIELDS", "Field", "expected_id", "values"]


@dataclass(frozen=True)
class Field:
    """A payload path, and the property or relationship it must reach (on the kind, or on ``on``)."""

    path: str
    prop: str | None = None
    edge: str | None = None
    on: str | None = None
    # How a value names the relationship's far end: None (the value is the id), "backend" (an IP
    # configuration id: its NIC, or the scale set of a scale-set instance NIC), "parent:<segment>" (the id
    # before /<segment>/), or a template with {row} (the row's id) and {value}.
    ref: str | None = None
    count: bool = False  # the property holds how many values there are

    @property
    def reaches(self) -> str:
        return f"{self.on + '.' if self.on else ''}{self.prop or f'-[:{self.edge}]-'}"


def expected_id(field: Field, row_id: str, value: object) -> str:
    """The node id an edge field's ``value`` must reach (lower-case, as the transform keys nodes)."""
    text = lid(value) if isinstance(value, str) else lid(str(value))
    if field.ref is None:
        return text
    if field.ref == "backend":
        return backend_target(text)[1]
    if field.ref.startswith("parent:"):
        return parent_id(text, field.ref.removeprefix("parent:"))
    return field.ref.format(row=lid(row_id), value=text)


def values(payload: object, path: str) -> Iterator[Any]:
    """Every non-empty value at ``path`` in ``payload`` (``[]`` after a key walks its list)."""
    current: list[Any] = [payload]
    for step in path.split("."):
        many = step.endswith("[]")
        key = step.removesuffix("[]")
        nxt: list[Any] = []
        for value in current:
            got = value.get(key) if isinstance(value, Mapping) else None
            if many:
                nxt.extend(got if isinstance(got, list) else [])
            elif got is not None:
                nxt.append(got)
        current = nxt
    yield from (v for v in current if v not in (None, "", [], {}))


F = Field
_IPC = "properties.ipConfigurations[].properties"

FIELDS: Mapping[str, tuple[Field, ...]] = {
    "AzureSubscription": (
        F("properties.state", prop="state"),
        F("tenantId", prop="tenant_id"),
    ),
    "AzureResourceGroup": (F("subscriptionId", edge="IN_SUBSCRIPTION", ref="/subscriptions/{value}"),),
    # An application security group's own payload holds nothing but its name: its members are named by
    # the NICs (MEMBER_OF, declared there) and the rules using it by the NSGs (source_asgs, destination_asgs).
    "AzureApplicationSecurityGroup": (),
    "AzureVirtualMachine": (
        F("properties.hardwareProfile.vmSize", prop="vm_size"),
        F("properties.networkProfile.networkInterfaces[].id", edge="HAS_NETWORK_INTERFACE"),
        F("properties.storageProfile.osDisk.managedDisk.id", edge="USES_DISK"),
        F("properties.storageProfile.dataDisks[].managedDisk.id", edge="USES_DISK"),
        F("zones[]", prop="zones"),
    ),
    "AzureVirtualMachineScaleSet": (
        F("sku.name", prop="vm_size"),
        F("sku.capacity", prop="capacity"),
        F(
            "properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties"
            ".ipConfigurations[].properties.loadBalancerBackendAddressPools[].id",
            edge="ROUTES_TO",
            on="AzureLoadBalancerBackendPool",
        ),
        F(
            "properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].properties"
            ".ipConfigurations[].properties.loadBalancerInboundNatPools[].id",
            edge="ROUTES_TO",
            on="AzureLoadBalancerRule",
        ),
        F("zones[]", prop="zones"),
    ),
    "AzureNetworkInterface": (
        F(f"{_IPC}.privateIPAddress", prop="private_ips"),
        F(f"{_IPC}.subnet.id", edge="IN_SUBNET"),
        F(f"{_IPC}.publicIPAddress.id", edge="HAS_PUBLIC_IP"),
        F(f"{_IPC}.applicationSecurityGroups[].id", edge="MEMBER_OF", on="AzureApplicationSecurityGroup"),
        F("properties.networkSecurityGroup.id", edge="PROTECTED_BY"),
        F("properties.virtualMachine.id", edge="HAS_NETWORK_INTERFACE", on="AzureVirtualMachine"),
        F("properties.enableIPForwarding", prop="enable_ip_forwarding"),
    ),
    "AzureVirtualNetwork": (
        F("properties.addressSpace.addressPrefixes[]", prop="address_prefixes"),
        F("properties.subnets[].id", edge="IN_VNET", on="AzureSubnet"),
        F("properties.subnets[].properties.addressPrefix", prop="address_prefix", on="AzureSubnet"),
        F("properties.subnets[].properties.networkSecurityGroup.id", edge="PROTECTED_BY", on="AzureSubnet"),
        F("properties.subnets[].properties.routeTable.id", edge="ASSOCIATED_WITH", on="AzureRouteTable"),
        F("properties.subnets[].properties.delegations[].properties.serviceName", prop="delegations", on="AzureSubnet"),
        F("properties.virtualNetworkPeerings[].properties.remoteVirtualNetwork.id", edge="PEERED_WITH"),
        F("properties.virtualNetworkPeerings[].id", edge="HAS_PEERING"),
        F(
            "properties.virtualNetworkPeerings[].properties.remoteVirtualNetwork.id",
            edge="CONNECTS_TO",
            on="AzureVirtualNetworkPeering",
        ),
        F(
            "properties.virtualNetworkPeerings[].properties.peeringState",
            prop="peering_state",
            on="AzureVirtualNetworkPeering",
        ),
        F(
            "properties.virtualNetworkPeerings[].properties.allowForwardedTraffic",
            prop="allow_forwarded_traffic",
            on="AzureVirtualNetworkPeering",
        ),
        F(
            "properties.virtualNetworkPeerings[].properties.useRemoteGateways",
            prop="use_remote_gateways",
            on="AzureVirtualNetworkPeering",
        ),
        F("properties.enableDdosProtection", prop="enable_ddos_protection"),
    ),
    "AzureRouteTable": (
        F("properties.routes[].properties.addressPrefix", prop="routes"),
        F("properties.routes[].properties.nextHopType", prop="routes"),
        F("properties.disableBgpRoutePropagation", prop="disable_bgp_route_propagation"),
        F("properties.subnets[].id", edge="ASSOCIATED_WITH"),
    ),
    "AzureNetworkSecurityGroup": (
        F("properties.securityRules[].id", edge="HAS_RULE"),
        F("properties.defaultSecurityRules[].id", edge="HAS_RULE"),
        F("properties.securityRules[].properties.access", prop="access", on="AzureSecurityRule"),
        F("properties.securityRules[].properties.direction", prop="direction", on="AzureSecurityRule"),
        F("properties.securityRules[].properties.priority", prop="priority", on="AzureSecurityRule"),
        F("properties.securityRules[].properties.sourceAddressPrefix", prop="source_prefixes", on="AzureSecurityRule"),
        F(
            "properties.securityRules[].properties.sourceAddressPrefixes[]",
            prop="source_prefixes",
            on="AzureSecurityRule",
        ),
        F(
            "properties.securityRules[].properties.destinationPortRange",
            prop="destination_port_ranges",
            on="AzureSecurityRule",
        ),
        F(
            "properties.securityRules[].properties.destinationPortRanges[]",
            prop="destination_port_ranges",
            on="AzureSecurityRule",
        ),
        F(
            "properties.securityRules[].properties.sourceApplicationSecurityGroups[].id",
            prop="source_asgs",
            on="AzureSecurityRule",
        ),
        F(
            "properties.securityRules[].properties.destinationApplicationSecurityGroups[].id",
            prop="destination_asgs",
            on="AzureSecurityRule",
        ),
        F("properties.subnets[].id", edge="PROTECTED_BY", on="AzureSubnet"),
        F("properties.networkInterfaces[].id", edge="PROTECTED_BY", on="AzureNetworkInterface"),
    ),
    "AzurePublicIPAddress": (
        F("properties.ipAddress", prop="ip_address"),
        F("properties.publicIPAllocationMethod", prop="allocation_method"),
        F("properties.dnsSettings.fqdn", prop="fqdn"),
        F(
            "properties.ipConfiguration.id",
            edge="HAS_PUBLIC_IP",
            on="AzureNetworkInterface",
            ref="parent:ipconfigurations",
        ),
        F("sku.name", prop="sku_name"),
    ),
    "AzureDisk": (
        F("managedBy", edge="USES_DISK", on="AzureVirtualMachine"),
        F("properties.diskSizeGB", prop="disk_size_gb"),
        F("properties.encryption.type", prop="encryption_type"),
        F("properties.encryptionSettingsCollection.enabled", prop="ade_enabled"),
        F(
            "properties.encryptionSettingsCollection.encryptionSettings[].diskEncryptionKey.sourceVault.id",
            edge="ENCRYPTED_BY",
        ),
        F(
            "properties.encryptionSettingsCollection.encryptionSettings[].keyEncryptionKey.sourceVault.id",
            edge="ENCRYPTED_BY",
        ),
        F("zones[]", prop="zones"),
    ),
    "AzureLoadBalancer": (
        F("sku.name", prop="sku_name"),
        F("properties.frontendIPConfigurations[].properties.publicIPAddress.id", edge="HAS_PUBLIC_IP"),
        F("properties.frontendIPConfigurations[].properties.subnet.id", edge="IN_SUBNET"),
        F("properties.backendAddressPools[].id", edge="HAS_BACKEND_POOL"),
        F(
            "properties.backendAddressPools[].properties.backendIPConfigurations[].id",
            edge="ROUTES_TO",
            on="AzureLoadBalancerBackendPool",
            ref="backend",
        ),
        F("properties.loadBalancingRules[].id", edge="HAS_RULE"),
        F("properties.loadBalancingRules[].properties.protocol", prop="protocol", on="AzureLoadBalancerRule"),
        F("properties.loadBalancingRules[].properties.frontendPort", prop="frontend_port", on="AzureLoadBalancerRule"),
        F("properties.loadBalancingRules[].properties.backendPort", prop="backend_port", on="AzureLoadBalancerRule"),
        F(
            "properties.loadBalancingRules[].properties.backendAddressPool.id",
            edge="ROUTES_TO",
            on="AzureLoadBalancerRule",
        ),
        F("properties.inboundNatRules[].id", edge="HAS_RULE"),
        F("properties.inboundNatRules[].properties.frontendPort", prop="frontend_port", on="AzureLoadBalancerRule"),
        F("properties.inboundNatRules[].properties.backendPort", prop="backend_port", on="AzureLoadBalancerRule"),
        F(
            "properties.inboundNatRules[].properties.backendIPConfiguration.id",
            edge="ROUTES_TO",
            on="AzureLoadBalancerRule",
            ref="backend",
        ),
        F("properties.inboundNatPools[].id", edge="HAS_RULE"),
        F(
            "properties.inboundNatPools[].properties.frontendPortRangeStart",
            prop="frontend_port",
            on="AzureLoadBalancerRule",
        ),
    ),
    "AzureApplicationGateway": (
        F("properties.sku.name", prop="sku_name"),
        F("properties.webApplicationFirewallConfiguration.enabled", prop="waf_enabled"),
        F("properties.webApplicationFirewallConfiguration.firewallMode", prop="waf_mode"),
        F("properties.firewallPolicy.id", edge="PROTECTED_BY"),
        F("properties.httpListeners[].properties.protocol", prop="listeners"),
        F("properties.frontendPorts[].properties.port", prop="listeners"),
        F("properties.sslPolicy.minProtocolVersion", prop="min_tls_versions"),
        F("properties.sslProfiles[].properties.sslPolicy.minProtocolVersion", prop="min_tls_versions"),
        F("properties.gatewayIPConfigurations[].properties.subnet.id", edge="IN_SUBNET"),
        F("properties.frontendIPConfigurations[].properties.publicIPAddress.id", edge="HAS_PUBLIC_IP"),
        F("properties.backendAddressPools[].properties.backendAddresses[].ipAddress", prop="backend_addresses"),
        F("properties.backendAddressPools[].properties.backendAddresses[].fqdn", prop="backend_addresses"),
        F("properties.backendAddressPools[].properties.backendIPConfigurations[].id", edge="ROUTES_TO", ref="backend"),
    ),
    "AzureWafPolicy": (
        F("properties.policySettings.state", prop="state"),
        F("properties.policySettings.mode", prop="mode"),
        F("properties.managedRules.managedRuleSets[].ruleSetType", prop="managed_rule_sets"),
        F("properties.customRules[].name", prop="custom_rule_count", count=True),
        F("properties.applicationGateways[].id", edge="PROTECTED_BY", on="AzureApplicationGateway"),
    ),
    "AzurePrivateEndpoint": (
        F("properties.subnet.id", edge="IN_SUBNET"),
        F("properties.privateLinkServiceConnections[].properties.privateLinkServiceId", edge="CONNECTS_TO"),
        F("properties.manualPrivateLinkServiceConnections[].properties.privateLinkServiceId", edge="CONNECTS_TO"),
        F("properties.privateLinkServiceConnections[].properties.groupIds[]", prop="group_ids"),
    ),
    "AzureSqlServer": (
        F("properties.fullyQualifiedDomainName", prop="fqdn"),
        F("properties.publicNetworkAccess", prop="public_network_access"),
        F("properties.minimalTlsVersion", prop="minimal_tls_version"),
        F("properties.administratorLogin", prop="administrator_login"),
        F(
            "properties.privateEndpointConnections[].properties.privateEndpoint.id",
            edge="CONNECTS_TO",
            on="AzurePrivateEndpoint",
        ),
    ),
    "AzureSqlFirewallRule": (
        F("properties.startIpAddress", prop="start_ip"),
        F("properties.endIpAddress", prop="end_ip"),
        F("id", edge="HAS_FIREWALL_RULE", on="AzureSqlServer"),
    ),
    "AzureStorageAccount": (
        F("properties.allowBlobPublicAccess", prop="allow_blob_public_access"),
        F("properties.minimumTlsVersion", prop="minimum_tls_version"),
        F("properties.supportsHttpsTrafficOnly", prop="https_only"),
        F("properties.allowSharedKeyAccess", prop="allow_shared_key_access"),
        F("properties.publicNetworkAccess", prop="public_network_access"),
        F("properties.networkAcls.defaultAction", prop="network_default_action"),
        F("properties.networkAcls.ipRules[].value", prop="ip_rules"),
        F("properties.primaryEndpoints.blob", prop="primary_blob_endpoint"),
        F(
            "properties.privateEndpointConnections[].properties.privateEndpoint.id",
            edge="CONNECTS_TO",
            on="AzurePrivateEndpoint",
        ),
    ),
    "AzureKeyVault": (
        F("properties.enableSoftDelete", prop="enable_soft_delete"),
        F("properties.enablePurgeProtection", prop="enable_purge_protection"),
        F("properties.enableRbacAuthorization", prop="enable_rbac_authorization"),
        F("properties.publicNetworkAccess", prop="public_network_access"),
        F("properties.networkAcls.defaultAction", prop="network_default_action"),
        F("properties.accessPolicies[].objectId", edge="HAS_ROLE", on="AzurePrincipal"),
        F(
            "properties.privateEndpointConnections[].properties.privateEndpoint.id",
            edge="CONNECTS_TO",
            on="AzurePrivateEndpoint",
        ),
    ),
    "AzureAKSCluster": (
        F("properties.kubernetesVersion", prop="kubernetes_version"),
        F("properties.apiServerAccessProfile.enablePrivateCluster", prop="private_cluster"),
        F("properties.apiServerAccessProfile.authorizedIPRanges[]", prop="authorized_ip_ranges"),
        F("properties.enableRBAC", prop="enable_rbac"),
        F("properties.networkProfile.networkPlugin", prop="network_plugin"),
        F("properties.agentPoolProfiles[].name", edge="HAS_NODE_POOL", ref="{row}/agentpools/{value}"),
        F("properties.agentPoolProfiles[].vnetSubnetID", edge="IN_SUBNET", on="AzureAKSNodePool"),
        F("properties.agentPoolProfiles[].vmSize", prop="vm_size", on="AzureAKSNodePool"),
        F("properties.agentPoolProfiles[].count", prop="node_count", on="AzureAKSNodePool"),
        F("properties.agentPoolProfiles[].enableNodePublicIP", prop="enable_node_public_ip", on="AzureAKSNodePool"),
    ),
    "AzureAppServicePlan": (
        F("sku.name", prop="sku_name"),
        F("properties.reserved", prop="linux"),
    ),
    "AzureWebApp": (
        F("properties.serverFarmId", edge="HOSTED_ON"),
        F("properties.virtualNetworkSubnetId", edge="IN_SUBNET"),
        F("properties.httpsOnly", prop="https_only"),
        F("properties.publicNetworkAccess", prop="public_network_access"),
        F("properties.defaultHostName", prop="default_host_name"),
        F("identity.principalId", prop="identity_principal_id"),
    ),
    "AzureWebAppConfig": (
        F("properties.minTlsVersion", prop="min_tls_version"),
        F("properties.scmMinTlsVersion", prop="scm_min_tls_version"),
        F("properties.ftpsState", prop="ftps_state"),
        F("properties.http20Enabled", prop="http20_enabled"),
        F("id", edge="HAS_CONFIG", on="AzureWebApp"),
    ),
    "AzureCosmosDBAccount": (
        F("properties.publicNetworkAccess", prop="public_network_access"),
        F("properties.ipRules[].ipAddressOrRange", prop="ip_rules"),
        F("properties.isVirtualNetworkFilterEnabled", prop="vnet_filter_enabled"),
        F("properties.minimalTlsVersion", prop="minimal_tls_version"),
        F("properties.documentEndpoint", prop="document_endpoint"),
        F(
            "properties.privateEndpointConnections[].properties.privateEndpoint.id",
            edge="CONNECTS_TO",
            on="AzurePrivateEndpoint",
        ),
    ),
    "AzureSqlDatabase": (
        F("id", edge="HAS_DATABASE", on="AzureSqlServer"),
        F("properties.status", prop="status"),
        F("properties.zoneRedundant", prop="zone_redundant"),
        F("properties.currentServiceObjectiveName", prop="sku_name"),
    ),
    "AzureRoleAssignment": (
        F("properties.principalId", edge="ASSIGNED_TO"),
        F("properties.principalType", prop="principal_type"),
        F("properties.roleDefinitionId", prop="role_definition_id"),
        F("properties.scope", edge="GRANTS_ACCESS_TO"),
    ),
}
