"""Internet exposure: port-aware paths from the internet to a resource, each hop with the rule that allows it.

AWS: Internet -> internet gateway -> route table with a 0.0.0.0/0 (or ::/0) route to it -> subnet
-> network ACL (ingress entries from 0.0.0.0/0, first match by rule number) -> security group rule
(ingress from 0.0.0.0/0 or ::/0) -> the instance, interface or internet-facing load balancer.
Azure: Internet -> public IP -> NIC -> subnet NSG and NIC NSG (inbound rules from Internet/*/0.0.0.0/0
that apply to the NIC: a rule aimed at application security groups only to their members, ``queries.nsg``;
by priority, both must allow) -> VM; or Internet -> public IP -> load balancer -> its load-balancing or
inbound NAT rule (frontend port -> backend port) -> backend pool member or NAT target NIC -> the same NSGs,
evaluated on the backend port -> VM. GCP: Internet -> network -> firewall rules applying to the
instance (ingress from 0.0.0.0/0, by priority, deny first on ties) -> instance with an external IP.
The ports reported are those every layer lets through. Which kinds are exposed is declared on the kinds
(``NodeKind.entry_point``): the AWS and GCP walks end at the provider's kinds exposed through their network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from queries.model import REF_FIELDS, REF_PROJECTION, NodeRef
from queries.nsg import applies_to, asg_ids, from_internet, nsg_rule
from queries.ports import (
    ALL_PORTS,
    Ranges,
    Rule,
    acl_open,
    aws_ports,
    describe,
    evaluate,
    gcp_rule,
    is_internet,
    protocol_name,
)

MAX_FIRST = 1000
INTERNET = NodeRef("internet", "Internet", "Internet", "any", "", "global")


@dataclass(frozen=True)
class ExposureHop:
    """One hop from the internet towards the resource, with what allows it."""

    node: NodeRef
    allows: str  # why traffic passes this hop
    rule_id: str | None = None


@dataclass(frozen=True)
class ExposurePath:
    """An internet exposure path: the ports every layer lets through."""

    resource: NodeRef
    protocol: str
    ports: Ranges
    hops: tuple[ExposureHop, ...]

    @property
    def ports_text(self) -> str:
        """Open ports, e.g. 'tcp 22,80' or 'tcp all'."""
        return describe(self.protocol, self.ports)


def _ref(row: Mapping[str, Any]) -> NodeRef:
    return NodeRef.from_row(row)


def network_entries(provider: str, var: str) -> str:
    """A Cypher test for ``var`` being one of the provider's kinds that the internet reaches through its network."""
    tests = [
        entry.cypher(var, label)
        for label, entry in SCHEMA.entry_points()
        if entry.in_network and SCHEMA.node(label).provider == provider
    ]
    return "(" + " OR ".join(tests or ["false"]) + ")"


_AWS_ROUTE = """MATCH (igw:InternetGateway)<-[route:ROUTES_TO]-(rt:RouteTable)-[:ASSOCIATED_WITH]->(sn:Subnet)
WHERE any(c IN coalesce(route.destination_cidrs, []) + coalesce(route.destination_ipv6_cidrs, [])
          WHERE c IN ['0.0.0.0/0', '::/0'])"""
_AWS_RES = f"""MATCH (res:Resource)-[:IN_SUBNET]->(sn)
WHERE {network_entries("aws", "res")}
  AND ($id IS NULL OR res.id = $id) AND ($account IS NULL OR res.account = $account)"""
# With an id the walk starts at the resource (an index seek), else at the internet gateways.
_AWS_ANCHOR = "MATCH (res:Resource {id: $id})-[:IN_SUBNET]->(sn:Subnet) WITH res, sn "
_AWS_TAIL = f"""
MATCH (res)-[:MEMBER_OF_SECURITY_GROUP]->(sg:SecurityGroup)-[:HAS_RULE]->(rule:SecurityGroupRule)
WHERE rule.direction = 'ingress' AND rule.cidr IN ['0.0.0.0/0', '::/0']
OPTIONAL MATCH (acl:NetworkAcl)-[:ASSOCIATED_WITH]->(sn)
RETURN igw {REF_PROJECTION} AS igw, rt {REF_PROJECTION} AS rt, sn {REF_PROJECTION} AS sn,
       res {{{REF_FIELDS}, .public_ip, .scheme}} AS res, sg {REF_PROJECTION} AS sg,
       rule {{.id, .protocol, .from_port, .to_port, .cidr}} AS rule, acl {REF_PROJECTION} AS acl,
       [(acl)-[:HAS_ENTRY]->(e:NetworkAclEntry) WHERE NOT e.egress |
        e {{.id, .rule_number, .protocol, .rule_action, .cidr, .from_port, .to_port}}] AS entries
ORDER BY res.id, rule.id, igw.id
"""
_AWS = f"{_AWS_ROUTE}\n{_AWS_RES}{_AWS_TAIL}"
_AWS_BY_ID = (
    f"{_AWS_ANCHOR}{_AWS_ROUTE}\n{_AWS_RES.replace('MATCH (res:Resource)-[:IN_SUBNET]->(sn)', 'WITH *')}{_AWS_TAIL}"
)


def _aws_paths(rows: Sequence[Mapping[str, Any]]) -> list[ExposurePath]:
    out: list[ExposurePath] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        rule = row["rule"]
        key = (row["res"]["id"], rule["id"])
        if key in seen:  # several gateways or route tables: keep the first
            continue
        proto = protocol_name(rule["protocol"])
        ports = aws_ports(rule["from_port"], rule["to_port"])
        acl_hop: ExposureHop | None = None
        if row["acl"] is not None:
            ports, allowed_by = acl_open((e for e in row["entries"] if is_internet(e.get("cidr"))), proto, ports)
            if not ports:
                continue
            acl_hop = ExposureHop(
                _ref(row["acl"]), f"ingress from 0.0.0.0/0 allows {describe(proto, ports)}", allowed_by
            )
        seen.add(key)
        res = row["res"]
        if res.get("scheme") == "internet-facing":
            reach = "internet-facing"
        elif res.get("public_ip"):
            reach = f"public IP {res['public_ip']}"
        else:
            reach = "publicly accessible"
        hops = [
            ExposureHop(INTERNET, "the internet"),
            ExposureHop(_ref(row["igw"]), "internet gateway of the VPC"),
            ExposureHop(_ref(row["rt"]), "route to the internet gateway for 0.0.0.0/0"),
            ExposureHop(_ref(row["sn"]), "subnet associated with that route table"),
            *([acl_hop] if acl_hop else [ExposureHop(_ref(row["sn"]), "no network ACL recorded for the subnet")]),
            ExposureHop(_ref(row["sg"]), f"ingress {describe(proto, ports)} from {rule['cidr']}", rule["id"]),
            ExposureHop(_ref(res), reach),
        ]
        out.append(ExposurePath(_ref(res), proto, ports, tuple(hops)))
    return out


_AZURE = f"""
MATCH (vm:AzureVirtualMachine)-[:HAS_NETWORK_INTERFACE]->(nic:AzureNetworkInterface)-[:HAS_PUBLIC_IP]->
      (pip:AzurePublicIPAddress)
WHERE ($id IS NULL OR vm.id = $id) AND ($account IS NULL OR vm.account = $account)
OPTIONAL MATCH (nic)-[:IN_SUBNET]->(sn:AzureSubnet)
OPTIONAL MATCH (sn)-[:PROTECTED_BY]->(snsg:AzureNetworkSecurityGroup)
OPTIONAL MATCH (nic)-[:PROTECTED_BY]->(nnsg:AzureNetworkSecurityGroup)
WITH vm, nic, pip, sn, snsg, nnsg
RETURN vm {REF_PROJECTION} AS vm, nic {REF_PROJECTION} AS nic, pip {{{REF_FIELDS}, .ip_address}} AS pip,
       coalesce(nic.application_security_groups, []) AS nic_asgs,
       sn {REF_PROJECTION} AS sn, snsg {REF_PROJECTION} AS snsg, nnsg {REF_PROJECTION} AS nnsg,
       [(snsg)-[:HAS_RULE]->(r:AzureSecurityRule {{direction: 'Inbound'}}) | r {{.*}}] AS snsg_rules,
       [(nnsg)-[:HAS_RULE]->(r:AzureSecurityRule {{direction: 'Inbound'}}) | r {{.*}}] AS nnsg_rules
ORDER BY vm.id, nic.id, pip.id
"""


_AZURE_LB = f"""
MATCH (pip:AzurePublicIPAddress)<-[:HAS_PUBLIC_IP]-(lb:AzureLoadBalancer)-[:HAS_RULE]->(rule:AzureLoadBalancerRule)
MATCH (rule)-[:ROUTES_TO]->(target)
OPTIONAL MATCH (target:AzureLoadBalancerBackendPool)-[:ROUTES_TO]->(member:AzureNetworkInterface)
WITH pip, lb, rule, CASE WHEN target:AzureNetworkInterface THEN target ELSE member END AS nic
MATCH (vm:AzureVirtualMachine)-[:HAS_NETWORK_INTERFACE]->(nic)
WHERE ($id IS NULL OR vm.id = $id) AND ($account IS NULL OR vm.account = $account)
OPTIONAL MATCH (nic)-[:IN_SUBNET]->(sn:AzureSubnet)
OPTIONAL MATCH (sn)-[:PROTECTED_BY]->(snsg:AzureNetworkSecurityGroup)
OPTIONAL MATCH (nic)-[:PROTECTED_BY]->(nnsg:AzureNetworkSecurityGroup)
WITH DISTINCT vm, nic, pip, lb, rule, sn, snsg, nnsg
RETURN vm {REF_PROJECTION} AS vm, nic {REF_PROJECTION} AS nic, pip {{{REF_FIELDS}, .ip_address}} AS pip,
       coalesce(nic.application_security_groups, []) AS nic_asgs,
       lb {REF_PROJECTION} AS lb, sn {REF_PROJECTION} AS sn, snsg {REF_PROJECTION} AS snsg,
       nnsg {REF_PROJECTION} AS nnsg,
       rule {{{REF_FIELDS}, .rule_type, .protocol, .frontend_port, .frontend_port_end, .backend_port}} AS rule,
       [(snsg)-[:HAS_RULE]->(r:AzureSecurityRule {{direction: 'Inbound'}}) | r {{.*}}] AS snsg_rules,
       [(nnsg)-[:HAS_RULE]->(r:AzureSecurityRule {{direction: 'Inbound'}}) | r {{.*}}] AS nnsg_rules
ORDER BY vm.id, rule.id, nic.id, pip.id
"""


def _nsg_rules(rules: Sequence[Mapping[str, Any]], nic_asgs: frozenset[str]) -> list[Rule]:
    """The inbound rules that decide traffic from the internet to a NIC in the groups ``nic_asgs``."""
    return [nsg_rule(r) for r in rules if from_internet(r) and applies_to(r, nic_asgs)]


def _azure_nsg_hops(row: Mapping[str, Any], proto: str, ports: Ranges) -> tuple[Ranges, list[ExposureHop]]:
    """The ports of ``ports`` the subnet NSG and the NIC NSG both let in from the internet, with their hops."""
    hops = []
    for nsg_key, rules_key, where in (("snsg", "snsg_rules", "subnet"), ("nnsg", "nnsg_rules", "NIC")):
        if row[nsg_key] is None:
            continue
        verdict = evaluate(_nsg_rules(row[rules_key], asg_ids(row.get("nic_asgs"))), proto, ports)
        ports = verdict.open
        rule_id = verdict.allowed_by[0] if verdict.allowed_by else None
        hops.append(
            ExposureHop(_ref(row[nsg_key]), f"{where} NSG allows {describe(proto, ports)} from Internet", rule_id)
        )
    return ports, hops


def _azure_lb_paths(rows: Sequence[Mapping[str, Any]]) -> list[ExposurePath]:
    """VMs reached through a public load balancer's rules: the backend ports the NSGs let in."""
    out = []
    for row in rows:
        rule = row["rule"]
        backend, front = rule.get("backend_port"), rule.get("frontend_port")
        if not isinstance(backend, int):
            continue
        wanted: Ranges = (ALL_PORTS,) if backend == 0 else ((backend, backend),)
        end = rule.get("frontend_port_end")
        frontend = f"{front}-{end}" if isinstance(end, int) and end != front else str(front)
        for proto in ("tcp", "udp"):
            if protocol_name(rule.get("protocol")) not in (proto, "all"):
                continue
            ports, nsg_hops = _azure_nsg_hops(row, proto, wanted)
            if not ports:
                continue
            kind = "inbound NAT rule" if rule.get("rule_type") != "LoadBalancingRule" else "load-balancing rule"
            hops = (
                ExposureHop(INTERNET, "the internet"),
                ExposureHop(_ref(row["pip"]), f"public IP {row['pip'].get('ip_address') or '(dynamic)'}"),
                ExposureHop(_ref(row["lb"]), "load balancer frontend using the public IP"),
                ExposureHop(_ref(rule), f"{kind} {proto} {frontend} -> {backend}", str(rule["id"])),
                ExposureHop(_ref(row["nic"]), "NIC the rule sends traffic to"),
                *nsg_hops,
                ExposureHop(_ref(row["vm"]), "VM of the NIC"),
            )
            out.append(ExposurePath(_ref(row["vm"]), proto, ports, hops))
    return out


def _azure_paths(rows: Sequence[Mapping[str, Any]]) -> list[ExposurePath]:
    out = []
    for row in rows:
        for proto in ("tcp", "udp"):
            ports, nsg_hops = _azure_nsg_hops(row, proto, (ALL_PORTS,))
            if not ports:
                continue
            hops = (
                ExposureHop(INTERNET, "the internet"),
                ExposureHop(_ref(row["pip"]), f"public IP {row['pip'].get('ip_address') or '(dynamic)'}"),
                ExposureHop(_ref(row["nic"]), "NIC using the public IP"),
                *nsg_hops,
                ExposureHop(_ref(row["vm"]), "VM of the NIC"),
            )
            out.append(ExposurePath(_ref(row["vm"]), proto, ports, hops))
    return out


_GCP = f"""
MATCH (i:Resource) WHERE {network_entries("gcp", "i")}
  AND ($id IS NULL OR i.id = $id) AND ($account IS NULL OR i.account = $account)
OPTIONAL MATCH (i)-[:IN_SUBNETWORK]->(:GCPSubnetwork)-[:IN_NETWORK]->(n1:GCPNetwork)
OPTIONAL MATCH (i)-[:IN_NETWORK]->(n2:GCPNetwork)
WITH i, coalesce(n1, n2) AS net
RETURN i {{{REF_FIELDS}, .public_ip}} AS i, net {REF_PROJECTION} AS net,
       [(fw:GCPFirewall)-[:APPLIES_TO]->(i) WHERE fw.direction = 'INGRESS' AND NOT coalesce(fw.disabled, false) |
        fw {{{REF_FIELDS}, .priority, .action, .rules, .source_ranges}}] AS firewalls
ORDER BY i.id
"""


def _gcp_paths(rows: Sequence[Mapping[str, Any]]) -> list[ExposurePath]:
    out = []
    for row in rows:
        rules: list[Rule] = []
        by_id = {}
        for fw in sorted(
            row["firewalls"], key=lambda f: (f.get("priority") or 1000, f.get("action") != "deny", f["id"])
        ):
            if not any(is_internet(s) for s in fw.get("source_ranges") or ()):
                continue
            by_id[fw["id"]] = fw
            allow = fw.get("action") == "allow"
            for spec in fw.get("rules") or ("all",):
                proto, ports = gcp_rule(spec)
                rules.append(Rule((int(fw.get("priority") or 1000), 1 if allow else 0), allow, proto, ports, fw["id"]))
        for proto in ("tcp", "udp"):
            verdict = evaluate(rules, proto)
            if not verdict.open:
                continue
            allowing = [by_id[i] for i in dict.fromkeys(verdict.allowed_by)]
            fw_hops = [
                ExposureHop(
                    _ref(fw), f"firewall allows {', '.join(fw.get('rules') or ('all',))} from 0.0.0.0/0", fw["id"]
                )
                for fw in allowing
            ]
            hops = (
                ExposureHop(INTERNET, "the internet"),
                *([ExposureHop(_ref(row["net"]), "VPC network of the instance")] if row["net"] else []),
                *fw_hops,
                ExposureHop(_ref(row["i"]), f"external IP {row['i'].get('public_ip')}"),
            )
            out.append(ExposurePath(_ref(row["i"]), proto, verdict.open, hops))
    return out


def exposure_paths(
    graph: Graph,
    resource_id: str | None = None,
    provider: str | None = None,
    account: str | None = None,
    first: int = 100,
) -> tuple[ExposurePath, ...]:
    """Internet exposure paths of one resource, or of every resource (of a provider / account), by resource id."""
    if not 1 <= first <= MAX_FIRST:
        raise QueryInputError(f"first must be between 1 and {MAX_FIRST}, got {first}")
    if provider is not None and provider not in ("aws", "azure", "gcp"):
        raise QueryInputError(f"provider must be aws, azure or gcp, got {provider!r}")
    params = {"id": resource_id, "account": account}
    if resource_id is not None:
        found = graph.read("MATCH (n:Resource {id: $id}) RETURN n.provider AS p", {"id": resource_id})
        if not found:
            raise QueryInputError(f"no resource with id {resource_id!r}; look ids up with the `resources` query")
        provider = str(found[0]["p"])
    paths: list[ExposurePath] = []
    if provider in (None, "aws"):
        paths += _aws_paths(graph.read(_AWS_BY_ID if resource_id else _AWS, params))
    if provider in (None, "azure"):
        paths += _azure_paths(graph.read(_AZURE, params))
        paths += _azure_lb_paths(graph.read(_AZURE_LB, params))
    if provider in (None, "gcp"):
        paths += _gcp_paths(graph.read(_GCP, params))
    paths.sort(key=lambda p: (p.resource.id, p.protocol, p.ports, tuple(h.rule_id or "" for h in p.hops)))
    return tuple(paths[:first])
