"""Edges of Azure compute rows: VMs, disks, scale sets, AKS clusters, web apps (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.providers.azure.builder import Builder, EdgeFn
from ingest.providers.azure.props import as_list, get, lid, ref
from ingest.providers.azure.query import ArmRow
from ingest.providers.references import Unresolved

__all__ = ["COMPUTE_EDGES"]


def _virtual_machine(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
    for nic in as_list(get(p, "networkProfile", "networkInterfaces")):
        out.edge("HAS_NETWORK_INTERFACE", me, "AzureNetworkInterface", ref(nic))
    os_disk = get(p, "storageProfile", "osDisk", "managedDisk")
    out.edge("USES_DISK", me, "AzureDisk", ref(os_disk), {"role": "os"})
    for disk in as_list(get(p, "storageProfile", "dataDisks")):
        lun = get(disk, "lun")
        out.edge(
            "USES_DISK",
            me,
            "AzureDisk",
            ref(get(disk, "managedDisk")),
            {"role": "data", "lun": lun if isinstance(lun, int) else None},
        )


def _disk(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    """The VM a disk names as attached to it (managedBy): the same USES_DISK the VM's own row names, so an
    attachment is kept when only the disk is read; a scale-set instance holding it is counted, not a node.
    With Azure Disk Encryption on, the vaults holding its secret and key-encryption key."""
    holder = lid(row.get("managedBy"))
    if "/providers/microsoft.compute/virtualmachines/" in holder:
        out.edge("USES_DISK", ("AzureVirtualMachine", holder), *me)
    elif holder:
        out.dropped.append(Unresolved("USES_DISK", holder))
    ade = get(row, "properties", "encryptionSettingsCollection")
    if get(ade, "enabled") is False:
        return
    vaults = (
        ref(get(setting, key, "sourceVault"))
        for setting in as_list(get(ade, "encryptionSettings"))
        for key in ("diskEncryptionKey", "keyEncryptionKey")
    )
    for vault in dict.fromkeys(v for v in vaults if v):
        out.edge("ENCRYPTED_BY", me, "AzureKeyVault", vault)


def _scale_set(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
    confs = as_list(get(p, "virtualMachineProfile", "networkProfile", "networkInterfaceConfigurations"))
    for conf in confs:
        for ip in as_list(get(conf, "properties", "ipConfigurations")):
            for pool in as_list(get(ip, "properties", "loadBalancerBackendAddressPools")):
                out.edge("ROUTES_TO", ("AzureLoadBalancerBackendPool", ref(pool)), *me)
            for nat_pool in as_list(get(ip, "properties", "loadBalancerInboundNatPools")):  # a port per instance
                out.edge("ROUTES_TO", ("AzureLoadBalancerRule", ref(nat_pool)), *me)


def _aks_cluster(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    for pool in as_list(get(row, "properties", "agentPoolProfiles")):
        name = get(pool, "name")
        if isinstance(name, str) and name:
            pool_id = f"{me[1]}/agentpools/{name.lower()}"
            out.edge("HAS_NODE_POOL", me, "AzureAKSNodePool", pool_id)
            out.edge("IN_SUBNET", ("AzureAKSNodePool", pool_id), "AzureSubnet", lid(get(pool, "vnetSubnetID")))


def _web_app(out: Builder, me: tuple[str, str], row: ArmRow, host_names: Mapping[str, str]) -> None:
    p = get(row, "properties")
    out.edge("HOSTED_ON", me, "AzureAppServicePlan", lid(get(p, "serverFarmId")))
    out.edge("IN_SUBNET", me, "AzureSubnet", lid(get(p, "virtualNetworkSubnetId")))


COMPUTE_EDGES: Mapping[str, EdgeFn] = {
    "AzureVirtualMachine": _virtual_machine,
    "AzureDisk": _disk,
    "AzureVirtualMachineScaleSet": _scale_set,
    "AzureAKSCluster": _aks_cluster,
    "AzureWebApp": _web_app,
}
