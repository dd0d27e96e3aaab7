"""Safe access to Resource Graph JSON, and the typed properties of each Azure kind (pure).

Payloads are JSON with optional, nullable, sometimes surprising fields: every accessor returns
``None`` (or an empty value) instead of raising, so a malformed row still becomes a node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph.rows import PropValue

# Documented default interpretations of storage account fields Resource Graph leaves out when unset
# (Microsoft.Storage StorageAccountProperties: "The default interpretation is true" / "is TLS 1.0").
STORAGE_BLOB_PUBLIC_ACCESS_DEFAULT = True
STORAGE_MINIMUM_TLS_DEFAULT = "TLS1_0"

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


def _default(value: bool | None, default: bool) -> bool:
    return default if value is None else value


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
        "source_asgs": strings(ref(g) for g in as_list(get(p, "sourceApplicationSecurityGroups"))),
        "destination_asgs": strings(ref(g) for g in as_list(get(p, "destinationApplicationSecurityGroups"))),
        "is_default": is_default,
        "open_to_internet": (access or "").lower() == "allow"
        and (direction or "").lower() == "inbound"
        and any(s.lower() in INTERNET_SOURCES for s in sources),
    }


def lb_rule_props(rule: object, rule_type: str, lb_id: str) -> dict[str, PropValue]:
    """The properties of one load-balancing rule, inbound NAT rule or inbound NAT pool of a load balancer."""
    p = get(rule, "properties")
    start = _int(get(p, "frontendPort"))
    if start is None:
        start = _int(get(p, "frontendPortRangeStart"))
    return {
        "name": _str(get(rule, "name")) or ref(rule).rsplit("/", 1)[-1],
        "rule_type": rule_type,
        "protocol": _str(get(p, "protocol")),
        "frontend_port": start,
        "frontend_port_end": _int(get(p, "frontendPortRangeEnd")),
        "backend_port": _int(get(p, "backendPort")),
        "lb_id": lb_id,
    }


def _route(route: object) -> str | None:
    p = get(route, "properties")
    prefix, hop = _str(get(p, "addressPrefix")), _str(get(p, "nextHopType"))
    if not prefix or not hop:
        return None
    address = _str(get(p, "nextHopIpAddress"))
    return f"{prefix} -> {hop}" + (f" {address}" if address else "")


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
        }
    if label == "AzureVirtualMachineScaleSet":
        return {
            "vm_size": sku_name,
            "capacity": _int(get(row, "sku", "capacity")),
            "orchestration_mode": _str(get(p, "orchestrationMode")),
        }
    if label == "AzureNetworkInterface":
        confs = as_list(get(p, "ipConfigurations"))
        return {
            "private_ips": strings(get(c, "properties", "privateIPAddress") for c in confs),
            "mac_address": _str(get(p, "macAddress")),
            "enable_ip_forwarding": _bool(get(p, "enableIPForwarding")),
            "enable_accelerated_networking": _bool(get(p, "enableAcceleratedNetworking")),
            "application_security_groups": tuple(
                dict.fromkeys(
                    strings(ref(g) for c in confs for g in as_list(get(c, "properties", "applicationSecurityGroups")))
                )
            ),
        }
    if label == "AzureRouteTable":
        routes = as_list(get(p, "routes"))
        default = next((r for r in routes if get(r, "properties", "addressPrefix") == "0.0.0.0/0"), None)
        return {
            "routes": strings(_route(r) for r in routes),
            "default_route_next_hop": _str(get(default, "properties", "nextHopType")),
            "disable_bgp_route_propagation": _bool(get(p, "disableBgpRoutePropagation")),
        }
    if label == "AzureWafPolicy":
        sets = as_list(get(p, "managedRules", "managedRuleSets"))
        return {
            "state": _str(get(p, "policySettings", "state")),
            "mode": _str(get(p, "policySettings", "mode")),
            "managed_rule_sets": strings(
                f"{get(m, 'ruleSetType')}:{get(m, 'ruleSetVersion')}" if get(m, "ruleSetType") else None for m in sets
            ),
            "custom_rule_count": len(as_list(get(p, "customRules"))),
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
            "ade_enabled": _bool(get(p, "encryptionSettingsCollection", "enabled")),
        }
    if label == "AzureLoadBalancer":
        return {"sku_name": sku_name}
    if label == "AzureApplicationGateway":
        pools = as_list(get(p, "backendAddressPools"))
        addresses = [a for pool in pools for a in as_list(get(pool, "properties", "backendAddresses"))]
        ports = {ref(fp): _int(get(fp, "properties", "port")) for fp in as_list(get(p, "frontendPorts"))}
        listeners = (
            f"{get(hl, 'properties', 'protocol') or '?'}:{ports.get(ref(get(hl, 'properties', 'frontendPort'))) or '?'}"
            for hl in as_list(get(p, "httpListeners"))
        )
        return {
            "sku_name": _str(get(p, "sku", "name")) or sku_name,
            "sku_tier": _str(get(p, "sku", "tier")) or sku_tier,
            "waf_enabled": _bool(get(p, "webApplicationFirewallConfiguration", "enabled")),
            "waf_mode": _str(get(p, "webApplicationFirewallConfiguration", "firewallMode")),
            "backend_addresses": strings(
                a if isinstance(a, str) else get(a, "fqdn") or get(a, "ipAddress") for a in addresses
            ),
            "listeners": tuple(dict.fromkeys(listeners)),
            "min_tls_versions": tuple(
                dict.fromkeys(
                    strings(
                        [
                            get(p, "sslPolicy", "minProtocolVersion"),
                            *(
                                get(sp, "properties", "sslPolicy", "minProtocolVersion")
                                for sp in as_list(get(p, "sslProfiles"))
                            ),
                        ]
                    )
                )
            ),
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
            "allow_blob_public_access": _default(
                _bool(get(p, "allowBlobPublicAccess")), STORAGE_BLOB_PUBLIC_ACCESS_DEFAULT
            ),
            "network_default_action": _str(get(p, "networkAcls", "defaultAction")),
            "minimum_tls_version": _str(get(p, "minimumTlsVersion")) or STORAGE_MINIMUM_TLS_DEFAULT,
            "https_only": _bool(get(p, "supportsHttpsTrafficOnly")),
            "public_network_access": _str(get(p, "publicNetworkAccess")),
            "primary_blob_endpoint": _str(get(p, "primaryEndpoints", "blob")),
            "ip_rules": strings(get(r, "value") for r in as_list(get(p, "networkAcls", "ipRules"))),
            "allow_shared_key_access": _default(_bool(get(p, "allowSharedKeyAccess")), True),
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
            "access_policy_count": len(as_list(get(p, "accessPolicies"))),
        }
    if label == "AzureAKSCluster":
        return {
            "kubernetes_version": _str(get(p, "kubernetesVersion")),
            "fqdn": _str(get(p, "fqdn")) or _str(get(p, "privateFQDN")),
            "private_cluster": _bool(get(p, "apiServerAccessProfile", "enablePrivateCluster")),
            "authorized_ip_ranges": strings(as_list(get(p, "apiServerAccessProfile", "authorizedIPRanges"))),
            "network_plugin": _str(get(p, "networkProfile", "networkPlugin")),
            "node_resource_group": _str(get(p, "nodeResourceGroup")),
            "enable_rbac": _bool(get(p, "enableRBAC")),
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
            "minimal_tls_version": _str(get(p, "minimalTlsVersion")),
        }
    if label == "AzureResource":
        return {"sku_name": sku_name, "azure_kind": kind}
    return {}
