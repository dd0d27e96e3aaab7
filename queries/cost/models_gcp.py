"""Cost models of GCP resources (on-demand list price, 730 h/month)."""

from __future__ import annotations

import re

from queries.cost.cost_model import (
    CostInput,
    Estimate,
    NotPriced,
    Outcome,
    flat,
    hourly,
    missing,
    rate,
)
from queries.cost.prices_snapshot import HOURS_PER_MONTH, PriceSnapshot

# --- GCP --------------------------------------------------------------------------------------

_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")


def gcp_region(location: str) -> str:
    """us-central1-a -> us-central1 (zones to their region; regions unchanged)."""
    match = _ZONE.match(location)
    return match.group(1) if match else location


def gcp_instance(r: CostInput, p: PriceSnapshot) -> Outcome:
    mtype, state, region = r.s("machine_type"), r.s("state"), gcp_region(r.region)
    if state in {"TERMINATED", "STOPPED", "SUSPENDED"}:
        return Estimate(0.0, f"{state.lower()}: no compute charge ({mtype}); its disks are priced on their own nodes")
    price = p.get("gcp", "compute", mtype, region)
    return hourly(price, mtype, 1) if price else missing(f"GCE {mtype}", region)


def gcp_disk(r: CostInput, p: PriceSnapshot) -> Outcome:
    dtype, size, region = r.s("disk_type") or "pd-standard", r.n("size_gb"), gcp_region(r.region)
    price = p.get("gcp", "disk", dtype, region)
    if price is None or size is None:
        return missing(f"GCP {dtype}", region) if price is None else NotPriced("disk size unknown")
    return Estimate(size * price.usd, f"{size:g} GB {dtype} {region} {rate(price.usd)}/GB-month")


_CUSTOM = re.compile(r"^db-custom-(\d+)-(\d+)$")


def gcp_cloud_sql(r: CostInput, p: PriceSnapshot) -> Outcome:
    tier, region = r.s("tier"), gcp_region(r.region)
    price = p.get("gcp", "cloud-sql", tier, region)
    if price:
        return hourly(price, tier, 1)
    match = _CUSTOM.match(tier)
    cpu, mem = p.get("gcp", "cloud-sql", "custom-vcpu", region), p.get("gcp", "cloud-sql", "custom-memory", region)
    if match and cpu and mem:
        vcpus, gb = int(match.group(1)), int(match.group(2)) / 1024
        per_hour = vcpus * cpu.usd + gb * mem.usd
        return Estimate(
            per_hour * HOURS_PER_MONTH,
            f"{tier} {region}: {vcpus} vCPU x {rate(cpu.usd)} + {gb:g} GB x {rate(mem.usd)} = "
            f"{rate(per_hour)}/h x 730 h (storage not included)",
        )
    return missing(f"Cloud SQL {tier}", region)


def gcp_node_pool(r: CostInput, p: PriceSnapshot) -> Outcome:
    mtype, count, region = r.s("machine_type"), r.n("node_count"), gcp_region(r.region)
    price = p.get("gcp", "compute", mtype, region)
    if price is None or count is None:
        return missing(f"GCE {mtype}", region) if price is None else NotPriced("node count unknown")
    return hourly(price, f"{mtype} node", count)


def gke_cluster(r: CostInput, p: PriceSnapshot) -> Outcome:
    region = gcp_region(r.region)
    return flat(p.get("gcp", "gke", "cluster-management", region), "GKE cluster management", region)


def gcp_forwarding_rule(r: CostInput, p: PriceSnapshot) -> Outcome:
    region = gcp_region(r.region)
    price = p.get("gcp", "forwarding-rule", "rule", region)
    return hourly(price, "forwarding rule", 1) if price else missing("forwarding rule", region)


def gcp_resource(r: CostInput, p: PriceSnapshot) -> Outcome:
    """Generic GCP assets: static external addresses are priced; the rest have no model."""
    if r.s("asset_type") != "compute.googleapis.com/Address":
        return NotPriced(f"no cost model for {r.s('asset_type') or 'this asset type'}")
    region = gcp_region(r.region)
    kind = "unused" if r.s("state") == "RESERVED" else "in-use"
    price = p.get("gcp", "static-ip", kind, region)
    return hourly(price, f"static IP ({kind})", 1) if price else missing(f"static IP ({kind})", region)
