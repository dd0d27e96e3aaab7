"""Discovery schedules per registered account, stored as Schedule nodes (their ``account`` property names
the account in the secret store; a schedule whose account is gone is not listed).

A schedule's ``spec`` is a 5-field cron expression (minute hour day-of-month month day-of-week, UTC,
parsed by Celery's ``crontab``) or ``@every N<s|m|h>`` for a fixed interval of at least
``AIDISCOVER_SCHEDULE_MIN_INTERVAL_SECONDS``. Celery beat (``ingest.schedules.GraphScheduler``)
reloads them from the graph and sends ``aidiscover.start_job`` for each one due.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import neo4j
from celery.schedules import crontab, schedule

from core.errors import RegistrationError
from core.settings import AccountsSettings
from graph.neo4j.client import Graph
from ingest.accounts.model import CloudAccount
from ingest.accounts.store import account_views, get_account

log = logging.getLogger(__name__)

_EVERY = re.compile(r"^@every\s+(\d+)\s*([smh])$")
_UNIT = {"s": 1, "m": 60, "h": 3600}
_ID = re.compile(r"^[\w.:@-]{1,120}$")


@dataclass(frozen=True)
class Schedule:
    """When a registered account is discovered (Celery beat sends the job)."""

    id: str
    account: str = field(metadata={"doc": "The cloud account's id, e.g. aws:123456789012."})
    provider: str
    account_id: str
    spec: str = field(metadata={"doc": "5-field cron (UTC) or '@every N<s|m|h>'."})
    regions: tuple[str, ...] = ()
    paused: bool = False
    last_run_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def started_by(self) -> str:
        return f"schedule:{self.id}"


def parse_spec(spec: str, settings: AccountsSettings) -> crontab | schedule:
    """The Celery schedule for ``spec``, or a RegistrationError saying what a valid one looks like."""
    text = " ".join(spec.split())
    every = _EVERY.match(text)
    if every:
        seconds = int(every.group(1)) * _UNIT[every.group(2)]
        if seconds < settings.schedule_min_interval_seconds:
            raise RegistrationError(
                f"schedule {spec!r} is shorter than {settings.schedule_min_interval_seconds} s "
                "(AIDISCOVER_SCHEDULE_MIN_INTERVAL_SECONDS); use a longer interval"
            )
        return schedule(timedelta(seconds=seconds))
    fields = text.split(" ")
    if len(fields) != 5:
        raise RegistrationError(
            f"schedule {spec!r} is not a 5-field cron expression (minute hour day-of-month month day-of-week, "
            "e.g. '0 3 * * *') nor '@every N<s|m|h>'"
        )
    try:
        return crontab.from_string(text)
    except (ValueError, IndexError, KeyError) as exc:  # crontab's ParseException is a ValueError
        example = "e.g. '*/30 * * * *' or '0 3 * * 1-5'"
        raise RegistrationError(f"cron expression {spec!r} is invalid ({exc}); {example}") from None


def _schedule(record: neo4j.Record, account: CloudAccount) -> Schedule:
    def native(value: object) -> datetime | None:
        return value.to_native() if value is not None else None  # type: ignore[attr-defined]

    return Schedule(
        id=record["id"],
        account=record["account"],
        provider=account.provider,
        account_id=account.account_id,
        spec=record["spec"],
        regions=tuple(record["regions"] or ()),
        paused=bool(record["paused"]),
        last_run_at=native(record["last_run_at"]),
        updated_at=native(record["updated_at"]),
    )


_RETURN = (
    "RETURN s.id AS id, s.account AS account, s.spec AS spec, s.regions AS regions, s.paused AS paused, "
    "s.last_run_at AS last_run_at, s.updated_at AS updated_at"
)


def _with_accounts(graph: Graph, rows: list[neo4j.Record]) -> list[Schedule]:
    accounts = {a.id: a for a in account_views(graph)} if rows else {}
    return [_schedule(r, accounts[r["account"]]) for r in rows if r["account"] in accounts]


def list_schedules(graph: Graph) -> list[Schedule]:
    return _with_accounts(graph, graph.read("MATCH (s:Schedule) " + _RETURN + " ORDER BY s.id"))


def get_schedule(graph: Graph, schedule_id: str) -> Schedule:
    found = _with_accounts(graph, graph.read("MATCH (s:Schedule {id: $id}) " + _RETURN, {"id": schedule_id}))
    if not found:
        raise RegistrationError(f"no schedule {schedule_id!r}; `aidiscover schedules list` shows them")
    return found[0]


def set_schedule(
    graph: Graph,
    settings: AccountsSettings,
    account: str,
    spec: str,
    regions: tuple[str, ...] = (),
    schedule_id: str | None = None,
) -> Schedule:
    """Create or change the schedule ``schedule_id`` (default: the account's id) of a registered account."""
    acc = get_account(graph, account)
    parse_spec(spec, settings)
    sid = (schedule_id or acc.id).strip()
    if not _ID.match(sid):
        raise RegistrationError(f"schedule id {sid!r} must be 1-120 letters, digits or . : @ - _")
    for region in regions:
        if not re.fullmatch(r"[a-z0-9-]{2,40}", region):
            raise RegistrationError(f"region {region!r} is not a region name (e.g. eu-west-1, westeurope)")
    existing = graph.read("MATCH (s:Schedule {id: $id}) RETURN s.account AS account", {"id": sid})
    if existing and existing[0]["account"] != acc.id:
        raise RegistrationError(f"schedule {sid!r} belongs to {existing[0]['account']}; choose another id")
    graph.write(
        "MERGE (s:Schedule {id: $id}) ON CREATE SET s.created_at = $at, s.paused = false "
        "SET s.account = $account, s.spec = $spec, s.regions = $regions, s.updated_at = $at",
        {
            "id": sid,
            "account": acc.id,
            "spec": " ".join(spec.split()),
            "regions": list(regions),
            "at": datetime.now(UTC),
        },
    )
    log.info("schedule %s of %s set to %r", sid, acc.id, spec)
    return get_schedule(graph, sid)


def set_paused(graph: Graph, schedule_id: str, paused: bool) -> Schedule:
    summary = graph.write(
        "MATCH (s:Schedule {id: $id}) SET s.paused = $paused, s.updated_at = $at",
        {"id": schedule_id, "paused": paused, "at": datetime.now(UTC)},
    )
    if not summary.counters.properties_set:
        raise RegistrationError(f"no schedule {schedule_id!r}; `aidiscover schedules list` shows them")
    log.info("schedule %s %s", schedule_id, "paused" if paused else "resumed")
    return get_schedule(graph, schedule_id)


def remove_schedule(graph: Graph, schedule_id: str) -> None:
    summary = graph.write("MATCH (s:Schedule {id: $id}) DETACH DELETE s", {"id": schedule_id})
    if not summary.counters.nodes_deleted:
        raise RegistrationError(f"no schedule {schedule_id!r}; `aidiscover schedules list` shows them")


def record_run(graph: Graph, schedule_id: str, at: datetime, task_id: str) -> None:
    graph.write(
        "MATCH (s:Schedule {id: $id}) SET s.last_run_at = $at, s.last_task_id = $task",
        {"id": schedule_id, "at": at, "task": task_id},
    )
