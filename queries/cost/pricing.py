"""Pure cost models: one resource's properties and a price snapshot -> a monthly estimate, or why not.

Every estimate is list price, on demand, 730 hours a month, and says how it was computed in ``basis``
(e.g. ``t3.large us-east-1 $0.0832/h x 730 h``). Usage-based charges (requests, data processed,
LCUs) are never guessed: the basis says they are not included. Kinds that cloud providers do not
bill (VPCs, subnets, security groups, IAM, ...) cost $0 with a basis saying so. Anything else, or a
price missing from the snapshot, is *not priced*: no estimate, and the reason is kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graph.rows import PropValue
from queries.cost.prices_snapshot import HOURS_PER_MONTH, Price, PriceSnapshot


@dataclass(frozen=True)
class CostInput:
    """What a cost model reads of a resource node."""

    id: str
    kind: str
    provider: str
    region: str
    props: Mapping[str, PropValue]

    def s(self, name: str) -> str:
        value = self.props.get(name)
        return value if isinstance(value, str) else ""

    def n(self, name: str) -> float | None:
        value = self.props.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def b(self, name: str) -> bool:
        return self.props.get(name) is True


@dataclass(frozen=True)
class Estimate:
    usd: float
    basis: str


@dataclass(frozen=True)
class NotPriced:
    reason: str


Outcome = Estimate | NotPriced
Model = Callable[[CostInput, PriceSnapshot], Outcome]


def money(usd: float) -> str:
    return f"${usd:,.2f}"


def rate(usd: float) -> str:
    return f"${usd:.4f}".rstrip("0").rstrip(".") if usd < 1 else f"${usd:,.2f}"


def hourly(price: Price, what: str, count: float = 1.0) -> Estimate:
    usd = price.usd * HOURS_PER_MONTH * count
    times = f" x {count:g}" if count != 1 else ""
    return Estimate(usd, f"{what} {price.region} {rate(price.usd)}/h x 730 h{times}")


def _missing(what: str, region: str) -> NotPriced:
    return NotPriced(f"no list price for {what} in {region or 'an unknown region'} in the snapshot")


# --- AWS --------------------------------------------------------------------------------------


def ec2_instance(r: CostInput, p: PriceSnapshot) -> Outcome:
    state, itype = r.s("state"), r.s("instance_type")
    if state in {"stopped", "stopping", "terminated", "shutting-down"}:
        return Estimate(0.0, f"{state}: no compute charge ({itype}); its EBS volumes are priced on their own nodes")
    price = p.get("aws", "ec2", itype, r.region)
    return hourly(price, itype, 1) if price else _missing(f"EC2 {itype or 'instance type ?'}", r.region)


def ebs_volume(r: CostInput, p: PriceSnapshot) -> Outcome:
    vtype, size = r.s("volume_type") or "standard", r.n("size")
    price = p.get("aws", "ebs", vtype, r.region)
    if price is None or size is None:
        return _missing(f"EBS {vtype} storage", r.region) if price is None else NotPriced("volume size unknown")
    usd, basis = size * price.usd, f"{size:g} GiB {vtype} {r.region} {rate(price.usd)}/GB-month"
    iops = r.n("iops") or 0.0
    if vtype in {"io1", "io2"} and iops:
        iops_price = p.get("aws", "ebs", f"{vtype}-iops", r.region)
        if iops_price is None:
            return _missing(f"EBS {vtype} IOPS", r.region)
        usd += iops * iops_price.usd
        basis += f" + {iops:g} IOPS x {rate(iops_price.usd)}"
    if vtype == "gp3":
        extra_iops, extra_tp = max(0.0, iops - 3000), max(0.0, (r.n("throughput") or 0.0) - 125)
        for amount, kind, unit in ((extra_iops, "gp3-iops", "IOPS"), (extra_tp, "gp3-throughput", "MiB/s")):
            extra = p.get("aws", "ebs", kind, r.region) if amount else None
            if amount and extra:
                usd += amount * extra.usd
                basis += f" + {amount:g} {unit} over baseline x {rate(extra.usd)}"
    return Estimate(usd, basis)


def ebs_snapshot(r: CostInput, p: PriceSnapshot) -> Outcome:
    tier = "snapshot-archive" if r.s("storage_tier") == "archive" else "snapshot"
    price, size = p.get("aws", "ebs", tier, r.region), r.n("volume_size")
    if price is None:
        return _missing(f"EBS {tier} storage", r.region)
    if size is None:
        return NotPriced("source volume size unknown")
    return Estimate(
        size * price.usd,
        f"{size:g} GiB {tier} {r.region} {rate(price.usd)}/GB-month (upper bound: snapshots are incremental)",
    )


def _rds_engine(engine: str) -> str:
    if "postgres" in engine:
        return "postgres"
    return "mysql" if engine in {"mysql", "mariadb"} else engine


def rds_instance(r: CostInput, p: PriceSnapshot) -> Outcome:
    engine, cls, status = _rds_engine(r.s("engine")), r.s("instance_class"), r.s("status")
    copies = 2.0 if r.b("multi_az") else 1.0
    usd, parts = 0.0, []
    if status != "stopped":
        price = p.get("aws", "rds", f"{engine}:{cls}", r.region)
        if price is None:
            return _missing(f"RDS {engine} {cls}", r.region)
        est = hourly(price, f"{cls} {engine}", copies)
        usd, parts = est.usd, [est.basis + (" (Multi-AZ)" if copies == 2 else "")]
    else:
        parts = [f"stopped: no instance charge ({cls})"]
    storage_type, size = r.s("storage_type"), r.n("allocated_storage")
    if storage_type and storage_type != "aurora" and size:
        sprice = p.get("aws", "rds", f"storage:{storage_type}", r.region)
        if sprice is None:
            return _missing(f"RDS {storage_type} storage", r.region)
        usd += size * sprice.usd * copies
        parts.append(f"{size:g} GiB {storage_type} x {rate(sprice.usd)}/GB-month" + (" x 2" if copies == 2 else ""))
    return Estimate(usd, " + ".join(parts))


def load_balancer(r: CostInput, p: PriceSnapshot) -> Outcome:
    lb_type = r.s("lb_type") or "application"
    price = p.get("aws", "elb", lb_type, r.region)
    if price is None:
        return _missing(f"ELB {lb_type}", r.region)
    est = hourly(price, f"{lb_type} load balancer", 1)
    return Estimate(est.usd, est.basis + " (capacity units not included)")


def nat_gateway(r: CostInput, p: PriceSnapshot) -> Outcome:
    if r.s("state") in {"deleted", "deleting", "failed"}:
        return Estimate(0.0, f"{r.s('state')}: not billed")
    price = p.get("aws", "nat", "gateway", r.region)
    if price is None:
        return _missing("NAT gateway", r.region)
    data = p.get("aws", "nat", "data-processed", r.region)
    est = hourly(price, "NAT gateway", 1)
    extra = f" (data processed, {rate(data.usd)}/GB, not included)" if data else " (data processed not included)"
    return Estimate(est.usd, est.basis + extra)


def elastic_ip(r: CostInput, p: PriceSnapshot) -> Outcome:
    price = p.get("aws", "eip", "public-ipv4", r.region)
    if price is None:
        return _missing("public IPv4 address", r.region)
    state = "attached" if r.s("association_id") or r.s("network_interface_id") else "idle"
    return hourly(price, f"public IPv4 ({state})", 1)


def dynamodb_table(r: CostInput, p: PriceSnapshot) -> Outcome:
    size, price = r.n("size_bytes"), p.get("aws", "dynamodb", "storage", r.region)
    if price is None:
        return _missing("DynamoDB storage", r.region)
    if size is None:
        return NotPriced("table size unknown")
    gb = size / 1e9
    return Estimate(
        gb * price.usd, f"{gb:.3f} GB storage {r.region} {rate(price.usd)}/GB-month (requests not included)"
    )


# --- Azure ------------------------------------------------------------------------------------

# Managed disk tiers: the size a tier provisions (GiB); a disk is billed at the smallest tier that holds it.
DISK_TIER_SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
_TIER_NUMBER = (1, 2, 3, 4, 6, 10, 15, 20, 30, 40, 50)
_DISK_FAMILY = {"premium": "P", "standardssd": "E", "standard": "S"}


def azure_disk_tier(sku: str, size_gb: float) -> str | None:
    family = _DISK_FAMILY.get(sku.split("_")[0].lower())
    if family is None:
        return None
    for cap, number in zip(DISK_TIER_SIZES, _TIER_NUMBER, strict=True):
        if size_gb <= cap:
            return f"{family}{max(number, 4) if family == 'S' else number}"
    return None


def azure_vm(r: CostInput, p: PriceSnapshot) -> Outcome:
    size, power = r.s("vm_size"), r.s("power_state").removeprefix("PowerState/")
    if power == "deallocated":
        return Estimate(0.0, f"deallocated: no compute charge ({size}); its disks are priced on their own nodes")
    price = p.get("azure", "vm", size, r.region)
    if price is None:
        return _missing(f"Azure VM {size}", r.region)
    est = hourly(price, size, 1)
    return Estimate(est.usd, est.basis + (" (stopped but not deallocated: still billed)" if power == "stopped" else ""))


def azure_disk(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku, size = r.s("sku_name"), r.n("disk_size_gb")
    tier = azure_disk_tier(sku, size) if size else None
    if tier is None:
        return NotPriced(f"no disk tier for {sku or 'unknown SKU'} of {size or '?'} GiB")
    price = p.get("azure", "managed-disk", tier, r.region)
    if price is None:
        return _missing(f"Azure managed disk {tier}", r.region)
    return Estimate(price.usd, f"{size:g} GiB {sku} -> tier {tier} {r.region} {money(price.usd)}/month")


def azure_public_ip(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name") or "Basic"
    price = p.get("azure", "public-ip", sku, r.region)
    return hourly(price, f"{sku} public IP", 1) if price else _missing(f"{sku} public IP", r.region)


def azure_load_balancer(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name") or "Basic"
    if sku == "Basic":
        return Estimate(0.0, "Basic load balancer: no charge")
    price = p.get("azure", "load-balancer", sku, r.region)
    return hourly(price, f"{sku} load balancer", 1) if price else _missing(f"{sku} load balancer", r.region)


def azure_app_gateway(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name")
    price = p.get("azure", "application-gateway", sku, r.region)
    if price is None:
        return _missing(f"application gateway {sku}", r.region)
    est = hourly(price, f"{sku} gateway", 1)
    return Estimate(est.usd, est.basis + " (fixed part; capacity units not included)")


def azure_sql_database(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name")
    if sku == "System":
        return Estimate(0.0, "system database (master): no charge")
    price = p.get("azure", "sql-database", sku, r.region)
    if price is None:
        return _missing(f"Azure SQL {sku}", r.region)
    if price.unit == "month":
        return Estimate(price.usd, f"{sku} {r.region} {money(price.usd)}/month")
    return hourly(price, sku, 1)


def azure_app_service_plan(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name")
    if sku in {"Y1", "F1", "D1"}:
        return Estimate(0.0, f"{sku}: consumption or free plan, usage-based or no charge")
    price = p.get("azure", "app-service", sku, r.region)
    return hourly(price, f"{sku} plan", 1) if price else _missing(f"App Service {sku}", r.region)


def azure_node_pool(r: CostInput, p: PriceSnapshot) -> Outcome:
    size, count = r.s("vm_size"), r.n("node_count")
    price = p.get("azure", "vm", size, r.region)
    if price is None or count is None:
        return _missing(f"Azure VM {size}", r.region) if price is None else NotPriced("node count unknown")
    return hourly(price, f"{size} node", count)


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
    return hourly(price, mtype, 1) if price else _missing(f"GCE {mtype}", region)


def gcp_disk(r: CostInput, p: PriceSnapshot) -> Outcome:
    dtype, size, region = r.s("disk_type") or "pd-standard", r.n("size_gb"), gcp_region(r.region)
    price = p.get("gcp", "disk", dtype, region)
    if price is None or size is None:
        return _missing(f"GCP {dtype}", region) if price is None else NotPriced("disk size unknown")
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
    return _missing(f"Cloud SQL {tier}", region)


def gcp_node_pool(r: CostInput, p: PriceSnapshot) -> Outcome:
    mtype, count, region = r.s("machine_type"), r.n("node_count"), gcp_region(r.region)
    price = p.get("gcp", "compute", mtype, region)
    if price is None or count is None:
        return _missing(f"GCE {mtype}", region) if price is None else NotPriced("node count unknown")
    return hourly(price, f"{mtype} node", count)


def gcp_forwarding_rule(r: CostInput, p: PriceSnapshot) -> Outcome:
    region = gcp_region(r.region)
    price = p.get("gcp", "forwarding-rule", "rule", region)
    return hourly(price, "forwarding rule", 1) if price else _missing("forwarding rule", region)


def gcp_resource(r: CostInput, p: PriceSnapshot) -> Outcome:
    """Generic GCP assets: static external addresses are priced; the rest have no model."""
    if r.s("asset_type") != "compute.googleapis.com/Address":
        return NotPriced(f"no cost model for {r.s('asset_type') or 'this asset type'}")
    region = gcp_region(r.region)
    kind = "unused" if r.s("state") == "RESERVED" else "in-use"
    price = p.get("gcp", "static-ip", kind, region)
    return hourly(price, f"static IP ({kind})", 1) if price else _missing(f"static IP ({kind})", region)


MODELS: dict[str, Model] = {
    "EC2Instance": ec2_instance,
    "EBSVolume": ebs_volume,
    "EBSSnapshot": ebs_snapshot,
    "RDSInstance": rds_instance,
    "LoadBalancer": load_balancer,
    "NATGateway": nat_gateway,
    "ElasticIP": elastic_ip,
    "DynamoDBTable": dynamodb_table,
    "AzureVirtualMachine": azure_vm,
    "AzureDisk": azure_disk,
    "AzurePublicIPAddress": azure_public_ip,
    "AzureLoadBalancer": azure_load_balancer,
    "AzureApplicationGateway": azure_app_gateway,
    "AzureSqlDatabase": azure_sql_database,
    "AzureAppServicePlan": azure_app_service_plan,
    "AzureAKSNodePool": azure_node_pool,
    "GCPComputeInstance": gcp_instance,
    "GCPDisk": gcp_disk,
    "GCPCloudSQLInstance": gcp_cloud_sql,
    "GCPGKENodePool": gcp_node_pool,
    "GCPForwardingRule": gcp_forwarding_rule,
    "GCPResource": gcp_resource,
}

# Kinds the providers do not bill by themselves: $0, with a basis saying so.
FREE_KINDS: frozenset[str] = frozenset({
    "VPC", "Subnet", "SecurityGroup", "RouteTable", "NetworkAcl", "InternetGateway", "NetworkInterface",
    "Listener", "TargetGroup", "AutoScalingGroup", "LaunchTemplate", "IAMUser", "IAMGroup", "IAMRole",
    "IAMPolicy", "IAMInstanceProfile", "VPCPeeringConnection", "LambdaEventSourceMapping", "ECSCluster",
    "ECSTaskDefinition", "SNSSubscription", "AMI",
    "AzureSubscription", "AzureResourceGroup", "AzureVirtualNetwork", "AzureSubnet", "AzureNetworkSecurityGroup",
    "AzureNetworkInterface", "AzureLoadBalancerBackendPool", "AzureSqlServer", "AzureSqlFirewallRule",
    "AzureRoleAssignment", "AzurePrincipal", "AzureVirtualNetworkPeering",
    "GCPOrganization", "GCPFolder", "GCPProject", "GCPNetwork", "GCPSubnetwork", "GCPFirewall",
    "GCPServiceAccount", "GCPServiceAccountKey", "GCPInstanceGroup", "GCPBackendService", "GCPTargetProxy",
})  # fmt: skip


def estimate(r: CostInput, prices: PriceSnapshot) -> Outcome:
    """The monthly estimate of one resource, or why there is none."""
    model = MODELS.get(r.kind)
    if model is not None:
        outcome = model(r, prices)
        if isinstance(outcome, Estimate):
            return Estimate(round(outcome.usd, 4), outcome.basis)
        return outcome
    if r.kind in FREE_KINDS:
        return Estimate(0.0, f"no charge: {r.provider} does not bill {r.kind} resources by themselves")
    return NotPriced(f"no cost model for {r.kind} (usage-based or not yet modelled)")


def is_finite(usd: float) -> bool:
    return math.isfinite(usd) and usd >= 0
