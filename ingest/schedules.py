"""Celery beat's scheduler for the discovery schedules stored in the graph.

Run beat with ``-S ingest.schedules:GraphScheduler`` (``aidiscover beat`` does). Every
``AIDISCOVER_SCHEDULE_RELOAD_SECONDS`` it reloads the Schedule nodes: new ones start, changed ones
restart with their new timing, paused or removed ones stop; static entries from ``beat_schedule``
stay. A due schedule sends ``aidiscover.start_job`` with ``provider``, ``accounts`` (the account's
id at its provider), ``regions`` and ``started_by="schedule:<id>"``, and its ``last_run_at`` is
written back to the graph, so a restarted beat resumes where it left off. When Neo4j does not
answer, the schedules loaded last keep running and the reload is retried.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from celery import Celery
from celery.beat import ScheduleEntry, Scheduler

from core.errors import AIDiscoverError
from core.settings import Settings, load_settings
from graph.neo4j.client import Graph
from ingest.accounts.schedules import Schedule, list_schedules, parse_spec, record_run

log = logging.getLogger(__name__)

START_JOB = "aidiscover.start_job"
PREFIX = "schedule:"


def job_kwargs(item: Schedule) -> dict[str, object]:
    """The ``aidiscover.start_job`` keyword arguments for a schedule (the contract's names)."""
    # GCP jobs take Cloud Asset scopes; AWS and Azure the bare account / subscription id
    account = f"projects/{item.account_id}" if item.provider == "gcp" else item.account_id
    return {
        "provider": item.provider,
        "accounts": [account],
        "regions": list(item.regions) or None,
        "started_by": item.started_by,
    }


class GraphScheduler(Scheduler):  # type: ignore[misc]  # celery is untyped
    """A beat scheduler whose entries are the graph's Schedule nodes (plus ``beat_schedule``)."""

    def __init__(self, app: Celery, *args: Any, settings: Settings | None = None, **kwargs: Any) -> None:
        self.settings = settings or load_settings()
        self._graph: Graph | None = None
        self._last_reload = 0.0
        super().__init__(app, *args, **kwargs)
        loop: float = self.max_interval  # type: ignore[has-type]
        self.max_interval = min(loop, self.settings.accounts.schedule_reload_seconds)

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = Graph(self.settings.neo4j, self.settings.redis)
        return self._graph

    def setup_schedule(self) -> None:
        super().setup_schedule()
        self.reload()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if time.monotonic() - self._last_reload >= self.settings.accounts.schedule_reload_seconds:
            self.reload()
        delay: float = super().tick(*args, **kwargs)
        return delay

    def reload(self) -> bool:
        """Bring the graph-backed entries in line with the Schedule nodes; False when Neo4j failed."""
        self._last_reload = time.monotonic()
        try:
            stored = [s for s in list_schedules(self.graph) if not s.paused]
        except AIDiscoverError as exc:
            log.warning("schedules not reloaded, the last ones loaded keep running: %s", exc)
            return False
        wanted: dict[str, ScheduleEntry] = {}
        for item in stored:
            try:
                timing = parse_spec(item.spec, self.settings.accounts)
            except AIDiscoverError as exc:  # stored before a rule changed: skip it, keep the rest
                log.warning("schedule %s skipped: %s", item.id, exc)
                continue
            name = PREFIX + item.id
            entry = self.Entry(
                name=name,
                task=START_JOB,
                schedule=timing,
                kwargs=job_kwargs(item),
                options={},
                last_run_at=item.last_run_at or datetime.now(UTC),
                app=self.app,
            )
            current = self.schedule.get(name)
            # an unchanged entry keeps its own timing state; a changed one starts anew
            wanted[name] = current if current is not None and current.editable_fields_equal(entry) else entry
        for name in [n for n in self.schedule if n.startswith(PREFIX) and n not in wanted]:
            del self.schedule[name]
            log.info("schedule %s stopped", name[len(PREFIX) :])
        for name, entry in wanted.items():
            if self.schedule.get(name) is not entry:
                log.info("schedule %s loaded: %s", name[len(PREFIX) :], entry.schedule)
            self.schedule[name] = entry
        return True

    def apply_entry(self, entry: ScheduleEntry, producer: Any = None) -> None:
        if not entry.name.startswith(PREFIX):
            super().apply_entry(entry, producer=producer)
            return
        schedule_id = entry.name[len(PREFIX) :]
        try:
            result = self.apply_async(entry, producer=producer, advance=False)
        except Exception:
            log.exception("schedule %s: could not send %s", schedule_id, entry.task)
            return
        log.info("schedule %s sent %s (task %s)", schedule_id, entry.task, result.id)
        try:
            record_run(self.graph, schedule_id, datetime.now(UTC), str(result.id))
        except AIDiscoverError as exc:
            log.warning("schedule %s: last run not recorded: %s", schedule_id, exc)

    def close(self) -> None:
        super().close()
        if self._graph is not None:
            self._graph.close()
            self._graph = None

    @property
    def info(self) -> str:
        every = self.settings.accounts.schedule_reload_seconds
        return f"    . schedules -> graph {self.settings.neo4j.uri} (reloaded every {every} s)"
