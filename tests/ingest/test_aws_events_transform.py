"""The EventBridge transform on the examples AWS publishes (tests/fixtures/real/aws/EventBridge*, SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from graph.rows import Transformed
from graph.schema import SCHEMA
from ingest.providers.aws import events
from ingest.providers.aws.events import EventsPayload, Rule, target_label, transform_events

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import EventBusTypeDef, RuleTypeDef, TargetTypeDef

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "aws"
A, R = "123456789012", "us-east-1"


def _response(path: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((REAL / path).read_text())["response"])


def _rules() -> list[Rule]:
    rules = []
    for item in _response("EventBridgeRule/awscli_events_put-rule_put-targets_0.json")["Rules"]:
        targets = cast(list["TargetTypeDef"], item.pop("Targets"))
        # ListRules returns the ARN and the bus; the examples ran on the default bus of 123456789012 in us-east-1
        item.update(Arn=f"arn:aws:events:{R}:{A}:rule/{item['Name']}", EventBusName="default", State="ENABLED")
        rules.append(Rule(cast("RuleTypeDef", item), targets))
    return rules


def test_published_event_buses_become_nodes_with_their_policy_kept_as_given() -> None:
    buses = cast(
        list["EventBusTypeDef"], _response("EventBridgeBus/awscli_events_list-event-buses_0.json")["EventBuses"]
    )
    rows = transform_events(EventsPayload(buses=buses), A, R)
    by_id = {n.id: n for n in rows.nodes}
    default = by_id[f"arn:aws:events:{R}:{A}:event-bus/default"]
    custom = by_id[f"arn:aws:events:{R}:{A}:event-bus/custom"]
    assert (default.label, default.props["name"], default.props["is_default"]) == ("EventBridgeBus", "default", True)
    assert custom.props["is_default"] is False
    assert "events:PutEvents" in str(custom.props["policy"])  # published malformed JSON kept verbatim, no crash
    assert rows.edges == ()


def test_published_rules_keep_schedule_pattern_role_and_trigger_their_function() -> None:
    rows = transform_events(EventsPayload(rules=_rules()), A, R)
    by_name = {n.props["name"]: n for n in rows.nodes}
    daily = by_name["DailyLambdaFunction"]
    assert (daily.label, daily.props["schedule_expression"], daily.props["enabled"]) == (
        "EventBridgeRule",
        "cron(0 9 * * ? *)",
        True,
    )
    changes = by_name["EC2InstanceStateChanges"]
    assert json.loads(str(changes.props["event_pattern"]))["source"] == ["aws.ec2"]
    assert changes.props["role_arn"] == "arn:aws:iam::123456789012:role/MyRoleForThisRule"
    # a Kinesis target has no kind of its own: kept by ARN on the rule, no edge
    assert changes.props["target_arns"] == ("arn:aws:kinesis:us-east-1:123456789012:stream/MyStream",)
    assert by_name["EC2InstanceStateChangeStopOrTerminate"].props["target_arns"] is None
    triggers = [
        (e.source_id, e.target_label, e.target_id, dict(e.props or {})) for e in rows.edges if e.type == "TRIGGERS"
    ]
    assert triggers == [
        (
            daily.id,
            "LambdaFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:MyFunctionName",
            {"target_id": "1", "role_arn": None, "input_transformed": False, "dead_letter_arn": None},
        )
    ]
    on_bus = {(e.source_id, e.target_id) for e in rows.edges if e.type == "ON_BUS"}
    assert on_bus == {(n.id, f"arn:aws:events:{R}:{A}:event-bus/default") for n in rows.nodes}


def test_a_disabled_rule_on_a_custom_bus_keeps_its_targets_and_its_state() -> None:
    rule = cast(
        "RuleTypeDef",
        {
            "Name": "replay",
            "Arn": f"arn:aws:events:{R}:{A}:rule/orders/replay",
            "EventBusName": "orders",
            "State": "DISABLED",
            "EventPattern": '{"source":["shop"]}',
        },
    )
    targets = cast(
        list["TargetTypeDef"],
        [
            {"Id": "q", "Arn": f"arn:aws:sqs:{R}:{A}:orders", "InputPath": "$.detail"},
            {"Id": "b", "Arn": f"arn:aws:events:{R}:{A}:event-bus/audit"},
            {"Id": "f", "Arn": f"arn:aws:lambda:{R}:{A}:function:fn:live"},
        ],
    )
    rows = transform_events(EventsPayload(rules=[Rule(rule, targets)]), A, R)
    (node,) = rows.nodes
    assert (node.props["state"], node.props["enabled"], node.props["bus_name"]) == ("DISABLED", False, "orders")
    edges = {(e.type, e.target_label, e.target_id) for e in rows.edges}
    assert edges == {
        ("ON_BUS", "EventBridgeBus", f"arn:aws:events:{R}:{A}:event-bus/orders"),
        ("TRIGGERS", "SQSQueue", f"arn:aws:sqs:{R}:{A}:orders"),
        ("TRIGGERS", "EventBridgeBus", f"arn:aws:events:{R}:{A}:event-bus/audit"),
        ("TRIGGERS", "LambdaFunction", f"arn:aws:lambda:{R}:{A}:function:fn"),  # the alias qualifier dropped
    }
    queue = next(e for e in rows.edges if e.target_label == "SQSQueue")
    assert (queue.props or {})["input_transformed"] is True


def test_target_kinds_are_read_from_the_arn() -> None:
    assert target_label("arn:aws:ecs:us-east-1:123456789012:cluster/web") == "ECSCluster"
    assert target_label("arn:aws:sns:us-east-1:123456789012:topic") == "SNSTopic"
    assert target_label("arn:aws:states:us-east-1:123456789012:stateMachine:x") is None
    assert target_label("not-an-arn") is None


def test_the_unit_owns_the_eventbridge_kinds_and_its_edges_are_declared() -> None:
    (unit,) = events.UNITS
    assert set(unit.labels) == {k.label for k in SCHEMA.nodes if k.service == "events"}
    rows = transform_events(EventsPayload(rules=_rules()), A, R)
    for edge in rows.edges:
        assert SCHEMA.relationship(edge.type, edge.source_label, edge.target_label) is not None
    assert transform_events(EventsPayload(), A, R) == Transformed()
