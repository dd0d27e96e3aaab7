"""A deterministic Azure estate, as Azure Resource Graph returns it, for the local Resource Graph server.

Two subscriptions. ``prod`` holds a three-tier application: a VNet with web, app, data, AKS, gateway,
private-endpoint and integration subnets guarded by NSGs (``nsg-app`` allows SSH from the internet:
a deliberate misconfiguration), VMs with NICs, public IPs and managed disks, a load balancer with a
backend pool, an application gateway, a SQL server with a database and an allow-all firewall rule, a
storage account allowing public blob access with a private endpoint, a Key Vault, an AKS cluster, an
App Service plan with a web app and a function app, Cosmos DB, Application Insights and a Log Analytics
workspace. ``shared`` holds a hub VNet peered with prod's and a Recovery Services vault. Role assignments
live in AuthorizationResources.

Rows are shaped like Resource Graph's ``objectArray`` rows: lower-case ``type``, ARM properties with
their real names, and ids whose case differs between a resource and references to it (as in real
payloads). Everything is plain JSON; ``build_estate()`` returns a fresh copy each call.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from devclouds.azure_templates import (
    firewall_rule,
    key_vault_policy,
    lb_backend_pool,
    lb_frontend,
    lb_nat_rule,
    lb_probe,
    lb_rule,
    role_definition,
    route,
    route_table_properties,
    waf_policy_properties,
    web_config,
)

Row = dict[str, Any]

TENANT = "6a3f0d1e-2b4c-4d5e-8f90-a1b2c3d4e5f6"
PROD = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
SHARED = "5a3e7c90-2d4b-4c1e-9f6a-3e21c0d4b7a8"
LOCATION = "westeurope"

USER_ALICE = "a1c2e3f4-0000-4000-8000-000000000001"
GROUP_DBA = "b2d3f4a5-0000-4000-8000-000000000002"
SP_CI = "c3e4a5b6-0000-4000-8000-000000000003"
FUNC_IDENTITY = "d4f5b6c7-0000-4000-8000-000000000004"

ROLE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ROLE_CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_READER = "acdd72a7-3385-42ef-bd37-4a3ef2a1e8f8"
ROLE_BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
ROLE_NAMES = {
    ROLE_OWNER: ("Owner", "Grants full access to manage all resources."),
    ROLE_CONTRIBUTOR: ("Contributor", "Grants full access to manage all resources, but not to assign roles."),
    ROLE_READER: ("Reader", "View all resources, but does not allow you to make any changes."),
    ROLE_BLOB_READER: ("Storage Blob Data Reader", "Read and list Azure Storage containers and blobs."),
}


@dataclass
class AzureEstate:
    """The three tables the server answers from, and what only ARM itself serves (Resource Graph does not
    index it): ``arm`` maps a lower-case path to its items: a collection (``{server id}/firewallrules``) as
    ``GET`` lists them, or one resource (``{site id}/config/web``) as the only item; ``forbidden`` holds the
    paths ARM refuses (403). Mutable so tests can remove or change resources."""

    containers: list[Row] = field(default_factory=list)
    resources: list[Row] = field(default_factory=list)
    authorizations: list[Row] = field(default_factory=list)
    arm: dict[str, list[Row]] = field(default_factory=dict)
    forbidden: set[str] = field(default_factory=set)

    def table(self, name: str) -> list[Row]:
        return {
            "resources": self.resources,
            "resourcecontainers": self.containers,
            "authorizationresources": self.authorizations,
        }[name.lower()]

    def remove(self, resource_id: str) -> Row:
        """Remove the row with this id (case-insensitive) from whichever table holds it. As in Azure, the
        disks a deleted VM held are left unattached: their managedBy no longer names it."""
        for rows in (self.containers, self.resources, self.authorizations):
            for row in rows:
                if row["id"].lower() == resource_id.lower():
                    rows.remove(row)
                    self._detach(resource_id)
                    return row
        raise KeyError(resource_id)

    def _detach(self, holder: str) -> None:
        for row in self.resources:
            if (
                str(row.get("managedBy") or "").lower() == holder.lower()
                and row["type"].lower() == "microsoft.compute/disks"
            ):
                row["managedBy"] = ""
                row["properties"]["diskState"] = "Unattached"

    def find(self, name: str, type_: str) -> Row:
        arm = (r for rows in self.arm.values() for r in rows)
        return next(
            r
            for r in (*self.containers, *self.resources, *self.authorizations, *arm)
            if r["name"] == name and r["type"].lower() == type_.lower()
        )


def rg_id(sub: str, rg: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


def res_id(sub: str, rg: str, provider_type: str, name: str) -> str:
    """ARM id; nested types interleave names: Microsoft.Sql/servers/databases + s/db -> .../servers/s/databases/db."""
    namespace, *types = provider_type.split("/")
    path = "/".join(f"{t}/{n}" for t, n in zip(types, name.split("/"), strict=True))
    return f"{rg_id(sub, rg)}/providers/{namespace}/{path}"


def _row(
    sub: str,
    rg: str,
    provider_type: str,
    name: str,
    properties: Row,
    *,
    tags: dict[str, str] | None = None,
    sku: Row | None = None,
    kind: str = "",
    identity: Row | None = None,
    location: str = LOCATION,
    zones: list[str] | None = None,
) -> Row:
    return {
        "id": res_id(sub, rg, provider_type, name),
        "name": name.rsplit("/", 1)[-1],
        "type": provider_type.lower(),
        "tenantId": TENANT,
        "kind": kind,
        "location": location,
        "resourceGroup": rg.lower(),
        "subscriptionId": sub,
        "managedBy": "",
        "sku": sku,
        "plan": None,
        "properties": properties,
        "tags": tags or {},
        "identity": identity,
        "zones": zones,
        "extendedLocation": None,
    }


def _shout(resource_id: str) -> str:
    """The id as some payloads spell it: upper-case apart from the leading segment (ARM ids ignore case)."""
    return "/subscriptions/" + resource_id.removeprefix("/subscriptions/").upper()


def _ref(resource_id: str) -> Row:
    return {"id": resource_id}


def _rule(
    nsg: str,
    name: str,
    priority: int,
    access: str,
    direction: str,
    protocol: str,
    source: str | list[str],
    ports: str | list[str],
    destination: str = "*",
) -> Row:
    props: Row = {
        "provisioningState": "Succeeded",
        "protocol": protocol,
        "sourcePortRange": "*",
        "destinationAddressPrefix": destination,
        "access": access,
        "priority": priority,
        "direction": direction,
        "sourcePortRanges": [],
        "destinationPortRanges": [],
        "sourceAddressPrefixes": [],
        "destinationAddressPrefixes": [],
    }
    if isinstance(source, list):
        props["sourceAddressPrefixes"] = source
    else:
        props["sourceAddressPrefix"] = source
    if isinstance(ports, list):
        props["destinationPortRanges"] = ports
    else:
        props["destinationPortRange"] = ports
    return {
        "name": name,
        "id": f"{nsg}/securityRules/{name}",
        "type": "Microsoft.Network/networkSecurityGroups/securityRules",
        "properties": props,
    }


def _asg_rule(rule: Row, source_asg: str) -> Row:
    """The rule with an application security group as its source instead of an address prefix."""
    rule["properties"].pop("sourceAddressPrefix", None)
    rule["properties"]["sourceApplicationSecurityGroups"] = [_ref(source_asg)]
    return rule


def _default_rules(nsg: str) -> list[Row]:
    rules = [
        ("AllowVnetInBound", 65000, "Allow", "Inbound", "VirtualNetwork", "VirtualNetwork"),
        ("AllowAzureLoadBalancerInBound", 65001, "Allow", "Inbound", "AzureLoadBalancer", "*"),
        ("DenyAllInBound", 65500, "Deny", "Inbound", "*", "*"),
        ("AllowVnetOutBound", 65000, "Allow", "Outbound", "VirtualNetwork", "VirtualNetwork"),
        ("AllowInternetOutBound", 65001, "Allow", "Outbound", "*", "Internet"),
        ("DenyAllOutBound", 65500, "Deny", "Outbound", "*", "*"),
    ]
    out = []
    for name, priority, access, direction, source, destination in rules:
        rule = _rule(nsg, name, priority, access, direction, "*", source, "*", destination)
        rule["id"] = f"{nsg}/defaultSecurityRules/{name}"
        rule["type"] = "Microsoft.Network/networkSecurityGroups/defaultSecurityRules"
        out.append(rule)
    return out


def _nsg(sub: str, rg: str, name: str, rules: list[Row], subnets: list[str], nics: list[str]) -> Row:
    nsg_id = res_id(sub, rg, "Microsoft.Network/networkSecurityGroups", name)
    for rule in rules:
        rule["id"] = f"{nsg_id}/securityRules/{rule['name']}"
    return _row(
        sub,
        rg,
        "Microsoft.Network/networkSecurityGroups",
        name,
        {
            "provisioningState": "Succeeded",
            "resourceGuid": f"guid-{name}",
            "securityRules": rules,
            "defaultSecurityRules": _default_rules(nsg_id),
            "subnets": [_ref(s) for s in subnets],
            "networkInterfaces": [_ref(n) for n in nics],
        },
    )


def _subnet(
    vnet_id: str, name: str, prefix: str, nsg: str | None, delegation: str | None = None, route_table: str | None = None
) -> Row:
    props: Row = {
        "provisioningState": "Succeeded",
        "addressPrefix": prefix,
        "delegations": [],
        "privateEndpointNetworkPolicies": "Disabled",
        "privateLinkServiceNetworkPolicies": "Enabled",
    }
    if nsg:
        props["networkSecurityGroup"] = _ref(nsg)
    if delegation:
        props["delegations"] = [{"name": "delegation", "properties": {"serviceName": delegation}}]
    if route_table:
        props["routeTable"] = _ref(route_table)
    return {
        "name": name,
        "id": f"{vnet_id}/subnets/{name}",
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "properties": props,
    }


def _peering(vnet_id: str, name: str, remote: str) -> Row:
    return {
        "name": name,
        "id": f"{vnet_id}/virtualNetworkPeerings/{name}",
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        "properties": {
            "provisioningState": "Succeeded",
            "peeringState": "Connected",
            "peeringSyncLevel": "FullyInSync",
            "remoteVirtualNetwork": _ref(remote),
            "allowVirtualNetworkAccess": True,
            "allowForwardedTraffic": True,
            "allowGatewayTransit": False,
            "useRemoteGateways": False,
        },
    }


def _nic(
    sub: str,
    rg: str,
    name: str,
    subnet: str,
    ip: str,
    public_ip: str | None = None,
    nsg: str | None = None,
    vm: str | None = None,
    asgs: list[str] | None = None,
) -> Row:
    nic_id = res_id(sub, rg, "Microsoft.Network/networkInterfaces", name)
    ipconf: Row = {
        "privateIPAddress": ip,
        "privateIPAllocationMethod": "Dynamic",
        "subnet": _ref(subnet),
        "primary": True,
        "privateIPAddressVersion": "IPv4",
        "provisioningState": "Succeeded",
    }
    if public_ip:
        ipconf["publicIPAddress"] = _ref(public_ip)
    if asgs:
        ipconf["applicationSecurityGroups"] = [_ref(a) for a in asgs]
    props: Row = {
        "provisioningState": "Succeeded",
        "ipConfigurations": [{"name": "ipconfig1", "id": f"{nic_id}/ipConfigurations/ipconfig1", "properties": ipconf}],
        "macAddress": "00-0D-3A-" + "-".join(f"{(len(name) * 7 + i * 13) % 256:02X}" for i in range(3)),
        "enableAcceleratedNetworking": False,
        "enableIPForwarding": False,
        "primary": True,
    }
    if nsg:
        props["networkSecurityGroup"] = _ref(nsg)
    if vm:
        props["virtualMachine"] = _ref(vm)
    return _row(sub, rg, "Microsoft.Network/networkInterfaces", name, props)


def _vm(sub: str, rg: str, name: str, size: str, nic: str, os_disk: str, data_disks: list[str], tier: str) -> Row:
    return _row(
        sub,
        rg,
        "Microsoft.Compute/virtualMachines",
        name,
        {
            "provisioningState": "Succeeded",
            "vmId": f"9c{len(name):02d}{sum(map(ord, name)):04d}-7e1a-4c55-9d1e-0000{sum(map(ord, name)):08d}",
            "hardwareProfile": {"vmSize": size},
            "storageProfile": {
                "imageReference": {
                    "publisher": "Canonical",
                    "offer": "0001-com-ubuntu-server-jammy",
                    "sku": "22_04-lts-gen2",
                    "version": "latest",
                },
                "osDisk": {
                    "osType": "Linux",
                    "name": os_disk.rsplit("/", 1)[-1],
                    "createOption": "FromImage",
                    "caching": "ReadWrite",
                    "managedDisk": {"id": os_disk, "storageAccountType": "Premium_LRS"},
                    "deleteOption": "Delete",
                    "diskSizeGB": 30,
                },
                "dataDisks": [
                    {
                        "lun": lun,
                        "name": d.rsplit("/", 1)[-1],
                        "createOption": "Empty",
                        "caching": "None",
                        "managedDisk": {"id": d, "storageAccountType": "Premium_LRS"},
                        "diskSizeGB": 128,
                    }
                    for lun, d in enumerate(data_disks)
                ],
            },
            "osProfile": {
                "computerName": name,
                "adminUsername": "azureuser",
                "linuxConfiguration": {"disablePasswordAuthentication": True},
            },
            "networkProfile": {"networkInterfaces": [{"id": nic, "properties": {"primary": True}}]},
            "extended": {"instanceView": {"powerState": {"code": "PowerState/running", "displayStatus": "VM running"}}},
        },
        tags={"tier": tier, "env": "prod"},
        zones=["1"],
    )


def _disk(sub: str, rg: str, name: str, size: int, vm: str, os_type: str | None) -> Row:
    props: Row = {
        "provisioningState": "Succeeded",
        "diskSizeGB": size,
        "diskState": "Attached",
        "encryption": {"type": "EncryptionAtRestWithPlatformKey"},
        "creationData": {"createOption": "Empty"},
    }
    if os_type:
        props["osType"] = os_type
    row = _row(sub, rg, "Microsoft.Compute/disks", name, props, sku={"name": "Premium_LRS", "tier": "Premium"})
    row["managedBy"] = vm
    return row


def _pip(sub: str, rg: str, name: str, ip: str, fqdn: str | None = None) -> Row:
    props: Row = {
        "provisioningState": "Succeeded",
        "ipAddress": ip,
        "publicIPAllocationMethod": "Static",
        "publicIPAddressVersion": "IPv4",
        "idleTimeoutInMinutes": 4,
    }
    if fqdn:
        props["dnsSettings"] = {"domainNameLabel": fqdn.split(".")[0], "fqdn": fqdn}
    return _row(
        sub, rg, "Microsoft.Network/publicIPAddresses", name, props, sku={"name": "Standard", "tier": "Regional"}
    )


def _role(sub: str, scope: str, name: str, role: str, principal: str, principal_type: str) -> Row:
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "microsoft.authorization/roleassignments",
        "tenantId": TENANT,
        "kind": "",
        "location": "",
        "resourceGroup": scope.split("/resourceGroups/")[1].split("/")[0].lower()
        if "/resourceGroups/" in scope
        else "",
        "subscriptionId": sub,
        "managedBy": "",
        "sku": None,
        "plan": None,
        "properties": {
            "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": principal_type,
            "scope": scope,
            "createdOn": "2025-03-14T09:26:53.5897932Z",
            "updatedOn": "2025-03-14T09:26:53.5897932Z",
            "createdBy": USER_ALICE,
            "condition": None,
        },
        "tags": None,
        "identity": None,
        "zones": None,
        "extendedLocation": None,
    }


def _load_balancer(lb: str, public_ip: str, backends: list[str]) -> Row:
    """lb-web: HTTPS balanced over the web VMs, and RDP to vm-web-2 published by an inbound NAT rule."""
    fe, pool, probe = (
        f"{lb}/frontendIPConfigurations/fe-public",
        f"{lb}/backendAddressPools/web-pool",
        f"{lb}/probes/https",
    )
    rule, nat = f"{lb}/loadBalancingRules/https", f"{lb}/inboundNatRules/rdp-vm-web-2"
    return _row(
        PROD,
        "rg-web",
        "Microsoft.Network/loadBalancers",
        "lb-web",
        {
            "provisioningState": "Succeeded",
            "frontendIPConfigurations": [lb_frontend(lb, "fe-public", public_ip, [rule], [nat])],
            "backendAddressPools": [lb_backend_pool(lb, "web-pool", backends, [rule])],
            "loadBalancingRules": [lb_rule(lb, "https", fe, pool, probe, 443)],
            "probes": [lb_probe(lb, "https", 443, [rule])],
            "inboundNatRules": [lb_nat_rule(lb, "rdp-vm-web-2", fe, 50001, 3389, backends[1])],
            "inboundNatPools": [],
        },
        sku={"name": "Standard", "tier": "Regional"},
    )


def _aks_nodes(subnet: str) -> list[Row]:
    """The AKS system pool's scale set and the cluster's ``kubernetes`` load balancer, whose pool lists the
    scale set's instance NICs (``.../virtualMachineScaleSets/<s>/virtualMachines/<i>/networkInterfaces/...``)."""
    group, name = "MC_rg-aks_aks-prod_westeurope", "aks-system-31415926-vmss"
    vmss = res_id(PROD, group, "Microsoft.Compute/virtualMachineScaleSets", name)
    lb = res_id(PROD, group, "Microsoft.Network/loadBalancers", "kubernetes")
    pip = res_id(PROD, group, "Microsoft.Network/publicIPAddresses", "kubernetes-a1b2c3")
    fe, pool, probe = (
        f"{lb}/frontendIPConfigurations/a1b2c3",
        f"{lb}/backendAddressPools/kubernetes",
        f"{lb}/probes/a1b2c3-tcp-80",
    )
    rule = f"{lb}/loadBalancingRules/a1b2c3-tcp-80"
    instances = [f"{vmss}/virtualMachines/{i}/networkInterfaces/{name}/ipConfigurations/ipconfig1" for i in range(3)]
    return [
        _row(
            PROD,
            group,
            "Microsoft.Compute/virtualMachineScaleSets",
            name,
            {
                "provisioningState": "Succeeded",
                "orchestrationMode": "Uniform",
                "virtualMachineProfile": {
                    "networkProfile": {
                        "networkInterfaceConfigurations": [
                            {
                                "name": name,
                                "properties": {
                                    "primary": True,
                                    "ipConfigurations": [
                                        {
                                            "name": "ipconfig1",
                                            "properties": {
                                                "subnet": _ref(subnet),
                                                "loadBalancerBackendAddressPools": [_ref(pool)],
                                            },
                                        }
                                    ],
                                },
                            }
                        ]
                    }
                },
            },
            sku={"name": "Standard_D4s_v5", "tier": "Standard", "capacity": 3},
            tags={"aks-managed-poolName": "system"},
            zones=["1", "2", "3"],
        ),
        _pip(PROD, group, "kubernetes-a1b2c3", "20.61.16.5"),
        _row(
            PROD,
            group,
            "Microsoft.Network/loadBalancers",
            "kubernetes",
            {
                "provisioningState": "Succeeded",
                "frontendIPConfigurations": [lb_frontend(lb, "a1b2c3", pip, [rule], [])],
                "backendAddressPools": [lb_backend_pool(lb, "kubernetes", instances, [rule])],
                "loadBalancingRules": [lb_rule(lb, "a1b2c3-tcp-80", fe, pool, probe, 80)],
                "probes": [lb_probe(lb, "a1b2c3-tcp-80", 80, [rule])],
                "inboundNatRules": [],
                "inboundNatPools": [],
            },
            sku={"name": "Standard", "tier": "Regional"},
        ),
    ]


def _arm_only() -> dict[str, list[Row]]:
    """What ARM serves and Resource Graph does not index: the SQL server's firewall rules, as ARM lists them,
    and each app's TLS and FTP settings (``{site}/config/web``, one resource)."""
    server = res_id(PROD, "rg-data", "Microsoft.Sql/servers", "sql-prod-orders")
    web = res_id(PROD, "rg-app", "Microsoft.Web/sites", "app-prod-web")
    func = res_id(PROD, "rg-app", "Microsoft.Web/sites", "func-prod-orders")
    return {
        f"{server}/firewallRules".lower(): [
            firewall_rule(server, "AllowAll", "0.0.0.0", "255.255.255.255"),
            firewall_rule(server, "AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0"),
        ],
        f"{web}/config/web".lower(): [web_config(web, "1.2", "FtpsOnly")],
        f"{func}/config/web".lower(): [web_config(func, "1.2", "Disabled")],
    }


def _role_definitions() -> list[Row]:
    return [
        {**role_definition(sub, guid, name, description), "tenantId": TENANT}
        for sub in (PROD, SHARED)
        for guid, (name, description) in ROLE_NAMES.items()
    ]


def _containers() -> list[Row]:
    rows: list[Row] = []
    for sub, display in ((PROD, "Contoso Production"), (SHARED, "Contoso Shared Services")):
        rows.append(
            {
                "id": f"/subscriptions/{sub}",
                "name": display,
                "type": "microsoft.resources/subscriptions",
                "tenantId": TENANT,
                "kind": "",
                "location": "",
                "resourceGroup": "",
                "subscriptionId": sub,
                "managedBy": "",
                "sku": None,
                "plan": None,
                "properties": {
                    "state": "Enabled",
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "PayAsYouGo_2014-09-01",
                        "spendingLimit": "Off",
                    },
                },
                "tags": {"costcenter": "cc-100" if sub == PROD else "cc-200"},
                "identity": None,
                "zones": None,
                "extendedLocation": None,
            }
        )
    groups = {
        PROD: ["rg-network", "rg-web", "rg-app", "rg-data", "rg-aks", "MC_rg-aks_aks-prod_westeurope"],
        SHARED: ["rg-shared-network", "rg-shared-ops"],
    }
    for sub, names in groups.items():
        for name in names:
            rows.append(
                {
                    "id": rg_id(sub, name),
                    "name": name,
                    "type": "microsoft.resources/subscriptions/resourcegroups",
                    "tenantId": TENANT,
                    "kind": "",
                    "location": LOCATION,
                    "resourceGroup": name.lower(),
                    "subscriptionId": sub,
                    "managedBy": "",
                    "sku": None,
                    "plan": None,
                    "properties": {"provisioningState": "Succeeded"},
                    "tags": {"env": "prod" if sub == PROD else "shared"},
                    "identity": None,
                    "zones": None,
                    "extendedLocation": None,
                }
            )
    return rows


def _resources() -> list[Row]:
    net = "rg-network"
    vnet = res_id(PROD, net, "Microsoft.Network/virtualNetworks", "vnet-prod")
    hub = res_id(SHARED, "rg-shared-network", "Microsoft.Network/virtualNetworks", "vnet-shared")
    nsg = {n: res_id(PROD, net, "Microsoft.Network/networkSecurityGroups", f"nsg-{n}") for n in ("web", "app", "data")}
    sn = {n: f"{vnet}/subnets/snet-{n}" for n in ("web", "app", "data", "aks", "appgw", "pe", "integration")}
    # References in real payloads often differ in case from the resource's own id.
    sn_upper = {k: v.replace("/resourceGroups/rg-network/", "/resourceGroups/RG-NETWORK/") for k, v in sn.items()}
    nic = {
        n: res_id(PROD, rg, "Microsoft.Network/networkInterfaces", f"nic-{n}")
        for n, rg in (("web-1", "rg-web"), ("web-2", "rg-web"), ("app-1", "rg-app"))
    }
    vm = {
        n: res_id(PROD, rg, "Microsoft.Compute/virtualMachines", f"vm-{n}")
        for n, rg in (("web-1", "rg-web"), ("web-2", "rg-web"), ("app-1", "rg-app"))
    }
    disk = {
        n: res_id(PROD, rg, "Microsoft.Compute/disks", n)
        for n, rg in (
            ("vm-web-1_OsDisk_1", "rg-web"),
            ("vm-web-1_DataDisk_0", "rg-web"),
            ("vm-web-2_OsDisk_1", "rg-web"),
            ("vm-app-1_OsDisk_1", "rg-app"),
        )
    }
    pip = {n: res_id(PROD, net, "Microsoft.Network/publicIPAddresses", f"pip-{n}") for n in ("web-1", "lb", "appgw")}
    lb = res_id(PROD, "rg-web", "Microsoft.Network/loadBalancers", "lb-web")
    rt_web = res_id(PROD, net, "Microsoft.Network/routeTables", "rt-web")
    asg_app = res_id(PROD, net, "Microsoft.Network/applicationSecurityGroups", "asg-app")
    nic_web_2_conf = f"{_shout(nic['web-2'])}/IPCONFIGURATIONS/IPCONFIG1"
    agw = res_id(PROD, net, "Microsoft.Network/applicationGateways", "agw-prod")
    storage = res_id(PROD, "rg-data", "Microsoft.Storage/storageAccounts", "stprodassets")
    plan = res_id(PROD, "rg-app", "Microsoft.Web/serverfarms", "asp-prod")

    rows: list[Row] = [
        _row(
            PROD,
            net,
            "Microsoft.Network/virtualNetworks",
            "vnet-prod",
            {
                "provisioningState": "Succeeded",
                "resourceGuid": "guid-vnet-prod",
                "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [
                    _subnet(vnet, "snet-web", "10.0.1.0/24", nsg["web"], route_table=rt_web),
                    _subnet(vnet, "snet-app", "10.0.2.0/24", nsg["app"]),
                    _subnet(vnet, "snet-data", "10.0.3.0/24", nsg["data"]),
                    _subnet(vnet, "snet-aks", "10.0.4.0/22", None),
                    _subnet(vnet, "snet-appgw", "10.0.8.0/24", None),
                    _subnet(vnet, "snet-pe", "10.0.9.0/24", None),
                    _subnet(vnet, "snet-integration", "10.0.10.0/24", None, "Microsoft.Web/serverFarms"),
                ],
                "virtualNetworkPeerings": [_peering(vnet, "prod-to-shared", hub)],
                "enableDdosProtection": False,
            },
            tags={"env": "prod"},
        ),
        _row(
            SHARED,
            "rg-shared-network",
            "Microsoft.Network/virtualNetworks",
            "vnet-shared",
            {
                "provisioningState": "Succeeded",
                "resourceGuid": "guid-vnet-shared",
                "addressSpace": {"addressPrefixes": ["10.100.0.0/16"]},
                "subnets": [_subnet(hub, "snet-shared-services", "10.100.1.0/24", None)],
                "virtualNetworkPeerings": [_peering(hub, "shared-to-prod", _shout(vnet))],
                "enableDdosProtection": False,
            },
            tags={"env": "shared"},
        ),
        _nsg(
            PROD,
            net,
            "nsg-web",
            [
                _rule("", "allow-https-internet", 100, "Allow", "Inbound", "Tcp", "Internet", "443"),
                _rule("", "allow-http-internet", 110, "Allow", "Inbound", "Tcp", "Internet", "80"),
            ],
            [sn["web"]],
            [],
        ),
        _nsg(
            PROD,
            net,
            "nsg-app",
            [
                _rule(
                    "",
                    "allow-8080-from-web",
                    100,
                    "Allow",
                    "Inbound",
                    "Tcp",
                    ["10.0.1.0/24", "10.0.8.0/24"],
                    ["8080", "8443"],
                ),
                _rule("", "allow-ssh-anywhere", 200, "Allow", "Inbound", "Tcp", "*", "22"),
            ],
            [sn["app"]],
            [nic["app-1"]],
        ),
        _nsg(
            PROD,
            net,
            "nsg-data",
            [
                _rule("", "allow-sql-from-app", 100, "Allow", "Inbound", "Tcp", "10.0.2.0/24", "1433"),
                _asg_rule(_rule("", "allow-sql-from-app-asg", 110, "Allow", "Inbound", "Tcp", "*", "1433"), asg_app),
                _rule("", "deny-all-inbound", 4096, "Deny", "Inbound", "*", "*", "*"),
            ],
            [sn["data"]],
            [],
        ),
        _pip(PROD, net, "pip-web-1", "20.61.14.7"),
        _pip(PROD, net, "pip-lb", "20.61.14.9", "contoso-web.westeurope.cloudapp.azure.com"),
        _pip(PROD, net, "pip-appgw", "20.61.15.2"),
        _nic(PROD, "rg-web", "nic-web-1", sn_upper["web"], "10.0.1.4", pip["web-1"], vm=vm["web-1"]),
        _nic(PROD, "rg-web", "nic-web-2", sn["web"], "10.0.1.5", vm=vm["web-2"]),
        _nic(PROD, "rg-app", "nic-app-1", sn["app"], "10.0.2.4", nsg=nsg["app"], vm=vm["app-1"], asgs=[asg_app]),
        _row(PROD, net, "Microsoft.Network/applicationSecurityGroups", "asg-app", {"provisioningState": "Succeeded"}),
        _vm(
            PROD,
            "rg-web",
            "vm-web-1",
            "Standard_D2s_v5",
            _shout(nic["web-1"]),
            disk["vm-web-1_OsDisk_1"],
            [disk["vm-web-1_DataDisk_0"]],
            "web",
        ),
        _vm(PROD, "rg-web", "vm-web-2", "Standard_D2s_v5", nic["web-2"], disk["vm-web-2_OsDisk_1"], [], "web"),
        _vm(PROD, "rg-app", "vm-app-1", "Standard_D4s_v5", nic["app-1"], disk["vm-app-1_OsDisk_1"], [], "app"),
        _disk(PROD, "rg-web", "vm-web-1_OsDisk_1", 30, vm["web-1"], "Linux"),
        _disk(PROD, "rg-web", "vm-web-1_DataDisk_0", 128, vm["web-1"], None),
        _disk(PROD, "rg-web", "vm-web-2_OsDisk_1", 30, vm["web-2"], "Linux"),
        _disk(PROD, "rg-app", "vm-app-1_OsDisk_1", 30, vm["app-1"], "Linux"),
        _load_balancer(lb, pip["lb"], [f"{nic['web-1']}/ipConfigurations/ipconfig1", nic_web_2_conf]),
        *_aks_nodes(sn["aks"]),
        _row(
            PROD,
            net,
            "Microsoft.Network/routeTables",
            "rt-web",
            {
                **route_table_properties([route(rt_web, "default-via-hub", "0.0.0.0/0", "VirtualAppliance")]),
                "subnets": [_ref(sn["web"])],
            },
        ),
        _row(
            PROD,
            net,
            "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
            "waf-prod",
            waf_policy_properties("Prevention"),
        ),
        _row(
            PROD,
            net,
            "Microsoft.Network/applicationGateways",
            "agw-prod",
            {
                "provisioningState": "Succeeded",
                "operationalState": "Running",
                "sku": {"name": "WAF_v2", "tier": "WAF_v2", "capacity": 2},
                "gatewayIPConfigurations": [
                    {
                        "name": "gw-ip",
                        "id": f"{agw}/gatewayIPConfigurations/gw-ip",
                        "properties": {"subnet": _ref(sn_upper["appgw"])},
                    }
                ],
                "frontendIPConfigurations": [
                    {
                        "name": "fe-public",
                        "id": f"{agw}/frontendIPConfigurations/fe-public",
                        "properties": {"publicIPAddress": _ref(pip["appgw"])},
                    }
                ],
                "backendAddressPools": [
                    {
                        "name": "app-vms",
                        "id": f"{agw}/backendAddressPools/app-vms",
                        "properties": {
                            "backendAddresses": [],
                            "backendIPConfigurations": [_ref(f"{nic['app-1']}/ipConfigurations/ipconfig1")],
                        },
                    },
                    {
                        "name": "webapp",
                        "id": f"{agw}/backendAddressPools/webapp",
                        "properties": {"backendAddresses": [{"fqdn": "app-prod-web.azurewebsites.net"}]},
                    },
                ],
                "firewallPolicy": _ref(
                    res_id(PROD, net, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", "waf-prod")
                ),
                "webApplicationFirewallConfiguration": {
                    "enabled": True,
                    "firewallMode": "Prevention",
                    "ruleSetType": "OWASP",
                    "ruleSetVersion": "3.2",
                },
            },
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.Sql/servers",
            "sql-prod-orders",
            {
                "administratorLogin": "sqladmin",
                "version": "12.0",
                "state": "Ready",
                "fullyQualifiedDomainName": "sql-prod-orders.database.windows.net",
                "publicNetworkAccess": "Enabled",
                "minimalTlsVersion": "1.2",
                "privateEndpointConnections": [],
            },
            kind="v12.0",
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.Sql/servers/databases",
            "sql-prod-orders/orders",
            {
                "collation": "SQL_Latin1_General_CP1_CI_AS",
                "maxSizeBytes": 34359738368,
                "status": "Online",
                "databaseId": "e1f2a3b4-0000-4000-8000-0000000000db",
                "zoneRedundant": False,
                "currentServiceObjectiveName": "GP_Gen5_2",
                "requestedBackupStorageRedundancy": "Geo",
            },
            kind="v12.0,user,vcore",
            sku={"name": "GP_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2},
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.Sql/servers/databases",
            "sql-prod-orders/master",
            {
                "collation": "SQL_Latin1_General_CP1_CI_AS",
                "maxSizeBytes": 32212254720,
                "status": "Online",
                "databaseId": "e1f2a3b4-0000-4000-8000-00000000000a",
                "zoneRedundant": False,
                "currentServiceObjectiveName": "System0",
            },
            kind="v12.0,system",
            sku={"name": "System", "tier": "System", "capacity": 0},
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.Storage/storageAccounts",
            "stprodassets",
            {
                "provisioningState": "Succeeded",
                "allowBlobPublicAccess": True,
                "minimumTlsVersion": "TLS1_2",
                "supportsHttpsTrafficOnly": True,
                "publicNetworkAccess": "Enabled",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Allow",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "primaryEndpoints": {
                    "blob": "https://stprodassets.blob.core.windows.net/",
                    "file": "https://stprodassets.file.core.windows.net/",
                },
                "encryption": {"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": True}}},
                "accessTier": "Hot",
            },
            kind="StorageV2",
            sku={"name": "Standard_GRS", "tier": "Standard"},
            tags={"data": "public-assets"},
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.KeyVault/vaults",
            "kv-prod-secrets",
            {
                "tenantId": TENANT,
                "sku": {"family": "A", "name": "standard"},
                "accessPolicies": [key_vault_policy(TENANT, SP_CI, ["get", "list"], [], [])],
                "vaultUri": "https://kv-prod-secrets.vault.azure.net/",
                "enableSoftDelete": True,
                "softDeleteRetentionInDays": 90,
                "enablePurgeProtection": False,
                "enableRbacAuthorization": False,
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "publicNetworkAccess": "Enabled",
                "provisioningState": "Succeeded",
            },
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.DocumentDB/databaseAccounts",
            "cosmos-prod-orders",
            {
                "provisioningState": "Succeeded",
                "documentEndpoint": "https://cosmos-prod-orders.documents.azure.com:443/",
                "publicNetworkAccess": "Enabled",
                "ipRules": [],
                "isVirtualNetworkFilterEnabled": False,
                "databaseAccountOfferType": "Standard",
                "consistencyPolicy": {
                    "defaultConsistencyLevel": "Session",
                    "maxIntervalInSeconds": 5,
                    "maxStalenessPrefix": 100,
                },
                "locations": [{"locationName": "West Europe", "failoverPriority": 0}],
            },
            kind="GlobalDocumentDB",
        ),
        _row(
            PROD,
            "rg-data",
            "Microsoft.Network/privateEndpoints",
            "pe-stprodassets-blob",
            {
                "provisioningState": "Succeeded",
                "subnet": _ref(sn["pe"]),
                "privateLinkServiceConnections": [
                    {
                        "name": "pe-stprodassets-blob",
                        "id": res_id(PROD, "rg-data", "Microsoft.Network/privateEndpoints", "pe-stprodassets-blob")
                        + "/privateLinkServiceConnections/blob",
                        "properties": {
                            "privateLinkServiceId": _shout(storage),
                            "groupIds": ["blob"],
                            "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-Approved"},
                        },
                    }
                ],
                "manualPrivateLinkServiceConnections": [],
                "networkInterfaces": [],
            },
        ),
        _row(
            PROD,
            "rg-aks",
            "Microsoft.ContainerService/managedClusters",
            "aks-prod",
            {
                "provisioningState": "Succeeded",
                "powerState": {"code": "Running"},
                "kubernetesVersion": "1.29.4",
                "dnsPrefix": "aks-prod",
                "fqdn": "aks-prod-1a2b3c4d.hcp.westeurope.azmk8s.io",
                "agentPoolProfiles": [
                    {
                        "name": "system",
                        "count": 3,
                        "vmSize": "Standard_D4s_v5",
                        "osType": "Linux",
                        "mode": "System",
                        "orchestratorVersion": "1.29.4",
                        "vnetSubnetID": sn["aks"],
                        "type": "VirtualMachineScaleSets",
                        "provisioningState": "Succeeded",
                    },
                    {
                        "name": "apps",
                        "count": 2,
                        "vmSize": "Standard_D8s_v5",
                        "osType": "Linux",
                        "mode": "User",
                        "orchestratorVersion": "1.29.4",
                        "vnetSubnetID": sn_upper["aks"],
                        "type": "VirtualMachineScaleSets",
                        "provisioningState": "Succeeded",
                    },
                ],
                "networkProfile": {
                    "networkPlugin": "azure",
                    "serviceCidr": "172.16.0.0/16",
                    "dnsServiceIP": "172.16.0.10",
                },
                "apiServerAccessProfile": {"enablePrivateCluster": False, "authorizedIPRanges": ["203.0.113.0/24"]},
                "nodeResourceGroup": "MC_rg-aks_aks-prod_westeurope",
                "enableRBAC": True,
            },
            sku={"name": "Base", "tier": "Standard"},
            identity={
                "type": "SystemAssigned",
                "principalId": "e5a6c7d8-0000-4000-8000-000000000005",
                "tenantId": TENANT,
            },
        ),
        _row(
            PROD,
            "rg-app",
            "Microsoft.Web/serverFarms",
            "asp-prod",
            {
                "provisioningState": "Succeeded",
                "status": "Ready",
                "reserved": True,
                "numberOfSites": 2,
                "maximumNumberOfWorkers": 30,
            },
            kind="linux",
            sku={"name": "P1v3", "tier": "PremiumV3", "size": "P1v3", "family": "Pv3", "capacity": 1},
        ),
        _row(
            PROD,
            "rg-app",
            "Microsoft.Web/sites",
            "app-prod-web",
            {
                "state": "Running",
                "defaultHostName": "app-prod-web.azurewebsites.net",
                "httpsOnly": True,
                "serverFarmId": plan,
                "virtualNetworkSubnetId": sn_upper["integration"],
                "publicNetworkAccess": "Enabled",
                "enabledHostNames": ["app-prod-web.azurewebsites.net", "app-prod-web.scm.azurewebsites.net"],
                "siteConfig": {"linuxFxVersion": "PYTHON|3.11"},
            },
            kind="app,linux",
            tags={"tier": "web"},
        ),
        _row(
            PROD,
            "rg-app",
            "Microsoft.Web/sites",
            "func-prod-orders",
            {
                "state": "Running",
                "defaultHostName": "func-prod-orders.azurewebsites.net",
                "httpsOnly": False,
                "serverFarmId": plan.replace("serverfarms", "serverFarms").replace("asp-prod", "ASP-PROD"),
                "virtualNetworkSubnetId": None,
                "publicNetworkAccess": None,
            },
            kind="functionapp,linux",
            identity={"type": "SystemAssigned", "principalId": FUNC_IDENTITY, "tenantId": TENANT},
        ),
        _row(
            PROD,
            "rg-app",
            "Microsoft.Insights/components",
            "appi-prod",
            {
                "ApplicationId": "appi-prod",
                "Application_Type": "web",
                "IngestionMode": "LogAnalytics",
                "provisioningState": "Succeeded",
            },
            kind="web",
        ),
        _row(
            PROD,
            "rg-aks",
            "Microsoft.OperationalInsights/workspaces",
            "log-prod",
            {
                "provisioningState": "Succeeded",
                "customerId": "f0e1d2c3-0000-4000-8000-000000000006",
                "retentionInDays": 30,
                "sku": {"name": "PerGB2018"},
            },
        ),
        _row(
            SHARED,
            "rg-shared-ops",
            "Microsoft.RecoveryServices/vaults",
            "rsv-shared",
            {
                "provisioningState": "Succeeded",
            },
            sku={"name": "RS0", "tier": "Standard"},
        ),
    ]
    return rows


def _authorizations() -> list[Row]:
    prod_sub = f"/subscriptions/{PROD}"
    storage = res_id(PROD, "rg-data", "Microsoft.Storage/storageAccounts", "stprodassets")
    return [
        _role(PROD, prod_sub, "0f5c1a7e-1111-4111-8111-000000000001", ROLE_OWNER, USER_ALICE, "User"),
        _role(
            PROD,
            rg_id(PROD, "rg-app"),
            "0f5c1a7e-1111-4111-8111-000000000002",
            ROLE_CONTRIBUTOR,
            SP_CI,
            "ServicePrincipal",
        ),
        _role(
            PROD, storage, "0f5c1a7e-1111-4111-8111-000000000003", ROLE_BLOB_READER, FUNC_IDENTITY, "ServicePrincipal"
        ),
        _role(
            PROD, rg_id(PROD, "rg-data"), "0f5c1a7e-1111-4111-8111-000000000004", ROLE_CONTRIBUTOR, GROUP_DBA, "Group"
        ),
        _role(
            SHARED, f"/subscriptions/{SHARED}", "0f5c1a7e-1111-4111-8111-000000000005", ROLE_READER, USER_ALICE, "User"
        ),
    ]


_TEMPLATE = AzureEstate(_containers(), _resources(), [*_authorizations(), *_role_definitions()], _arm_only())


def build_estate() -> AzureEstate:
    """A fresh, independent copy of the demo estate."""
    return copy.deepcopy(_TEMPLATE)
