"""Reaping jobs nobody will finish, without Celery beat.

Every worker process runs a :class:`Reaper` thread (started by the worker bootstep in
``ingest.jobs.keepalive``); every ``job_reap_interval`` seconds it calls :func:`reap_once`, which
first takes the Redis key ``aidiscover:jobs:reaper`` with ``SET NX EX interval``. Whoever sets the
key reaps; the key is left to expire rather than deleted, so across all workers the reaper runs in
one place at a time and at most once per interval. A running job is marked failed, with a reason
the user sees in ``aidiscover jobs ID`` and the GraphQL job record, when:

* it runs on workers and Redis no longer holds its state key (:func:`state_key`): Redis was flushed
  or restarted without persistence, so its queued and unacknowledged tasks are gone with it
  (:data:`LOST`); this is caught at the next run, whatever ``job_stall_seconds`` says;
* none of its units reported (the job's ``heartbeat``) for ``job_stall_seconds``, no live worker
  runs one of its tasks (the worker keep-alive refreshes :func:`beat_key` for the jobs of the tasks
  it is running) and none of its tasks is in the broker, queued or unacknowledged (:func:`in_broker`):
  its tasks were lost some other way, or the process running a local job died (:func:`stalled`).

A job whose units still report, whose unit a live worker is running however long it takes, or whose
tasks wait in the queue behind other jobs' is never reaped. If Redis does not answer, nothing is
reaped (a Redis outage is not a lost job).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis

from core.settings import JobsSettings, Settings
from graph.neo4j.client import Graph
from ingest.jobs.store import fail_job

__all__ = [
    "LOCK_KEY",
    "LOST",
    "Reaped",
    "Reaper",
    "beat_key",
    "in_broker",
    "reap_jobs",
    "reap_once",
    "stalled",
    "state_key",
]

log = logging.getLogger(__name__)

LOCK_KEY = "aidiscover:jobs:reaper"
QUEUES = ("celery",)  # Celery's default queue: the only one the job tasks use
UNACKED = "unacked"  # the Redis transport's hash of delivered, unacknowledged messages
BROKER_PAGE = 1000
LOST = (
    "Redis lost this job's state mid-way (restarted or flushed); units that had not finished removed nothing; "
    "run the job again"
)


def state_key(job_id: str) -> str:
    """Set when a worker job is planned, for as long as it may run; its absence means Redis lost the job."""
    return f"aidiscover:job:{job_id}:state"


def beat_key(job_id: str) -> str:
    """Refreshed by every live worker that holds one of the job's tasks."""
    return f"aidiscover:job:{job_id}:beat"


def stalled(stall_seconds: int) -> str:
    return (
        f"no unit of the job reported for {stall_seconds} s, no worker runs one of its tasks and none is queued "
        "(its tasks were lost, or the process running it died); units that did not finish removed nothing; run the "
        "job again"
    )


@dataclass(frozen=True)
class Reaped:
    job_id: str
    reason: str


def in_broker(client: redis.Redis, job_ids: Iterable[str], queues: Sequence[str] = QUEUES) -> set[str]:
    """The jobs among ``job_ids`` with a task in the broker: waiting in a queue, or delivered and not yet
    acknowledged (held by a live worker, or by a dead one until the sweep puts it back). Every task of a
    job carries the job's id (its root task's id, and the first argument of a unit's task)."""
    wanted = {job_id.encode(): job_id for job_id in job_ids}
    found: set[str] = set()

    def look(raw: bytes | str) -> None:
        data = raw if isinstance(raw, bytes) else raw.encode()
        found.update(job_id for needle, job_id in wanted.items() if needle in data)

    for queue in queues:
        for start in range(0, int(client.llen(queue)), BROKER_PAGE):
            for raw in client.lrange(queue, start, start + BROKER_PAGE - 1):
                look(raw)
    for _tag, raw in client.hscan_iter(UNACKED, count=BROKER_PAGE):
        look(raw)
    return found


def reap_jobs(graph: Graph, client: redis.Redis, stall_seconds: int, now: datetime | None = None) -> list[Reaped]:
    """Fail the running jobs nobody will finish (see the module docstring); returns them with the reason."""
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=stall_seconds)
    rows = graph.read(
        "MATCH (j:Job {status: 'running'}) RETURN j.id AS id, j.via AS via, j.heartbeat < $cutoff AS old",
        {"cutoff": cutoff},
    )
    reaped: list[Reaped] = []
    silent: list[str] = []
    for row in rows:
        job_id = str(row["id"])
        if row["via"] == "worker" and not client.exists(state_key(job_id)):
            reaped.append(Reaped(job_id, LOST))
        elif row["old"] and not client.exists(beat_key(job_id)):
            silent.append(job_id)
    if silent:
        queued = in_broker(client, silent)
        reaped += [Reaped(job_id, stalled(stall_seconds)) for job_id in silent if job_id not in queued]
    for job in reaped:
        fail_job(graph, job.job_id, job.reason)
    return reaped


def reap_once(settings: JobsSettings, graph: Graph, client: redis.Redis) -> list[Reaped] | None:
    """Reap if no other process reaped within the last ``job_reap_interval`` s; None when another one did."""
    if not client.set(LOCK_KEY, uuid.uuid4().hex, nx=True, ex=settings.reap_interval):
        return None
    return reap_jobs(graph, client, settings.stall_seconds)


class Reaper:
    """A daemon thread calling :func:`reap_once` every ``job_reap_interval`` s with its own Neo4j driver."""

    def __init__(self, settings: Settings, name: str = "aidiscover-reaper") -> None:
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        client = redis.Redis.from_url(self.settings.redis.url, socket_connect_timeout=5, socket_timeout=10)
        graph = Graph(self.settings.neo4j, self.settings.redis)
        try:
            while not self._stop.is_set():
                self._tick(graph, client)
                self._stop.wait(self.settings.jobs.reap_interval)
        finally:
            graph.close()
            client.close()

    def _tick(self, graph: Graph, client: redis.Redis) -> None:
        try:
            reaped = reap_once(self.settings.jobs, graph, client)
        except Exception as exc:  # Neo4j or Redis not answering: try again next interval, never kill the worker
            log.warning("job reaper: skipped this run (%s); retrying in %s s", exc, self.settings.jobs.reap_interval)
            return
        if reaped is None:
            log.debug("job reaper: another process reaped within the last %s s", self.settings.jobs.reap_interval)
            return
        log.info("job reaper: ran, %d job(s) reaped", len(reaped))
        for job in reaped:
            log.error("job reaper: job %s marked failed: %s", job.job_id, job.reason)
