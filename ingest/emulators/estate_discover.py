"""Serve a generated estate from the three local clouds and discover it with the real discovery code.

The AWS share is already in the moto server (``generate_estate``); the Azure and GCP shares are rebuilt
from the same size and seed and served by a local Resource Graph and a local Cloud Asset server. Both
AWS accounts are reached as discovery reaches them in production: through ``sts:AssumeRole``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.settings import Settings
from graph.neo4j.client import Graph
from ingest.emulators.azure_estate import PROD as AZURE_PROD
from ingest.emulators.azure_estate import SHARED as AZURE_SHARED
from ingest.emulators.azure_resource_graph import AzureResourceGraphServer
from ingest.emulators.estate_generator import azure_estate_for, gcp_estate_for
from ingest.emulators.estate_manifest import AUDIT_ROLE, AWS_ACCOUNTS, AWS_REGIONS, Size
from ingest.emulators.gcp_cloud_asset import CloudAssetServer
from ingest.emulators.gcp_estate import ORG_ID as GCP_ORG_ID
from ingest.providers.azure.run import discover_azure
from ingest.providers.gcp.run import discover_gcp
from ingest.run import discover_aws_accounts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EstateDiscovery:
    summaries: tuple[str, ...]
    warnings: tuple[str, ...]


def discover_estate(settings: Settings, graph: Graph, size: Size, seed: int, aws_url: str) -> EstateDiscovery:
    """Discover the estate of ``size``/``seed`` (its AWS share already created in moto at ``aws_url``)."""
    azure = AzureResourceGraphServer(azure_estate_for(size, seed))
    gcp = CloudAssetServer(gcp_estate_for(size, seed))
    try:
        local = settings.model_copy(
            update={
                "aws_endpoint_url": aws_url,
                "aws_regions": AWS_REGIONS,
                "aws_role_arns": tuple(f"arn:aws:iam::{a}:role/{AUDIT_ROLE}" for a in AWS_ACCOUNTS),
                "azure_endpoint": azure.start(),
                "azure_token": "demo-token",  # the local Resource Graph accepts any bearer token
                "azure_subscriptions": (AZURE_PROD, AZURE_SHARED),
                "gcp_endpoint": gcp.start(),
                "gcp_anonymous": True,
                "gcp_scopes": (f"organizations/{GCP_ORG_ID}",),
            }
        )
        aws_reports = discover_aws_accounts(local, AWS_REGIONS, graph)
        azure_report = discover_azure(local, graph=graph)
        gcp_report = discover_gcp(local, graph=graph)
    finally:
        azure.stop()
        gcp.stop()
    summaries = (*(r.summary() for r in aws_reports), azure_report.summary(), gcp_report.summary())
    warnings = (
        *(w for r in aws_reports for w in (*r.warnings, *r.errors)),
        *azure_report.warnings,
        *gcp_report.warnings,
    )
    for line in summaries:
        log.info("%s", line)
    return EstateDiscovery(summaries, warnings)
