"""Fixed-window request counters in Redis, shared by every API process.

``RateLimiter.hit(bucket, limit)`` counts one request in the current minute of ``bucket`` (a caller:
an API key, a user, or an address) and says whether it is allowed and, if not, how many seconds until
the window ends. When Redis does not answer, requests are allowed (the API stays up) and a warning is
logged at most once a minute; /ready reports Redis as down.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)
PREFIX = "aidiscover:rl:"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends (0 when allowed)


class RateLimiter:
    """Counters in Redis; synchronous (call it from a worker thread in async code)."""

    def __init__(self, redis_url: str, window_seconds: int = 60) -> None:
        self.window = window_seconds
        self._client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        self._warned_at = 0.0

    def hit(self, bucket: str, limit: int, now: float | None = None) -> Decision:
        if limit <= 0:
            return Decision(True, 0, limit, 0)
        now = time.time() if now is None else now
        window_start = int(now // self.window) * self.window
        key = f"{PREFIX}{bucket}:{window_start}"
        try:
            pipe = self._client.pipeline()
            pipe.incr(key)
            pipe.expire(key, self.window + 1)
            count = int(pipe.execute()[0])
        except redis.RedisError as exc:
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                log.warning("rate limiting is off while Redis does not answer: %s", exc)
            return Decision(True, 0, limit, 0)
        if count <= limit:
            return Decision(True, count, limit, 0)
        retry_after = max(1, int(window_start + self.window - now + 0.999))
        return Decision(False, count, limit, retry_after)

    def reset(self, bucket: str) -> None:
        """Forget the counts of ``bucket`` (a successful login clears its failures)."""
        try:
            keys = list(self._client.scan_iter(match=f"{PREFIX}{bucket}:*", count=100))
            if keys:
                self._client.delete(*keys)
        except redis.RedisError as exc:
            log.warning("could not reset the rate limit of %s: %s", bucket, exc)

    def close(self) -> None:
        self._client.close()
