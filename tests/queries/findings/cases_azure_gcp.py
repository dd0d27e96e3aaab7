"""Positive and negative fixture graphs for every Azure and GCP property rule."""

from __future__ import annotations

from queries.findings.rules_azure_network import NSG_PORT_RULES
from queries.findings.rules_gcp_network import FIREWALL_PORT_RULES
from tests.queries.findings.builder import ACCOUNTS, Case, Graph, days_ago

SUB = ACCOUNTS["azure"]
RG = f"/subscriptions/{SUB}/resourcegroups/rg-app"


def az(provider_type: str, name: str) -> str:
    return f"{RG}/providers/{provider_type}/{name}".lower()


NSG = az("microsoft.network/networksecuritygroups", "nsg-app")
_ARM = {"resource_group": "rg-app", "provisioning_state": "Succeeded"}


def nsg_rule(
    g: Graph, nsg: str, name: str, priority: int, access: str, source: str, ports: list[str], protocol: str = "Tcp"
) -> None:
    open_ = access == "Allow" and source.lower() in {"*", "internet", "any", "0.0.0.0/0"}
    rule = g.node(
        "AzureSecurityRule",
        f"{NSG}/securityrules/{name}",
        name=name,
        nsg_id=NSG,
        access=access,
        direction="Inbound",
        priority=priority,
        protocol=protocol,
        source_prefixes=[source],
        destination_prefixes=["*"],
        source_port_ranges=["*"],
        destination_port_ranges=ports,
        is_default=False,
        open_to_internet=open_,
        account=SUB,
        region="westeurope",
    )
    g.rel(nsg, "HAS_RULE", rule)


def network_security_group(g: Graph) -> str:
    return g.node("AzureNetworkSecurityGroup", NSG, resource_type="microsoft.network/networksecuritygroups", **_ARM)


def _nsg_port_case(rule_id: str, port: int) -> Case:
    def build(bad: bool) -> Graph:
        g = Graph()
        nsg = network_security_group(g)
        nsg_rule(g, nsg, "allow-https", 100, "Allow", "Internet", ["443"])
        nsg_rule(g, nsg, "allow-vnet", 110, "Allow", "10.0.0.0/8", [str(port)])
        if bad:
            nsg_rule(g, nsg, "allow-range", 120, "Allow", "*", [f"{port - 1}-{port + 1}"])
        else:  # an open rule that a higher-priority Deny shadows
            nsg_rule(g, nsg, "deny-port", 90, "Deny", "Internet", [str(port)])
            nsg_rule(g, nsg, "allow-range", 120, "Allow", "*", [str(port)])
        return g

    return Case(rule_id, NSG, build)


def _nsg_all(bad: bool) -> Graph:
    g = Graph()
    nsg = network_security_group(g)
    nsg_rule(g, nsg, "allow-https", 100, "Allow", "Internet", ["443"])
    nsg_rule(g, nsg, "allow-vnet-all", 110, "Allow", "VirtualNetwork", ["*"])
    if bad:
        nsg_rule(g, nsg, "allow-all", 120, "Allow", "*", ["*"], protocol="*")
    return g


def single(
    rule_id: str, label: str, id_: str, bad: dict[str, object], good: dict[str, object], **common: object
) -> Case:
    def build(is_bad: bool) -> Graph:
        g = Graph()
        g.node(label, id_, **common, **(bad if is_bad else good))
        return g

    return Case(rule_id, id_, build)


STORAGE = az("microsoft.storage/storageaccounts", "stapp")
SQL = az("microsoft.sql/servers", "sql-app")
VAULT = az("microsoft.keyvault/vaults", "kv-app")
APP = az("microsoft.web/sites", "app-web")
AKS = az("microsoft.containerservice/managedclusters", "aks-prod")
COSMOS = az("microsoft.documentdb/databaseaccounts", "cosmos-app")
DISK = az("microsoft.compute/disks", "vm-app-1_osdisk_1")
APPGW = az("microsoft.network/applicationgateways", "agw-web")
ASSIGNMENT = f"/subscriptions/{SUB}/providers/microsoft.authorization/roleassignments/ra-1"


def _sql_all(bad: bool) -> Graph:
    g = Graph()
    server = g.node("AzureSqlServer", SQL, fqdn="sql-app.database.windows.net", **_ARM)
    rule = g.node(
        "AzureSqlFirewallRule",
        f"{SQL}/firewallrules/office",
        start_ip="203.0.113.1",
        end_ip="203.0.113.20",
        allows_all=False,
        **_ARM,
    )
    g.rel(server, "HAS_FIREWALL_RULE", rule)
    if bad:
        everyone = g.node(
            "AzureSqlFirewallRule",
            f"{SQL}/firewallrules/all",
            start_ip="0.0.0.0",
            end_ip="255.255.255.255",
            allows_all=True,
            **_ARM,
        )
        g.rel(server, "HAS_FIREWALL_RULE", everyone)
    return g


def _app_config(rule_id: str, bad: dict[str, object], good: dict[str, object]) -> Case:
    """An app with its config/web settings: the finding is on the app."""

    def build(is_bad: bool) -> Graph:
        g = Graph()
        app = g.node("AzureWebApp", APP, https_only=True, **_ARM)
        settings = {"min_tls_version": "1.2", "ftps_state": "FtpsOnly", **(bad if is_bad else good)}
        config = g.node("AzureWebAppConfig", f"{APP}/config/web", app="app-web", **settings, **_ARM)
        g.rel(app, "HAS_CONFIG", config)
        return g

    return Case(rule_id, APP, build)


def _appgw(bad: bool) -> Graph:
    g = Graph()
    gw = g.node(
        "AzureApplicationGateway", APPGW, sku_name="WAF_v2" if not bad else "Standard_v2", waf_enabled=not bad, **_ARM
    )
    pip = g.node(
        "AzurePublicIPAddress", az("microsoft.network/publicipaddresses", "pip-agw"), ip_address="20.1.2.3", **_ARM
    )
    g.rel(gw, "HAS_PUBLIC_IP", pip)
    return g


def _owner(bad: bool) -> Graph:
    g = Graph()
    sub = g.node("AzureSubscription", f"/subscriptions/{SUB}", subscription_id=SUB, **_ARM)
    ra = g.node(
        "AzureRoleAssignment",
        ASSIGNMENT,
        principal_id="p-1",
        role_name="Owner" if bad else "Reader",
        principal_type="ServicePrincipal",
        scope=f"/subscriptions/{SUB}",
        **_ARM,
    )
    g.rel(ra, "GRANTS_ACCESS_TO", sub)
    return g


AZURE_CASES: list[Case] = [
    *(_nsg_port_case(rule.id, int(dict(rule.params)["port"])) for rule in NSG_PORT_RULES),  # type: ignore[call-overload]
    Case("azure-nsg-all-open", NSG, _nsg_all),
    single(
        "azure-storage-blob-public-access",
        "AzureStorageAccount",
        STORAGE,
        {"allow_blob_public_access": True},
        {"allow_blob_public_access": False},
        **_ARM,
    ),
    single(
        "azure-storage-http-allowed",
        "AzureStorageAccount",
        STORAGE,
        {"https_only": False},
        {"https_only": True},
        **_ARM,
    ),
    single(
        "azure-storage-old-tls",
        "AzureStorageAccount",
        STORAGE,
        {"minimum_tls_version": "TLS1_0"},
        {"minimum_tls_version": "TLS1_2"},
        **_ARM,
    ),
    single(
        "azure-storage-network-open",
        "AzureStorageAccount",
        STORAGE,
        {"network_default_action": "Allow"},
        {"network_default_action": "Deny"},
        public_network_access="Enabled",
        **_ARM,
    ),
    Case("azure-sql-firewall-allows-all", f"{SQL}/firewallrules/all", _sql_all),
    single(
        "azure-sql-public-network",
        "AzureSqlServer",
        SQL,
        {"public_network_access": "Enabled"},
        {"public_network_access": "Disabled"},
        **_ARM,
    ),
    single(
        "azure-sql-old-tls",
        "AzureSqlServer",
        SQL,
        {"minimal_tls_version": "1.0"},
        {"minimal_tls_version": "1.2"},
        **_ARM,
    ),
    single(
        "azure-keyvault-no-purge-protection",
        "AzureKeyVault",
        VAULT,
        {"enable_purge_protection": False},
        {"enable_purge_protection": True},
        network_default_action="Deny",
        **_ARM,
    ),
    single(
        "azure-keyvault-network-open",
        "AzureKeyVault",
        VAULT,
        {"network_default_action": "Allow"},
        {"network_default_action": "Deny"},
        enable_purge_protection=True,
        **_ARM,
    ),
    single("azure-webapp-http-allowed", "AzureWebApp", APP, {"https_only": False}, {"https_only": True}, **_ARM),
    _app_config("azure-webapp-old-tls", {"min_tls_version": "1.0"}, {"min_tls_version": "1.2"}),
    _app_config("azure-webapp-ftp-allowed", {"ftps_state": "AllAllowed"}, {"ftps_state": "Disabled"}),
    single(
        "azure-aks-public-api-server",
        "AzureAKSCluster",
        AKS,
        {"authorized_ip_ranges": []},
        {"authorized_ip_ranges": ["203.0.113.0/24"]},
        private_cluster=False,
        **_ARM,
    ),
    single(
        "azure-aks-api-server-not-private",
        "AzureAKSCluster",
        AKS,
        {"private_cluster": False},
        {"private_cluster": True},
        authorized_ip_ranges=["203.0.113.0/24"],
        **_ARM,
    ),
    single(
        "azure-cosmosdb-open-to-internet",
        "AzureCosmosDBAccount",
        COSMOS,
        {"ip_rules": []},
        {"ip_rules": ["203.0.113.0/24"]},
        public_network_access="Enabled",
        vnet_filter_enabled=False,
        **_ARM,
    ),
    single(
        "azure-disk-no-customer-key",
        "AzureDisk",
        DISK,
        {"encryption_type": "EncryptionAtRestWithPlatformKey"},
        {"encryption_type": "EncryptionAtRestWithCustomerKey"},
        **_ARM,
    ),
    Case("azure-appgw-no-waf", APPGW, _appgw),
    Case("azure-subscription-owner-service-principal", ASSIGNMENT, _owner),
]

PROJECT = ACCOUNTS["gcp"]


def gcp(path: str, service: str = "compute") -> str:
    return f"//{service}.googleapis.com/projects/{PROJECT}/{path}"


FIREWALL = gcp("global/firewalls/allow-admin")
_GCP = {"asset_type": "compute.googleapis.com/Firewall"}


def _firewall_case(rule_id: str, port: int) -> Case:
    def build(bad: bool) -> Graph:
        g = Graph()
        g.node(
            "GCPFirewall",
            FIREWALL,
            direction="INGRESS",
            priority=1000,
            action="allow",
            rules=[f"tcp:{port - 1}-{port + 1}", "tcp:443"],
            source_ranges=["0.0.0.0/0" if bad else "10.0.0.0/8"],
            disabled=False,
            open_to_internet=bad,
            **_GCP,
        )
        g.node(
            "GCPFirewall",
            gcp("global/firewalls/allow-https"),
            direction="INGRESS",
            action="allow",
            rules=["tcp:443"],
            source_ranges=["0.0.0.0/0"],
            disabled=False,
            open_to_internet=True,
            **_GCP,
        )
        return g

    return Case(rule_id, FIREWALL, build)


def _firewall_all(bad: bool) -> Graph:
    g = Graph()
    g.node(
        "GCPFirewall",
        FIREWALL,
        direction="INGRESS",
        action="allow",
        rules=["all"] if bad else ["tcp:443"],
        source_ranges=["0.0.0.0/0"],
        disabled=False,
        open_to_internet=True,
        **_GCP,
    )
    return g


BUCKET = "//storage.googleapis.com/prod-reports"


def _bucket_public(bad: bool) -> Graph:
    g = Graph()
    bucket = g.node("GCPStorageBucket", BUCKET, is_public=bad, uniform_bucket_level_access=True)
    member = g.node(
        "GCPPrincipal",
        "allUsers" if bad else "group:data@example.com",
        principal_type="allUsers" if bad else "group",
        is_public=bad,
    )
    g.rel(member, "HAS_ROLE", bucket, roles=["roles/storage.objectViewer"])
    return g


SQL_INSTANCE = f"//cloudsql.googleapis.com/projects/{PROJECT}/instances/orders"
GKE = f"//container.googleapis.com/projects/{PROJECT}/locations/europe-west1/clusters/prod"
FUNCTION = f"//cloudfunctions.googleapis.com/projects/{PROJECT}/locations/europe-west1/functions/hook"
RUN = f"//run.googleapis.com/projects/{PROJECT}/locations/europe-west1/services/api"
INSTANCE = gcp("zones/europe-west1-b/instances/web-1")
PROJECT_ID = f"//cloudresourcemanager.googleapis.com/projects/{PROJECT}"
DEFAULT_SA_EMAIL = "123456789-compute@developer.gserviceaccount.com"
SA_EMAIL = f"deployer@{PROJECT}.iam.gserviceaccount.com"


def service_account(g: Graph, email: str) -> str:
    return g.node("GCPServiceAccount", f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/{email}", email=email)


def project(g: Graph) -> str:
    return g.node("GCPProject", PROJECT_ID, project_id=PROJECT)


def _sa_role_case(rule_id: str, email: str, bad_role: str, expected_other: str) -> Case:
    def build(bad: bool) -> Graph:
        g = Graph()
        p = project(g)
        sa = service_account(g, email)
        g.rel(sa, "HAS_ROLE", p, roles=[bad_role if bad else "roles/logging.logWriter", "roles/monitoring.viewer"])
        other = service_account(g, expected_other)
        g.rel(other, "HAS_ROLE", p, roles=["roles/viewer"])
        return g

    return Case(rule_id, f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/{email}", build)


def _public_project(bad: bool) -> Graph:
    g = Graph()
    p = project(g)
    member = g.node(
        "GCPPrincipal",
        "allAuthenticatedUsers" if bad else "user:ops@example.com",
        principal_type="allAuthenticatedUsers" if bad else "user",
        is_public=bad,
    )
    g.rel(member, "HAS_ROLE", p, roles=["roles/viewer"])
    return g


GCP_CASES: list[Case] = [
    *(_firewall_case(rule.id, int(dict(rule.params)["port"])) for rule in FIREWALL_PORT_RULES),  # type: ignore[call-overload]
    Case("gcp-firewall-all-open", FIREWALL, _firewall_all),
    Case("gcp-storage-bucket-public", BUCKET, _bucket_public),
    single(
        "gcp-storage-bucket-acls-enabled",
        "GCPStorageBucket",
        BUCKET,
        {"uniform_bucket_level_access": False},
        {"uniform_bucket_level_access": True},
        is_public=False,
    ),
    single(
        "gcp-sql-open-to-internet",
        "GCPCloudSQLInstance",
        SQL_INSTANCE,
        {"open_to_internet": True, "authorized_networks": ["0.0.0.0/0"]},
        {"open_to_internet": False, "authorized_networks": ["203.0.113.0/24"]},
        public_ip_enabled=True,
    ),
    single(
        "gcp-sql-public-ip",
        "GCPCloudSQLInstance",
        SQL_INSTANCE,
        {"public_ip_enabled": True},
        {"public_ip_enabled": False, "private_ip": "10.20.0.5"},
        open_to_internet=False,
    ),
    single(
        "gcp-gke-public-endpoint",
        "GCPGKECluster",
        GKE,
        {"master_authorized_networks_enabled": False},
        {"master_authorized_networks_enabled": True, "master_authorized_networks": ["203.0.113.0/24"]},
        private_endpoint=False,
        private_nodes=True,
    ),
    single(
        "gcp-gke-endpoint-not-private",
        "GCPGKECluster",
        GKE,
        {"private_endpoint": False},
        {"private_endpoint": True},
        master_authorized_networks_enabled=True,
        master_authorized_networks=["203.0.113.0/24"],
        private_nodes=True,
    ),
    single(
        "gcp-gke-public-nodes",
        "GCPGKECluster",
        GKE,
        {"private_nodes": False},
        {"private_nodes": True},
        private_endpoint=True,
    ),
    single(
        "gcp-cloud-function-public",
        "GCPCloudFunction",
        FUNCTION,
        {"is_public": True},
        {"is_public": False},
        ingress_settings="ALLOW_ALL",
    ),
    single(
        "gcp-cloud-run-public",
        "GCPCloudRunService",
        RUN,
        {"ingress": "all"},
        {"ingress": "internal-and-cloud-load-balancing"},
        is_public=True,
    ),
    single(
        "gcp-instance-default-service-account",
        "GCPComputeInstance",
        INSTANCE,
        {"service_accounts": [DEFAULT_SA_EMAIL]},
        {"service_accounts": [SA_EMAIL]},
        zone="europe-west1-b",
    ),
    _sa_role_case("gcp-default-service-account-broad-role", DEFAULT_SA_EMAIL, "roles/editor", SA_EMAIL),
    _sa_role_case("gcp-service-account-admin-role", SA_EMAIL, "roles/compute.admin", DEFAULT_SA_EMAIL),
    single(
        "gcp-service-account-key-not-rotated",
        "GCPServiceAccountKey",
        f"//iam.googleapis.com/projects/{PROJECT}/serviceAccounts/{SA_EMAIL}/keys/k1",
        {"valid_after": days_ago(200)},
        {"valid_after": days_ago(20)},
        key_type="USER_MANAGED",
        service_account_email=SA_EMAIL,
    ),
    Case("gcp-project-public-member", PROJECT_ID, _public_project),
    single(
        "gcp-instance-ip-forwarding",
        "GCPComputeInstance",
        INSTANCE,
        {"can_ip_forward": True},
        {"can_ip_forward": False},
        zone="europe-west1-b",
    ),
    single(
        "gcp-default-network",
        "GCPNetwork",
        gcp("global/networks/default"),
        {"name": "default"},
        {"name": "prod-vpc"},
        auto_create_subnetworks=True,
    ),
]
