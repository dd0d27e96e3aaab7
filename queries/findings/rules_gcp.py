"""GCP rules: public buckets, functions and Cloud SQL, public GKE control planes, default service accounts
with broad roles, old user-managed keys (firewall rules are in rules_gcp_network)."""

from __future__ import annotations

from queries.findings.model import Rule

BROAD_ROLES = ("roles/owner", "roles/editor")
DEFAULT_SA_SUFFIXES = ("-compute@developer.gserviceaccount.com", "@appspot.gserviceaccount.com")

BUCKET_PUBLIC = Rule(
    id="gcp-storage-bucket-public",
    title="Cloud Storage bucket is readable by anyone",
    severity="critical",
    provider="gcp",
    kinds=("GCPStorageBucket",),
    benchmarks=("CIS GCP 5.1",),
    cypher=(
        "MATCH (b:GCPStorageBucket) "
        "OPTIONAL MATCH (acl:GCPBucketIamPolicy {is_public: true})-[:APPLIES_TO]->(b) "
        "WITH b, acl WHERE b.is_public OR acl IS NOT NULL "
        "OPTIONAL MATCH (m:GCPPrincipal {is_public: true})-[h:HAS_ROLE]->(b) "
        "WITH b, acl, head(collect(m.name)) AS member, head(collect(head(h.roles))) AS role "
        "RETURN b.id AS resource_id, {bucket: b.name, member: coalesce(member, head(acl.public_members), "
        "'allUsers'), role: coalesce(role, 'roles/storage.objectViewer')} AS fields"
    ),
    description=(
        "allUsers or allAuthenticatedUsers hold a role on the bucket, or (without uniform bucket-level access) an "
        "ACL entry: its objects are public."
    ),
    remediation="Remove the public members from the bucket's IAM policy (and enforce public access prevention).",
    command=(
        "gcloud storage buckets remove-iam-policy-binding gs://{bucket} --member={member} --role={role} && "
        "gcloud storage buckets update gs://{bucket} --public-access-prevention"
    ),
)

BUCKET_ACLS = Rule(
    id="gcp-storage-bucket-acls-enabled",
    title="Cloud Storage bucket still uses object ACLs",
    severity="medium",
    provider="gcp",
    kinds=("GCPStorageBucket",),
    benchmarks=("CIS GCP 5.2",),
    cypher=(
        "MATCH (b:GCPStorageBucket {uniform_bucket_level_access: false}) "
        "RETURN b.id AS resource_id, {bucket: b.name} AS fields"
    ),
    description="Object ACLs can grant access that the bucket's IAM policy does not show.",
    remediation="Enable uniform bucket-level access.",
    command="gcloud storage buckets update gs://{bucket} --uniform-bucket-level-access",
)

_SQL = "{instance: s.name, project: s.account}"

SQL_OPEN = Rule(
    id="gcp-sql-open-to-internet",
    title="Cloud SQL instance accepts connections from any address",
    severity="critical",
    provider="gcp",
    kinds=("GCPCloudSQLInstance",),
    benchmarks=("CIS GCP 6.5",),
    cypher=(f"MATCH (s:GCPCloudSQLInstance {{open_to_internet: true}}) RETURN s.id AS resource_id, {_SQL} AS fields"),
    description="The instance has a public IP and 0.0.0.0/0 is an authorized network.",
    remediation="Remove 0.0.0.0/0 from the authorized networks (connect through the Cloud SQL Auth Proxy).",
    command="gcloud sql instances patch {instance} --project {project} --clear-authorized-networks",
)

SQL_PUBLIC_IP = Rule(
    id="gcp-sql-public-ip",
    title="Cloud SQL instance has a public IP address",
    severity="medium",
    provider="gcp",
    kinds=("GCPCloudSQLInstance",),
    benchmarks=("CIS GCP 6.6",),
    cypher=(
        "MATCH (s:GCPCloudSQLInstance {public_ip_enabled: true}) WHERE NOT coalesce(s.open_to_internet, false) "
        f"RETURN s.id AS resource_id, {_SQL} AS fields"
    ),
    description="The database is reachable on a public address (guarded only by its authorized networks).",
    remediation="Use a private IP only.",
    command="gcloud sql instances patch {instance} --project {project} --no-assign-ip",
)

_GKE = "{cluster: c.name, project: c.account, location: c.region}"

GKE_PUBLIC = Rule(
    id="gcp-gke-public-endpoint",
    title="GKE control plane is reachable from the whole internet",
    severity="high",
    provider="gcp",
    kinds=("GCPGKECluster",),
    benchmarks=("CIS GKE 5.6.3",),
    cypher=(
        "MATCH (c:GCPGKECluster) WHERE NOT coalesce(c.private_endpoint, false) "
        "AND (NOT coalesce(c.master_authorized_networks_enabled, false) "
        "OR any(x IN coalesce(c.master_authorized_networks, []) WHERE x IN ['0.0.0.0/0', '::/0'])) "
        f"RETURN c.id AS resource_id, {_GKE} AS fields"
    ),
    description="The control plane has a public endpoint and no authorized networks restrict it.",
    remediation="Enable master authorized networks with your admin ranges (or a private endpoint).",
    command=(
        "gcloud container clusters update {cluster} --project {project} --location {location} "
        "--enable-master-authorized-networks --master-authorized-networks <your admin CIDRs>"
    ),
)

GKE_NOT_PRIVATE = Rule(
    id="gcp-gke-endpoint-not-private",
    title="GKE control plane has a public endpoint",
    severity="medium",
    provider="gcp",
    kinds=("GCPGKECluster",),
    benchmarks=("CIS GKE 5.6.4",),
    cypher=(
        "MATCH (c:GCPGKECluster) WHERE NOT coalesce(c.private_endpoint, false) "
        "AND coalesce(c.master_authorized_networks_enabled, false) "
        "AND NOT any(x IN coalesce(c.master_authorized_networks, []) WHERE x IN ['0.0.0.0/0', '::/0']) "
        f"RETURN c.id AS resource_id, {_GKE} AS fields"
    ),
    description=(
        "The control plane has a public endpoint (limited to authorized networks): it is exposed to the "
        "internet beyond the VPC."
    ),
    remediation="Enable the private endpoint and turn public endpoint access off.",
    command="gcloud container clusters update {cluster} --project {project} --location {location} "
    "--enable-private-endpoint",
)

GKE_PUBLIC_NODES = Rule(
    id="gcp-gke-public-nodes",
    title="GKE nodes have public IP addresses",
    severity="medium",
    provider="gcp",
    kinds=("GCPGKECluster",),
    benchmarks=("CIS GKE 5.6.5",),
    cypher=(
        "MATCH (c:GCPGKECluster) WHERE NOT coalesce(c.private_nodes, false) "
        f"RETURN c.id AS resource_id, {_GKE} AS fields"
    ),
    description="Every node has an external address and can be reached from the internet.",
    remediation="Use private nodes (outbound through Cloud NAT).",
    command="gcloud container clusters update {cluster} --project {project} --location {location} "
    "--enable-private-nodes",
)

FUNCTION_PUBLIC = Rule(
    id="gcp-cloud-function-public",
    title="Cloud Function can be invoked by anyone",
    severity="high",
    provider="gcp",
    kinds=("GCPCloudFunction",),
    benchmarks=("NIST SP 800-53 AC-3",),
    cypher=(
        "MATCH (f:GCPCloudFunction {is_public: true}) "
        "RETURN f.id AS resource_id, {function: f.name, project: f.account, region: f.region} AS fields"
    ),
    description="allUsers or allAuthenticatedUsers may invoke the function.",
    remediation="Remove the public invoker binding and grant invoker to the callers that need it.",
    command=(
        "gcloud functions remove-iam-policy-binding {function} --project {project} --region {region} "
        "--member=allUsers --role=roles/cloudfunctions.invoker"
    ),
)

RUN_PUBLIC = Rule(
    id="gcp-cloud-run-public",
    title="Cloud Run service is public on all ingress",
    severity="medium",
    provider="gcp",
    kinds=("GCPCloudRunService",),
    benchmarks=("NIST SP 800-53 AC-3",),
    cypher=(
        "MATCH (s:GCPCloudRunService {is_public: true}) WHERE coalesce(s.ingress, 'all') = 'all' "
        "RETURN s.id AS resource_id, {service: s.name, project: s.account, region: s.region} AS fields"
    ),
    description="Anyone on the internet can call the service directly (not only through a load balancer).",
    remediation="Remove the public invoker binding, or limit ingress to internal and load balancer traffic.",
    command=(
        "gcloud run services remove-iam-policy-binding {service} --project {project} --region {region} "
        "--member=allUsers --role=roles/run.invoker"
    ),
)

INSTANCE_DEFAULT_SA = Rule(
    id="gcp-instance-default-service-account",
    title="VM runs as the Compute Engine default service account",
    severity="medium",
    provider="gcp",
    kinds=("GCPComputeInstance",),
    benchmarks=("CIS GCP 4.1",),
    cypher=(
        "MATCH (i:GCPComputeInstance) "
        "WHERE any(sa IN coalesce(i.service_accounts, []) WHERE sa ENDS WITH $default_suffix) "
        "RETURN i.id AS resource_id, {instance: i.name, project: i.account, zone: i.zone} AS fields"
    ),
    description="The default service account has the project-wide Editor role unless it was changed.",
    remediation="Give the VM a dedicated, least-privileged service account (the VM must be stopped).",
    command=(
        "gcloud compute instances set-service-account {instance} --project {project} --zone {zone} "
        "--service-account=<dedicated service account email> --scopes=cloud-platform"
    ),
    params=(("default_suffix", DEFAULT_SA_SUFFIXES[0]),),
)

DEFAULT_SA_BROAD = Rule(
    id="gcp-default-service-account-broad-role",
    title="Default service account holds Owner or Editor on the project",
    severity="high",
    provider="gcp",
    kinds=("GCPServiceAccount", "GCPPrincipal"),
    benchmarks=("CIS GCP 1.5",),
    cypher=(
        "MATCH (m:GCPServiceAccount|GCPPrincipal)-[h:HAS_ROLE]->(p:GCPProject) "
        "WHERE any(s IN $suffixes WHERE m.email ENDS WITH s) AND any(r IN h.roles WHERE r IN $roles) "
        "WITH m, p, [r IN h.roles WHERE r IN $roles][0] AS role "
        "RETURN m.id AS resource_id, {project: p.project_id, email: m.email, role: role} AS fields"
    ),
    description="Every workload that runs as the default account inherits project-wide write (or owner) access.",
    remediation="Remove the broad role from the default account; give workloads dedicated accounts.",
    command=("gcloud projects remove-iam-policy-binding {project} --member=serviceAccount:{email} --role={role}"),
    params=(("suffixes", DEFAULT_SA_SUFFIXES), ("roles", BROAD_ROLES)),
)

SA_ADMIN = Rule(
    id="gcp-service-account-admin-role",
    title="Service account holds an owner, editor or admin role on the project",
    severity="high",
    provider="gcp",
    kinds=("GCPServiceAccount",),
    benchmarks=("CIS GCP 1.5",),
    cypher=(
        "MATCH (m:GCPServiceAccount)-[h:HAS_ROLE]->(p:GCPProject) "
        "WHERE NOT any(s IN $suffixes WHERE m.email ENDS WITH s) "
        "AND any(r IN h.roles WHERE r IN $roles OR r ENDS WITH 'Admin' OR r ENDS WITH '.admin') "
        "WITH m, p, [r IN h.roles WHERE r IN $roles OR r ENDS WITH 'Admin' OR r ENDS WITH '.admin'][0] AS role "
        "RETURN m.id AS resource_id, {project: p.project_id, email: m.email, role: role} AS fields"
    ),
    description="A workload identity with administrative rights: a compromised workload controls the project.",
    remediation="Replace the role with predefined roles limited to what the workload does.",
    command=("gcloud projects remove-iam-policy-binding {project} --member=serviceAccount:{email} --role={role}"),
    params=(("suffixes", DEFAULT_SA_SUFFIXES), ("roles", BROAD_ROLES)),
)

SA_KEY_OLD = Rule(
    id="gcp-service-account-key-not-rotated",
    title="User-managed service account key older than 90 days",
    severity="medium",
    provider="gcp",
    kinds=("GCPServiceAccountKey",),
    benchmarks=("CIS GCP 1.7",),
    cypher=(
        "MATCH (k:GCPServiceAccountKey {key_type: 'USER_MANAGED'}) "
        "WHERE k.valid_after < $now - duration({days: $days}) "
        "RETURN k.id AS resource_id, {key: last(split(k.id, '/')), email: k.service_account_email} AS fields"
    ),
    description="A long-lived key that has not been replaced for 90 days has had that long to leak.",
    remediation="Create a new key (or better, use workload identity) and delete the old one.",
    command="gcloud iam service-accounts keys delete {key} --iam-account={email} --quiet",
    params=(("days", 90),),
)

PUBLIC_PROJECT_MEMBER = Rule(
    id="gcp-project-public-member",
    title="allUsers or allAuthenticatedUsers hold a role on a project",
    severity="critical",
    provider="gcp",
    kinds=("GCPProject",),
    benchmarks=("NIST SP 800-53 AC-3",),
    cypher=(
        "MATCH (m:GCPPrincipal {is_public: true})-[h:HAS_ROLE]->(p:GCPProject) "
        "WITH p, head(collect(m.name)) AS member, head(collect(head(h.roles))) AS role "
        "RETURN p.id AS resource_id, {project: p.project_id, member: member, role: role} AS fields"
    ),
    description="Anyone (signed in to Google) holds a role on the whole project.",
    remediation="Remove the public member from the project's IAM policy.",
    command="gcloud projects remove-iam-policy-binding {project} --member={member} --role={role}",
)

IP_FORWARDING = Rule(
    id="gcp-instance-ip-forwarding",
    title="VM may forward packets it did not originate",
    severity="low",
    provider="gcp",
    kinds=("GCPComputeInstance",),
    benchmarks=("CIS GCP 4.6",),
    cypher=(
        "MATCH (i:GCPComputeInstance {can_ip_forward: true}) "
        "RETURN i.id AS resource_id, {instance: i.name, project: i.account, zone: i.zone} AS fields"
    ),
    description="IP forwarding lets the VM route traffic around firewall rules (unless it is a deliberate router).",
    remediation="Recreate the VM without IP forwarding (it cannot be changed on a running instance).",
    command=(
        "gcloud compute instances export {instance} --project {project} --zone {zone} --destination={instance}.yaml"
        " && gcloud compute instances update-from-file {instance} --project {project} --zone {zone} "
        "--source={instance}.yaml --most-disruptive-allowed-action=REFRESH  # with canIpForward: false"
    ),
)

DEFAULT_NETWORK = Rule(
    id="gcp-default-network",
    title="Project still has the default network",
    severity="low",
    provider="gcp",
    kinds=("GCPNetwork",),
    benchmarks=("CIS GCP 3.1",),
    cypher=("MATCH (n:GCPNetwork {name: 'default'}) RETURN n.id AS resource_id, {project: n.account} AS fields"),
    description="The default network comes with permissive firewall rules (SSH, RDP, ICMP from anywhere).",
    remediation="Move workloads to a custom network and delete the default one.",
    command="gcloud compute networks delete default --project {project} --quiet",
)

RULES: tuple[Rule, ...] = (
    BUCKET_PUBLIC,
    BUCKET_ACLS,
    SQL_OPEN,
    SQL_PUBLIC_IP,
    GKE_PUBLIC,
    GKE_NOT_PRIVATE,
    GKE_PUBLIC_NODES,
    FUNCTION_PUBLIC,
    RUN_PUBLIC,
    INSTANCE_DEFAULT_SA,
    DEFAULT_SA_BROAD,
    SA_ADMIN,
    SA_KEY_OLD,
    PUBLIC_PROJECT_MEMBER,
    IP_FORWARDING,
    DEFAULT_NETWORK,
)
