"""The local Azure server's rows keep the real shapes: per kind, every key path of the demo estate's payloads
exists in a published payload of that kind (tests/fixtures/real/azure), or is a documented property the
published examples leave out (listed below with where it is documented)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pytest

from devclouds.azure_estate import build_estate
from ingest.providers.azure.builder import RESOURCE_GROUP_TYPE, SUBSCRIPTION_TYPE
from ingest.providers.azure.props import lid
from ingest.providers.azure.transform import label_for
from tests.real_payloads.azure_corpus import ARM_KINDS, CORPUS, ROLE_ASSIGNMENT, ROLE_DEFINITION, _load, kinds

CONTAINER_LABELS = {"AzureSubscription": SUBSCRIPTION_TYPE, "AzureResourceGroup": RESOURCE_GROUP_TYPE}

# Key paths the estate uses that no published example of the kind shows; each is a documented property of
# the resource's ARM schema (azure-rest-api-specs definition named) or a column Resource Graph adds.
DOCUMENTED: Mapping[str, frozenset[str]] = {
    "AzureVirtualMachine": frozenset(
        {
            # Resource Graph's instance view of a VM (properties.extended.instanceView), not an ARM GET field
            "properties.extended.instanceView.powerState.code",
            "properties.extended.instanceView.powerState.displayStatus",
            "properties.networkProfile.networkInterfaces[].properties.primary",  # NetworkInterfaceReference
            "properties.osProfile.linuxConfiguration.disablePasswordAuthentication",  # LinuxConfiguration
            "properties.storageProfile.osDisk.deleteOption",  # OSDisk.deleteOption
            "zones[]",  # VirtualMachine.zones
        }
    ),
    "AzureVirtualMachineScaleSet": frozenset(
        {"properties.orchestrationMode", "zones[]"}  # VirtualMachineScaleSetProperties, VirtualMachineScaleSet.zones
    ),
    "AzureNetworkSecurityGroup": frozenset(
        {
            # SecurityRulePropertiesFormat: plural prefixes/ranges and application security groups
            *(
                f"properties.{key}[].properties.{field}"
                for key in ("securityRules", "defaultSecurityRules")
                for field in (
                    "sourcePortRanges[]",
                    "destinationPortRanges[]",
                    "sourceAddressPrefixes[]",
                    "destinationAddressPrefixes[]",
                )
            ),
            "properties.securityRules[].properties.sourceApplicationSecurityGroups[].id",
            "properties.securityRules[].type",  # SecurityRule.type
            "properties.defaultSecurityRules[].type",
            # NetworkSecurityGroupPropertiesFormat: resourceGuid, subnets, networkInterfaces (read-only)
            "properties.resourceGuid",
            "properties.subnets[].id",
            "properties.networkInterfaces[].id",
        }
    ),
    "AzureVirtualNetwork": frozenset(
        {
            "properties.resourceGuid",  # VirtualNetworkPropertiesFormat.resourceGuid
            "properties.enableDdosProtection",  # VirtualNetworkPropertiesFormat.enableDdosProtection
            "properties.subnets[].type",  # Subnet.type
            # SubnetPropertiesFormat
            "properties.subnets[].properties.networkSecurityGroup.id",
            "properties.subnets[].properties.routeTable.id",
            "properties.subnets[].properties.delegations[].name",
            "properties.subnets[].properties.delegations[].properties.serviceName",
            "properties.subnets[].properties.privateEndpointNetworkPolicies",
            "properties.subnets[].properties.privateLinkServiceNetworkPolicies",
            # VirtualNetworkPeering / VirtualNetworkPeeringPropertiesFormat
            *(
                f"properties.virtualNetworkPeerings[].{field}"
                for field in (
                    "id",
                    "name",
                    "type",
                    "properties.provisioningState",
                    "properties.peeringState",
                    "properties.peeringSyncLevel",
                    "properties.remoteVirtualNetwork.id",
                    "properties.allowVirtualNetworkAccess",
                    "properties.allowForwardedTraffic",
                    "properties.allowGatewayTransit",
                    "properties.useRemoteGateways",
                )
            ),
        }
    ),
    "AzurePublicIPAddress": frozenset(
        {
            "properties.ipAddress",
            "properties.dnsSettings.domainNameLabel",
            "properties.dnsSettings.fqdn",
            "sku.name",
            "sku.tier",
        }
    ),
    "AzureApplicationGateway": frozenset(
        {
            "properties.firewallPolicy.id",  # ApplicationGatewayPropertiesFormat.firewallPolicy
            # ApplicationGatewayWebApplicationFirewallConfiguration
            "properties.webApplicationFirewallConfiguration.enabled",
            "properties.webApplicationFirewallConfiguration.firewallMode",
            "properties.webApplicationFirewallConfiguration.ruleSetType",
            "properties.webApplicationFirewallConfiguration.ruleSetVersion",
            # ApplicationGatewayBackendAddress.fqdn, ApplicationGatewayBackendAddressPool.backendIPConfigurations
            "properties.backendAddressPools[].properties.backendAddresses[].fqdn",
            "properties.backendAddressPools[].properties.backendIPConfigurations[].id",
        }
    ),
    "AzureLoadBalancer": frozenset(
        {
            "sku.tier",  # LoadBalancerSku.tier
            "properties.frontendIPConfigurations[].properties.publicIPAddress.id",  # FrontendIPConfiguration
            "properties.backendAddressPools[].properties.backendIPConfigurations[].id",  # BackendAddressPool
        }
    ),
    "AzureRouteTable": frozenset({"properties.subnets[].id"}),  # RouteTablePropertiesFormat.subnets
    "AzurePrivateEndpoint": frozenset(
        {"properties.privateLinkServiceConnections[].name", "properties.privateLinkServiceConnections[].id"}
    ),
    "AzureStorageAccount": frozenset(
        # StorageAccountProperties: the security switches the published example leaves at their defaults
        {
            "properties.allowBlobPublicAccess",
            "properties.minimumTlsVersion",
            "properties.publicNetworkAccess",
            "properties.accessTier",
        }
    ),
    "AzureKeyVault": frozenset(
        # VaultProperties
        {
            "properties.enableSoftDelete",
            "properties.softDeleteRetentionInDays",
            "properties.enablePurgeProtection",
            "properties.enableRbacAuthorization",
            "properties.networkAcls.bypass",
            "properties.networkAcls.defaultAction",
            "properties.networkAcls.ipRules[]",
            "properties.networkAcls.virtualNetworkRules[]",
        }
    ),
    "AzureSqlServer": frozenset({"properties.minimalTlsVersion"}),  # ServerProperties.minimalTlsVersion
    "AzureAKSCluster": frozenset(
        {
            # ManagedClusterIdentity, ManagedClusterSKU, ManagedClusterProperties.powerState
            "identity.principalId",
            "identity.tenantId",
            "identity.type",
            "sku.name",
            "sku.tier",
            "properties.powerState.code",
            # ManagedClusterAgentPoolProfileProperties.vnetSubnetID, ManagedClusterAPIServerAccessProfile
            "properties.agentPoolProfiles[].vnetSubnetID",
            "properties.apiServerAccessProfile.authorizedIPRanges[]",
        }
    ),
    "AzureCosmosDBAccount": frozenset({"properties.publicNetworkAccess"}),  # DatabaseAccountGetProperties
    "AzureDisk": frozenset({"properties.diskState", "sku.tier"}),  # DiskProperties.diskState, DiskSku.tier
    "AzureSqlDatabase": frozenset({"sku.family"}),  # Sku.family
    "AzureWebApp": frozenset(
        {
            # ManagedServiceIdentity; SiteProperties.publicNetworkAccess, SiteProperties.virtualNetworkSubnetId
            "identity.principalId",
            "identity.tenantId",
            "identity.type",
            "properties.publicNetworkAccess",
            "properties.virtualNetworkSubnetId",
        }
    ),
    "AzureRoleAssignment": frozenset(
        # RoleAssignmentProperties (createdOn, updatedOn, createdBy, condition): the published GET leaves them out
        {"properties.createdOn", "properties.updatedOn", "properties.createdBy", "properties.condition"}
    ),
}


def key_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every key path of ``value`` ("a.b[].c"): a list of scalars or an empty list ends in "[]"; tags (user
    data) are one path ``tags``."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if path == "tags" or not isinstance(child, Mapping | list) or (isinstance(child, Mapping) and not child):
                yield path
            else:
                yield from key_paths(child, path)
    elif isinstance(value, list):
        if not value:
            yield f"{prefix}[]"
        for item in value:
            if isinstance(item, Mapping | list):
                yield from key_paths(item, f"{prefix}[]")
            else:
                yield f"{prefix}[]"


def with_prefixes(paths: Iterable[str]) -> set[str]:
    """The paths and every path leading to them (an empty list or object in the estate is covered by them)."""
    out: set[str] = set()
    for path in paths:
        out.add(path)
        for i, ch in enumerate(path):
            if ch == ".":
                out.add(path[:i])
            elif ch == "[":
                out.add(path[: i + 2])
    return out


def paths_of(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    out: set[str] = set()
    for row in rows:
        out.update(key_paths(row))
    return out


def fake_rows(kind: str) -> list[Mapping[str, Any]]:
    estate = build_estate()
    if kind in ARM_KINDS:
        return [r for rows in estate.arm.values() for r in rows if label_for(lid(r.get("type"))) == kind]
    if kind == "AzureRoleAssignment":
        return [r for r in estate.authorizations if lid(r.get("type")) in (ROLE_ASSIGNMENT, ROLE_DEFINITION)]
    if kind in CONTAINER_LABELS:
        return [r for r in estate.containers if lid(r.get("type")) == CONTAINER_LABELS[kind]]
    return [r for r in estate.resources if label_for(lid(r.get("type"))) == kind]


def real_rows(kind: str) -> list[Mapping[str, Any]]:
    return [r for p in sorted((CORPUS / kind).glob("*.json")) for r in _load(p)]


@pytest.mark.parametrize("kind", kinds())
def test_the_estate_rows_of_a_kind_have_the_key_paths_of_its_published_payloads(kind: str) -> None:
    fake, real = fake_rows(kind), real_rows(kind)
    assert fake, f"the demo estate has no {kind}: build one from its published payload"
    invented = sorted(paths_of(fake) - with_prefixes(paths_of(real) | DOCUMENTED.get(kind, frozenset())))
    assert invented == [], f"{kind}: key paths of the estate that no published payload has: {invented}"


def test_the_documented_exceptions_are_all_still_used() -> None:
    for kind, documented in DOCUMENTED.items():
        unused = sorted(documented - with_prefixes(paths_of(fake_rows(kind))))
        assert unused == [], f"{kind}: documented exceptions the estate no longer uses: {unused}"
