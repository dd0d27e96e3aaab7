"""Azure list prices from the Retail Prices API (no auth): OData ``$filter`` per service and region, paged by
``NextPageLink``. Items carry ``armSkuName``/``skuName``/``meterName``, ``retailPrice`` and ``unitOfMeasure``.

Kept: Linux pay-as-you-go VM sizes (no Windows, Spot or Low Priority meters), managed disk tiers (LRS),
Standard/Basic static public IPs, the Standard load balancer, application gateway v2 fixed costs and
Azure SQL DTU tiers (per day -> per month).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import httpx

from queries.cost.prices_snapshot import HOURS_PER_MONTH, Price
from queries.cost.refresh.fetch import get_json, obj, seq, text

log = logging.getLogger(__name__)

SERVICES = ("Virtual Machines", "Storage", "Virtual Network", "Load Balancer", "Application Gateway", "SQL Database")
MAX_PAGES = 500
_DISK = re.compile(r"^([PES]\d+) LRS$")
_DTU = re.compile(r"^(Basic|S\d+|P\d+)$")


def _item_price(item: dict[str, object]) -> Price | None:
    """The price an item stands for, or None when we do not estimate it."""
    region, service = text(item.get("armRegionName")), text(item.get("serviceName"))
    sku, meter, product = text(item.get("skuName")), text(item.get("meterName")), text(item.get("productName"))
    unit, usd = text(item.get("unitOfMeasure")), item.get("retailPrice")
    if text(item.get("type")) != "Consumption" or not isinstance(usd, int | float) or item.get("tierMinimumUnits"):
        return None
    usd = float(usd)
    if service == "Virtual Machines":
        arm = text(item.get("armSkuName"))
        if unit != "1 Hour" or not arm or "Windows" in product or "Spot" in sku or "Low Priority" in sku:
            return None
        return Price("azure", "vm", arm, region, "hour", usd, "Linux pay-as-you-go")
    if service == "Storage" and "Managed Disks" in product and unit == "1/Month":
        match = _DISK.match(sku)
        return Price("azure", "managed-disk", match.group(1), region, "month", usd) if match else None
    if service == "Virtual Network" and product == "IP Addresses" and "Static" in meter and unit == "1 Hour":
        return Price("azure", "public-ip", "Standard" if "Standard" in sku else "Basic", region, "hour", usd)
    if service == "Load Balancer" and sku == "Standard" and "Included LB Rules" in meter and unit == "1 Hour":
        return Price("azure", "load-balancer", "Standard", region, "hour", usd)
    if service == "Application Gateway" and meter.endswith("Fixed Cost") and unit == "1 Hour":
        kind = {"Standard v2": "Standard_v2", "WAF v2": "WAF_v2"}.get(sku)
        return Price("azure", "application-gateway", kind, region, "hour", usd) if kind else None
    if service == "SQL Database" and _DTU.match(sku) and meter.endswith("DTUs") and unit == "1/Day":
        return Price("azure", "sql-database", sku, region, "month", round(usd * HOURS_PER_MONTH / 24, 4), "DTU tier")
    return None


def parse_page(doc: dict[str, object]) -> tuple[list[Price], str]:
    """Prices of one page and the next page's link ('' on the last page)."""
    prices = [p for item in seq(doc.get("Items")) if (p := _item_price(obj(item))) is not None]
    return prices, text(doc.get("NextPageLink"))


def fetch_azure(client: httpx.Client, url: str, regions: Iterable[str]) -> tuple[list[Price], list[str]]:
    prices: dict[tuple[str, str, str, str], Price] = {}
    notes: list[str] = []
    for region in regions:
        for service in SERVICES:
            flt = f"serviceName eq '{service}' and armRegionName eq '{region}' and priceType eq 'Consumption'"
            doc = get_json(client, url, {"currencyCode": "USD", "$filter": flt})
            pages = 1
            while True:
                found, link = parse_page(doc)
                for p in found:
                    prices.setdefault(p.key, p)
                if not link:
                    break
                if pages >= MAX_PAGES:
                    notes.append(f"azure {service} {region}: stopped after {MAX_PAGES} pages")
                    break
                doc, pages = get_json(client, link), pages + 1
            log.info("azure %s %s: %s pages", service, region, pages)
    return list(prices.values()), notes
