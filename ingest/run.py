"""Discover AWS accounts: every (account, region, unit) in one bounded thread pool.

Global units (IAM, Route53, CloudFront) run once per account. A unit AWS refuses (AccessDenied,
region not opted in), whose regional endpoint does not answer, or that fails in any other way,
becomes a warning or an error on its account's report while everything else goes on; a failed
unit removes nothing. An account whose credentials fail is reported and skipped. Only an endpoint
that does not answer at all (the first STS call) stops the run with a one-line error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from core.errors import AIDiscoverError
from core.settings import Settings
from graph.links import apply_links
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.providers.aws.accounts import AwsTarget, aws_targets
from ingest.providers.aws.client import SKIPPABLE_CODES, AwsClients, aws_errors, error_code
from ingest.providers.aws.registry import ALL_UNITS
from ingest.providers.aws.unit import GLOBAL_REGION, AwsUnit, StagedUnit, UnitResult, finish_unit, stage_unit

log = logging.getLogger(__name__)

T = TypeVar("T")
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)


@dataclass(frozen=True)
class DiscoveryReport:
    account: str
    regions: tuple[str, ...]
    units: tuple[UnitResult, ...]
    warnings: tuple[str, ...]
    seconds: float
    errors: tuple[str, ...] = ()
    source: str = ""

    @property
    def nodes(self) -> int:
        return sum(u.counts.nodes for u in self.units)

    @property
    def edges(self) -> int:
        return sum(u.counts.edges for u in self.units)

    def summary(self) -> str:
        return (
            f"discovered aws account {self.account}: {self.nodes} nodes and {self.edges} edges "
            f"in {len(self.regions)} region(s) in {self.seconds:.1f} s"
            + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
            + (f", {len(self.errors)} error(s)" if self.errors else "")
        )


@dataclass
class _Account:
    target: AwsTarget
    account: str = ""
    regions: tuple[str, ...] = ()
    results: list[UnitResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def discover_aws(
    settings: Settings,
    regions: tuple[str, ...] | None = None,
    graph: Graph | None = None,
    clients: AwsClients | None = None,
    units: Sequence[AwsUnit] = ALL_UNITS,
) -> DiscoveryReport:
    """Discover the one account ``clients`` (default: the default credentials) belong to."""
    target = AwsTarget("default credentials", clients or AwsClients(settings))
    report = discover_aws_accounts(settings, regions, graph, [target], units)[0]
    if not report.account:  # the only account failed: say why instead of returning an empty report
        raise AIDiscoverError(report.warnings[0] if report.warnings else "AWS discovery failed")
    return report


def discover_aws_accounts(
    settings: Settings,
    regions: tuple[str, ...] | None = None,
    graph: Graph | None = None,
    targets: Sequence[AwsTarget] | None = None,
    units: Sequence[AwsUnit] = ALL_UNITS,
) -> list[DiscoveryReport]:
    """Discover every configured account (see ``ingest.providers.aws.accounts``); one report each."""
    started = time.monotonic()
    accounts = [_Account(t) for t in (targets if targets is not None else aws_targets(settings))]
    for acc in accounts:
        _resolve(acc, settings, regions)
    own_graph = graph is None
    graph = graph or Graph(settings)
    try:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        writer = GraphWriter(
            graph, SCHEMA, settings.write_batch_size, strict=False, parallelism=settings.write_parallelism
        )
        stamp = SyncStamp.now()
        work = [(acc, unit, region) for acc in accounts if acc.account for unit, region in _work(units, acc.regions)]
        with ThreadPoolExecutor(max_workers=max(1, min(settings.aws_max_workers, len(work)))) as pool:
            # phase 1: every unit fetches and writes its nodes; phase 2: edges (all ends exist now) and cleanup
            staged: list[tuple[_Account, AwsUnit, str, Future[StagedUnit]]] = [
                (
                    acc,
                    unit,
                    region,
                    pool.submit(stage_unit, unit, acc.target.clients, writer, acc.account, region, stamp),
                )
                for acc, unit, region in work
            ]
            # every unit's nodes must be written before any edge: collect all of phase 1 first
            ready = [(acc, unit, region, _collect(acc, unit, region, future)) for acc, unit, region, future in staged]
            finishing: list[tuple[_Account, AwsUnit, str, Future[UnitResult]]] = [
                (acc, unit, region, pool.submit(finish_unit, done, stamp))
                for acc, unit, region, done in ready
                if done is not None
            ]
            for acc, unit, region, done in finishing:
                result = _collect(acc, unit, region, done)
                if result is not None:
                    _record(acc, unit, region, result)
        for acc in accounts:  # edges found by matching across services (DNS names, addresses)
            if acc.account:
                apply_links(graph, acc.account, stamp)
    finally:
        if own_graph:
            graph.close()
    seconds = time.monotonic() - started
    return [
        DiscoveryReport(
            a.account, a.regions, tuple(a.results), tuple(a.warnings), seconds, tuple(a.errors), a.target.source
        )
        for a in accounts
    ]


def _work(units: Sequence[AwsUnit], regions: Sequence[str]) -> list[tuple[AwsUnit, str]]:
    work = [(u, GLOBAL_REGION) for u in units if u.global_service]
    return work + [(u, region) for region in regions for u in units if not u.global_service]


def _resolve(acc: _Account, settings: Settings, regions: tuple[str, ...] | None) -> None:
    """Find the account id and regions; a credentials failure is that account's warning only."""
    clients = acc.target.clients
    with aws_errors(settings.aws_endpoint_url):  # an endpoint that does not answer at all stops the run
        try:
            acc.account = clients.sts().get_caller_identity()["Account"]
            acc.regions = regions or settings.aws_regions or _enabled_regions(clients)
        except ClientError as exc:
            acc.account = ""
            acc.warnings.append(f"{acc.target.source}: {error_code(exc)} ({exc}); account skipped, nothing removed")
            log.warning("%s skipped: %s", acc.target.source, error_code(exc))


def _record(acc: _Account, unit: AwsUnit, region: str, result: UnitResult) -> None:
    acc.results.append(result)
    if result.counts.anomalies:
        first = "; ".join(result.anomaly_messages[:3])
        acc.warnings.append(
            f"{unit.service} in {region}: {result.counts.anomalies} anomalies in the payload, kept what fits ({first})"
        )


def _collect(acc: _Account, unit: AwsUnit, region: str, future: Future[T]) -> T | None:
    """The future's result, or None with the failure recorded on the account as a warning or an error."""
    where = f"{unit.service} in {region}"
    try:
        return future.result()
    except ClientError as exc:
        code = error_code(exc)
        if code in SKIPPABLE_CODES:
            acc.warnings.append(f"{where}: {code}; skipped, nothing removed")
        else:
            acc.warnings.append(f"{where}: AWS error {code}: {exc}; skipped, nothing removed")
        log.warning("%s of %s skipped: %s", where, acc.account, code)
    except UNREACHABLE as exc:
        acc.warnings.append(f"{where}: endpoint unreachable ({exc.__class__.__name__}); skipped, nothing removed")
        log.warning("%s of %s unreachable: %s", where, acc.account, exc)
    except (BotoCoreError, AIDiscoverError, ValueError, KeyError, TypeError) as exc:
        acc.errors.append(f"{where}: {exc.__class__.__name__}: {exc}; skipped, nothing removed")
        log.exception("%s of %s failed", where, acc.account)
    return None


def _enabled_regions(clients: AwsClients) -> tuple[str, ...]:
    ec2_client = clients.ec2(clients.settings.aws_default_region)
    regions = ec2_client.describe_regions(AllRegions=False)["Regions"]
    return tuple(sorted(r["RegionName"] for r in regions if r.get("RegionName")))
