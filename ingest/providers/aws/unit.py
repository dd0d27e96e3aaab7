"""An AWS ingest unit: one service in one account and region, as data.

A unit declares the labels it owns, a ``fetch`` (boto3 I/O, every page) and a pure ``transform``
(payload -> rows). ``run_unit`` does the rest the same way for every service: load nodes, then
edges, then remove what the unit's scope held before and this sync did not see. Global services
(IAM, Route53, CloudFront) run once per account with region ``global``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from graph.rows import ALL_REGIONS, Scope, Transformed
from graph.write import GraphWriter, SyncStamp, UnitCounts, load_unit
from ingest.providers.aws.client import AwsClients

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


@dataclass(frozen=True)
class UnitResult:
    provider: str
    account: str
    region: str
    service: str
    counts: UnitCounts
    seconds: float
    anomaly_messages: tuple[str, ...] = ()


def run_unit(
    unit: AwsUnit, clients: AwsClients, writer: GraphWriter, account: str, region: str, stamp: SyncStamp
) -> UnitResult:
    """fetch -> transform -> load -> cleanup for one account and region. Raises whatever fetch raises,
    before anything is written or removed."""
    started = time.monotonic()
    payload = unit.fetch(clients, region)
    rows = unit.transform(payload, account, region)
    unit_writer = writer.fork()  # its own anomaly counters
    scope_region = ALL_REGIONS if unit.cleanup_all_regions else region
    counts = load_unit(unit_writer, rows, Scope("aws", account, scope_region, unit.labels), stamp)
    counts = replace(counts, anomalies=unit_writer.anomalies)
    seconds = time.monotonic() - started
    log.info("%s %s/%s: %s nodes, %s edges in %.2f s", unit.service, account, region, counts.nodes, counts.edges,
             seconds)  # fmt: skip
    return UnitResult("aws", account, region, unit.service, counts, seconds, tuple(unit_writer.anomaly_messages))
