"""Run a discovery job in this process (the CLI's default): the same units and records as a worker's.

Units run in a bounded thread pool, in two phases: every unit writes its nodes, then every staged
unit writes its edges and cleans up its scope. Transient failures (Neo4j or Redis unavailable) are
retried with backoff; a unit that still fails is recorded as failed and removes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.write import SyncStamp
from ingest.broker import celery_app
from ingest.jobs.finish import complete_job
from ingest.jobs.model import JobRequest, UnitOutcome, UnitSpec
from ingest.jobs.plan import plan_job
from ingest.jobs.progress import Progress, publish
from ingest.jobs.store import JobRecord, create_job, unit_finished, unit_staged, unit_started
from ingest.jobs.units import Staged, classify, failure, finish, stage, touched_kinds

if TYPE_CHECKING:
    from ingest.jobs.hooks import Hook

log = logging.getLogger(__name__)
T = TypeVar("T")

OnProgress = Callable[[Progress], None]
BEAT_SECONDS = 1.0  # the job's heartbeat is written with a unit's record at most this often (stall_seconds >= 10)


def with_retries(work: Callable[[], T], retries: int, base: float = 1.0, cap: float = 30.0) -> T:
    """Run ``work``; on a transient error wait (exponential backoff, capped) and try again, ``retries`` times."""
    attempt = 0
    while True:
        try:
            return work()
        except Exception as exc:
            if classify(exc) != "retry" or attempt >= retries:
                raise
            delay = min(cap, base * 2**attempt)
            attempt += 1
            log.warning("transient failure (%s); retry %s/%s in %.1f s", exc, attempt, retries, delay)
            time.sleep(delay)


def run_job_local(
    settings: Settings,
    request: JobRequest,
    on_progress: OnProgress | None = None,
    graph: Graph | None = None,
    hooks: Sequence[Hook] | None = None,
) -> JobRecord:
    """Plan, run and complete one job here; ``hooks``: the post-sync hooks to run (default: every one)."""
    job_id = str(uuid.uuid4())
    # The job ends by queuing its event on Celery, whose imports cost about half a second of CPU: made on a
    # thread of their own now, they mostly run while the units wait on the cloud and the graph.
    threading.Thread(target=celery_app, args=(settings,), name="broker-warm-up", daemon=True).start()
    plan = plan_job(request, settings)
    own = graph is None
    graph = graph or Graph(settings.neo4j, settings.redis)
    try:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        stamp = SyncStamp.now()
        create_job(graph, job_id, request, "local", stamp, plan.units, plan.warnings)

        lock = threading.Lock()
        tally = _Tally(job_id, len(plan.units))
        beat = _Beat(BEAT_SECONDS)

        def report(message: str, staged: Staged | None = None, outcome: UnitOutcome | None = None) -> None:
            with lock:  # one report at a time, so followers see the counts only move forward
                progress = tally.add(message, staged, outcome)
                publish(settings.redis.url, progress)
                if on_progress is not None:
                    on_progress(progress)

        report("planned")

        def staged_unit(spec: UnitSpec) -> Staged | None:
            try:
                unit_started(graph, job_id, spec.key, "stage", beat.due())
                done = with_retries(lambda: stage(spec, settings, graph, stamp, job_id), settings.jobs.unit_retries)
            except Exception as exc:
                report(f"{spec.key} failed", outcome=_failed(graph, job_id, spec, exc))
                return None
            unit_staged(graph, job_id, spec.key, done.nodes, beat.due())
            report(f"{spec.key} nodes written", staged=done)
            return done

        def finished_unit(done: Staged) -> UnitOutcome | None:
            try:
                outcome = with_retries(lambda: finish(done, settings, graph, stamp, job_id), settings.jobs.unit_retries)
            except Exception as exc:
                report(f"{done.spec.key} failed", outcome=_failed(graph, job_id, done.spec, exc))
                return None
            unit_finished(graph, job_id, outcome, beat.due())
            report(f"{done.spec.key} done", outcome=outcome)
            return outcome

        workers = max(1, min(settings.aws.max_workers, len(plan.units) or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            staged = [s for s in pool.map(staged_unit, plan.units) if s is not None]
            outcomes = [o for o in pool.map(finished_unit, staged) if o is not None]
        changed = [o for o in outcomes if o.changed]
        # a unit that staged and then failed may have written nodes: its kinds count as changed too
        finished = {o.key for o in outcomes}
        kinds = {k for o in changed for k in o.kinds}
        kinds.update(k for s in staged if s.spec.key not in finished for k in touched_kinds(s))
        accounts = {a for o in changed for a in o.accounts}
        job = complete_job(graph, settings, job_id, stamp, accounts, hooks, kinds)  # links only where a unit changed
        if on_progress is not None:
            on_progress(Progress.of(job, "finished"))
        return job
    finally:
        if own:
            graph.close()


def _failed(graph: Graph, job_id: str, spec: UnitSpec, exc: Exception) -> UnitOutcome:
    err = failure(spec, exc)
    if not err.warning:
        log.error("unit %s failed: %s", spec.key, err, exc_info=exc)
    outcome = UnitOutcome(
        spec.key, "failed", warnings=(str(err),) if err.warning else (), errors=() if err.warning else (str(err),)
    )
    unit_finished(graph, job_id, outcome)
    return outcome


class _Beat:
    """Whether a unit's record should also beat the job's heartbeat: the first time, then once ``every`` seconds
    (beating with every record made the job's units queue on the Job node's lock)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._last = -every
        self._lock = threading.Lock()

    def due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.every:
                return False
            self._last = now
            return True


class _Tally:
    """The job's progress counted here as its units report, the way ``Progress.of`` reads it from the graph
    (reading the job and all its units for every event was most of this runner's own time on small estates)."""

    def __init__(self, job_id: str, total: int) -> None:
        self.job_id = job_id
        self.total = total
        self.staged: dict[str, int] = {}  # unit key -> nodes, from staging on
        self.finished: dict[str, UnitOutcome] = {}

    def add(self, message: str, staged: Staged | None, outcome: UnitOutcome | None) -> Progress:
        if staged is not None:
            self.staged[staged.spec.key] = staged.nodes
        if outcome is not None:
            self.finished[outcome.key] = outcome
            self.staged[outcome.key] = outcome.nodes  # a failed unit's record holds no nodes
        done = self.finished.values()
        return Progress(
            self.job_id,
            "running",
            self.total,
            len(self.staged),
            len(self.finished),
            sum(o.status == "failed" for o in done),
            sum(self.staged.values()),
            sum(o.edges for o in done),
            sum(o.removed_nodes for o in done),
            sum(o.changes for o in done),
            message,
        )
