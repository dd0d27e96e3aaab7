"""An AWS ingest unit: one service in one account and region, as data.

A unit declares the labels it owns, a ``fetch`` (boto3 I/O, every page) and a pure ``transform``
(payload -> rows). The rest is the same for every service, in two phases across a whole sync:
``stage_unit`` writes the nodes; once every unit has, ``finish_unit`` writes the edges and removes
what the unit's scope held before and this sync did not see. Global services
(IAM, Route53, CloudFront) run once per account with region ``global``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.rows import ALL_REGIONS, EdgeRow, Scope, Transformed
from graph.schema.references import edges_from_properties
from graph.write import GraphWriter, SyncStamp, UnitCounts
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


@dataclass(frozen=True)
class StagedUnit:
    """A unit whose nodes are written; its edges wait until every unit of the sync has written its nodes,
    so an edge to a node another unit owns (an ENI's instance, a Route53 zone's VPC) is never missed."""

    unit: AwsUnit
    account: str
    region: str
    edges: tuple[EdgeRow, ...]
    references: tuple[EdgeRow, ...]
    nodes: int
    writer: GraphWriter
    started: float


def stage_unit(
    unit: AwsUnit, clients: AwsClients, writer: GraphWriter, account: str, region: str, stamp: SyncStamp
) -> StagedUnit:
    """Phase 1: fetch -> transform -> write nodes. Raises whatever fetch raises, before anything is written."""
    started = time.monotonic()
    payload = unit.fetch(clients, region)
    rows = unit.transform(payload, account, region)
    unit_writer = writer.fork()  # its own anomaly counters
    nodes = unit_writer.nodes(rows.nodes, stamp)
    references = edges_from_properties(rows.nodes)  # declared ARN references to other services
    return StagedUnit(unit, account, region, rows.edges, references, nodes, unit_writer, started)


def finish_unit(staged: StagedUnit, stamp: SyncStamp) -> UnitResult:
    """Phase 2, after every unit's nodes: write edges, then remove what the scope held and this sync did not see."""
    unit, writer = staged.unit, staged.writer
    edges = writer.edges(staged.edges, stamp)
    # a reference to what the graph does not hold (a public AMI, another account's role) is normal: not skipped
    references = writer.edges(staged.references, stamp)
    scope_region = ALL_REGIONS if unit.cleanup_all_regions else staged.region
    removed = writer.cleanup(Scope("aws", staged.account, scope_region, unit.labels), stamp)
    counts = UnitCounts(
        staged.nodes,
        edges.written + references.written,
        edges.skipped,
        removed.nodes,
        removed.edges,
        writer.anomalies,
        references.skipped,
    )
    seconds = time.monotonic() - staged.started
    log.info(
        "%s %s/%s: %s nodes, %s edges in %.2f s",
        unit.service,
        staged.account,
        staged.region,
        counts.nodes,
        counts.edges,
        seconds,
    )
    return UnitResult(
        "aws", staged.account, staged.region, unit.service, counts, seconds, tuple(writer.anomaly_messages)
    )


def run_unit(
    unit: AwsUnit, clients: AwsClients, writer: GraphWriter, account: str, region: str, stamp: SyncStamp
) -> UnitResult:
    """Both phases for one unit alone (edges to nodes other units own are written only if they exist)."""
    return finish_unit(stage_unit(unit, clients, writer, account, region, stamp), stamp)
