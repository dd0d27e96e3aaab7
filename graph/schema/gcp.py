"""GCP node kinds and relationship types, as read from Cloud Asset Inventory.

Every asset becomes a node keyed by its full resource name (``//service.googleapis.com/...``): a typed
label for the kinds below, ``GCPResource`` (with ``asset_type``) otherwise. Containers: resource
-[:IN_PROJECT]-> GCPProject -[:IN_FOLDER]-> GCPFolder -[:IN_ORGANIZATION]-> GCPOrganization.

IAM: a binding becomes ``(member)-[:HAS_ROLE {roles}]->(resource)``. The member is the
GCPServiceAccount node when the member is a discovered service account, else a GCPPrincipal
(user:, group:, domain:, allUsers, allAuthenticatedUsers, undiscovered service accounts). One edge per
(member, resource) pair carries every role as a sorted list: the writer MERGEs one relationship per
type and pair, so one role per edge would let the last role overwrite the others.
"""

from __future__ import annotations

from typing import Unpack

from graph.schema.model import FREE, DataStore, EntryPoint, KindFacts, NodeKind, Property, RelType

P = Property

# What every typed GCP resource carries besides the common Resource properties.
GCP_PROPERTIES: tuple[Property, ...] = (
    P("asset_type", "string", "Cloud Asset type, e.g. compute.googleapis.com/Instance.", indexed=True),
    P("project_number", "string", "Number of the project the resource belongs to."),
    P("state", "string", "Lifecycle state as the service reports it (RUNNING, READY, ACTIVE, ...)."),
    P("create_time", "datetime", "When the resource was created."),
    P("parent_name", "string", "Full resource name of the resource's parent."),
    P(
        "zone",
        "string",
        "Zone of a zonal resource (its region is the zone without the last letter), e.g. us-central1-a.",
    ),
)


def _kind(label: str, service: str, description: str, *props: Property, **facts: Unpack[KindFacts]) -> NodeKind:
    return NodeKind(label, "gcp", service, description, (*GCP_PROPERTIES, *props), **facts)


ORGANIZATION = _kind(
    "GCPOrganization",
    "cloudresourcemanager",
    "A Google Cloud organization: the root of the resource hierarchy.",
    P("organization_id", "string", "Numeric organization id.", indexed=True),
    P("domain", "string", "The organization's primary domain (its display name)."),
    billing=FREE,
    provider_types=("cloudresourcemanager.googleapis.com/Organization",),
)
FOLDER = _kind(
    "GCPFolder",
    "cloudresourcemanager",
    "A folder grouping projects and folders under an organization.",
    P("folder_id", "string", "Numeric folder id.", indexed=True),
    billing=FREE,
    provider_types=("cloudresourcemanager.googleapis.com/Folder",),
)
PROJECT = _kind(
    "GCPProject",
    "cloudresourcemanager",
    "A Google Cloud project: the container of resources and billing.",
    P("project_id", "string", "Project id (the human-chosen one).", indexed=True),
    billing=FREE,
    provider_types=("cloudresourcemanager.googleapis.com/Project",),
)
COMPUTE_INSTANCE = _kind(
    "GCPComputeInstance",
    "compute",
    "A Compute Engine virtual machine.",
    P("instance_id", "string", "Numeric instance id.", indexed=True),
    P("machine_type", "string", "Machine type, e.g. e2-medium.", indexed=True),
    P("private_ip", "string", "Internal IP of the first network interface.", indexed=True),
    P("public_ip", "string", "First external (NAT) IP of any interface, when one has it.", indexed=True),
    P("private_ips", "string[]", "Internal IPs of every network interface."),
    P("public_ips", "string[]", "External (NAT) IPs of every network interface."),
    P("network_tags", "string[]", "Network tags: what firewall rules target."),
    P("service_accounts", "string[]", "Emails of the service accounts the instance runs as."),
    P("can_ip_forward", "bool", "Whether the instance may route packets it did not originate."),
    entry_point=EntryPoint(2, "public_ip", in_network=True),
    billing="gcp_instance",
    provider_types=("compute.googleapis.com/Instance",),
)
DISK = _kind(
    "GCPDisk",
    "compute",
    "A Compute Engine persistent disk.",
    P("size_gb", "int", "Size in GB."),
    P("disk_type", "string", "Disk type, e.g. pd-balanced."),
    P("source_image", "string", "Image the disk was created from."),
    billing="gcp_disk",
    provider_types=(
        "compute.googleapis.com/Disk",
        "compute.googleapis.com/RegionDisk",
    ),
)
NETWORK = _kind(
    "GCPNetwork",
    "compute",
    "A VPC network (global).",
    P("auto_create_subnetworks", "bool", "Auto mode (a subnetwork per region) or custom mode."),
    P("routing_mode", "string", "REGIONAL or GLOBAL dynamic routing."),
    P("mtu", "int", "Maximum transmission unit."),
    billing=FREE,
    provider_types=("compute.googleapis.com/Network",),
)
SUBNETWORK = _kind(
    "GCPSubnetwork",
    "compute",
    "A regional subnetwork of a VPC network.",
    P("ip_cidr_range", "string", "Primary IPv4 range.", indexed=True),
    P("gateway_address", "string", "Gateway address of the range."),
    P("private_ip_google_access", "bool", "Whether VMs without external IPs reach Google APIs."),
    P("purpose", "string", "PRIVATE, REGIONAL_MANAGED_PROXY, ..."),
    billing=FREE,
    provider_types=("compute.googleapis.com/Subnetwork",),
)
FIREWALL = _kind(
    "GCPFirewall",
    "compute",
    "A VPC firewall rule: a direction, priority, peers, ports and the instances it targets.",
    P("direction", "string", "INGRESS or EGRESS."),
    P("priority", "int", "Lower numbers win."),
    P("action", "string", "allow or deny."),
    P("rules", "string[]", "Protocols and ports, e.g. tcp:22, tcp:80-90, all."),
    P("source_ranges", "string[]", "Source CIDRs of an ingress rule."),
    P("destination_ranges", "string[]", "Destination CIDRs of an egress rule."),
    P("source_tags", "string[]", "Source network tags."),
    P("source_service_accounts", "string[]", "Service accounts of the source instances of an ingress rule."),
    P("target_tags", "string[]", "Network tags of the instances the rule applies to."),
    P("target_service_accounts", "string[]", "Service accounts of the instances the rule applies to."),
    P("disabled", "bool", "Whether the rule is disabled."),
    P("open_to_internet", "bool", "Enabled ingress allow rule whose sources include 0.0.0.0/0 or ::/0.", indexed=True),
    billing=FREE,
    provider_types=("compute.googleapis.com/Firewall",),
)
FORWARDING_RULE = _kind(
    "GCPForwardingRule",
    "compute",
    "A forwarding rule: a load balancer frontend (IP, protocol, ports).",
    P("ip_address", "string", "The rule's IP address.", indexed=True),
    P("ip_protocol", "string", "TCP, UDP, ..."),
    P("port_range", "string", "Ports: portRange (e.g. 80-80) or the ports list joined by commas (e.g. 80,443)."),
    P("ports", "string[]", "Ports listed by an internal or network load balancer's rule."),
    P("all_ports", "bool", "Whether the rule forwards every port."),
    P("load_balancing_scheme", "string", "EXTERNAL, EXTERNAL_MANAGED, INTERNAL, ..."),
    P("is_external", "bool", "Whether the scheme is an external one."),
    entry_point=EntryPoint(3, "is_external", True),
    billing="gcp_forwarding_rule",
    provider_types=(
        "compute.googleapis.com/ForwardingRule",
        "compute.googleapis.com/GlobalForwardingRule",
    ),
)
TARGET_PROXY = _kind(
    "GCPTargetProxy",
    "compute",
    "A target HTTP(S) proxy of a load balancer, routing through a URL map.",
    P("url_map", "string", "Full resource name of the URL map."),
    billing=FREE,
    provider_types=(
        "compute.googleapis.com/TargetHttpProxy",
        "compute.googleapis.com/TargetHttpsProxy",
    ),
)
BACKEND_SERVICE = _kind(
    "GCPBackendService",
    "compute",
    "A backend service: the groups a load balancer sends traffic to.",
    P("protocol", "string", "HTTP, HTTPS, TCP, ..."),
    P("load_balancing_scheme", "string", "EXTERNAL, INTERNAL_MANAGED, ..."),
    P("port_name", "string", "Named port on the backends."),
    billing=FREE,
    provider_types=(
        "compute.googleapis.com/BackendService",
        "compute.googleapis.com/RegionBackendService",
    ),
)
TARGET_POOL = _kind(
    "GCPTargetPool",
    "compute",
    "A target pool: the instances a network load balancer's forwarding rule sends traffic to.",
    P("session_affinity", "string", "NONE, CLIENT_IP, CLIENT_IP_PROTO."),
    P("health_checks", "string[]", "Full resource names of the pool's health checks."),
    billing=FREE,
    provider_types=("compute.googleapis.com/TargetPool",),
)
INSTANCE_GROUP = _kind(
    "GCPInstanceGroup",
    "compute",
    "An instance group (managed or not) of Compute Engine instances.",
    P("size", "int", "Number of instances."),
    billing=FREE,
    provider_types=("compute.googleapis.com/InstanceGroup",),
)
GKE_CLUSTER = _kind(
    "GCPGKECluster",
    "container",
    "A Google Kubernetes Engine cluster.",
    P("endpoint", "string", "Control plane endpoint IP."),
    P("master_version", "string", "Current control plane version."),
    P("private_nodes", "bool", "Whether nodes have internal IPs only."),
    P("private_endpoint", "bool", "Whether the control plane has no public endpoint."),
    P("master_authorized_networks", "string[]", "CIDRs allowed to reach the control plane."),
    P("master_authorized_networks_enabled", "bool", "Whether master authorized networks are enforced."),
    P("legacy_abac", "bool", "Whether legacy attribute-based access control is on."),
    billing="gke_cluster",
    provider_types=("container.googleapis.com/Cluster",),
)
GKE_NODE_POOL = _kind(
    "GCPGKENodePool",
    "container",
    "A node pool of a GKE cluster.",
    P("machine_type", "string", "Machine type of the nodes."),
    P("node_count", "int", "Initial node count."),
    P("version", "string", "Kubernetes version of the nodes."),
    P("autoscaling", "bool", "Whether autoscaling is enabled."),
    P(
        "service_account",
        "string",
        'Email of the service account the nodes run as ("default" is the project\'s Compute default account).',
    ),
    P("oauth_scopes", "string[]", "OAuth scopes of the nodes' service account."),
    billing="gcp_node_pool",
    provider_types=("container.googleapis.com/NodePool",),
)
CLOUD_SQL = _kind(
    "GCPCloudSQLInstance",
    "sqladmin",
    "A Cloud SQL database instance.",
    P("database_version", "string", "Engine and version, e.g. POSTGRES_15.", indexed=True),
    P("tier", "string", "Machine tier."),
    P("public_ip_enabled", "bool", "Whether the instance has a public IPv4 address."),
    P("public_ip", "string", "Primary public IP, when enabled."),
    P("private_ip", "string", "Private IP, when connected to a VPC."),
    P("ip_addresses", "string[]", "Every IP address of the instance (public, private, outgoing)."),
    P("authorized_networks", "string[]", "CIDRs allowed to connect to the public IP."),
    P("require_ssl", "bool", "Whether connections must use SSL."),
    P("open_to_internet", "bool", "Public IP enabled and 0.0.0.0/0 authorized.", indexed=True),
    data_store=DataStore(4),
    billing="gcp_cloud_sql",
    provider_types=("sqladmin.googleapis.com/Instance",),
)
CLOUD_RUN = _kind(
    "GCPCloudRunService",
    "run",
    "A Cloud Run service.",
    P("url", "string", "Service URL."),
    P("service_account", "string", "Email of the service account revisions run as."),
    P("ingress", "string", "Ingress setting: all, internal, internal-and-cloud-load-balancing."),
    P("is_public", "bool", "Whether allUsers or allAuthenticatedUsers hold a role on it.", indexed=True),
    entry_point=EntryPoint(2, "is_public", True),
    provider_types=("run.googleapis.com/Service",),
)
CLOUD_FUNCTION = _kind(
    "GCPCloudFunction",
    "cloudfunctions",
    "A Cloud Function.",
    P("runtime", "string", "Runtime, e.g. python311."),
    P("entry_point", "string", "Function entry point."),
    P("service_account", "string", "Email of the service account the function runs as."),
    P("https_url", "string", "HTTPS trigger URL."),
    P("ingress_settings", "string", "ALLOW_ALL, ALLOW_INTERNAL_ONLY, ..."),
    P("is_public", "bool", "Whether allUsers or allAuthenticatedUsers hold a role on it.", indexed=True),
    entry_point=EntryPoint(2, "is_public", True),
    provider_types=(
        "cloudfunctions.googleapis.com/CloudFunction",
        "cloudfunctions.googleapis.com/Function",
    ),
)
SERVICE_ACCOUNT = _kind(
    "GCPServiceAccount",
    "iam",
    "An IAM service account: an identity workloads run as.",
    P("email", "string", "Service account email.", indexed=True),
    P("unique_id", "string", "Numeric unique id."),
    P("disabled", "bool", "Whether the account is disabled."),
    billing=FREE,
    provider_types=("iam.googleapis.com/ServiceAccount",),
)
SERVICE_ACCOUNT_KEY = _kind(
    "GCPServiceAccountKey",
    "iam",
    "A key of a service account (USER_MANAGED keys are long-lived secrets).",
    P("key_type", "string", "USER_MANAGED or SYSTEM_MANAGED.", indexed=True),
    P("key_algorithm", "string", "Key algorithm."),
    P("valid_after", "datetime", "Start of validity."),
    P("valid_before", "datetime", "End of validity."),
    P("service_account_email", "string", "Email of the owning service account."),
    billing=FREE,
    provider_types=("iam.googleapis.com/ServiceAccountKey",),
)
STORAGE_BUCKET = _kind(
    "GCPStorageBucket",
    "storage",
    "A Cloud Storage bucket.",
    P("storage_class", "string", "Default storage class."),
    P("uniform_bucket_level_access", "bool", "Whether object ACLs are disabled (IAM only)."),
    P("public_access_prevention", "string", "enforced or inherited."),
    P("versioning", "bool", "Whether object versioning is on."),
    P(
        "acl_entities",
        "string[]",
        "Entities of the bucket ACL (allUsers makes a bucket without uniform access public).",
    ),
    P("is_public", "bool", "Whether allUsers or allAuthenticatedUsers hold a role on it.", indexed=True),
    data_store=DataStore(3),
    provider_types=("storage.googleapis.com/Bucket",),
)
PRINCIPAL = NodeKind(
    "GCPPrincipal",
    "gcp",
    "iam",
    "A member of IAM bindings that is not a discovered service account: user, group, domain, allUsers, ...",
    (
        P(
            "principal_type",
            "string",
            "user, group, domain, serviceAccount, allUsers, allAuthenticatedUsers, ...",
            indexed=True,
        ),
        P("email", "string", "Email or domain of the member, when it has one.", indexed=True),
        P("is_public", "bool", "allUsers or allAuthenticatedUsers: anyone (signed in) on the internet."),
    ),
    billing=FREE,
)
RESOURCE = _kind(
    "GCPResource",
    "cloudasset",
    "Any other Cloud Asset type; asset_type says which.",
    billing="gcp_resource",
)

NODES: tuple[NodeKind, ...] = (
    ORGANIZATION,
    FOLDER,
    PROJECT,
    COMPUTE_INSTANCE,
    DISK,
    NETWORK,
    SUBNETWORK,
    FIREWALL,
    FORWARDING_RULE,
    TARGET_PROXY,
    BACKEND_SERVICE,
    TARGET_POOL,
    INSTANCE_GROUP,
    GKE_CLUSTER,
    GKE_NODE_POOL,
    CLOUD_SQL,
    CLOUD_RUN,
    CLOUD_FUNCTION,
    SERVICE_ACCOUNT,
    SERVICE_ACCOUNT_KEY,
    STORAGE_BUCKET,
    PRINCIPAL,
    RESOURCE,
)

LABELS: tuple[str, ...] = tuple(k.label for k in NODES)
_CONTAINERS = ("GCPOrganization", "GCPFolder", "GCPProject")
IN_PROJECT_SOURCES = tuple(k.label for k in NODES if k.label not in (*_CONTAINERS, "GCPPrincipal"))
# What a binding may be attached to (everything but principals).
BINDABLE = tuple(k.label for k in NODES if k.label != "GCPPrincipal")

_ROLES = (P("roles", "string[]", "IAM roles the member holds on the resource, sorted."),)

RELATIONSHIPS: tuple[RelType, ...] = (
    *(
        RelType("IN_PROJECT", label, "GCPProject", "The resource belongs to this project.")
        for label in IN_PROJECT_SOURCES
    ),
    RelType("IN_FOLDER", "GCPProject", "GCPFolder", "The project's parent is this folder."),
    RelType("IN_FOLDER", "GCPFolder", "GCPFolder", "The folder's parent is this folder."),
    RelType("IN_ORGANIZATION", "GCPProject", "GCPOrganization", "The project's parent is the organization."),
    RelType("IN_ORGANIZATION", "GCPFolder", "GCPOrganization", "The folder's parent is the organization."),
    RelType("ATTACHED_DISK", "GCPComputeInstance", "GCPDisk", "The disk is attached to the instance."),
    RelType("IN_SUBNETWORK", "GCPComputeInstance", "GCPSubnetwork", "A network interface is in this subnetwork."),
    RelType("IN_NETWORK", "GCPComputeInstance", "GCPNetwork", "A legacy-mode interface is in this network."),
    RelType("IN_NETWORK", "GCPSubnetwork", "GCPNetwork", "The subnetwork belongs to this network."),
    RelType("IN_NETWORK", "GCPFirewall", "GCPNetwork", "The firewall rule belongs to this network."),
    RelType("IN_NETWORK", "GCPGKECluster", "GCPNetwork", "The cluster's nodes are in this network."),
    RelType("IN_SUBNETWORK", "GCPGKECluster", "GCPSubnetwork", "The cluster's nodes are in this subnetwork."),
    RelType("IN_NETWORK", "GCPCloudSQLInstance", "GCPNetwork", "The instance has a private IP in this network."),
    RelType("IN_NETWORK", "GCPForwardingRule", "GCPNetwork", "An internal forwarding rule's network."),
    RelType("RUNS_AS", "GCPComputeInstance", "GCPServiceAccount", "The instance runs as this service account."),
    RelType("RUNS_AS", "GCPGKENodePool", "GCPServiceAccount", "The pool's nodes run as this service account."),
    RelType("RUNS_AS", "GCPCloudRunService", "GCPServiceAccount", "Revisions run as this service account."),
    RelType("RUNS_AS", "GCPCloudFunction", "GCPServiceAccount", "The function runs as this service account."),
    RelType(
        "APPLIES_TO",
        "GCPFirewall",
        "GCPComputeInstance",
        "The rule governs the instance (target tag, target service account, or every instance of its network).",
    ),
    RelType("TARGETS", "GCPForwardingRule", "GCPTargetProxy", "The forwarding rule sends traffic to this proxy."),
    RelType("TARGETS", "GCPForwardingRule", "GCPBackendService", "The forwarding rule sends traffic to this service."),
    RelType("TARGETS", "GCPForwardingRule", "GCPTargetPool", "The forwarding rule sends traffic to this pool."),
    RelType("TARGETS", "GCPForwardingRule", "GCPResource", "The forwarding rule sends traffic to this target."),
    RelType("IN_SUBNETWORK", "GCPForwardingRule", "GCPSubnetwork", "An internal forwarding rule's subnetwork."),
    RelType("ROUTES_TO", "GCPTargetPool", "GCPComputeInstance", "The instance is in the pool."),
    RelType("ROUTES_TO", "GCPBackendService", "GCPResource", "A backend (e.g. a network endpoint group)."),
    RelType("ROUTES_TO", "GCPTargetProxy", "GCPBackendService", "The proxy's URL map routes to this service."),
    RelType("ROUTES_TO", "GCPBackendService", "GCPInstanceGroup", "The group is a backend of the service."),
    RelType("HAS_MEMBER", "GCPInstanceGroup", "GCPComputeInstance", "The instance is a member of the group."),
    RelType("HAS_NODE_POOL", "GCPGKECluster", "GCPGKENodePool", "The cluster has this node pool."),
    RelType("BELONGS_TO", "GCPServiceAccountKey", "GCPServiceAccount", "The key authenticates as this account."),
    *(
        RelType("HAS_ROLE", "GCPPrincipal", label, "The member holds roles on the resource.", _ROLES)
        for label in BINDABLE
    ),
    *(
        RelType("HAS_ROLE", "GCPServiceAccount", label, "The service account holds roles on the resource.", _ROLES)
        for label in BINDABLE
    ),
)
