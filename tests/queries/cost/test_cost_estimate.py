"""Monthly estimates on a fixed small estate in the real Neo4j: totals equal figures computed by hand from
the shipped snapshot's prices (730 h/month), stopped resources cost only their storage, unknown prices
leave no estimate and are counted."""

from __future__ import annotations

import pytest

from core.settings import Settings
from graph.neo4j.client import Graph
from ingest.jobs.hooks import POST_SYNC, run_post_sync
from queries.cost.estimate import NOT_PRICED, estimate_all
from queries.cost.prices_snapshot import load_prices
from queries.cost.rollups import cost_summary, resource_cost
from tests.queries.cost.cost_graph import node, write

# (label, id, region, props, expected monthly USD by hand from the snapshot's list prices, or None: not priced)
ESTATE: list[tuple[str, str, str, dict[str, object], float | None]] = [
    (
        "EC2Instance",
        "i-web",
        "us-east-1",
        {"instance_type": "t3.large", "state": "running", "tags": ("team=web", "env=prod")},
        0.0832 * 730,
    ),  # 60.736
    (
        "EC2Instance",
        "i-old",
        "eu-west-1",
        {"instance_type": "m4.large", "state": "running", "tags": ("team=data",)},
        0.111 * 730,
    ),  # 81.03
    ("EC2Instance", "i-stopped", "us-east-1", {"instance_type": "t3.micro", "state": "stopped"}, 0.0),
    ("EC2Instance", "i-exotic", "us-east-1", {"instance_type": "t9.huge", "state": "running"}, None),
    ("EBSVolume", "vol-gp2", "us-east-1", {"volume_type": "gp2", "size": 100, "state": "in-use"}, 100 * 0.10),
    (
        "EBSVolume",
        "vol-io1",
        "eu-west-1",
        {"volume_type": "io1", "size": 200, "iops": 1000, "state": "in-use"},
        200 * 0.138 + 1000 * 0.072,
    ),  # 99.6
    (
        "EBSVolume",
        "vol-gp3",
        "us-east-1",
        {"volume_type": "gp3", "size": 500, "iops": 4000, "throughput": 250, "state": "in-use"},
        500 * 0.08 + 1000 * 0.005 + 125 * 0.04,
    ),  # 50
    ("EBSSnapshot", "snap-1", "us-east-1", {"volume_size": 100}, 100 * 0.05),
    (
        "RDSInstance",
        "db-small",
        "us-east-1",
        {
            "engine": "postgres",
            "instance_class": "db.t3.micro",
            "multi_az": False,
            "storage_type": "gp2",
            "allocated_storage": 20,
        },
        0.018 * 730 + 20 * 0.115,
    ),  # 15.44
    (
        "RDSInstance",
        "db-ha",
        "eu-west-1",
        {
            "engine": "mysql",
            "instance_class": "db.m5.large",
            "multi_az": True,
            "storage_type": "gp2",
            "allocated_storage": 100,
        },
        2 * 0.19 * 730 + 2 * 100 * 0.127,
    ),  # 302.8
    ("LoadBalancer", "alb-1", "us-east-1", {"lb_type": "application"}, 0.0225 * 730),  # 16.425
    ("NATGateway", "nat-1", "us-east-1", {"state": "available"}, 0.045 * 730),  # 32.85
    ("ElasticIP", "eip-1", "eu-west-1", {"public_ip": "203.0.113.9"}, 0.005 * 730),  # 3.65
    ("VPC", "vpc-1", "us-east-1", {}, 0.0),
    ("S3Bucket", "bucket-1", "us-east-1", {}, None),
    (
        "AzureVirtualMachine",
        "vm-1",
        "westeurope",
        {"vm_size": "Standard_D2s_v5", "power_state": "PowerState/running", "tags": ("team=web",)},
        0.115 * 730,
    ),  # 83.95
    (
        "AzureVirtualMachine",
        "vm-off",
        "westeurope",
        {"vm_size": "Standard_B2s", "power_state": "PowerState/deallocated"},
        0.0,
    ),
    ("AzureDisk", "disk-os", "westeurope", {"sku_name": "Premium_LRS", "disk_size_gb": 30}, 5.81),  # P4
    ("AzureDisk", "disk-data", "westeurope", {"sku_name": "StandardSSD_LRS", "disk_size_gb": 100}, 10.56),  # E10
    ("AzurePublicIPAddress", "pip-1", "westeurope", {"sku_name": "Standard"}, 0.005 * 730),  # 3.65
    ("AzureSqlDatabase", "sqldb-1", "westeurope", {"sku_name": "S0"}, 14.72),
    (
        "GCPComputeInstance",
        "gce-1",
        "us-central1-a",
        {"machine_type": "e2-medium", "state": "RUNNING"},
        0.033503 * 730,
    ),  # 24.457
    ("GCPDisk", "pd-1", "us-central1-a", {"disk_type": "pd-ssd", "size_gb": 50}, 50 * 0.17),  # 8.5
    (
        "GCPCloudSQLInstance",
        "sql-1",
        "us-central1",
        {"tier": "db-custom-2-7680"},
        (2 * 0.0413 + 7.5 * 0.007) * 730,
    ),  # 98.623
    (
        "GCPResource",
        "addr-1",
        "us-central1",
        {"asset_type": "compute.googleapis.com/Address", "state": "RESERVED"},
        0.01 * 730,
    ),  # 7.3
]
# The sum of the figures above, added up by hand.
HAND_TOTAL = 935.10


@pytest.fixture
def estimated(graph: Graph, settings: Settings) -> Graph:
    write(graph, [node(label, id_, region, **props) for label, id_, region, props, _ in ESTATE])  # type: ignore[arg-type]
    summary = estimate_all(graph, settings)
    assert summary.resources == len(ESTATE)
    assert summary.not_priced == 2
    assert summary.total_usd == pytest.approx(HAND_TOTAL, abs=0.01)
    return graph


def test_each_resource_gets_the_hand_computed_estimate(estimated: Graph) -> None:
    for _, id_, _, _, usd in ESTATE:
        cost = resource_cost(estimated, id_)
        assert cost is not None
        if usd is None:
            assert cost.monthly_usd is None
            assert cost.basis.startswith(NOT_PRICED), id_
        else:
            assert cost.monthly_usd == pytest.approx(usd, abs=0.0001), (id_, cost.basis)
    assert sum(u for *_, u in ESTATE if u is not None) == pytest.approx(HAND_TOTAL, abs=0.01)


def test_the_basis_explains_the_arithmetic(estimated: Graph) -> None:
    web = resource_cost(estimated, "i-web")
    assert web is not None
    assert web.basis == "t3.large us-east-1 $0.0832/h x 730 h"
    stopped = resource_cost(estimated, "i-stopped")
    assert stopped is not None
    assert stopped.basis.startswith("stopped: no compute charge")
    exotic = resource_cost(estimated, "i-exotic")
    assert exotic is not None
    assert "t9.huge" in exotic.basis
    assert "us-east-1" in exotic.basis
    disk = resource_cost(estimated, "disk-os")
    assert disk is not None
    assert "tier P4" in disk.basis


def test_rollups_by_provider_kind_and_tag(estimated: Graph, settings: Settings) -> None:
    prices = load_prices(settings)
    by_provider = {g.key: g.monthly_usd for g in cost_summary(estimated, prices, "provider").groups}
    aws = 0.0832 * 730 + 0.111 * 730 + 10 + 99.6 + 50 + 5 + 15.44 + 302.8 + 16.425 + 32.85 + 3.65
    azure = 83.95 + 5.81 + 10.56 + 3.65 + 14.72
    gcp = 0.033503 * 730 + 8.5 + 98.623 + 7.3
    assert by_provider == pytest.approx({"aws": aws, "azure": azure, "gcp": gcp}, abs=0.01)
    summary = cost_summary(estimated, prices, "tag", "team")
    by_team = {g.key: g.monthly_usd for g in summary.groups}
    assert by_team["web"] == pytest.approx(0.0832 * 730 + 0.115 * 730, abs=0.01)
    assert by_team["data"] == pytest.approx(81.03, abs=0.01)
    assert by_team["(untagged)"] == pytest.approx(HAND_TOTAL - by_team["web"] - by_team["data"], abs=0.02)
    assert summary.total_usd == pytest.approx(HAND_TOTAL, abs=0.01)
    assert summary.not_priced == 2
    assert {i.id for i in summary.not_priced_items} == {"i-exotic", "bucket-1"}
    assert summary.snapshot_date == prices.date
    assert "transcribed by hand" in summary.snapshot_label
    by_region = {g.key: g.resources for g in cost_summary(estimated, prices, "region").groups}
    assert by_region["westeurope"] == 6


def test_a_resync_clears_the_estimate_and_the_next_estimate_restores_it(estimated: Graph, settings: Settings) -> None:
    write(estimated, [node("EC2Instance", "i-web", "us-east-1", instance_type="t3.xlarge", state="running")])
    cost = resource_cost(estimated, "i-web")
    assert cost is not None
    assert cost.monthly_usd is None
    estimate_all(estimated, settings)
    cost = resource_cost(estimated, "i-web")
    assert cost is not None
    assert cost.monthly_usd == pytest.approx(0.1664 * 730)


def test_unknown_group_and_missing_tag_key_are_refused(estimated: Graph, settings: Settings) -> None:
    from core.errors import QueryInputError

    with pytest.raises(QueryInputError, match="tag key"):
        cost_summary(estimated, load_prices(settings), "tag", None)
    with pytest.raises(QueryInputError, match="cannot group"):
        cost_summary(estimated, load_prices(settings), "colour")  # type: ignore[arg-type]


def test_estimation_is_a_post_sync_hook(graph: Graph, settings: Settings) -> None:
    assert estimate_all in POST_SYNC
    write(graph, [node("EC2Instance", "i-hooked", "eu-west-1", instance_type="t3.micro", state="running")])
    assert run_post_sync(graph, settings, hooks=(estimate_all,)) == []
    cost = resource_cost(graph, "i-hooked")
    assert cost is not None
    assert cost.monthly_usd == pytest.approx(0.0114 * 730)
