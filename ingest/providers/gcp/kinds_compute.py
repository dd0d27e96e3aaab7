"""Compute Engine kinds: instances, disks, networks, firewall rules and the load-balancing chain.

Absent fields take the Compute API's documented defaults: a firewall rule is INGRESS, priority 1000 and
enabled; a forwarding rule is EXTERNAL over TCP; a backend service is EXTERNAL over HTTP; an instance does
not forward IP; a subnetwork is PRIVATE without Private Google Access.
"""

from __future__ import annotations

from collections.abc import Iterable

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
)
from ingest.providers.gcp.payload import Json

__all__ = [
    "backend_service",
    "disk",
    "firewall",
    "firewall_rules",
    "forwarding_rule",
    "instance",
    "instance_group",
    "network",
    "subnetwork",
    "target_label",
    "target_pool",
    "target_proxy",
]

DEFAULT_PRIORITY = 1000


def instance(item: Item, ctx: Context) -> KindRows:
    d = item.data
    nics = [m(n) for n in seq(d.get("networkInterfaces"))]
    private_ips = [str(n["networkIP"]) for n in nics if as_str(n.get("networkIP"))]
    public_ips = [str(c["natIP"]) for n in nics for c in map(m, seq(n.get("accessConfigs"))) if as_str(c.get("natIP"))]
    first = nics[0] if nics else {}
    emails = [str(s["email"]) for s in map(m, seq(d.get("serviceAccounts"))) if s.get("email")]
    rows = KindRows(
        {
            "instance_id": as_str(d.get("id")),
            "machine_type": short(d.get("machineType")),
            "private_ip": as_str(first.get("networkIP")),
            "public_ip": public_ips[0] if public_ips else None,  # exposure reads it: any interface's counts
            "private_ips": tuple(private_ips) or None,
            "public_ips": tuple(public_ips) or None,
            "network_tags": strings(m(d.get("tags")).get("items")),
            "service_accounts": tuple(emails) or None,
            "can_ip_forward": as_bool(d.get("canIpForward"), False),
        }
    )
    for nic in nics:
        if nic.get("subnetwork"):
            rows.edges += edge("IN_SUBNETWORK", item, "GCPSubnetwork", compute_ref(nic.get("subnetwork")))
        else:
            rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(nic.get("network")))
    for attached in map(m, seq(d.get("disks"))):
        rows.edges += edge("ATTACHED_DISK", item, "GCPDisk", compute_ref(attached.get("source")))
    for email in emails:
        rows.edges += edge("RUNS_AS", item, "GCPServiceAccount", ctx.sa_id(email))
    return rows


def disk(item: Item, ctx: Context) -> KindRows:
    d = item.data
    return KindRows(
        {
            "size_gb": as_int(d.get("sizeGb")),
            "disk_type": short(d.get("type")),
            "source_image": as_str(d.get("sourceImage")),
        }
    )


def network(item: Item, ctx: Context) -> KindRows:
    d = item.data
    return KindRows(
        {
            "auto_create_subnetworks": as_bool(d.get("autoCreateSubnetworks")),
            "routing_mode": as_str(m(d.get("routingConfig")).get("routingMode")) or "REGIONAL",
            "mtu": as_int(d.get("mtu")),
        }
    )


def subnetwork(item: Item, ctx: Context) -> KindRows:
    d = item.data
    rows = KindRows(
        {
            "ip_cidr_range": as_str(d.get("ipCidrRange")),
            "gateway_address": as_str(d.get("gatewayAddress")),
            "private_ip_google_access": as_bool(d.get("privateIpGoogleAccess"), False),
            "purpose": as_str(d.get("purpose")) or "PRIVATE",
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
    disabled = bool(as_bool(d.get("disabled"), False))
    open_ = direction == "INGRESS" and not disabled and bool(allowed) and bool(INTERNET & set(sources or ()))
    rows = KindRows(
        {
            "direction": direction,
            "priority": as_int(d.get("priority")) if as_int(d.get("priority")) is not None else DEFAULT_PRIORITY,
            "action": "allow" if allowed else "deny",
            "rules": firewall_rules(allowed or denied) or None,
            "source_ranges": sources,
            "destination_ranges": strings(d.get("destinationRanges")),
            "source_tags": strings(d.get("sourceTags")),
            "source_service_accounts": strings(d.get("sourceServiceAccounts")),
            "target_tags": strings(d.get("targetTags")),
            "target_service_accounts": strings(d.get("targetServiceAccounts")),
            "disabled": disabled,
            "open_to_internet": open_,
        }
    )
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(d.get("network")))
    return rows


def target_label(ref: str) -> str:
    """The label of what a forwarding rule or backend points at, by the collection in its path."""
    if "/targetHttpProxies/" in ref or "/targetHttpsProxies/" in ref:
        return "GCPTargetProxy"
    if "/targetPools/" in ref:
        return "GCPTargetPool"
    if "/backendServices/" in ref:
        return "GCPBackendService"
    if "/instanceGroups/" in ref:
        return "GCPInstanceGroup"
    return "GCPResource"


def forwarding_rule(item: Item, ctx: Context) -> KindRows:
    d = item.data
    scheme = as_str(d.get("loadBalancingScheme")) or "EXTERNAL"
    ports = strings(d.get("ports"))
    rows = KindRows(
        {
            "ip_address": as_str(d.get("IPAddress")),
            "ip_protocol": as_str(d.get("IPProtocol")) or "TCP",
            "port_range": as_str(d.get("portRange")) or (",".join(ports) if ports else None),
            "ports": ports,
            "all_ports": as_bool(d.get("allPorts"), False),
            "load_balancing_scheme": scheme,
            "is_external": scheme.startswith("EXTERNAL"),
        }
    )
    for ref in (compute_ref(d.get("target")), compute_ref(d.get("backendService"))):
        if ref:
            rows.edges += edge("TARGETS", item, target_label(ref), ref)
    rows.edges += edge("IN_NETWORK", item, "GCPNetwork", compute_ref(d.get("network")))
    rows.edges += edge("IN_SUBNETWORK", item, "GCPSubnetwork", compute_ref(d.get("subnetwork")))
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
            "protocol": as_str(d.get("protocol")) or "HTTP",
            "load_balancing_scheme": as_str(d.get("loadBalancingScheme")) or "EXTERNAL",
            "port_name": as_str(d.get("portName")),
        }
    )
    for backend in map(m, seq(d.get("backends"))):
        group = compute_ref(backend.get("group"))
        if group:
            rows.edges += edge("ROUTES_TO", item, target_label(group), group)
    return rows


def instance_group(item: Item, ctx: Context) -> KindRows:
    return KindRows({"size": as_int(item.data.get("size"))})


def target_pool(item: Item, ctx: Context) -> KindRows:
    d = item.data
    rows = KindRows(
        {
            "session_affinity": as_str(d.get("sessionAffinity")) or "NONE",
            "health_checks": strings([compute_ref(h) for h in seq(d.get("healthChecks"))]),
        }
    )
    for ref in map(compute_ref, seq(d.get("instances"))):
        rows.edges += edge("ROUTES_TO", item, "GCPComputeInstance", ref)
    return rows
