"""Plan a discovery job: which units (provider x account x region x service) it fans out into.

Each provider (``ingest.providers.registry``) plans its own units: AWS one per service, account and
region, Azure one per subscription, GCP one per scope. A request for every provider covers AWS and
each other provider that is configured. What cannot be planned (an account whose credentials fail)
becomes a job warning.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.settings import Settings
from ingest.jobs.model import JobRequest, UnitSpec
from ingest.providers.registry import PROVIDER_NAMES, provider

__all__ = ["Plan", "plan_job", "providers_of"]


@dataclass(frozen=True)
class Plan:
    units: tuple[UnitSpec, ...]
    warnings: tuple[str, ...]


def providers_of(request: JobRequest, settings: Settings) -> tuple[str, ...]:
    if request.provider == "all":
        return tuple(name for name in PROVIDER_NAMES if provider(name).configured(settings))
    return (provider(request.provider).name,)


def plan_job(request: JobRequest, settings: Settings) -> Plan:
    units: list[UnitSpec] = []
    warnings: list[str] = []
    for name in providers_of(request, settings):
        units += provider(name).plan(request, settings, warnings)
    if request.full:
        units = [replace(u, full=True) for u in units]
    return Plan(tuple(units), tuple(warnings))
