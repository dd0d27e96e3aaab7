"""The demo estate (size S, seed 1: generated in moto and the local Azure and GCP servers, discovered through the
real SDKs): its cost totals equal a hand computation from the shipped price file, and its report rendered in
headless Chromium shows them (screenshots: docs/screenshots/report.png and report-cost.png).

The hand computation reads the price file as plain JSON and the discovered properties (instance type, size,
...) and applies each provider's published billing rule directly (hourly x 730, GiB x GB-month price, Azure
disks billed at their tier), independently of queries.cost."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from app.report.write import write_report
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.estimate import EstimateSummary, estimate_all
from queries.cost.prices_snapshot import PACKAGED_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "report.png"
COST_SCREENSHOT = SCREENSHOT.with_name("report-cost.png")
H = 730
P = dict[tuple[str, str, str, str], float]


def _price_file() -> dict[tuple[str, str, str, str], float]:
    doc = json.loads(next(PACKAGED_DIR.glob("snapshot-*.json")).read_text())
    return {(p["provider"], p["service"], p["kind"], p["region"]): p["usd"] for p in doc["prices"]}


@pytest.fixture(scope="module")
def estate(settings: Settings, demo_graph: Graph) -> tuple[Graph, EstimateSummary]:
    """The shared demo estate (tests/estates.py), its cost estimated again: a re-run gives the same totals."""
    return demo_graph, estimate_all(demo_graph, settings)


def _rows(graph: Graph, label: str, fields: str) -> list[tuple[object, ...]]:
    rows = graph.read(f"MATCH (n:{label}) RETURN {fields}")  # type: ignore[arg-type]  # test-only literal labels
    return [tuple(r.values()) for r in rows]


AZURE_DISK_TIER = {30: "P4", 128: "P10"}  # Premium SSD tiers: P4 holds up to 32 GiB, P10 up to 128 GiB
HAND: dict[str, tuple[str, Callable[[P, tuple[Any, ...]], float]]] = {
    # label: (properties read, the provider's billing rule applied to the price file by hand)
    "EC2Instance": ("n.instance_type, n.region", lambda p, r: p[("aws", "ec2", r[0], r[1])] * H),
    "EBSVolume": ("n.volume_type, n.size, n.region", lambda p, r: r[1] * p[("aws", "ebs", r[0], r[2])]),
    "EBSSnapshot": ("n.volume_size, n.region", lambda p, r: r[0] * p[("aws", "ebs", "snapshot", r[1])]),
    "RDSInstance": (
        "n.engine, n.instance_class, n.allocated_storage, n.region",
        lambda p, r: p[("aws", "rds", f"{r[0]}:{r[1]}", r[3])] * H + r[2] * p[("aws", "rds", "storage:gp2", r[3])],
    ),
    "LoadBalancer": ("n.lb_type, n.region", lambda p, r: p[("aws", "elb", r[0], r[1])] * H),
    "NATGateway": ("n.region", lambda p, r: p[("aws", "nat", "gateway", r[0])] * H),
    "ElasticIP": ("n.region", lambda p, r: p[("aws", "eip", "public-ipv4", r[0])] * H),
    "EKSCluster": ("n.region", lambda p, r: p[("aws", "eks", "cluster", r[0])] * H),
    "KMSKey": ("n.region", lambda p, r: p[("aws", "kms", "customer-key", r[0])]),
    "SecretsManagerSecret": ("n.region", lambda p, r: p[("aws", "secretsmanager", "secret", r[0])]),
    "Route53HostedZone": ("n.id", lambda p, r: p[("aws", "route53", "hosted-zone", "global")]),
    "TransitGatewayAttachment": ("n.region", lambda p, r: p[("aws", "tgw", "attachment", r[0])] * H),
    "AzureVirtualMachine": ("n.vm_size, n.region", lambda p, r: p[("azure", "vm", r[0], r[1])] * H),
    "AzureDisk": ("n.disk_size_gb, n.region", lambda p, r: p[("azure", "managed-disk", AZURE_DISK_TIER[r[0]], r[1])]),
    "AzurePublicIPAddress": ("n.sku_name, n.region", lambda p, r: p[("azure", "public-ip", r[0], r[1])] * H),
    "AzureLoadBalancer": ("n.sku_name, n.region", lambda p, r: p[("azure", "load-balancer", r[0], r[1])] * H),
    "AzureApplicationGateway": (
        "n.sku_name, n.region",
        lambda p, r: p[("azure", "application-gateway", r[0], r[1])] * H,
    ),
    "AzureSqlDatabase": (
        "n.sku_name, n.region",
        lambda p, r: 0.0 if r[0] == "System0" else p[("azure", "sql-database", r[0], r[1])] * H,
    ),
    "AzureAppServicePlan": ("n.sku_name, n.region", lambda p, r: p[("azure", "app-service", r[0], r[1])] * H),
    "AzureAKSNodePool": ("n.vm_size, n.node_count, n.region", lambda p, r: r[1] * p[("azure", "vm", r[0], r[2])] * H),
    "AzurePrivateEndpoint": ("n.region", lambda p, r: p[("azure", "private-endpoint", "endpoint", r[0])] * H),
    "GCPComputeInstance": ("n.machine_type, n.region", lambda p, r: p[("gcp", "compute", r[0], r[1])] * H),
    "GCPDisk": ("n.disk_type, n.size_gb, n.region", lambda p, r: r[1] * p[("gcp", "disk", r[0], r[2])]),
    "GCPCloudSQLInstance": (
        "n.tier, n.region",  # db-custom-<vCPUs>-<MiB>: per vCPU-hour + per GB-hour
        lambda p, r: (
            (
                int(r[0].split("-")[2]) * p[("gcp", "cloud-sql", "custom-vcpu", r[1])]
                + int(r[0].split("-")[3]) / 1024 * p[("gcp", "cloud-sql", "custom-memory", r[1])]
            )
            * H
        ),
    ),
    "GCPGKENodePool": (
        "n.machine_type, n.node_count, n.region",
        lambda p, r: r[1] * p[("gcp", "compute", r[0], r[2])] * H,
    ),
    "GCPGKECluster": ("n.region", lambda p, r: p[("gcp", "gke", "cluster-management", r[0])] * H),
    "GCPForwardingRule": ("n.region", lambda p, r: p[("gcp", "forwarding-rule", "rule", r[0])] * H),
}


def hand_total(graph: Graph) -> dict[str, float]:
    """Each billed kind of the estate, priced by hand from the price file."""
    p = _price_file()
    states = _rows(graph, "Resource", "n.kind, coalesce(n.state, n.power_state, n.status, '')")
    stopped = [s for s in states if s[1] in ("stopped", "PowerState/deallocated", "TERMINATED")]
    assert stopped == []  # every instance of the estate runs: no stopped-instance rule applies below
    kms = _rows(graph, "KMSKey", "n.key_manager")
    assert {k for (k,) in kms} == {"CUSTOMER"}
    rds = _rows(graph, "RDSInstance", "n.multi_az, n.storage_type")
    assert set(rds) == {(False, "gp2")}
    return {label: sum(rule(p, row) for row in _rows(graph, label, fields)) for label, (fields, rule) in HAND.items()}


def test_the_demo_estate_costs_what_the_price_file_says_by_hand(estate: tuple[Graph, EstimateSummary]) -> None:
    graph, summary = estate
    expected = hand_total(graph)
    rows = graph.read(
        "MATCH (n:Resource) WHERE n.monthly_cost_usd > 0 RETURN n.kind AS kind, sum(n.monthly_cost_usd) AS usd"
    )
    by_kind = {r["kind"]: r["usd"] for r in rows}
    assert set(by_kind) <= set(expected), f"billed kinds the hand computation lacks: {set(by_kind) - set(expected)}"
    assert by_kind == pytest.approx({k: v for k, v in expected.items() if v > 0}, abs=0.01)
    assert summary.total_usd == pytest.approx(sum(expected.values()), abs=0.01)
    # what is left unpriced is usage-based (requests, storage used, invocations) or has no cost model yet
    usage_based = {
        "S3Bucket",
        "SQSQueue",
        "SNSTopic",
        "LambdaFunction",
        "APIGatewayHttpApi",
        "APIGatewayRestApi",
        "CloudFrontDistribution",
        "ECRRepository",
        "ECSService",
        "GCPStorageBucket",
        "GCPCloudFunction",
        "GCPCloudRunService",
        "GCPResource",
        "AzureResource",
        "AzureStorageAccount",
        "AzureKeyVault",
        "AzureCosmosDBAccount",
        "AzureAKSCluster",
        "AzureVirtualMachineScaleSet",  # no price model of its own: the demo's (AKS) instances are priced per node pool
        "DynamoDBTable",
    }
    assert set(dict(summary.not_priced_by_kind)) <= usage_based
    print(f"demo estate S/1: ${summary.total_usd:,.2f}/month; by kind {by_kind}")


def test_the_report_rendered_in_chromium_shows_the_totals(
    estate: tuple[Graph, EstimateSummary], settings: Settings, tmp_path: Path
) -> None:
    graph, summary = estate
    write_report(graph, settings, tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((tmp_path / "report.html").as_uri())
            assert page.locator("#summary-cost").inner_text() == f"${summary.total_usd:,.2f}"
            assert page.locator("#cost-total").inner_text() == f"${summary.total_usd:,.2f}"
            assert page.locator("#inventory-total").inner_text() == f"{summary.resources:,}"
            assert page.locator("#cost-not-priced").inner_text() == str(summary.not_priced)
            assert page.locator("svg").count() >= 4
            assert page.locator("#findings-none, #findings-critical").count() >= 1
            assert [u for u in requests if not u.startswith("file://")] == []  # no external assets
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=False)
            page.locator("#cost").screenshot(path=str(COST_SCREENSHOT))
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
    assert COST_SCREENSHOT.stat().st_size > 10_000
