"""The Azure share of the generated estate: the shared services and N copies of a three-tier app.

The base is ``azure_estate``'s whole estate (two subscriptions, VNets with peering, NSGs, VMs, a load
balancer publishing RDP to a VM by an inbound NAT rule, an application gateway with a WAF policy, an SQL
server with databases and firewall rules (served by ARM, not Resource Graph), a storage account with a
private endpoint, a Key Vault with an access policy, AKS on a scale set behind its ``kubernetes`` load
balancer, App Service, Cosmos DB, role assignments and role definitions) plus an RDP rule from the internet
on the web NSG. Its deliberate misconfigurations are recorded on the manifest: the storage
account allows public blob access, the SQL firewall admits 0.0.0.0-255.255.255.255, the Key Vault has
no purge protection, the AKS API server is not private, NSGs allow SSH or RDP from anywhere.

The copies are in the prod subscription. Each copy: a VNet with web, app and data subnets, an NSG per
subnet (web allows HTTPS from the internet, app allows 8080 from the web subnet, data allows 1433 from
the app subnet; in every fifth copy the app NSG also allows SSH from the internet, a deliberate
misconfiguration), and VMs with a NIC and an OS disk each (web VMs with a public IP). Rows are built with
``azure_estate``'s own row builders, so they have the shapes Resource Graph returns; the subscriptions
and resource groups are ``azure_estate``'s containers.
"""

from __future__ import annotations

import random

from devclouds.azure_estate import (
    PROD,
    AzureEstate,
    Row,
    _disk,
    _nic,
    _nsg,
    _pip,
    _row,
    _rule,
    _subnet,
    _vm,
    build_estate,
    res_id,
)
from devclouds.estate_manifest import Collected
from ingest.providers.azure.transform import label_for

CLOUD = "azure"
TIERS = (("web", "rg-web", 443, "Internet"), ("app", "rg-app", 8080, "web"), ("data", "rg-data", 1433, "app"))
SIZES_VM = ("Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_E2s_v5")
OWNERS = ("payments", "search", "checkout", "platform", "identity")


def build_azure(copies: int, rng: random.Random, out: Collected) -> AzureEstate:
    estate = build_estate()
    for row in estate.containers:
        label = "AzureSubscription" if row["type"] == "microsoft.resources/subscriptions" else "AzureResourceGroup"
        out.add(CLOUD, label, row["id"].lower(), row["name"])
    _base(estate, out)
    for i in range(copies):
        estate.resources += _app_copy(i, rng, out)
    return estate


def _named(estate: AzureEstate, type_: str, name: str) -> Row:
    return next(r for r in estate.resources if r["type"].lower() == type_ and r["name"] == name)


def _base(estate: AzureEstate, out: Collected) -> None:
    """Add the RDP rule, record every base row (and the children discovery makes of them), and the misconfigurations."""
    web = _named(estate, "microsoft.network/networksecuritygroups", "nsg-web")
    web["properties"]["securityRules"].append(
        _rule(web["id"], "allow-rdp-internet", 130, "Allow", "Inbound", "Tcp", "Internet", "3389")
    )
    for row in estate.resources:
        rid, label = row["id"].lower(), label_for(row["type"])
        out.add(CLOUD, label, rid, row["name"])
        props = row.get("properties") or {}
        children: list[tuple[str, str, str]] = []
        if label == "AzureVirtualNetwork":
            children += [("AzureSubnet", c["id"], c["name"]) for c in props.get("subnets", [])]
            children += [
                ("AzureVirtualNetworkPeering", c["id"], c["name"]) for c in props.get("virtualNetworkPeerings", [])
            ]
        elif label == "AzureNetworkSecurityGroup":
            rules = (*props.get("securityRules", []), *props.get("defaultSecurityRules", []))
            children += [("AzureSecurityRule", c["id"], c["name"]) for c in rules]
        elif label == "AzureLoadBalancer":
            children += [
                ("AzureLoadBalancerBackendPool", c["id"], c["name"]) for c in props.get("backendAddressPools", [])
            ]
            for key in ("loadBalancingRules", "inboundNatRules", "inboundNatPools"):
                children += [("AzureLoadBalancerRule", c["id"], c["name"]) for c in props.get(key, [])]
        elif label == "AzureAKSCluster":
            children += [
                ("AzureAKSNodePool", f"{row['id']}/agentpools/{c['name']}", c["name"])
                for c in props.get("agentPoolProfiles", [])
            ]
        for child_label, child_id, name in children:
            out.add(CLOUD, child_label, child_id.lower(), name)
    for listed in estate.arm.values():  # SQL firewall rules and app settings, read from ARM
        for item in listed:
            if label_for(item["type"]) == "AzureWebAppConfig":
                app = item["id"].split("/")[-3]
                out.add(CLOUD, "AzureWebAppConfig", item["id"].lower(), f"{app} config/web")
            else:
                out.add(CLOUD, "AzureSqlFirewallRule", item["id"].lower(), item["name"])
    principals: set[str] = set()
    for row in estate.authorizations:
        if row["type"] != "microsoft.authorization/roleassignments":
            continue
        out.add(CLOUD, "AzureRoleAssignment", row["id"].lower(), row["name"])
        principals.add(row["properties"]["principalId"].lower())
    for row in estate.resources:  # Key Vault access policies name principals too
        for policy in (row.get("properties") or {}).get("accessPolicies") or []:
            principals.add(policy["objectId"].lower())
    for principal in sorted(principals):
        out.add(CLOUD, "AzurePrincipal", principal, principal)
    for slug, type_, name, description in (
        (
            "azure-storage-public-blob-access",
            "microsoft.storage/storageaccounts",
            "stprodassets",
            "allowBlobPublicAccess is true: containers may allow anonymous reads.",
        ),
        (
            "azure-sql-firewall-allows-all",
            "microsoft.sql/servers/firewallrules",
            "AllowAll",
            "A server firewall rule admits 0.0.0.0 - 255.255.255.255.",
        ),
        (
            "azure-key-vault-without-purge-protection",
            "microsoft.keyvault/vaults",
            "kv-prod-secrets",
            "Purge protection is off: a deleted vault can be purged before its retention ends.",
        ),
        (
            "azure-aks-not-private",
            "microsoft.containerservice/managedclusters",
            "aks-prod",
            "The AKS API server is public (enablePrivateCluster is false).",
        ),
        (
            "azure-nsg-rdp-from-internet",
            "microsoft.network/networksecuritygroups",
            "nsg-web",
            "Rule allow-rdp-internet allows RDP (3389) from Internet.",
        ),
        (
            "azure-nsg-ssh-from-anywhere",
            "microsoft.network/networksecuritygroups",
            "nsg-app",
            "Rule allow-ssh-anywhere allows SSH (22) from any source.",
        ),
    ):
        row = estate.find(name, type_)
        out.misconfig(slug, CLOUD, label_for(type_), row["id"].lower(), description)


def _app_copy(i: int, rng: random.Random, out: Collected) -> list[Row]:
    net = "rg-network"
    owner = rng.choice(OWNERS)
    vnet_name = f"vnet-{owner}-{i:04d}"
    vnet = res_id(PROD, net, "Microsoft.Network/virtualNetworks", vnet_name)
    base = f"10.{i % 250}"
    nsg_ids = {
        t: res_id(PROD, net, "Microsoft.Network/networkSecurityGroups", f"nsg-{owner}-{i:04d}-{t}") for t, *_ in TIERS
    }
    subnet_ids = {t: f"{vnet}/subnets/snet-{t}" for t, *_ in TIERS}
    prefixes = {t: f"{base}.{n}.0/24" for n, (t, *_) in enumerate(TIERS, start=1)}
    rows: list[Row] = []
    out.add(CLOUD, "AzureVirtualNetwork", vnet.lower(), vnet_name)
    subnets = []
    for tier, *_ in TIERS:
        subnets.append(_subnet(vnet, f"snet-{tier}", prefixes[tier], nsg_ids[tier]))
        out.add(CLOUD, "AzureSubnet", subnet_ids[tier].lower(), f"snet-{tier}")
        out.edge("IN_VNET", "AzureSubnet", subnet_ids[tier].lower(), "AzureVirtualNetwork", vnet.lower())
    tags = {"owner": owner, "env": "prod", "copy": str(i)}
    rows.append(
        _row(
            PROD,
            net,
            "Microsoft.Network/virtualNetworks",
            vnet_name,
            {
                "provisioningState": "Succeeded",
                "resourceGuid": f"guid-{vnet_name}",
                "addressSpace": {"addressPrefixes": [f"{base}.0.0/16"]},
                "subnets": subnets,
                "virtualNetworkPeerings": [],
            },
            tags=tags,
        )
    )
    nics: dict[str, list[str]] = {t: [] for t, *_ in TIERS}
    for tier, rg, _, _ in TIERS:
        for n in range(rng.randint(1, 3)):
            name = f"{owner}-{i:04d}-{tier}-{n + 1}"
            vm = res_id(PROD, rg, "Microsoft.Compute/virtualMachines", f"vm-{name}")
            nic = res_id(PROD, rg, "Microsoft.Network/networkInterfaces", f"nic-{name}")
            disk = res_id(PROD, rg, "Microsoft.Compute/disks", f"vm-{name}_OsDisk_1")
            pip = res_id(PROD, rg, "Microsoft.Network/publicIPAddresses", f"pip-{name}") if tier == "web" else None
            ip = f"{prefixes[tier].rsplit('.', 1)[0]}.{n + 4}"
            vm_row = _vm(PROD, rg, f"vm-{name}", rng.choice(SIZES_VM), nic, disk, [], tier)
            vm_row["tags"].update(tags)
            rows += [
                vm_row,
                _nic(PROD, rg, f"nic-{name}", subnet_ids[tier], ip, pip, vm=vm),
                _disk(PROD, rg, f"vm-{name}_OsDisk_1", 30, vm, "Linux"),
            ]
            nics[tier].append(nic)
            out.add(CLOUD, "AzureVirtualMachine", vm.lower(), f"vm-{name}", vm_row["tags"])
            out.add(CLOUD, "AzureNetworkInterface", nic.lower(), f"nic-{name}")
            out.add(CLOUD, "AzureDisk", disk.lower(), f"vm-{name}_OsDisk_1")
            out.edge("HAS_NETWORK_INTERFACE", "AzureVirtualMachine", vm.lower(), "AzureNetworkInterface", nic.lower())
            out.edge("IN_SUBNET", "AzureNetworkInterface", nic.lower(), "AzureSubnet", subnet_ids[tier].lower())
            out.edge("USES_DISK", "AzureVirtualMachine", vm.lower(), "AzureDisk", disk.lower())
            if pip:
                rows.append(_pip(PROD, rg, f"pip-{name}", f"20.{i % 250}.{n}.{rng.randint(2, 250)}"))
                out.add(CLOUD, "AzurePublicIPAddress", pip.lower(), f"pip-{name}")
                out.edge("HAS_PUBLIC_IP", "AzureNetworkInterface", nic.lower(), "AzurePublicIPAddress", pip.lower())
    for tier, _, port, source in TIERS:
        nsg = nsg_ids[tier]
        src = "Internet" if source == "Internet" else prefixes[source]
        rules = [_rule(nsg, f"allow-{tier}-{port}", 100, "Allow", "Inbound", "Tcp", src, str(port))]
        if tier == "app" and i % 5 == 0:  # the misconfiguration: SSH from anywhere
            rules.append(_rule(nsg, "allow-ssh-anywhere", 110, "Allow", "Inbound", "Tcp", "*", "22"))
            out.misconfig(
                "azure-nsg-ssh-from-anywhere",
                CLOUD,
                "AzureNetworkSecurityGroup",
                nsg.lower(),
                "Rule allow-ssh-anywhere allows SSH (22) from any source.",
            )
        row = _nsg(PROD, net, nsg.rsplit("/", 1)[-1], rules, [subnet_ids[tier]], [])
        rows.append(row)
        out.add(CLOUD, "AzureNetworkSecurityGroup", nsg.lower(), nsg.rsplit("/", 1)[-1])
        out.edge("PROTECTED_BY", "AzureSubnet", subnet_ids[tier].lower(), "AzureNetworkSecurityGroup", nsg.lower())
        for rule in (*row["properties"]["securityRules"], *row["properties"]["defaultSecurityRules"]):
            out.add(CLOUD, "AzureSecurityRule", rule["id"].lower(), rule["name"])
            out.edge("HAS_RULE", "AzureNetworkSecurityGroup", nsg.lower(), "AzureSecurityRule", rule["id"].lower())
    return rows
