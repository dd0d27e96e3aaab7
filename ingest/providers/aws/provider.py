"""AWS as a provider of the sync pipeline: plan every account's units, read each with its service's unit.

Every configured or registered account (``ingest.providers.aws.targets``) is resolved with STS (an
account two sources reach is planned once, through the first), then each service unit runs once per
region (global services once per account). An account whose
credentials fail becomes a job warning and has no units; an endpoint that does not answer at all
stops the planning with a one-line error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from core.errors import ConfigError, UnitFailedError
from core.settings import Settings
from ingest.jobs.model import JobRequest, UnitSpec
from ingest.providers.aws.client import SKIPPABLE_CODES, AwsClients, aws_errors, error_code
from ingest.providers.aws.registry import ALL_UNITS, unit
from ingest.providers.aws.targets import all_aws_targets, remember_target
from ingest.providers.aws.unit import GLOBAL_REGION, AwsUnit

__all__ = ["AWS", "AwsProvider"]

log = logging.getLogger(__name__)

UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)


@dataclass(frozen=True)
class AwsProvider:
    name: str = "aws"

    def configured(self, settings: Settings) -> bool:
        return True  # the default credentials are always a target

    def plan(self, request: JobRequest, settings: Settings, warnings: list[str]) -> tuple[UnitSpec, ...]:
        units: list[UnitSpec] = []
        wanted = set(request.accounts) if request.provider in (self.name, "all") else set()
        chosen = _services(request)
        planned: dict[str, str] = {}  # account -> the source it is discovered through
        for target in all_aws_targets(settings, warnings):
            clients = target.clients
            with aws_errors(settings.aws.endpoint_url):
                try:
                    account = clients.sts().get_caller_identity()["Account"]
                except ClientError as exc:
                    warnings.append(f"{target.source}: {error_code(exc)}; account skipped, nothing removed")
                    log.warning("%s skipped: %s", target.source, error_code(exc))
                    continue
                if wanted and account not in wanted:
                    continue
                if account in planned:  # e.g. a role in the default credentials' own account
                    log.info(
                        "%s reaches account %s, already planned through %s: discovered once",
                        target.source,
                        account,
                        planned[account],
                    )
                    continue
                planned[account] = target.source
                regions = request.regions or settings.aws.regions or _enabled_regions(clients)
            remember_target(target)
            units += [
                UnitSpec("aws", account, GLOBAL_REGION, u.service, target.source) for u in chosen if u.global_service
            ]
            units += [
                UnitSpec("aws", account, region, u.service, target.source)
                for region in regions
                for u in chosen
                if not u.global_service
            ]
        missing = wanted - {u.account for u in units}
        warnings += [f"aws account {a}: not among the configured accounts; skipped" for a in sorted(missing)]
        return tuple(units)

    def unit(self, spec: UnitSpec) -> AwsUnit:
        return unit(spec.service)

    def failure(self, spec: UnitSpec, exc: BaseException) -> UnitFailedError | None:
        """AWS refusals (AccessDenied, a region not opted in) and unreachable endpoints are warnings."""
        if isinstance(exc, ClientError):
            code = error_code(exc)
            return UnitFailedError(f"{spec.key}: AWS {code}; skipped, nothing removed", warning=code in SKIPPABLE_CODES)
        if isinstance(exc, UNREACHABLE):
            return UnitFailedError(
                f"{spec.key}: endpoint unreachable ({exc.__class__.__name__}); skipped, nothing removed", warning=True
            )
        if isinstance(exc, BotoCoreError):
            return UnitFailedError(
                f"{spec.key}: {exc.__class__.__name__}: {exc}; skipped, nothing removed", warning=True
            )
        return None


def _services(request: JobRequest) -> tuple[AwsUnit, ...]:
    """The units of the services the request names (every one when it names none)."""
    if not request.services:
        return ALL_UNITS
    known = {u.service for u in ALL_UNITS}
    unknown = sorted(set(request.services) - known)
    if unknown:
        raise ConfigError(f"unknown AWS service(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return tuple(u for u in ALL_UNITS if u.service in request.services)


def _enabled_regions(clients: AwsClients) -> tuple[str, ...]:
    regions = clients.ec2(clients.settings.default_region).describe_regions(AllRegions=False)["Regions"]
    return tuple(sorted(r["RegionName"] for r in regions if r.get("RegionName")))


AWS = AwsProvider()
