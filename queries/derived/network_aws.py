"""AWS network use: which workloads a security group rule lets connect to which workloads and databases.

For every ingress rule of a provider's security group that names its peer specifically (another group, or
an address range of /16 or narrower; 0.0.0.0/0 names no one), the consumers are the workloads that are
members of that group or sit in a subnet inside that range. Within one VPC packets follow its local
route; across VPCs a route must carry them both ways (``queries.derived.routes_aws``: the consumer
subnet's table sends the provider's range to an active peering connection or to a transit gateway both
VPCs are attached to, and the provider subnet's table sends the consumer's range back to it; a group
reference only crosses a peering within one region). The network ACLs of both subnets are evaluated with
the exposure engine's first-match rules (``queries.ports``): the consumer subnet's egress entries towards
the provider, the provider subnet's ingress entries from the consumer; the ports the edge carries are
those every layer lets through. The edge's ``route`` names the local route, or the two tables and the
peering or gateway (``route_hops`` their ids); its ``reason`` the rule, the ACL entries and the route.

``load_network`` reads the rows once; ``network_edges`` computes from them, for every provider or only
for the providers of some VPCs; ``vpc_digests`` fingerprints, per VPC, every row an edge into that VPC's
providers is computed from (with the VPCs a gateway joins it to, that is every input of those edges).
"""

from __future__ import annotations

import ipaddress
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from hashlib import blake2b
from typing import Any

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import NETWORK_CONSUMERS, NETWORK_PROVIDERS, REACHES
from queries.derived.model import DerivedEdge
from queries.derived.routes_aws import CrossRoute, RouteBook, book_from_rows
from queries.ports import Ranges, acl_open, aws_ports, describe, intersect, is_internet, protocol_name

__all__ = [
    "MIN_PREFIX",
    "AwsNetwork",
    "affected_vpcs",
    "aws_network_edges",
    "load_network",
    "names_consumers",
    "network_edges",
    "network_from_rows",
    "providers_in",
    "vpc_digests",
]

MIN_PREFIX = 16  # an address range wider than this (10.0.0.0/8, 0.0.0.0/0) names no consumer

_NODES = """
MATCH (n:Resource) WHERE n.provider = 'aws' AND n.kind IN $kinds
RETURN n.id AS id, n.kind AS kind, n.region AS region,
       [(n)-[:MEMBER_OF_SECURITY_GROUP]->(g:SecurityGroup) | g.id] AS groups,
       [(n)-[:MEMBER_OF_SECURITY_GROUP]->(:SecurityGroup)-[:IN_VPC]->(v:VPC) | v.id] AS group_vpcs,
       [(n)-[:IN_SUBNET]->(s:Subnet) | s {.id, .cidr_block, vpc: head([(s)-[:IN_VPC]->(v:VPC) | v.id])}] AS subnets
"""
_RULES = """
MATCH (g:SecurityGroup)-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) WHERE g.provider = 'aws'
RETURN g.id AS group_id, g.name AS group_name, head([(g)-[:IN_VPC]->(v:VPC) | v.id]) AS vpc,
       r {.id, .protocol, .from_port, .to_port, .cidr, peer: head([(r)-[:ALLOWS_FROM]->(p:SecurityGroup) | p.id])}
       AS rule
"""
_ACLS = """
MATCH (acl:NetworkAcl)-[:ASSOCIATED_WITH]->(s:Subnet) WHERE acl.provider = 'aws'
RETURN s.id AS subnet, acl.id AS acl,
       [(acl)-[:HAS_ENTRY]->(e:NetworkAclEntry) |
        e {.id, .rule_number, .protocol, .rule_action, .cidr, .from_port, .to_port, .egress}] AS entries
"""
_TABLES = """
MATCH (rt:RouteTable)-[:ASSOCIATED_WITH]->(s:Subnet) WHERE rt.provider = 'aws'
RETURN s.id AS subnet, rt.id AS id, coalesce(rt.name, rt.route_table_id) AS name, rt.routes AS routes
"""
_PEERINGS = """
MATCH (p:VPCPeeringConnection) WHERE p.provider = 'aws'
RETURN p.id AS id, p.vpc_peering_connection_id AS raw, coalesce(p.name, p.vpc_peering_connection_id) AS name,
       p.status AS status, [(p)-[:REQUESTER_VPC|ACCEPTER_VPC]->(v:VPC) | v.id] AS vpcs,
       [p.requester_region, p.accepter_region] AS regions
"""
_GATEWAYS = """
MATCH (t:TransitGateway) WHERE t.provider = 'aws'
RETURN t.id AS id, t.transit_gateway_id AS raw, coalesce(t.name, t.transit_gateway_id) AS name, t.state AS state,
       [(a:TransitGatewayAttachment)-[:ATTACHES_VPC]->(v:VPC)
        WHERE a.transit_gateway_id = t.transit_gateway_id AND a.state IN ['available', 'modifying'] | v.id] AS vpcs
"""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Acls = Mapping[str, tuple[str, list[Mapping[str, Any]]]]


@dataclass(frozen=True)
class _Subnet:
    id: str
    cidr: Network | None
    vpc: str


@dataclass(frozen=True)
class _Node:
    id: str
    kind: str
    groups: frozenset[str]
    vpcs: frozenset[str]
    subnets: tuple[_Subnet, ...]
    region: str = ""


@dataclass(frozen=True)
class AwsNetwork:
    """The rows the AWS network edges are computed from, read once."""

    nodes: tuple[_Node, ...]
    rules: Mapping[str, tuple[Mapping[str, Any], ...]]  # group id -> its ingress rules
    names: Mapping[str, str]  # group id -> name
    group_vpcs: Mapping[str, str]  # group id -> its VPC
    acls: Acls  # subnet id -> (acl id, entries)
    routes: RouteBook
    raw: Mapping[str, tuple[Mapping[str, Any], ...]]  # query name -> rows, for the digests


def _network(text: object) -> Network | None:
    try:
        return ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return None


def names_consumers(cidr: str | None) -> bool:
    """Whether an address range is narrow enough to name its sources (not the internet, not a /8)."""
    net = _network(cidr)
    return net is not None and not is_internet(cidr) and net.prefixlen >= MIN_PREFIX


def _inside(inner: Network | None, outer: object) -> bool:
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
    return _Node(
        str(row["id"]),
        str(row["kind"]),
        frozenset(str(g) for g in row["groups"]),
        frozenset(vpcs),
        subnets,
        str(row.get("region") or ""),
    )


def network_from_rows(raw: Mapping[str, Sequence[Mapping[str, Any]]]) -> AwsNetwork:
    """The network from the rows of each query (``nodes``, ``rules``, ``acls``, ``tables``, ``peerings``,
    ``gateways``)."""
    rules: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    group_vpcs: dict[str, str] = {}
    for row in raw["rules"]:
        group = str(row["group_id"])
        rules[group].append(row["rule"])
        names[group] = str(row["group_name"] or group)
        if row.get("vpc"):
            group_vpcs[group] = str(row["vpc"])
    return AwsNetwork(
        tuple(_node(r) for r in raw["nodes"]),
        {g: tuple(rs) for g, rs in rules.items()},
        names,
        group_vpcs,
        {str(r["subnet"]): (str(r["acl"]), list(r["entries"])) for r in raw["acls"]},
        book_from_rows(raw["tables"], raw["peerings"], raw["gateways"]),
        {k: tuple(v) for k, v in raw.items()},
    )


def load_network(graph: Graph) -> AwsNetwork:
    kinds = sorted({*NETWORK_CONSUMERS["aws"], *NETWORK_PROVIDERS["aws"]})
    raw = {
        "nodes": graph.read(_NODES, {"kinds": kinds}),
        "rules": graph.read(_RULES),
        "acls": graph.read(_ACLS),
        "tables": graph.read(_TABLES),
        "peerings": graph.read(_PEERINGS),
        "gateways": graph.read(_GATEWAYS),
    }
    return network_from_rows(raw)


def providers_in(net: AwsNetwork, vpcs: Collection[str]) -> set[str]:
    """Ids of the providers with a subnet (or group) in one of ``vpcs``."""
    return {n.id for n in net.nodes if n.kind in NETWORK_PROVIDERS["aws"] and n.vpcs & set(vpcs)}


def vpc_digests(net: AwsNetwork) -> dict[str, str]:
    """VPC -> fingerprint of the rows about it: its workloads (groups, subnets), the rules of the groups its
    workloads belong to, its subnets' ACLs and route tables, the peerings and gateways joining it."""
    parts: dict[str, list[str]] = defaultdict(list)
    subnet_vpc: dict[str, str] = {}
    group_vpcs: dict[str, set[str]] = defaultdict(set)
    for group, vpc in net.group_vpcs.items():
        group_vpcs[group].add(vpc)
    for row, node in zip(net.raw["nodes"], net.nodes, strict=True):
        for s in node.subnets:
            subnet_vpc[s.id] = s.vpc
        for group in node.groups:
            group_vpcs[group] |= node.vpcs
        for vpc in node.vpcs:
            parts[vpc].append(_canonical(row))
    for row in net.raw["rules"]:
        for vpc in group_vpcs.get(str(row["group_id"]), ()):
            parts[vpc].append(_canonical(row))
    for key in ("acls", "tables"):
        for row in net.raw[key]:
            owner = subnet_vpc.get(str(row["subnet"]))
            if owner:
                parts[owner].append(_canonical(row))
    for key in ("peerings", "gateways"):
        for row in net.raw[key]:
            for vpc in row["vpcs"] or ():
                parts[str(vpc)].append(_canonical(row))
    return {vpc: blake2b("\n".join(sorted(p)).encode(), digest_size=12).hexdigest() for vpc, p in parts.items()}


def _canonical(row: Mapping[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def affected_vpcs(net: AwsNetwork, changed: Iterable[str]) -> set[str]:
    """The VPCs whose providers' edges may differ: the changed ones and those a gateway joins them to."""
    out = set(changed)
    neighbours = net.routes.neighbours()
    for vpc in list(out):
        out |= neighbours.get(vpc, set())
    return out


def _acl_open(
    entries: Sequence[Mapping[str, Any]], egress: bool, peer: Network | None, proto: str, ports: Ranges
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
    return network_edges(load_network(graph), only=only, broad=broad)


def network_edges(
    net: AwsNetwork, only: str | None = None, broad: bool = False, vpcs: Collection[str] | None = None
) -> list[DerivedEdge]:
    """The REACHES edges into every provider (``only``: that one; ``vpcs``: those with a subnet in them)."""
    consumers = [n for n in net.nodes if n.kind in NETWORK_CONSUMERS["aws"]]
    members: dict[str, list[_Node]] = defaultdict(list)
    for node in consumers:
        for group in node.groups:
            members[group].append(node)
    by_vpc: dict[str, list[_Node]] = defaultdict(list)
    for node in consumers:
        for vpc in node.vpcs:
            by_vpc[vpc].append(node)
    joined = net.routes.neighbours()
    wanted = None if vpcs is None else set(vpcs)
    edges: list[DerivedEdge] = []
    for provider in net.nodes:
        if provider.kind not in NETWORK_PROVIDERS["aws"] or (only is not None and provider.id != only):
            continue
        if wanted is not None and not provider.vpcs & wanted:
            continue
        # only consumers of its VPCs and of the VPCs a peering or gateway joins to them can reach it
        near = set(provider.vpcs).union(*(joined.get(v, set()) for v in provider.vpcs))
        nearby = list({c.id: c for v in sorted(near) for c in by_vpc.get(v, ())}.values())
        for group in sorted(provider.groups):
            for rule in net.rules.get(group, ()):
                edges += _rule_edges(net, provider, group, rule, members, nearby, near, broad)
    return edges


@dataclass(frozen=True)
class _Way:
    """How a consumer's packets get to a provider: within one VPC, or by a route across VPCs."""

    consumer: _Node
    provider: _Node
    cross: CrossRoute | None
    vpc: str


def _way(net: AwsNetwork, consumer: _Node, provider: _Node, cidr: object, group_reference: bool) -> _Way | None:
    """The local way when they share a VPC; else the first routed pair of subnets (the consumer's inside the
    rule's range when it names one), both ends narrowed to the subnets of that pair."""
    shared = consumer.vpcs & provider.vpcs
    if shared:
        return _Way(consumer, provider, None, sorted(shared)[0])
    for c in sorted(consumer.subnets, key=lambda s: s.id):
        if cidr is not None and not _inside(c.cidr, cidr):
            continue
        for p in sorted(provider.subnets, key=lambda s: s.id):
            route = net.routes.cross((c.id, c.cidr, c.vpc), (p.id, p.cidr, p.vpc), group_reference)
            if route is not None:
                return _Way(replace(consumer, subnets=(c,)), replace(provider, subnets=(p,)), route, p.vpc)
    return None


def _rule_edges(
    net: AwsNetwork,
    provider: _Node,
    group: str,
    rule: Mapping[str, Any],
    members: Mapping[str, list[_Node]],
    consumers: Iterable[_Node],
    near: set[str],
    broad: bool = False,
) -> list[DerivedEdge]:
    """The edges one rule of the provider's group makes: ``consumers`` are those of the VPCs in ``near``."""
    peer, cidr = rule.get("peer"), rule.get("cidr")
    ways: list[_Way] = []
    if peer:
        source = f"members of {net.names.get(str(peer), str(peer))}"
        candidates = [c for c in members.get(str(peer), ()) if c.id != provider.id and c.vpcs & near]
        ways = [w for c in candidates if (w := _way(net, c, provider, None, True)) is not None]
    elif names_consumers(cidr) or (broad and _network(cidr) is not None):
        source = str(cidr)
        for c in consumers:
            if c.id == provider.id or not any(_inside(s.cidr, cidr) for s in c.subnets):
                continue
            way = _way(net, c, provider, cidr, False)
            if way is not None:
                ways.append(way)
    else:
        return []
    proto = protocol_name(rule.get("protocol"))
    ports = aws_ports(rule.get("from_port"), rule.get("to_port"))
    out = []
    for way in ways:
        opened, acl_note = _through_acls(way.consumer, way.provider, proto, ports, net.acls)
        if not opened:
            continue
        opens = describe(proto, opened)
        reason = f"{net.names.get(group, group)} admits {opens} from {source}{acl_note}"
        hops: tuple[str, ...] = ()
        if way.cross is None:
            route = f"local route of {way.vpc.rsplit('/', 1)[-1]}"
        else:
            route, hops = way.cross.text(), way.cross.hops
            reason = f"{reason}; {route}"
        out.append(
            DerivedEdge(
                REACHES,
                way.consumer.id,
                provider.id,
                str(rule["id"]),
                reason,
                proto,
                opens,
                route,
                hops=hops,
                scope=way.vpc,
            )
        )
    return out


def _through_acls(consumer: _Node, provider: _Node, proto: str, ports: Ranges, acls: Acls) -> tuple[Ranges, str]:
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
