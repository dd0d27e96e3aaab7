"""Sliding-window request limits in Redis, shared by every API process.

``RateLimiter.hit(bucket, limit)`` admits one request of ``bucket`` (a caller: an API key, a user, or
an address) when fewer than ``limit`` requests of it were admitted in the last ``window`` seconds, and
otherwise says how many seconds until the oldest of them leaves the window. Each bucket is a sorted set
of admission times; one Lua script trims it, counts it and adds to it atomically, so no burst in any
``window``-second span (a minute boundary included) passes more than ``limit`` requests, whatever the
number of API processes. Refused requests are not recorded. When Redis does not answer, requests are
allowed (the API stays up) and a warning is logged at most once a minute; /ready reports Redis as down.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from dataclasses import dataclass

import redis

__all__ = ["PREFIX", "Decision", "RateLimiter"]

log = logging.getLogger(__name__)
PREFIX = "aidiscover:rl:"

# KEYS[1] the bucket; ARGV: now (ms, a decimal), window (ms), limit, a unique member.
# Returns {admitted (1 | 0), count in the window, ms until a slot frees (0 when admitted)}.
_SLIDING_LOG = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, count + 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local wait = window
if oldest[2] then wait = tonumber(oldest[2]) + window - now end
return {0, count, wait}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int  # requests of the bucket admitted in the window, this one included when allowed
    limit: int
    retry_after: int  # seconds until a request would be admitted again (0 when allowed)


class RateLimiter:
    """Sliding windows in Redis; synchronous (call it from a worker thread in async code)."""

    def __init__(self, redis_url: str, window_seconds: int = 60) -> None:
        self.window = window_seconds
        self._client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        self._script = self._client.register_script(_SLIDING_LOG)
        self._warned_at = 0.0

    def hit(self, bucket: str, limit: int, now: float | None = None) -> Decision:
        if limit <= 0:
            return Decision(True, 0, limit, 0)
        now_ms = round((time.time() if now is None else now) * 1000, 3)  # ms, to the microsecond
        try:
            admitted, count, wait_ms = self._script(
                keys=[PREFIX + bucket], args=[repr(now_ms), self.window * 1000, limit, uuid.uuid4().hex]
            )
        except redis.RedisError as exc:
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                log.warning("rate limiting is off while Redis does not answer: %s", exc)
            return Decision(True, 0, limit, 0)
        if admitted:
            return Decision(True, int(count), limit, 0)
        return Decision(False, int(count), limit, max(1, math.ceil(int(wait_ms) / 1000)))

    def reset(self, bucket: str) -> None:
        """Forget the requests of ``bucket`` (a successful login clears its failures)."""
        try:
            self._client.delete(PREFIX + bucket)
        except redis.RedisError as exc:
            log.warning("could not reset the rate limit of %s: %s", bucket, exc)

    def close(self) -> None:
        self._client.close()
