"""Which of my Azure VMs can the internet reach, on which port, and through which NSG rule, when the rules
are aimed at application security groups?

Built on recorded payloads (tests/fixtures/real/azure, SOURCES.md): the NSG ps4042 as the service returned it
(ps556 priority 100 ASG ps23 -> ASG ps23, ps7834 102 ASG ps23 -> *, ps4307 103 * -> ASG ps23, ps3385
104 * -> *, all Allow Tcp 46-56) and the NIC ps2868 as recorded (in groups ps8606 and ps7557, not ps23), behind
public IPs and under VMs from the published examples. The member VM's NIC is the same recorded NIC with ps23 as
its only group. The estate goes through the real transform and the real GraphWriter into Neo4j, and the question
is asked of the graph.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.providers.azure.query import AzurePayload
from ingest.providers.azure.transform import transform_azure
from queries.exposure import exposure_paths

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "azure"
NSG_FILE = REAL / "AzureNetworkSecurityGroup" / "TestApplicationSecurityGroupInNewSecurityRule-ps4042.json"
NIC_FILE = REAL / "AzureNetworkInterface" / "TestApplicationSecurityGroupInNewNetworkInterface-ps2868.json"
PIP_FILE = REAL / "AzurePublicIPAddress" / "PublicIpAddressGet.json"
VM_FILE = REAL / "AzureVirtualMachine" / "VirtualMachine_Get.json"
SUB = "947d47b4-7883-4bb9-9d85-c5e8e2f572ce"
PS23 = f"/subscriptions/{SUB}/resourceGroups/ps7874/providers/Microsoft.Network/applicationSecurityGroups/ps23"

Rules = list[dict[str, Any]]


def _load(path: Path) -> dict[str, Any]:
    row: dict[str, Any] = json.loads(path.read_text())
    return row


def _renamed(row: dict[str, Any], name: str) -> dict[str, Any]:
    out = copy.deepcopy(row)
    out["id"] = f"{row['id'].rsplit('/', 1)[0]}/{name}"
    out["name"] = name
    return out


def _estate(graph: Graph, edit: Callable[[Rules], Rules]) -> None:
    """Two VMs with a public IP each, both NICs protected by the recorded NSG (rules passed through ``edit``):
    vm-member's NIC is in ps23, vm-other's NIC keeps its recorded groups."""
    nsg = _load(NSG_FILE)
    nsg["properties"]["securityRules"] = edit(nsg["properties"]["securityRules"])
    rows = [nsg]
    for vm_name, groups in (("vm-member", [{"id": PS23}]), ("vm-other", None)):
        pip = _renamed(_load(PIP_FILE), f"{vm_name}-ip")
        nic = _renamed(_load(NIC_FILE), f"{vm_name}-nic")
        conf = nic["properties"]["ipConfigurations"][0]
        conf["id"] = f"{nic['id']}/ipConfigurations/ipconfig1"
        conf["properties"]["publicIPAddress"] = {"id": pip["id"]}
        if groups is not None:
            conf["properties"]["applicationSecurityGroups"] = groups
        nic["properties"]["networkSecurityGroup"] = {"id": nsg["id"]}
        vm = _renamed(_load(VM_FILE), vm_name)
        vm["properties"]["networkProfile"] = {"networkInterfaces": [{"id": nic["id"]}]}
        rows += [pip, nic, vm]
    out = transform_azure(AzurePayload((), tuple(rows), ()))
    graph.wipe()
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(generation=1, at=datetime(2026, 1, 2, tzinfo=UTC))
    writer.nodes(out.nodes, stamp)
    writer.edges(out.edges, stamp)


def _exposed(graph: Graph) -> dict[str, tuple[str, str]]:
    """VM name -> (open ports, the NIC NSG rule that lets them in)."""
    found = {}
    for path in exposure_paths(graph, provider="azure"):
        nsg_hop = next(h for h in path.hops if h.node.kind == "AzureNetworkSecurityGroup")
        found[path.resource.name] = (path.ports_text, (nsg_hop.rule_id or "").rsplit("/", 1)[-1])
    return found


def _without(*names: str) -> Callable[[Rules], Rules]:
    return lambda rules: [r for r in rules if r["name"] not in names]


def test_an_allow_aimed_at_a_group_decides_for_its_members_and_the_catch_all_for_the_others(
    session_graph: Graph,
) -> None:
    """As recorded: the member is let in by rule 103 (Internet -> ps23), the other VM only by 104 (* -> *)."""
    _estate(session_graph, lambda rules: rules)
    assert _exposed(session_graph) == {
        "vm-member": ("tcp 46-56", "ps4307"),
        "vm-other": ("tcp 46-56", "ps3385"),
    }


def test_an_internet_allow_to_a_group_exposes_only_its_members(session_graph: Graph) -> None:
    _estate(session_graph, _without("ps3385"))
    assert _exposed(session_graph) == {"vm-member": ("tcp 46-56", "ps4307")}


def test_a_deny_to_a_group_at_a_lower_priority_hides_only_its_members(session_graph: Graph) -> None:
    def deny_first(rules: Rules) -> Rules:
        aimed = next(r for r in rules if r["properties"]["priority"] == 103)
        deny = copy.deepcopy(aimed)
        deny["name"] = "deny-ps23"
        deny["id"] = f"{aimed['id'].rsplit('/', 1)[0]}/deny-ps23"
        deny["properties"].update(access="Deny", priority=99)
        return [deny, *rules]

    _estate(session_graph, deny_first)
    assert _exposed(session_graph) == {"vm-other": ("tcp 46-56", "ps3385")}


def test_an_allow_from_a_group_exposes_nothing(session_graph: Graph) -> None:
    """Rules 100 and 102 come from ps23 (a source group is never the internet), even to every destination."""
    _estate(session_graph, lambda rules: [r for r in rules if r["properties"]["priority"] in (100, 102)])
    assert _exposed(session_graph) == {}
