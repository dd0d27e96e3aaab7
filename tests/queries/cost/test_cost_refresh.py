"""`prices refresh` against a local HTTP server that answers like the three price APIs (small payloads in each
API's real wire format): AWS Price List bulk files, the Azure Retail Prices API (OData filter, NextPageLink
paging) and the GCP Cloud Billing Catalog (API key, nextPageToken paging)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from core.errors import PriceDataError
from core.settings import Settings
from queries.cost.prices_snapshot import load_file, load_prices
from queries.cost.refresh import refresh_prices
from tests.settings_update import replace_settings

GCP_KEY = "test-key-123"
COMPUTE = "services/6F81-5844-456A"


def _offer(products: dict[str, tuple[str, dict[str, str]]], prices: dict[str, tuple[str, str]]) -> dict[str, object]:
    """An offer file: products (sku -> family, attributes) and OnDemand terms (sku -> USD, unit)."""
    return {
        "formatVersion": "v1.0",
        "disclaimer": "test",
        "offerCode": "test",
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
        "products": {
            sku: {"sku": sku, "productFamily": fam, "attributes": attrs} for sku, (fam, attrs) in products.items()
        },
        "terms": {
            "OnDemand": {
                sku: {
                    f"{sku}.JRTCKXETXF": {
                        "offerTermCode": "JRTCKXETXF",
                        "sku": sku,
                        "effectiveDate": "2026-11-01T00:00:00Z",
                        "priceDimensions": {
                            f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                                "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7",
                                "description": "test",
                                "beginRange": "0",
                                "endRange": "Inf",
                                "unit": unit,
                                "pricePerUnit": {"USD": usd},
                                "appliesTo": [],
                            }
                        },
                        "termAttributes": {},
                    }
                }
                for sku, (usd, unit) in prices.items()
            }
        },
    }


R = {"regionCode": "us-east-1", "location": "US East (N. Virginia)"}
EC2 = _offer(
    {
        "SKU1": (
            "Compute Instance",
            {
                **R,
                "instanceType": "t3.large",
                "operatingSystem": "Linux",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
            },
        ),
        "SKU2": (
            "Compute Instance",
            {
                **R,
                "instanceType": "t3.large",
                "operatingSystem": "Windows",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
            },
        ),
        "SKU7": (
            "Compute Instance",
            {
                **R,
                "instanceType": "t3.large",
                "operatingSystem": "Windows",
                "licenseModel": "Bring your own license",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
            },
        ),
        "SKU3": ("Storage", {**R, "volumeApiName": "gp3", "usagetype": "EBS:VolumeUsage.gp3"}),
        "SKU4": ("Storage Snapshot", {**R, "usagetype": "EBS:SnapshotUsage"}),
        "SKU5": ("NAT Gateway", {**R, "usagetype": "NatGateway-Hours"}),
        "SKU6": ("IP Address", {**R, "usagetype": "PublicIPv4:IdleAddress"}),
    },
    {
        "SKU1": ("0.0900000000", "Hrs"),
        "SKU2": ("0.1200000000", "Hrs"),
        "SKU7": ("0.0800000000", "Hrs"),
        "SKU3": ("0.0850000000", "GB-Mo"),
        "SKU4": ("0.0500000000", "GB-Mo"),
        "SKU5": ("0.0470000000", "Hrs"),
        "SKU6": ("0.0050000000", "Hrs"),
    },
)
ELB = _offer(
    {"E1": ("Load Balancer-Application", {**R, "usagetype": "LoadBalancerUsage"})}, {"E1": ("0.0230000000", "Hrs")}
)
RDS = _offer(
    {
        "D1": (
            "Database Instance",
            {**R, "instanceType": "db.t3.micro", "databaseEngine": "PostgreSQL", "deploymentOption": "Single-AZ"},
        ),
        "D2": ("Database Storage", {**R, "volumeType": "General Purpose", "deploymentOption": "Single-AZ"}),
    },
    {"D1": ("0.0190000000", "Hrs"), "D2": ("0.1200000000", "GB-Mo")},
)
OFFERS = {"AmazonEC2": EC2, "AWSELB": ELB, "AmazonRDS": RDS}


def _azure_item(
    service: str, product: str, sku: str, meter: str, unit: str, usd: float, arm: str = ""
) -> dict[str, object]:
    return {
        "currencyCode": "USD",
        "tierMinimumUnits": 0.0,
        "retailPrice": usd,
        "unitPrice": usd,
        "armRegionName": "westeurope",
        "location": "EU West",
        "effectiveStartDate": "2026-10-01T00:00:00Z",
        "meterId": "00000000-0000-0000-0000-000000000000",
        "meterName": meter,
        "productId": "DZH0",
        "skuId": "DZH0/1",
        "productName": product,
        "skuName": sku,
        "serviceName": service,
        "serviceId": "DZH1",
        "serviceFamily": "X",
        "unitOfMeasure": unit,
        "type": "Consumption",
        "isPrimaryMeterRegion": True,
        "armSkuName": arm,
    }


AZURE = {
    "Virtual Machines": [
        [
            _azure_item("Virtual Machines", "Virtual Machines BS Series", "B2s", "B2s", "1 Hour", 0.05, "Standard_B2s"),
            _azure_item(
                "Virtual Machines", "Virtual Machines BS Series Windows", "B2s", "B2s", "1 Hour", 0.07, "Standard_B2s"
            ),
        ],
        [
            _azure_item(
                "Virtual Machines", "Virtual Machines BS Series", "B2s Spot", "B2s Spot", "1 Hour", 0.01, "Standard_B2s"
            ),
            _azure_item(
                "Virtual Machines",
                "Virtual Machines DSv5 Series",
                "D2s v5",
                "D2s v5",
                "1 Hour",
                0.12,
                "Standard_D2s_v5",
            ),
        ],
    ],
    "Storage": [[_azure_item("Storage", "Premium SSD Managed Disks", "P4 LRS", "P4 LRS Disk", "1/Month", 6.0)]],
    "Virtual Network": [
        [_azure_item("Virtual Network", "IP Addresses", "Standard", "Static Public IP", "1 Hour", 0.0051)]
    ],
    "SQL Database": [[_azure_item("SQL Database", "SQL Database Single Standard", "S0", "S0 DTUs", "1/Day", 0.4839)]],
}

GCP_SKUS = [
    [
        {
            "name": f"{COMPUTE}/skus/1",
            "skuId": "1",
            "description": "E2 Instance Core running in Americas",
            "category": {
                "serviceDisplayName": "Compute Engine",
                "resourceFamily": "Compute",
                "resourceGroup": "CPU",
                "usageType": "OnDemand",
            },
            "serviceRegions": ["us-central1"],
            "pricingInfo": [
                {
                    "effectiveTime": "2026-11-01T00:00:00Z",
                    "pricingExpression": {
                        "usageUnit": "h",
                        "displayQuantity": 1,
                        "baseUnit": "s",
                        "baseUnitConversionFactor": 3600,
                        "tieredRates": [
                            {
                                "startUsageAmount": 0,
                                "unitPrice": {"currencyCode": "USD", "units": "0", "nanos": 22000000},
                            }
                        ],
                    },
                }
            ],
        },
        {
            "name": f"{COMPUTE}/skus/2",
            "skuId": "2",
            "description": "E2 Instance Core running in Americas (Spot)",
            "category": {"resourceFamily": "Compute", "usageType": "Preemptible"},
            "serviceRegions": ["us-central1"],
            "pricingInfo": [{"pricingExpression": {"tieredRates": [{"unitPrice": {"units": "0", "nanos": 5000000}}]}}],
        },
    ],
    [
        {
            "name": f"{COMPUTE}/skus/3",
            "skuId": "3",
            "description": "E2 Instance Ram running in Americas",
            "category": {"resourceFamily": "Compute", "resourceGroup": "RAM", "usageType": "OnDemand"},
            "serviceRegions": ["us-central1"],
            "pricingInfo": [
                {
                    "pricingExpression": {
                        "usageUnit": "GiBy.h",
                        "tieredRates": [
                            {
                                "startUsageAmount": 0,
                                "unitPrice": {"currencyCode": "USD", "units": "0", "nanos": 3000000},
                            }
                        ],
                    }
                }
            ],
        },
        {
            "name": f"{COMPUTE}/skus/4",
            "skuId": "4",
            "description": "Balanced PD Capacity in Iowa",
            "category": {"resourceFamily": "Storage", "resourceGroup": "SSD", "usageType": "OnDemand"},
            "serviceRegions": ["us-central1"],
            "pricingInfo": [
                {
                    "pricingExpression": {
                        "usageUnit": "GiBy.mo",
                        "tieredRates": [
                            {
                                "startUsageAmount": 0,
                                "unitPrice": {"currencyCode": "USD", "units": "0", "nanos": 110000000},
                            }
                        ],
                    }
                }
            ],
        },
    ],
]


class _Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        return

    def _send(self, status: int, doc: object) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        parts = url.path.strip("/").split("/")
        if url.path.startswith("/offers/v1.0/aws/"):
            offer = parts[3]
            if parts[4] == "current":
                current = f"/offers/v1.0/aws/{offer}/20261101000000/us-east-1/index.json"
                index = {"regionCode": "us-east-1", "currentVersionUrl": current}
                return self._send(200, {"formatVersion": "v1.0", "regions": {"us-east-1": index}})
            return self._send(200, OFFERS[offer])
        if url.path == "/api/retail/prices":
            flt = q.get("$filter", "")
            service = flt.split("serviceName eq '")[1].split("'")[0]
            if "armRegionName eq 'westeurope'" not in flt or "priceType eq 'Consumption'" not in flt:
                return self._send(400, {"error": "bad filter"})
            pages = AZURE.get(service, [[]])
            skip = int(q.get("$skip", "0"))
            page = skip // 100
            link = ""
            if page + 1 < len(pages):
                link = f"{base}/api/retail/prices?currencyCode=USD&$filter={q['$filter']}&$skip={skip + 100}"
            return self._send(
                200,
                {
                    "BillingCurrency": "USD",
                    "CustomerEntityId": "Default",
                    "CustomerEntityType": "Retail",
                    "Items": pages[page],
                    "NextPageLink": link or None,
                    "Count": len(pages[page]),
                },
            )
        if url.path.startswith("/v1/"):
            if q.get("key") != GCP_KEY:
                return self._send(
                    403, {"error": {"code": 403, "message": "API key not valid.", "status": "PERMISSION_DENIED"}}
                )
            if url.path == "/v1/services":
                return self._send(
                    200,
                    {
                        "services": [
                            {
                                "name": "services/0017-8C5E-5A54",
                                "serviceId": "0017-8C5E-5A54",
                                "displayName": "Cloud Storage",
                            },
                            {
                                "name": COMPUTE,
                                "serviceId": "6F81-5844-456A",
                                "displayName": "Compute Engine",
                                "businessEntityName": "businessEntities/GCP",
                            },
                        ],
                        "nextPageToken": "",
                    },
                )
            if url.path == f"/v1/{COMPUTE}/skus":
                page = int(q.get("pageToken") or "0")
                token = str(page + 1) if page + 1 < len(GCP_SKUS) else ""
                return self._send(200, {"skus": GCP_SKUS[page], "nextPageToken": token})
        return self._send(404, {"error": "not found"})


@pytest.fixture
def price_apis() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _local(settings: Settings, url: str, tmp_path: Path, key: str | None = GCP_KEY) -> Settings:
    return replace_settings(
        settings,
        cost={
            "aws_pricing_url": url,
            "azure_prices_url": f"{url}/api/retail/prices",
            "gcp_billing_url": url,
            "gcp_api_key": SecretStr(key) if key else None,
            "refresh_regions": ("us-east-1", "westeurope", "us-central1"),
            "prices_file": None,
        },
        data_dir=tmp_path,
    )


def test_refresh_parses_each_api_and_writes_a_dated_fetched_snapshot(
    price_apis: str, settings: Settings, tmp_path: Path
) -> None:
    local = _local(settings, price_apis, tmp_path)
    result = refresh_prices(local, ("aws", "azure", "gcp"))
    assert result.written is not None
    snap = load_file(result.written)
    assert snap.fetched
    assert "Fetched from the public price APIs" in snap.source

    def usd(provider: str, service: str, kind: str, region: str) -> float:
        price = snap.get(provider, service, kind, region)
        assert price is not None, (provider, service, kind, region)
        assert "carried over" not in price.note
        return price.usd

    assert usd("aws", "ec2", "t3.large", "us-east-1") == 0.09  # Linux only, not the Windows sku
    assert usd("aws", "ec2", "windows:t3.large", "us-east-1") == 0.12  # licence included, not the BYOL sku
    assert usd("aws", "ebs", "gp3", "us-east-1") == 0.085
    assert usd("aws", "ebs", "snapshot", "us-east-1") == 0.05
    assert usd("aws", "nat", "gateway", "us-east-1") == 0.047
    assert usd("aws", "eip", "public-ipv4", "us-east-1") == 0.005
    assert usd("aws", "elb", "application", "us-east-1") == 0.023
    assert usd("aws", "rds", "postgres:db.t3.micro", "us-east-1") == 0.019
    assert usd("aws", "rds", "storage:gp2", "us-east-1") == 0.12
    assert usd("azure", "vm", "Standard_B2s", "westeurope") == 0.05  # not Windows, not Spot
    assert usd("azure", "vm", "Standard_D2s_v5", "westeurope") == 0.12  # from the second page (NextPageLink)
    assert usd("azure", "managed-disk", "P4", "westeurope") == 6.0
    assert usd("azure", "public-ip", "Standard", "westeurope") == 0.0051
    assert usd("azure", "sql-database", "S0", "westeurope") == pytest.approx(0.4839 * 730 / 24, abs=0.0001)
    assert usd("gcp", "compute", "e2-medium", "us-central1") == pytest.approx(1 * 0.022 + 4 * 0.003)
    assert usd("gcp", "compute", "e2-small", "us-central1") == pytest.approx(0.5 * 0.022 + 2 * 0.003)
    assert usd("gcp", "disk", "pd-balanced", "us-central1") == pytest.approx(0.11)
    carried = snap.get("aws", "ec2", "m5.large", "eu-west-1")
    assert carried is not None
    assert carried.note.startswith("carried over from the snapshot of 2026-11-27")
    assert result.carried_over == len(snap.prices) - sum(result.fetched.values())
    assert any("$skip=100" in r for r in _Handler.requests)
    assert any("pageToken=1" in r for r in _Handler.requests)
    # the refreshed snapshot is newer than the shipped one, so it is the one used from now on
    assert load_prices(local).path == str(result.written)


def test_gcp_is_skipped_without_a_key_and_a_bad_key_is_a_one_line_note(
    price_apis: str, settings: Settings, tmp_path: Path
) -> None:
    result = refresh_prices(_local(settings, price_apis, tmp_path, key=None), ("gcp",))
    assert result.written is None
    assert any("AIDISCOVER_COST_GCP_API_KEY" in n for n in result.notes)
    result = refresh_prices(_local(settings, price_apis, tmp_path, key="wrong"), ("gcp",))
    assert result.written is None
    assert any("HTTP 403" in n and "API key" in n for n in result.notes)


def test_an_unreachable_api_writes_nothing_and_keeps_the_current_snapshot(settings: Settings, tmp_path: Path) -> None:
    local = _local(settings, "http://127.0.0.1:9", tmp_path)
    before = load_prices(local)
    result = refresh_prices(local, ("aws",))
    assert result.written is None
    assert any("cannot reach" in n for n in result.notes)
    assert load_prices(local) == before


def test_a_malformed_snapshot_file_is_a_one_line_error(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"prices": [{"provider": "aws"}], "transcribed_at": "2026-01-01"}')
    with pytest.raises(PriceDataError, match="price #0 lacks"):
        load_prices(replace_settings(settings, cost={"prices_file": bad}))
    with pytest.raises(PriceDataError, match="does not exist"):
        load_prices(replace_settings(settings, cost={"prices_file": tmp_path / "missing.json"}))
