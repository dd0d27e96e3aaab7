"""Azure and GCP network use: NSG rules between subnets of one (or a peered) VNet; firewall rules by tag.

Azure: an inbound Allow rule of a VM's subnet or NIC security group whose source is an address range of
/16 or narrower names the VMs of that VNet (or a peered one) whose subnet lies inside it; every NSG on the
way (the subnet's and the NIC's) is evaluated by priority with the exposure engine's first-match rules for
that source, and the edge carries the ports all of them let through.
GCP: an enabled ingress allow firewall with source tags (or a narrow source range) names the instances of
its network holding a tag (or an address in the range); the firewalls applying to the target are evaluated
by priority, deny first on ties, for that source.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import REACHES
from queries.derived.model import DerivedEdge
from queries.derived.network_aws import names_consumers
from queries.ports import ALL_PORTS, Ranges, Rule, describe, evaluate, gcp_rule, port_spec, protocol_name

__all__ = ["azure_network_edges", "gcp_network_edges"]

_AZURE_VMS = """
MATCH (vm:AzureVirtualMachine)-[:HAS_NETWORK_INTERFACE]->(nic:AzureNetworkInterface)-[:IN_SUBNET]->(sn:AzureSubnet)
OPTIONAL MATCH (sn)-[:IN_VNET]->(v:AzureVirtualNetwork)
OPTIONAL MATCH (v)-[:PEERED_WITH]-(peer:AzureVirtualNetwork)
RETURN vm.id AS id, sn.address_prefix AS prefix, v.id AS vnet, collect(DISTINCT peer.id) AS peers,
       [(sn)-[:PROTECTED_BY]->(g:AzureNetworkSecurityGroup) | g.id] AS subnet_nsgs,
       [(nic)-[:PROTECTED_BY]->(g:AzureNetworkSecurityGroup) | g.id] AS nic_nsgs
"""
_AZURE_RULES = """
MATCH (g:AzureNetworkSecurityGroup)-[:HAS_RULE]->(r:AzureSecurityRule {direction: 'Inbound'})
RETURN g.id AS nsg, g.name AS name,
       r {.id, .name, .priority, .access, .protocol, .destination_port_ranges, .source_prefixes} AS rule
"""
_VNET_TAGS = frozenset({"virtualnetwork", "*", "any"})


def _net(text: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return None


def _inside(inner: object, outer: object) -> bool:
    a, b = _net(inner), _net(outer)
    return a is not None and b is not None and a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Vm:
    id: str
    prefix: str
    vnet: str
    peers: frozenset[str]
    layers: tuple[tuple[str, ...], ...]  # the subnet's NSGs, then the NIC's


def _ports(rule: Mapping[str, Any]) -> Ranges:
    return tuple(p for spec in rule.get("destination_port_ranges") or ("*",) for p in port_spec(str(spec)))


def _matches(rule: Mapping[str, Any], consumer: _Vm) -> bool:
    """Whether the rule's sources include the consumer (a range around its subnet, or any VNet source)."""
    sources = [str(s) for s in rule.get("source_prefixes") or ()]
    return any(s.lower() in _VNET_TAGS or _inside(consumer.prefix, s) for s in sources)


def _azure_open(
    consumer: _Vm, provider: _Vm, rules: Mapping[str, list[Mapping[str, Any]]], proto: str, ports: Ranges
) -> Ranges:
    for layer in provider.layers:
        if not layer:
            continue
        listed = [
            Rule((int(r["priority"]), 0), r["access"] == "Allow", protocol_name(r["protocol"]), _ports(r), str(r["id"]))
            for nsg in layer
            for r in rules.get(nsg, ())
            if _matches(r, consumer)
        ]
        ports = evaluate(listed, proto, ports).open
        if not ports:
            return ()
    return ports


def azure_network_edges(graph: Graph, only: str | None = None, broad: bool = False) -> list[DerivedEdge]:
    """Every REACHES edge between VMs; ``only`` and ``broad`` as in ``aws_network_edges``."""
    vms = [
        _Vm(
            str(r["id"]),
            str(r["prefix"] or ""),
            str(r["vnet"] or ""),
            frozenset(str(p) for p in r["peers"]),
            (tuple(r["subnet_nsgs"]), tuple(r["nic_nsgs"])),
        )
        for r in graph.read(_AZURE_VMS)
    ]
    rules: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in graph.read(_AZURE_RULES):
        rules[str(row["nsg"])].append(row["rule"])
        names[str(row["nsg"])] = str(row["name"])
    edges: list[DerivedEdge] = []
    for provider in vms:
        if only is not None and provider.id != only:
            continue
        for nsg in sorted({n for layer in provider.layers for n in layer}):
            for rule in rules.get(nsg, ()):
                if rule["access"] != "Allow":
                    continue
                for source in rule.get("source_prefixes") or ():
                    if not (names_consumers(str(source)) or broad):
                        continue
                    edges += _azure_rule_edges(provider, vms, rules, names[nsg], rule, str(source))
    return edges


def _azure_rule_edges(
    provider: _Vm,
    vms: Sequence[_Vm],
    rules: Mapping[str, list[Mapping[str, Any]]],
    nsg_name: str,
    rule: Mapping[str, Any],
    source: str,
) -> list[DerivedEdge]:
    proto = protocol_name(rule["protocol"])
    out = []
    for consumer in vms:
        if consumer.id == provider.id or not (_inside(consumer.prefix, source) or source.lower() in _VNET_TAGS):
            continue
        if consumer.vnet != provider.vnet and provider.vnet not in consumer.peers:
            continue
        protocols = ("tcp", "udp") if proto == "all" else (proto,)
        for p in protocols:
            opened = _azure_open(consumer, provider, rules, p, _ports(rule))
            if not opened:
                continue
            route = "the VNet's own routes" if consumer.vnet == provider.vnet else "VNet peering"
            out.append(
                DerivedEdge(
                    REACHES,
                    consumer.id,
                    provider.id,
                    str(rule["id"]),
                    f"{nsg_name} rule {rule['name']} (priority {rule['priority']}) allows {describe(p, opened)} "
                    f"from {source}",
                    p,
                    describe(p, opened),
                    route,
                )
            )
    return out


_GCP_INSTANCES = """
MATCH (i:GCPComputeInstance)
OPTIONAL MATCH (i)-[:IN_SUBNETWORK]->(:GCPSubnetwork)-[:IN_NETWORK]->(n1:GCPNetwork)
OPTIONAL MATCH (i)-[:IN_NETWORK]->(n2:GCPNetwork)
RETURN i.id AS id, coalesce(i.network_tags, []) AS tags, i.private_ip AS ip, coalesce(n1.id, n2.id) AS net
"""
_GCP_FIREWALLS = """
MATCH (fw:GCPFirewall) WHERE fw.direction = 'INGRESS' AND NOT coalesce(fw.disabled, false)
RETURN fw {.id, .name, .priority, .action, .rules, .source_ranges, .source_tags} AS fw,
       [(fw)-[:APPLIES_TO]->(t:GCPComputeInstance) | t.id] AS targets
"""


@dataclass(frozen=True)
class _Instance:
    id: str
    tags: frozenset[str]
    ip: str
    net: str


def _gcp_matches(fw: Mapping[str, Any], consumer: _Instance) -> bool:
    if consumer.tags & set(fw.get("source_tags") or ()):
        return True
    ip = f"{consumer.ip}/32" if consumer.ip else ""
    return any(_inside(ip, r) for r in fw.get("source_ranges") or ())


def _gcp_rules(fws: Sequence[Mapping[str, Any]]) -> list[Rule]:
    out = []
    for fw in fws:
        allow = fw.get("action") == "allow"
        for spec in fw.get("rules") or ("all",):
            proto, ports = gcp_rule(str(spec))
            out.append(Rule((int(fw.get("priority") or 1000), 1 if allow else 0), allow, proto, ports, str(fw["id"])))
    return out


def gcp_network_edges(graph: Graph, only: str | None = None, broad: bool = False) -> list[DerivedEdge]:
    """Every REACHES edge between instances; ``only`` and ``broad`` as in ``aws_network_edges``."""
    instances = {
        str(r["id"]): _Instance(str(r["id"]), frozenset(r["tags"]), str(r["ip"] or ""), str(r["net"] or ""))
        for r in graph.read(_GCP_INSTANCES)
    }
    applying: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    firewalls = []
    for row in graph.read(_GCP_FIREWALLS):
        firewalls.append((row["fw"], [str(t) for t in row["targets"]]))
        for target in row["targets"]:
            applying[str(target)].append(row["fw"])
    edges: list[DerivedEdge] = []
    for fw, targets in firewalls:
        if fw.get("action") != "allow":
            continue
        named_ranges = [r for r in fw.get("source_ranges") or () if broad or names_consumers(str(r))]
        if not fw.get("source_tags") and not named_ranges:
            continue
        evidence = {**fw, "source_ranges": named_ranges}
        for target_id in targets:
            if only is not None and target_id != only:
                continue
            target = instances.get(target_id)
            if target is None:
                continue
            for consumer in instances.values():
                if consumer.id == target.id or consumer.net != target.net or not _gcp_matches(evidence, consumer):
                    continue
                edges += _gcp_edges(fw, consumer, target, applying[target.id])
    return edges


def _gcp_edges(
    fw: Mapping[str, Any], consumer: _Instance, target: _Instance, applying: Sequence[Mapping[str, Any]]
) -> list[DerivedEdge]:
    listed = _gcp_rules([f for f in applying if _gcp_matches(f, consumer)])
    out = []
    for spec in fw.get("rules") or ("all",):
        proto, ports = gcp_rule(str(spec))
        for p in ("tcp", "udp") if proto == "all" else (proto,):
            opened = evaluate(listed, p, ports if ports else (ALL_PORTS,)).open
            if not opened:
                continue
            sources = ", ".join([*(f"tag {t}" for t in fw.get("source_tags") or ()), *(fw.get("source_ranges") or ())])
            out.append(
                DerivedEdge(
                    REACHES,
                    consumer.id,
                    target.id,
                    str(fw["id"]),
                    f"firewall {fw['name']} (priority {fw.get('priority') or 1000}) allows {describe(p, opened)} "
                    f"from {sources}",
                    p,
                    describe(p, opened),
                    "the VPC network's routes",
                )
            )
    return out
