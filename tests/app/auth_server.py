"""The API served for real (uvicorn in a thread on a free loopback port), for the HTTP-level tests, and a way to
start them with no rate-limit counts left from earlier tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from app.api.ratelimit import PREFIX
from app.server import uvicorn_config
from core.settings import Settings


def clear_rate_limits(redis_url: str) -> None:
    """Forget every rate-limit and login count in the Redis at ``redis_url``."""
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{PREFIX}*"):
        client.delete(key)
    client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL. The API's own app is served with the
    uvicorn configuration ``aidiscover serve`` uses (proxy headers as its settings say)."""
    port = free_port()
    settings = getattr(app.state, "settings", None) if isinstance(app, Starlette) else None
    if isinstance(settings, Settings):
        config = uvicorn_config(app, settings, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")
    else:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
