"""Fixtures shared by the API tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from tests.app.auth_server import clear_rate_limits


@pytest.fixture
def fast(settings: Settings, tmp_path: Path) -> Settings:
    """Cheap bcrypt, a data dir of its own, no signing-secret override (the secret lives in the secret store),
    empty rate-limit counters."""
    clear_rate_limits(settings.redis_url)
    return settings.model_copy(update={"bcrypt_rounds": 4, "data_dir": tmp_path, "jwt_secret": None})
