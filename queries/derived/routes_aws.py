"""AWS routing between VPCs: which route table sends a subnet's packets to another VPC, and back (pure on rows).

Two subnets of one VPC reach each other by its local route. Across VPCs, a packet from subnet S to subnet
D goes where S's route table sends D's range: its most specific route whose destination holds D's whole
range (longest prefix match; the table's routes are read from its ``routes`` property, every target
included, so a default route to an internet or NAT gateway shadows nothing more specific but wins over
nothing). The path exists when

- that route is active and targets a peering connection that is ``active`` and joins S's VPC and D's VPC,
  or a transit gateway to which both VPCs have an ``available`` VPC attachment; and
- D's route table sends S's range back to the same peering connection or transit gateway (replies follow
  the routes too).

A transit gateway's own route tables (associations and propagations) are not discovered: two VPCs attached
to the same gateway with routes to it on both sides are assumed to be routed to each other by it. The edge's
route text says so. A security group rule may name a group of a peered VPC in the same region (AWS allows
group references across peering there); across a transit gateway only address ranges name consumers.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "TGW_CAVEAT",
    "CrossRoute",
    "Gateway",
    "Route",
    "RouteBook",
    "Table",
    "book_from_rows",
    "longest_match",
    "parse_route",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
TGW_CAVEAT = "transit gateway route tables are not discovered: assumed to route between its attachments"


@dataclass(frozen=True)
class Route:
    """One route of a table: destination range, target id as the cloud names it (pcx-..., tgw-..., local), state."""

    destination: str
    target: str
    state: str

    @property
    def network(self) -> Network | None:
        try:
            return ipaddress.ip_network(self.destination, strict=False)
        except ValueError:
            return None


@dataclass(frozen=True)
class Table:
    id: str
    name: str
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class Gateway:
    """A peering connection or a transit gateway: what it joins, and whether it carries traffic."""

    id: str
    raw: str
    name: str
    kind: str  # "peering connection" or "transit gateway"
    up: bool
    vpcs: frozenset[str]
    same_region: bool = True

    def joins(self, a: str, b: str) -> bool:
        return self.up and a in self.vpcs and b in self.vpcs and a != b


@dataclass(frozen=True)
class CrossRoute:
    """The way from one VPC to another and back: the outgoing table and route, the gateway, the return."""

    out_table: Table
    out_route: Route
    gateway: Gateway
    back_table: Table
    back_route: Route

    @property
    def hops(self) -> tuple[str, str, str]:
        """Node ids of the hops: the source subnet's table, the peering or gateway, the target subnet's table."""
        return (self.out_table.id, self.gateway.id, self.back_table.id)

    def texts(self) -> tuple[str, str, str]:
        named = (
            self.gateway.name if self.gateway.name == self.gateway.raw else f"{self.gateway.name} ({self.gateway.raw})"
        )
        gw = f"{self.gateway.kind} {named}"
        caveat = f" ({TGW_CAVEAT})" if self.gateway.kind == "transit gateway" else ""
        return (
            f"route table {self.out_table.name} sends {self.out_route.destination} to {self.gateway.raw}",
            f"{gw} joins the two VPCs{caveat}",
            f"route table {self.back_table.name} sends {self.back_route.destination} back to {self.gateway.raw}",
        )

    def text(self) -> str:
        return "; ".join(self.texts())


def parse_route(text: str) -> Route | None:
    """'10.0.0.0/16 -> pcx-1 (active)' (the ``routes`` property of a RouteTable) -> Route."""
    destination, arrow, rest = text.partition(" -> ")
    if not arrow:
        return None
    target, _, state = rest.partition(" (")
    return Route(destination.strip(), target.strip(), state.rstrip(")").strip() or "unknown")


def _covers(route: Route, network: Network) -> bool:
    outer = route.network
    return outer is not None and outer.version == network.version and network.subnet_of(outer)  # type: ignore[arg-type]


def longest_match(routes: Iterable[Route], destination: Network) -> Route | None:
    """The route that decides where packets for the whole ``destination`` range go (most specific first)."""
    best: Route | None = None
    for route in routes:
        if _covers(route, destination) and (
            best is None or route.network.prefixlen > best.network.prefixlen  # type: ignore[union-attr]
        ):
            best = route
    return best


@dataclass(frozen=True)
class RouteBook:
    """Every subnet's route table and every peering connection and transit gateway, by the ids routes name."""

    tables: Mapping[str, Table]  # subnet id -> its table
    gateways: Mapping[str, Gateway]  # raw id (pcx-..., tgw-...) -> gateway

    def _hop(self, subnet: str, destination: Network, a_vpc: str, b_vpc: str) -> tuple[Table, Route, Gateway] | None:
        table = self.tables.get(subnet)
        if table is None:
            return None
        route = longest_match(table.routes, destination)
        if route is None or route.state != "active":
            return None
        gateway = self.gateways.get(route.target)
        if gateway is None or not gateway.joins(a_vpc, b_vpc):
            return None
        return table, route, gateway

    def cross(
        self,
        source: tuple[str, Network | None, str],
        target: tuple[str, Network | None, str],
        group_reference: bool = False,
    ) -> CrossRoute | None:
        """The way between two subnets of different VPCs, each given as (subnet id, range, VPC id); None when
        no route joins them both ways. ``group_reference``: the rule names a security group, which only a
        peering connection within one region carries."""
        (s_id, s_net, s_vpc), (t_id, t_net, t_vpc) = source, target
        if s_net is None or t_net is None or s_vpc == t_vpc:
            return None
        out = self._hop(s_id, t_net, s_vpc, t_vpc)
        back = self._hop(t_id, s_net, t_vpc, s_vpc)
        if out is None or back is None or out[2].raw != back[2].raw:
            return None
        gateway = out[2]
        if group_reference and (gateway.kind != "peering connection" or not gateway.same_region):
            return None
        return CrossRoute(out[0], out[1], gateway, back[0], back[1])

    def neighbours(self) -> dict[str, set[str]]:
        """VPC -> the VPCs a carrying peering connection or transit gateway joins it to."""
        out: dict[str, set[str]] = defaultdict(set)
        for gateway in self.gateways.values():
            for vpc in gateway.vpcs:
                out[vpc] |= gateway.vpcs - {vpc}
        return out


def book_from_rows(
    tables: Iterable[Mapping[str, Any]], peerings: Iterable[Mapping[str, Any]], gateways: Iterable[Mapping[str, Any]]
) -> RouteBook:
    by_subnet: dict[str, Table] = {}
    for row in tables:
        routes = tuple(r for r in (parse_route(str(t)) for t in row["routes"] or ()) if r is not None)
        by_subnet[str(row["subnet"])] = Table(str(row["id"]), str(row["name"] or row["id"]), routes)
    found: dict[str, Gateway] = {}
    for row in peerings:
        if row["raw"]:
            regions = {str(r) for r in row["regions"] or () if r}
            vpcs = frozenset(str(v) for v in row["vpcs"] or () if v)
            up = str(row["status"] or "").lower() == "active"
            found[str(row["raw"])] = Gateway(
                str(row["id"]), str(row["raw"]), str(row["name"]), "peering connection", up, vpcs, len(regions) <= 1
            )
    for row in gateways:
        if row["raw"]:
            up = str(row["state"] or "available").lower() in ("available", "modifying")
            vpcs = frozenset(str(v) for v in row["vpcs"] or () if v)
            found[str(row["raw"])] = Gateway(
                str(row["id"]), str(row["raw"]), str(row["name"]), "transit gateway", up, vpcs
            )
    return RouteBook(by_subnet, found)
