"""What AI-Discover itself keeps in the graph beside the estate: discovery schedules and the notification
delivery log. None of these is a cloud resource (``resource=False``).

Records that hold secrets (users, API keys, cloud accounts, notification targets) are not in the graph
at all: they live in the secret store (``graph.secretstore``), out of reach of any graph query. Schedules
and deliveries name their account or target by id.
"""

from __future__ import annotations

from graph.schema.model import NodeKind, Property, RelType

_SERVICE = "aidiscover"


def _p(name: str, type_: str, description: str, *, indexed: bool = False, secret: bool = False) -> Property:
    return Property(name, type_, description, indexed=indexed, secret=secret)  # type: ignore[arg-type]


SCHEDULE = NodeKind(
    label="Schedule",
    provider="any",
    service=_SERVICE,
    description="When to discover a registered account: a 5-field cron expression or '@every N<s|m|h>'.",
    resource=False,
    properties=(
        _p("id", "string", "Schedule id (default: the account id).", indexed=True),
        _p("account", "string", "Id of the cloud account it discovers ('<provider>:<account id>')."),
        _p("spec", "string", "Cron expression (minute hour day-of-month month day-of-week, UTC) or '@every 10m'."),
        _p("regions", "string[]", "Regions to discover; empty: the account's."),
        _p("paused", "bool", "A paused schedule stays stored but sends nothing."),
        _p("created_at", "datetime", "When it was created."),
        _p("updated_at", "datetime", "When it was last changed."),
        _p("last_run_at", "datetime", "When beat last sent its discovery job."),
        _p("last_task_id", "string", "Celery task id of the last job it sent."),
    ),
    hidden=True,
)

DELIVERY = NodeKind(
    label="Delivery",
    provider="any",
    service=_SERVICE,
    description="One delivery attempt of a notification to a target (the delivery log).",
    resource=False,
    properties=(
        _p("id", "string", "'<event id>:<target>:<attempt>'.", indexed=True),
        _p("target", "string", "Name of the notification target."),
        _p("event_id", "string", "Id of the event delivered."),
        _p("event_type", "string", "job.succeeded, job.failed or finding.critical."),
        _p("attempt", "int", "1 for the first try, then one more per retry."),
        _p("status", "string", "delivered | retrying | failed."),
        _p("http_status", "int", "HTTP status answered (webhook, Slack)."),
        _p("error", "string", "Why the attempt failed."),
        _p("at", "datetime", "When the attempt ended.", indexed=True),
    ),
    hidden=True,
)

NODES = (SCHEDULE, DELIVERY)

RELATIONSHIPS: tuple[RelType, ...] = ()
