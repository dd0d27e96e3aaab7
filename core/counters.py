"""Deployment-wide counters kept in Redis, so every worker on every machine adds to the same figures
and one scrape of the API's ``/metrics`` reports them (``app.observability.metrics`` exposes them)."""

from __future__ import annotations

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


def record_graph_writes(redis_url: str, nodes: int, edges: int) -> None:
    """``count_graph_writes`` on a short-lived connection; a Redis failure costs a warning, never the write."""
    if not (nodes or edges):
        return
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        try:
            count_graph_writes(client, nodes, edges)
        finally:
            client.close()
    except redis.RedisError as exc:
        log.warning("could not add %s nodes / %s edges to the write counters in Redis: %s", nodes, edges, exc)
