"""How processes log."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from core.settings.base import AreaSettings

__all__ = ["LogSettings"]


class LogSettings(AreaSettings):
    """Log level and line format."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_LOG_")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    format: Literal["text", "json"] = Field(
        "text", description="Log lines as text, or as JSON objects carrying request and job ids (for log shippers)."
    )

    @field_validator("level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value
