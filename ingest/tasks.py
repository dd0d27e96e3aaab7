"""Celery on Redis: the discovery task, the worker and the beat scheduler.

The broker and result backend are ``REDIS_URL``. Tasks acknowledge late (a worker that dies
mid-task leaves the message for another) and are idempotent: a rerun of the same discovery MERGEs
the same nodes and its cleanup removes only what is stale. With
``AIDISCOVER_DISCOVERY_INTERVAL_MINUTES`` > 0, beat queues a discovery that often.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery

from app.settings import Settings, load_settings
from ingest.run import discover_aws

log = logging.getLogger(__name__)

DISCOVER_AWS = "aidiscover.discover_aws"


def make_celery(settings: Settings) -> Celery:
    app = Celery("aidiscover", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=timedelta(days=1),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    if settings.discovery_interval_minutes > 0:
        app.conf.beat_schedule = {
            "discover-aws": {
                "task": DISCOVER_AWS,
                "schedule": timedelta(minutes=settings.discovery_interval_minutes),
            }
        }
    app.task(name=DISCOVER_AWS, bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)(
        _discover_aws
    )
    return app


def _discover_aws(self: object, regions: list[str] | None = None) -> dict[str, object]:
    """Discover the configured AWS account; returns the report's figures (JSON for the result backend)."""
    report = discover_aws(load_settings(), regions=tuple(regions) if regions else None)
    return {
        "account": report.account,
        "regions": list(report.regions),
        "nodes": report.nodes,
        "edges": report.edges,
        "warnings": list(report.warnings),
        "seconds": round(report.seconds, 3),
        "summary": report.summary(),
    }


def run_worker(settings: Settings, concurrency: int = 2) -> int:
    app = make_celery(settings)
    app.worker_main(["worker", f"--concurrency={concurrency}", f"--loglevel={settings.log_level}"])
    return 0


def run_beat(settings: Settings) -> int:
    app = make_celery(settings)
    schedule = settings.data_dir / "celerybeat-schedule"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app.start(["beat", f"--loglevel={settings.log_level}", f"--schedule={schedule}"])
    return 0
