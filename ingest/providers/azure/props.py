"""Safe access to Resource Graph JSON, and the typed properties of each Azure kind (pure).

Payloads are JSON with optional, nullable, sometimes surprising fields: every accessor returns
``None`` (or an empty value) instead of raising, so a malformed row still becomes a node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph.rows import PropValue

# Built-in role definition GUIDs -> names (the ones estates use most; others keep only the id).
BUILT_IN_ROLES: Mapping[str, str] = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "acdd72a7-3385-42ef-bd37-4a3ef2a1e8f8": "Reader",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "9980e02c-c2be-4d73-94e8-173b1dc7cf3c": "Virtual Machine Contributor",
    "4d97b98b-1d4f-4787-a291-c67834d212e7": "Network Contributor",
}

INTERNET_SOURCES = frozenset({"*", "internet", "any", "0.0.0.0/0", "::/0"})


def get(value: object, *path: str) -> Any:
    """``value[path[0]][path[1]]...``, or None as soon as a step is missing or not an object."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def lid(value: object) -> str:
    """A string lower-cased (ARM ids and types are case-insensitive); '' for anything else."""
    return value.strip().lower() if isinstance(value, str) else ""


def ref(value: object) -> str:
    """The lower-cased ``id`` of a reference object ``{"id": ...}``; '' when there is none."""
    return lid(get(value, "id"))


def as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def strings(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(v for v in values if isinstance(v, str) and v)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _one_and_many(props: object, one: str, many: str) -> tuple[str, ...]:
    return strings([get(props, one), *as_list(get(props, many))])


def rule_props(rule: object, is_default: bool) -> dict[str, PropValue]:
    """The properties of one NSG rule (custom or default)."""
    p = get(rule, "properties")
    sources = _one_and_many(p, "sourceAddressPrefix", "sourceAddressPrefixes")
    access, direction = _str(get(p, "access")), _str(get(p, "direction"))
    return {
        "name": _str(get(rule, "name")) or ref(rule).rsplit("/", 1)[-1],
        "access": access,
        "direction": direction,
        "priority": _int(get(p, "priority")),
        "protocol": _str(get(p, "protocol")),
        "source_prefixes": sources,
        "destination_prefixes": _one_and_many(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
        "source_port_ranges": _one_and_many(p, "sourcePortRange", "sourcePortRanges"),
        "destination_port_ranges": _one_and_many(p, "destinationPortRange", "destinationPortRanges"),
        "is_default": is_default,
        "open_to_internet": (access or "").lower() == "allow"
        and (direction or "").lower() == "inbound"
        and any(s.lower() in INTERNET_SOURCES for s in sources),
    }


def typed_props(label: str, row: Mapping[str, Any]) -> dict[str, PropValue]:
    """The kind-specific properties of a Resources row."""
    p = get(row, "properties")
    sku_name, sku_tier = _str(get(row, "sku", "name")), _str(get(row, "sku", "tier"))
    kind = _str(row.get("kind"))
    if label == "AzureVirtualMachine":
        image = get(p, "storageProfile", "imageReference")
        parts = strings(get(image, k) for k in ("publisher", "offer", "sku", "version"))
        return {
            "vm_id": _str(get(p, "vmId")),
            "vm_size": _str(get(p, "hardwareProfile", "vmSize")),
            "os_type": _str(get(p, "storageProfile", "osDisk", "osType")),
            "computer_name": _str(get(p, "osProfile", "computerName")),
            "power_state": _str(get(p, "extended", "instanceView", "powerState", "code")),
            "image": ":".join(parts) if len(parts) == 4 else None,
            "zones": strings(as_list(row.get("zones"))),
        }
    if label == "AzureNetworkInterface":
        confs = as_list(get(p, "ipConfigurations"))
        return {
            "private_ips": strings(get(c, "properties", "privateIPAddress") for c in confs),
            "mac_address": _str(get(p, "macAddress")),
            "enable_ip_forwarding": _bool(get(p, "enableIPForwarding")),
            "enable_accelerated_networking": _bool(get(p, "enableAcceleratedNetworking")),
        }
    if label == "AzureVirtualNetwork":
        return {
            "address_prefixes": strings(as_list(get(p, "addressSpace", "addressPrefixes"))),
            "enable_ddos_protection": _bool(get(p, "enableDdosProtection")),
        }
    if label == "AzurePublicIPAddress":
        return {
            "ip_address": _str(get(p, "ipAddress")),
            "allocation_method": _str(get(p, "publicIPAllocationMethod")),
            "sku_name": sku_name,
            "fqdn": _str(get(p, "dnsSettings", "fqdn")),
        }
    if label == "AzureDisk":
        return {
            "disk_size_gb": _int(get(p, "diskSizeGB")),
            "sku_name": sku_name,
            "disk_state": _str(get(p, "diskState")),
            "os_type": _str(get(p, "osType")),
            "encryption_type": _str(get(p, "encryption", "type")),
        }
    if label == "AzureLoadBalancer":
        return {"sku_name": sku_name}
    if label == "AzureApplicationGateway":
        pools = as_list(get(p, "backendAddressPools"))
        addresses = [a for pool in pools for a in as_list(get(pool, "properties", "backendAddresses"))]
        return {
            "sku_name": _str(get(p, "sku", "name")) or sku_name,
            "sku_tier": _str(get(p, "sku", "tier")) or sku_tier,
            "waf_enabled": _bool(get(p, "webApplicationFirewallConfiguration", "enabled")),
            "backend_addresses": strings(get(a, "fqdn") or get(a, "ipAddress") for a in addresses),
        }
    if label == "AzurePrivateEndpoint":
        conns = [
            *as_list(get(p, "privateLinkServiceConnections")),
            *as_list(get(p, "manualPrivateLinkServiceConnections")),
        ]
        return {
            "group_ids": strings(g for c in conns for g in as_list(get(c, "properties", "groupIds"))),
            "connection_state": _str(
                get(conns[0] if conns else None, "properties", "privateLinkServiceConnectionState", "status")
            ),
        }
    if label == "AzureSqlServer":
        return {
            "fqdn": _str(get(p, "fullyQualifiedDomainName")),
            "version": _str(get(p, "version")),
            "public_network_access": _str(get(p, "publicNetworkAccess")),
            "minimal_tls_version": _str(get(p, "minimalTlsVersion")),
            "administrator_login": _str(get(p, "administratorLogin")),
        }
    if label == "AzureSqlDatabase":
        return {
            "sku_name": _str(get(p, "currentServiceObjectiveName")) or sku_name,
            "status": _str(get(p, "status")),
            "max_size_bytes": _int(get(p, "maxSizeBytes")),
            "zone_redundant": _bool(get(p, "zoneRedundant")),
        }
    if label == "AzureSqlFirewallRule":
        start, end = _str(get(p, "startIpAddress")), _str(get(p, "endIpAddress"))
        return {"start_ip": start, "end_ip": end, "allows_all": start == "0.0.0.0" and end == "255.255.255.255"}
    if label == "AzureStorageAccount":
        return {
            "sku_name": sku_name,
            "storage_kind": kind,
            "allow_blob_public_access": _bool(get(p, "allowBlobPublicAccess")),
            "network_default_action": _str(get(p, "networkAcls", "defaultAction")),
            "minimum_tls_version": _str(get(p, "minimumTlsVersion")),
            "https_only": _bool(get(p, "supportsHttpsTrafficOnly")),
            "public_network_access": _str(get(p, "publicNetworkAccess")),
            "primary_blob_endpoint": _str(get(p, "primaryEndpoints", "blob")),
        }
    if label == "AzureKeyVault":
        return {
            "vault_uri": _str(get(p, "vaultUri")),
            "sku_name": _str(get(p, "sku", "name")) or sku_name,
            "enable_soft_delete": _bool(get(p, "enableSoftDelete")),
            "enable_purge_protection": _bool(get(p, "enablePurgeProtection")),
            "enable_rbac_authorization": _bool(get(p, "enableRbacAuthorization")),
            "network_default_action": _str(get(p, "networkAcls", "defaultAction")),
            "public_network_access": _str(get(p, "publicNetworkAccess")),
        }
    if label == "AzureAKSCluster":
        return {
            "kubernetes_version": _str(get(p, "kubernetesVersion")),
            "fqdn": _str(get(p, "fqdn")) or _str(get(p, "privateFQDN")),
            "private_cluster": _bool(get(p, "apiServerAccessProfile", "enablePrivateCluster")),
            "authorized_ip_ranges": strings(as_list(get(p, "apiServerAccessProfile", "authorizedIPRanges"))),
            "network_plugin": _str(get(p, "networkProfile", "networkPlugin")),
            "node_resource_group": _str(get(p, "nodeResourceGroup")),
        }
    if label == "AzureAppServicePlan":
        return {"sku_name": sku_name, "sku_tier": sku_tier, "linux": _bool(get(p, "reserved"))}
    if label == "AzureWebApp":
        return {
            "is_function": "functionapp" in (kind or "").lower(),
            "app_kind": kind,
            "default_host_name": _str(get(p, "defaultHostName")),
            "https_only": _bool(get(p, "httpsOnly")),
            "state": _str(get(p, "state")),
            "public_network_access": _str(get(p, "publicNetworkAccess")),
            "identity_principal_id": lid(get(row.get("identity"), "principalId")) or None,
        }
    if label == "AzureCosmosDBAccount":
        return {
            "api_kind": kind,
            "document_endpoint": _str(get(p, "documentEndpoint")),
            "public_network_access": _str(get(p, "publicNetworkAccess")),
            "ip_rules": strings(get(r, "ipAddressOrRange") for r in as_list(get(p, "ipRules"))),
            "vnet_filter_enabled": _bool(get(p, "isVirtualNetworkFilterEnabled")),
            "consistency_level": _str(get(p, "consistencyPolicy", "defaultConsistencyLevel")),
        }
    if label == "AzureResource":
        return {"sku_name": sku_name, "azure_kind": kind}
    return {}
