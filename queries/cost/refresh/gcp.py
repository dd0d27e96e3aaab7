"""GCP list prices from the Cloud Billing Catalog API (an API key): services, then each service's SKUs, paged by
``nextPageToken``. A SKU has a description, a category (resourceFamily/resourceGroup/usageType), its
``serviceRegions`` and tiered ``unitPrice`` {units, nanos}.

Machine types are billed per vCPU and per GB of memory: ``<family> Instance Core`` and ``Instance Ram`` SKUs
are combined with the machine shapes below (shared-core e2 types bill a fraction of a vCPU).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import httpx

from queries.cost.prices_snapshot import HOURS_PER_MONTH, Price
from queries.cost.refresh.fetch import JsonDoc, get_json, obj, seq, text

log = logging.getLogger(__name__)

MAX_PAGES = 200
# machine type -> (family in SKU descriptions, vCPUs billed, GB of memory)
SHAPES: dict[str, tuple[str, float, float]] = {
    "e2-micro": ("E2", 0.25, 1),
    "e2-small": ("E2", 0.5, 2),
    "e2-medium": ("E2", 1, 4),
    "e2-standard-2": ("E2", 2, 8),
    "e2-standard-4": ("E2", 4, 16),
    "e2-standard-8": ("E2", 8, 32),
    "n1-standard-1": ("N1", 1, 3.75),
    "n1-standard-2": ("N1", 2, 7.5),
    "n1-standard-4": ("N1", 4, 15),
    "n2-standard-2": ("N2", 2, 8),
    "n2-standard-4": ("N2", 4, 16),
    "n2-standard-8": ("N2", 8, 32),
    "n2d-standard-2": ("N2D AMD", 2, 8),
    "c2-standard-4": ("Compute optimized", 4, 16),
}
_CORE = re.compile(r"^(E2|N1 Predefined|N2|N2D AMD|Compute optimized) Instance Core running in ")
_RAM = re.compile(r"^(E2|N1 Predefined|N2|N2D AMD|Compute optimized) Instance Ram running in ")
_DISKS = {
    "Storage PD Capacity": "pd-standard",
    "Balanced PD Capacity": "pd-balanced",
    "SSD backed PD Capacity": "pd-ssd",
}


def _unit_price(sku: dict[str, object]) -> float | None:
    for info in seq(sku.get("pricingInfo"))[:1]:
        rates = seq(obj(obj(info).get("pricingExpression")).get("tieredRates"))
        for tier in reversed(rates):  # the last tier: past any free allowance
            money = obj(obj(tier).get("unitPrice"))
            nanos = money.get("nanos") or 0
            try:
                return int(text(money.get("units")) or "0") + (int(nanos) if isinstance(nanos, int | str) else 0) / 1e9
            except ValueError:
                return None
    return None


def parse_skus(skus: Iterable[object], regions: set[str]) -> list[Price]:
    core: dict[tuple[str, str], float] = {}
    ram: dict[tuple[str, str], float] = {}
    prices: list[Price] = []
    for raw in skus:
        sku = obj(raw)
        desc, category = text(sku.get("description")), obj(sku.get("category"))
        if text(category.get("usageType")) != "OnDemand":
            continue
        usd = _unit_price(sku)
        if usd is None:
            continue
        for region in (r for r in (text(x) for x in seq(sku.get("serviceRegions"))) if r in regions):
            if m := _CORE.match(desc):
                core[(m.group(1).replace(" Predefined", ""), region)] = usd
            elif m := _RAM.match(desc):
                ram[(m.group(1).replace(" Predefined", ""), region)] = usd
            elif (disk := next((v for k, v in _DISKS.items() if desc.startswith(k)), None)) is not None:
                prices.append(Price("gcp", "disk", disk, region, "GB-month", usd))
            elif desc.startswith("Static Ip Charge"):
                prices.append(Price("gcp", "static-ip", "unused", region, "hour", usd))
    for mtype, (family, vcpus, gb) in SHAPES.items():
        for region in regions:
            if (family, region) in core and (family, region) in ram:
                usd = vcpus * core[(family, region)] + gb * ram[(family, region)]
                prices.append(
                    Price("gcp", "compute", mtype, region, "hour", round(usd, 6), f"{vcpus:g} vCPU + {gb:g} GB")
                )
    return prices


def _pages(client: httpx.Client, url: str, key: str, item: str, extra: dict[str, str]) -> list[object]:
    items: list[object] = []
    token = ""
    for _ in range(MAX_PAGES):
        params = {"key": key, **extra, **({"pageToken": token} if token else {})}
        doc: JsonDoc = get_json(client, url, params)
        items += seq(doc.get(item))
        token = text(doc.get("nextPageToken"))
        if not token:
            break
    return items


def fetch_gcp(client: httpx.Client, base: str, key: str, regions: Iterable[str]) -> tuple[list[Price], list[str]]:
    wanted = set(regions)
    services = _pages(client, f"{base}/v1/services", key, "services", {})
    compute = next((obj(s) for s in services if text(obj(s).get("displayName")) == "Compute Engine"), None)
    if compute is None:
        return [], ["gcp: the catalog lists no Compute Engine service"]
    skus = _pages(client, f"{base}/v1/{text(compute.get('name'))}/skus", key, "skus", {"currencyCode": "USD"})
    prices = parse_skus(skus, wanted)
    log.info("gcp: %s skus, %s prices (%s h/month)", len(skus), len(prices), HOURS_PER_MONTH)
    return prices, []
