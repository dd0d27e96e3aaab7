"""Every setting AI-Discover reads, in one place, from the environment.

Names are ``AIDISCOVER_<FIELD>`` except for the standard ones other tools share (``NEO4J_URI``,
``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``, ``REDIS_URL`` and the ``AWS_*`` family).
``load_settings()`` validates them and turns pydantic's report into a one-line :class:`ConfigError`
naming the variable and what it accepts. ``ENV_NAMES`` maps each field to its variable so docs/configuration.md,
docker-compose.yml and the tests can be checked against this module.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from core.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NEO4J_PASSWORD = "aidiscover-dev"  # noqa: S105 - documented in docs/configuration.md; change it anywhere but a laptop


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Typed settings. Field descriptions become docs/configuration.md's table."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_", frozen=True, populate_by_name=True, extra="ignore")

    # --- local data and services -------------------------------------------------------------
    data_dir: Path = Field(
        PROJECT_ROOT / ".data",
        description="Where local services keep their state (Neo4j under neo4j/, Redis under redis/).",
    )
    neo4j_home: Path | None = Field(
        None, description="Neo4j's home: jars, conf, data and logs. Default: <data_dir>/neo4j."
    )
    neo4j_uri: str = Field(
        "bolt://127.0.0.1:7687",
        validation_alias=_env("NEO4J_URI"),
        description="Bolt URI of Neo4j. `services up` listens on its host and port.",
    )
    neo4j_user: str = Field("neo4j", validation_alias=_env("NEO4J_USER"), description="Neo4j user.")
    neo4j_password: str = Field(
        DEFAULT_NEO4J_PASSWORD,
        validation_alias=_env("NEO4J_PASSWORD"),
        description="Neo4j password; set as the initial password when `services up` creates the database.",
        repr=False,
    )
    neo4j_database: str = Field(
        "neo4j", validation_alias=_env("NEO4J_DATABASE"), description="Database name used for every query."
    )
    neo4j_http_port: int = Field(7474, ge=1, le=65535, description="HTTP port of the local Neo4j server.")
    neo4j_heap: str = Field("1g", pattern=r"^\d+[kmgKMG]$", description="Java heap of the local Neo4j (e.g. 1g).")
    neo4j_pagecache: str = Field(
        "512m", pattern=r"^\d+[kmgKMG]$", description="Page cache of the local Neo4j (e.g. 512m)."
    )
    neo4j_tx_log_retention: str = Field(
        "1G size",
        pattern=r"^\d+[kmgKMG]? (files|size|txs|hours|days)$",
        description="Transaction logs the local Neo4j keeps after a checkpoint, e.g. '1G size' or '2 days' "
        "(Neo4j's own default, 2 days, filled a 250 GB disk in an afternoon of 1M-resource benchmark syncs).",
    )
    neo4j_start_timeout: float = Field(
        120.0, gt=0, description="Seconds `services up` waits for Neo4j to accept Bolt connections."
    )
    neo4j_run_as: str = Field(
        "",
        pattern=r"^([a-z_][a-z0-9_-]{0,31})?$",
        description="OS user the local Neo4j runs as when `services up` runs as root (created if missing), so it "
        "cannot read the API's files or environment; every folder above its home must be open to others "
        "(o+x). Empty: the user running `services up`.",
    )
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        validation_alias=_env("REDIS_URL"),
        description="Redis URL (Celery broker, results, progress).",
    )
    secrets_redis_url: str | None = Field(
        None,
        description="Redis URL of the secret store (users, API keys, cloud accounts, notification targets, token "
        "signing secret); empty: REDIS_URL. It must persist (append-only file) and be shared by API and workers.",
        repr=False,
    )
    java_home: Path | None = Field(
        None,
        validation_alias=_env("JAVA_HOME"),
        description="JDK used to run Neo4j; default: `java` on PATH.",
    )

    # --- API -----------------------------------------------------------------------------------
    api_host: str = Field("127.0.0.1", description="Address the API binds to.")
    api_port: int = Field(8000, ge=1, le=65535, description="Port the API binds to.")
    debug: bool = Field(False, description="Show unexpected errors' messages to API clients (never in production).")

    # --- API auth and limits (app/api/auth*.py, limits.py, ratelimit.py) ----------------------------
    auth: Literal["required", "off"] = Field(
        "required",
        description="required: every API call needs an API key or a bearer token; "
        "off: every request is a local admin (single-user laptops only).",
    )
    jwt_secret: SecretStr | None = Field(
        None,
        description="Signing secret of access and refresh tokens; empty: generated once into the secret store "
        "(replace it with `aidiscover auth rotate-secret`).",
    )
    access_token_minutes: int = Field(30, ge=1, le=24 * 60, description="Lifetime of an access token.")
    refresh_token_days: int = Field(7, ge=1, le=365, description="Lifetime of a refresh token.")
    bcrypt_rounds: int = Field(12, ge=4, le=16, description="bcrypt cost factor for new passwords and API keys.")
    rate_limit_per_minute: int = Field(
        100, ge=0, description="API requests per minute per caller (key, user or address); 0 turns it off."
    )
    login_attempts_per_minute: int = Field(
        10, ge=1, description="Login attempts per minute per username and per client address."
    )
    max_query_cost: int = Field(
        1_000_000,
        ge=1,
        description="Largest estimated query cost: object fields, multiplied by the first/limit of enclosing lists.",
    )
    query_timeout_seconds: float = Field(
        30.0, gt=0, description="Neo4j transaction timeout for API reads; longer queries are stopped."
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated origins allowed to call the API from a browser (CORS); empty: CORS off."
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated addresses or networks (10.0.0.0/8) of the reverse proxies in front of the API; "
        "only from them are X-Forwarded-For and X-Forwarded-Proto believed, and the client is the right-most "
        "address in X-Forwarded-For that is not one of them. Empty: those headers (and Forwarded, X-Real-IP) are "
        "ignored and the client is the connecting address (rate and login limits count per client address).",
    )
    public_schema: bool = Field(
        False,
        description="Give callers without credentials GraphiQL, introspection (__schema, __type) and "
        "'Did you mean' suggestions in errors; off: only signed-in callers get them.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        repr=False,
        description="Bearer token (24+ characters) Prometheus sends to scrape /metrics "
        "(Authorization: Bearer <token>); /metrics also accepts an operator or admin API key or access token, "
        "and refuses everybody else (no credentials: 401, a viewer: 403).",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body /graphql accepts; a larger one gets 413."
    )
    max_json_depth: int = Field(
        64, ge=2, le=512, description="Deepest nesting of arrays and objects in a /graphql request's JSON; deeper: 400."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        return value

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 24:
            raise ValueError(
                "must be at least 24 characters; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network; list the proxies' addresses, e.g. 10.0.0.5,10.1.0.0/16"
                ) from None
        return value

    # --- ingest --------------------------------------------------------------------------------
    write_batch_size: int = Field(1000, ge=1, le=100_000, description="Rows per UNWIND write transaction.")
    write_parallelism: int = Field(
        2, ge=1, le=16, description="Write transactions one ingest unit runs at once (Neo4j then uses more cores)."
    )
    discovery_interval_minutes: int = Field(
        0, ge=0, description="Minutes between scheduled discoveries (Celery beat); 0 turns the schedule off."
    )
    aws_endpoint_url: str | None = Field(
        None,
        validation_alias=_env("AWS_ENDPOINT_URL"),
        description="Endpoint for every AWS service (boto3's own variable; a moto server in tests and the demo).",
    )
    aws_regions: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated AWS regions to discover; empty: every region `describe_regions` returns.",
    )
    aws_default_region: str = Field(
        "us-east-1",
        validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION", "aws_default_region"),
        description="Region for global calls (STS, describe_regions); boto3's AWS_REGION / AWS_DEFAULT_REGION.",
    )
    aws_profile: str | None = Field(
        None, validation_alias=_env("AWS_PROFILE"), description="AWS shared-config profile (boto3's own)."
    )
    aws_profiles: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated AWS profiles, one account each (in addition to the roles below)."
    )
    aws_role_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated IAM role ARNs to assume, one account each."
    )
    aws_external_id: str | None = Field(
        None, repr=False, description="External id passed when assuming the roles above."
    )
    aws_organization_role: str | None = Field(
        None, description="Role name to assume in every ACTIVE account AWS Organizations lists."
    )
    aws_max_workers: int = Field(
        8, ge=1, le=64, description="Parallel AWS units (service x region) per discovery: the bounded fetch pool."
    )
    aws_max_attempts: int = Field(
        8, ge=1, le=50, description="botocore attempts per call in adaptive retry mode (throttling backoff)."
    )
    aws_connect_timeout: float = Field(5.0, gt=0, description="Seconds to wait for an AWS endpoint to connect.")

    # --- azure (the Azure work may add fields in this block) ---------------------------------------
    azure_endpoint: str = Field(
        "https://management.azure.com",
        description="Azure Resource Manager endpoint (Resource Graph is under it); a local server in tests.",
    )
    azure_subscriptions: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated Azure subscription ids to discover."
    )
    azure_token: str | None = Field(
        None,
        description="Static bearer token for Resource Graph (a local server in tests and the demo); "
        "empty: azure-identity's DefaultAzureCredential.",
        repr=False,
    )
    azure_page_size: int = Field(1000, ge=1, le=1000, description="Rows per Resource Graph page ($top).")
    azure_max_retries: int = Field(
        3, ge=0, le=20, description="Retries per Resource Graph call (throttling, 5xx, connection errors)."
    )
    azure_timeout: float = Field(30.0, gt=0, description="Seconds to wait for Resource Graph to connect and answer.")

    @field_validator("azure_endpoint")
    @classmethod
    def _check_azure_endpoint(cls, value: str) -> str:
        parts = urlsplit(value)
        if not parts.hostname or parts.scheme not in {"http", "https"}:
            raise ValueError("must be an https URL such as https://management.azure.com")
        if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("plain http is only allowed on a loopback host (a local server); use https")
        return value.rstrip("/")

    # --- gcp (the GCP work may add fields in this block) -------------------------------------------
    gcp_endpoint: str | None = Field(
        None, description="Cloud Asset API endpoint; default: Google's. A local server in tests and the demo."
    )
    gcp_scopes: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated Cloud Asset scopes: projects/P, folders/F or organizations/O."
    )
    gcp_anonymous: bool = Field(
        False,
        description="Call the Cloud Asset endpoint without credentials (a local server); "
        "otherwise google.auth's application default credentials.",
    )
    gcp_page_size: int = Field(500, ge=1, le=1000, description="Cloud Asset results requested per page.")
    gcp_asset_types: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated Cloud Asset types (or regexes) to discover; empty: every type."
    )

    @field_validator("gcp_asset_types", mode="before")
    @classmethod
    def _split_gcp_asset_types(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    # --- cloud accounts, schedules, notifications (ingest/accounts, app/notify, ingest/schedules) ----
    secret_key: SecretStr | None = Field(
        None,
        description="Fernet key(s) encrypting stored secrets (account credentials, webhook secrets, SMTP passwords); "
        "comma-separated, the first encrypts, all decrypt. New key: `aidiscover secrets generate-key`.",
        repr=False,
    )
    schedule_reload_seconds: float = Field(
        30.0, gt=0, le=3600, description="Seconds between beat's reloads of the schedules stored in the graph."
    )
    schedule_min_interval_seconds: int = Field(
        60, ge=1, description="Shortest `@every N` schedule accepted (cron schedules run at most once a minute)."
    )
    notify_max_retries: int = Field(5, ge=0, le=20, description="Retries of a failed notification delivery.")
    notify_retry_backoff: float = Field(
        10.0, gt=0, description="Seconds before the first retry of a failed delivery; doubled at each retry."
    )
    notify_timeout: float = Field(10.0, gt=0, description="Seconds a webhook, Slack or SMTP delivery may take.")

    # --- natural-language questions (app.nl) ----------------------------------------------------
    llm_base_url: str = Field(
        "https://api.deepinfra.com/v1/openai",
        description="OpenAI-compatible endpoint for natural-language questions (a scripted local server in tests).",
    )
    llm_model: str = Field("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", description="Model name sent.")
    llm_api_key: SecretStr | None = Field(
        None,
        repr=False,
        description="API key of the LLM endpoint; empty: questions are answered by templates only.",
    )
    llm_timeout: float = Field(120.0, gt=0, description="Seconds per LLM call before it counts as failed.")
    llm_max_retries: int = Field(3, ge=0, le=10, description="Retries per LLM call (429 honours Retry-After, 5xx).")
    llm_max_concurrent: int = Field(10, ge=1, le=100, description="LLM calls in flight at once per process.")
    llm_max_tokens: int = Field(1024, ge=64, le=2048, description="Most tokens one LLM answer may use.")
    llm_context_window: int = Field(131072, ge=4096, description="Context window of the model, in tokens.")
    llm_cache_ttl: int = Field(3600, ge=0, description="Seconds an LLM-produced answer stays cached in Redis.")
    llm_breaker_failures: int = Field(5, ge=1, description="Consecutive LLM failures that open the circuit.")
    llm_breaker_seconds: float = Field(300.0, gt=0, description="Seconds the circuit stays open before a probe.")
    nl_query_timeout: float = Field(15.0, gt=0, description="Seconds a generated Cypher query may run.")
    nl_row_cap: int = Field(200, ge=1, le=10_000, description="Most rows a natural-language answer returns.")
    llm_price_input_per_mtok: float = Field(0.15, ge=0, description="USD per million prompt tokens.")
    llm_price_output_per_mtok: float = Field(0.60, ge=0, description="USD per million completion tokens.")
    llm_alert_daily_usd: float = Field(5.0, ge=0, description="Warn when the day's LLM cost passes this (USD).")
    llm_alert_request_usd: float = Field(0.05, ge=0, description="Warn when one question's LLM cost passes this.")
    llm_alert_monthly_usd: float = Field(100.0, ge=0, description="Warn when the month's projected cost passes this.")

    @field_validator("llm_base_url")
    @classmethod
    def _check_llm_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if not parts.hostname or parts.scheme not in {"http", "https"}:
            raise ValueError("must be an https URL such as https://api.deepinfra.com/v1/openai")
        if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("plain http is only allowed on a loopback host (a local server); use https")
        return value.rstrip("/")

    # --- jobs and history ------------------------------------------------------------------------
    history_enabled: bool = Field(
        True, description="Record each resource's created / changed (old -> new) / deleted in discovery jobs."
    )
    history_retention_days: int = Field(
        90, ge=0, description="Days of resource history kept (pruned after each job); 0 keeps everything."
    )
    job_stall_seconds: int = Field(
        900,
        ge=10,
        description="A running job none of whose units reported for this long, none of whose tasks a live worker "
        "runs and none of whose tasks is queued, is marked failed by the reaper.",
    )
    job_reap_interval: int = Field(
        30,
        ge=1,
        le=3600,
        description="Seconds between reaper runs in the workers (one run at a time across all of them, by a Redis "
        "lock; no beat needed): a job whose Redis state is gone (Redis flushed or restarted without persistence) is "
        "marked failed at the next run, a stalled one after job_stall_seconds.",
    )
    job_unit_retries: int = Field(
        6, ge=0, le=50, description="Retries (with backoff) of a job unit on transient Neo4j or Redis errors."
    )
    task_visibility_timeout: int = Field(
        60,
        ge=4,
        le=3600,
        description="Seconds after which Redis hands the unacknowledged task of a dead worker to another worker (a "
        "killed worker's unit runs again within this plus a sweep of at most 10 s). Live workers re-stamp the tasks "
        "they hold every quarter of it, so a unit slower than this is not handed out twice.",
    )

    # --- cost, savings and reports (queries/cost, app/report) -----------------------------------
    cost_prices_file: Path | None = Field(
        None,
        description="Price snapshot (JSON) to estimate with; empty: the newest of <data_dir>/prices/*.json "
        "(written by `aidiscover prices refresh`) and the snapshot shipped in queries/cost/prices.",
    )
    cost_snapshot_max_age_days: int = Field(
        90, ge=1, description="EBS snapshots older than this many days are reported as a possible saving."
    )
    cost_aws_pricing_url: str = Field(
        "https://pricing.us-east-1.amazonaws.com",
        description="AWS Price List bulk API base (offer index and per-region offer files) for `prices refresh`.",
    )
    cost_azure_prices_url: str = Field(
        "https://prices.azure.com/api/retail/prices", description="Azure Retail Prices API for `prices refresh`."
    )
    cost_gcp_billing_url: str = Field(
        "https://cloudbilling.googleapis.com", description="GCP Cloud Billing Catalog API base for `prices refresh`."
    )
    cost_gcp_api_key: SecretStr | None = Field(
        None, repr=False, description="API key for the Cloud Billing Catalog API (GCP prices are skipped without)."
    )
    cost_refresh_regions: Annotated[tuple[str, ...], NoDecode] = Field(
        ("us-east-1", "eu-west-1", "eastus", "westeurope", "us-central1", "europe-west1"),
        description="Comma-separated regions `prices refresh` fetches (AWS, Azure and GCP names mixed).",
    )
    cost_refresh_timeout: float = Field(60.0, gt=0, description="Seconds per price API request.")

    @field_validator("cost_refresh_regions", mode="before")
    @classmethod
    def _split_cost_regions(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(r.strip() for r in value.split(",") if r.strip())
        return value

    # --- logging -------------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text, or as JSON objects carrying request and job ids (for log shippers)."
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _check_neo4j_uri(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc"}:
            raise ValueError("must look like bolt://HOST:PORT (schemes: bolt, neo4j, with +s/+ssc)")
        if not parts.hostname:
            raise ValueError("has no host; use e.g. bolt://127.0.0.1:7687")
        return value

    @field_validator("redis_url", "secrets_redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
            raise ValueError("must look like redis://HOST:PORT/DB")
        return value

    @field_validator("aws_endpoint_url")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:5000")
        return value

    @field_validator("aws_regions", "aws_profiles", "aws_role_arns", "azure_subscriptions", "gcp_scopes", mode="before")
    @classmethod
    def _split_regions(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(r.strip() for r in value.split(",") if r.strip())
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    # --- derived values ------------------------------------------------------------------------
    @property
    def neo4j_dir(self) -> Path:
        return self.neo4j_home or self.data_dir / "neo4j"

    @property
    def redis_dir(self) -> Path:
        return self.data_dir / "redis"

    @property
    def bolt_address(self) -> tuple[str, int]:
        parts = urlsplit(self.neo4j_uri)
        return parts.hostname or "127.0.0.1", parts.port or 7687

    @property
    def redis_address(self) -> tuple[str, int]:
        parts = urlsplit(self.redis_url)
        return parts.hostname or "127.0.0.1", parts.port or 6379

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"


@dataclass(frozen=True)
class SettingDoc:
    """One row of the configuration table."""

    env: str
    default: str
    description: str


def _env_name(name: str) -> str:
    field = Settings.model_fields[name]
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        return str(first)
    return f"AIDISCOVER_{name.upper()}"


ENV_NAMES: dict[str, str] = {name: _env_name(name) for name in Settings.model_fields}
_SECRET_FIELDS = frozenset(name for name, field in Settings.model_fields.items() if not field.repr)
_FIELD_BY_ALIAS: dict[str, str] = {
    str(choice).lower(): name
    for name, field in Settings.model_fields.items()
    if isinstance(field.validation_alias, AliasChoices)
    for choice in field.validation_alias.choices
}


def settings_table() -> list[SettingDoc]:
    """Environment variable, default and description of every setting (docs/configuration.md, `aidiscover config`)."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            shown = str(default.relative_to(PROJECT_ROOT)) if default.is_relative_to(PROJECT_ROOT) else str(default)
        elif default in (None, ()):
            shown = ""
        else:
            shown = str(default)
        rows.append(SettingDoc(ENV_NAMES[name], shown, field.description or ""))
    return rows


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read and validate settings; a bad value raises ConfigError naming the variable and the fix."""
    saved = None
    if environ is not None:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environ)
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = str(first["loc"][0]) if first["loc"] else "?"
        field = _FIELD_BY_ALIAS.get(loc.lower(), loc)
        name = ENV_NAMES.get(field, loc.upper())
        shown = "***" if field in _SECRET_FIELDS else repr(first.get("input"))
        raise ConfigError(f"{name}={shown} is invalid: {first['msg']}; fix or unset {name}") from None
    except SettingsError as exc:
        raise ConfigError(f"{exc}; fix the variable or unset it") from None
    finally:
        if saved is not None:
            os.environ.clear()
            os.environ.update(saved)
