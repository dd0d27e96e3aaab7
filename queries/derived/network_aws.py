"""AWS network use: which workloads a security group rule lets connect to which workloads and databases.

For every ingress rule of a provider's security group that names its peer specifically (another group, or
an address range of /16 or narrower; 0.0.0.0/0 names no one), the consumers are the workloads of the same
VPC that are members of that group or sit in a subnet inside that range. The network ACLs of both subnets
are evaluated with the exposure engine's first-match rules (``queries.ports``): the consumer subnet's
egress entries towards the provider, the provider subnet's ingress entries from the consumer; the ports
the edge carries are those every layer lets through. Packets stay in the VPC (its local route).
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import NETWORK_CONSUMERS, NETWORK_PROVIDERS, REACHES
from queries.derived.model import DerivedEdge
from queries.ports import Ranges, acl_open, aws_ports, describe, intersect, is_internet, protocol_name

__all__ = ["MIN_PREFIX", "aws_network_edges", "names_consumers"]

MIN_PREFIX = 16  # an address range wider than this (10.0.0.0/8, 0.0.0.0/0) names no consumer

_NODES = """
MATCH (n:Resource) WHERE n.provider = 'aws' AND n.kind IN $kinds
RETURN n.id AS id, n.kind AS kind,
       [(n)-[:MEMBER_OF_SECURITY_GROUP]->(g:SecurityGroup) | g.id] AS groups,
       [(n)-[:MEMBER_OF_SECURITY_GROUP]->(:SecurityGroup)-[:IN_VPC]->(v:VPC) | v.id] AS group_vpcs,
       [(n)-[:IN_SUBNET]->(s:Subnet) | s {.id, .cidr_block, vpc: head([(s)-[:IN_VPC]->(v:VPC) | v.id])}] AS subnets
"""
_RULES = """
MATCH (g:SecurityGroup)-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) WHERE g.provider = 'aws'
RETURN g.id AS group_id, g.name AS group_name,
       r {.id, .protocol, .from_port, .to_port, .cidr, peer: head([(r)-[:ALLOWS_FROM]->(p:SecurityGroup) | p.id])}
       AS rule
"""
_ACLS = """
MATCH (acl:NetworkAcl)-[:ASSOCIATED_WITH]->(s:Subnet) WHERE acl.provider = 'aws'
RETURN s.id AS subnet, acl.id AS acl,
       [(acl)-[:HAS_ENTRY]->(e:NetworkAclEntry) |
        e {.id, .rule_number, .protocol, .rule_action, .cidr, .from_port, .to_port, .egress}] AS entries
"""


@dataclass(frozen=True)
class _Subnet:
    id: str
    cidr: ipaddress.IPv4Network | ipaddress.IPv6Network | None
    vpc: str


@dataclass(frozen=True)
class _Node:
    id: str
    kind: str
    groups: frozenset[str]
    vpcs: frozenset[str]
    subnets: tuple[_Subnet, ...]


def _network(text: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return None


def names_consumers(cidr: str | None) -> bool:
    """Whether an address range is narrow enough to name its sources (not the internet, not a /8)."""
    net = _network(cidr)
    return net is not None and not is_internet(cidr) and net.prefixlen >= MIN_PREFIX


def _inside(inner: ipaddress.IPv4Network | ipaddress.IPv6Network | None, outer: object) -> bool:
    other = _network(outer)
    return (
        inner is not None and other is not None and inner.version == other.version and inner.subnet_of(other)  # type: ignore[arg-type]
    )


def _node(row: Mapping[str, Any]) -> _Node:
    subnets = tuple(
        _Subnet(str(s["id"]), _network(s.get("cidr_block")), str(s.get("vpc") or ""))
        for s in row["subnets"]
        if s and s.get("id")
    )
    vpcs = {s.vpc for s in subnets if s.vpc} or {str(v) for v in row["group_vpcs"] if v}
    return _Node(str(row["id"]), str(row["kind"]), frozenset(str(g) for g in row["groups"]), frozenset(vpcs), subnets)


def _acl_open(
    entries: Sequence[Mapping[str, Any]],
    egress: bool,
    peer: ipaddress.IPv4Network | ipaddress.IPv6Network | None,
    proto: str,
    ports: Ranges,
) -> tuple[Ranges, str | None]:
    """What the ACL's entries of one direction let through to or from ``peer``, and the allowing entry."""
    return acl_open(
        (e for e in entries if bool(e.get("egress")) == egress and (peer is None or _inside(peer, e.get("cidr")))),
        proto,
        ports,
    )


def aws_network_edges(graph: Graph, only: str | None = None, broad: bool = False) -> list[DerivedEdge]:
    """Every REACHES edge; ``only``: into that resource alone; ``broad``: rules open to everyone count too (the
    question "can it connect", not "whom does the rule name")."""
    kinds = sorted({*NETWORK_CONSUMERS["aws"], *NETWORK_PROVIDERS["aws"]})
    nodes = [_node(r) for r in graph.read(_NODES, {"kinds": kinds})]
    consumers = [n for n in nodes if n.kind in NETWORK_CONSUMERS["aws"]]
    members: dict[str, list[_Node]] = defaultdict(list)
    for node in consumers:
        for group in node.groups:
            members[group].append(node)
    rules: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in graph.read(_RULES):
        rules[str(row["group_id"])].append(row["rule"])
        names[str(row["group_id"])] = str(row["group_name"] or row["group_id"])
    acls = {str(r["subnet"]): (str(r["acl"]), list(r["entries"])) for r in graph.read(_ACLS)}
    edges: list[DerivedEdge] = []
    for provider in nodes:
        if provider.kind not in NETWORK_PROVIDERS["aws"] or (only is not None and provider.id != only):
            continue
        for group in sorted(provider.groups):
            for rule in rules.get(group, ()):
                edges += _rule_edges(provider, group, names, rule, members, consumers, acls, broad)
    return edges


def _rule_edges(
    provider: _Node,
    group: str,
    names: Mapping[str, str],
    rule: Mapping[str, Any],
    members: Mapping[str, list[_Node]],
    consumers: Iterable[_Node],
    acls: Mapping[str, tuple[str, list[Mapping[str, Any]]]],
    broad: bool = False,
) -> list[DerivedEdge]:
    peer, cidr = rule.get("peer"), rule.get("cidr")
    if peer:
        found = [c for c in members.get(str(peer), ()) if c.vpcs & provider.vpcs]
        source = f"members of {names.get(str(peer), str(peer))}"
    elif names_consumers(cidr) or (broad and _network(cidr) is not None):
        found = [c for c in consumers if c.vpcs & provider.vpcs and any(_inside(s.cidr, cidr) for s in c.subnets)]
        source = str(cidr)
    else:
        return []
    proto = protocol_name(rule.get("protocol"))
    ports = aws_ports(rule.get("from_port"), rule.get("to_port"))
    out = []
    for consumer in found:
        if consumer.id == provider.id:
            continue
        opened, acl_note = _through_acls(consumer, provider, proto, ports, acls)
        if not opened:
            continue
        vpc = sorted(consumer.vpcs & provider.vpcs)[0].rsplit("/", 1)[-1]
        out.append(
            DerivedEdge(
                REACHES,
                consumer.id,
                provider.id,
                str(rule["id"]),
                f"{names.get(group, group)} admits {describe(proto, opened)} from {source}{acl_note}",
                proto,
                describe(proto, opened),
                f"local route of {vpc}",
            )
        )
    return out


def _through_acls(
    consumer: _Node,
    provider: _Node,
    proto: str,
    ports: Ranges,
    acls: Mapping[str, tuple[str, list[Mapping[str, Any]]]],
) -> tuple[Ranges, str]:
    """The ports both subnets' ACLs let through (consumer egress, provider ingress), and a note on them."""
    notes = []
    for side, peer_side, egress in ((consumer, provider, True), (provider, consumer, False)):
        subnets = [s for s in side.subnets if s.id in acls]
        if not subnets:
            continue
        best: Ranges = ()
        for subnet in subnets:
            _, entries = acls[subnet.id]
            peer_cidrs = [s.cidr for s in peer_side.subnets] or [None]
            for peer in peer_cidrs:
                opened, by = _acl_open(entries, egress, peer, proto, ports)
                if len(opened) > len(best) or (opened and not best):
                    best = opened
                    if by:
                        notes.append(f"; {'egress' if egress else 'ingress'} allowed by ACL entry {by}")
        ports = intersect(ports, best)
        if not ports:
            return (), ""
    return ports, "".join(dict.fromkeys(notes))
