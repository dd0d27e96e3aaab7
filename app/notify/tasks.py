"""Celery tasks: ``aidiscover.notify`` fans an event out to the targets that want it, and
``aidiscover.deliver`` sends it to one target, retrying with exponential backoff.

Attempt n of a delivery waits ``AIDISCOVER_NOTIFY_RETRY_BACKOFF * 2**(n-1)`` seconds before it runs
again, up to ``AIDISCOVER_NOTIFY_MAX_RETRIES`` retries; every attempt is a Delivery node (delivered,
retrying or failed, with the HTTP status or the error). Tasks are registered on the shared Celery
app by ``register_tasks(app)`` (``app.worker`` calls it), so every worker runs them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from celery import Celery, Task

from app.notify.channels import deliver
from app.notify.model import Delivery, parse_event
from app.notify.store import load_target, record_delivery, targets_for
from core.errors import AIDiscoverError, DeliveryError
from core.settings import Settings, load_settings
from graph.neo4j.client import Graph
from ingest.broker import NOTIFY_TASK

log = logging.getLogger(__name__)

NOTIFY = NOTIFY_TASK
DELIVER = "aidiscover.deliver"


@lru_cache(maxsize=1)
def _worker_context() -> tuple[Settings, Graph]:
    """One settings value and one driver per worker process."""
    settings = load_settings()
    return settings, Graph(settings.neo4j, settings.redis)


def notify(task: Task, event: dict[str, Any]) -> dict[str, object]:
    """Queue one delivery per target that wants this event; returns the event id and the targets."""
    settings, graph = _worker_context()
    parsed = parse_event(event)
    targets = targets_for(graph, settings.accounts, parsed.type)
    for target in targets:
        task.app.send_task(DELIVER, args=[target, {**parsed.to_json()}])
    log.info("event %s (%s) queued for %s target(s)", parsed.id, parsed.type, len(targets))
    return {"event": parsed.id, "targets": targets}


def deliver_one(task: Task, target_id: str, event: dict[str, Any]) -> dict[str, object]:
    settings, graph = _worker_context()
    parsed = parse_event(event)
    attempt = int(task.request.retries) + 1
    delivery_id = f"{parsed.id}:{target_id}:{attempt}"
    try:
        target = load_target(graph, settings.accounts, target_id)
    except AIDiscoverError as exc:  # removed meanwhile, or the key changed: nothing to retry
        record_delivery(
            graph,
            Delivery(
                delivery_id, target_id, parsed.id, parsed.type, attempt, "failed", datetime.now(UTC), error=str(exc)
            ),
        )
        log.warning("delivery %s not attempted: %s", delivery_id, exc)
        return {"status": "failed", "attempt": attempt}
    try:
        status = deliver(target, parsed, settings.notify.timeout, delivery_id)
    except DeliveryError as exc:
        last = attempt > settings.notify.max_retries
        record_delivery(
            graph,
            Delivery(
                delivery_id,
                target_id,
                parsed.id,
                parsed.type,
                attempt,
                "failed" if last else "retrying",
                datetime.now(UTC),
                http_status=exc.http_status,
                error=str(exc),
            ),
        )
        if last:
            log.warning("delivery %s failed for good after %s attempt(s): %s", delivery_id, attempt, exc)
            return {"status": "failed", "attempt": attempt}
        countdown = settings.notify.retry_backoff * 2 ** (attempt - 1)
        log.info("delivery %s failed (%s); retry in %.1f s", delivery_id, exc, countdown)
        raise task.retry(countdown=countdown, max_retries=settings.notify.max_retries) from None
    record_delivery(
        graph,
        Delivery(
            delivery_id, target_id, parsed.id, parsed.type, attempt, "delivered", datetime.now(UTC), http_status=status
        ),
    )
    log.info("delivery %s delivered (attempt %s)", delivery_id, attempt)
    return {"status": "delivered", "attempt": attempt, "http_status": status}


def register_tasks(app: Celery) -> None:
    """Register ``aidiscover.notify`` and ``aidiscover.deliver`` on ``app`` (idempotent)."""
    if NOTIFY not in app.tasks:
        app.task(name=NOTIFY, bind=True, acks_late=True)(notify)
    if DELIVER not in app.tasks:
        app.task(name=DELIVER, bind=True, acks_late=True)(deliver_one)


def send_event(app: Celery, event: dict[str, Any]) -> str:
    """Queue ``event`` for notification (what other areas call); returns the Celery task id."""
    parse_event(event)  # a bad event fails here, in the caller, not later in a worker
    return str(app.send_task(NOTIFY, args=[event]).id)
