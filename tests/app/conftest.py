"""Fixtures shared by the API tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from app.api.ratelimit import PREFIX
from app.settings import Settings


@pytest.fixture
def fast(settings: Settings, tmp_path: Path) -> Settings:
    """Cheap bcrypt, a data dir of its own, no signing-secret override (the secret lives in the secret store),
    empty rate-limit counters."""
    client = redis.Redis.from_url(settings.redis_url)
    for key in client.scan_iter(match=f"{PREFIX}*"):
        client.delete(key)
    client.close()
    return settings.model_copy(update={"bcrypt_rounds": 4, "data_dir": tmp_path, "jwt_secret": None})
