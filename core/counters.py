"""Deployment-wide counters kept in Redis, so every worker on every machine adds to the same figures
and one scrape of the API's ``/metrics`` reports them (``app.observability.metrics`` exposes them)."""

from __future__ import annotations

import functools
import logging

import redis

log = logging.getLogger(__name__)

GRAPH_WRITES_KEY = "aidiscover:metrics:graph_elements_written"


def count_graph_writes(client: redis.Redis, nodes: int, edges: int) -> None:
    """Add to the write counters (``nodes`` and ``edges`` fields of one Redis hash)."""
    pipe = client.pipeline()
    if nodes:
        pipe.hincrby(GRAPH_WRITES_KEY, "nodes", nodes)
    if edges:
        pipe.hincrby(GRAPH_WRITES_KEY, "edges", edges)
    pipe.execute()


@functools.cache
def shared_client(redis_url: str) -> redis.Redis:
    """One client per Redis URL for this process's short best-effort calls (counters, progress events): its
    connection pool is thread-safe and starts afresh in a forked child, so each call costs a command, not a
    connection (a new client per call cost a DNS lookup, a connect and a handshake every time)."""
    return redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)


def record_graph_writes(redis_url: str, nodes: int, edges: int) -> None:
    """``count_graph_writes`` on the shared client; a Redis failure costs a warning, never the write."""
    if not (nodes or edges):
        return
    try:
        count_graph_writes(shared_client(redis_url), nodes, edges)
    except redis.RedisError as exc:
        log.warning("could not add %s nodes / %s edges to the write counters in Redis: %s", nodes, edges, exc)
