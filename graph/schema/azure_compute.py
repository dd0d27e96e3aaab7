"""Azure compute kinds: virtual machines, scale sets, disks, AKS, App Service."""

from __future__ import annotations

from graph.schema.azure_kind import P, azure_kind
from graph.schema.model import FREE, EntryPoint

__all__ = [
    "AKS_CLUSTER",
    "AKS_NODE_POOL",
    "APP_SERVICE_PLAN",
    "DISK",
    "SCALE_SET",
    "VIRTUAL_MACHINE",
    "WEB_APP",
    "WEB_APP_CONFIG",
]

VIRTUAL_MACHINE = azure_kind(
    "AzureVirtualMachine",
    "compute",
    "An Azure virtual machine.",
    P("vm_id", "string", "The VM's unique id (properties.vmId)."),
    P("vm_size", "string", "Size, e.g. Standard_D2s_v3.", indexed=True),
    P("os_type", "string", "Linux or Windows (from the OS disk)."),
    P("computer_name", "string", "Host name inside the guest."),
    P("power_state", "string", "Power state code, e.g. PowerState/running.", indexed=True),
    P("image", "string", "Marketplace image publisher:offer:sku:version, when it has one."),
    billing="azure_vm",
    provider_types=("microsoft.compute/virtualmachines",),
)
SCALE_SET = azure_kind(
    "AzureVirtualMachineScaleSet",
    "compute",
    "A virtual machine scale set (AKS node pools run on one); its instances' NICs stand for it in references.",
    P("vm_size", "string", "Instance size (sku.name), e.g. Standard_D2s_v3."),
    P("capacity", "int", "Number of instances (sku.capacity)."),
    P("orchestration_mode", "string", "Uniform or Flexible."),
    provider_types=("microsoft.compute/virtualmachinescalesets",),
)
DISK = azure_kind(
    "AzureDisk",
    "compute",
    "A managed disk.",
    P("disk_size_gb", "int", "Size in GiB."),
    P("sku_name", "string", "Storage type, e.g. Premium_LRS."),
    P("disk_state", "string", "Attached, Unattached, Reserved, ..."),
    P("os_type", "string", "Linux or Windows for OS disks."),
    P("encryption_type", "string", "Encryption at rest, e.g. EncryptionAtRestWithPlatformKey."),
    P("ade_enabled", "bool", "Azure Disk Encryption (BitLocker or DM-Crypt in the guest) is on for the disk."),
    billing="azure_disk",
    provider_types=("microsoft.compute/disks",),
)
AKS_CLUSTER = azure_kind(
    "AzureAKSCluster",
    "containerservice",
    "An Azure Kubernetes Service cluster.",
    P("kubernetes_version", "string", "Kubernetes version."),
    P("fqdn", "string", "API server FQDN."),
    P("private_cluster", "bool", "Whether the API server is private."),
    P("authorized_ip_ranges", "string[]", "IP ranges allowed to reach the API server (empty: any)."),
    P("network_plugin", "string", "azure, kubenet or none."),
    P("node_resource_group", "string", "Resource group holding the cluster's nodes."),
    P("enable_rbac", "bool", "Whether Kubernetes RBAC is enabled (enableRBAC)."),
    provider_types=("microsoft.containerservice/managedclusters",),
)
AKS_NODE_POOL = azure_kind(
    "AzureAKSNodePool",
    "containerservice",
    "An agent (node) pool of an AKS cluster.",
    P("vm_size", "string", "Node VM size."),
    P("node_count", "int", "Number of nodes."),
    P("mode", "string", "System or User."),
    P("os_type", "string", "Linux or Windows."),
    P("orchestrator_version", "string", "Kubernetes version of the pool."),
    P(
        "enable_node_public_ip",
        "bool",
        "Whether each node gets its own public IP (enableNodePublicIP; absent: false, the documented default).",
    ),
    billing="azure_node_pool",
)
APP_SERVICE_PLAN = azure_kind(
    "AzureAppServicePlan",
    "web",
    "An App Service plan: the compute that web and function apps run on.",
    P("sku_name", "string", "SKU, e.g. P1v3 or Y1."),
    P("sku_tier", "string", "Tier, e.g. PremiumV3 or Dynamic."),
    P("linux", "bool", "Whether it is a Linux plan (properties.reserved)."),
    billing="azure_app_service_plan",
    provider_types=("microsoft.web/serverfarms",),
)
WEB_APP = azure_kind(
    "AzureWebApp",
    "web",
    "An App Service web app or function app.",
    P("is_function", "bool", "Whether it is a function app (kind contains functionapp).", indexed=True),
    P("app_kind", "string", "ARM kind, e.g. app,linux or functionapp,linux."),
    P("default_host_name", "string", "Default host name, e.g. x.azurewebsites.net.", indexed=True),
    P("https_only", "bool", "Whether plain HTTP is redirected to HTTPS."),
    P("state", "string", "Running or Stopped."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("identity_principal_id", "string", "Object id of its system-assigned managed identity.", indexed=True),
    entry_point=EntryPoint(2, "public_network_access", "Enabled"),
    billing=FREE,
    provider_types=("microsoft.web/sites",),
)
WEB_APP_CONFIG = azure_kind(
    "AzureWebAppConfig",
    "web",
    "The TLS and FTP settings of an App Service app: its config/web resource, read from Azure Resource Manager "
    "(the sites Resource Graph indexes do not carry them reliably). Absent values take the documented default.",
    P("app", "string", "Name of the app.", indexed=True),
    P("min_tls_version", "string", "Minimum TLS version of HTTPS requests, e.g. 1.2 (minTlsVersion; absent: 1.2)."),
    P("scm_min_tls_version", "string", "Minimum TLS version of the deployment (SCM) site (scmMinTlsVersion)."),
    P("ftps_state", "string", "AllAllowed, FtpsOnly or Disabled (ftpsState; absent: AllAllowed)."),
    P("http20_enabled", "bool", "Whether clients may use HTTP/2 (http20Enabled)."),
    billing=FREE,
    provider_types=("microsoft.web/sites/config",),
)
