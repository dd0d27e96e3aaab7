"""The root ``Settings`` composing every area, how it is loaded, and the table of variables it documents.

Composition roots (the CLI, the API app factory, the Celery worker, the job runner, the demo) hold a
``Settings``; everything below them takes the one area it reads (``settings.neo4j``, ``settings.llm``...).
``load_settings()`` validates the environment area by area and turns the first error into a one-line
:class:`ConfigError` naming the variable and the fix. ``ENV_NAMES`` maps each ``area.field`` (``data_dir`` for
the root's own) to its variable so docs/configuration.md, docker-compose.yml and the tests can be checked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import SettingsError

from core.errors import ConfigError
from core.settings.api import ApiSettings, AuthSettings
from core.settings.base import PROJECT_ROOT, AreaSettings
from core.settings.clouds import AwsSettings, AzureSettings, GcpSettings
from core.settings.cost import CostSettings
from core.settings.llm import LlmSettings
from core.settings.log import LogSettings
from core.settings.services import Neo4jSettings, RedisSettings
from core.settings.work import AccountsSettings, IngestSettings, JobsSettings, NotifySettings, RetentionSettings

__all__ = [
    "AREAS",
    "ENV_NAMES",
    "DataDirSettings",
    "SettingDoc",
    "Settings",
    "load_settings",
    "settings_table",
]

A = TypeVar("A", bound=AreaSettings)


class DataDirSettings(AreaSettings):
    """The folder shared by every area that keeps local state."""

    data_dir: Path = Field(
        PROJECT_ROOT / ".data",
        description="Where local services keep their state (Neo4j under neo4j/, Redis under redis/).",
    )


def _data_dir() -> Path:
    return DataDirSettings().data_dir


class Settings(BaseModel):
    """Every area's settings; built by :func:`load_settings` (or ``Settings()``, which reads the environment)."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path = Field(default_factory=_data_dir)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    azure: AzureSettings = Field(default_factory=AzureSettings)
    gcp: GcpSettings = Field(default_factory=GcpSettings)
    accounts: AccountsSettings = Field(default_factory=AccountsSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    cost: CostSettings = Field(default_factory=CostSettings)
    log: LogSettings = Field(default_factory=LogSettings)

    @property
    def neo4j_dir(self) -> Path:
        """The local Neo4j's home."""
        return self.neo4j.home_under(self.data_dir)

    @property
    def redis_dir(self) -> Path:
        """The local Redis's folder."""
        return self.data_dir / "redis"


AREAS: dict[str, type[AreaSettings]] = {
    name: field.default_factory
    for name, field in Settings.model_fields.items()
    if isinstance(field.default_factory, type) and issubclass(field.default_factory, AreaSettings)
}
"""Each area's attribute on :class:`Settings` and its class, in the order of the documentation."""


@dataclass(frozen=True)
class SettingDoc:
    """One row of the configuration table."""

    area: str
    env: str
    default: str
    description: str


def _env_name(area: type[AreaSettings], name: str) -> str:
    alias = area.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"{area.model_config.get('env_prefix', '')}{name.upper()}".upper()


def _fields() -> list[tuple[str, str, type[AreaSettings], FieldInfo]]:
    """(key, area, class, field) of every setting: ``data_dir`` first, then each area's fields."""
    rows: list[tuple[str, str, type[AreaSettings], FieldInfo]] = [
        ("data_dir", "", DataDirSettings, DataDirSettings.model_fields["data_dir"])
    ]
    for area, cls in AREAS.items():
        rows.extend((f"{area}.{name}", area, cls, field) for name, field in cls.model_fields.items())
    return rows


ENV_NAMES: dict[str, str] = {key: _env_name(cls, key.rpartition(".")[2]) for key, _, cls, _ in _fields()}


def _is_secret(field: FieldInfo) -> bool:
    return not field.repr or SecretStr in getattr(field.annotation, "__args__", (field.annotation,))


def _shown_default(default: object) -> str:
    if isinstance(default, Path):
        return str(default.relative_to(PROJECT_ROOT)) if default.is_relative_to(PROJECT_ROOT) else str(default)
    if default in (None, ()):
        return ""
    return str(default)


def settings_table() -> list[SettingDoc]:
    """Area, environment variable, default and description of every setting (docs, `aidiscover config`)."""
    return [
        SettingDoc(area, ENV_NAMES[key], _shown_default(field.default), field.description or "")
        for key, area, _, field in _fields()
    ]


def _load_area(cls: type[A]) -> A:
    try:
        return cls()
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = str(first["loc"][0]) if first["loc"] else "?"
        by_alias = {
            str(choice).lower(): name
            for name, field in cls.model_fields.items()
            if isinstance(field.validation_alias, AliasChoices)
            for choice in field.validation_alias.choices
        }
        field_name = by_alias.get(loc.lower(), loc)
        field = cls.model_fields.get(field_name)
        name = _env_name(cls, field_name) if field is not None else loc.upper()
        shown = "***" if field is None or _is_secret(field) else repr(first.get("input"))
        raise ConfigError(f"{name}={shown} is invalid: {first['msg']}; fix or unset {name}") from None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read and validate settings; a bad value raises ConfigError naming the variable and the fix."""
    saved = None
    if environ is not None:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environ)
    try:
        data_dir = _load_area(DataDirSettings).data_dir
        areas = {area: _load_area(cls) for area, cls in AREAS.items()}
        return Settings.model_validate({"data_dir": data_dir, **areas})
    except SettingsError as exc:
        raise ConfigError(f"{exc}; fix the variable or unset it") from None
    finally:
        if saved is not None:
            os.environ.clear()
            os.environ.update(saved)
