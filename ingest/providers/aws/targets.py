"""The AWS accounts a sync reaches: configured in settings or registered, each with its clients.

A worker resolves a unit's target by its ``source`` (how the account was configured) and keeps the
targets for the life of the process, so it builds each boto3 session once.
"""

from __future__ import annotations

import threading

from core.errors import ConfigError
from core.settings import Settings
from ingest.accounts.credentials import registered_aws_targets
from ingest.providers.aws.accounts import AwsTarget, aws_targets

__all__ = ["all_aws_targets", "aws_target", "remember_target"]

_TARGETS: dict[str, AwsTarget] = {}
_LOCK = threading.Lock()


def all_aws_targets(settings: Settings, warnings: list[str]) -> list[AwsTarget]:
    """The accounts configured in settings, plus those registered with `aidiscover accounts add` (an
    account that cannot be used adds a warning). When accounts are registered and settings name none, the
    default credentials are not a target of their own."""
    registered, problems = registered_aws_targets(settings)
    warnings += problems
    configured = bool(settings.aws.profiles or settings.aws.role_arns or settings.aws.organization_role)
    if registered and not configured:
        return registered
    return [*aws_targets(settings.aws), *registered]


def remember_target(target: AwsTarget) -> None:
    """Keep ``target`` for the units planned on it (the planner's own sessions, already resolved)."""
    with _LOCK:
        _TARGETS[target.source] = target


def aws_target(settings: Settings, source: str) -> AwsTarget:
    """The configured AWS target named ``source`` (cached per process: a worker builds its sessions once)."""
    with _LOCK:
        if source not in _TARGETS:
            for target in all_aws_targets(settings, []):
                _TARGETS.setdefault(target.source, target)
        try:
            return _TARGETS[source]
        except KeyError:
            raise ConfigError(f"AWS target {source!r} is no longer configured; check AIDISCOVER_AWS_*") from None
