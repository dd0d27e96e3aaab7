"""Plan a discovery job: which units (provider x account x region x service) it fans out into.

AWS: every configured account (``ingest.providers.aws.accounts``) is resolved with STS, then each
service unit runs once per region (global services once per account). An account whose credentials
fail becomes a job warning and has no units. Azure: one unit per configured subscription (or one unit
over every visible subscription when none is configured). GCP: one unit per configured scope.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from botocore.exceptions import ClientError

from core.errors import ConfigError
from core.settings import Settings
from ingest.accounts.credentials import registered_aws_targets
from ingest.jobs.model import JobRequest, UnitSpec
from ingest.providers.aws.accounts import AwsTarget, aws_targets
from ingest.providers.aws.client import AwsClients, aws_errors, error_code
from ingest.providers.aws.registry import ALL_UNITS
from ingest.providers.aws.unit import GLOBAL_REGION

log = logging.getLogger(__name__)

ALL_SUBSCRIPTIONS = "*"
PROVIDERS = ("aws", "azure", "gcp")


@dataclass(frozen=True)
class Plan:
    units: tuple[UnitSpec, ...]
    warnings: tuple[str, ...]


def providers_of(request: JobRequest, settings: Settings) -> tuple[str, ...]:
    if request.provider == "all":
        return tuple(p for p in PROVIDERS if p == "aws" or _configured(settings, p))
    if request.provider not in PROVIDERS:
        raise ConfigError(f"unknown provider {request.provider!r}; use aws, azure, gcp or all")
    return (request.provider,)


def _configured(settings: Settings, provider: str) -> bool:
    return bool(settings.azure_subscriptions) if provider == "azure" else bool(settings.gcp_scopes)


def plan_job(request: JobRequest, settings: Settings) -> Plan:
    units: list[UnitSpec] = []
    warnings: list[str] = []
    for provider in providers_of(request, settings):
        if provider == "aws":
            units += _plan_aws(request, settings, warnings)
        elif provider == "azure":
            asked = request.accounts if request.provider == "azure" else ()
            subs = asked or settings.azure_subscriptions
            for sub in subs or (ALL_SUBSCRIPTIONS,):
                units.append(UnitSpec("azure", sub.lower(), "*", "resource-graph", sub.lower()))
        else:
            scopes = request.accounts if request.provider == "gcp" and request.accounts else settings.gcp_scopes
            if not scopes:
                raise ConfigError("no GCP scope to discover: set AIDISCOVER_GCP_SCOPES (e.g. projects/p)")
            units += [UnitSpec("gcp", scope, "*", "cloud-asset", scope) for scope in scopes]
    return Plan(tuple(units), tuple(warnings))


def _plan_aws(request: JobRequest, settings: Settings, warnings: list[str]) -> list[UnitSpec]:
    units: list[UnitSpec] = []
    wanted = set(request.accounts) if request.provider in ("aws", "all") else set()
    for target in all_aws_targets(settings, warnings):
        clients = target.clients
        with aws_errors(settings.aws_endpoint_url):
            try:
                account = clients.sts().get_caller_identity()["Account"]
            except ClientError as exc:
                warnings.append(f"{target.source}: {error_code(exc)}; account skipped, nothing removed")
                continue
            if wanted and account not in wanted:
                continue
            regions = request.regions or settings.aws_regions or _enabled_regions(clients)
        _TARGETS[target.source] = target
        units += [
            UnitSpec("aws", account, GLOBAL_REGION, u.service, target.source) for u in ALL_UNITS if u.global_service
        ]
        units += [
            UnitSpec("aws", account, region, u.service, target.source)
            for region in regions
            for u in ALL_UNITS
            if not u.global_service
        ]
    missing = wanted - {u.account for u in units}
    warnings += [f"aws account {a}: not among the configured accounts; skipped" for a in sorted(missing)]
    return units


def all_aws_targets(settings: Settings, warnings: list[str]) -> list[AwsTarget]:
    """The accounts configured in settings, plus those registered with `aidiscover accounts add` (an
    account that cannot be used adds a warning). When accounts are registered and settings name none, the
    default credentials are not a target of their own."""
    registered, problems = registered_aws_targets(settings)
    warnings += problems
    configured = bool(settings.aws_profiles or settings.aws_role_arns or settings.aws_organization_role)
    if registered and not configured:
        return registered
    return [*aws_targets(settings), *registered]


def _enabled_regions(clients: AwsClients) -> tuple[str, ...]:
    regions = clients.ec2(clients.settings.aws_default_region).describe_regions(AllRegions=False)["Regions"]
    return tuple(sorted(r["RegionName"] for r in regions if r.get("RegionName")))


_TARGETS: dict[str, AwsTarget] = {}
_LOCK = threading.Lock()


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
