"""GKE, Cloud SQL, Cloud Run, Cloud Functions, IAM, Cloud Storage and the resource hierarchy.

Absent fields take the services' documented defaults: a GKE cluster without ``privateClusterConfig`` has
public nodes and endpoint, without ``masterAuthorizedNetworksConfig`` no authorized networks; a node pool
with ``serviceAccount: "default"`` (or none) runs as the project's Compute Engine default service account;
a bucket without ``iamConfiguration`` has fine-grained ACLs and inherited public access prevention, and no
versioning; Cloud Run and Cloud Functions admit all ingress unless told otherwise.
"""

from __future__ import annotations

from graph.rows import NodeRow
from ingest.providers.gcp.items import (
    INTERNET,
    Context,
    Item,
    KindRows,
    Props,
    as_bool,
    as_int,
    as_str,
    compute_ref,
    default_compute_sa,
    edge,
    m,
    seq,
    strings,
    zone_region,
)
from ingest.providers.gcp.payload import Json, parse_time

__all__ = [
    "PUBLIC_ENTITIES",
    "account_email",
    "bucket",
    "cloud_function",
    "cloud_run",
    "cloud_sql",
    "cluster_network_id",
    "cluster_subnetwork_id",
    "folder",
    "generic",
    "gke_cluster",
    "key_owner",
    "node_pool",
    "organization",
    "pool_id",
    "project",
    "service_account",
    "service_account_key",
]

PUBLIC_ENTITIES = frozenset({"allUsers", "allAuthenticatedUsers"})


def account_email(email: str | None, project_number: str) -> str | None:
    """The service account a workload runs as: ``default`` (or none) is the Compute Engine default account."""
    return default_compute_sa(project_number) if email in (None, "default") else email


def _pool_email(pool: Json, project_number: str) -> str | None:
    return account_email(as_str(m(pool.get("config")).get("serviceAccount")), project_number)


def pool_id(cluster: Item, name: str) -> str:
    """The node id of a cluster's node pool."""
    return f"{cluster.name}/nodePools/{name}"


def _cluster_project(cluster: Item) -> str | None:
    return cluster.name.split("/projects/", 1)[1].split("/", 1)[0] if "/projects/" in cluster.name else None


def cluster_network_id(cluster: Item, network: str | None) -> str | None:
    """A cluster's network reference (a project-qualified path, or the bare name older fields hold) -> node id."""
    if compute_ref(network):
        return compute_ref(network)
    project_id = _cluster_project(cluster)
    if project_id and network:
        return f"//compute.googleapis.com/projects/{project_id}/global/networks/{network}"
    return None


def cluster_subnetwork_id(cluster: Item, subnetwork: str | None) -> str | None:
    """A cluster's subnetwork reference (path or bare name, in the cluster's region) -> node id."""
    if compute_ref(subnetwork):
        return compute_ref(subnetwork)
    d = cluster.data
    project_id = _cluster_project(cluster)
    region = zone_region(as_str(d.get("location")) or as_str(d.get("zone")))[1]
    if project_id and region and subnetwork:
        return f"//compute.googleapis.com/projects/{project_id}/regions/{region}/subnetworks/{subnetwork}"
    return None


def _pool_props(pool: Json, project_number: str) -> Props:
    config = m(pool.get("config"))
    return {
        "machine_type": as_str(config.get("machineType")),
        "node_count": as_int(pool.get("initialNodeCount")),
        "version": as_str(pool.get("version")),
        "autoscaling": as_bool(m(pool.get("autoscaling")).get("enabled"), False),
        "service_account": _pool_email(pool, project_number),
        "oauth_scopes": strings(config.get("oauthScopes")),
    }


def node_pool(item: Item, ctx: Context) -> KindRows:
    rows = KindRows(_pool_props(item.data, item.project_number))
    email = _pool_email(item.data, item.project_number)
    if email:
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def _cluster_network(d: Json, item: Item) -> tuple[str | None, str | None]:
    """networkConfig holds project-qualified paths; the older top-level fields hold bare names."""
    net = m(d.get("networkConfig"))
    network = compute_ref(net.get("network")) or cluster_network_id(item, as_str(d.get("network")))
    subnetwork = compute_ref(net.get("subnetwork")) or cluster_subnetwork_id(item, as_str(d.get("subnetwork")))
    return network, subnetwork


def gke_cluster(item: Item, ctx: Context) -> KindRows:
    d = item.data
    private = m(d.get("privateClusterConfig"))
    authorized = m(d.get("masterAuthorizedNetworksConfig"))
    rows = KindRows(
        {
            "endpoint": as_str(d.get("endpoint")),
            "master_version": as_str(d.get("currentMasterVersion")),
            "private_nodes": as_bool(private.get("enablePrivateNodes"), False),
            "private_endpoint": as_bool(private.get("enablePrivateEndpoint"), False),
            "master_authorized_networks": strings([m(c).get("cidrBlock") for c in seq(authorized.get("cidrBlocks"))]),
            "master_authorized_networks_enabled": as_bool(authorized.get("enabled"), False),
            "legacy_abac": as_bool(m(d.get("legacyAbac")).get("enabled"), False),
        }
    )
    network, subnetwork = _cluster_network(d, item)
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", network)
    rows.edges += edge("IN_SUBNETWORK", item, "GCPSubnetwork", subnetwork)
    for pool in map(m, seq(d.get("nodePools"))):
        if not pool.get("name"):
            continue
        pool_name = pool_id(item, str(pool["name"]))
        rows.edges += edge("HAS_NODE_POOL", item, "GCPGKENodePool", pool_name)
        if pool_name not in ctx.asset_names:  # the NodePool asset, when listed, is the better source
            pool_item = Item(
                pool_name,
                "container.googleapis.com/NodePool",
                "GCPGKENodePool",
                pool,
                None,
                item.project_number,
                item.name,
            )
            pool_rows = node_pool(pool_item, ctx)
            props: Props = {"name": str(pool["name"]), "state": as_str(pool.get("status")), **pool_rows.props}
            rows.extra_nodes.append(NodeRow("GCPGKENodePool", pool_name, props))
            rows.edges += pool_rows.edges
    return rows


def cloud_sql(item: Item, ctx: Context) -> KindRows:
    d = item.data
    settings = m(d.get("settings"))
    ip_config = m(settings.get("ipConfiguration"))
    addresses = [m(a) for a in seq(d.get("ipAddresses"))]
    public_ip = next((a.get("ipAddress") for a in addresses if a.get("type") == "PRIMARY"), None)
    private_ip = next((a.get("ipAddress") for a in addresses if a.get("type") == "PRIVATE"), None)
    authorized = strings([m(n).get("value") for n in seq(ip_config.get("authorizedNetworks"))])
    # Absent ipv4Enabled: the instance has a public address exactly when a PRIMARY address is listed.
    ipv4 = as_bool(ip_config.get("ipv4Enabled"), public_ip is not None)
    rows = KindRows(
        {
            "database_version": as_str(d.get("databaseVersion")),
            "tier": as_str(settings.get("tier")),
            "public_ip_enabled": ipv4,
            "public_ip": as_str(public_ip),
            "private_ip": as_str(private_ip),
            "ip_addresses": strings([a.get("ipAddress") for a in addresses]),
            "authorized_networks": authorized,
            "require_ssl": as_bool(ip_config.get("requireSsl"), False),
            "open_to_internet": bool(ipv4) and bool(INTERNET & set(authorized or ())),
            "state": as_str(d.get("state")),
        }
    )
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(ip_config.get("privateNetwork")))
    return rows


def cloud_run(item: Item, ctx: Context) -> KindRows:
    d = item.data
    spec = m(m(m(d.get("spec")).get("template")).get("spec"))
    email = as_str(spec.get("serviceAccountName")) or as_str(m(d.get("template")).get("serviceAccount"))
    annotations = m(m(d.get("metadata")).get("annotations"))
    url = as_str(m(d.get("status")).get("url")) or as_str(d.get("uri"))
    ingress = as_str(annotations.get("run.googleapis.com/ingress")) or as_str(d.get("ingress")) or "all"
    rows = KindRows({"url": url, "service_account": email, "ingress": ingress, "is_public": item.name in ctx.public})
    if email:
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def cloud_function(item: Item, ctx: Context) -> KindRows:
    d = item.data
    service = m(d.get("serviceConfig"))  # 2nd gen
    email = as_str(d.get("serviceAccountEmail")) or as_str(service.get("serviceAccountEmail"))
    ingress = as_str(d.get("ingressSettings")) or as_str(service.get("ingressSettings")) or "ALLOW_ALL"
    rows = KindRows(
        {
            "runtime": as_str(d.get("runtime")) or as_str(m(d.get("buildConfig")).get("runtime")),
            "entry_point": as_str(d.get("entryPoint")) or as_str(m(d.get("buildConfig")).get("entryPoint")),
            "service_account": email,
            "https_url": as_str(m(d.get("httpsTrigger")).get("url")) or as_str(d.get("url")),
            "ingress_settings": ingress,
            "is_public": item.name in ctx.public,
        }
    )
    if email:
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def service_account(item: Item, ctx: Context) -> KindRows:
    d = item.data
    return KindRows(
        {
            "email": as_str(d.get("email")),
            "unique_id": as_str(d.get("uniqueId")),
            "disabled": as_bool(d.get("disabled"), False),
        }
    )


def service_account_key(item: Item, ctx: Context) -> KindRows:
    d = item.data
    key_name = as_str(d.get("name")) or ""
    email = key_name.split("/serviceAccounts/", 1)[-1].split("/", 1)[0] if "/serviceAccounts/" in key_name else None
    rows = KindRows(
        {
            "key_type": as_str(d.get("keyType")),
            "key_algorithm": as_str(d.get("keyAlgorithm")),
            "valid_after": parse_time(d.get("validAfterTime")),
            "valid_before": parse_time(d.get("validBeforeTime")),
            "service_account_email": email,
        }
    )
    rows.edges += edge("BELONGS_TO", item, "GCPServiceAccount", key_owner(item, ctx))
    return rows


def key_owner(key: Item, ctx: Context) -> str | None:
    """The node id of the service account a key belongs to (its name's parent)."""
    owner = key.name.rsplit("/keys/", 1)[0] if "/keys/" in key.name else None
    if owner and "@" in owner.rsplit("/", 1)[-1]:  # keyed by email: the account node is keyed by unique id
        owner = ctx.sa_id(owner.rsplit("/", 1)[-1])
    return owner


def bucket(item: Item, ctx: Context) -> KindRows:
    d = item.data
    iam = m(d.get("iamConfiguration"))
    ubla = as_bool(m(iam.get("uniformBucketLevelAccess")).get("enabled"), False)
    entities = strings([m(a).get("entity") for a in seq(d.get("acl"))])
    public_acl = not ubla and bool(PUBLIC_ENTITIES & set(entities or ()))
    return KindRows(
        {
            "storage_class": as_str(d.get("storageClass")),
            "uniform_bucket_level_access": ubla,
            "public_access_prevention": as_str(iam.get("publicAccessPrevention")) or "inherited",
            "versioning": as_bool(m(d.get("versioning")).get("enabled"), False),
            "acl_entities": entities,
            "is_public": item.name in ctx.public or public_acl,
        }
    )


def organization(item: Item, ctx: Context) -> KindRows:
    return KindRows({"organization_id": item.name.rsplit("/", 1)[-1], "domain": as_str(item.data.get("displayName"))})


def folder(item: Item, ctx: Context) -> KindRows:
    return KindRows({"folder_id": item.name.rsplit("/", 1)[-1]})


def project(item: Item, ctx: Context) -> KindRows:
    return KindRows({"project_id": as_str(item.data.get("projectId"))})


def generic(item: Item, ctx: Context) -> KindRows:
    return KindRows()
