"""Settings with a few fields changed, area by area: ``replace_settings(settings, auth={"mode": "off"})``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.settings import Settings

__all__ = ["replace_settings"]


def replace_settings(settings: Settings, *, data_dir: Path | None = None, **areas: Mapping[str, Any]) -> Settings:
    """A copy of ``settings`` whose areas named as keywords have the given fields replaced."""
    update: dict[str, Any] = {
        name: getattr(settings, name).model_copy(update=dict(fields)) for name, fields in areas.items()
    }
    if data_dir is not None:
        update["data_dir"] = data_dir
    return settings.model_copy(update=update)
