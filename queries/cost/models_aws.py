"""Cost models of AWS resources (list price, on demand, 730 h/month)."""

from __future__ import annotations

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
from queries.cost.prices_snapshot import PriceSnapshot

# --- AWS --------------------------------------------------------------------------------------


def ec2_price_kind(itype: str, platform: str) -> str | None:
    """The snapshot's kind for an instance type on a platform (``PlatformDetails``): the type itself for
    Linux/UNIX, ``windows:<type>`` for Windows (licence included); None for Windows with SQL Server, whose
    licence the snapshot does not price."""
    if platform.startswith("Windows with SQL"):
        return None
    return f"windows:{itype}" if platform.startswith("Windows") else itype


def ec2_instance(r: CostInput, p: PriceSnapshot) -> Outcome:
    state, itype, platform = r.s("state"), r.s("instance_type"), r.s("platform")
    if state in {"stopped", "stopping", "terminated", "shutting-down"}:
        return Estimate(0.0, f"{state}: no compute charge ({itype}); its EBS volumes are priced on their own nodes")
    kind = ec2_price_kind(itype, platform)
    price = p.get("aws", "ec2", kind, r.region) if kind else None
    what = f"EC2 {itype or 'instance type ?'}" + (f" {platform}" if platform.startswith("Windows") else "")
    if price is None:
        return missing(what, r.region)
    est = hourly(price, f"{itype} {platform}" if platform.startswith("Windows") else itype, 1)
    if platform and platform != "Linux/UNIX" and not platform.startswith("Windows"):
        return Estimate(est.usd, f"{est.basis} (Linux rate: the {platform} licence is not included)")
    return est


def ebs_volume(r: CostInput, p: PriceSnapshot) -> Outcome:
    vtype, size = r.s("volume_type") or "standard", r.n("size")
    price = p.get("aws", "ebs", vtype, r.region)
    if price is None or size is None:
        return missing(f"EBS {vtype} storage", r.region) if price is None else NotPriced("volume size unknown")
    usd, basis = size * price.usd, f"{size:g} GiB {vtype} {r.region} {rate(price.usd)}/GB-month"
    iops = r.n("iops") or 0.0
    if vtype in {"io1", "io2"} and iops:
        iops_price = p.get("aws", "ebs", f"{vtype}-iops", r.region)
        if iops_price is None:
            return missing(f"EBS {vtype} IOPS", r.region)
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
        return missing(f"EBS {tier} storage", r.region)
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
            return missing(f"RDS {engine} {cls}", r.region)
        est = hourly(price, f"{cls} {engine}", copies)
        usd, parts = est.usd, [est.basis + (" (Multi-AZ)" if copies == 2 else "")]
    else:
        parts = [f"stopped: no instance charge ({cls})"]
    storage_type, size = r.s("storage_type"), r.n("allocated_storage")
    if storage_type and storage_type != "aurora" and size:
        sprice = p.get("aws", "rds", f"storage:{storage_type}", r.region)
        if sprice is None:
            return missing(f"RDS {storage_type} storage", r.region)
        usd += size * sprice.usd * copies
        parts.append(f"{size:g} GiB {storage_type} x {rate(sprice.usd)}/GB-month" + (" x 2" if copies == 2 else ""))
    return Estimate(usd, " + ".join(parts))


def load_balancer(r: CostInput, p: PriceSnapshot) -> Outcome:
    lb_type = r.s("lb_type") or "application"
    price = p.get("aws", "elb", lb_type, r.region)
    if price is None:
        return missing(f"ELB {lb_type}", r.region)
    est = hourly(price, f"{lb_type} load balancer", 1)
    return Estimate(est.usd, est.basis + " (capacity units not included)")


def nat_gateway(r: CostInput, p: PriceSnapshot) -> Outcome:
    if r.s("state") in {"deleted", "deleting", "failed"}:
        return Estimate(0.0, f"{r.s('state')}: not billed")
    price = p.get("aws", "nat", "gateway", r.region)
    if price is None:
        return missing("NAT gateway", r.region)
    data = p.get("aws", "nat", "data-processed", r.region)
    est = hourly(price, "NAT gateway", 1)
    extra = f" (data processed, {rate(data.usd)}/GB, not included)" if data else " (data processed not included)"
    return Estimate(est.usd, est.basis + extra)


def elastic_ip(r: CostInput, p: PriceSnapshot) -> Outcome:
    price = p.get("aws", "eip", "public-ipv4", r.region)
    if price is None:
        return missing("public IPv4 address", r.region)
    state = "attached" if r.s("association_id") or r.s("network_interface_id") else "idle"
    return hourly(price, f"public IPv4 ({state})", 1)


def dynamodb_table(r: CostInput, p: PriceSnapshot) -> Outcome:
    size, price = r.n("size_bytes"), p.get("aws", "dynamodb", "storage", r.region)
    if price is None:
        return missing("DynamoDB storage", r.region)
    if size is None:
        return NotPriced("table size unknown")
    gb = size / 1e9
    return Estimate(
        gb * price.usd, f"{gb:.3f} GB storage {r.region} {rate(price.usd)}/GB-month (requests not included)"
    )


def eks_cluster(r: CostInput, p: PriceSnapshot) -> Outcome:
    return flat(p.get("aws", "eks", "cluster", r.region), "EKS control plane", r.region)


def kms_key(r: CostInput, p: PriceSnapshot) -> Outcome:
    if r.s("key_manager") == "AWS":
        return Estimate(0.0, "AWS managed key: no monthly charge")
    if r.s("key_state") == "PendingDeletion":
        return Estimate(0.0, "pending deletion: no monthly charge")
    return flat(p.get("aws", "kms", "customer-key", r.region), "customer managed KMS key", r.region)


def secret(r: CostInput, p: PriceSnapshot) -> Outcome:
    return flat(p.get("aws", "secretsmanager", "secret", r.region), "Secrets Manager secret", r.region)


def hosted_zone(r: CostInput, p: PriceSnapshot) -> Outcome:
    return flat(p.get("aws", "route53", "hosted-zone", "global"), "Route 53 hosted zone", "global")


def tgw_attachment(r: CostInput, p: PriceSnapshot) -> Outcome:
    if r.s("state") in {"deleted", "deleting", "failed", "rejected"}:
        return Estimate(0.0, f"{r.s('state')}: not billed")
    return flat(p.get("aws", "tgw", "attachment", r.region), "transit gateway attachment", r.region)
