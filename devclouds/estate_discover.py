"""Serve a generated estate from the three local clouds and discover it as a discovery job.

The AWS share is already in the moto server (``generate_estate``); the Azure and GCP shares are rebuilt
from the same size and seed and served by a local Resource Graph and a local Cloud Asset server. The
discovery is the product's own: one job (``ingest.jobs.local.run_job_local``) for provider ``all`` with
settings that point at the local clouds, so it is listed by ``aidiscover jobs`` and the viewer's Jobs page,
and its end runs the post-sync hooks (findings, cost). Both AWS accounts are reached as in production:
through ``sts:AssumeRole``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from core.settings import Settings
from devclouds.azure_estate import PROD as AZURE_PROD
from devclouds.azure_estate import SHARED as AZURE_SHARED
from devclouds.azure_resource_graph import AzureResourceGraphServer
from devclouds.estate_generator import azure_estate_for, gcp_estate_for
from devclouds.estate_manifest import AUDIT_ROLE, AWS_ACCOUNTS, AWS_REGIONS, Size
from devclouds.gcp_cloud_asset import CloudAssetServer
from devclouds.gcp_estate import ORG_ID as GCP_ORG_ID
from graph.neo4j.client import Graph
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from ingest.jobs.store import JobRecord, UnitRecord
from ingest.providers.azure.provider import ALL_SUBSCRIPTIONS

__all__ = ["EstateDiscovery", "discover_estate", "local_cloud_settings", "summaries"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EstateDiscovery:
    """The discovery job as it finished, one summary line per provider account, and every warning/error."""

    job: JobRecord
    summaries: tuple[str, ...]
    warnings: tuple[str, ...]


def local_cloud_settings(settings: Settings, aws_url: str, azure_url: str, gcp_url: str) -> Settings:
    """``settings`` pointed at the local clouds: moto's two accounts (by role), both Azure subscriptions and
    the GCP organisation."""
    aws = settings.aws.model_copy(
        update={
            "endpoint_url": aws_url,
            "regions": AWS_REGIONS,
            "role_arns": tuple(f"arn:aws:iam::{a}:role/{AUDIT_ROLE}" for a in AWS_ACCOUNTS),
        }
    )
    azure = settings.azure.model_copy(
        update={
            "endpoint": azure_url,
            "token": "demo-token",  # the local Resource Graph accepts any bearer token
            "subscriptions": (AZURE_PROD, AZURE_SHARED),
        }
    )
    gcp = settings.gcp.model_copy(
        update={"endpoint": gcp_url, "anonymous": True, "scopes": (f"organizations/{GCP_ORG_ID}",)}
    )
    return settings.model_copy(update={"aws": aws, "azure": azure, "gcp": gcp})


def discover_estate(
    settings: Settings, graph: Graph, size: Size, seed: int, aws_url: str, started_by: str = "demo"
) -> EstateDiscovery:
    """Discover the estate of ``size``/``seed`` (its AWS share already created in moto at ``aws_url``) as
    one job for every provider, run in this process."""
    azure = AzureResourceGraphServer(azure_estate_for(size, seed))
    gcp = CloudAssetServer(gcp_estate_for(size, seed))
    try:
        local = local_cloud_settings(settings, aws_url, azure.start(), gcp.start())
        job = run_job_local(local, JobRequest("all", started_by=started_by), graph=graph)
    finally:
        azure.stop()
        gcp.stop()
    lines = summaries(job)
    for line in lines:
        log.info("%s", line)
    warnings = (
        *job.warnings,
        *job.errors,
        *(w for u in job.units for w in (*u.warnings, *u.errors) if w not in job.warnings + job.errors),
    )
    if job.status != "succeeded":
        warnings = (*warnings, f"job {job.id} {job.status}: {job.units_failed} of {job.units_total} units failed")
    return EstateDiscovery(job, lines, tuple(dict.fromkeys(warnings)))


def _shown(provider: str, account: str) -> str:
    """The account as a reader names it: Azure's one unit reads every requested subscription together."""
    return "subscriptions (every requested one)" if provider == "azure" and account == ALL_SUBSCRIPTIONS else account


def summaries(job: JobRecord) -> tuple[str, ...]:
    """One line per provider account (``discovered <provider> <account>: ...``), in the job's unit order."""
    by_account: dict[tuple[str, str], list[UnitRecord]] = defaultdict(list)
    for unit in job.units:
        provider, rest = unit.key.split("/", 1)
        account = rest.rsplit("/", 2)[0]  # <account>/<region>/<service>; a GCP scope holds a slash itself
        by_account[(provider, account)].append(unit)
    order = {"aws": 0, "azure": 1, "gcp": 2}
    return tuple(
        _line(provider, account, units)
        for (provider, account), units in sorted(by_account.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0]))
    )


def _line(provider: str, account: str, units: list[UnitRecord]) -> str:
    failed = sum(u.status == "failed" for u in units)
    nodes, edges = sum(u.nodes for u in units), sum(u.edges for u in units)
    where = f"{provider} {_shown(provider, account)}"
    return f"discovered {where}: {len(units)} units ({failed} failed), {nodes} nodes, {edges} edges"
