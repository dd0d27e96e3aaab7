"""AWS list prices from the Price List bulk API (no credentials): region index, then one offer file per region.

``{base}/offers/v1.0/aws/<offer>/current/region_index.json`` names each region's offer file; the offer file
holds ``products`` (sku -> productFamily + attributes) and ``terms.OnDemand`` (sku -> term -> price
dimensions with ``pricePerUnit.USD``). ``parse_offer`` turns the products we estimate into prices.
Offers: AmazonEC2 (Linux and Windows instances -- Windows as ``windows:<type>``, licence included --, EBS,
NAT gateways, public IPv4), AWSELB, AmazonRDS. Note: the EC2 regional
offer files are large (hundreds of MB); a refresh downloads them once per region.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx

from queries.cost.prices_snapshot import Price
from queries.cost.refresh.fetch import JsonDoc, get_json, obj, text

log = logging.getLogger(__name__)

OFFERS = ("AmazonEC2", "AWSELB", "AmazonRDS")
_ELB = {
    "Load Balancer-Application": "application",
    "Load Balancer-Network": "network",
    "Load Balancer": "classic",
    "Load Balancer-Gateway": "gateway",
}
_RDS_ENGINES = {"PostgreSQL": "postgres", "MySQL": "mysql", "MariaDB": "mysql"}
_RDS_STORAGE = {"General Purpose": "gp2", "General Purpose-GP3": "gp3", "Provisioned IOPS": "io1"}


def _on_demand(doc: JsonDoc, sku: str) -> tuple[float, str] | None:
    """The first on-demand USD price of a sku and its unit, skipping zero-priced free tiers."""
    for term in obj(obj(obj(doc.get("terms")).get("OnDemand")).get(sku)).values():
        for dim in obj(obj(term).get("priceDimensions")).values():
            d = obj(dim)
            try:
                usd = float(text(obj(d.get("pricePerUnit")).get("USD")) or "nan")
            except ValueError:
                continue
            if usd == usd and (usd > 0 or text(d.get("beginRange")) in ("", "0")):
                return usd, text(d.get("unit"))
    return None


def _kind(family: str, a: dict[str, object]) -> tuple[str, str, str] | None:
    """(service, kind, unit) of a product we estimate, or None."""
    usage = text(a.get("usagetype"))
    volume = text(a.get("volumeApiName"))
    if family == "Compute Instance":
        bare = text(a.get("preInstalledSw")) in ("", "NA")
        shared = text(a.get("tenancy")) == "Shared" and text(a.get("capacitystatus")) in ("", "Used")
        system = text(a.get("operatingSystem"))
        if not (bare and shared):
            return None
        if system == "Linux":
            return "ec2", text(a.get("instanceType")), "hour"
        licensed = text(a.get("licenseModel")) != "Bring your own license"  # the licence priced in
        if system == "Windows" and licensed and text(a.get("instanceType")):
            return "ec2", f"windows:{text(a.get('instanceType'))}", "hour"
        return None
    if family == "Storage" and volume:
        return "ebs", volume, "GB-month"
    if family == "Storage Snapshot" and usage.endswith("EBS:SnapshotUsage"):
        return "ebs", "snapshot", "GB-month"
    if family == "Storage Snapshot" and usage.endswith("EBS:SnapshotArchiveStorage"):
        return "ebs", "snapshot-archive", "GB-month"
    if family == "System Operation" and volume in ("io1", "io2", "gp3") and "IOPS" in text(a.get("group")):
        return "ebs", f"{volume}-iops", "IOPS-month"
    if family == "Provisioned Throughput" and volume == "gp3":
        return "ebs", "gp3-throughput", "MiBps-month"
    if family == "NAT Gateway":
        if usage.endswith("NatGateway-Hours"):
            return "nat", "gateway", "hour"
        return ("nat", "data-processed", "GB") if usage.endswith("NatGateway-Bytes") else None
    if family == "IP Address" and "PublicIPv4" in usage and usage.endswith("IdleAddress"):
        return "eip", "public-ipv4", "hour"
    if family in _ELB and usage.endswith("LoadBalancerUsage"):
        return "elb", _ELB[family], "hour"
    if family == "Database Instance" and text(a.get("deploymentOption")) == "Single-AZ":
        engine = _RDS_ENGINES.get(text(a.get("databaseEngine")))
        return ("rds", f"{engine}:{text(a.get('instanceType'))}", "hour") if engine else None
    if family == "Database Storage" and text(a.get("deploymentOption")) == "Single-AZ":
        storage = _RDS_STORAGE.get(text(a.get("volumeType")))
        return ("rds", f"storage:{storage}", "GB-month") if storage else None
    return None


def parse_offer(doc: JsonDoc, region: str) -> list[Price]:
    """The prices we estimate with, from one regional offer file (any of OFFERS)."""
    found: dict[tuple[str, str], Price] = {}
    for sku, product in obj(doc.get("products")).items():
        p = obj(product)
        attrs = obj(p.get("attributes"))
        if text(attrs.get("regionCode")) not in ("", region):
            continue
        kind = _kind(text(p.get("productFamily")), attrs)
        price = _on_demand(doc, sku) if kind else None
        if kind is None or price is None or not kind[1]:
            continue
        service, name, unit = kind
        usd = price[0] * 1024 if unit == "MiBps-month" and price[1].lower().startswith("gibps") else price[0]
        found.setdefault((service, name), Price("aws", service, name, region, unit, usd))
    return list(found.values())


def fetch_aws(client: httpx.Client, base: str, regions: Iterable[str]) -> tuple[list[Price], list[str]]:
    """Prices of every offer in every region; regions the index lacks are reported, not fatal."""
    prices: list[Price] = []
    notes: list[str] = []
    wanted = list(regions)
    for offer in OFFERS:
        index = get_json(client, f"{base}/offers/v1.0/aws/{offer}/current/region_index.json")
        by_region = obj(index.get("regions"))
        for region in wanted:
            url = text(obj(by_region.get(region)).get("currentVersionUrl"))
            if not url:
                notes.append(f"aws {offer}: no offer file for region {region}")
                continue
            found = parse_offer(get_json(client, base + url), region)
            log.info("aws %s %s: %s prices", offer, region, len(found))
            prices += found
    return prices, notes
