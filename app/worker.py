"""The worker and beat processes: the discovery tasks (``ingest.tasks``) and the notification tasks
(``app.notify.tasks``) on one Celery app.

``aidiscover worker`` and ``aidiscover beat`` run it; ``celery -A app.worker worker`` runs the same app,
built from the environment's settings when this module is imported.
"""

from __future__ import annotations

from celery import Celery

from app.notify.tasks import register_tasks
from core.settings import Settings, load_settings
from ingest.tasks import make_celery

__all__ = ["app", "run_beat", "run_worker", "worker_celery"]


def worker_celery(settings: Settings) -> Celery:
    """Every task a worker runs, registered on one app."""
    celery = make_celery(settings)
    register_tasks(celery)
    return celery


def run_worker(settings: Settings, concurrency: int = 2) -> int:
    worker_celery(settings).worker_main(["worker", f"--concurrency={concurrency}", f"--loglevel={settings.log.level}"])
    return 0


def run_beat(settings: Settings) -> int:
    """Beat with the graph-backed schedules (``ingest.schedules``) besides the static ones."""
    schedule = settings.data_dir / "celerybeat-schedule"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    worker_celery(settings).start(
        [
            "beat",
            f"--loglevel={settings.log.level}",
            f"--schedule={schedule}",
            "--scheduler=ingest.schedules:GraphScheduler",
        ]
    )
    return 0


app = worker_celery(load_settings())
