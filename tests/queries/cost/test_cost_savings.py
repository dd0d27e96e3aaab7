"""Every savings rule on the real Neo4j: a graph where it applies (the saving computed by hand from the
snapshot's prices) and a graph where it must not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow
from queries.cost.prices_snapshot import load_prices
from queries.cost.savings import evaluate_savings
from queries.cost.savings_rules import RULES
from tests.queries.cost.cost_graph import edge, node, write

Build = Callable[[], tuple[list[NodeRow], list[EdgeRow]]]


@dataclass(frozen=True)
class Case:
    rule: str
    positive: Build
    negative: Build
    saving: float  # by hand, from the snapshot's prices
    resource: str
    also: tuple[tuple[str, float], ...] = ()  # other resources the positive graph holds waste in


def _vol(id_: str, state: str, vtype: str = "gp3", size: int = 100) -> NodeRow:
    return node("EBSVolume", id_, "us-east-1", volume_type=vtype, size=size, state=state)


def _inst(id_: str, state: str = "running", itype: str = "t3.large", **props: object) -> NodeRow:
    return node("EC2Instance", id_, "us-east-1", instance_type=itype, state=state, **props)  # type: ignore[arg-type]


def unattached_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_vol("vol-free", "available")], []


def unattached_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    v, i = _vol("vol-used", "in-use"), _inst("i-1")
    return [v, i], [edge("ATTACHED_TO", v, i)]


def stopped_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    i, v = _inst("i-stopped", "stopped"), _vol("vol-root", "in-use", "gp2", 50)
    vm = node(
        "AzureVirtualMachine", "vm-off", "westeurope", vm_size="Standard_B2s", power_state="PowerState/deallocated"
    )
    d = node("AzureDisk", "disk-off", "westeurope", sku_name="Premium_LRS", disk_size_gb=30)
    return [i, v, vm, d], [edge("ATTACHED_TO", v, i), edge("USES_DISK", vm, d)]


def stopped_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    i, v = _inst("i-running"), _vol("vol-root", "in-use", "gp2", 50)
    return [i, v], [edge("ATTACHED_TO", v, i)]


def eip_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [node("ElasticIP", "eip-idle", "us-east-1", public_ip="203.0.113.1")], []


def eip_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    e, i = node("ElasticIP", "eip-used", "us-east-1", public_ip="203.0.113.2", association_id="eipassoc-1"), _inst("i")
    return [e, i], [edge("ASSOCIATED_WITH", e, i)]


def gp2_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_vol("vol-gp2", "in-use", "gp2", 500)], []


def gp2_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_vol("vol-gp3", "in-use", "gp3", 500)], []


def prevgen_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_inst("i-m4", itype="m4.xlarge")], []


def prevgen_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_inst("i-m6i", itype="m6i.xlarge"), _inst("i-m4-stopped", "stopped", "m4.xlarge")], []


def _snap(id_: str, days: int) -> NodeRow:
    return node("EBSSnapshot", id_, "us-east-1", volume_size=200, start_time=datetime.now(UTC) - timedelta(days=days))


def snap_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_snap("snap-old", 200)], []


def snap_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_snap("snap-new", 10)], []


def _lb(id_: str) -> NodeRow:
    return node("LoadBalancer", id_, "us-east-1", lb_type="application")


def lb_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    lb, ls = _lb("alb-empty"), node("Listener", "ls-1", "us-east-1")
    tg = node("TargetGroup", "tg-empty", "us-east-1", load_balancer_arns=("alb-empty",))
    return [lb, ls, tg], [edge("PART_OF", ls, lb), edge("FORWARDS_TO", ls, tg)]


def lb_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    lb, ls, i = _lb("alb-busy"), node("Listener", "ls-1", "us-east-1"), _inst("i-web")
    tg = node("TargetGroup", "tg-busy", "us-east-1", load_balancer_arns=("alb-busy",))
    return [lb, ls, tg, i], [edge("PART_OF", ls, lb), edge("FORWARDS_TO", ls, tg), edge("TARGETS", tg, i)]


def _nat_graph(associated: bool) -> tuple[list[NodeRow], list[EdgeRow]]:
    nat = node("NATGateway", "nat-1", "eu-west-1", state="available")
    rt, sn = node("RouteTable", "rtb-1", "eu-west-1"), node("Subnet", "subnet-1", "eu-west-1")
    edges = [edge("ROUTES_TO", rt, nat)] + ([edge("ASSOCIATED_WITH", rt, sn)] if associated else [])
    return [nat, rt, sn], edges


def over_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_inst("i-idle", itype="m5.xlarge", cpu_utilization_p95=7.5)], []


def over_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [_inst("i-busy", itype="m5.xlarge", cpu_utilization_p95=85.0)], []


def _db_graph(client: bool) -> tuple[list[NodeRow], list[EdgeRow]]:
    db = node(
        "RDSInstance",
        "db-1",
        "us-east-1",
        engine="postgres",
        instance_class="db.t3.medium",
        storage_type="gp2",
        allocated_storage=100,
    )
    db_sg, app_sg = node("SecurityGroup", "sg-db", "us-east-1"), node("SecurityGroup", "sg-app", "us-east-1")
    rule = NodeRow(
        "SecurityGroupRule",
        "sg-db/ingress/5432/sg-app",
        {"direction": "ingress", "account": "111122223333", "region": "us-east-1", "from_port": 5432},
    )
    nodes = [db, db_sg, app_sg, rule]
    edges = [
        edge("MEMBER_OF_SECURITY_GROUP", db, db_sg),
        edge("HAS_RULE", db_sg, rule),
        edge("ALLOWS_FROM", rule, app_sg),
    ]
    if client:
        app = _inst("i-app")
        nodes.append(app)
        edges.append(edge("MEMBER_OF_SECURITY_GROUP", app, app_sg))
    return nodes, edges  # without a client: the db group admits only an empty group


def azure_disk_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [
        node("AzureDisk", "disk-loose", "westeurope", sku_name="Premium_LRS", disk_size_gb=128, disk_state="Unattached")
    ], []


def azure_disk_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    vm = node("AzureVirtualMachine", "vm-1", "westeurope", vm_size="Standard_B2s", power_state="PowerState/running")
    d = node("AzureDisk", "disk-used", "westeurope", sku_name="Premium_LRS", disk_size_gb=128, disk_state="Attached")
    return [vm, d], [edge("USES_DISK", vm, d)]


def azure_pip_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [node("AzurePublicIPAddress", "pip-loose", "westeurope", sku_name="Standard")], []


def azure_pip_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    nic, pip = (
        node("AzureNetworkInterface", "nic-1", "westeurope"),
        node("AzurePublicIPAddress", "pip-used", "westeurope", sku_name="Standard"),
    )
    return [nic, pip], [edge("HAS_PUBLIC_IP", nic, pip)]


def _address(state: str) -> tuple[list[NodeRow], list[EdgeRow]]:
    return [
        node("GCPResource", f"addr-{state}", "us-central1", asset_type="compute.googleapis.com/Address", state=state)
    ], []


def gcp_disk_pos() -> tuple[list[NodeRow], list[EdgeRow]]:
    return [node("GCPDisk", "pd-loose", "us-central1-a", disk_type="pd-balanced", size_gb=200)], []


def gcp_disk_neg() -> tuple[list[NodeRow], list[EdgeRow]]:
    vm = node("GCPComputeInstance", "gce-1", "us-central1-a", machine_type="e2-small", state="RUNNING")
    d = node("GCPDisk", "pd-used", "us-central1-a", disk_type="pd-balanced", size_gb=200)
    return [vm, d], [edge("ATTACHED_DISK", vm, d)]


def _azure_vm(power: str) -> tuple[list[NodeRow], list[EdgeRow]]:
    return [node("AzureVirtualMachine", "vm-x", "westeurope", vm_size="Standard_D4s_v5", power_state=power)], []


CASES = [
    Case("unattached-volume", unattached_pos, unattached_neg, 100 * 0.08, "vol-free"),
    Case("stopped-instance-storage", stopped_pos, stopped_neg, 50 * 0.10, "i-stopped", (("vm-off", 5.81),)),
    Case("idle-elastic-ip", eip_pos, eip_neg, 0.005 * 730, "eip-idle"),
    Case("gp2-to-gp3", gp2_pos, gp2_neg, 500 * (0.10 - 0.08), "vol-gp2"),
    Case("previous-generation-instance", prevgen_pos, prevgen_neg, (0.20 - 0.192) * 730, "i-m4"),
    Case("old-snapshot", snap_pos, snap_neg, 200 * 0.05, "snap-old"),
    Case("idle-load-balancer", lb_pos, lb_neg, 0.0225 * 730, "alb-empty"),
    Case("idle-nat-gateway", lambda: _nat_graph(False), lambda: _nat_graph(True), 0.048 * 730, "nat-1"),
    Case("over-provisioned-instance", over_pos, over_neg, (0.192 - 0.096) * 730, "i-idle"),
    Case("unused-database", lambda: _db_graph(False), lambda: _db_graph(True), 0.072 * 730 + 100 * 0.115, "db-1"),
    Case("unattached-azure-disk", azure_disk_pos, azure_disk_neg, 21.68, "disk-loose"),  # P10 westeurope
    Case("idle-azure-public-ip", azure_pip_pos, azure_pip_neg, 0.005 * 730, "pip-loose"),
    Case("idle-gcp-static-ip", lambda: _address("RESERVED"), lambda: _address("IN_USE"), 0.01 * 730, "addr-RESERVED"),
    Case("unattached-gcp-disk", gcp_disk_pos, gcp_disk_neg, 200 * 0.10, "pd-loose"),
    Case(
        "azure-vm-not-deallocated",
        lambda: _azure_vm("PowerState/stopped"),
        lambda: _azure_vm("PowerState/deallocated"),
        0.23 * 730,
        "vm-x",
    ),
]


def test_there_are_at_least_ten_rules_and_each_has_a_case() -> None:
    assert len(RULES) >= 10
    assert {c.rule for c in CASES} == {r.slug for r in RULES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_finds_the_waste_and_prices_it(case: Case, graph: Graph, settings: Settings) -> None:
    write(graph, *case.positive())
    report = evaluate_savings(graph, load_prices(settings), settings.cost.snapshot_max_age_days)
    found = {s.resource_id: s for s in report.items if s.rule == case.rule}
    expected = {case.resource: case.saving, **dict(case.also)}
    assert {k: v.monthly_saving_usd for k, v in found.items()} == pytest.approx(expected, abs=0.01)
    assert all(s.reasoning for s in found.values())
    outcome = next(o for o in report.rules if o.rule == case.rule)
    assert outcome.status == "evaluated"
    assert outcome.items == len(expected)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_stays_quiet_where_there_is_no_waste(case: Case, graph: Graph, settings: Settings) -> None:
    write(graph, *case.negative())
    report = evaluate_savings(graph, load_prices(settings), settings.cost.snapshot_max_age_days)
    assert [s.resource_id for s in report.items if s.rule == case.rule] == []


def test_over_provisioning_says_it_needs_data_when_no_utilisation_is_known(graph: Graph, settings: Settings) -> None:
    write(graph, [_inst("i-unknown", itype="m5.xlarge")])
    report = evaluate_savings(graph, load_prices(settings))
    outcome = next(o for o in report.rules if o.rule == "over-provisioned-instance")
    assert outcome.status == "needs data"
    assert "cpu_utilization_p95" in outcome.note


def test_items_are_ordered_by_saving_and_totalled(graph: Graph, settings: Settings) -> None:
    nodes, edges = stopped_pos()
    write(graph, nodes + gp2_pos()[0] + eip_pos()[0], edges)
    report = evaluate_savings(graph, load_prices(settings))
    savings = [s.monthly_saving_usd for s in report.items]
    assert savings == sorted(savings, reverse=True)
    assert len(savings) >= 3
    assert report.total_usd == pytest.approx(sum(savings), abs=0.01)
