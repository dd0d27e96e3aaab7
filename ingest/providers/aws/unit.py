"""An AWS ingest unit: one service in one account and region, as data.

A unit declares the labels it owns, a ``fetch`` (boto3 I/O, every page) and a pure ``transform``
(payload -> rows); ``read`` runs both for one spec and names the unit's cleanup scope. Writing is
the sync pipeline's, the same for every provider (``ingest.jobs.units``). Global services
(IAM, Route53, CloudFront) run once per account with region ``global``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.settings import Settings
from graph.rows import ALL_REGIONS, Scope, Transformed
from graph.schema.references import edges_from_properties
from ingest.jobs.model import UnitSpec
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.targets import aws_target
from ingest.providers.unit import UnitRows

log = logging.getLogger(__name__)

GLOBAL_REGION = "global"

Fetch = Callable[[AwsClients, str], Any]
Transform = Callable[[Any, str, str], Transformed]


@dataclass(frozen=True)
class AwsUnit:
    """One service's unit. ``fetch(clients, region)`` returns a payload; ``transform(payload, account,
    region)`` is pure and returns the rows; ``labels`` are the node labels the unit owns (its cleanup scope)."""

    service: str
    labels: tuple[str, ...]
    fetch: Fetch
    transform: Transform
    global_service: bool = False
    # A global listing whose nodes carry their own regions (S3 buckets): cleanup covers every region.
    cleanup_all_regions: bool = False

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        """Fetch with the clients of the spec's account, then transform; nothing is written."""
        payload = self.fetch(aws_target(settings, spec.source).clients, spec.region)
        rows = self.transform(payload, spec.account, spec.region)
        region = ALL_REGIONS if self.cleanup_all_regions else spec.region
        return UnitRows(
            rows.nodes,
            rows.edges,
            (Scope("aws", spec.account, region, self.labels),),
            edges_from_properties(rows.nodes),  # declared ARN references to other services
            (spec.account,),
        )
