"""Cost models of Azure resources (Linux pay-as-you-go list price, 730 h/month)."""

from __future__ import annotations

from queries.cost.cost_model import (
    CostInput,
    Estimate,
    NotPriced,
    Outcome,
    flat,
    hourly,
    missing,
    money,
)
from queries.cost.prices_snapshot import PriceSnapshot

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
        return missing(f"Azure VM {size}", r.region)
    est = hourly(price, size, 1)
    return Estimate(est.usd, est.basis + (" (stopped but not deallocated: still billed)" if power == "stopped" else ""))


def azure_disk(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku, size = r.s("sku_name"), r.n("disk_size_gb")
    tier = azure_disk_tier(sku, size) if size else None
    if tier is None:
        return NotPriced(f"no disk tier for {sku or 'unknown SKU'} of {size or '?'} GiB")
    price = p.get("azure", "managed-disk", tier, r.region)
    if price is None:
        return missing(f"Azure managed disk {tier}", r.region)
    return Estimate(price.usd, f"{size:g} GiB {sku} -> tier {tier} {r.region} {money(price.usd)}/month")


def azure_public_ip(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name") or "Basic"
    price = p.get("azure", "public-ip", sku, r.region)
    return hourly(price, f"{sku} public IP", 1) if price else missing(f"{sku} public IP", r.region)


def azure_load_balancer(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name") or "Basic"
    if sku == "Basic":
        return Estimate(0.0, "Basic load balancer: no charge")
    price = p.get("azure", "load-balancer", sku, r.region)
    return hourly(price, f"{sku} load balancer", 1) if price else missing(f"{sku} load balancer", r.region)


def azure_app_gateway(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name")
    price = p.get("azure", "application-gateway", sku, r.region)
    if price is None:
        return missing(f"application gateway {sku}", r.region)
    est = hourly(price, f"{sku} gateway", 1)
    return Estimate(est.usd, est.basis + " (fixed part; capacity units not included)")


def azure_sql_database(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name")
    if sku.startswith("System"):
        return Estimate(0.0, "system database (master): no charge")
    price = p.get("azure", "sql-database", sku, r.region)
    if price is None:
        return missing(f"Azure SQL {sku}", r.region)
    if price.unit == "month":
        return Estimate(price.usd, f"{sku} {r.region} {money(price.usd)}/month")
    return hourly(price, sku, 1)


def azure_app_service_plan(r: CostInput, p: PriceSnapshot) -> Outcome:
    sku = r.s("sku_name")
    if sku in {"Y1", "F1", "D1"}:
        return Estimate(0.0, f"{sku}: consumption or free plan, usage-based or no charge")
    price = p.get("azure", "app-service", sku, r.region)
    return hourly(price, f"{sku} plan", 1) if price else missing(f"App Service {sku}", r.region)


def azure_node_pool(r: CostInput, p: PriceSnapshot) -> Outcome:
    size, count = r.s("vm_size"), r.n("node_count")
    price = p.get("azure", "vm", size, r.region)
    if price is None or count is None:
        return missing(f"Azure VM {size}", r.region) if price is None else NotPriced("node count unknown")
    return hourly(price, f"{size} node", count)


def azure_private_endpoint(r: CostInput, p: PriceSnapshot) -> Outcome:
    return flat(p.get("azure", "private-endpoint", "endpoint", r.region), "private endpoint", r.region)
