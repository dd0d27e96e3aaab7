"""Worker bootsteps: keep a live worker's tasks its own, and run the job reaper in every worker.

How a killed worker's unit comes back, and why a slow one does not run twice
-----------------------------------------------------------------------------
Job tasks acknowledge late (``acks_late``) and are rejected back to the queue when their pool
process dies (``reject_on_worker_lost``). When the whole worker dies (SIGKILL, OOM, a lost host)
nothing can reject them: Celery's Redis transport keeps every delivered, unacknowledged message in
the ``unacked`` hash with its delivery time in the ``unacked_index`` sorted set, and any worker's
periodic sweep puts back on the queue those older than ``visibility_timeout``. With Redis's default
of an hour a killed worker's unit waited an hour; so ``task_visibility_timeout`` is short (60 s by
default) and the sweep runs every ``sweep_interval`` (at most 10 s, on every tick rather than
kombu's default of one tick in ten): a killed worker's unit runs again within about 70 s.

The cost of a short timeout is the one the Celery and kombu issue trackers describe (celery#5935,
kombu#337): the sweep cannot tell a dead worker's message from a live worker's slow one, or from a
retry waiting for its countdown, and hands it out a second time. :class:`UnackedKeepAlive` removes
that cost: every ``keepalive_interval`` (a quarter of the timeout) each worker's event loop re-stamps
the delivery time of every message it holds (``ZADD XX``; an acknowledged one is not re-added), so
only the messages of a worker that stopped beating, i.e. a dead one, age past the timeout. It also
refreshes the beat key of each job one of its running tasks belongs to, which tells the reaper
that the job's units are alive however long a unit takes.

A second run stays possible (a worker frozen longer than the timeout, a ``--pool=solo`` worker whose
event loop waits for the unit it runs, Redis unreachable for longer than the timeout), and is
harmless: every graph write is a MERGE by id with the job's one generation, cleanup removes only
older generations, the unit's counters are SET from its outcome (never incremented) and the job's
totals are computed from its units' states, so a unit run twice counts once (only its ``attempts``
says it ran twice).

:class:`JobReaper` starts a :class:`~ingest.jobs.reaping.Reaper` thread in each worker's main process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from celery import bootsteps
from celery.worker import state as worker_state

from core.settings import JobsSettings, load_settings
from ingest.jobs.reaping import Reaper, beat_key

__all__ = ["JobReaper", "UnackedKeepAlive", "keepalive_interval", "sweep_interval", "transport_options"]

log = logging.getLogger(__name__)


def keepalive_interval(visibility_timeout: int) -> float:
    """How often a worker re-stamps the messages it holds: four times per visibility timeout."""
    return visibility_timeout / 4


def sweep_interval(visibility_timeout: int) -> int:
    """How often a worker puts back messages older than the visibility timeout (kombu's sweep)."""
    return max(1, min(10, visibility_timeout // 4))


def transport_options(settings: JobsSettings) -> dict[str, Any]:
    """The Redis transport's options for the visibility timeout, the sweep and its mutex."""
    timeout = settings.task_visibility_timeout
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": sweep_interval(timeout),
        "unacked_restore_throttle": 1,  # sweep on every tick of the interval above
        # a worker killed while sweeping holds the sweep's mutex until it expires: not for kombu's 5 minutes
        "unacked_mutex_expire": max(5, min(300, timeout)),
    }


class UnackedKeepAlive(bootsteps.StartStopStep):  # type: ignore[misc]  # celery is untyped
    """Consumer step: re-stamp the messages this worker holds; beat for the jobs of its running tasks.

    ``job_arg`` maps a task name to the position of the job id in its arguments (set by the app).
    """

    requires = ("celery.worker.consumer.tasks:Tasks",)
    job_arg: ClassVar[Mapping[str, int]] = {}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        self.tref: Any = None
        self.visibility_timeout = 0
        super().__init__(parent, **kwargs)

    def start(self, c: Any) -> None:
        options = c.app.conf.broker_transport_options or {}
        self.visibility_timeout = int(options.get("visibility_timeout") or load_settings().jobs.task_visibility_timeout)
        interval = keepalive_interval(self.visibility_timeout)
        self.tref = c.timer.call_repeatedly(interval, self.beat, (c,))
        log.info(
            "keep-alive: re-stamping held tasks every %.1f s (visibility timeout %s s)",
            interval,
            self.visibility_timeout,
        )

    def stop(self, c: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    shutdown = stop

    def beat(self, c: Any) -> None:
        try:
            channel = c.task_consumer.channel
            qos = channel.qos
            tags = [t for t in list(getattr(qos, "_delivered", {})) if t not in getattr(qos, "_dirty", set())]
            jobs = self._jobs()
            if not tags and not jobs:
                return
            now = time.time()
            with channel.conn_or_acquire() as client:
                pipe = client.pipeline()
                if tags:
                    pipe.zadd(channel.unacked_index_key, dict.fromkeys(tags, now), xx=True)
                for job_id in jobs:
                    pipe.set(beat_key(job_id), str(now), ex=max(10, self.visibility_timeout))
                pipe.execute()
        except Exception as exc:  # a Redis hiccup: the next beat (a quarter timeout later) tries again
            log.warning("keep-alive: could not re-stamp held tasks (%s)", exc)

    def _jobs(self) -> set[str]:
        jobs: set[str] = set()
        for request in list(worker_state.active_requests):
            position = self.job_arg.get(request.task_name)
            args = request.args or ()
            if position is not None and len(args) > position:
                jobs.add(str(args[position]))
        return jobs


class JobReaper(bootsteps.StartStopStep):  # type: ignore[misc]  # celery is untyped
    """Worker step: run the job reaper thread in this worker (a Redis lock keeps it to one run at a time)."""

    requires = ("celery.worker.components:Pool",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        self.reaper: Reaper | None = None
        super().__init__(parent, **kwargs)

    def start(self, parent: Any) -> None:
        settings = load_settings()
        self.reaper = Reaper(settings)
        self.reaper.start()
        log.info("job reaper: running every %s s", settings.jobs.reap_interval)

    def stop(self, parent: Any) -> None:
        if self.reaper is not None:
            self.reaper.stop()
            self.reaper = None

    shutdown = stop
