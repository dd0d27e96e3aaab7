"""How discovery runs: writes, jobs and their history, schedules, stored accounts and notifications."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from core.settings.base import AreaSettings, env

__all__ = ["AccountsSettings", "IngestSettings", "JobsSettings", "NotifySettings", "RetentionSettings"]


class IngestSettings(AreaSettings):
    """Graph writes of one ingest unit, and the interval of scheduled discoveries."""

    write_batch_size: int = Field(1000, ge=1, le=100_000, description="Rows per UNWIND write transaction.")
    write_parallelism: int = Field(
        2, ge=1, le=16, description="Write transactions one ingest unit runs at once (Neo4j then uses more cores)."
    )
    discovery_interval_minutes: int = Field(
        0, ge=0, description="Minutes between scheduled discoveries (Celery beat); 0 turns the schedule off."
    )
    full_reconcile_every: int = Field(
        24,
        ge=0,
        validation_alias=env("AIDISCOVER_SYNC_FULL_RECONCILE_EVERY"),
        description="Syncs of a unit after which it ignores its rows' digest and the stored edge hashes once and "
        "reconciles every row and edge with the graph, repairing what changed behind the writer's back (a node "
        "deleted by hand, edges removed with another unit's node); 0: only by hours, on `aidiscover discover "
        "--full`, or after a unit stopped mid-write.",
    )
    full_reconcile_hours: float = Field(
        24.0,
        ge=0,
        validation_alias=env("AIDISCOVER_SYNC_FULL_RECONCILE_HOURS"),
        description="Hours after a unit's last full reconcile at which its next sync does one again (whichever of "
        "this and AIDISCOVER_SYNC_FULL_RECONCILE_EVERY comes first); 0: no time limit.",
    )


class AccountsSettings(AreaSettings):
    """The key of the stored secrets (cloud accounts, notification targets) and the stored schedules."""

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


class NotifySettings(AreaSettings):
    """Delivery of notifications (webhook, Slack, SMTP)."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_NOTIFY_")

    max_retries: int = Field(5, ge=0, le=20, description="Retries of a failed notification delivery.")
    retry_backoff: float = Field(
        10.0, gt=0, description="Seconds before the first retry of a failed delivery; doubled at each retry."
    )
    timeout: float = Field(10.0, gt=0, description="Seconds a webhook, Slack or SMTP delivery may take.")


class JobsSettings(AreaSettings):
    """Discovery jobs: resource history, the reaper of dead jobs, unit retries and task hand-over."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_JOB_")

    history_enabled: bool = Field(
        True,
        validation_alias=env("AIDISCOVER_HISTORY_ENABLED"),
        description="Record each resource's created / changed (old -> new) / deleted in discovery jobs.",
    )
    history_retention_days: int = Field(
        90,
        ge=0,
        validation_alias=env("AIDISCOVER_HISTORY_RETENTION_DAYS"),
        description="Days of resource history kept (pruned after each job); 0 keeps everything.",
    )
    stall_seconds: int = Field(
        900,
        ge=10,
        description="A running job none of whose units reported for this long, none of whose tasks a live worker "
        "runs and none of whose tasks is queued, is marked failed by the reaper.",
    )
    reap_interval: int = Field(
        30,
        ge=1,
        le=3600,
        description="Seconds between reaper runs in the workers (one run at a time across all of them, by a Redis "
        "lock; no beat needed): a job whose Redis state is gone (Redis flushed or restarted without persistence) is "
        "marked failed at the next run, a stalled one after AIDISCOVER_JOB_STALL_SECONDS.",
    )
    unit_retries: int = Field(
        6, ge=0, le=50, description="Retries (with backoff) of a job unit on transient Neo4j or Redis errors."
    )
    task_visibility_timeout: int = Field(
        60,
        ge=4,
        le=3600,
        validation_alias=env("AIDISCOVER_TASK_VISIBILITY_TIMEOUT"),
        description="Seconds after which Redis hands the unacknowledged task of a dead worker to another worker (a "
        "killed worker's unit runs again within this plus a sweep of at most 10 s). Live workers re-stamp the tasks "
        "they hold every quarter of it, so a unit slower than this is not handed out twice.",
    )


class RetentionSettings(AreaSettings):
    """How much bookkeeping the graph keeps: finished jobs, their units and the change records, by count and by age.
    Enforced after every discovery job and by `aidiscover history prune`; 0 turns a limit off."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_RETENTION_")

    jobs: int = Field(20, ge=0, description="Finished discovery jobs kept (the most recent); 0: no count limit.")
    job_days: int = Field(30, ge=0, description="Days a finished discovery job is kept; 0: no age limit.")
    unit_jobs: int = Field(
        3,
        ge=0,
        description="Most recent finished jobs that keep their per-unit records; older jobs keep their totals only. "
        "0: no count limit.",
    )
    unit_days: int = Field(7, ge=0, description="Days a finished job keeps its per-unit records; 0: no age limit.")
    changes: int = Field(
        100_000,
        ge=0,
        description="Change records (resource history) kept, the most recent; 0: no count limit. Their age limit is "
        "AIDISCOVER_HISTORY_RETENTION_DAYS.",
    )
