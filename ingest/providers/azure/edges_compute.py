"""Edges of Azure compute rows: VMs, scale sets, AKS clusters, web apps (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.providers.azure.builder import Builder, EdgeFn
from ingest.providers.azure.props import as_list, get, lid, ref
from ingest.providers.azure.query import ArmRow

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
    "AzureVirtualMachineScaleSet": _scale_set,
    "AzureAKSCluster": _aks_cluster,
    "AzureWebApp": _web_app,
}
