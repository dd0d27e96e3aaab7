"""Celery on Redis: discovery jobs fanned out into unit tasks, the worker and the beat scheduler.

``aidiscover.start_job`` plans a job (provider x account x region x service), records it in the
graph and starts a chord: every unit's ``job_stage`` task writes its nodes and parks its edges in
Redis; ``job_after_stage`` then starts a chord of ``job_finish_unit`` tasks (edges, scoped cleanup)
whose body ``job_complete`` applies the derived links, runs the post-sync hooks, prunes history,
marks the job done and queues ``aidiscover.notify``.

Tasks acknowledge late and are rejected when their worker dies; a whole worker killed leaves its
tasks unacknowledged in Redis, and another worker puts them back on the queue once they are older than
``AIDISCOVER_TASK_VISIBILITY_TIMEOUT`` (60 s), while live workers re-stamp the tasks they hold so a slow
unit is not handed out twice (the design and its cost are in ``ingest.jobs.keepalive``). Every step is
idempotent anyway (MERGE by id, the job's one generation, cleanup of older generations only, counts
from unit states). Transient Neo4j/Redis failures are retried with exponential backoff. If Redis loses
a job's state mid-way (flushed, or restarted without persistence), the next task of the job fails it
loudly, and the reaper every worker runs (``ingest.jobs.reaping``, no beat needed) fails a job with no
task left to notice within ``AIDISCOVER_JOB_REAP_INTERVAL``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from typing import Any, ClassVar

import redis
from celery import Celery, Task, chord, group

from core.errors import AIDiscoverError
from core.settings import RedisSettings, Settings, load_settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.write import SyncStamp
from ingest.broker import base_celery, celery_app
from ingest.jobs.finish import complete_job
from ingest.jobs.keepalive import JobReaper, UnackedKeepAlive
from ingest.jobs.model import JobRequest, UnitOutcome, UnitSpec, stamp_from_json, stamp_to_json
from ingest.jobs.plan import plan_job
from ingest.jobs.progress import Progress, publish
from ingest.jobs.reaping import LOST, reap_once, state_key
from ingest.jobs.store import create_job, fail_job, get_job, unit_finished, unit_staged, unit_started
from ingest.jobs.units import Staged, classify, failure, finish, stage

log = logging.getLogger(__name__)

START_JOB = "aidiscover.start_job"
STAGE = "aidiscover.job_stage"
AFTER_STAGE = "aidiscover.job_after_stage"
FINISH_UNIT = "aidiscover.job_finish_unit"
COMPLETE = "aidiscover.job_complete"
REAP = "aidiscover.reap_jobs"
STATE_TTL = 2 * 86_400
DISPATCHED = "dispatched"
__all__ = ["LOST", "dispatch", "make_celery", "submit_job"]


class _KeepAlive(UnackedKeepAlive):
    """Beats for the job of each running job task (the job id's position in the task's arguments)."""

    job_arg: ClassVar[Mapping[str, int]] = {STAGE: 0, FINISH_UNIT: 0, AFTER_STAGE: 1, COMPLETE: 1}


def make_celery(settings: Settings) -> Celery:
    """The app a worker or beat runs: ``base_celery`` with the discovery tasks, the beat schedule, the
    keep-alive and the reaper (``app.worker`` adds the notification tasks)."""
    app = base_celery(settings)
    schedule: dict[str, dict[str, Any]] = {
        REAP: {"task": REAP, "schedule": timedelta(seconds=settings.jobs.reap_interval)}
    }
    if settings.ingest.discovery_interval_minutes > 0:
        schedule["discover-all"] = {
            "task": START_JOB,
            "schedule": timedelta(minutes=settings.ingest.discovery_interval_minutes),
            "kwargs": {"provider": "all", "started_by": "interval"},
        }
    app.conf.beat_schedule = schedule
    app.steps["consumer"].add(_KeepAlive)
    app.steps["worker"].add(JobReaper)
    retry = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}
    app.task(name=START_JOB, **retry)(_start_job)
    app.task(name=STAGE, **retry)(_stage)
    app.task(name=AFTER_STAGE, **retry)(_after_stage)
    app.task(name=FINISH_UNIT, **retry)(_finish_unit)
    app.task(name=COMPLETE, **retry)(_complete)
    app.task(name=REAP)(_reap)
    return app


@lru_cache(maxsize=1)
def _context() -> tuple[Settings, Graph]:
    """One settings value and one Neo4j driver per worker process (created after the fork)."""
    settings = load_settings()
    return settings, Graph(settings.neo4j, settings.redis)


def _redis(settings: RedisSettings) -> redis.Redis:
    return redis.Redis.from_url(settings.url, socket_connect_timeout=5, socket_timeout=10)


def _staged_key(job_id: str, key: str) -> str:
    return f"aidiscover:job:{job_id}:staged:{key}"


def _report(settings: RedisSettings, graph: Graph, job_id: str, message: str) -> None:
    publish(settings.url, Progress.of(get_job(graph, job_id), message))


def _alive(settings: RedisSettings, graph: Graph, job_id: str) -> bool:
    """False (and the job failed, loudly) when Redis no longer holds the job's state."""
    if _redis(settings).exists(state_key(job_id)):
        return True
    fail_job(graph, job_id, LOST)
    _report(settings, graph, job_id, "failed: " + LOST)
    return False


def _start_job(
    self: Task,
    provider: str = "all",
    accounts: list[str] | None = None,
    regions: list[str] | None = None,
    started_by: str = "unknown",
    services: list[str] | None = None,
    full: bool = False,
) -> str:
    """Plan, record and dispatch a job; returns its id (the task id, so a redelivery is the same job)."""
    settings, graph = _context()
    job_id = str(self.request.id)
    r = _redis(settings.redis)
    state = r.get(state_key(job_id))
    if state == DISPATCHED.encode():
        return job_id  # redelivered after dispatch: the units are on their way already
    # Redelivered mid-way (maybe after some units were queued): plan again with the first run's stamp, so
    # the units of both runs write one generation and neither run's cleanup removes the other's nodes.
    stamp = stamp_from_json(json.loads(state)) if state else SyncStamp.now()
    # the state key exists before the Job node does, so the reaper never takes a job being planned for a lost one
    r.set(state_key(job_id), json.dumps(stamp_to_json(stamp)), ex=STATE_TTL)
    request = JobRequest(provider, tuple(accounts or ()), tuple(regions or ()), started_by, tuple(services or ()), full)
    ensure_schema(graph, SCHEMA)
    try:
        plan = plan_job(request, settings)
    except AIDiscoverError as exc:  # nothing to run (endpoint down, bad settings): a failed job, said loudly
        create_job(graph, job_id, request, "worker", stamp, ())
        fail_job(graph, job_id, str(exc))
        _report(settings.redis, graph, job_id, f"failed: {exc}")
        return job_id
    create_job(graph, job_id, request, "worker", stamp, plan.units, plan.warnings)
    dispatch(self.app, job_id, stamp, plan.units)
    r.set(state_key(job_id), DISPATCHED, ex=STATE_TTL)
    _report(settings.redis, graph, job_id, "queued")
    return job_id


def dispatch(app: Celery, job_id: str, stamp: SyncStamp, units: tuple[UnitSpec, ...]) -> None:
    s = stamp_to_json(stamp)
    if not units:
        app.signature(COMPLETE, args=([], job_id, s)).apply_async()
        return
    header = group(app.signature(STAGE, args=(job_id, s, u.to_json())) for u in units)
    chord(header)(app.signature(AFTER_STAGE, args=(job_id, s)))


def _retry_or_fail(
    self: Task, settings: Settings, graph: Graph, job_id: str, spec: UnitSpec, exc: Exception
) -> dict[str, object]:
    if classify(exc) == "retry" and self.request.retries < settings.jobs.unit_retries:
        log.warning("unit %s of job %s: transient failure (%s); retrying", spec.key, job_id, exc)
        raise self.retry(exc=exc, countdown=min(60, 2**self.request.retries))
    err = failure(spec, exc)
    if not err.warning:
        log.error("unit %s of job %s failed: %s", spec.key, job_id, err, exc_info=exc)
    unit_finished(
        graph,
        job_id,
        UnitOutcome(
            spec.key, "failed", warnings=(str(err),) if err.warning else (), errors=() if err.warning else (str(err),)
        ),
    )
    _report(settings.redis, graph, job_id, f"{spec.key} failed")
    return {"key": spec.key, "ok": False, "accounts": []}


def _stage(self: Task, job_id: str, stamp: dict[str, object], spec_json: dict[str, str]) -> dict[str, object]:
    settings, graph = _context()
    spec = UnitSpec.from_json(spec_json)
    try:
        if not _alive(settings.redis, graph, job_id):
            return {"key": spec.key, "ok": False, "accounts": []}
        unit_started(graph, job_id, spec.key, "stage")
        staged = stage(spec, settings, graph, stamp_from_json(stamp), job_id)
        if not _alive(settings.redis, graph, job_id):
            return {"key": spec.key, "ok": False, "accounts": []}
        _redis(settings.redis).set(_staged_key(job_id, spec.key), staged.to_json(), ex=STATE_TTL)
        unit_staged(graph, job_id, spec.key, staged.nodes)
        _report(settings.redis, graph, job_id, f"{spec.key} nodes written")
    except Exception as exc:
        return _retry_or_fail(self, settings, graph, job_id, spec, exc)
    return {"key": spec.key, "ok": True, "spec": spec_json}


def _after_stage(self: Task, results: list[dict[str, Any]], job_id: str, stamp: dict[str, object]) -> None:
    """Every unit has written its nodes (or failed): the staged ones write edges and clean up."""
    ready = [r for r in results if r.get("ok")]
    if not ready:
        self.app.signature(COMPLETE, args=([], job_id, stamp)).apply_async()
        return
    header = group(self.app.signature(FINISH_UNIT, args=(job_id, stamp, r["spec"])) for r in ready)
    chord(header)(self.app.signature(COMPLETE, args=(job_id, stamp)))


def _finish_unit(self: Task, job_id: str, stamp: dict[str, object], spec_json: dict[str, str]) -> dict[str, object]:
    settings, graph = _context()
    spec = UnitSpec.from_json(spec_json)
    try:
        if not _alive(settings.redis, graph, job_id):
            return {"key": spec.key, "ok": False, "accounts": []}
        raw = _redis(settings.redis).get(_staged_key(job_id, spec.key))
        if raw is None:
            fail_job(graph, job_id, LOST)
            return {"key": spec.key, "ok": False, "accounts": []}
        unit_started(graph, job_id, spec.key, "finish")
        outcome = finish(
            Staged.from_json(raw.decode() if isinstance(raw, bytes) else str(raw)),
            settings,
            graph,
            stamp_from_json(stamp),
            job_id,
        )
        unit_finished(graph, job_id, outcome)
        _report(settings.redis, graph, job_id, f"{spec.key} done")
    except Exception as exc:
        return _retry_or_fail(self, settings, graph, job_id, spec, exc)
    return {
        "key": spec.key,
        "ok": True,
        "accounts": list(outcome.accounts),
        "changed": outcome.changed,
        "kinds": list(outcome.kinds),
    }


def _complete(self: Task, results: list[dict[str, Any]], job_id: str, stamp: dict[str, object]) -> str:
    settings, graph = _context()
    if get_job(graph, job_id).finished:
        return job_id  # failed loudly already (Redis lost its state) or completed by a redelivery
    # the derived links are matched again only in the accounts a unit changed (a result without the flag: changed)
    accounts = {a for r in results if r.get("ok") and r.get("changed", True) for a in r.get("accounts", [])}
    # the kinds the post-sync hooks look at: unknown (all) when a unit failed (it may have staged nodes) or its
    # result predates the list
    known = all(r.get("ok") and "kinds" in r for r in results)
    kinds = {k for r in results if r.get("changed", True) for k in r.get("kinds", [])} if known else None
    try:
        job = complete_job(graph, settings, job_id, stamp_from_json(stamp), accounts, kinds=kinds)
    except Exception as exc:
        if classify(exc) == "retry" and self.request.retries < settings.jobs.unit_retries:
            raise self.retry(exc=exc, countdown=min(60, 2**self.request.retries)) from exc
        raise
    r = _redis(settings.redis)
    for key in r.scan_iter(f"aidiscover:job:{job_id}:staged:*"):
        r.delete(key)
    return job.status


def _reap(self: Task | None = None) -> list[str]:
    """Beat's schedule still runs the reaper; the lock makes it a no-op when a worker reaped lately."""
    settings, graph = _context()
    return [job.job_id for job in reap_once(settings.jobs, graph, _redis(settings.redis)) or ()]


def submit_job(settings: Settings, request: JobRequest) -> str:
    """Queue ``aidiscover.start_job``; the job id is the task id."""
    result = celery_app(settings).send_task(
        START_JOB,
        kwargs={
            "provider": request.provider,
            "accounts": list(request.accounts) or None,
            "regions": list(request.regions) or None,
            "started_by": request.started_by,
            "services": list(request.services) or None,
            "full": request.full,
        },
    )
    return str(result.id)
