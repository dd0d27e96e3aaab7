"""The savings rules: each finds resources in the graph and says what removing or changing them would save.

A rule is a Cypher query that returns candidate nodes (``n``, plus optional ``extra`` nodes such as a
stopped instance's volumes) and a pure function that prices the change with the snapshot. Savings
are monthly list-price estimates computed with the same cost models as the resource estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import LiteralString

from queries.cost.models_aws import ec2_price_kind
from queries.cost.prices_snapshot import HOURS_PER_MONTH, Price, PriceSnapshot
from queries.cost.pricing import CostInput, Estimate, estimate, money, rate
from queries.records import NodeRecord


@dataclass(frozen=True)
class Candidate:
    """A node a rule matched, with related nodes the rule needs (volumes of a stopped instance, ...)."""

    node: NodeRecord
    extra: tuple[NodeRecord, ...] = ()


@dataclass(frozen=True)
class Advice:
    monthly_saving_usd: float
    reasoning: str


Pricer = Callable[[Candidate, PriceSnapshot], Advice | None]


@dataclass(frozen=True)
class Rule:
    slug: str
    title: str
    query: LiteralString  # returns n (and optionally extra: a list of nodes); $now_ms and $max_age_days are passed
    price: Pricer
    needs_property: str = ""  # the rule only applies where this property is present ("needs data" otherwise)


def cost_input(node: NodeRecord) -> CostInput:
    return CostInput(
        node.id, node.kind, node.str_prop("provider") or "", node.str_prop("region") or "", node.properties
    )


def cost_of(node: NodeRecord, prices: PriceSnapshot) -> Estimate | None:
    outcome = estimate(cost_input(node), prices)
    return outcome if isinstance(outcome, Estimate) else None


def _whole(action: str) -> Pricer:
    """The saving is the resource's whole estimate (delete it / release it)."""

    def price(c: Candidate, prices: PriceSnapshot) -> Advice | None:
        est = cost_of(c.node, prices)
        if est is None or est.usd <= 0:
            return None
        return Advice(est.usd, f"{action}; it costs {money(est.usd)}/month ({est.basis})")

    return price


def _stopped_storage(c: Candidate, prices: PriceSnapshot) -> Advice | None:
    costs = [(d, cost_of(d, prices)) for d in c.extra]
    priced = [(d, e) for d, e in costs if e is not None and e.usd > 0]
    if not priced:
        return None
    usd = sum(e.usd for _, e in priced)
    state = c.node.str_prop("state") or c.node.str_prop("power_state") or "stopped"
    return Advice(
        usd,
        f"{state} instance still pays for {len(priced)} disk(s) ({money(usd)}/month: "
        + "; ".join(e.basis for _, e in priced)
        + "); snapshot them and delete the instance if it is no longer needed",
    )


def _gp2_to_gp3(c: Candidate, prices: PriceSnapshot) -> Advice | None:
    region, size = c.node.str_prop("region") or "", cost_input(c.node).n("size")
    gp2, gp3 = prices.get("aws", "ebs", "gp2", region), prices.get("aws", "ebs", "gp3", region)
    if gp2 is None or gp3 is None or not size or gp3.usd >= gp2.usd:
        return None
    usd = size * (gp2.usd - gp3.usd)
    return Advice(
        usd,
        f"{size:g} GiB gp2 -> gp3 in {region}: {rate(gp2.usd)} -> {rate(gp3.usd)}/GB-month; gp3 gives a 3,000 IOPS "
        "baseline at any size (gp2 below 1 TiB gives less), changed online with ModifyVolume",
    )


# Previous-generation EC2 families and the current one to move to.
NEXT_GENERATION = {
    "t2": "t3",
    "m3": "m6i",
    "m4": "m6i",
    "m5": "m6i",
    "c3": "c6i",
    "c4": "c6i",
    "r3": "r6i",
    "r4": "r6i",
}
PREVIOUS = ("t2", "m3", "m4", "c3", "c4", "r3", "r4")  # m5 is current; it is only a target family for m4


def _ec2_price(prices: PriceSnapshot, c: Candidate, itype: str | None) -> Price | None:
    """The hourly price of ``itype`` on the candidate's platform (Windows instances at the Windows rate)."""
    kind = ec2_price_kind(itype, c.node.str_prop("platform") or "") if itype else None
    return prices.get("aws", "ec2", kind, c.node.str_prop("region") or "") if kind else None


def _next_generation(c: Candidate, prices: PriceSnapshot) -> Advice | None:
    itype, region = c.node.str_prop("instance_type") or "", c.node.str_prop("region") or ""
    family, _, size = itype.partition(".")
    target = f"{NEXT_GENERATION.get(family, '')}.{size}"
    old, new = _ec2_price(prices, c, itype), _ec2_price(prices, c, target)
    if old is None or new is None:
        return None
    usd = max(0.0, (old.usd - new.usd) * HOURS_PER_MONTH)
    return Advice(
        usd,
        f"{itype} is a previous-generation family; {target} in {region} costs {rate(new.usd)}/h instead of "
        f"{rate(old.usd)}/h with newer CPUs and better network and EBS performance"
        + ("" if usd else " (same price: the gain is performance, not money)"),
    )


_SIZES = ("nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
UNDERUSED_CPU_PERCENT = 20.0


def _smaller(itype: str) -> str | None:
    family, _, size = itype.partition(".")
    if size not in _SIZES or _SIZES.index(size) == 0:
        return None
    return f"{family}.{_SIZES[_SIZES.index(size) - 1]}"


def _over_provisioned(c: Candidate, prices: PriceSnapshot) -> Advice | None:
    itype = c.node.str_prop("instance_type") or ""
    cpu = cost_input(c.node).n("cpu_utilization_p95")
    smaller = _smaller(itype)
    old, new = _ec2_price(prices, c, itype), _ec2_price(prices, c, smaller)
    if cpu is None or old is None or new is None:
        return None
    usd = (old.usd - new.usd) * HOURS_PER_MONTH
    return Advice(
        usd,
        f"95th-percentile CPU is {cpu:g}% (< {UNDERUSED_CPU_PERCENT:g}%): one size down, {itype} -> {smaller}, "
        f"{rate(old.usd)}/h -> {rate(new.usd)}/h (check memory use before resizing)",
    )


_NOT_DEALLOCATED = "stopped but not deallocated: Azure still bills the VM's compute; deallocate it (or delete it)"


RULES: tuple[Rule, ...] = (
    Rule(
        "unattached-volume",
        "Unattached EBS volumes",
        "MATCH (n:EBSVolume) WHERE n.state = 'available' AND NOT EXISTS { (n)-[:ATTACHED_TO]->() } RETURN n",
        _whole("the volume is attached to nothing; snapshot it if needed and delete it"),
    ),
    Rule(
        "stopped-instance-storage",
        "Stopped instances still paying for their disks",
        "MATCH (n:Resource) WHERE (n:EC2Instance AND n.state = 'stopped') "
        "OR (n:AzureVirtualMachine AND n.power_state = 'PowerState/deallocated') "
        "OR (n:GCPComputeInstance AND n.state = 'TERMINATED') "
        "OPTIONAL MATCH (n)-[:ATTACHED_TO|USES_DISK|ATTACHED_DISK]-(d) WHERE d:EBSVolume OR d:AzureDisk OR d:GCPDisk "
        "RETURN n, collect(d) AS extra",
        _stopped_storage,
    ),
    Rule(
        "idle-elastic-ip",
        "Elastic IPs attached to nothing",
        "MATCH (n:ElasticIP) WHERE n.association_id IS NULL AND n.network_interface_id IS NULL "
        "AND n.instance_id IS NULL AND NOT EXISTS { (n)-[:ASSOCIATED_WITH]->() } "
        "AND NOT EXISTS { (:NATGateway)-[:USES_ELASTIC_IP]->(n) } RETURN n",
        _whole("the address is associated with nothing; release it"),
    ),
    Rule(
        "gp2-to-gp3",
        "gp2 volumes that would cost less as gp3",
        "MATCH (n:EBSVolume) WHERE n.volume_type = 'gp2' RETURN n",
        _gp2_to_gp3,
    ),
    Rule(
        "previous-generation-instance",
        "Previous-generation EC2 instance families",
        "MATCH (n:EC2Instance) WHERE n.state = 'running' AND split(n.instance_type, '.')[0] IN $previous RETURN n",
        _next_generation,
    ),
    Rule(
        "old-snapshot",
        "EBS snapshots older than the retention setting",
        "MATCH (n:EBSSnapshot) WHERE n.start_time IS NOT NULL "
        "AND n.start_time < datetime({epochMillis: $now_ms}) - duration({days: $max_age_days}) RETURN n",
        _whole("the snapshot is older than the retention setting; delete it unless a backup policy needs it"),
    ),
    Rule(
        "idle-load-balancer",
        "Load balancers with no targets",
        # cheap anchored checks first; only the remaining candidates scan the target groups that name them
        "MATCH (n:LoadBalancer) WHERE NOT EXISTS { (n)-[:TARGETS]->() } "
        "AND NOT EXISTS { (:AutoScalingGroup)-[:ATTACHED_TO]->(n) } "
        "AND NOT EXISTS { (n)<-[:PART_OF]-(:Listener)-[:FORWARDS_TO]->(tg:TargetGroup) "
        "WHERE EXISTS { (tg)-[:TARGETS]->() } OR EXISTS { (:AutoScalingGroup)-[:ATTACHED_TO]->(tg) } } "
        "WITH n WHERE COUNT { MATCH (tg:TargetGroup) WHERE n.id IN coalesce(tg.load_balancer_arns, []) "
        "AND (EXISTS { (tg)-[:TARGETS]->() } OR EXISTS { (:AutoScalingGroup)-[:ATTACHED_TO]->(tg) }) } = 0 "
        "RETURN n "
        "UNION MATCH (n:AzureLoadBalancer) WHERE NOT EXISTS { (n)-[:HAS_BACKEND_POOL]->()-[:ROUTES_TO]->() } "
        "RETURN n",
        _whole("no target group or backend pool of it has a target; delete it if nothing will be registered"),
    ),
    Rule(
        "idle-nat-gateway",
        "NAT gateways no subnet routes through",
        "MATCH (n:NATGateway) WHERE coalesce(n.state, 'available') = 'available' "
        "AND NOT EXISTS { (:Subnet)<-[:ASSOCIATED_WITH]-(:RouteTable)-[:ROUTES_TO]->(n) } RETURN n",
        _whole("no route table associated with a subnet routes to it; delete it"),
    ),
    Rule(
        "over-provisioned-instance",
        "Over-provisioned instances (CPU utilisation known)",
        "MATCH (n:EC2Instance) WHERE n.state = 'running' AND n.cpu_utilization_p95 IS NOT NULL "
        "AND n.cpu_utilization_p95 < $underused RETURN n",
        _over_provisioned,
        needs_property="cpu_utilization_p95",
    ),
    Rule(
        "unused-database",
        "Databases nothing in the graph can connect to",
        "MATCH (n:RDSInstance) WHERE NOT EXISTS { MATCH (n)-[:MEMBER_OF_SECURITY_GROUP]->(:SecurityGroup)"
        "-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) WHERE r.cidr IS NOT NULL "
        "OR r.prefix_list_id IS NOT NULL "
        "OR EXISTS { (r)-[:ALLOWS_FROM]->(:SecurityGroup)<-[:MEMBER_OF_SECURITY_GROUP]-(client) WHERE client <> n } } "
        "AND n.cluster_identifier IS NULL RETURN n",
        _whole(
            "no security group rule of the database admits an address range or a group with members, so nothing "
            "in the graph can reach it; confirm it is unused, snapshot it and delete it"
        ),
    ),
    Rule(
        "unattached-azure-disk",
        "Unattached Azure managed disks",
        "MATCH (n:AzureDisk) WHERE n.disk_state = 'Unattached' "
        "OR (n.disk_state IS NULL AND NOT EXISTS { (:AzureVirtualMachine)-[:USES_DISK]->(n) }) RETURN n",
        _whole("the managed disk is attached to no VM; snapshot it if needed and delete it"),
    ),
    Rule(
        "idle-azure-public-ip",
        "Azure public IPs attached to nothing",
        "MATCH (n:AzurePublicIPAddress) WHERE NOT EXISTS { ()-[:HAS_PUBLIC_IP]->(n) } RETURN n",
        _whole("no NIC, load balancer or gateway uses the address; delete it"),
    ),
    Rule(
        "idle-gcp-static-ip",
        "GCP static external IPs not in use",
        "MATCH (n:GCPResource) WHERE n.asset_type = 'compute.googleapis.com/Address' AND n.state = 'RESERVED' RETURN n",
        _whole("the reserved address is used by nothing (status RESERVED); release it"),
    ),
    Rule(
        "unattached-gcp-disk",
        "GCP persistent disks attached to no instance",
        "MATCH (n:GCPDisk) WHERE NOT EXISTS { (:GCPComputeInstance)-[:ATTACHED_DISK]->(n) } RETURN n",
        _whole("the disk is attached to no instance; snapshot it if needed and delete it"),
    ),
    Rule(
        "azure-vm-not-deallocated",
        "Azure VMs stopped but not deallocated",
        "MATCH (n:AzureVirtualMachine) WHERE n.power_state = 'PowerState/stopped' RETURN n",
        _whole(_NOT_DEALLOCATED),
    ),
)


def rule_params(now_ms: int, max_age_days: int) -> dict[str, object]:
    return {
        "now_ms": now_ms,
        "max_age_days": max_age_days,
        "previous": list(PREVIOUS),
        "underused": UNDERUSED_CPU_PERCENT,
    }


def slugs() -> Sequence[str]:
    return tuple(r.slug for r in RULES)
