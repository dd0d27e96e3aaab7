"""The Celery app on Redis as every process configures it, and events queued on it for notification.

``base_celery(settings)`` is the app without tasks: enough to send a task by name. ``ingest.tasks``
adds the discovery tasks, the keep-alive and the reaper for workers; ``app.worker`` adds the notification
tasks, which run ``aidiscover.notify`` (``NOTIFY_TASK``) for the events queued here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    from celery import Celery

__all__ = ["NOTIFY_TASK", "base_celery", "celery_app", "queue_events"]

log = logging.getLogger(__name__)

NOTIFY_TASK = "aidiscover.notify"


def base_celery(settings: Settings) -> Celery:
    """A Celery app on ``settings.redis.url`` with the project's serialisation, acknowledgement and
    visibility settings, and no task registered. Celery (and the worker's
    bootsteps) are imported here, by the first app made: a CLI
    discovery that queues one event at its end does not pay its imports up front."""
    from celery import Celery

    from ingest.jobs.keepalive import transport_options

    app = Celery("aidiscover", broker=settings.redis.url, backend=settings.redis.url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=timedelta(days=1),
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport_options(settings.jobs),
        result_backend_transport_options={"retry_policy": {"timeout": 30.0}},
        worker_hijack_root_logger=False,
    )
    return app


@lru_cache(maxsize=4)
def celery_app(settings: Settings) -> Celery:
    """The shared app for sending tasks by name (one per Redis URL and process)."""
    return base_celery(settings)


def queue_events(settings: Settings, events: Sequence[Mapping[str, object]]) -> int:
    """Queue ``aidiscover.notify`` for each event; returns how many were queued. A broker that cannot be
    reached is logged, never raised: what the events announce is already stored."""
    sent = 0
    for event in events:
        try:
            celery_app(settings).send_task(NOTIFY_TASK, args=[dict(event)])
        except Exception as exc:  # kombu raises many types; a lost notification must not fail its caller
            log.warning("could not queue %s %s: %s", event.get("type"), event.get("id"), exc)
            break
        sent += 1
    return sent
