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
    account that cannot be used adds a warning). Whether the default credentials' own account is one of
    them: ``ingest.providers.aws.accounts.default_included``."""
    registered, problems = registered_aws_targets(settings)
    warnings += problems
    targets = [*aws_targets(settings.aws, registered=bool(registered)), *registered]
    if not targets and not problems:
        warnings.append(
            "aws: AIDISCOVER_AWS_DEFAULT_ACCOUNT is false and no profile, role or registered account is "
            "configured: no AWS account to discover"
        )
    return targets


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
