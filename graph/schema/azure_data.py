"""Azure data stores: SQL servers, databases and firewall rules, storage accounts, Key Vault, Cosmos DB."""

from __future__ import annotations

from graph.schema.azure_kind import P, azure_kind
from graph.schema.model import FREE, DataStore

__all__ = ["COSMOS_DB", "KEY_VAULT", "SQL_DATABASE", "SQL_FIREWALL_RULE", "SQL_SERVER", "STORAGE_ACCOUNT"]

SQL_SERVER = azure_kind(
    "AzureSqlServer",
    "sql",
    "An Azure SQL logical server.",
    P("fqdn", "string", "Fully qualified domain name.", indexed=True),
    P("version", "string", "SQL version, e.g. 12.0."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("minimal_tls_version", "string", "Minimum TLS version."),
    P("administrator_login", "string", "SQL administrator login name."),
    data_store=DataStore(4),
    billing=FREE,
    provider_types=("microsoft.sql/servers",),
)
SQL_DATABASE = azure_kind(
    "AzureSqlDatabase",
    "sql",
    "A database of an Azure SQL server.",
    P("sku_name", "string", "SKU, e.g. GP_Gen5_2 or System."),
    P("status", "string", "Online, Paused, ..."),
    P("max_size_bytes", "int", "Maximum size in bytes."),
    P("zone_redundant", "bool", "Whether the database is zone redundant."),
    data_store=DataStore(4),
    billing="azure_sql_database",
    provider_types=("microsoft.sql/servers/databases",),
)
SQL_FIREWALL_RULE = azure_kind(
    "AzureSqlFirewallRule",
    "sql",
    "A server-level IP firewall rule of an Azure SQL server.",
    P("start_ip", "string", "First allowed address."),
    P("end_ip", "string", "Last allowed address."),
    P("allows_all", "bool", "The rule admits every IPv4 address (0.0.0.0 - 255.255.255.255).", indexed=True),
    billing=FREE,
    provider_types=("microsoft.sql/servers/firewallrules",),
)
STORAGE_ACCOUNT = azure_kind(
    "AzureStorageAccount",
    "storage",
    "A storage account (blobs, files, queues, tables).",
    P("sku_name", "string", "Replication SKU, e.g. Standard_LRS."),
    P("storage_kind", "string", "StorageV2, BlobStorage, ..."),
    P(
        "allow_blob_public_access",
        "bool",
        "Whether containers may allow anonymous reads (absent: true, the documented default interpretation).",
        indexed=True,
    ),
    P("network_default_action", "string", "Allow or Deny for traffic no network rule matches."),
    P("minimum_tls_version", "string", "Minimum TLS version, e.g. TLS1_2 (absent: TLS1_0, the documented default)."),
    P("https_only", "bool", "supportsHttpsTrafficOnly."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("primary_blob_endpoint", "string", "Blob service endpoint URL."),
    P("ip_rules", "string[]", "IP addresses or ranges the network rules allow."),
    P(
        "allow_shared_key_access",
        "bool",
        "Whether account keys (Shared Key, SAS) are accepted (absent: true, the default).",
    ),
    data_store=DataStore(3),
    provider_types=("microsoft.storage/storageaccounts",),
)
KEY_VAULT = azure_kind(
    "AzureKeyVault",
    "keyvault",
    "A Key Vault holding keys, secrets and certificates.",
    P("vault_uri", "string", "Vault URI."),
    P("sku_name", "string", "standard or premium."),
    P("enable_soft_delete", "bool", "Whether soft delete is on."),
    P("enable_purge_protection", "bool", "Whether purge protection is on."),
    P("enable_rbac_authorization", "bool", "Whether data access uses Azure RBAC rather than access policies."),
    P("network_default_action", "string", "Allow or Deny for traffic no network rule matches."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("access_policy_count", "int", "Number of access policies (used when RBAC authorization is off)."),
    data_store=DataStore(5),
    provider_types=("microsoft.keyvault/vaults",),
)
COSMOS_DB = azure_kind(
    "AzureCosmosDBAccount",
    "cosmosdb",
    "A Cosmos DB database account.",
    P("api_kind", "string", "GlobalDocumentDB, MongoDB or Parse."),
    P("document_endpoint", "string", "Account endpoint URL."),
    P("public_network_access", "string", "Enabled or Disabled."),
    P("ip_rules", "string[]", "IP ranges allowed in (empty with public access Enabled: any)."),
    P("vnet_filter_enabled", "bool", "isVirtualNetworkFilterEnabled."),
    P("consistency_level", "string", "Default consistency level."),
    P("minimal_tls_version", "string", "Lowest TLS version the account accepts: Tls (1.0), Tls11 or Tls12."),
    data_store=DataStore(4),
    provider_types=("microsoft.documentdb/databaseaccounts",),
)
