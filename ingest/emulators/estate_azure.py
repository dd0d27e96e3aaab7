"""The Azure share of the generated estate: N copies of a three-tier app in the prod subscription.

Each copy: a VNet with web, app and data subnets, an NSG per subnet (web allows HTTPS from the internet,
app allows 8080 from the web subnet, data allows 1433 from the app subnet; in every fifth copy the app NSG
also allows SSH from the internet, a deliberate misconfiguration), and VMs with a NIC and an OS disk each
(web VMs with a public IP). Rows are built with ``azure_estate``'s own row builders, so they have the
shapes Resource Graph returns; the subscriptions and resource groups are ``azure_estate``'s containers.
"""

from __future__ import annotations

import random

from ingest.emulators.azure_estate import (
    PROD,
    AzureEstate,
    Row,
    _containers,
    _disk,
    _nic,
    _nsg,
    _pip,
    _row,
    _rule,
    _subnet,
    _vm,
    res_id,
)
from ingest.emulators.estate_manifest import Collected

CLOUD = "azure"
TIERS = (("web", "rg-web", 443, "Internet"), ("app", "rg-app", 8080, "web"), ("data", "rg-data", 1433, "app"))
SIZES_VM = ("Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_E2s_v5")
OWNERS = ("payments", "search", "checkout", "platform", "identity")


def build_azure(copies: int, rng: random.Random, out: Collected) -> AzureEstate:
    estate = AzureEstate(containers=_containers())
    for row in estate.containers:
        label = "AzureSubscription" if row["type"] == "microsoft.resources/subscriptions" else "AzureResourceGroup"
        out.add(CLOUD, label, row["id"].lower(), row["name"])
    for i in range(copies):
        estate.resources += _app_copy(i, rng, out)
    return estate


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
        row = _nsg(PROD, net, nsg.rsplit("/", 1)[-1], rules, [subnet_ids[tier]], [])
        rows.append(row)
        out.add(CLOUD, "AzureNetworkSecurityGroup", nsg.lower(), nsg.rsplit("/", 1)[-1])
        out.edge("PROTECTED_BY", "AzureSubnet", subnet_ids[tier].lower(), "AzureNetworkSecurityGroup", nsg.lower())
        for rule in (*row["properties"]["securityRules"], *row["properties"]["defaultSecurityRules"]):
            out.add(CLOUD, "AzureSecurityRule", rule["id"].lower(), rule["name"])
            out.edge("HAS_RULE", "AzureNetworkSecurityGroup", nsg.lower(), "AzureSecurityRule", rule["id"].lower())
    return rows
