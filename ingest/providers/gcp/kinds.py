"""Per asset type: the typed label, the properties read from ``resource.data`` and the typed edges.

Pure functions of one asset plus a read-only :class:`Context` (lookups across the scope's assets).
References inside Compute payloads are self links (``https://www.googleapis.com/compute/v1/projects/..``)
or relative paths (``projects/p/global/networks/n``); both become full resource names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.rows import EdgeRow, NodeRow, PropValue
from graph.schema import SCHEMA
from ingest.providers.gcp.payload import Json, SearchResult, parse_time

# Declared on the kinds (NodeKind.provider_types); any other asset type becomes GENERIC_LABEL.
LABELS_BY_TYPE: Mapping[str, str] = SCHEMA.provider_types("gcp")
GENERIC_LABEL = "GCPResource"
INTERNET = frozenset({"0.0.0.0/0", "::/0"})
Props = dict[str, PropValue]


@dataclass(frozen=True)
class Item:
    """One asset: both Cloud Asset views of it merged."""

    name: str
    asset_type: str
    label: str
    data: Json
    search: SearchResult | None
    project_number: str
    parent: str


@dataclass(frozen=True)
class Context:
    """Lookups across the scope, built before any asset is transformed."""

    sa_by_email: Mapping[str, str] = field(default_factory=dict)  # email -> service account node id
    url_maps: Mapping[str, Json] = field(default_factory=dict)  # url map full name -> data
    public: frozenset[str] = frozenset()  # resources allUsers / allAuthenticatedUsers hold a role on
    asset_names: frozenset[str] = frozenset()

    def sa_id(self, email: str) -> str:
        # An account outside the scope keeps a recognisable id; the writer skips an edge to it.
        return self.sa_by_email.get(email, f"//iam.googleapis.com/projects/-/serviceAccounts/{email}")


@dataclass
class KindRows:
    props: Props = field(default_factory=dict)
    edges: list[EdgeRow] = field(default_factory=list)
    extra_nodes: list[NodeRow] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------------


def compute_ref(ref: object) -> str | None:
    """A Compute self link or relative path -> ``//compute.googleapis.com/projects/...``."""
    if not isinstance(ref, str) or "projects/" not in ref:
        return None
    return "//compute.googleapis.com/" + ref[ref.index("projects/") :]


def short(ref: object) -> str | None:
    """The last path segment of a URL (machine type, zone, disk type)."""
    return ref.rstrip("/").rsplit("/", 1)[-1] if isinstance(ref, str) and ref else None


def as_int(value: object) -> int | None:
    """int64 fields arrive as strings (JSON) or floats (protobuf Struct)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def as_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def strings(values: object) -> tuple[str, ...] | None:
    items = tuple(str(v) for v in values) if isinstance(values, list) else ()
    return items or None


def m(value: object) -> Json:
    return value if isinstance(value, Mapping) else {}


def seq(value: object) -> list[Any]:
    return [v for v in value if v is not None] if isinstance(value, list) else []


def edge(type_: str, item: Item, target_label: str, target_id: str | None) -> list[EdgeRow]:
    return [EdgeRow(type_, item.label, item.name, target_label, target_id)] if target_id else []


# --- kinds -----------------------------------------------------------------------------------------


def instance(item: Item, ctx: Context) -> KindRows:
    d = item.data
    nics = [m(n) for n in seq(d.get("networkInterfaces"))]
    first = nics[0] if nics else {}
    nat = next((c.get("natIP") for c in map(m, seq(first.get("accessConfigs"))) if c.get("natIP")), None)
    emails = [str(s["email"]) for s in map(m, seq(d.get("serviceAccounts"))) if s.get("email")]
    tags = strings(m(d.get("tags")).get("items"))
    rows = KindRows(
        {
            "instance_id": as_str(d.get("id")),
            "machine_type": short(d.get("machineType")),
            "zone": short(d.get("zone")),
            "private_ip": as_str(first.get("networkIP")),
            "public_ip": as_str(nat),
            "network_tags": tags,
            "service_accounts": tuple(emails) or None,
            "can_ip_forward": as_bool(d.get("canIpForward")),
        }
    )
    for nic in nics:
        if nic.get("subnetwork"):
            rows.edges += edge("IN_SUBNETWORK", item, "GCPSubnetwork", compute_ref(nic.get("subnetwork")))
        else:
            rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(nic.get("network")))
    for disk in map(m, seq(d.get("disks"))):
        rows.edges += edge("ATTACHED_DISK", item, "GCPDisk", compute_ref(disk.get("source")))
    for email in emails:
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def disk(item: Item, ctx: Context) -> KindRows:
    d = item.data
    return KindRows(
        {
            "size_gb": as_int(d.get("sizeGb")),
            "disk_type": short(d.get("type")),
            "zone": short(d.get("zone")),
            "source_image": as_str(d.get("sourceImage")),
        }
    )


def network(item: Item, ctx: Context) -> KindRows:
    d = item.data
    return KindRows(
        {
            "auto_create_subnetworks": as_bool(d.get("autoCreateSubnetworks")),
            "routing_mode": as_str(m(d.get("routingConfig")).get("routingMode")),
            "mtu": as_int(d.get("mtu")),
        }
    )


def subnetwork(item: Item, ctx: Context) -> KindRows:
    d = item.data
    rows = KindRows(
        {
            "ip_cidr_range": as_str(d.get("ipCidrRange")),
            "gateway_address": as_str(d.get("gatewayAddress")),
            "private_ip_google_access": as_bool(d.get("privateIpGoogleAccess")),
            "purpose": as_str(d.get("purpose")),
        }
    )
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(d.get("network")))
    return rows


def firewall_rules(entries: Iterable[Json]) -> tuple[str, ...]:
    out = []
    for entry in entries:
        protocol = str(entry.get("IPProtocol") or "all")
        ports = seq(entry.get("ports"))
        out += [f"{protocol}:{p}" for p in ports] if ports else [protocol]
    return tuple(out)


def firewall(item: Item, ctx: Context) -> KindRows:
    d = item.data
    allowed = [m(e) for e in seq(d.get("allowed"))]
    denied = [m(e) for e in seq(d.get("denied"))]
    sources = strings(d.get("sourceRanges"))
    direction = as_str(d.get("direction")) or "INGRESS"
    disabled = bool(d.get("disabled", False))
    open_ = direction == "INGRESS" and not disabled and bool(allowed) and bool(INTERNET & set(sources or ()))
    rows = KindRows(
        {
            "direction": direction,
            "priority": as_int(d.get("priority")),
            "action": "allow" if allowed else "deny",
            "rules": firewall_rules(allowed or denied) or None,
            "source_ranges": sources,
            "destination_ranges": strings(d.get("destinationRanges")),
            "source_tags": strings(d.get("sourceTags")),
            "target_tags": strings(d.get("targetTags")),
            "target_service_accounts": strings(d.get("targetServiceAccounts")),
            "disabled": disabled,
            "open_to_internet": open_,
        }
    )
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(d.get("network")))
    return rows


def forwarding_rule(item: Item, ctx: Context) -> KindRows:
    d = item.data
    scheme = as_str(d.get("loadBalancingScheme"))
    rows = KindRows(
        {
            "ip_address": as_str(d.get("IPAddress")),
            "ip_protocol": as_str(d.get("IPProtocol")),
            "port_range": as_str(d.get("portRange")),
            "load_balancing_scheme": scheme,
            "is_external": scheme.startswith("EXTERNAL") if scheme else None,
        }
    )
    target = compute_ref(d.get("target"))
    if target and ("/targetHttpProxies/" in target or "/targetHttpsProxies/" in target):
        rows.edges += edge("TARGETS", item, "GCPTargetProxy", target)
    rows.edges += edge("TARGETS", item, "GCPBackendService", compute_ref(d.get("backendService")))
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(d.get("network")))
    return rows


def _url_map_services(url_map: Json) -> list[str]:
    refs = [url_map.get("defaultService")]
    for matcher in map(m, seq(url_map.get("pathMatchers"))):
        refs.append(matcher.get("defaultService"))
        refs += [m(rule).get("service") for rule in seq(matcher.get("pathRules"))]
        refs += [m(rule).get("service") for rule in seq(matcher.get("routeRules"))]
    out = [r for r in map(compute_ref, refs) if r and "/backendServices/" in r]
    return sorted(set(out))


def target_proxy(item: Item, ctx: Context) -> KindRows:
    url_map = compute_ref(item.data.get("urlMap"))
    rows = KindRows({"url_map": url_map})
    for service in _url_map_services(ctx.url_maps.get(url_map or "", {})):
        rows.edges += edge("ROUTES_TO", item, "GCPBackendService", service)
    return rows


def backend_service(item: Item, ctx: Context) -> KindRows:
    d = item.data
    rows = KindRows(
        {
            "protocol": as_str(d.get("protocol")),
            "load_balancing_scheme": as_str(d.get("loadBalancingScheme")),
            "port_name": as_str(d.get("portName")),
        }
    )
    for backend in map(m, seq(d.get("backends"))):
        group = compute_ref(backend.get("group"))
        if group and "/instanceGroups/" in group:
            rows.edges += edge("ROUTES_TO", item, "GCPInstanceGroup", group)
    return rows


def instance_group(item: Item, ctx: Context) -> KindRows:
    return KindRows({"zone": short(item.data.get("zone")), "size": as_int(item.data.get("size"))})


def _pool_props(pool: Json) -> Props:
    config = m(pool.get("config"))
    return {
        "machine_type": as_str(config.get("machineType")),
        "node_count": as_int(pool.get("initialNodeCount")),
        "version": as_str(pool.get("version")),
        "autoscaling": as_bool(m(pool.get("autoscaling")).get("enabled")),
        "service_account": as_str(config.get("serviceAccount")),
    }


def node_pool(item: Item, ctx: Context) -> KindRows:
    rows = KindRows(_pool_props(item.data))
    email = as_str(m(item.data.get("config")).get("serviceAccount"))
    if email and email != "default":
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def gke_cluster(item: Item, ctx: Context) -> KindRows:
    d = item.data
    private = m(d.get("privateClusterConfig"))
    authorized = m(d.get("masterAuthorizedNetworksConfig"))
    net = m(d.get("networkConfig"))
    rows = KindRows(
        {
            "endpoint": as_str(d.get("endpoint")),
            "master_version": as_str(d.get("currentMasterVersion")),
            "private_nodes": as_bool(private.get("enablePrivateNodes")),
            "private_endpoint": as_bool(private.get("enablePrivateEndpoint")),
            "master_authorized_networks": strings([m(c).get("cidrBlock") for c in seq(authorized.get("cidrBlocks"))]),
            "master_authorized_networks_enabled": as_bool(authorized.get("enabled")),
        }
    )
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(net.get("network")))
    rows.edges += edge("IN_SUBNETWORK", item, "GCPSubnetwork", compute_ref(net.get("subnetwork")))
    for pool in map(m, seq(d.get("nodePools"))):
        if not pool.get("name"):
            continue
        pool_id = f"{item.name}/nodePools/{pool['name']}"
        rows.edges += edge("HAS_NODE_POOL", item, "GCPGKENodePool", pool_id)
        if pool_id not in ctx.asset_names:  # the NodePool asset, when listed, is the better source
            pool_item = Item(
                pool_id,
                "container.googleapis.com/NodePool",
                "GCPGKENodePool",
                pool,
                None,
                item.project_number,
                item.name,
            )
            pool_rows = node_pool(pool_item, ctx)
            props: Props = {"name": str(pool["name"]), "state": as_str(pool.get("status")), **pool_rows.props}
            rows.extra_nodes.append(NodeRow("GCPGKENodePool", pool_id, props))
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
    ipv4 = as_bool(ip_config.get("ipv4Enabled"))
    rows = KindRows(
        {
            "database_version": as_str(d.get("databaseVersion")),
            "tier": as_str(settings.get("tier")),
            "public_ip_enabled": ipv4,
            "public_ip": as_str(public_ip),
            "private_ip": as_str(private_ip),
            "authorized_networks": authorized,
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
    ingress = as_str(annotations.get("run.googleapis.com/ingress")) or as_str(d.get("ingress"))
    rows = KindRows({"url": url, "service_account": email, "ingress": ingress, "is_public": item.name in ctx.public})
    if email:
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def cloud_function(item: Item, ctx: Context) -> KindRows:
    d = item.data
    service = m(d.get("serviceConfig"))  # 2nd gen
    email = as_str(d.get("serviceAccountEmail")) or as_str(service.get("serviceAccountEmail"))
    rows = KindRows(
        {
            "runtime": as_str(d.get("runtime")) or as_str(m(d.get("buildConfig")).get("runtime")),
            "entry_point": as_str(d.get("entryPoint")) or as_str(m(d.get("buildConfig")).get("entryPoint")),
            "service_account": email,
            "https_url": as_str(m(d.get("httpsTrigger")).get("url")) or as_str(d.get("url")),
            "ingress_settings": as_str(d.get("ingressSettings")) or as_str(service.get("ingressSettings")),
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
            "disabled": as_bool(d.get("disabled")),
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
    owner = item.name.rsplit("/keys/", 1)[0] if "/keys/" in item.name else None
    rows.edges += edge("BELONGS_TO", item, "GCPServiceAccount", owner)
    return rows


def bucket(item: Item, ctx: Context) -> KindRows:
    d = item.data
    iam = m(d.get("iamConfiguration"))
    return KindRows(
        {
            "storage_class": as_str(d.get("storageClass")),
            "uniform_bucket_level_access": as_bool(m(iam.get("uniformBucketLevelAccess")).get("enabled")),
            "public_access_prevention": as_str(iam.get("publicAccessPrevention")),
            "versioning": as_bool(m(d.get("versioning")).get("enabled")),
            "is_public": item.name in ctx.public,
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


HANDLERS: Mapping[str, Callable[[Item, Context], KindRows]] = {
    "GCPOrganization": organization,
    "GCPFolder": folder,
    "GCPProject": project,
    "GCPComputeInstance": instance,
    "GCPDisk": disk,
    "GCPNetwork": network,
    "GCPSubnetwork": subnetwork,
    "GCPFirewall": firewall,
    "GCPForwardingRule": forwarding_rule,
    "GCPTargetProxy": target_proxy,
    "GCPBackendService": backend_service,
    "GCPInstanceGroup": instance_group,
    "GCPGKECluster": gke_cluster,
    "GCPGKENodePool": node_pool,
    "GCPCloudSQLInstance": cloud_sql,
    "GCPCloudRunService": cloud_run,
    "GCPCloudFunction": cloud_function,
    "GCPServiceAccount": service_account,
    "GCPServiceAccountKey": service_account_key,
    "GCPStorageBucket": bucket,
    GENERIC_LABEL: generic,
}
