"""Azure rules: public storage and databases, TLS and HTTPS settings, Key Vault recovery, public Kubernetes
API servers, gateways without WAF, broad role assignments (NSG rules are in rules_azure_network)."""

from __future__ import annotations

from queries.findings.model import Rule

_SA = "{account: s.name, resource_group: s.resource_group, subscription: s.account}"
_SA_UPDATE = (
    "az storage account update --subscription {subscription} --resource-group {resource_group} --name {account}"
)

STORAGE_BLOB_PUBLIC = Rule(
    id="azure-storage-blob-public-access",
    title="Storage account allows anonymous blob access",
    severity="high",
    provider="azure",
    kinds=("AzureStorageAccount",),
    benchmarks=("CIS Azure 3.7",),
    cypher=(
        f"MATCH (s:AzureStorageAccount {{allow_blob_public_access: true}}) RETURN s.id AS resource_id, {_SA} AS fields"
    ),
    description="Containers of the account may be made readable by anyone without credentials.",
    remediation="Disallow blob public access on the account.",
    command=f"{_SA_UPDATE} --allow-blob-public-access false",
)

STORAGE_HTTP = Rule(
    id="azure-storage-http-allowed",
    title="Storage account accepts plain HTTP",
    severity="medium",
    provider="azure",
    kinds=("AzureStorageAccount",),
    benchmarks=("CIS Azure 3.1",),
    cypher=(f"MATCH (s:AzureStorageAccount {{https_only: false}}) RETURN s.id AS resource_id, {_SA} AS fields"),
    description="Secure transfer is not required: data and SAS tokens may travel unencrypted.",
    remediation="Require secure transfer (HTTPS only).",
    command=f"{_SA_UPDATE} --https-only true",
)

STORAGE_TLS = Rule(
    id="azure-storage-old-tls",
    title="Storage account accepts TLS older than 1.2",
    severity="medium",
    provider="azure",
    kinds=("AzureStorageAccount",),
    benchmarks=("CIS Azure 3.15",),
    cypher=(
        "MATCH (s:AzureStorageAccount) WHERE s.minimum_tls_version IN ['TLS1_0', 'TLS1_1'] "
        f"RETURN s.id AS resource_id, {_SA} AS fields"
    ),
    description="Clients may connect with TLS 1.0 or 1.1, which have known weaknesses.",
    remediation="Set the minimum TLS version to 1.2.",
    command=f"{_SA_UPDATE} --min-tls-version TLS1_2",
)

STORAGE_NETWORK_OPEN = Rule(
    id="azure-storage-network-open",
    title="Storage account accepts traffic from every network",
    severity="medium",
    provider="azure",
    kinds=("AzureStorageAccount",),
    benchmarks=("CIS Azure 3.8",),
    cypher=(
        "MATCH (s:AzureStorageAccount {network_default_action: 'Allow'}) "
        "WHERE coalesce(s.public_network_access, 'Enabled') <> 'Disabled' "
        f"RETURN s.id AS resource_id, {_SA} AS fields"
    ),
    description="The firewall's default action is Allow: any network may reach the account's endpoints.",
    remediation="Set the default action to Deny and allow the networks that need access.",
    command=f"{_SA_UPDATE} --default-action Deny",
)

SQL_ALLOWS_ALL = Rule(
    id="azure-sql-firewall-allows-all",
    title="Azure SQL server firewall admits every address",
    severity="critical",
    provider="azure",
    kinds=("AzureSqlFirewallRule",),
    benchmarks=("CIS Azure 4.1.2",),
    cypher=(
        "MATCH (f:AzureSqlFirewallRule {allows_all: true}) "
        "OPTIONAL MATCH (s:AzureSqlServer)-[:HAS_FIREWALL_RULE]->(f) "
        "RETURN f.id AS resource_id, {server: coalesce(s.name, split(f.id, '/')[8]), "
        "resource_group: f.resource_group, subscription: f.account, rule: f.name} AS fields"
    ),
    description="A server-level firewall rule spans 0.0.0.0 - 255.255.255.255: the server is open to the internet.",
    remediation="Delete the rule and admit only the addresses (or private endpoints) that need the server.",
    command=(
        "az sql server firewall-rule delete --subscription {subscription} --resource-group {resource_group} "
        "--server {server} --name {rule}"
    ),
)

_SQL = "{server: s.name, resource_group: s.resource_group, subscription: s.account}"

SQL_PUBLIC = Rule(
    id="azure-sql-public-network",
    title="Azure SQL server accepts public network access",
    severity="medium",
    provider="azure",
    kinds=("AzureSqlServer",),
    benchmarks=("Microsoft cloud security benchmark NS-2",),
    cypher=(
        f"MATCH (s:AzureSqlServer {{public_network_access: 'Enabled'}}) RETURN s.id AS resource_id, {_SQL} AS fields"
    ),
    description="The server's public endpoint is on; only its firewall rules decide who connects.",
    remediation="Disable public network access and connect through private endpoints.",
    command=(
        "az sql server update --subscription {subscription} --resource-group {resource_group} --name {server} "
        "--enable-public-network false"
    ),
)

SQL_TLS = Rule(
    id="azure-sql-old-tls",
    title="Azure SQL server accepts TLS older than 1.2",
    severity="low",
    provider="azure",
    kinds=("AzureSqlServer",),
    benchmarks=("Microsoft cloud security benchmark DP-3",),
    cypher=(
        "MATCH (s:AzureSqlServer) WHERE s.minimal_tls_version IN ['1.0', '1.1', 'None'] "
        f"RETURN s.id AS resource_id, {_SQL} AS fields"
    ),
    description="Clients may connect with TLS 1.0 or 1.1.",
    remediation="Set the minimal TLS version to 1.2.",
    command=(
        "az sql server update --subscription {subscription} --resource-group {resource_group} --name {server} "
        "--minimal-tls-version 1.2"
    ),
)

_KV = "{vault: v.name, resource_group: v.resource_group, subscription: v.account}"
_KV_UPDATE = "az keyvault update --subscription {subscription} --resource-group {resource_group} --name {vault}"

KEYVAULT_PURGE = Rule(
    id="azure-keyvault-no-purge-protection",
    title="Key Vault can be purged",
    severity="medium",
    provider="azure",
    kinds=("AzureKeyVault",),
    benchmarks=("CIS Azure 8.5",),
    cypher=(
        "MATCH (v:AzureKeyVault) WHERE NOT coalesce(v.enable_purge_protection, false) "
        f"RETURN v.id AS resource_id, {_KV} AS fields"
    ),
    description="A deleted vault or key can be purged at once: keys encrypting data could be lost for good.",
    remediation="Turn purge protection on (it cannot be turned off again).",
    command=f"{_KV_UPDATE} --enable-purge-protection true",
)

KEYVAULT_NETWORK_OPEN = Rule(
    id="azure-keyvault-network-open",
    title="Key Vault accepts traffic from every network",
    severity="medium",
    provider="azure",
    kinds=("AzureKeyVault",),
    benchmarks=("Microsoft cloud security benchmark NS-2",),
    cypher=(
        "MATCH (v:AzureKeyVault) WHERE coalesce(v.network_default_action, 'Allow') = 'Allow' "
        "AND coalesce(v.public_network_access, 'Enabled') <> 'Disabled' "
        f"RETURN v.id AS resource_id, {_KV} AS fields"
    ),
    description="The vault's firewall lets any network reach it; only authentication protects the secrets.",
    remediation="Set the default action to Deny and allow the networks (or private endpoints) that need it.",
    command=f"{_KV_UPDATE} --default-action Deny",
)

WEBAPP_HTTP = Rule(
    id="azure-webapp-http-allowed",
    title="App Service app accepts plain HTTP",
    severity="medium",
    provider="azure",
    kinds=("AzureWebApp",),
    benchmarks=("CIS Azure 9.2",),
    cypher=(
        "MATCH (a:AzureWebApp {https_only: false}) "
        "RETURN a.id AS resource_id, {app: a.name, resource_group: a.resource_group, subscription: a.account} "
        "AS fields"
    ),
    description="Requests over HTTP are served instead of redirected to HTTPS.",
    remediation="Turn HTTPS Only on.",
    command=(
        "az webapp update --subscription {subscription} --resource-group {resource_group} --name {app} "
        "--https-only true"
    ),
)

_APP = "{app: a.name, resource_group: a.resource_group, subscription: a.account}"
_APP_CONFIG = "az webapp config set --subscription {subscription} --resource-group {resource_group} --name {app}"

WEBAPP_TLS = Rule(
    id="azure-webapp-old-tls",
    title="App Service app accepts TLS older than 1.2",
    severity="medium",
    provider="azure",
    kinds=("AzureWebApp",),
    benchmarks=("CIS Azure 9.3",),
    cypher=(
        "MATCH (a:AzureWebApp)-[:HAS_CONFIG]->(c:AzureWebAppConfig) WHERE c.min_tls_version IN ['1.0', '1.1'] "
        f"RETURN a.id AS resource_id, {_APP} AS fields"
    ),
    description="Clients may connect with TLS 1.0 or 1.1, which have known weaknesses (config/web minTlsVersion).",
    remediation="Set the minimum TLS version to 1.2.",
    command=f"{_APP_CONFIG} --min-tls-version 1.2",
)

WEBAPP_FTP = Rule(
    id="azure-webapp-ftp-allowed",
    title="App Service app accepts plain FTP deployments",
    severity="medium",
    provider="azure",
    kinds=("AzureWebApp",),
    benchmarks=("CIS Azure 9.10",),
    cypher=(
        "MATCH (a:AzureWebApp)-[:HAS_CONFIG]->(c:AzureWebAppConfig {ftps_state: 'AllAllowed'}) "
        f"RETURN a.id AS resource_id, {_APP} AS fields"
    ),
    description="Deployment credentials and code may travel unencrypted over FTP (config/web ftpsState).",
    remediation="Allow FTPS only, or disable FTP and FTPS if no deployment uses them.",
    command=f"{_APP_CONFIG} --ftps-state FtpsOnly",
)

AKS_PUBLIC = Rule(
    id="azure-aks-public-api-server",
    title="AKS API server is reachable from the whole internet",
    severity="high",
    provider="azure",
    kinds=("AzureAKSCluster",),
    benchmarks=("CIS AKS 5.4.1",),
    cypher=(
        "MATCH (c:AzureAKSCluster) WHERE NOT coalesce(c.private_cluster, false) "
        "AND size(coalesce(c.authorized_ip_ranges, [])) = 0 "
        "RETURN c.id AS resource_id, {cluster: c.name, resource_group: c.resource_group, subscription: c.account} "
        "AS fields"
    ),
    description="The cluster is not private and no authorized IP ranges restrict its API server.",
    remediation="Restrict the API server to known ranges (or make the cluster private).",
    command=(
        "az aks update --subscription {subscription} --resource-group {resource_group} --name {cluster} "
        "--api-server-authorized-ip-ranges <your admin CIDRs>"
    ),
)

AKS_NOT_PRIVATE = Rule(
    id="azure-aks-api-server-not-private",
    title="AKS API server has a public endpoint",
    severity="medium",
    provider="azure",
    kinds=("AzureAKSCluster",),
    benchmarks=("CIS AKS 5.4.2",),
    cypher=(
        "MATCH (c:AzureAKSCluster) WHERE NOT coalesce(c.private_cluster, false) "
        "AND size(coalesce(c.authorized_ip_ranges, [])) > 0 "
        "RETURN c.id AS resource_id, {cluster: c.name, resource_group: c.resource_group, subscription: c.account} "
        "AS fields"
    ),
    description=(
        "The API server is reachable on a public address (restricted to authorized IP ranges): a leaked "
        "credential or an API server flaw is one network hop from the internet."
    ),
    remediation="Make the cluster private (API Server VNet Integration) and reach it from inside the network.",
    command=(
        "az aks update --subscription {subscription} --resource-group {resource_group} --name {cluster} "
        "--enable-apiserver-vnet-integration --enable-private-cluster"
    ),
)

COSMOS_PUBLIC = Rule(
    id="azure-cosmosdb-open-to-internet",
    title="Cosmos DB account accepts connections from any address",
    severity="high",
    provider="azure",
    kinds=("AzureCosmosDBAccount",),
    benchmarks=("Microsoft cloud security benchmark NS-2",),
    cypher=(
        "MATCH (c:AzureCosmosDBAccount) WHERE coalesce(c.public_network_access, 'Enabled') = 'Enabled' "
        "AND size(coalesce(c.ip_rules, [])) = 0 AND NOT coalesce(c.vnet_filter_enabled, false) "
        "RETURN c.id AS resource_id, {account: c.name, resource_group: c.resource_group, subscription: c.account} "
        "AS fields"
    ),
    description="Public network access is on with no IP or virtual network filter.",
    remediation="Disable public network access (use private endpoints) or add IP / VNet rules.",
    command=(
        "az cosmosdb update --subscription {subscription} --resource-group {resource_group} --name {account} "
        "--public-network-access Disabled"
    ),
)

DISK_PLATFORM_KEY = Rule(
    id="azure-disk-no-customer-key",
    title="Managed disk is encrypted with a platform key only",
    severity="info",
    provider="azure",
    kinds=("AzureDisk",),
    benchmarks=("CIS Azure 7.3",),
    cypher=(
        "MATCH (d:AzureDisk {encryption_type: 'EncryptionAtRestWithPlatformKey'}) "
        "RETURN d.id AS resource_id, {disk: d.name, resource_group: d.resource_group, subscription: d.account} "
        "AS fields"
    ),
    description="Microsoft holds the only key: you cannot revoke access to the data by revoking a key.",
    remediation="Encrypt the disk with a customer-managed key through a disk encryption set.",
    command=(
        "az disk update --subscription {subscription} --resource-group {resource_group} --name {disk} "
        "--encryption-type EncryptionAtRestWithCustomerKey --disk-encryption-set <disk encryption set id>"
    ),
)

APPGW_NO_WAF = Rule(
    id="azure-appgw-no-waf",
    title="Application gateway has no web application firewall",
    severity="medium",
    provider="azure",
    kinds=("AzureApplicationGateway",),
    benchmarks=("Microsoft cloud security benchmark NS-6",),
    cypher=(
        "MATCH (a:AzureApplicationGateway)-[:HAS_PUBLIC_IP]->(:AzurePublicIPAddress) "
        "WHERE NOT coalesce(a.waf_enabled, false) WITH DISTINCT a "
        "RETURN a.id AS resource_id, {gateway: a.name, resource_group: a.resource_group, subscription: a.account} "
        "AS fields"
    ),
    description="An internet-facing gateway passes requests to the backends without WAF inspection.",
    remediation="Move the gateway to the WAF_v2 SKU and attach a WAF policy in Prevention mode.",
    command=(
        "az network application-gateway update --subscription {subscription} --resource-group {resource_group} "
        "--name {gateway} --sku WAF_v2 --set webApplicationFirewallConfiguration.enabled=true"
    ),
)

OWNER_SERVICE_PRINCIPAL = Rule(
    id="azure-subscription-owner-service-principal",
    title="A service principal is Owner of a subscription",
    severity="medium",
    provider="azure",
    kinds=("AzureRoleAssignment",),
    benchmarks=("Microsoft cloud security benchmark PA-1",),
    cypher=(
        "MATCH (a:AzureRoleAssignment {role_name: 'Owner', principal_type: 'ServicePrincipal'})"
        "-[:GRANTS_ACCESS_TO]->(s:AzureSubscription) "
        "RETURN a.id AS resource_id, {assignment: a.id} AS fields"
    ),
    description="An application identity can do anything in the subscription, including granting access.",
    remediation="Give the service principal a narrower role at the narrowest scope it needs.",
    command="az role assignment delete --ids {assignment}",
)

RULES: tuple[Rule, ...] = (
    STORAGE_BLOB_PUBLIC,
    STORAGE_HTTP,
    STORAGE_TLS,
    STORAGE_NETWORK_OPEN,
    SQL_ALLOWS_ALL,
    SQL_PUBLIC,
    SQL_TLS,
    KEYVAULT_PURGE,
    KEYVAULT_NETWORK_OPEN,
    WEBAPP_HTTP,
    WEBAPP_TLS,
    WEBAPP_FTP,
    AKS_PUBLIC,
    AKS_NOT_PRIVATE,
    COSMOS_PUBLIC,
    DISK_PLATFORM_KEY,
    APPGW_NO_WAF,
    OWNER_SERVICE_PRINCIPAL,
)
