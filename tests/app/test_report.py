"""The report and exports on the real Neo4j: the HTML page (self-contained, with the cost totals computed by
hand from the snapshot), CSV/JSON exports, and the same served over HTTP behind an API key; the cost GraphQL
fields over HTTP."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.api import auth_store
from app.report.write import write_report
from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.rows import NodeRow
from queries.cost.estimate import estimate_all
from tests.app.auth_server import serving
from tests.queries.cost.cost_graph import edge, node, write
from tests.settings_update import replace_settings

# by hand from the shipped snapshot: t3.large us-east-1 0.0832*730 = 60.736; idle EIP 0.005*730 = 3.65;
# gp2 100 GiB = 10.00; Standard_D2s_v5 westeurope 0.115*730 = 83.95; P4 disk = 5.81
TOTAL = 60.736 + 3.65 + 10.0 + 83.95 + 5.81  # 164.146
AWS_TOTAL = 60.736 + 3.65 + 10.0
SAVING = 3.65 + 100 * (0.10 - 0.08)  # release the idle EIP; gp2 -> gp3


def _estate(graph: Graph, with_findings: bool) -> None:
    inst = node(
        "EC2Instance",
        "i-web",
        "us-east-1",
        instance_type="t3.large",
        state="running",
        public_ip="198.51.100.7",
        tags=("team=web",),
    )
    vol = node("EBSVolume", "vol-1", "us-east-1", volume_type="gp2", size=100, state="in-use")
    vm = node("AzureVirtualMachine", "vm-1", "westeurope", vm_size="Standard_D2s_v5", power_state="PowerState/running")
    disk = node("AzureDisk", "disk-1", "westeurope", sku_name="Premium_LRS", disk_size_gb=30, disk_state="Attached")
    nodes = [
        inst,
        vol,
        node("ElasticIP", "eip-idle", "us-east-1", public_ip="203.0.113.5"),
        node("S3Bucket", "bucket-=cmd", "us-east-1"),
        vm,
        disk,
    ]
    write(graph, nodes, [edge("ATTACHED_TO", vol, inst), edge("USES_DISK", vm, disk)])
    if with_findings:
        findings = [
            NodeRow(
                "Finding",
                f"{rule}:i-web",
                {
                    "rule_id": rule,
                    "title": title,
                    "severity": sev,
                    "status": "open",
                    "provider": "aws",
                    "account": "111122223333",
                    "region": "us-east-1",
                    "resource_id": "i-web",
                    "resource_kind": "EC2Instance",
                    "resource_name": "i-web",
                    "remediation": "close the port",
                },
            )
            for rule, title, sev in (
                ("ssh-open", "SSH open to the internet", "critical"),
                ("imdsv1", "IMDSv1 allowed", "medium"),
            )
        ]
        write(graph, findings)


@pytest.fixture
def reported(graph: Graph, settings: Settings, tmp_path: Path) -> Path:
    _estate(graph, with_findings=True)
    estimate_all(graph, settings)
    write_report(graph, settings, tmp_path)
    return tmp_path


def test_the_report_shows_inventory_findings_cost_and_savings(reported: Path) -> None:
    html = (reported / "report.html").read_text()
    assert '<b id="cost-total">$164.15</b>' in html
    assert '<b id="cost-aws">$74.39</b>' in html
    assert f'<b id="savings-total">${SAVING:,.2f}</b>' in html
    assert '<b id="inventory-total">6</b>' in html
    assert '<b id="findings-critical">1</b>' in html
    assert '<b id="findings-medium">1</b>' in html
    assert "SSH open to the internet" in html
    assert "transcribed by hand" in html  # the snapshot's source and date are shown with the prices
    assert "<svg" in html
    # self-contained: no external stylesheet, script, image or font
    for needle in ("<script", "<link", "src=", "url(", "@import"):
        assert needle not in html, needle


def test_without_finding_nodes_the_report_says_none_were_evaluated(
    graph: Graph, settings: Settings, tmp_path: Path
) -> None:
    _estate(graph, with_findings=False)
    estimate_all(graph, settings)
    write_report(graph, settings, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert 'id="findings-none"' in html
    assert "No findings were evaluated" in html


def test_exports_hold_every_row_with_the_estimates(reported: Path) -> None:
    inventory = list(csv.DictReader(io.StringIO((reported / "inventory.csv").read_text())))
    assert len(inventory) == 6
    web = next(r for r in inventory if r["id"] == "i-web")
    assert float(web["monthly_cost_usd"]) == pytest.approx(60.736)
    assert web["cost_basis"] == "t3.large us-east-1 $0.0832/h x 730 h"
    assert web["tags"] == "team=web"
    bucket = next(r for r in inventory if r["id"] == "bucket-=cmd")
    assert bucket["monthly_cost_usd"] == ""
    assert bucket["name"] == "bucket-=cmd"
    costs = json.loads((reported / "costs.json").read_text())
    assert costs["total_monthly_usd"] == pytest.approx(TOTAL, abs=0.01)
    assert costs["count"] == 5
    assert "transcribed by hand" in costs["prices"]
    findings = list(csv.DictReader(io.StringIO((reported / "findings.csv").read_text())))
    assert [f["severity"] for f in findings] == ["critical", "medium"]
    savings = json.loads((reported / "savings.json").read_text())
    assert savings["total_monthly_saving_usd"] == pytest.approx(SAVING, abs=0.01)
    assert {i["rule"] for i in savings["items"]} == {"idle-elastic-ip", "gp2-to-gp3"}


def test_a_formula_in_a_cell_is_quoted(graph: Graph, settings: Settings, tmp_path: Path) -> None:
    write(graph, [node("S3Bucket", "b", "us-east-1", name='=HYPERLINK("http://x")')])
    write_report(graph, settings, tmp_path)
    row = next(csv.DictReader(io.StringIO((tmp_path / "inventory.csv").read_text())))
    assert row["name"].startswith("'=")


@pytest.fixture
def served(graph: Graph, settings: Settings) -> Iterator[tuple[str, str]]:
    _estate(graph, with_findings=True)
    estimate_all(graph, settings)
    key = auth_store.create_api_key(graph, "report-tests", "viewer", "tests", rounds=4).key
    with serving(create_app(replace_settings(settings, auth={"mode": "required"}), graph)) as url:
        yield url, key


def test_the_api_serves_the_report_and_exports_to_viewers_only(served: tuple[str, str]) -> None:
    url, key = served
    for path in ("/report.html", "/exports/inventory.csv", "/exports/costs.json"):
        assert httpx.get(url + path, timeout=30).status_code == 401, path
        assert httpx.get(url + path, headers={"X-API-Key": "wrong"}, timeout=30).status_code == 401, path
    page = httpx.get(f"{url}/report.html", headers={"X-API-Key": key}, timeout=60)
    assert page.status_code == 200
    assert '<b id="cost-total">$164.15</b>' in page.text
    costs = httpx.get(f"{url}/exports/costs.json", headers={"X-API-Key": key}, timeout=30)
    assert costs.status_code == 200
    assert costs.json()["total_monthly_usd"] == pytest.approx(TOTAL, abs=0.01)
    inv = httpx.get(f"{url}/exports/inventory.csv", headers={"X-API-Key": key}, timeout=30)
    assert inv.headers["content-type"].startswith("text/csv")
    assert len(inv.text.strip().splitlines()) == 7
    missing = httpx.get(f"{url}/exports/nothing.csv", headers={"X-API-Key": key}, timeout=30)
    assert missing.status_code in (401, 404)  # not an export path: refused before or at routing


def test_cost_graphql_fields_over_http(served: tuple[str, str]) -> None:
    url, key = served
    query = """{ costSummary(by: TAG, tagKey: "team") { totalUsd notPriced groups { key monthlyUsd resources }
                   prices { date fetched source } }
                 resourceCost(id: "i-web") { monthlyUsd basis prices { label } }
                 savings(first: 1) { totalUsd totalItems items { rule monthlySavingUsd reasoning }
                   rules { rule status } } }"""
    body = httpx.post(f"{url}/graphql", json={"query": query}, headers={"X-API-Key": key}, timeout=60).json()
    assert "errors" not in body, body
    data = body["data"]
    summary = data["costSummary"]
    assert summary["totalUsd"] == pytest.approx(TOTAL, abs=0.01)
    assert summary["notPriced"] == 1
    groups = {g["key"]: g["monthlyUsd"] for g in summary["groups"]}
    assert groups["web"] == pytest.approx(60.736, abs=0.01)
    assert groups["(untagged)"] == pytest.approx(TOTAL - 60.736, abs=0.01)
    assert summary["prices"]["fetched"] is False
    assert summary["prices"]["date"] == "2026-11-27"
    assert data["resourceCost"]["basis"] == "t3.large us-east-1 $0.0832/h x 730 h"
    assert data["savings"]["totalItems"] == 2
    assert len(data["savings"]["items"]) == 1
    assert data["savings"]["totalUsd"] == pytest.approx(SAVING, abs=0.01)
    assert len(data["savings"]["rules"]) >= 10
    bad = httpx.post(
        f"{url}/graphql",
        json={"query": "{ costSummary(by: TAG) { totalUsd } }"},
        headers={"X-API-Key": key},
        timeout=30,
    ).json()
    assert "tag key" in bad["errors"][0]["message"]
    anonymous = httpx.post(f"{url}/graphql", json={"query": "{ savings { totalUsd } }"}, timeout=30).json()
    assert "not signed in" in anonymous["errors"][0]["message"]


def test_the_cli_prints_costs_savings_and_writes_the_report(
    graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    _estate(graph, with_findings=False)
    assert main(["prices", "show"]) == 0
    out = capsys.readouterr().out
    assert "transcribed by hand" in out
    assert "snapshot-2026-11-27.json" in out
    assert main(["cost", "--estimate", "--by", "tag", "--tag-key", "team"]) == 0
    out = capsys.readouterr().out
    assert "web" in out
    assert "$60.74" in out
    assert "$164.15" in out
    assert "not priced: 1" in out
    assert main(["savings"]) == 0
    assert f"possible saving: ${SAVING:,.2f}/month over 2 item(s)" in capsys.readouterr().out
    assert main(["report", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.html").is_file()
    assert (tmp_path / "r" / "savings.csv").is_file()
    assert main(["cost", "--by", "tag"]) == 2  # a tag key is needed: one-line error, exit 2
    assert "tag key" in capsys.readouterr().err
