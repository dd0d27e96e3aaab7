"""Job progress over Redis pub/sub: one channel per job, plus the last event kept for late followers.

Publishers (the units, the job's finish) send a :class:`Progress` built from the job's graph record;
the CLI (``follow``) and the GraphQL subscription (``follow_async``) read the channel. The last event
is also stored under a key, so a follower that subscribes after a step still starts from the
current state. Progress is best effort: Redis not answering never fails the discovery itself.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass

import redis
import redis.asyncio as aredis

from core.counters import shared_client
from ingest.jobs.model import FINAL_JOB_STATUSES
from ingest.jobs.store import JobRecord

log = logging.getLogger(__name__)

LAST_TTL = 86_400


def channel(job_id: str) -> str:
    return f"aidiscover:job:{job_id}:progress"


def _last_key(job_id: str) -> str:
    return f"aidiscover:job:{job_id}:last"


@dataclass(frozen=True)
class Progress:
    """A progress event of a running job."""

    job_id: str
    status: str
    units_total: int
    units_staged: int
    units_done: int
    units_failed: int
    nodes: int
    edges: int
    removed_nodes: int
    changes: int
    message: str = ""
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in FINAL_JOB_STATUSES

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> Progress:
        data = json.loads(text)
        data["warnings"] = tuple(data.get("warnings") or ())
        data["errors"] = tuple(data.get("errors") or ())
        return cls(**data)

    @classmethod
    def of(cls, job: JobRecord, message: str = "") -> Progress:
        final = job.finished
        return cls(
            job.id,
            job.status,
            job.units_total,
            job.units_staged,
            job.units_done,
            job.units_failed,
            job.nodes,
            job.edges,
            job.removed_nodes,
            job.changes,
            message,
            job.warnings if final else (),
            job.errors if final else (),
        )


def publish(redis_url: str, progress: Progress) -> None:
    """Keep ``progress`` as the job's last event and send it on the job's channel (one round trip)."""
    payload = progress.to_json()
    try:
        pipe = shared_client(redis_url).pipeline(transaction=False)
        pipe.set(_last_key(progress.job_id), payload, ex=LAST_TTL)
        pipe.publish(channel(progress.job_id), payload)
        pipe.execute()
    except redis.RedisError as exc:
        log.warning("progress of job %s not published: %s", progress.job_id, exc)


def last(redis_url: str, job_id: str) -> Progress | None:
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        raw = client.get(_last_key(job_id))
        return Progress.from_json(raw) if isinstance(raw, bytes | str) else None
    finally:
        client.close()


def follow(redis_url: str, job_id: str, poll: float = 1.0) -> Iterator[Progress | None]:
    """Yield each progress event of the job (``None`` every ``poll`` seconds without one) until it finishes."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(channel(job_id))
        current = last(redis_url, job_id)
        if current is not None:
            yield current
            if current.finished:
                return
        while True:
            message = pubsub.get_message(timeout=poll)
            if message is None:
                yield None
                time.sleep(0)  # get_message already waited
                continue
            event = Progress.from_json(message["data"])
            yield event
            if event.finished:
                return
    finally:
        pubsub.close()
        client.close()


async def follow_async(redis_url: str, job_id: str) -> AsyncIterator[Progress]:
    """The job's progress events for an async consumer (the GraphQL subscription), until it finishes."""
    client = aredis.Redis.from_url(redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(channel(job_id))
        raw = await client.get(_last_key(job_id))
        if raw is not None:
            current = Progress.from_json(raw)
            yield current
            if current.finished:
                return
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            event = Progress.from_json(message["data"])
            yield event
            if event.finished:
                return
    finally:
        await pubsub.aclose()
        await client.aclose()
