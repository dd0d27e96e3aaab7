"""A Windows instance is priced at the Windows (licence included) rate, not the Linux one.

End to end: instances launched in moto from a Windows AMI and a Linux AMI of moto's own catalogue (moto
reports the Windows one's ``Platform: windows``), discovered by the ec2 unit, estimated from the shipped
price snapshot. Then the model's other platforms: Windows with SQL Server and a Windows type the snapshot
lacks are not priced (the basis says why) rather than priced at the Linux rate.
"""

from __future__ import annotations

import boto3
import pytest

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.providers.aws.registry import unit
from queries.cost.cost_model import CostInput, Estimate, NotPriced
from queries.cost.estimate import estimate_all
from queries.cost.prices_snapshot import load_prices
from queries.cost.pricing import estimate
from tests.discovery import discover_job

REGION = "us-east-1"
WINDOWS_AMI = "ami-03cf127a"  # moto's catalogue: Windows_Server-2016-English-Nano-Base
LINUX_AMI = "ami-760aaa0f"  # moto's catalogue: no platform (Linux/UNIX)


def test_a_discovered_windows_instance_costs_the_windows_rate(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto.url)
    ids = {
        name: ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="m5.large")["Instances"][0][
            "InstanceId"
        ]
        for name, ami in (("win", WINDOWS_AMI), ("linux", LINUX_AMI))
    }
    platforms = {
        i["InstanceId"]: i.get("Platform") for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
    }
    assert (platforms[ids["win"]], platforms[ids["linux"]]) == ("windows", None)

    report = discover_job(aws_settings, graph, regions=(REGION,), units=[unit("ec2")])
    assert report.errors == ()
    estimate_all(graph, aws_settings)
    prices = load_prices(aws_settings)
    windows, linux = prices.get("aws", "ec2", "windows:m5.large", REGION), prices.get("aws", "ec2", "m5.large", REGION)
    assert windows is not None
    assert linux is not None
    assert windows.usd > linux.usd
    rows = graph.read(
        "MATCH (i:EC2Instance) RETURN i.instance_id AS id, i.platform AS platform, "
        "i.monthly_cost_usd AS usd, i.cost_basis AS basis"
    )
    got = {r["id"]: r for r in rows}
    assert got[ids["win"]]["platform"] == "Windows"
    assert got[ids["win"]]["usd"] == pytest.approx(windows.usd * 730)
    assert "Windows" in got[ids["win"]]["basis"]
    assert got[ids["linux"]]["usd"] == pytest.approx(linux.usd * 730)


def _instance(platform: str, itype: str = "m5.large", region: str = REGION) -> CostInput:
    props = {"instance_type": itype, "state": "running", "platform": platform}
    return CostInput("i-1", "EC2Instance", "aws", region, props)


def test_platforms_the_snapshot_cannot_price_say_so_instead_of_taking_the_linux_rate(settings: Settings) -> None:
    prices = load_prices(settings)
    sql = estimate(_instance("Windows with SQL Server Standard"), prices)
    assert isinstance(sql, NotPriced)
    assert "Windows with SQL Server Standard" in sql.reason
    unknown_region = estimate(_instance("Windows", region="eu-west-1"), prices)
    assert isinstance(unknown_region, NotPriced)
    assert "Windows" in unknown_region.reason
    rhel = estimate(_instance("Red Hat Enterprise Linux"), prices)
    assert isinstance(rhel, Estimate)
    assert "licence is not included" in rhel.basis
    for price in prices.prices:  # every Windows rate is above the same type's Linux rate
        if price.service == "ec2" and price.kind.startswith("windows:"):
            base = prices.get("aws", "ec2", price.kind.removeprefix("windows:"), price.region)
            assert base is not None, price.kind
            assert price.usd > base.usd, price.kind
