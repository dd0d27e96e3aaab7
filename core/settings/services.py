"""Where the graph database and Redis are, and how `services up` runs them locally."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from core.settings.base import AreaSettings, env

__all__ = ["DEFAULT_NEO4J_PASSWORD", "Neo4jSettings", "RedisSettings"]

DEFAULT_NEO4J_PASSWORD = "aidiscover-dev"  # noqa: S105 - documented in docs/configuration.md; change it anywhere but a laptop


class Neo4jSettings(AreaSettings):
    """The Neo4j every process talks to, and the local one `services up` runs."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_NEO4J_")

    home: Path | None = Field(None, description="Neo4j's home: jars, conf, data and logs. Default: <data_dir>/neo4j.")
    uri: str = Field(
        "bolt://127.0.0.1:7687",
        validation_alias=env("NEO4J_URI"),
        description="Bolt URI of Neo4j. `services up` listens on its host and port.",
    )
    user: str = Field("neo4j", validation_alias=env("NEO4J_USER"), description="Neo4j user.")
    password: str = Field(
        DEFAULT_NEO4J_PASSWORD,
        validation_alias=env("NEO4J_PASSWORD"),
        description="Neo4j password; set as the initial password when `services up` creates the database.",
        repr=False,
    )
    database: str = Field(
        "neo4j", validation_alias=env("NEO4J_DATABASE"), description="Database name used for every query."
    )
    http_port: int = Field(7474, ge=1, le=65535, description="HTTP port of the local Neo4j server.")
    heap: str = Field("1g", pattern=r"^\d+[kmgKMG]$", description="Java heap of the local Neo4j (e.g. 1g).")
    pagecache: str = Field("512m", pattern=r"^\d+[kmgKMG]$", description="Page cache of the local Neo4j (e.g. 512m).")
    tx_log_retention: str = Field(
        "1G size",
        pattern=r"^\d+[kmgKMG]? (files|size|txs|hours|days)$",
        description="Transaction logs the local Neo4j keeps after a checkpoint, e.g. '1G size' or '2 days' "
        "(Neo4j's own default, 2 days, filled a 250 GB disk in an afternoon of 1M-resource benchmark syncs).",
    )
    start_timeout: float = Field(
        120.0, gt=0, description="Seconds `services up` waits for Neo4j to accept Bolt connections."
    )
    run_as: str = Field(
        "",
        pattern=r"^([a-z_][a-z0-9_-]{0,31})?$",
        description="OS user the local Neo4j runs as when `services up` runs as root (created if missing), so it "
        "cannot read the API's files or environment; every folder above its home must be open to others "
        "(o+x). Empty: the user running `services up`.",
    )
    java_home: Path | None = Field(
        None,
        validation_alias=env("JAVA_HOME"),
        description="JDK used to run Neo4j; default: `java` on PATH.",
    )
    query_timeout_seconds: float = Field(
        30.0,
        gt=0,
        validation_alias=env("AIDISCOVER_QUERY_TIMEOUT_SECONDS"),
        description="Neo4j transaction timeout for API reads; longer queries are stopped.",
    )

    @field_validator("uri")
    @classmethod
    def _check_uri(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc"}:
            raise ValueError("must look like bolt://HOST:PORT (schemes: bolt, neo4j, with +s/+ssc)")
        if not parts.hostname:
            raise ValueError("has no host; use e.g. bolt://127.0.0.1:7687")
        return value

    @property
    def bolt_address(self) -> tuple[str, int]:
        parts = urlsplit(self.uri)
        return parts.hostname or "127.0.0.1", parts.port or 7687

    def home_under(self, data_dir: Path) -> Path:
        """The local Neo4j's home: ``home`` when set, else ``<data_dir>/neo4j``."""
        return self.home or data_dir / "neo4j"


class RedisSettings(AreaSettings):
    """The Redis of Celery, progress and limits, and the one keeping secrets."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_REDIS_")

    url: str = Field(
        "redis://127.0.0.1:6379/0",
        validation_alias=env("REDIS_URL"),
        description="Redis URL (Celery broker, results, progress).",
    )
    secrets_url: str | None = Field(
        None,
        validation_alias=env("AIDISCOVER_SECRETS_REDIS_URL"),
        description="Redis URL of the secret store (users, API keys, cloud accounts, notification targets, token "
        "signing secret); empty: REDIS_URL. It must persist (append-only file) and be shared by API and workers.",
        repr=False,
    )

    @field_validator("url", "secrets_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
            raise ValueError("must look like redis://HOST:PORT/DB")
        return value

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 6379
