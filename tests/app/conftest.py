"""Fixtures shared by the API tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from tests.app.auth_server import clear_rate_limits
from tests.settings_update import replace_settings


@pytest.fixture
def fast(settings: Settings, tmp_path: Path) -> Settings:
    """Cheap bcrypt, a data dir of its own, no signing-secret override (the secret lives in the secret store),
    empty rate-limit counters."""
    clear_rate_limits(settings.redis.url)
    return replace_settings(settings, auth={"bcrypt_rounds": 4, "jwt_secret": None}, data_dir=tmp_path)
