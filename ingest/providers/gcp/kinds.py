"""The GCP kind table: per typed label, the handler that reads ``resource.data`` into properties and edges,
and the payload fields that matter for security and dependencies, each with where it must arrive.

Handlers are pure functions of one asset plus a read-only :class:`Context` (lookups across the scope's
assets); they live in ``kinds_compute`` and ``kinds_services``. The declared fields are checked against
published payloads (tests/real_payloads): a field a real payload carries must reach its property or edge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graph.schema import SCHEMA
from ingest.providers.gcp import kinds_compute as c
from ingest.providers.gcp import kinds_services as s
from ingest.providers.gcp.items import (
    INTERNET,
    Context,
    Item,
    KindRows,
    as_bool,
    as_int,
    as_str,
    compute_ref,
    edge,
    m,
    seq,
    short,
    strings,
    zone_region,
)
from ingest.providers.gcp.kinds_compute import firewall_rules
from ingest.providers.gcp.storage_access import bucket_id

__all__ = [
    "BUCKET_ACCESS_FIELDS",
    "GENERIC_LABEL",
    "HANDLERS",
    "INTERNET",
    "KINDS",
    "LABELS_BY_TYPE",
    "Context",
    "Field",
    "Item",
    "KindRows",
    "KindSpec",
    "as_bool",
    "as_int",
    "as_str",
    "compute_ref",
    "edge",
    "expected_id",
    "firewall_rules",
    "m",
    "seq",
    "short",
    "strings",
    "zone_region",
]

# Declared on the kinds (NodeKind.provider_types); any other asset type becomes GENERIC_LABEL.
LABELS_BY_TYPE: Mapping[str, str] = SCHEMA.provider_types("gcp")
GENERIC_LABEL = "GCPResource"


@dataclass(frozen=True)
class Field:
    """A payload field (``a.b``; ``a[].b`` walks a list; ``{k.with.dots}`` is one key) and the property or the
    outgoing edge type it becomes."""

    path: str
    prop: str | None = None
    edge: str | None = None
    ref: str | None = None  # how an edge field's value names its target: see expected_id


def expected_id(field: Field, item: Item, ctx: Context, value: object) -> str | None:
    """The node id an edge field's ``value`` names, as the handlers key it: a Compute reference (the
    default), a service account (``account``), a node pool name (``pool``), a key's own name (``key``: the
    account the key's resource name is under, which the name may give by email), a cluster's network or
    subnetwork (``cluster_network``, ``cluster_subnetwork``: a path or a bare name), or a bucket's name
    (``bucket``)."""
    text = str(value)
    if field.ref == "account":
        email = s.account_email(text, item.project_number)
        return ctx.sa_id(email) if email else None
    if field.ref == "pool":
        return s.pool_id(item, text)
    if field.ref == "key":
        same_key = text.rsplit("/keys/", 1)[-1] == item.name.rsplit("/keys/", 1)[-1]  # may name its account by email
        return s.key_owner(item, ctx) if same_key else None
    if field.ref == "bucket":
        return bucket_id(text)
    if field.ref == "cluster_network":
        return s.cluster_network_id(item, text)
    if field.ref == "cluster_subnetwork":
        return s.cluster_subnetwork_id(item, text)
    return compute_ref(text)


@dataclass(frozen=True)
class KindSpec:
    handler: Callable[[Item, Context], KindRows]
    fields: tuple[Field, ...] = ()


F = Field

_POOL_FIELDS = (
    F("config.serviceAccount", prop="service_account"),
    F("config.serviceAccount", edge="RUNS_AS", ref="account"),
    F("config.machineType", prop="machine_type"),
    F("config.oauthScopes[]", prop="oauth_scopes"),
    F("initialNodeCount", prop="node_count"),
    F("version", prop="version"),
    F("autoscaling.enabled", prop="autoscaling"),
)

KINDS: Mapping[str, KindSpec] = {
    "GCPOrganization": KindSpec(s.organization, (F("displayName", prop="domain"),)),
    "GCPFolder": KindSpec(s.folder),
    "GCPProject": KindSpec(s.project, (F("projectId", prop="project_id"),)),
    "GCPComputeInstance": KindSpec(
        c.instance,
        (
            F("networkInterfaces[].networkIP", prop="private_ips"),
            F("networkInterfaces[].accessConfigs[].natIP", prop="public_ips"),
            F("networkInterfaces[].subnetwork", edge="IN_SUBNETWORK"),
            F("disks[].source", edge="ATTACHED_DISK"),
            F("serviceAccounts[].email", prop="service_accounts"),
            F("serviceAccounts[].email", edge="RUNS_AS", ref="account"),
            F("tags.items[]", prop="network_tags"),
            F("canIpForward", prop="can_ip_forward"),
            F("machineType", prop="machine_type"),
            F("zone", prop="zone"),
        ),
    ),
    "GCPDisk": KindSpec(
        c.disk,
        (
            F("sizeGb", prop="size_gb"),
            F("type", prop="disk_type"),
            F("zone", prop="zone"),
            F("sourceImage", prop="source_image"),
        ),
    ),
    "GCPNetwork": KindSpec(
        c.network,
        (
            F("autoCreateSubnetworks", prop="auto_create_subnetworks"),
            F("routingConfig.routingMode", prop="routing_mode"),
            F("mtu", prop="mtu"),
        ),
    ),
    "GCPSubnetwork": KindSpec(
        c.subnetwork,
        (
            F("ipCidrRange", prop="ip_cidr_range"),
            F("gatewayAddress", prop="gateway_address"),
            F("privateIpGoogleAccess", prop="private_ip_google_access"),
            F("purpose", prop="purpose"),
            F("region", prop="region"),
            F("network", edge="IN_NETWORK"),
        ),
    ),
    "GCPFirewall": KindSpec(
        c.firewall,
        (
            F("direction", prop="direction"),
            F("priority", prop="priority"),
            F("allowed[].IPProtocol", prop="rules"),
            F("allowed[].ports[]", prop="rules"),
            F("denied[].IPProtocol", prop="rules"),
            F("denied[].ports[]", prop="rules"),
            F("sourceRanges[]", prop="source_ranges"),
            F("destinationRanges[]", prop="destination_ranges"),
            F("sourceTags[]", prop="source_tags"),
            F("sourceServiceAccounts[]", prop="source_service_accounts"),
            F("targetTags[]", prop="target_tags"),
            F("targetServiceAccounts[]", prop="target_service_accounts"),
            F("disabled", prop="disabled"),
            F("network", edge="IN_NETWORK"),
        ),
    ),
    "GCPForwardingRule": KindSpec(
        c.forwarding_rule,
        (
            F("IPAddress", prop="ip_address"),
            F("IPProtocol", prop="ip_protocol"),
            F("portRange", prop="port_range"),
            F("ports[]", prop="port_range"),
            F("allPorts", prop="all_ports"),
            F("loadBalancingScheme", prop="load_balancing_scheme"),
            F("target", edge="TARGETS"),
            F("backendService", edge="TARGETS"),
            F("network", edge="IN_NETWORK"),
            F("subnetwork", edge="IN_SUBNETWORK"),
        ),
    ),
    "GCPTargetProxy": KindSpec(c.target_proxy, (F("urlMap", prop="url_map"),)),
    "GCPBackendService": KindSpec(
        c.backend_service,
        (
            F("protocol", prop="protocol"),
            F("loadBalancingScheme", prop="load_balancing_scheme"),
            F("portName", prop="port_name"),
            F("backends[].group", edge="ROUTES_TO"),
        ),
    ),
    "GCPInstanceGroup": KindSpec(c.instance_group, (F("size", prop="size"), F("zone", prop="zone"))),
    "GCPTargetPool": KindSpec(
        c.target_pool,
        (
            F("instances[]", edge="ROUTES_TO"),
            F("sessionAffinity", prop="session_affinity"),
            F("healthChecks[]", prop="health_checks"),
        ),
    ),
    "GCPGKECluster": KindSpec(
        s.gke_cluster,
        (
            F("endpoint", prop="endpoint"),
            F("currentMasterVersion", prop="master_version"),
            F("privateClusterConfig.enablePrivateNodes", prop="private_nodes"),
            F("privateClusterConfig.enablePrivateEndpoint", prop="private_endpoint"),
            F("masterAuthorizedNetworksConfig.enabled", prop="master_authorized_networks_enabled"),
            F("masterAuthorizedNetworksConfig.cidrBlocks[].cidrBlock", prop="master_authorized_networks"),
            F("legacyAbac.enabled", prop="legacy_abac"),
            F("network", edge="IN_NETWORK", ref="cluster_network"),
            F("subnetwork", edge="IN_SUBNETWORK", ref="cluster_subnetwork"),
            F("nodePools[].name", edge="HAS_NODE_POOL", ref="pool"),
        ),
    ),
    "GCPGKENodePool": KindSpec(s.node_pool, _POOL_FIELDS),
    "GCPCloudSQLInstance": KindSpec(
        s.cloud_sql,
        (
            F("databaseVersion", prop="database_version"),
            F("settings.tier", prop="tier"),
            F("settings.ipConfiguration.ipv4Enabled", prop="public_ip_enabled"),
            F("settings.ipConfiguration.authorizedNetworks[].value", prop="authorized_networks"),
            F("settings.ipConfiguration.requireSsl", prop="require_ssl"),
            F("settings.ipConfiguration.privateNetwork", edge="IN_NETWORK"),
            F("ipAddresses[].ipAddress", prop="ip_addresses"),
            F("region", prop="region"),
            F("gceZone", prop="zone"),
        ),
    ),
    "GCPCloudRunService": KindSpec(
        s.cloud_run,
        (
            F("spec.template.spec.serviceAccountName", prop="service_account"),
            F("spec.template.spec.serviceAccountName", edge="RUNS_AS", ref="account"),
            F("template.serviceAccount", prop="service_account"),
            F("template.serviceAccount", edge="RUNS_AS", ref="account"),
            F("metadata.annotations.{run.googleapis.com/ingress}", prop="ingress"),
            F("ingress", prop="ingress"),
            F("status.url", prop="url"),
            F("uri", prop="url"),
        ),
    ),
    "GCPCloudFunction": KindSpec(
        s.cloud_function,
        (
            F("serviceAccountEmail", prop="service_account"),
            F("serviceAccountEmail", edge="RUNS_AS", ref="account"),
            F("serviceConfig.serviceAccountEmail", edge="RUNS_AS", ref="account"),
            F("ingressSettings", prop="ingress_settings"),
            F("serviceConfig.ingressSettings", prop="ingress_settings"),
            F("httpsTrigger.url", prop="https_url"),
            F("runtime", prop="runtime"),
            F("entryPoint", prop="entry_point"),
        ),
    ),
    "GCPServiceAccount": KindSpec(
        s.service_account,
        (F("email", prop="email"), F("uniqueId", prop="unique_id"), F("disabled", prop="disabled")),
    ),
    "GCPServiceAccountKey": KindSpec(
        s.service_account_key,
        (
            F("keyType", prop="key_type"),
            F("keyAlgorithm", prop="key_algorithm"),
            F("validAfterTime", prop="valid_after"),
            F("validBeforeTime", prop="valid_before"),
            F("name", edge="BELONGS_TO", ref="key"),
        ),
    ),
    "GCPStorageBucket": KindSpec(
        s.bucket,
        (
            F("storageClass", prop="storage_class"),
            F("iamConfiguration.uniformBucketLevelAccess.enabled", prop="uniform_bucket_level_access"),
            F("iamConfiguration.publicAccessPrevention", prop="public_access_prevention"),
            F("versioning.enabled", prop="versioning"),
            F("acl[].entity", prop="acl_entities"),
        ),
    ),
    GENERIC_LABEL: KindSpec(s.generic),
}

# The bucket access node (GCPBucketIamPolicy) is read from the Storage JSON API: a bucket resource
# (projection=full) and its getIamPolicy answer, each with its fields.
BUCKET_ACCESS_FIELDS: Mapping[str, tuple[Field, ...]] = {
    "bucket": (
        F("name", prop="bucket"),
        F("name", edge="APPLIES_TO", ref="bucket"),
        F("iamConfiguration.uniformBucketLevelAccess.enabled", prop="uniform_bucket_level_access"),
        F("iamConfiguration.publicAccessPrevention", prop="public_access_prevention"),
        F("acl[].entity", prop="acl_entities"),
        F("defaultObjectAcl[].entity", prop="default_object_acl_entities"),
    ),
    "policy": (F("bindings[].role", prop="bindings"), F("bindings[].members[]", prop="bindings")),
}

HANDLERS: Mapping[str, Callable[[Item, Context], KindRows]] = {label: spec.handler for label, spec in KINDS.items()}
