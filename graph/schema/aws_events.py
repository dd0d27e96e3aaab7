"""AWS EventBridge node kinds and relationship types: event buses, rules, and what a rule triggers.

A rule belongs to one bus (``ON_BUS``) and matches the bus's events by an event pattern, or runs on a
schedule; each of its targets is a ``TRIGGERS`` edge to the resource the matched events go to (a function,
queue, topic, ECS cluster or another bus), with the target's id and options on the edge. Targets of other
kinds (Kinesis streams, Step Functions, API destinations, ...) are kept by ARN on the rule. A disabled rule
still has its targets but carries no events: the derived ``CONSUMES`` edges follow enabled rules only.
"""

from __future__ import annotations

from graph.schema.model import FREE, NodeKind, Property, RelType

__all__ = ["EVENT_BUS", "EVENT_RULE", "NODES", "RELATIONSHIPS", "TRIGGER_TARGETS"]

P = Property

EVENT_BUS = NodeKind(
    label="EventBridgeBus",
    provider="aws",
    service="events",
    description="An EventBridge event bus: the default bus of the account and region, a custom or a partner bus.",
    properties=(
        P("bus_name", "string", "Bus name ('default' for the account's default bus).", indexed=True),
        P("is_default", "bool", "Whether this is the region's default bus."),
        P("policy", "string", "The bus's resource policy JSON, as returned."),
        P("description", "string", "Description given at creation."),
    ),
    billing=FREE,
    iam_prefixes=("events",),
)

EVENT_RULE = NodeKind(
    label="EventBridgeRule",
    provider="aws",
    service="events",
    description="An EventBridge rule: an event pattern or a schedule on one bus, and the targets it sends to.",
    properties=(
        P("rule_name", "string", "Rule name.", indexed=True),
        P("bus_name", "string", "Name of the bus the rule belongs to."),
        P("state", "string", "ENABLED, DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.", indexed=True),
        P("enabled", "bool", "Whether the rule delivers events (any state but DISABLED)."),
        P("event_pattern", "string", "The event pattern JSON, when the rule matches events."),
        P("schedule_expression", "string", "cron(...) or rate(...), when the rule runs on a schedule."),
        P("role_arn", "string", "IAM role EventBridge uses to reach the targets, when set."),
        P("managed_by", "string", "The AWS service that manages the rule, when one does."),
        P("description", "string", "Description given at creation."),
        P("target_arns", "string[]", "ARN of every target, whatever its kind."),
    ),
    billing=FREE,
    iam_prefixes=("events",),
)

NODES = (EVENT_BUS, EVENT_RULE)

# Kinds a rule's target ARN is resolved to (the others stay in target_arns).
TRIGGER_TARGETS = ("LambdaFunction", "SQSQueue", "SNSTopic", "ECSCluster", "EventBridgeBus")

_TARGET_PROPERTIES = (
    P("target_id", "string", "The target's id within the rule."),
    P("role_arn", "string", "IAM role EventBridge assumes for this target, when set."),
    P("input_transformed", "bool", "Whether the target receives a constant or transformed input, not the event."),
    P("dead_letter_arn", "string", "Queue that receives the events this target failed to take."),
)

RELATIONSHIPS = (
    RelType("ON_BUS", "EventBridgeRule", "EventBridgeBus", "The rule matches events of this bus."),
    *(
        RelType(
            "TRIGGERS",
            "EventBridgeRule",
            target,
            "Events the rule matches (or its schedule) are sent to this target.",
            _TARGET_PROPERTIES,
        )
        for target in TRIGGER_TARGETS
    ),
)
