"""EventBridge buses, rules and targets of one region.

get: every page of list_event_buses; per bus every page of list_rules; per rule every page of
list_targets_by_rule; tags of each bus and rule (list_tags_for_resource).
transform (pure): EventBridgeBus and EventBridgeRule nodes; ON_BUS from each rule to its bus; TRIGGERS
from each rule to every target whose ARN names a function, queue, topic, ECS cluster or bus (the ARN of
every target, whatever its kind, is kept on the rule as ``target_arns``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.compute_elb import lambda_function_id
from ingest.providers.aws.data_common import client, optional, resource
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import EventBusTypeDef, RuleTypeDef, TagTypeDef, TargetOutputTypeDef, TargetTypeDef

__all__ = ["LABELS", "UNITS", "EventsPayload", "Rule", "get_events", "target_label", "transform_events"]

log = logging.getLogger(__name__)

LABELS = ("EventBridgeBus", "EventBridgeRule")
_GONE = frozenset({"ResourceNotFoundException"})


@dataclass(frozen=True)
class Rule:
    """A rule as list_rules returns it, with its targets and tags."""

    rule: RuleTypeDef
    targets: Sequence[TargetTypeDef | TargetOutputTypeDef] = ()
    tags: Sequence[TagTypeDef] = ()


@dataclass(frozen=True)
class EventsPayload:
    buses: Sequence[EventBusTypeDef] = ()
    rules: Sequence[Rule] = ()
    bus_tags: Mapping[str, Sequence[TagTypeDef]] = field(default_factory=dict)  # by bus ARN


# --- get -------------------------------------------------------------------------------------------


def _tags(events: EventBridgeClient, arn: str) -> Sequence[TagTypeDef]:
    found = optional(events.list_tags_for_resource, _GONE, None, f"eventbridge tags {arn}", ResourceARN=arn)
    return found["Tags"] if found and "Tags" in found else []


def get_events(events: EventBridgeClient, concurrency: int = 1) -> EventsPayload:
    buses: list[EventBusTypeDef] = []
    token: str | None = None
    while True:  # list_event_buses has no paginator
        page = events.list_event_buses(NextToken=token) if token else events.list_event_buses()
        buses += page.get("EventBuses", [])
        token = page.get("NextToken")
        if not token:
            break
    listed = [
        (bus.get("Name", ""), item)
        for bus in buses
        for page in events.get_paginator("list_rules").paginate(EventBusName=bus.get("Name", ""))
        for item in page.get("Rules", [])
    ]

    def rule(found: tuple[str, RuleTypeDef]) -> Rule:
        bus_name, item = found
        targets = [
            t
            for page in events.get_paginator("list_targets_by_rule").paginate(
                Rule=item.get("Name", ""), EventBusName=bus_name
            )
            for t in page.get("Targets", [])
        ]
        return Rule(item, targets, _tags(events, item.get("Arn", "")))

    rules = each(concurrency, listed, rule)
    bus_arns = [bus["Arn"] for bus in buses if bus.get("Arn")]
    bus_tags = dict(zip(bus_arns, each(concurrency, bus_arns, lambda arn: _tags(events, arn)), strict=True))
    return EventsPayload(buses, rules, bus_tags)


# --- transform (pure) ------------------------------------------------------------------------------


def target_label(arn: str) -> str | None:
    """The kind a target ARN names, among those a rule's TRIGGERS edge may point at; None for the others."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return None
    service, rest = parts[2], ":".join(parts[5:])
    if service == "lambda" and rest.startswith("function:"):
        return "LambdaFunction"
    if service == "sqs":
        return "SQSQueue"
    if service == "sns":
        return "SNSTopic"
    if service == "ecs" and rest.startswith("cluster/"):
        return "ECSCluster"
    if service == "events" and rest.startswith("event-bus/"):
        return "EventBridgeBus"
    return None


def _bus_arn(bus_name: str, account: str, region: str) -> str:
    """A rule names its bus by name or ARN; a bare name is a bus of the rule's account and region."""
    if bus_name.startswith("arn:"):
        return bus_name
    return f"arn:aws:events:{region}:{account}:event-bus/{bus_name or 'default'}"


def _trigger(rule_arn: str, target: TargetTypeDef | TargetOutputTypeDef) -> EdgeRow | None:
    arn = target.get("Arn", "")
    label = target_label(arn)
    if label is None:
        return None
    props: dict[str, PropValue] = {
        "target_id": target.get("Id") or None,
        "role_arn": target.get("RoleArn") or None,
        "input_transformed": bool(target.get("Input") or target.get("InputPath") or target.get("InputTransformer")),
        "dead_letter_arn": (target.get("DeadLetterConfig") or {}).get("Arn") or None,
    }
    node = lambda_function_id(arn) if label == "LambdaFunction" else arn
    return EdgeRow("TRIGGERS", "EventBridgeRule", rule_arn, label, node, props)


def transform_events(payload: EventsPayload, account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for bus in payload.buses:
        arn, name = bus.get("Arn", ""), bus.get("Name", "")
        if not arn:
            continue
        props = resource(
            account,
            region,
            name or arn,
            tags_from_pairs(payload.bus_tags.get(arn, ())),
            bus_name=name or None,
            is_default=name == "default",
            policy=bus.get("Policy") or None,
            description=bus.get("Description") or None,
        )
        nodes.append(NodeRow("EventBridgeBus", arn, props))
    for item in payload.rules:
        rule = item.rule
        arn, name = rule.get("Arn", ""), rule.get("Name", "")
        if not arn:
            continue
        state = rule.get("State")
        bus_name = rule.get("EventBusName") or "default"
        props = resource(
            account,
            region,
            name or arn,
            tags_from_pairs(item.tags),
            rule_name=name or None,
            bus_name=bus_name.rsplit("/", 1)[-1],
            state=state,
            enabled=state != "DISABLED",
            event_pattern=rule.get("EventPattern") or None,
            schedule_expression=rule.get("ScheduleExpression") or None,
            role_arn=rule.get("RoleArn") or None,
            managed_by=rule.get("ManagedBy") or None,
            description=rule.get("Description") or None,
            target_arns=tuple(t["Arn"] for t in item.targets if t.get("Arn")) or None,
        )
        nodes.append(NodeRow("EventBridgeRule", arn, props))
        edges.append(EdgeRow("ON_BUS", "EventBridgeRule", arn, "EventBridgeBus", _bus_arn(bus_name, account, region)))
        edges += [edge for target in item.targets if (edge := _trigger(arn, target))]
    return Transformed(tuple(nodes), tuple(edges))


# --- the unit ---------------------------------------------------------------------------------------


def fetch_events(clients: AwsClients, region: str) -> EventsPayload:
    return get_events(client(clients, "events", region), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("events", LABELS, fetch_events, transform_events),)
