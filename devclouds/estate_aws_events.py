"""The event-driven share of the generated estate's shared services: EventBridge and the invoice-writer function.

An ``orders-bus`` custom bus with two rules: ``order-placed`` (enabled, an event pattern) sends OrderPlaced
events to the ``invoices`` queue, which feeds ``invoice-writer`` through an event source mapping;
``orders-replay`` (disabled) targets the ``orders`` queue and carries nothing. On the default bus the
scheduled rule ``nightly-invoices`` invokes ``invoice-writer`` once a day. The function's environment names
the uploads bucket (``INVOICES_BUCKET``), which its role's ``invoice-store`` statement lets it write.
Every account and region has its own default bus: ``list_buses`` records them on the manifest.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

from devclouds.estate_manifest import Collected

log = logging.getLogger(__name__)

CLOUD = "aws"
ORDER_PLACED = {"source": ["estate.orders"], "detail-type": ["OrderPlaced"]}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def seed_events(
    acc: Any, region: str, role: str, uploads_bucket: str, invoices_queue: str, orders_queue: str, out: Collected
) -> str:
    """Seed invoice-writer, its mapping and the EventBridge bus and rules; returns the function's ARN."""
    lam = acc.client("lambda", region)
    fn = lam.create_function(
        FunctionName="invoice-writer",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": {"INVOICES_BUCKET": uploads_bucket, "LOG_LEVEL": "info"}},
        Tags={"team": "billing"},
    )["FunctionArn"]
    out.add(CLOUD, "LambdaFunction", fn, "invoice-writer", {"team": "billing"})
    out.edge("USES_ROLE", "LambdaFunction", fn, "IAMRole", role)
    esm = lam.create_event_source_mapping(EventSourceArn=invoices_queue, FunctionName="invoice-writer", BatchSize=10)
    esm_id = (
        esm.get("EventSourceMappingArn") or f"arn:aws:lambda:{region}:{acc.account}:event-source-mapping:{esm['UUID']}"
    )
    out.add(CLOUD, "LambdaEventSourceMapping", esm_id, esm["UUID"])
    out.edge("READS_FROM", "LambdaEventSourceMapping", esm_id, "SQSQueue", invoices_queue)
    out.edge("INVOKES", "LambdaEventSourceMapping", esm_id, "LambdaFunction", fn)

    events = acc.client("events", region)
    bus = events.create_event_bus(Name="orders-bus")["EventBusArn"]
    out.add(CLOUD, "EventBridgeBus", bus, "orders-bus")
    default_bus = f"arn:aws:events:{region}:{acc.account}:event-bus/default"
    for name, bus_name, bus_arn, spec, state, target in (
        ("order-placed", "orders-bus", bus, {"EventPattern": json.dumps(ORDER_PLACED)}, "ENABLED", invoices_queue),
        ("orders-replay", "orders-bus", bus, {"EventPattern": json.dumps(ORDER_PLACED)}, "DISABLED", orders_queue),
        ("nightly-invoices", "default", default_bus, {"ScheduleExpression": "rate(1 day)"}, "ENABLED", fn),
    ):
        rule = events.put_rule(Name=name, EventBusName=bus_name, State=state, **spec)["RuleArn"]
        events.put_targets(Rule=name, EventBusName=bus_name, Targets=[{"Id": f"{name}-1", "Arn": target}])
        out.add(CLOUD, "EventBridgeRule", rule, name)
        out.edge("ON_BUS", "EventBridgeRule", rule, "EventBridgeBus", bus_arn)
        label = "LambdaFunction" if ":lambda:" in target else "SQSQueue"
        out.edge("TRIGGERS", "EventBridgeRule", rule, label, target)
    log.info("seeded the estate's EventBridge rules in %s/%s", acc.account, region)
    return str(fn)


def list_buses(acc: Any, region: str, out: Collected) -> None:
    """Every event bus of the account's ``region`` not recorded yet (the default bus AWS makes)."""
    known = out.known()
    for bus in acc.client("events", region).list_event_buses()["EventBuses"]:
        if bus["Arn"] not in known:
            out.add(CLOUD, "EventBridgeBus", bus["Arn"], bus["Name"])
