"""Azure and GCP network use: NSG rules between VMs of one (or a peered) VNet; firewall rules by tag and account.

Azure: an inbound Allow rule of a VM's subnet or NIC security group names its consumers by source: an address
range of /16 or narrower names the VMs of that VNet (or a peered one) whose subnet lies inside it, an
application security group the VMs one of whose NICs is in it (a rule with source groups has no source
prefix). A rule with destination application security groups applies only to a VM whose NIC is in one of
them. Every NSG on the way (the subnet's and the NIC's) is evaluated by priority with the exposure engine's
first-match rules for that source, and the edge carries the ports all of them let through.
GCP: an enabled ingress allow firewall with source tags, source service accounts (or a narrow source range)
names the instances of its network holding a tag, running as one of the accounts (or with an address in the
range); target service accounts limit it to the instances running as one of them. The firewalls applying to
the target are evaluated by priority, deny first on ties, for that source.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import REACHES
from queries.derived.model import DerivedEdge
from queries.derived.network_aws import names_consumers
from queries.nsg import applies_to, asg_ids, nsg_rule, rule_ports
from queries.ports import ALL_PORTS, Ranges, Rule, describe, evaluate, gcp_rule, protocol_name

__all__ = ["azure_edges_from_rows", "azure_network_edges", "gcp_edges_from_rows", "gcp_network_edges"]

_AZURE_VMS = """
MATCH (vm:AzureVirtualMachine)-[:HAS_NETWORK_INTERFACE]->(nic:AzureNetworkInterface)-[:IN_SUBNET]->(sn:AzureSubnet)
OPTIONAL MATCH (sn)-[:IN_VNET]->(v:AzureVirtualNetwork)
OPTIONAL MATCH (v)-[:PEERED_WITH]-(peer:AzureVirtualNetwork)
RETURN vm.id AS id, sn.address_prefix AS prefix, v.id AS vnet, collect(DISTINCT peer.id) AS peers,
       [(sn)-[:PROTECTED_BY]->(g:AzureNetworkSecurityGroup) | g.id] AS subnet_nsgs,
       [(nic)-[:PROTECTED_BY]->(g:AzureNetworkSecurityGroup) | g.id] AS nic_nsgs,
       coalesce(nic.application_security_groups, []) AS asgs
"""
_AZURE_RULES = """
MATCH (g:AzureNetworkSecurityGroup)-[:HAS_RULE]->(r:AzureSecurityRule {direction: 'Inbound'})
RETURN g.id AS nsg, g.name AS name,
       r {.id, .name, .priority, .access, .protocol, .destination_port_ranges, .source_prefixes,
                 .source_asgs, .destination_asgs} AS rule
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
    asgs: frozenset[str] = frozenset()  # lower-case ids of the application security groups the NIC is in


def _lower(values: Iterable[object] | None) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


def _applies_to(rule: Mapping[str, Any], provider: _Vm) -> bool:
    """Whether the rule's destination includes the provider (no destination groups, or one its NIC is in)."""
    return applies_to(rule, provider.asgs)


def _matches(rule: Mapping[str, Any], consumer: _Vm, provider: _Vm) -> bool:
    """Whether the rule applies to the provider and its sources include the consumer (a source group its NIC
    is in, a range around its subnet, or any VNet source)."""
    if not _applies_to(rule, provider):
        return False
    if consumer.asgs & asg_ids(rule.get("source_asgs")):
        return True
    sources = [str(s) for s in rule.get("source_prefixes") or ()]
    return any(s.lower() in _VNET_TAGS or _inside(consumer.prefix, s) for s in sources)


def _azure_open(
    consumer: _Vm, provider: _Vm, rules: Mapping[str, list[Mapping[str, Any]]], proto: str, ports: Ranges
) -> Ranges:
    for layer in provider.layers:
        if not layer:
            continue
        listed = [nsg_rule(r) for nsg in layer for r in rules.get(nsg, ()) if _matches(r, consumer, provider)]
        ports = evaluate(listed, proto, ports).open
        if not ports:
            return ()
    return ports


def azure_network_edges(graph: Graph, only: str | None = None, broad: bool = False) -> list[DerivedEdge]:
    """Every REACHES edge between VMs; ``only`` and ``broad`` as in ``aws_network_edges``."""
    return azure_edges_from_rows(graph.read(_AZURE_VMS), graph.read(_AZURE_RULES), only, broad)


def azure_edges_from_rows(
    vm_rows: Sequence[Mapping[str, Any]],
    rule_rows: Sequence[Mapping[str, Any]],
    only: str | None = None,
    broad: bool = False,
) -> list[DerivedEdge]:
    """The REACHES edges between VMs from the rows of ``_AZURE_VMS`` (one per NIC) and ``_AZURE_RULES``."""
    vms = [
        _Vm(
            str(r["id"]),
            str(r["prefix"] or ""),
            str(r["vnet"] or ""),
            frozenset(str(p) for p in r["peers"]),
            (tuple(r["subnet_nsgs"]), tuple(r["nic_nsgs"])),
            asg_ids(r.get("asgs")),
        )
        for r in vm_rows
    ]
    rules: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in rule_rows:
        rules[str(row["nsg"])].append(row["rule"])
        names[str(row["nsg"])] = str(row["name"])
    edges: list[DerivedEdge] = []
    for provider in vms:
        if only is not None and provider.id != only:
            continue
        for nsg in sorted({n for layer in provider.layers for n in layer}):
            for rule in rules.get(nsg, ()):
                if rule["access"] != "Allow" or not _applies_to(rule, provider):
                    continue
                for source in rule.get("source_prefixes") or ():
                    if not (names_consumers(str(source)) or broad):
                        continue
                    edges += _azure_rule_edges(provider, vms, rules, names[nsg], rule, str(source))
                for group in sorted(asg_ids(rule.get("source_asgs"))):
                    edges += _azure_rule_edges(provider, vms, rules, names[nsg], rule, group, by_group=True)
    return edges


def _azure_rule_edges(
    provider: _Vm,
    vms: Sequence[_Vm],
    rules: Mapping[str, list[Mapping[str, Any]]],
    nsg_name: str,
    rule: Mapping[str, Any],
    source: str,
    by_group: bool = False,
) -> list[DerivedEdge]:
    """The edges one Allow rule draws from ``source``: an address prefix, or (``by_group``) the lower-case id
    of an application security group."""
    proto = protocol_name(rule["protocol"])
    label = f"application security group {source.rsplit('/', 1)[-1]}" if by_group else source
    out = []
    for consumer in vms:
        if by_group:
            named = source in consumer.asgs
        else:
            named = _inside(consumer.prefix, source) or source.lower() in _VNET_TAGS
        if consumer.id == provider.id or not named:
            continue
        if consumer.vnet != provider.vnet and provider.vnet not in consumer.peers:
            continue
        protocols = ("tcp", "udp") if proto == "all" else (proto,)
        for p in protocols:
            opened = _azure_open(consumer, provider, rules, p, rule_ports(rule))
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
                    f"from {label}",
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
RETURN i.id AS id, coalesce(i.network_tags, []) AS tags, i.private_ip AS ip, coalesce(n1.id, n2.id) AS net,
       coalesce(i.service_accounts, []) AS accounts
"""
_GCP_FIREWALLS = """
MATCH (fw:GCPFirewall) WHERE fw.direction = 'INGRESS' AND NOT coalesce(fw.disabled, false)
RETURN fw {.id, .name, .priority, .action, .rules, .source_ranges, .source_tags, .source_service_accounts,
           .target_service_accounts} AS fw,
       [(fw)-[:APPLIES_TO]->(t:GCPComputeInstance) | t.id] AS targets
"""


@dataclass(frozen=True)
class _Instance:
    id: str
    tags: frozenset[str]
    ip: str
    net: str
    accounts: frozenset[str] = frozenset()  # lower-case emails of the service accounts it runs as


def _targets(fw: Mapping[str, Any], target: _Instance) -> bool:
    """Whether the firewall applies to the target (no target service accounts, or one it runs as)."""
    accounts = _lower(fw.get("target_service_accounts"))
    return not accounts or bool(accounts & target.accounts)


def _gcp_matches(fw: Mapping[str, Any], consumer: _Instance) -> bool:
    if consumer.tags & set(fw.get("source_tags") or ()):
        return True
    if consumer.accounts & _lower(fw.get("source_service_accounts")):
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
    return gcp_edges_from_rows(graph.read(_GCP_INSTANCES), graph.read(_GCP_FIREWALLS), only, broad)


def gcp_edges_from_rows(
    instance_rows: Sequence[Mapping[str, Any]],
    firewall_rows: Sequence[Mapping[str, Any]],
    only: str | None = None,
    broad: bool = False,
) -> list[DerivedEdge]:
    """The REACHES edges between instances from the rows of ``_GCP_INSTANCES`` and ``_GCP_FIREWALLS``."""
    instances = {
        str(r["id"]): _Instance(
            str(r["id"]),
            frozenset(r["tags"]),
            str(r["ip"] or ""),
            str(r["net"] or ""),
            _lower(r.get("accounts")),
        )
        for r in instance_rows
    }
    applying: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    firewalls = []
    for row in firewall_rows:
        firewalls.append((row["fw"], [str(t) for t in row["targets"]]))
        for target in row["targets"]:
            applying[str(target)].append(row["fw"])
    edges: list[DerivedEdge] = []
    for fw, targets in firewalls:
        if fw.get("action") != "allow":
            continue
        named_ranges = [r for r in fw.get("source_ranges") or () if broad or names_consumers(str(r))]
        if not fw.get("source_tags") and not fw.get("source_service_accounts") and not named_ranges:
            continue
        evidence = {**fw, "source_ranges": named_ranges}
        for target_id in targets:
            if only is not None and target_id != only:
                continue
            target = instances.get(target_id)
            if target is None or not _targets(fw, target):
                continue
            for consumer in instances.values():
                if consumer.id == target.id or consumer.net != target.net or not _gcp_matches(evidence, consumer):
                    continue
                edges += _gcp_edges(fw, consumer, target, applying[target.id])
    return edges


def _gcp_edges(
    fw: Mapping[str, Any], consumer: _Instance, target: _Instance, applying: Sequence[Mapping[str, Any]]
) -> list[DerivedEdge]:
    listed = _gcp_rules([f for f in applying if _targets(f, target) and _gcp_matches(f, consumer)])
    out = []
    for spec in fw.get("rules") or ("all",):
        proto, ports = gcp_rule(str(spec))
        for p in ("tcp", "udp") if proto == "all" else (proto,):
            opened = evaluate(listed, p, ports if ports else (ALL_PORTS,)).open
            if not opened:
                continue
            sources = ", ".join(
                [
                    *(f"tag {t}" for t in fw.get("source_tags") or ()),
                    *(f"service account {a}" for a in fw.get("source_service_accounts") or ()),
                    *(fw.get("source_ranges") or ()),
                ]
            )
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
