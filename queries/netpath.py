"""Can A reach B on port P, and how: the network path between two resources, with what allows each hop.

The answer comes from the derived ``REACHES`` edges (``queries.derived``: the rule that names the source,
evaluated with every security layer on the way and the route); when none opens the port, the same
evaluation runs for the target alone with rules open to everyone counted too (a rule admitting 0.0.0.0/0
or ``*`` lets A connect even though it names no one). When A is the internet, the exposure engine
(``queries.exposure``) answers. Across VPCs the route is shown as its hops: the source subnet's route table,
the peering connection or transit gateway, and the target subnet's route table that sends replies back.
It is a network answer only: co-location, shared subnets or IAM grants never make a path
(``queries.paths.shortest_path`` answers "how are A and B related").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from queries.blast import root_ref
from queries.derived.model import DerivedEdge
from queries.derived.network_aws import aws_network_edges
from queries.derived.network_azure_gcp import azure_network_edges, gcp_network_edges
from queries.exposure import INTERNET, exposure_paths
from queries.model import REF_PROJECTION, NodeRef
from queries.ports import gcp_rule, intersect
from queries.traverse import refs_by_id

__all__ = ["NetworkHop", "NetworkPath", "network_path"]

PROTOCOLS = ("tcp", "udp")


@dataclass(frozen=True)
class NetworkHop:
    """One hop from the source towards the target, with what lets traffic through it."""

    node: NodeRef | None = field(metadata={"doc": "The resource of this hop; null for a rule that is not a resource."})
    allows: str = field(metadata={"doc": "Why traffic passes this hop, in words."})
    rule_id: str | None = field(default=None, metadata={"doc": "Id of the allowing rule, route or entry."})


@dataclass(frozen=True)
class NetworkPath:
    """Whether ``source`` can open a connection to ``target`` on ``protocol``/``port``, and through what."""

    source: NodeRef
    target: NodeRef
    protocol: str
    port: int
    reachable: bool
    hops: tuple[NetworkHop, ...]  # the first allowing path; empty when not reachable
    ports: str | None = field(default=None, metadata={"doc": "Every port the path lets through, e.g. 'tcp 5432'."})
    reason: str = field(default="", metadata={"doc": "Why not, when not reachable."})


_EDGES = (
    "MATCH (a:Resource {id: $a})-[r:REACHES]->(b:Resource {id: $b}) WHERE r.protocol IN [$protocol, 'all'] "
    "OPTIONAL MATCH (rule:SecurityGroupRule|AzureSecurityRule|GCPFirewall {id: r.via}) "
    "RETURN r.via AS via, r.reason AS reason, r.route AS route, r.route_hops AS route_hops, r.ports AS ports, "
    f"rule {REF_PROJECTION} AS rule "
    "ORDER BY r.via"
)


def _opens(ports_text: str | None, protocol: str, port: int) -> bool:
    if not ports_text:
        return False
    proto, _, spec = ports_text.partition(" ")
    _, ranges = gcp_rule(f"{proto}:{spec.replace('all', '0-65535')}")
    return bool(intersect(ranges, ((port, port),))) and proto in (protocol, "all")


def network_path(graph: Graph, from_id: str, to_id: str, port: int, protocol: str = "tcp") -> NetworkPath:
    """Whether ``from_id`` (a resource id, or ``internet``) reaches ``to_id`` on ``protocol``/``port``, and how."""
    if protocol not in PROTOCOLS:
        raise QueryInputError(f"protocol must be tcp or udp, got {protocol!r}")
    if not 0 <= port <= 65535:
        raise QueryInputError(f"port must be between 0 and 65535, got {port}")
    target = root_ref(graph, to_id)
    if from_id == INTERNET.id:
        return _from_internet(graph, target, port, protocol)
    source = root_ref(graph, from_id)
    rows = graph.read(_EDGES, {"a": source.id, "b": target.id, "protocol": protocol})
    for row in rows:
        if not _opens(row["ports"], protocol, port):
            continue
        rule = NodeRef.from_row(row["rule"]) if row["rule"] else None
        hops = (
            NetworkHop(source, "opens the connection"),
            *_route_hops(graph, row["route"], row["route_hops"]),
            NetworkHop(rule, str(row["reason"]), str(row["via"])),
            NetworkHop(target, f"accepts {row['ports']}"),
        )
        return NetworkPath(source, target, protocol, port, True, hops, row["ports"])
    for edge in _broad(graph, target):
        if edge.source == source.id and edge.protocol in (protocol, "all") and _opens(edge.ports, protocol, port):
            rule = refs_by_id(graph, [edge.via]).get(edge.via)
            hops = (
                NetworkHop(source, "opens the connection"),
                *_route_hops(graph, edge.route, edge.hops),
                NetworkHop(rule, f"{edge.reason} (open to everyone, names no consumer)", edge.via),
                NetworkHop(target, f"accepts {edge.ports}"),
            )
            return NetworkPath(source, target, protocol, port, True, hops, edge.ports)
    reached = ", ".join(sorted({str(r["ports"]) for r in rows}))
    why = (
        f"no rule lets it through on {protocol} {port} (it reaches {reached})"
        if rows
        else "no rule of the target's security layers names the source, or no route joins them"
    )
    return NetworkPath(source, target, protocol, port, False, (), None, why)


def _route_hops(graph: Graph, route: object, ids: Sequence[str] | None) -> tuple[NetworkHop, ...]:
    """The route as hops: within a VPC one hop (its local route); across VPCs the source subnet's route
    table, the peering connection or transit gateway, and the target subnet's route table (the way back)."""
    text = str(route or "route")
    if not ids:
        return (NetworkHop(None, text, None),)
    parts = text.split("; ")
    if len(parts) != len(ids):
        parts = [text] * len(ids)
    refs = refs_by_id(graph, list(ids))
    return tuple(NetworkHop(refs.get(i), part, i) for i, part in zip(ids, parts, strict=True))


def _broad(graph: Graph, target: NodeRef) -> list[DerivedEdge]:
    finder = {"aws": aws_network_edges, "azure": azure_network_edges, "gcp": gcp_network_edges}.get(target.provider)
    return finder(graph, only=target.id, broad=True) if finder else []


def _from_internet(graph: Graph, target: NodeRef, port: int, protocol: str) -> NetworkPath:
    for path in exposure_paths(graph, target.id):
        if path.protocol in (protocol, "all") and intersect(path.ports, ((port, port),)):
            hops = tuple(NetworkHop(h.node, h.allows, h.rule_id) for h in path.hops)
            return NetworkPath(INTERNET, target, protocol, port, True, hops, path.ports_text)
    return NetworkPath(INTERNET, target, protocol, port, False, (), None, "not exposed to the internet on that port")
