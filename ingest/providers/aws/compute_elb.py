"""Elastic Load Balancing: ELBv2 (ALB, NLB, GWLB) and classic load balancers, listeners, target groups.

get: every page of describe_load_balancers / describe_target_groups, describe_listeners per load
balancer, describe_target_health per target group, tags in batches of 20; the classic API likewise.
transform (pure): LoadBalancer, Listener, TargetGroup nodes; placement edges to subnets, security
groups and VPCs; FORWARDS_TO from default actions; TARGETS to instances, Lambda functions and ALBs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.compute_common import (
    arn,
    client,
    instance_arn,
    integer,
    resource,
    sg_arn,
    strings,
    subnet_arn,
    tags_from_list,
    text,
    timestamp,
    values_of,
    vpc_arn,
)
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_elb import ElasticLoadBalancingClient
    from mypy_boto3_elb.type_defs import LoadBalancerDescriptionTypeDef
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client
    from mypy_boto3_elbv2.type_defs import (
        ListenerTypeDef,
        LoadBalancerTypeDef,
        TargetGroupTypeDef,
        TargetHealthDescriptionTypeDef,
    )

log = logging.getLogger(__name__)

LABELS = ("LoadBalancer", "Listener", "TargetGroup")
_TAG_BATCH = 20  # describe_tags takes at most 20 ARNs (or classic names) per call


@dataclass(frozen=True)
class ElbPayload:
    """What one account and region returned. Tags are keyed by ARN (ELBv2) or name (classic)."""

    load_balancers: Sequence[LoadBalancerTypeDef] = ()
    listeners: Sequence[ListenerTypeDef] = ()
    target_groups: Sequence[TargetGroupTypeDef] = ()
    target_health: Mapping[str, Sequence[TargetHealthDescriptionTypeDef]] = field(default_factory=dict)
    tags: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    classic: Sequence[LoadBalancerDescriptionTypeDef] = ()
    classic_tags: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)


# --- get -------------------------------------------------------------------------------------------


def _batches(items: Sequence[str], size: int = _TAG_BATCH) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def get_elb(elbv2: ElasticLoadBalancingv2Client, elb: ElasticLoadBalancingClient, concurrency: int = 1) -> ElbPayload:
    """Read every page of each ELBv2 and classic describe call for one region; the per-load-balancer listeners
    and per-target-group health ``concurrency`` at once."""
    lbs = [lb for page in elbv2.get_paginator("describe_load_balancers").paginate() for lb in page["LoadBalancers"]]
    listeners = [
        listener
        for found in each(
            concurrency,
            [lb["LoadBalancerArn"] for lb in lbs],
            lambda lb_arn: [
                listener
                for page in elbv2.get_paginator("describe_listeners").paginate(LoadBalancerArn=lb_arn)
                for listener in page["Listeners"]
            ],
        )
        for listener in found
    ]
    tgs = [tg for page in elbv2.get_paginator("describe_target_groups").paginate() for tg in page["TargetGroups"]]
    tg_arns = [tg["TargetGroupArn"] for tg in tgs]
    health = dict(
        zip(
            tg_arns,
            each(
                concurrency,
                tg_arns,
                lambda tg_arn: elbv2.describe_target_health(TargetGroupArn=tg_arn).get("TargetHealthDescriptions", []),
            ),
            strict=True,
        )
    )
    arns = [lb["LoadBalancerArn"] for lb in lbs] + [tg["TargetGroupArn"] for tg in tgs]
    tags = {
        d["ResourceArn"]: (d.get("Tags") or [])
        for batch in _batches(arns)
        for d in elbv2.describe_tags(ResourceArns=list(batch)).get("TagDescriptions", [])
    }
    classic = [
        d
        for page in elb.get_paginator("describe_load_balancers").paginate()
        for d in page.get("LoadBalancerDescriptions", [])
    ]
    names = [d["LoadBalancerName"] for d in classic]
    classic_tags = {
        d["LoadBalancerName"]: (d.get("Tags") or [])
        for batch in _batches(names)
        for d in elb.describe_tags(LoadBalancerNames=list(batch)).get("TagDescriptions", [])
    }
    return ElbPayload(lbs, listeners, tgs, health, tags, classic, classic_tags)


# --- transform (pure) ------------------------------------------------------------------------------


def classic_arn(region: str, account: str, name: str) -> str:
    return arn("elasticloadbalancing", region, account, f"loadbalancer/{name}")


def lambda_function_id(target_id: str) -> str:
    """A Lambda target's id may carry a version or alias qualifier; functions are keyed unqualified."""
    parts = target_id.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 and parts[5] == "function" else target_id


def _placement(
    node_id: str, region: str, account: str, subnets: Iterable[str], groups: Iterable[str], vpc_id: str | None
) -> list[EdgeRow]:
    edges = [EdgeRow("IN_SUBNET", "LoadBalancer", node_id, "Subnet", subnet_arn(region, account, s)) for s in subnets]
    edges += [
        EdgeRow("MEMBER_OF_SECURITY_GROUP", "LoadBalancer", node_id, "SecurityGroup", sg_arn(region, account, g))
        for g in groups
    ]
    if vpc_id:
        edges.append(EdgeRow("IN_VPC", "LoadBalancer", node_id, "VPC", vpc_arn(region, account, vpc_id)))
    return edges


def transform_load_balancers(
    lbs: Iterable[LoadBalancerTypeDef], tags: Mapping[str, Sequence[Mapping[str, Any]]], account: str, region: str
) -> Transformed:
    nodes, edges = [], []
    for lb in lbs:
        lb_arn = text(lb.get("LoadBalancerArn"))
        if not lb_arn:
            continue
        name = text(lb.get("LoadBalancerName")) or lb_arn
        zones = [z for z in (lb.get("AvailabilityZones") or []) if isinstance(z, dict)]
        subnets = tuple(s for s in (text(z.get("SubnetId")) for z in zones) if s)
        groups = strings(lb.get("SecurityGroups")) or ()
        vpc_id = text(lb.get("VpcId"))
        props = resource(
            account,
            region,
            name,
            tags_from_list(tags.get(lb_arn)),
            load_balancer_name=name,
            lb_type=text(lb.get("Type")),
            scheme=text(lb.get("Scheme")),
            dns_name=text(lb.get("DNSName")),
            state=text((lb.get("State") or {}).get("Code")),
            vpc_id=vpc_id,
            ip_address_type=text(lb.get("IpAddressType")),
            availability_zones=strings([z.get("ZoneName") for z in zones]),
            subnet_ids=subnets or None,
            security_group_ids=groups or None,
            canonical_hosted_zone_id=text(lb.get("CanonicalHostedZoneId")),
            created_time=timestamp(lb.get("CreatedTime")),
            elastic_ip_allocation_ids=strings(
                [a.get("AllocationId") for z in zones for a in (z.get("LoadBalancerAddresses") or [])]
            )
            or None,
        )
        nodes.append(NodeRow("LoadBalancer", lb_arn, props))
        edges += _placement(lb_arn, region, account, subnets, groups, vpc_id)
    return Transformed(tuple(nodes), tuple(edges))


def _forward_targets(actions: Iterable[Mapping[str, Any]]) -> dict[str, int | None]:
    """Target group ARN -> weight (None when the action names a single group) of every forward action."""
    out: dict[str, int | None] = {}
    for action in actions:
        if action.get("Type") != "forward":
            continue
        config = action.get("ForwardConfig") or {}
        weighted = [
            g for g in (config.get("TargetGroups") or []) if isinstance(g, dict) and text(g.get("TargetGroupArn"))
        ]
        for group in weighted:
            out[group["TargetGroupArn"]] = integer(group.get("Weight")) if len(weighted) > 1 else None
        single = text(action.get("TargetGroupArn"))
        if single and single not in out:
            out[single] = None
    return out


def transform_listeners(
    listeners: Iterable[ListenerTypeDef], lb_names: Mapping[str, str], account: str, region: str
) -> Transformed:
    nodes, edges = [], []
    for listener in listeners:
        listener_arn = text(listener.get("ListenerArn"))
        if not listener_arn:
            continue
        lb_arn = text(listener.get("LoadBalancerArn"))
        protocol, port = text(listener.get("Protocol")), integer(listener.get("Port"))
        actions = [a for a in (listener.get("DefaultActions") or []) if isinstance(a, dict)]
        props = resource(
            account,
            region,
            f"{lb_names.get(lb_arn or '', '?')} {protocol or '?'}:{port}",
            (),
            load_balancer_arn=lb_arn,
            protocol=protocol,
            port=port,
            ssl_policy=text(listener.get("SslPolicy")),
            certificate_arns=values_of(listener.get("Certificates"), "CertificateArn"),
            default_action_types=values_of(actions, "Type"),
        )
        nodes.append(NodeRow("Listener", listener_arn, props))
        if lb_arn:
            edges.append(EdgeRow("PART_OF", "Listener", listener_arn, "LoadBalancer", lb_arn))
        for tg_arn, weight in _forward_targets(actions).items():
            rel_props: dict[str, PropValue] | None = {"weight": weight} if weight is not None else None
            edges.append(EdgeRow("FORWARDS_TO", "Listener", listener_arn, "TargetGroup", tg_arn, rel_props))
    return Transformed(tuple(nodes), tuple(edges))


def _target_edge(
    tg_arn: str, target_type: str | None, desc: Mapping[str, Any], account: str, region: str
) -> EdgeRow | None:
    target = desc.get("Target") or {}
    target_id = text(target.get("Id"))
    if not target_id:
        return None
    props: dict[str, PropValue] = {
        "port": integer(target.get("Port")),
        "health_state": text((desc.get("TargetHealth") or {}).get("State")),
    }
    if target_type == "instance" or (target_type is None and target_id.startswith("i-")):
        return EdgeRow("TARGETS", "TargetGroup", tg_arn, "EC2Instance", instance_arn(region, account, target_id), props)
    if target_type == "lambda":
        return EdgeRow("TARGETS", "TargetGroup", tg_arn, "LambdaFunction", lambda_function_id(target_id), props)
    if target_type == "alb":
        return EdgeRow("TARGETS", "TargetGroup", tg_arn, "LoadBalancer", target_id, props)
    return None


def _address(target: object) -> str:
    """An ip target as 'address:port' (just the address when the port is unknown); '' when unreadable."""
    if not isinstance(target, dict) or not text(target.get("Id")):
        return ""
    port = integer(target.get("Port"))
    return f"{target['Id']}:{port}" if port is not None else str(target["Id"])


def transform_target_groups(
    tgs: Iterable[TargetGroupTypeDef],
    health: Mapping[str, Sequence[TargetHealthDescriptionTypeDef]],
    tags: Mapping[str, Sequence[Mapping[str, Any]]],
    account: str,
    region: str,
) -> Transformed:
    nodes, edges = [], []
    for tg in tgs:
        tg_arn = text(tg.get("TargetGroupArn"))
        if not tg_arn:
            continue
        target_type, vpc_id = text(tg.get("TargetType")), text(tg.get("VpcId"))
        descriptions = [d for d in health.get(tg_arn, []) if isinstance(d, dict)]
        ips = [_address(d.get("Target")) for d in descriptions] if target_type == "ip" else []
        name = text(tg.get("TargetGroupName")) or tg_arn
        props = resource(
            account,
            region,
            name,
            tags_from_list(tags.get(tg_arn)),
            target_group_name=name,
            protocol=text(tg.get("Protocol")),
            port=integer(tg.get("Port")),
            target_type=target_type,
            vpc_id=vpc_id,
            health_check_protocol=text(tg.get("HealthCheckProtocol")),
            health_check_path=text(tg.get("HealthCheckPath")),
            load_balancer_arns=strings(tg.get("LoadBalancerArns")),
            ip_targets=tuple(sorted({ip for ip in ips if ip})) or None,
        )
        nodes.append(NodeRow("TargetGroup", tg_arn, props))
        if vpc_id:
            edges.append(EdgeRow("IN_VPC", "TargetGroup", tg_arn, "VPC", vpc_arn(region, account, vpc_id)))
        seen: set[str] = set()
        for desc in descriptions:
            edge = _target_edge(tg_arn, target_type, desc, account, region)
            if edge and edge.target_id not in seen:  # one edge per target, first registration's port wins
                seen.add(edge.target_id)
                edges.append(edge)
    return Transformed(tuple(nodes), tuple(edges))


def transform_classic(
    lbs: Iterable[LoadBalancerDescriptionTypeDef],
    tags: Mapping[str, Sequence[Mapping[str, Any]]],
    account: str,
    region: str,
) -> Transformed:
    nodes, edges = [], []
    for lb in lbs:
        name = text(lb.get("LoadBalancerName"))
        if not name:
            continue
        lb_arn = classic_arn(region, account, name)
        subnets = strings(lb.get("Subnets")) or ()
        groups = strings(lb.get("SecurityGroups")) or ()
        vpc_id = text(lb.get("VPCId"))
        props = resource(
            account,
            region,
            name,
            tags_from_list(tags.get(name)),
            load_balancer_name=name,
            lb_type="classic",
            scheme=text(lb.get("Scheme")),
            dns_name=text(lb.get("DNSName")),
            vpc_id=vpc_id,
            availability_zones=strings(lb.get("AvailabilityZones")),
            subnet_ids=subnets or None,
            security_group_ids=groups or None,
            canonical_hosted_zone_id=text(lb.get("CanonicalHostedZoneNameID")),
            created_time=timestamp(lb.get("CreatedTime")),
        )
        nodes.append(NodeRow("LoadBalancer", lb_arn, props))
        edges += _placement(lb_arn, region, account, subnets, groups, vpc_id)
        for instance in lb.get("Instances") or []:
            instance_id = text(instance.get("InstanceId")) if isinstance(instance, dict) else None
            if instance_id:
                edges.append(
                    EdgeRow(
                        "TARGETS", "LoadBalancer", lb_arn, "EC2Instance", instance_arn(region, account, instance_id)
                    )
                )
        for description in lb.get("ListenerDescriptions") or []:
            listener = description.get("Listener") if isinstance(description, dict) else None
            if not isinstance(listener, dict) or integer(listener.get("LoadBalancerPort")) is None:
                continue
            port = integer(listener.get("LoadBalancerPort"))
            protocol = text(listener.get("Protocol"))
            listener_id = f"{lb_arn}/listener/{port}"
            props = resource(
                account,
                region,
                f"{name} {protocol or '?'}:{port}",
                (),
                load_balancer_arn=lb_arn,
                protocol=protocol,
                port=port,
                certificate_arns=strings([listener.get("SSLCertificateId")]),
                instance_protocol=text(listener.get("InstanceProtocol")),
                instance_port=integer(listener.get("InstancePort")),
            )
            nodes.append(NodeRow("Listener", listener_id, props))
            edges.append(EdgeRow("PART_OF", "Listener", listener_id, "LoadBalancer", lb_arn))
    return Transformed(tuple(nodes), tuple(edges))


def transform_elb(payload: ElbPayload, account: str, region: str) -> Transformed:
    names = {
        str(lb.get("LoadBalancerArn")): str(lb.get("LoadBalancerName") or lb.get("LoadBalancerArn"))
        for lb in payload.load_balancers
    }
    return (
        transform_load_balancers(payload.load_balancers, payload.tags, account, region)
        + transform_listeners(payload.listeners, names, account, region)
        + transform_target_groups(payload.target_groups, payload.target_health, payload.tags, account, region)
        + transform_classic(payload.classic, payload.classic_tags, account, region)
    )


# --- the unit ---------------------------------------------------------------------------------------


def fetch_elb(clients: AwsClients, region: str) -> ElbPayload:
    return get_elb(client(clients, "elbv2", region), client(clients, "elb", region), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("elb", LABELS, fetch_elb, transform_elb),)
