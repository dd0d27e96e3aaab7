"""The ids a log line carries: the HTTP request and the discovery job it belongs to.

Both live in context variables, so they follow the code through ``await`` and ``asyncio.to_thread``
without being passed around. The HTTP middleware sets ``request_id``; a Celery task sets ``job_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("aidiscover_request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("aidiscover_job_id", default=None)


@contextmanager
def job(job_id_: str) -> Iterator[None]:
    """Log lines inside carry ``job_id_``."""
    token = job_id.set(job_id_)
    try:
        yield
    finally:
        job_id.reset(token)
